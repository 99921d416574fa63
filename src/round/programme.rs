//! The offers record applied to a round: checked for the hand edits an
//! office makes in Excel, then kept offers pin home and worker, declines
//! close a home to a person, tenants take their places and are housed.

use crate::error::Problem;
use crate::model::record::{codes, Line, Reason, Record, Status, MAX_LINES};
use crate::model::{KeptOffer, Occupant, Person, Policy, Staff, Unit};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The rules a record must keep whatever the round: what a hand edit in
/// Excel can break. Every problem at once.
pub fn check(rec: &Record) -> Vec<Problem> {
    let mut out = Vec::new();
    let at = |l: &Line, message: String| Problem::line(&rec.file, l.line, message);
    for l in &rec.lines {
        let s = l.status;
        let need = |what: &str, v: Option<NaiveDate>, out: &mut Vec<Problem>| {
            if v.is_none() {
                out.push(at(
                    l,
                    format!("status {s} needs {what}: the day it happened (dd-mm-yyyy)"),
                ));
            }
        };
        match s {
            Status::Accepted | Status::Declined | Status::Withdrawn => {
                need("decided_on", l.decided_on, &mut out)
            }
            Status::MovedIn => need("moved_in_on", l.moved_in_on, &mut out),
            Status::MovedOut => {
                need("moved_in_on", l.moved_in_on, &mut out);
                need("ended_on", l.ended_on, &mut out);
            }
            Status::Pending => {}
        }
        if matches!(
            s,
            Status::Pending | Status::Accepted | Status::Declined | Status::Withdrawn
        ) && (l.moved_in_on.is_some() || l.ended_on.is_some())
        {
            out.push(at(
                l,
                format!("status {s} with a move-in or end date; a move-in is status moved_in, an end moved_out"),
            ));
        }
        if s == Status::MovedIn && l.ended_on.is_some() {
            out.push(at(
                l,
                "status moved_in with ended_on: a tenancy that ended is moved_out".into(),
            ));
        }
        // Dates in the order things happen.
        let order = [
            ("offered_on", l.offered_on),
            ("decided_on", l.decided_on),
            ("moved_in_on", l.moved_in_on),
            ("ended_on", l.ended_on),
        ];
        let given: Vec<(&str, NaiveDate)> = order
            .iter()
            .filter_map(|(n, d)| d.map(|d| (*n, d)))
            .collect();
        for w in given.windows(2) {
            if w[1].1 < w[0].1 {
                out.push(at(
                    l,
                    format!(
                        "{} {} is before {} {}; dates must follow the order offered, decided, moved in, ended",
                        w[1].0, w[1].1, w[0].0, w[0].1
                    ),
                ));
            }
        }
        if let (Some(o), Some(r)) = (l.offered_on, l.respond_by) {
            if r < o {
                out.push(at(l, format!("respond_by {r} is before offered_on {o}")));
            }
        }
        match (s, l.reason) {
            (Status::Declined, Some(r)) if !Reason::DECLINE.contains(&r) => out.push(at(
                l,
                format!("reason {r} is not a reason to decline; use {}", codes(&Reason::DECLINE)),
            )),
            (Status::MovedOut, Some(r)) if !Reason::END.contains(&r) => out.push(at(
                l,
                format!("reason {r} is not a reason a tenancy ends; use {}", codes(&Reason::END)),
            )),
            (Status::Declined | Status::MovedOut, _) | (_, None) => {}
            (_, Some(r)) => out.push(at(
                l,
                format!("reason {r} given for status {s}; only declined and moved_out lines have a reason"),
            )),
        }
    }
    // One open line per person.
    let mut open: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for l in rec.lines.iter().filter(|l| l.is_open()) {
        open.entry(&l.person_id).or_default().push(l.line);
    }
    for (person, lines) in open.into_iter().filter(|(_, v)| v.len() > 1) {
        let lines: Vec<String> = lines.iter().map(u64::to_string).collect();
        out.push(Problem::line(
            &rec.file,
            lines[1].parse().unwrap_or(0),
            format!(
                "{person} has {} open lines (lines {}); a person has at most one pending, accepted or moved_in line — close the others (declined, withdrawn or moved_out)",
                lines.len(),
                lines.join(", ")
            ),
        ));
    }
    if rec.lines.len() > MAX_LINES {
        out.push(Problem::file(
            &rec.file,
            format!("has more than {MAX_LINES} lines"),
        ));
    }
    out
}

/// What the record did to a round, for reports and for the programme's goals.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Applied {
    /// Pending offers whose `respond_by` passed before the round date: no
    /// longer kept. (person, unit, record line)
    pub expired: Vec<(String, String, u64)>,
    /// Offers kept (pending and accepted): (person, unit, worker).
    pub kept: Vec<(String, String, Option<String>)>,
    /// People the record has housed (moved in, or moved out after a
    /// tenancy): the programme counts them as housed.
    pub housed: BTreeSet<String>,
    /// People of people.csv left out of this round: they live in their home.
    pub tenants_in_people: Vec<Person>,
    /// Active cases per worker (moved in and still within the method's
    /// support period), for `caseload`.
    pub active_cases: BTreeMap<String, u32>,
}

/// The names of the round's files, for messages.
pub(crate) struct Files<'a> {
    pub people: &'a str,
    pub record: &'a str,
}

/// Applies the record to a round's rows (before the round is built):
/// kept offers pin home and worker, declines close homes, tenants take
/// their places and leave the waiting list. Conflicts go to `problems`.
pub(crate) fn apply(
    rec: &Record,
    units: &mut [Unit],
    people: &mut Vec<Person>,
    staff: &[Staff],
    policy: &Policy,
    files: &Files<'_>,
    problems: &mut Vec<Problem>,
) -> Applied {
    let day = policy.round_date;
    let mut applied = Applied::default();
    let unit_at: BTreeMap<String, usize> = units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.clone(), i))
        .collect();
    let person_at = |people: &Vec<Person>, id: &str| people.iter().position(|p| p.id == id);
    let staff_ids: BTreeSet<&str> = staff.iter().map(|s| s.id.as_str()).collect();
    let at = |l: &Line, m: String| Problem::line(files.record, l.line, m);
    // A cell of people.csv that the record's line `l` contradicts.
    let conflict = |p: &Person, column: &str, value: &str, l: &Line, what: String| {
        Problem::cell(
            files.people,
            p.line,
            column,
            Some(value),
            format!("conflicts with {}:{}, {what}", files.record, l.line),
        )
    };
    let mut leaving: BTreeSet<String> = BTreeSet::new();
    for l in &rec.lines {
        // The line as it stood on the round date.
        let Some(status) = l.status_at(day) else {
            continue;
        };
        if matches!(status, Status::MovedIn | Status::MovedOut) {
            applied.housed.insert(l.person_id.clone());
        }
        if l.expired(day) {
            applied
                .expired
                .push((l.person_id.clone(), l.unit_id.clone(), l.line));
            continue;
        }
        match status {
            Status::Pending | Status::Accepted => {
                let Some(pi) = person_at(people, &l.person_id) else {
                    problems.push(at(
                        l,
                        format!(
                            "keeps an offer for {}, who is not in {}; add them to the export, or record the offer as withdrawn",
                            l.person_id, files.people
                        ),
                    ));
                    continue;
                };
                if !unit_at.contains_key(&l.unit_id) {
                    problems.push(at(
                        l,
                        format!(
                            "keeps an offer of unit {}, which is not in units.csv; export the unit, or record the offer as withdrawn",
                            l.unit_id
                        ),
                    ));
                    continue;
                }
                if let Some(s) = &l.staff_id {
                    if !staff_ids.contains(s.as_str()) {
                        problems.push(at(
                            l,
                            format!("keeps worker {s}, who is not in staff.csv; export the worker, or name another"),
                        ));
                        continue;
                    }
                }
                let p = &mut people[pi];
                if p.kept_offer.is_some() {
                    // A second open line: `check` reports it.
                    continue;
                }
                if let Some(pin) = p.pinned_unit.as_ref().filter(|pin| **pin != l.unit_id) {
                    let what = format!(
                        "which keeps an offer of {} for {}; keep one of them",
                        l.unit_id, p.id
                    );
                    problems.push(conflict(p, "pinned_unit", pin, l, what));
                    continue;
                }
                if p.declined_units.contains(&l.unit_id) {
                    let what = format!(
                        "which keeps the offer of {} for {}; the person cannot both decline and keep it",
                        l.unit_id, p.id
                    );
                    problems.push(conflict(p, "declined_units", &l.unit_id, l, what));
                    continue;
                }
                p.pinned_unit = Some(l.unit_id.clone());
                p.kept_offer = Some(KeptOffer {
                    staff_id: l.staff_id.clone(),
                    file: files.record.to_string(),
                    line: l.line,
                });
                applied
                    .kept
                    .push((l.person_id.clone(), l.unit_id.clone(), l.staff_id.clone()));
            }
            Status::Declined => {
                if let Some(pi) = person_at(people, &l.person_id) {
                    let p = &mut people[pi];
                    if p.pinned_unit.as_deref() == Some(l.unit_id.as_str())
                        && p.kept_offer.is_none()
                    {
                        let what = format!(
                            "where {} declined {}; remove the pin or the decline",
                            p.id, l.unit_id
                        );
                        problems.push(conflict(p, "pinned_unit", &l.unit_id, l, what));
                        continue;
                    }
                    if unit_at.contains_key(&l.unit_id) && !p.declined_units.contains(&l.unit_id) {
                        p.declined_units.push(l.unit_id.clone());
                    }
                }
            }
            Status::Withdrawn => {}
            Status::MovedIn | Status::MovedOut => {
                if !l.occupies(day) {
                    continue;
                }
                let occupant = person_at(people, &l.person_id).map(|pi| Occupant {
                    minor: people[pi].age < 18,
                    gender: people[pi].gender,
                });
                if let Some(&ui) = unit_at.get(&l.unit_id) {
                    let u = &mut units[ui];
                    if u.places == 0 {
                        problems.push(at(
                            l,
                            format!(
                                "a tenancy in {}, whose places are all taken by the record's other tenancies; close the ended ones (moved_out with ended_on)",
                                u.id
                            ),
                        ));
                    } else {
                        u.places -= 1;
                        u.occupants.extend(occupant);
                    }
                }
                if status == Status::MovedIn {
                    leaving.insert(l.person_id.clone());
                }
                if let Some(s) = &l.staff_id {
                    let active = match staff.iter().find(|w| w.id == *s) {
                        Some(w) => {
                            let weeks = policy.support_weeks.of(w.method);
                            weeks.is_none_or(|w| {
                                l.moved_in_on
                                    .is_some_and(|m| m + chrono::Duration::weeks(w) > day)
                            })
                        }
                        None => false,
                    };
                    if active {
                        *applied.active_cases.entry(s.clone()).or_default() += 1;
                    }
                }
            }
        }
    }
    // Tenants leave the waiting list; the programme counts them as housed.
    let (gone, stay): (Vec<Person>, Vec<Person>) = std::mem::take(people)
        .into_iter()
        .partition(|p| leaving.contains(&p.id));
    *people = stay;
    applied.tenants_in_people = gone;
    applied
}
