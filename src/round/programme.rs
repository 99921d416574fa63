//! The offers record applied to a round: checked for the hand edits an
//! office makes in Excel, then kept offers pin home and worker, declines
//! close a home to a person, tenants take their places and are housed.

use crate::error::Problem;
use crate::model::record::{codes, Line, Reason, Record, Status, MAX_LINES};
use crate::model::{KeptOffer, Occupant, Person, Policy, Staff, Unit};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The rules a record must keep whatever the round — the record's
/// invariants, in one place, checked before every write and on every read:
/// each line's status has its dates, in order, and a reason only where one
/// goes; one person, one open line; no line repeated (a copied line counts
/// twice); nobody in two homes at once. What a hand edit in Excel can break.
/// The places of each home are checked with the round (tenancies and kept
/// offers, see [`apply`]). Every problem at once.
pub fn check(rec: &Record) -> Vec<Problem> {
    let mut out = Vec::new();
    for l in &rec.lines {
        let messages = dates_for_status(l)
            .into_iter()
            .chain(dates_in_order(l))
            .chain(reason_for_status(l));
        out.extend(messages.map(|m| Problem::line(&rec.file, l.line, m)));
    }
    out.extend(one_open_line_each(rec));
    out.extend(repeated_lines(rec));
    out.extend(two_homes_at_once(rec));
    if rec.lines.len() > MAX_LINES {
        out.push(Problem::file(
            &rec.file,
            format!("has more than {MAX_LINES} lines"),
        ));
    }
    out
}

/// Each status has the dates it needs and no dates of a later one.
fn dates_for_status(l: &Line) -> Vec<String> {
    let s = l.status;
    let mut out = Vec::new();
    let mut need = |what: &str, v: Option<NaiveDate>| {
        if v.is_none() {
            out.push(format!(
                "status {s} needs {what}: the day it happened (dd-mm-yyyy)"
            ));
        }
    };
    match s {
        Status::Accepted | Status::Declined | Status::Withdrawn => need("decided_on", l.decided_on),
        Status::MovedIn => need("moved_in_on", l.moved_in_on),
        Status::MovedOut => {
            need("moved_in_on", l.moved_in_on);
            need("ended_on", l.ended_on);
        }
        Status::Pending => {}
    }
    if matches!(
        s,
        Status::Pending | Status::Accepted | Status::Declined | Status::Withdrawn
    ) && (l.moved_in_on.is_some() || l.ended_on.is_some())
    {
        out.push(format!(
            "status {s} with a move-in or end date; a move-in is status moved_in, an end moved_out"
        ));
    }
    if s == Status::MovedIn && l.ended_on.is_some() {
        out.push("status moved_in with ended_on: a tenancy that ended is moved_out".into());
    }
    out
}

/// Dates in the order things happen: offered, decided, moved in, ended;
/// the last day to answer not before the offer.
fn dates_in_order(l: &Line) -> Vec<String> {
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
    let mut out: Vec<String> = given
        .windows(2)
        .filter(|w| w[1].1 < w[0].1)
        .map(|w| {
            format!(
                "{} {} is before {} {}; dates must follow the order offered, decided, moved in, ended",
                w[1].0, w[1].1, w[0].0, w[0].1
            )
        })
        .collect();
    if let (Some(o), Some(r)) = (l.offered_on, l.respond_by) {
        if r < o {
            out.push(format!("respond_by {r} is before offered_on {o}"));
        }
    }
    out
}

/// A reason only on a decline (a reason to decline) or an end (a reason a
/// tenancy ends).
fn reason_for_status(l: &Line) -> Option<String> {
    let (s, r) = (l.status, l.reason?);
    match s {
        Status::Declined if !Reason::DECLINE.contains(&r) => Some(format!(
            "reason {r} is not a reason to decline; use {}",
            codes(&Reason::DECLINE)
        )),
        Status::MovedOut if !Reason::END.contains(&r) => Some(format!(
            "reason {r} is not a reason a tenancy ends; use {}",
            codes(&Reason::END)
        )),
        Status::Declined | Status::MovedOut => None,
        _ => Some(format!(
            "reason {r} given for status {s}; only declined and moved_out lines have a reason"
        )),
    }
}

/// One person, one open line: a second one is a problem at its line.
fn one_open_line_each(rec: &Record) -> Vec<Problem> {
    let mut open: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for l in rec.lines.iter().filter(|l| l.is_open()) {
        open.entry(&l.person_id).or_default().push(l.line);
    }
    open.into_iter()
        .filter(|(_, v)| v.len() > 1)
        .map(|(person, lines)| {
            let listed: Vec<String> = lines.iter().map(u64::to_string).collect();
            Problem::line(
                &rec.file,
                lines[1],
                format!(
                    "{person} has {} open lines (lines {}); a person has at most one pending, accepted or moved_in line — close the others (declined, withdrawn or moved_out)",
                    lines.len(),
                    listed.join(", ")
                ),
            )
        })
        .collect()
}

/// No line twice: a line with the same person, home, worker, status and
/// dates as an earlier one (a row copied in Excel) is a problem at the copy.
fn repeated_lines(rec: &Record) -> Vec<Problem> {
    type Key<'a> = (
        &'a str,
        &'a str,
        Option<&'a str>,
        Status,
        [Option<NaiveDate>; 5],
    );
    let mut seen: BTreeMap<Key<'_>, u64> = BTreeMap::new();
    let mut out = Vec::new();
    for l in &rec.lines {
        let key = (
            l.person_id.as_str(),
            l.unit_id.as_str(),
            l.staff_id.as_deref(),
            l.status,
            [
                l.offered_on,
                l.respond_by,
                l.decided_on,
                l.moved_in_on,
                l.ended_on,
            ],
        );
        match seen.get(&key) {
            Some(first) => out.push(Problem::line(
                &rec.file,
                l.line,
                format!(
                    "repeats line {first} ({} {} {}, the same dates); a copied line counts twice — remove one",
                    l.person_id, l.status, l.unit_id
                ),
            )),
            None => {
                seen.insert(key, l.line);
            }
        }
    }
    out
}

/// Nobody in two homes at once: a person's tenancies (moved in, until the
/// day they ended) do not overlap. A problem at the later line.
fn two_homes_at_once(rec: &Record) -> Vec<Problem> {
    /// A tenancy: moved in, ended (if it has), its line.
    type Stay<'a> = (NaiveDate, Option<NaiveDate>, &'a Line);
    let mut stays: BTreeMap<&str, Vec<Stay<'_>>> = BTreeMap::new();
    for l in rec.lines.iter().filter(|l| l.is_tenancy()) {
        if let Some(from) = l.moved_in_on {
            stays
                .entry(&l.person_id)
                .or_default()
                .push((from, l.ended_on, l));
        }
    }
    let mut out = Vec::new();
    for (person, mut v) in stays {
        v.sort_by_key(|(from, _, l)| (*from, l.line));
        for w in v.windows(2) {
            let ((_, end, a), (from, _, b)) = (w[0], w[1]);
            if end.is_none_or(|end| end > from) {
                out.push(Problem::line(
                    &rec.file,
                    b.line,
                    format!(
                        "{person} moves into {} on {from} while living in {} (line {}, {}); a person lives in one home at a time — end the first tenancy (moved_out, ended_on) no later than the move",
                        b.unit_id,
                        a.unit_id,
                        a.line,
                        end.map_or_else(|| "not ended".to_string(), |e| format!("ended {e}"))
                    ),
                ));
            }
        }
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
    let unit_at = units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.clone(), i))
        .collect();
    let mut a = Applying {
        units,
        people,
        staff,
        policy,
        files,
        problems,
        unit_at,
        staff_ids: staff.iter().map(|s| s.id.as_str()).collect(),
        leaving: BTreeSet::new(),
        applied: Applied::default(),
    };
    for l in &rec.lines {
        a.line(l);
    }
    a.finish()
}

/// The record being applied to a round's rows, line by line.
struct Applying<'a> {
    units: &'a mut [Unit],
    people: &'a mut Vec<Person>,
    staff: &'a [Staff],
    policy: &'a Policy,
    files: &'a Files<'a>,
    problems: &'a mut Vec<Problem>,
    /// Unit id → its row.
    unit_at: BTreeMap<String, usize>,
    staff_ids: BTreeSet<&'a str>,
    /// Tenants, who leave the waiting list.
    leaving: BTreeSet<String>,
    applied: Applied,
}

impl Applying<'_> {
    /// One line, as it stood on the round date.
    fn line(&mut self, l: &Line) {
        let day = self.policy.round_date;
        let Some(status) = l.status_at(day) else {
            return;
        };
        if matches!(status, Status::MovedIn | Status::MovedOut) {
            self.applied.housed.insert(l.person_id.clone());
        }
        if l.expired(day) {
            self.applied
                .expired
                .push((l.person_id.clone(), l.unit_id.clone(), l.line));
            return;
        }
        match status {
            Status::Pending | Status::Accepted => self.keep_offer(l),
            Status::Declined => self.close_declined(l),
            Status::Withdrawn => {}
            Status::MovedIn | Status::MovedOut => {
                if l.occupies(day) {
                    self.take_place(l);
                    if status == Status::MovedIn {
                        self.leaving.insert(l.person_id.clone());
                    }
                    self.count_active_case(l);
                }
            }
        }
    }

    /// Tenants leave the waiting list; the programme counts them as housed.
    fn finish(self) -> Applied {
        let mut applied = self.applied;
        let (gone, stay): (Vec<Person>, Vec<Person>) = std::mem::take(self.people)
            .into_iter()
            .partition(|p| self.leaving.contains(&p.id));
        *self.people = stay;
        applied.tenants_in_people = gone;
        applied
    }

    fn person_at(&self, id: &str) -> Option<usize> {
        self.people.iter().position(|p| p.id == id)
    }

    fn at(&self, l: &Line, message: String) -> Problem {
        Problem::line(self.files.record, l.line, message)
    }

    /// A cell of people.csv that the record's line `l` contradicts.
    fn conflict(&self, p: &Person, column: &str, value: &str, l: &Line, what: String) -> Problem {
        Problem::cell(
            self.files.people,
            p.line,
            column,
            Some(value),
            format!("conflicts with {}:{}, {what}", self.files.record, l.line),
        )
    }

    /// A kept offer (pending or accepted) pins the person to the home and
    /// the worker, when all three are in the round and nothing in
    /// people.csv says otherwise.
    fn keep_offer(&mut self, l: &Line) {
        let Some(pi) = self.kept_offer_found(l) else {
            return;
        };
        let p = &self.people[pi];
        // One person, one open line: a second one is reported by `check`.
        if p.kept_offer.is_some() {
            return;
        }
        if let Some(pin) = p.pinned_unit.as_ref().filter(|pin| **pin != l.unit_id) {
            let what = format!(
                "which keeps an offer of {} for {}; keep one of them",
                l.unit_id, p.id
            );
            let problem = self.conflict(p, "pinned_unit", pin, l, what);
            self.problems.push(problem);
            return;
        }
        if p.declined_units.contains(&l.unit_id) {
            let what = format!(
                "which keeps the offer of {} for {}; the person cannot both decline and keep it",
                l.unit_id, p.id
            );
            let problem = self.conflict(p, "declined_units", &l.unit_id, l, what);
            self.problems.push(problem);
            return;
        }
        let p = &mut self.people[pi];
        p.pinned_unit = Some(l.unit_id.clone());
        p.kept_offer = Some(KeptOffer {
            staff_id: l.staff_id.clone(),
            file: self.files.record.to_string(),
            line: l.line,
        });
        self.applied
            .kept
            .push((l.person_id.clone(), l.unit_id.clone(), l.staff_id.clone()));
    }

    /// The row of the person a kept offer names, when the person, the home
    /// and the worker are all in the round's files; each one missing is a
    /// problem at the record's line.
    fn kept_offer_found(&mut self, l: &Line) -> Option<usize> {
        let Some(pi) = self.person_at(&l.person_id) else {
            let m = format!(
                "keeps an offer for {}, who is not in {}; add them to the export, or record the offer as withdrawn",
                l.person_id, self.files.people
            );
            self.problems.push(self.at(l, m));
            return None;
        };
        if !self.unit_at.contains_key(&l.unit_id) {
            let m = format!(
                "keeps an offer of unit {}, which is not in units.csv; export the unit, or record the offer as withdrawn",
                l.unit_id
            );
            self.problems.push(self.at(l, m));
            return None;
        }
        if let Some(s) = &l.staff_id {
            if !self.staff_ids.contains(s.as_str()) {
                let m = format!(
                    "keeps worker {s}, who is not in staff.csv; export the worker, or name another"
                );
                self.problems.push(self.at(l, m));
                return None;
            }
        }
        Some(pi)
    }

    /// A decline closes the home to the person, unless people.csv pins
    /// them to it.
    fn close_declined(&mut self, l: &Line) {
        let Some(pi) = self.person_at(&l.person_id) else {
            return;
        };
        let p = &self.people[pi];
        if p.pinned_unit.as_deref() == Some(l.unit_id.as_str()) && p.kept_offer.is_none() {
            let what = format!(
                "where {} declined {}; remove the pin or the decline",
                p.id, l.unit_id
            );
            let problem = self.conflict(p, "pinned_unit", &l.unit_id, l, what);
            self.problems.push(problem);
            return;
        }
        if self.unit_at.contains_key(&l.unit_id) && !p.declined_units.contains(&l.unit_id) {
            self.people[pi].declined_units.push(l.unit_id.clone());
        }
    }

    /// A tenancy takes a place of its home, never more tenants than
    /// places; the tenant lives there (for the shared-living rules).
    fn take_place(&mut self, l: &Line) {
        let occupant = self.person_at(&l.person_id).map(|pi| Occupant {
            minor: self.people[pi].age < 18,
            gender: self.people[pi].gender,
        });
        let Some(&ui) = self.unit_at.get(&l.unit_id) else {
            return;
        };
        let u = &mut self.units[ui];
        if u.places == 0 {
            let m = format!(
                "a tenancy in {}, whose places are all taken by the record's other tenancies; close the ended ones (moved_out with ended_on)",
                u.id
            );
            self.problems.push(self.at(l, m));
        } else {
            u.places -= 1;
            u.occupants.extend(occupant);
        }
    }

    /// A tenancy within its worker's support period is an active case of
    /// the worker (for `caseload`).
    fn count_active_case(&mut self, l: &Line) {
        let Some(s) = &l.staff_id else {
            return;
        };
        let day = self.policy.round_date;
        let active = self.staff.iter().find(|w| w.id == *s).is_some_and(|w| {
            self.policy.support_weeks.of(w.method).is_none_or(|weeks| {
                l.moved_in_on
                    .is_some_and(|m| m + chrono::Duration::weeks(weeks) > day)
            })
        });
        if active {
            *self.applied.active_cases.entry(s.clone()).or_default() += 1;
        }
    }
}
