//! Turning the bytes of an export into text and cells: encoding, delimiter and
//! the Danish ways of writing numbers, dates and yes/no.

use crate::model::{fold, Ore};
use chrono::NaiveDate;

/// Decodes an export: UTF-8 with or without BOM, otherwise Windows-1252
/// (what Danish Excel writes by default). Never fails: every byte sequence is
/// valid Windows-1252.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            text.into_owned()
        }
    }
}

/// Decodes an export one way from its first byte to its last: UTF-8 when it
/// is UTF-8, Windows-1252 when it holds no UTF-8 letters at all. A file that
/// is UTF-8 but for a stray byte (or has a UTF-8 byte-order mark and is not
/// UTF-8) is refused with the line of the first bad byte: read as
/// Windows-1252 it would garble every æ, ø and å in it without a word.
pub fn decode_checked(bytes: &[u8]) -> Result<String, (u64, String)> {
    let (body, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    let Err(e) = std::str::from_utf8(body) else {
        return Ok(decode(bytes));
    };
    let lossy = String::from_utf8_lossy(body);
    let utf8_letters = lossy
        .chars()
        .any(|c| !c.is_ascii() && c != char::REPLACEMENT_CHARACTER);
    if !bom && !utf8_letters {
        return Ok(decode(bytes));
    }
    let at = e.valid_up_to();
    let line = body[..at].iter().filter(|b| **b == b'\n').count() as u64 + 1;
    Err((
        line,
        format!(
            "the file is UTF-8 but for byte 0x{:02X} on this line; read either way, some letters would come out wrong. Save the file again as UTF-8 (or as Windows-1252 throughout)",
            body.get(at).copied().unwrap_or(0)
        ),
    ))
}

/// Picks the delimiter from the header line: the most frequent of `;`, tab and
/// `,` outside quotes (ties go to `;`, then tab, as Danish Excel uses `;`).
pub fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => counts[0] += 1,
            '\t' if !quoted => counts[1] += 1,
            ',' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let delims = [b';', b'\t', b','];
    let mut best = 2;
    for i in [1, 0] {
        if counts[i] >= counts[best] && counts[i] > 0 {
            best = i;
        }
    }
    delims[best]
}

/// Why a cell could not be read; the text completes `"value" ...`.
pub type ParseFail = String;

/// A whole number, possibly negative (the caller checks the range).
pub fn parse_int(s: &str) -> Result<i64, ParseFail> {
    let t = s.trim();
    let digits = t.strip_prefix('-').unwrap_or(t);
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("is not a whole number; write digits, e.g. 3".into());
    }
    t.parse::<i64>()
        .map_err(|_| "is not a whole number; write digits, e.g. 3".into())
}

/// An amount in kroner as Danish or English spreadsheets write it, in øre:
/// `3500`, `3500,5`, `3.500,00`, `3500.50`, `3,500.00`, `3 500`.
///
/// A lone `.` followed by exactly three digits in groups (`3.500`) is a
/// thousands separator, as in Danish; otherwise the last of `.`/`,` is the
/// decimal mark.
pub fn parse_money(s: &str) -> Result<Ore, ParseFail> {
    let mut t: String = s
        .trim()
        .trim_end_matches("kr.")
        .trim_end_matches("kr")
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    let neg = t.starts_with('-');
    if neg {
        t.remove(0);
    }
    if t.is_empty() {
        return Err(NOT_MONEY.into());
    }
    if let Some(two_ways) = read_two_ways(&t) {
        return Err(two_ways);
    }
    let (int_part, frac_part) = match decimal_mark(&t) {
        Some(m) => {
            let pos = t.rfind(m).unwrap_or(t.len());
            (t[..pos].to_string(), t[pos + 1..].to_string())
        }
        None => (t.clone(), String::new()),
    };
    let v = ore(&int_part, &frac_part)?;
    Ok(if neg { -v } else { v })
}

/// What [`parse_money`] says of a cell that is no amount.
const NOT_MONEY: &str = "is not an amount in kroner; write e.g. 3500 or 3.500,00";

/// One separator followed by exactly three digits reads two ways: `3.500`
/// is 3,500 kr in Danish and 3.5 kr in English, `3,500` the reverse.
/// Refused, not guessed: the message says both readings.
fn read_two_ways(t: &str) -> Option<ParseFail> {
    let separators: Vec<(usize, char)> = t
        .char_indices()
        .filter(|(_, c)| matches!(c, '.' | ','))
        .collect();
    let [(at, _)] = separators[..] else {
        return None;
    };
    let (before, after) = (&t[..at], &t[at + 1..]);
    let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    if !((1..=3).contains(&before.len()) && after.len() == 3 && digits(before) && digits(after)) {
        return None;
    }
    let small = format!("{before}.{after}");
    let small = small.trim_end_matches('0').trim_end_matches('.');
    Some(format!(
        "could be read two ways, as {before}{after} kr or as {small} kr (Danish and English swap the thousands and decimal marks); write it without a thousands separator, e.g. {before}{after} or {before}{after},00"
    ))
}

/// The decimal mark of an amount without sign and spaces: the last of `.`
/// and `,` when both appear; a lone `,` unless repeated (`1,234,567`:
/// English thousands); `.` unless it only separates groups of three
/// (`3.500.000`: Danish thousands); none without either.
fn decimal_mark(t: &str) -> Option<char> {
    match (t.rfind('.'), t.rfind(',')) {
        (Some(d), Some(c)) => Some(if d > c { '.' } else { ',' }),
        (None, Some(_)) => (t.matches(',').count() <= 1).then_some(','),
        (Some(_), None) => {
            let groups: Vec<&str> = t.split('.').collect();
            let thousands = groups.len() > 1
                && !groups[0].is_empty()
                && groups[0].len() <= 3
                && groups[1..].iter().all(|g| g.len() == 3);
            (!thousands).then_some('.')
        }
        (None, None) => None,
    }
}

/// The øre of the kroner before the decimal mark (thousands separators
/// dropped) and the digits after it (at most two that are not 0).
fn ore(int_part: &str, frac_part: &str) -> Result<Ore, ParseFail> {
    let int_digits: String = int_part
        .chars()
        .filter(|c| *c != '.' && *c != ',')
        .collect();
    if int_digits.is_empty() && frac_part.is_empty()
        || !int_digits.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
        || int_digits.len() > 12
    {
        return Err(NOT_MONEY.into());
    }
    if frac_part.len() > 2 && frac_part[2..].bytes().any(|b| b != b'0') {
        return Err("has more decimals than øre allow; round to two decimals".into());
    }
    let kr: i64 = if int_digits.is_empty() {
        0
    } else {
        int_digits.parse().map_err(|_| NOT_MONEY.to_string())?
    };
    let mut frac = frac_part.chars().take(2).collect::<String>();
    while frac.len() < 2 {
        frac.push('0');
    }
    let ore: i64 = frac.parse().map_err(|_| NOT_MONEY.to_string())?;
    Ok(kr * 100 + ore)
}

/// A date as `YYYY-MM-DD`, `dd-mm-yyyy`, `dd.mm.yyyy` or `dd/mm/yyyy`.
pub fn parse_date(s: &str) -> Result<NaiveDate, ParseFail> {
    let t = s.trim();
    let t = t.split_once([' ', 'T']).map_or(t, |(d, _)| d);
    let mut outside = false;
    for fmt in ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, fmt) {
            if (1900..=2200).contains(&chrono::Datelike::year(&d)) {
                return Ok(d);
            }
            outside = true;
        }
    }
    if outside {
        return Err("is a date outside the years boligmatch reads; give one from 1900-01-01 to 2200-12-31".into());
    }
    Err("is not a date; write e.g. 2014-11-03 or 03-11-2014".into())
}

/// Yes/no as exports write it: `true/false`, `ja/nej`, `1/0`, `x`/blank.
pub fn parse_bool(s: &str) -> Result<bool, ParseFail> {
    match fold(s).as_str() {
        "true" | "ja" | "j" | "yes" | "y" | "1" | "x" | "sand" => Ok(true),
        "false" | "nej" | "n" | "no" | "0" | "" | "falsk" => Ok(false),
        _ => Err("is not yes/no; write ja/nej, true/false, 1/0 or x/blank".into()),
    }
}

/// A `|`-separated list; blanks dropped.
pub fn parse_list(s: &str) -> Vec<String> {
    s.split('|')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_in_every_spelling() {
        assert_eq!(parse_money("3500"), Ok(350_000));
        assert_eq!(parse_money("3500,5"), Ok(350_050));
        assert_eq!(parse_money("3.500,00"), Ok(350_000));
        // One separator and three digits read two ways: refused (issue 13).
        assert!(parse_money("3.500")
            .unwrap_err()
            .contains("could be read two ways"));
        assert!(parse_money("3,500")
            .unwrap_err()
            .contains("could be read two ways"));
        assert_eq!(parse_money("3.500.000"), Ok(350_000_000));
        assert_eq!(parse_money("3500,500"), Ok(350_050));
        assert_eq!(parse_money("3500.50"), Ok(350_050));
        assert_eq!(parse_money("3,500.00"), Ok(350_000));
        assert_eq!(parse_money(" 3 500 kr "), Ok(350_000));
        assert_eq!(parse_money("-10"), Ok(-1000));
        assert!(parse_money("tre").is_err());
        assert!(parse_money("").is_err());
        assert!(parse_money("1,234").is_err()); // ambiguous: refused, not guessed
        assert_eq!(parse_money("1,234,567"), Ok(123_456_700));
    }

    /// Issue 13: one stray byte in a UTF-8 file must not turn every æ, ø, å
    /// into something else.
    #[test]
    fn a_stray_byte_in_utf8_is_refused_not_guessed() {
        assert_eq!(
            decode_checked("Måløv;Ærø\n".as_bytes()),
            Ok("Måløv;Ærø\n".into())
        );
        assert_eq!(decode_checked(b"M\xe5l\xf8v\n"), Ok("Måløv\n".into()));
        let mixed = [&b"a;b\nM\xc3\xa5l\xc3\xb8v\n"[..], b"x\x92y\n"].concat();
        let (line, msg) = decode_checked(&mixed).unwrap_err();
        assert_eq!(line, 3);
        assert!(msg.contains("0x92"), "{msg}");
        assert!(
            decode_checked(b"\xEF\xBB\xBFab\xffc").is_err(),
            "a BOM promises UTF-8"
        );
    }

    #[test]
    fn dates_in_every_spelling() {
        let d = NaiveDate::from_ymd_opt(2014, 11, 3).unwrap();
        for s in [
            "2014-11-03",
            "03-11-2014",
            "03.11.2014",
            "03/11/2014",
            "03-11-2014 00:00",
        ] {
            assert_eq!(parse_date(s), Ok(d), "{s}");
        }
        assert!(parse_date("31-02-2014").is_err());
        assert!(parse_date("i går").is_err());
    }

    #[test]
    fn booleans_and_delimiters() {
        assert_eq!(parse_bool("Ja"), Ok(true));
        assert_eq!(parse_bool("x"), Ok(true));
        assert_eq!(parse_bool(""), Ok(false));
        assert!(parse_bool("måske").is_err());
        assert_eq!(sniff_delimiter("a;b;c\n"), b';');
        assert_eq!(sniff_delimiter("a,b,c\n"), b',');
        assert_eq!(sniff_delimiter("a\tb\tc\n"), b'\t');
        assert_eq!(sniff_delimiter("\"a;b\",c\n"), b',');
    }

    #[test]
    fn windows_1252_and_bom() {
        assert_eq!(decode(b"\xEF\xBB\xBFk\xC3\xB8n"), "køn");
        assert_eq!(decode(b"k\xF8n"), "køn");
    }
}
