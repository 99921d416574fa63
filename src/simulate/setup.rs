//! The inputs of a simulation read once: the timeline's files read against
//! the base round and checked with it (kinds, ids that must stay unique).

use super::timeline::{Chance, Timeline};
use crate::error::{Error, Problem, Problems, Result};
use crate::model::{Person, Unit};
use crate::round::Round;
use chrono::NaiveDate;
use std::collections::BTreeSet;
use std::path::Path;

/// The inputs of a simulation, read once.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The base round (week 1's state).
    pub base: Round,
    /// The timeline.
    pub timeline: Timeline,
    /// Dated arrivals: (day, person).
    pub arrivals: Vec<(NaiveDate, Person)>,
    /// Dated new units: (day, unit).
    pub new_units: Vec<(NaiveDate, Unit)>,
    /// The people random arrivals are drawn from (`arrival_mix`, else the
    /// base round's people).
    pub mix: Vec<Person>,
    /// Weeks simulated.
    pub weeks: u32,
    /// The seed.
    pub seed: u64,
}

impl Setup {
    /// Reads the timeline's files against the base round: every problem at
    /// once (a file that cannot be read at all stops the reading).
    pub fn new(base: Round, timeline: Timeline, weeks: u32, seed: u64) -> Result<Setup> {
        let mut problems = Vec::new();
        let arrivals = dated_arrivals(&timeline, &base, &mut problems)?;
        let mix = arrival_mix(&timeline, &base, &mut problems)?;
        check_kinds(&timeline, &base, &mut problems);
        check_hires(&timeline, &base, &mut problems);
        let mut new_units = Vec::new();
        for u in &timeline.new_units {
            let units = read_file(&u.file, &base, &mut problems, |f, b, r| {
                crate::input::read_units(f, b, r)
            })?;
            new_units.extend(units.into_iter().map(|x| (u.from, x)));
        }
        check_new_ids(&base, &arrivals, &new_units, &mut problems);
        if !problems.is_empty() {
            return Err(Error::Input(Problems(problems)));
        }
        Ok(Setup {
            base,
            timeline,
            arrivals,
            new_units,
            mix,
            weeks,
            seed,
        })
    }

    /// The day of week `w` (0 = the base round's date).
    pub(super) fn day(&self, w: u32) -> NaiveDate {
        self.base.policy.round_date + chrono::Duration::weeks(i64::from(w))
    }
}

/// The dated arrivals of every `[[arrivals]]` file: each file's people
/// spread evenly from its `from` to its `to`, registered on their day unless
/// the file says otherwise.
fn dated_arrivals(
    timeline: &Timeline,
    base: &Round,
    problems: &mut Vec<Problem>,
) -> Result<Vec<(NaiveDate, Person)>> {
    let mut arrivals = Vec::new();
    for a in &timeline.arrivals {
        let people = read_file(&a.file, base, problems, |f, b, r| {
            crate::input::read_people(f, b, r)
        })?;
        let to = a.to.unwrap_or(a.from);
        let span = (to - a.from).num_days();
        let n = people.len() as i64;
        for (i, mut p) in people.into_iter().enumerate() {
            let day =
                a.from + chrono::Duration::days(if n > 1 { span * i as i64 / (n - 1) } else { 0 });
            p.registered.get_or_insert(day);
            arrivals.push((day, p));
        }
    }
    Ok(arrivals)
}

/// The people random arrivals are drawn from: `arrival_mix`, else the base
/// round's people.
fn arrival_mix(
    timeline: &Timeline,
    base: &Round,
    problems: &mut Vec<Problem>,
) -> Result<Vec<Person>> {
    let Some(file) = &timeline.arrival_mix else {
        return Ok(base.people.clone());
    };
    let people = read_file(file, base, problems, |f, b, r| {
        crate::input::read_people(f, b, r)
    })?;
    if people.is_empty() && timeline.arrival_rate > 0.0 {
        problems.push(Problem::file(
            "timeline.toml",
            "key \"arrival_mix\": the file lists nobody to draw arrivals from",
        ));
    }
    Ok(people)
}

/// Every kind the timeline names is one the base round can use.
fn check_kinds(timeline: &Timeline, base: &Round, problems: &mut Vec<Problem>) {
    if let Chance::ByKind(m) = &timeline.decline_probability {
        for kind in m.keys() {
            if base.policy.kinds.get(kind).is_none() {
                problems.push(Problem::file(
                    "timeline.toml",
                    format!(
                        "key \"decline_probability.{}\": no such kind; use one of {}",
                        crate::error::printable(kind),
                        base.policy.kinds.expected()
                    ),
                ));
            }
        }
    }
    // A vacancy copies the base round's median unit of its kind: a kind
    // that is not declared, or has no unit to copy, would never fall vacant.
    for kind in timeline.vacancies.keys() {
        if typical_unit(base, kind).is_none() {
            problems.push(Problem::file(
                "timeline.toml",
                format!(
                    "key \"vacancies.{kind}\": the base round has no unit of kind \"{kind}\" to copy; use one of {}",
                    base.policy.kinds.expected()
                ),
            ));
        }
    }
}

/// Every hire has an id no worker has yet.
fn check_hires(timeline: &Timeline, base: &Round, problems: &mut Vec<Problem>) {
    let mut ids: BTreeSet<&str> = base.staff.iter().map(|s| s.id.as_str()).collect();
    for h in &timeline.hires {
        if !ids.insert(h.staff_id.as_str()) {
            problems.push(Problem::file(
                "timeline.toml",
                format!(
                    "hires: staff_id \"{}\" is already a worker; every hire needs a new id",
                    crate::error::printable(&h.staff_id)
                ),
            ));
        }
    }
}

/// Ids must stay unique as people arrive and homes are added.
fn check_new_ids(
    base: &Round,
    arrivals: &[(NaiveDate, Person)],
    new_units: &[(NaiveDate, Unit)],
    problems: &mut Vec<Problem>,
) {
    let mut people: BTreeSet<&str> = base.people.iter().map(|p| p.id.as_str()).collect();
    for (_, p) in arrivals {
        if !people.insert(p.id.as_str()) {
            problems.push(Problem::file(
                "timeline.toml",
                format!(
                    "arrivals: person_id \"{}\" is already in the round or arrives twice",
                    crate::error::printable(&p.id)
                ),
            ));
        }
    }
    let mut units: BTreeSet<&str> = base.units.iter().map(|u| u.id.as_str()).collect();
    for (_, u) in new_units {
        if !units.insert(u.id.as_str()) {
            problems.push(Problem::file(
                "timeline.toml",
                format!(
                    "new_units: unit_id \"{}\" is already in the round or added twice",
                    crate::error::printable(&u.id)
                ),
            ));
        }
    }
}

fn read_file<T>(
    path: &Path,
    base: &Round,
    problems: &mut Vec<Problem>,
    read: impl Fn(&str, &[u8], &mut crate::input::Reading<'_>) -> Vec<T>,
) -> Result<Vec<T>> {
    let mut warnings = Vec::new();
    let mut used = crate::input::AliasesUsed::new();
    let mut r = crate::input::Reading {
        problems,
        warnings: &mut warnings,
        kinds: &base.policy.kinds,
        aliases: &base.policy.aliases,
        used: &mut used,
    };
    crate::input::read_export(path, &mut r, read)
}

/// The median unit of a kind in the base round (by rent, then id).
pub(super) fn typical_unit(base: &Round, kind: &str) -> Option<Unit> {
    let mut same: Vec<&Unit> = base
        .units
        .iter()
        .filter(|u| u.kind.as_str() == kind)
        .collect();
    same.sort_by(|a, b| (a.rent, &a.id).cmp(&(b.rent, &b.id)));
    same.get(same.len() / 2).map(|u| {
        let mut u = (*u).clone();
        u.occupants.clear();
        u.places = if u.places == 0 { 1 } else { u.places };
        u
    })
}
