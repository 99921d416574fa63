//! policy.toml: every key optional, unknown keys refused with the known ones listed.

use crate::error::Problem;
use crate::model::kinds::KindDef;
use crate::model::{FitPolicy, Policy, PriorityPolicy, SupportPolicy};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    round_date: Option<DateValue>,
    horizon_days: Option<i64>,
    max_rent_share: Option<f64>,
    priority: Option<PriorityPolicy>,
    support: Option<SupportPolicy>,
    support_weeks: Option<crate::model::SupportWeeks>,
    shared_living_gender_separated: Option<bool>,
    shared_living_minors_separated: Option<bool>,
    shelter_cost_per_night_dkk: Option<i64>,
    max_area_distance: Option<u32>,
    area_neighbours: Option<std::collections::BTreeMap<String, Vec<String>>>,
    kinds: Option<BTreeMap<String, KindDef>>,
    fit: Option<FitPolicy>,
    aliases: Option<RawAliases>,
    goals: Option<crate::model::GoalTargets>,
}

/// `[aliases]`: `columns` for headers, one table per column for values.
#[derive(Deserialize, Default)]
pub(crate) struct RawAliases {
    #[serde(default)]
    columns: BTreeMap<String, String>,
    #[serde(flatten)]
    values: BTreeMap<String, BTreeMap<String, String>>,
}

/// Declares the kinds of a policy, scenario or templates file on top of
/// `policy`'s.
pub(crate) fn declare_kinds(policy: &mut Policy, kinds: Option<BTreeMap<String, KindDef>>) {
    for (id, d) in kinds.into_iter().flatten() {
        policy.kinds.declare(&id, d);
    }
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

/// A TOML error as a problem at its line: a value of the wrong type names
/// its key, the value (cut to a readable length) and what the key takes;
/// every name the parser quotes is cut too (a 10 MB key is never echoed).
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
            let message = typed(text, at, &message).unwrap_or_else(|| cut_quoted(&message));
            Problem::line(file, line_of(text, at), message)
        }
        None => Problem::file(file, cut_quoted(&message)),
    }
}

/// The parser's message with every backquoted or double-quoted name cut to
/// a readable length and escaped.
fn cut_quoted(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(i) = rest.find(['`', '"']) {
        let q = &rest[i..i + 1];
        out.push_str(&rest[..=i]);
        rest = &rest[i + 1..];
        match rest.find(q) {
            Some(j) => {
                out.push_str(&crate::error::printable(&rest[..j]));
                out.push_str(q);
                rest = &rest[j + 1..];
            }
            None => break,
        }
    }
    out.push_str(rest);
    crate::error::printable_long(&out)
}

/// A value of the wrong type in the line at byte `at`, in words: the key,
/// the value cut to a readable length, and what the key takes (its range
/// when `policy --defaults` states one). `None` for other errors.
fn typed(text: &str, at: usize, message: &str) -> Option<String> {
    let start = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..].split('\n').next()?;
    let (key, value) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    let value = value.trim();
    let shown = crate::error::printable(value);
    let name = crate::error::printable(key);
    let takes = if message.contains("untagged enum DateValue") {
        return Some(format!(
            "key \"{name}\": {shown} is not a date; write {name} = 2014-11-03 (year-month-day) or \"03-11-2014\""
        ));
    } else if message.contains("untagged enum Chance") {
        "is not a probability from 0 to 1, nor a table of one per kind of home"
    } else if message.contains("number too large") {
        "is too large; write a whole number"
    } else if message.contains("u32") || message.contains("u64") {
        "is not a whole number from 0 to 4294967295"
    } else if message.contains("i64") {
        "is not a whole number"
    } else if message.contains("f64") {
        "is not a number"
    } else if message.contains("a boolean") || message.contains("bool") {
        "is not true or false"
    } else if message.contains("invalid type") {
        "is not a value of the type this key takes"
    } else {
        return None;
    };
    let range = COMMENTS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, c)| format!("; {c}"))
        .unwrap_or_default();
    Some(format!("key \"{name}\": {shown} {takes}{range}"))
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
    let raw = raw_policy(file, text, table)?;
    let mut problems = Vec::new();
    let mut fail = |key: &str, msg: String| {
        problems.push(Problem {
            file: file.to_string(),
            line: key_line(text, key),
            column: None,
            value: None,
            message: format!("key \"{key}\": {msg}"),
        });
    };
    let mut policy = Policy::with_date(today);
    if let Some(d) = &raw.round_date {
        let s = match d {
            DateValue::Toml(dt) => dt.to_string(),
            DateValue::Text(s) => s.clone(),
        };
        match super::text::parse_date(&s) {
            Ok(d) => policy.round_date = d,
            Err(m) => fail("round_date", format!("\"{s}\" {m}")),
        }
    }
    let own_aliases = raw.aliases.as_ref().map(|a| (a.columns.clone(), a.values.clone()));
    set_values(&mut policy, raw);
    if let Some((columns, values)) = &own_aliases {
        for (key, message) in crate::model::aliases::own_problems(columns, values, &policy.kinds) {
            fail(&key, message);
        }
    }
    for (key, message) in policy.problems() {
        fail(&key, message);
    }
    policy.derive_area_distances();
    if problems.is_empty() {
        Ok(policy)
    } else {
        Err(problems)
    }
}

/// The table as the keys policy.toml may hold; an unknown key or a value of
/// the wrong type is a problem at its line when `text` has it.
fn raw_policy(file: &str, text: &str, table: toml::Table) -> Result<RawPolicy, Vec<Problem>> {
    RawPolicy::deserialize(toml::Value::Table(table)).map_err(|e| {
        // Re-parse the text to get a span when we have it.
        if !text.is_empty() {
            if let Err(e2) = toml::from_str::<RawPolicy>(text) {
                return vec![toml_problem(file, text, &e2)];
            }
        }
        vec![Problem::file(
            file,
            cut_quoted(&e.message().trim().replace('\n', " ")),
        )]
    })
}

/// The line of a key in `text`; a dotted key (`kinds.startbolig.label_da`)
/// is found part after part.
fn key_line(text: &str, key: &str) -> Option<u64> {
    let mut at = 0;
    for part in key.split('.') {
        let part = part.trim_matches('"');
        at += text[at..].find(part)?;
    }
    Some(line_of(text, at))
}

/// The values the file gives, over the defaults (the round date aside).
fn set_values(policy: &mut Policy, raw: RawPolicy) {
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
    if let Some(w) = raw.support_weeks {
        policy.support_weeks = w;
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
    declare_kinds(policy, raw.kinds);
    if let Some(f) = raw.fit {
        policy.fit = f;
    }
    if let Some(a) = raw.aliases {
        policy.aliases = policy.aliases.extended(&a.columns, &a.values);
    }
    if let Some(g) = raw.goals {
        policy.goals = g;
    }
}

/// Comments `policy --defaults` writes before a key or a table header.
const COMMENTS: &[(&str, &str)] = &[
    ("horizon_days", "Units available within this many days of the round date count (0-3650)."),
    ("max_rent_share", "Share of income rent may take when a person has no max_rent_dkk (above 0, at most 1)."),
    ("shared_living_gender_separated", "Never women and men together in a mixed shared-living unit."),
    ("shared_living_minors_separated", "Never under-18s and adults together in a shared-living unit."),
    ("shelter_cost_per_night_dkk", "Cost of one shelter night, for the what-if estimate of costs avoided (0-100000)."),
    ("[priority]", "Level 1: who is housed. Points per person; each weight 0-10000, max_weeks 0-520."),
    ("[priority.stay]", "Points by where the person stays now (the stay column)."),
    ("[support]", "Support methods (ACT, ICM, CTI) allowed per need, best first."),
    ("[support_weeks]", "Support period per method after the move, in weeks (1-520); a method left out is\n# open-ended. Active cases (for staff.csv's caseload) are tenancies within it."),
    ("[goals]", "The programme's goals: the share of each group to reach (0-1). under_18 and\n# age_18_29 housed, support for those housed, a female worker where asked."),
    ("[fit]", "Level 2: how well. Points per term, each 0-1000; 0 switches a term off.\n# rent_headroom is the most points, scaled by the share of the affordable rent left."),
    ("[area_neighbours]", "Which areas border which (for max_area_distance); none by default."),
    ("[kinds.", "A kind of home: labels, shared (places > 1 and the shared-living rules), and the\n# rules of whom it suits (any rule; a rule holds when all its conditions hold).\n# Conditions: age_band, gender, substance_use, need (lists); psychiatric, in_recovery,\n# drug_free (true/false). A policy may override any kind or declare new ones."),
    ("[aliases.columns]", "The office's words: headers (alias = contract column). A policy's aliases add to\n# these. \"id\" always names the file's own id column."),
    ("[aliases.", "Values of one column: alias = contract value."),
];

/// The complete default policy as TOML with comments, for `boligmatch
/// policy --defaults`: every key, every kind, every weight, every alias.
/// Reading it back gives exactly the default policy.
pub fn defaults_toml() -> String {
    render(&Policy::with_date(chrono::NaiveDate::MIN), true)
}

/// A policy as TOML with comments (`round_date` left out when `dated` is
/// false... or commented).
pub fn render(policy: &Policy, defaults: bool) -> String {
    let mut value = toml::Table::try_from(policy).unwrap_or_default();
    value.remove("round_date");
    value.remove("max_area_distance");
    // The goals are left out of a policy's serialisation when they are the
    // programme's own (the audit of summary.json); policy.toml shows them.
    if let Ok(goals) = toml::Table::try_from(policy.goals) {
        value.insert("goals".into(), toml::Value::Table(goals));
    }
    // Plain keys first, then the tables in the order a reader needs them.
    let mut body = String::new();
    let tables = [
        "priority",
        "support",
        "goals",
        "fit",
        "area_neighbours",
        "kinds",
        "aliases",
    ];
    let mut plain = value.clone();
    plain.retain(|k, _| !tables.contains(&k));
    body.push_str(&toml::to_string_pretty(&plain).unwrap_or_default());
    for t in tables {
        if let Some(v) = value.get(t) {
            let one = toml::Table::from_iter([(t.to_string(), v.clone())]);
            body.push_str(&toml::to_string_pretty(&one).unwrap_or_default());
        }
    }
    let mut out = String::new();
    out.push_str(
        "# policy.toml for boligmatch. Every key is optional; a key left out takes the value\n",
    );
    out.push_str("# shown here. See docs/formats.md for each key, its range and why.\n\n");
    if defaults {
        out.push_str("# The day of the round (dd-mm-yyyy or yyyy-mm-dd); default: the day boligmatch runs.\n# round_date = 2014-11-03\n");
    } else {
        out.push_str(&format!("round_date = {}\n", policy.round_date));
    }
    match policy.max_area_distance {
        Some(d) => out.push_str(&format!("max_area_distance = {d}\n")),
        None => out.push_str("# Placements only within this many neighbour steps of a person's home area (0-50);\n# default: no limit.\n# max_area_distance = 1\n"),
    }
    let mut said = std::collections::BTreeSet::new();
    for line in body.lines() {
        let key = if line.starts_with('[') {
            line.trim_start_matches('[').trim_end_matches(']')
        } else {
            line.split('=').next().unwrap_or("").trim()
        };
        let header = format!("[{key}]");
        let comment = COMMENTS.iter().find(|(k, _)| {
            if line.starts_with("[[") {
                false
            } else if line.starts_with('[') {
                *k == header || (k.ends_with('.') && header.starts_with(k) && !said.contains(*k))
            } else {
                *k == key && !line.starts_with(' ')
            }
        });
        if let Some((k, c)) = comment {
            if line.starts_with('[') {
                out.push('\n');
            }
            out.push_str(&format!("# {c}\n"));
            if k.ends_with('.') {
                said.insert(*k);
            }
        } else if line.starts_with('[') && !line.starts_with("[[") {
            out.push('\n');
        }
        if !line.is_empty() {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2014, 11, 3).unwrap()
    }

    #[test]
    fn the_printed_defaults_read_back_as_the_defaults() {
        let text = defaults_toml();
        let p = parse("policy.toml", text.as_bytes(), today()).unwrap();
        assert_eq!(p, Policy::with_date(today()));
        assert!(text.contains("[kinds.club_room]"), "{text}");
        assert!(text.contains("gadesovende = \"street\""), "{text}");
        assert!(text.contains("[fit]"), "{text}");
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
