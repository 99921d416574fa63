//! Screening every cell of an export before it is read: Danish CPR numbers
//! (the data must be pseudonymised) and control characters (which must never
//! reach a terminal raw). Both are refused with the cell's position; a CPR
//! number's value is never shown.

/// Whether `value` looks like a Danish CPR number in any spelling an export
/// may carry: `ddmmyy-xxxx`, ten digits, with spaces, dots or dashes, a
/// leading `CPR`, `CPR-nr.` or `cpr:`, a byte-order mark, Excel's number
/// format (`0101901234.0`) or with the leading zero Excel drops
/// (`101901234`). The day and month must be plausible, so ids such as
/// `P0101`, `U12` or dates such as `2014-11-03` are not taken for one.
pub(crate) fn looks_like_cpr(value: &str) -> bool {
    // Fast path for the common cell: a CPR number has 9 to 11 digits (with
    // Excel's trailing ".0"); counting them allocates nothing.
    let digits = value.bytes().filter(u8::is_ascii_digit).count();
    if !(9..=11).contains(&digits) {
        return false;
    }
    let v = value.trim_start_matches('\u{feff}').trim().to_lowercase();
    let v = match v.strip_prefix("cpr") {
        // "cpr", "cpr-nr.", "cpr nr:", "cpr: " before the number.
        Some(rest) => rest.trim_start_matches(|c: char| {
            c == 'n' || c == 'r' || c == '.' || c == ':' || c == '-' || c.is_whitespace()
        }),
        None => v.as_str(),
    };
    // Excel's number format: a whole number written as 0101901234.0 or ,0.
    let v = v
        .strip_suffix(".0")
        .or_else(|| v.strip_suffix(",0"))
        .unwrap_or(v);
    let separators = |c: char| c == '-' || c == '–' || c == '.' || c == '/' || c.is_whitespace();
    if !v.chars().all(|c| c.is_ascii_digit() || separators(c)) {
        return false;
    }
    let digits: String = v.chars().filter(char::is_ascii_digit).collect();
    let digits = match digits.len() {
        10 => digits,
        9 => format!("0{digits}"),
        _ => return false,
    };
    let day: u32 = digits[0..2].parse().unwrap_or(0);
    let month: u32 = digits[2..4].parse().unwrap_or(0);
    (1..=31).contains(&day) && (1..=12).contains(&month)
}

/// Whether free text holds a Danish CPR number among its words ("ring
/// 010190-1234", "cpr 0101901234", "010190 1234"): every word of digits and
/// separators shaped like one (ten digits, `ddmmyy-xxxx`, `dd.mm.yy-xxxx`,
/// or six digits and four as two words) with a plausible day and month.
/// Dates, amounts and phone numbers are not taken for one.
pub(crate) fn contains_cpr(text: &str) -> bool {
    if text.bytes().filter(u8::is_ascii_digit).count() < 10 {
        return false;
    }
    let is_sep = |c: char| matches!(c, '-' | '–' | '.' | '/');
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_ascii_digit() || is_sep(c)))
        .map(|w| w.trim_matches(is_sep))
        .collect();
    let groups = |w: &str| -> Vec<usize> {
        w.split(is_sep).map(str::len).collect()
    };
    let shaped = |w: &str| {
        matches!(groups(w).as_slice(), [10] | [6, 4] | [2, 2, 2, 4]) && looks_like_cpr(w)
    };
    words.iter().any(|w| shaped(w))
        || words.windows(2).any(|p| {
            matches!(groups(p[0]).as_slice(), [6] | [2, 2, 2])
                && groups(p[1]) == [4]
                && looks_like_cpr(&format!("{}-{}", p[0], p[1]))
        })
}

/// Whether `value` holds a control character (escape codes, bell, tab, line
/// breaks inside a quoted cell, …).
pub(crate) fn has_control(value: &str) -> bool {
    // Bytes first (every cell is screened); characters only beyond ASCII.
    value.bytes().any(|b| b < 0x20 || b == 0x7f)
        || (!value.is_ascii() && value.chars().any(char::is_control))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 25: a CPR number inside free text, and what is not one.
    #[test]
    fn cpr_numbers_inside_free_text() {
        for text in [
            "ring 0101901234 i morgen",
            "cpr: 010190-1234, se journal",
            "født 01.01.90-1234",
            "nr 010190 1234.",
        ] {
            assert!(contains_cpr(text), "{text}");
        }
        for text in [
            "flyttede 03-11-2014 10:30",
            "husleje 3.500.000,00 kr",
            "tlf 12 34 56 78 eller 87 65 43 21",
            "mødes 2014-11-03 og 2014-11-10",
            "sag 9999999999",
        ] {
            assert!(!contains_cpr(text), "{text}");
        }
    }

    /// Issue 13: every spelling of a CPR number an export may carry.
    #[test]
    fn cpr_numbers_in_every_spelling_are_caught() {
        for v in [
            "010190-1234",
            "0101901234",
            "010190 1234",
            "CPR010190-1234",
            "cpr: 010190-1234",
            "CPR-nr. 010190-1234",
            "CPR nr 0101901234",
            "0101901234.0",
            "0101901234,0",
            "\u{feff}0101901234",
            "  010190-1234  ",
            "101901234",
            "01.01.90-1234",
            "010190–1234",
            "311299-9999",
        ] {
            assert!(looks_like_cpr(v), "{v:?} should be caught");
        }
    }

    #[test]
    fn ids_dates_and_numbers_are_not_cpr_numbers() {
        for v in [
            "P0101",
            "U12",
            "S01",
            "2014-11-03",
            "03-11-2014",
            "9999999999",
            "01020312345",
            "3000",
            "1234567890",
            "P010190-1234",
            "",
            "12-34-5678-90",
        ] {
            assert!(!looks_like_cpr(v), "{v:?} is not a CPR number");
        }
    }

    #[test]
    fn control_characters_are_found() {
        assert!(has_control("P01\u{1b}[31m"));
        assert!(has_control("a\tb"));
        assert!(!has_control("Skæv bolig, Ballerup"));
    }
}
