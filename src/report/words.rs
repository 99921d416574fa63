//! Display text that the engine leaves to the report layer: the same data in
//! English for files and tables, in Danish or English for the HTML report.

use super::labels::Lang;
use crate::allocate::{Change, FewerProposals};

/// A change from proposal 1 in words, e.g. `P07 takes U12 instead of U03`.
pub fn change(c: &Change, lang: Lang) -> String {
    let id = &c.person_id;
    match (lang, &c.from, &c.to) {
        (Lang::En, Some(a), Some(b)) => format!("{id} takes {b} instead of {a}"),
        (Lang::En, None, Some(b)) => format!("{id} is housed ({b})"),
        (Lang::En, Some(a), None) => format!("{id} is not housed (was {a})"),
        (Lang::En, None, None) => format!("{id}: no change"),
        (Lang::Da, Some(a), Some(b)) => format!("{id} får {b} i stedet for {a}"),
        (Lang::Da, None, Some(b)) => format!("{id} får bolig ({b})"),
        (Lang::Da, Some(a), None) => format!("{id} får ikke bolig (havde {a})"),
        (Lang::Da, None, None) => format!("{id}: ingen ændring"),
    }
}

/// Why fewer proposals came back than were asked for.
pub fn fewer(n: &FewerProposals, lang: Lang) -> String {
    let (found, d, asked) = (n.found, n.min_diff, n.asked);
    let one = found == 1;
    match lang {
        Lang::En => format!(
            "only {found} distinct plan{} exist{} that differ{} in at least {d} placement{}; {asked} were asked for",
            if one { "" } else { "s" },
            if one { "s" } else { "" },
            if one { "s" } else { "" },
            if d == 1 { "" } else { "s" },
        ),
        Lang::Da => format!(
            "der findes kun {found} forskellig{} plan{}, der adskiller sig i mindst {d} placering{}; der blev bedt om {asked}",
            if one { "" } else { "e" },
            if one { "" } else { "er" },
            if d == 1 { "" } else { "er" },
        ),
    }
}

/// "unchanged from last week: N; changed: M, because …" in `lang`.
pub fn stability(st: &crate::allocate::Stability, lang: Lang) -> String {
    let mut why: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for c in &st.changed {
        *why.entry(c.why).or_default() += 1;
    }
    let because: Vec<String> = why
        .iter()
        .map(|(w, n)| {
            let text = match (lang, *w) {
                (Lang::En, "not_waiting") => "no longer waiting",
                (Lang::En, "home_gone") => "the home is not free",
                (Lang::En, "not_eligible") => "a rule or a decline closes the home",
                (Lang::En, "worker_changed") => "same home, another worker",
                (Lang::En, _) => "a plan with more priority or fit",
                (Lang::Da, "not_waiting") => "venter ikke længere",
                (Lang::Da, "home_gone") => "boligen er ikke ledig",
                (Lang::Da, "not_eligible") => "en regel eller et afslag lukker boligen",
                (Lang::Da, "worker_changed") => "samme bolig, anden medarbejder",
                (Lang::Da, _) => "en plan med højere prioritet eller bedre match",
            };
            format!("{n} {text}")
        })
        .collect();
    match lang {
        Lang::En => format!(
            "unchanged from last week: {}; changed: {}{}",
            st.unchanged,
            st.changed.len(),
            if because.is_empty() {
                String::new()
            } else {
                format!(", because: {}", because.join(", "))
            }
        ),
        Lang::Da => format!(
            "uændret fra sidste uge: {}; ændret: {}{}",
            st.unchanged,
            st.changed.len(),
            if because.is_empty() {
                String::new()
            } else {
                format!(", fordi: {}", because.join(", "))
            }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_and_notes_read_well_in_both_languages() {
        let c = Change {
            person_id: "P07".into(),
            from: Some("U03".into()),
            to: Some("U12".into()),
        };
        assert_eq!(change(&c, Lang::En), "P07 takes U12 instead of U03");
        assert_eq!(change(&c, Lang::Da), "P07 får U12 i stedet for U03");
        let n = FewerProposals {
            found: 1,
            asked: 3,
            min_diff: 1,
        };
        assert_eq!(
            fewer(&n, Lang::En),
            "only 1 distinct plan exists that differs in at least 1 placement; 3 were asked for"
        );
        let n = FewerProposals {
            found: 2,
            asked: 3,
            min_diff: 2,
        };
        assert_eq!(
            fewer(&n, Lang::Da),
            "der findes kun 2 forskellige planer, der adskiller sig i mindst 2 placeringer; der blev bedt om 3"
        );
    }
}
