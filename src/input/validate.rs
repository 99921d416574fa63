//! Checks across rows and files: duplicate ids and references to units that
//! do not exist.

use crate::error::Problem;
use crate::model::Round;
use std::collections::{BTreeMap, BTreeSet};

/// Adds every cross-row problem of `round` to `problems`.
/// `files` are the names of units, people and staff files, for messages.
pub fn check(round: &Round, files: &[String; 3], problems: &mut Vec<Problem>) {
    duplicates(
        &files[0],
        "unit_id",
        round.units.iter().map(|u| (u.id.as_str(), u.line)),
        problems,
    );
    duplicates(
        &files[1],
        "person_id",
        round.people.iter().map(|p| (p.id.as_str(), p.line)),
        problems,
    );
    duplicates(
        &files[2],
        "staff_id",
        round.staff.iter().map(|s| (s.id.as_str(), s.line)),
        problems,
    );
    let unit_ids: BTreeSet<&str> = round.units.iter().map(|u| u.id.as_str()).collect();
    for p in &round.people {
        for d in &p.declined_units {
            if !unit_ids.contains(d.as_str()) {
                problems.push(Problem::cell(
                    &files[1],
                    p.line,
                    "declined_units",
                    Some(d),
                    format!("is not a unit_id in {}", files[0]),
                ));
            }
        }
        if let Some(pin) = &p.pinned_unit {
            if !unit_ids.contains(pin.as_str()) {
                problems.push(Problem::cell(
                    &files[1],
                    p.line,
                    "pinned_unit",
                    Some(pin),
                    format!("is not a unit_id in {}", files[0]),
                ));
            }
        }
    }
}

fn duplicates<'a>(
    file: &str,
    column: &str,
    ids: impl Iterator<Item = (&'a str, u64)>,
    problems: &mut Vec<Problem>,
) {
    let mut first: BTreeMap<&str, u64> = BTreeMap::new();
    for (id, line) in ids {
        if let Some(l) = first.get(id) {
            problems.push(Problem::cell(
                file,
                line,
                column,
                Some(id),
                format!("is a duplicate (first on line {l}); ids must be unique"),
            ));
        } else {
            first.insert(id, line);
        }
    }
}
