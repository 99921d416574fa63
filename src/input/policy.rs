//! policy.toml: every key optional, unknown keys refused with the known ones listed.

use crate::error::Problem;
use crate::model::{Policy, PriorityPolicy, SupportPolicy};
use chrono::NaiveDate;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    round_date: Option<DateValue>,
    horizon_days: Option<i64>,
    max_rent_share: Option<f64>,
    priority: Option<PriorityPolicy>,
    support: Option<SupportPolicy>,
    shared_living_gender_separated: Option<bool>,
    shared_living_minors_separated: Option<bool>,
    shelter_cost_per_night_dkk: Option<i64>,
    max_area_distance: Option<u32>,
    area_neighbours: Option<std::collections::BTreeMap<String, Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum DateValue {
    Toml(toml::value::Datetime),
    Text(String),
}

/// Line (from 1) of a byte offset in `text`.
pub fn line_of(text: &str, offset: usize) -> u64 {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count() as u64
        + 1
}

/// Parses policy.toml text into a table (for scenarios that merge overrides).
pub fn parse_table(file: &str, text: &str) -> Result<toml::Table, Vec<Problem>> {
    text.parse::<toml::Table>()
        .map_err(|e| vec![toml_problem(file, text, &e)])
}

/// A TOML error as a problem at its line.
pub fn toml_problem(file: &str, text: &str, e: &toml::de::Error) -> Problem {
    let mut message = e.message().trim().replace('\n', " ");
    if message.is_empty() {
        message = "is not valid TOML here; write key = value lines (see docs/formats.md)".into();
    }
    match e.span() {
        Some(span) => {
            // A table-wide error (from a reader that checks the table as a
            // whole) names the key or value in backquotes: point at its line.
            let named = message.split('`').nth(1).filter(|t| !t.is_empty());
            let within = text.get(span.clone());
            let at = match (named, within) {
                (Some(token), Some(slice)) => {
                    slice.find(token).map_or(span.start, |i| span.start + i)
                }
                _ => span.start,
            };
            Problem::line(file, line_of(text, at), message)
        }
        None => Problem::file(file, message),
    }
}

/// Parses policy.toml bytes.
pub fn parse(file: &str, bytes: &[u8], today: NaiveDate) -> Result<Policy, Vec<Problem>> {
    let text = super::text::decode(bytes);
    let table = parse_table(file, &text)?;
    from_table(file, &text, table, today)
}

/// Builds a policy from a TOML table; `text` (may be empty) locates errors.
pub fn from_table(
    file: &str,
    text: &str,
    table: toml::Table,
    today: NaiveDate,
) -> Result<Policy, Vec<Problem>> {
    let raw: RawPolicy = match RawPolicy::deserialize(toml::Value::Table(table.clone())) {
        Ok(r) => r,
        Err(e) => {
            // Re-parse the text to get a span when we have it.
            if !text.is_empty() {
                if let Err(e2) = toml::from_str::<RawPolicy>(text) {
                    return Err(vec![toml_problem(file, text, &e2)]);
                }
            }
            return Err(vec![Problem::file(
                file,
                e.message().trim().replace('\n', " "),
            )]);
        }
    };
    let mut problems = Vec::new();
    let key_line = |key: &str| -> Option<u64> { text.find(key).map(|pos| line_of(text, pos)) };
    let mut fail = |key: &str, msg: String| {
        problems.push(Problem {
            file: file.to_string(),
            line: key_line(key),
            column: None,
            value: None,
            message: format!("key \"{key}\": {msg}"),
        });
    };
    let mut policy = Policy::with_date(today);
    if let Some(d) = raw.round_date {
        let s = match d {
            DateValue::Toml(dt) => dt.to_string(),
            DateValue::Text(s) => s,
        };
        match super::text::parse_date(&s) {
            Ok(d) => policy.round_date = d,
            Err(m) => fail("round_date", format!("\"{s}\" {m}")),
        }
    }
    if let Some(h) = raw.horizon_days {
        policy.horizon_days = h;
    }
    if let Some(s) = raw.max_rent_share {
        policy.max_rent_share = s;
    }
    if let Some(p) = raw.priority {
        policy.priority = p;
    }
    if let Some(s) = raw.support {
        policy.support = s;
    }
    if let Some(b) = raw.shared_living_gender_separated {
        policy.shared_living_gender_separated = b;
    }
    if let Some(b) = raw.shared_living_minors_separated {
        policy.shared_living_minors_separated = b;
    }
    if let Some(c) = raw.shelter_cost_per_night_dkk {
        policy.shelter_cost_per_night_dkk = c;
    }
    policy.max_area_distance = raw.max_area_distance;
    if let Some(n) = raw.area_neighbours {
        policy.area_neighbours = n;
    }
    for (key, message) in policy.problems() {
        fail(key, message);
    }
    policy.derive_area_distances();
    if problems.is_empty() {
        Ok(policy)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2014, 11, 3).unwrap()
    }

    #[test]
    fn empty_policy_is_the_default() {
        assert_eq!(
            parse("policy.toml", b"", today()),
            Ok(Policy::with_date(today()))
        );
    }

    #[test]
    fn dates_as_toml_or_text() {
        let p = parse("policy.toml", b"round_date = 2014-11-03\n", today()).unwrap();
        assert_eq!(p.round_date, today());
        let p = parse("policy.toml", b"round_date = \"03-11-2014\"\n", today()).unwrap();
        assert_eq!(p.round_date, today());
    }

    #[test]
    fn unknown_key_names_the_key_and_the_known_ones() {
        let e = parse("policy.toml", b"horizon_days = 28\nmax_rent = 3\n", today()).unwrap_err();
        let msg = e[0].to_string();
        assert!(msg.starts_with("policy.toml:2:"), "{msg}");
        assert!(
            msg.contains("max_rent") && msg.contains("max_rent_share"),
            "{msg}"
        );
    }

    /// Found by the reader fuzzer: TOML's own message is empty for these
    /// bytes; a user still needs to know what is wrong.
    #[test]
    fn a_toml_error_always_says_something() {
        let e = parse("policy.toml", &[13, 0], today()).unwrap_err();
        assert!(e[0].message.contains("not valid TOML"), "{}", e[0]);
    }

    #[test]
    fn nested_keys_are_checked_too() {
        let e = parse(
            "policy.toml",
            b"[priority]\nbase = 100\nwomen = 5\n",
            today(),
        )
        .unwrap_err();
        let msg = e[0].to_string();
        assert!(msg.contains("women") && msg.contains("woman"), "{msg}");
    }
}
