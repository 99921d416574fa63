//! What-if scenarios: changes to a base round (units, staff, people, policy),
//! run side by side in parallel, one HiGHS thread each.

pub use super::sweep::{sweep_scenarios, Sweep};
use crate::allocate::{self, Goals, Options};
use crate::error::{Error, Problem, Problems, Result};
pub use crate::input::scenario::{
    load, load_all, load_dir, same_names, AddStaff, AddUnits, RemoveUnits, Scenario,
};
use crate::input::spec::{fresh_ids, MAX_COPIES};
use crate::input::{self, policy as policy_input};
use crate::model::{Gender, Policy, Stay};
use crate::round::Round;
use crate::solver::Status;
use rayon::prelude::*;
use serde::Serialize;

fn merge(base: &mut toml::Table, over: &toml::Table) {
    for (k, v) in over {
        match (base.get_mut(k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            _ => {
                base.insert(k.clone(), v.clone());
            }
        }
    }
}

/// The policy with a scenario's overrides.
pub fn override_policy(
    base: &Policy,
    over: &toml::Table,
    file: &str,
    line: Option<u64>,
) -> Result<Policy> {
    let mut table = toml::Table::try_from(base)
        .map_err(|e| Error::Solver(format!("cannot represent the policy: {e}")))?;
    merge(&mut table, over);
    policy_input::from_table(file, "", table, base.round_date).map_err(|ps| {
        Error::Input(Problems(
            ps.into_iter()
                .map(|mut p| {
                    p.line = line;
                    p.message = format!("[policy]: {}", p.message);
                    p
                })
                .collect(),
        ))
    })
}

/// Applies a scenario to a base round. Every problem is reported at once, at
/// the line of the change in the scenario file.
pub fn apply(base: &Round, s: &Scenario) -> Result<Round> {
    let mut r = base.clone();
    let mut problems = Vec::new();
    if let Some(over) = &s.policy {
        r.policy = override_policy(&base.policy, over, &s.source, s.policy_line)?;
    }
    for (id, d) in &s.kinds {
        r.policy.kinds.declare(id, d.clone());
    }
    for (key, message) in r.policy.kinds.problems() {
        problems.push(at(s, "kinds", format!("{key}: {message}")));
    }
    remove_units(&mut r, s, &mut problems);
    add_units(&mut r, s, &mut problems);
    change_staff(&mut r, s, &mut problems);
    change_people(&mut r, s, &mut problems)?;
    // A pinned unit that the scenario removed can no longer be kept.
    let unit_ids: std::collections::BTreeSet<String> =
        r.units.iter().map(|u| u.id.clone()).collect();
    for p in &mut r.people {
        if p.pinned_unit
            .as_ref()
            .is_some_and(|u| !unit_ids.contains(u))
        {
            p.pinned_unit = None;
        }
    }
    if !problems.is_empty() {
        return Err(Error::Input(Problems(problems)));
    }
    r.sort();
    Ok(r)
}

/// A problem at the line of one change (`add_units#2`, `remove_staff`, …);
/// at the file alone when the scenario was not read from one.
fn at(s: &Scenario, key: &str, message: String) -> Problem {
    Problem {
        file: s.source.clone(),
        line: s.lines.get(key).copied(),
        column: None,
        value: None,
        message,
    }
}

/// `[[remove_units]]`: by id (each must exist), or the first `count` by id
/// of a kind and/or area.
fn remove_units(r: &mut Round, s: &Scenario, problems: &mut Vec<Problem>) {
    for (i, rm) in s.remove_units.iter().enumerate() {
        for id in rm.ids.iter().filter(|id| r.unit_index(id).is_none()) {
            problems.push(at(
                s,
                &format!("remove_units#{}", i + 1),
                format!("remove_units: unit \"{id}\" is not in the base round; expected a unit_id of units.csv"),
            ));
        }
        r.units.retain(|u| !rm.ids.contains(&u.id));
        let key = format!("remove_units#{}", i + 1);
        if rm.ids.is_empty() && rm.kind.is_none() && rm.area.is_none() {
            problems.push(at(
                s,
                &key,
                "remove_units: name the units to remove with ids, kind or area".into(),
            ));
            continue;
        }
        if rm.kind.is_some() || rm.area.is_some() {
            let matching: Vec<String> = r
                .units
                .iter()
                .filter(|u| rm.kind.as_ref().is_none_or(|k| u.kind == *k))
                .filter(|u| rm.area.as_ref().is_none_or(|a| u.area.as_ref() == Some(a)))
                .map(|u| u.id.clone())
                .collect();
            if let Some(c) = rm.count.filter(|&c| c as usize > matching.len()) {
                problems.push(at(
                    s,
                    &key,
                    format!(
                        "remove_units: count {c}, but only {} unit{} of that kind and area {}",
                        matching.len(),
                        if matching.len() == 1 { "" } else { "s" },
                        if matching.len() == 1 {
                            "is left"
                        } else {
                            "are left"
                        }
                    ),
                ));
            }
            let n = rm
                .count
                .map_or(matching.len(), |c| (c as usize).min(matching.len()));
            let gone = &matching[..n];
            r.units.retain(|u| !gone.contains(&u.id));
        }
    }
}

/// `[[add_units]]`: `count` copies of the described unit, with fresh ids.
fn add_units(r: &mut Round, s: &Scenario, problems: &mut Vec<Problem>) {
    for (i, add) in s.add_units.iter().enumerate() {
        let key = format!("add_units#{}", i + 1);
        let mut bad = add.unit.problems();
        bad.extend(add.unit.kind_problems(&r.policy.kinds));
        for p in bad {
            problems.push(at(s, &key, format!("add_units #{}: {p}", i + 1)));
        }
        if add.count > MAX_COPIES {
            problems.push(at(
                s,
                &key,
                format!("add_units #{}: count must be at most {MAX_COPIES}", i + 1),
            ));
            continue;
        }
        let prefix = add
            .id_prefix
            .clone()
            .unwrap_or_else(|| format!("NEW-{}-", add.unit.kind));
        let ids = fresh_ids(&prefix, add.count, |id| r.units.iter().any(|u| u.id == id));
        r.units.extend(ids.into_iter().map(|id| add.unit.unit(id)));
    }
}

/// `remove_staff` (each must exist) and `[[add_staff]]`.
fn change_staff(r: &mut Round, s: &Scenario, problems: &mut Vec<Problem>) {
    for id in &s.remove_staff {
        if !r.staff.iter().any(|st| st.id == *id) {
            problems.push(at(
                s,
                "remove_staff",
                format!("remove_staff: \"{id}\" is not in the base round; expected a staff_id of staff.csv"),
            ));
        }
    }
    r.staff.retain(|st| !s.remove_staff.contains(&st.id));
    for (i, add) in s.add_staff.iter().enumerate() {
        let bad: Vec<String> = add.staff.problems();
        if !bad.is_empty() || add.count > MAX_COPIES {
            let why = bad.into_iter().chain(
                (add.count > MAX_COPIES).then(|| format!("count must be at most {MAX_COPIES}")),
            );
            for p in why {
                problems.push(at(s, "add_staff", format!("add_staff #{}: {p}", i + 1)));
            }
            continue;
        }
        let prefix = add
            .id_prefix
            .clone()
            .unwrap_or_else(|| format!("NEW-{}-", add.staff.method));
        let ids = fresh_ids(&prefix, add.count, |id| {
            r.staff.iter().any(|st| st.id == id)
        });
        r.staff
            .extend(ids.into_iter().map(|id| add.staff.staff(id)));
    }
}

/// `remove_people` (each must exist) and `add_people` files (in the
/// `people.csv` format; ids must be new).
fn change_people(r: &mut Round, s: &Scenario, problems: &mut Vec<Problem>) -> Result<()> {
    for id in &s.remove_people {
        if !r.people.iter().any(|p| p.id == *id) {
            problems.push(at(
                s,
                "remove_people",
                format!("remove_people: \"{id}\" is not in the base round; expected a person_id of people.csv"),
            ));
        }
    }
    r.people.retain(|p| !s.remove_people.contains(&p.id));
    for path in &s.add_people {
        let name = path.display().to_string();
        let mut warnings = Vec::new();
        let mut used = input::AliasesUsed::new();
        let policy = r.policy.clone();
        let mut reading = input::Reading {
            problems,
            warnings: &mut warnings,
            kinds: &policy.kinds,
            aliases: &policy.aliases,
            used: &mut used,
        };
        let added = input::read_export(path, &mut reading, input::read_people)?;
        for p in added {
            if r.people.iter().any(|q| q.id == p.id) {
                problems.push(Problem::cell(
                    &name,
                    p.line,
                    "person_id",
                    Some(&p.id),
                    "is already in the round; ids must be unique",
                ));
            } else {
                r.people.push(p);
            }
        }
    }
    Ok(())
}

/// The comparison row of one scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The scenario's name (`base` for the round as it is).
    pub scenario: String,
    /// How level 1 of proposal 1 (priority housed) was reached: optimal, or
    /// best found with its gap; written as words (`optimal`, `best found,
    /// gap 1.23%`).
    #[serde(serialize_with = "described")]
    pub status: Status,
    /// People in the round.
    pub people: usize,
    /// Places offered in the scenario's round.
    pub places: u32,
    /// Free support slots.
    pub support_slots: u32,
    /// Housed in total.
    pub housed: usize,
    /// Housed under 18.
    pub housed_under_18: usize,
    /// 18–24-year-olds housed.
    pub housed_18_24: usize,
    /// 25–29-year-olds housed.
    pub housed_25_29: usize,
    /// Housed 30 and over.
    pub housed_30_plus: usize,
    /// Women housed.
    pub housed_women: usize,
    /// Men housed.
    pub housed_men: usize,
    /// The programme's goals.
    pub goals: Goals,
    /// Level 1 of proposal 1: total priority housed.
    pub priority_score: i64,
    /// Level 2 of proposal 1: total fit.
    pub fit: i64,
    /// Total monthly rent of the housed, kr.
    pub monthly_rent_dkk: i64,
    /// People leaving a shelter or night shelter × cost per night × 365, kr.
    pub shelter_cost_avoided_dkk: i64,
}

/// A status as the words tables show.
fn described<S: serde::Serializer>(status: &Status, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&status.describe())
}

/// Runs one scenario against a base round.
pub fn evaluate(base: &Round, s: &Scenario, options: &Options) -> Result<Row> {
    let round = apply(base, s)?;
    // A comparison row needs the plan and its goals, not the explanations.
    let options = Options {
        explain: false,
        ..options.clone()
    };
    // A pinned offer the base round keeps but the scenario breaks (a worker
    // or unit removed, a rule changed) is the scenario's doing: say so.
    let outcome = allocate::run(&round, &options).map_err(|e| match e {
        Error::Infeasible(Problems(broken)) => Error::Infeasible(Problems(
            broken
                .into_iter()
                .map(|p| Problem {
                    file: s.source.clone(),
                    line: None,
                    column: None,
                    value: None,
                    message: format!(
                        "this scenario breaks a pinned offer: {}",
                        crate::error::escaped(&p.to_string())
                    ),
                })
                .collect(),
        )),
        other => other,
    })?;
    Ok(row(&round, &s.name, &outcome))
}

/// The comparison row of an outcome.
pub fn row(round: &Round, name: &str, outcome: &allocate::Outcome) -> Row {
    let best = &outcome.proposals[0];
    // Both lists are sorted by id (a round's invariant).
    let person = |id: &str| {
        let i = round
            .people
            .binary_search_by(|p| p.id.as_str().cmp(id))
            .ok()?;
        round.people.get(i)
    };
    let unit = |id: &str| round.unit_index(id).and_then(|i| round.units.get(i));
    let mut r = Row {
        scenario: name.to_string(),
        // Level 1's status alone, as the row has always shown it: a level 2
        // cut short with level 1 proven still reads "optimal".
        status: best.level1.status,
        people: outcome.people,
        places: outcome.places,
        support_slots: outcome.support_slots,
        housed: best.placements.len(),
        housed_under_18: 0,
        housed_18_24: 0,
        housed_25_29: 0,
        housed_30_plus: 0,
        housed_women: 0,
        housed_men: 0,
        // Over the programme (the record's tenants counted); the same as this
        // round's goals without a record.
        goals: best.programme,
        priority_score: best.level1.value,
        fit: best.level2.value,
        monthly_rent_dkk: 0,
        shelter_cost_avoided_dkk: 0,
    };
    let mut leaving_shelter = 0i64;
    for pl in &best.placements {
        if let Some(p) = person(&pl.person_id) {
            match p.age_band() {
                crate::model::AgeBand::Under18 => r.housed_under_18 += 1,
                crate::model::AgeBand::Age18To24 => r.housed_18_24 += 1,
                crate::model::AgeBand::Age25To29 => r.housed_25_29 += 1,
                crate::model::AgeBand::Age30Plus => r.housed_30_plus += 1,
            }
            match p.gender {
                Gender::F => r.housed_women += 1,
                Gender::M => r.housed_men += 1,
            }
            if matches!(p.stay, Stay::Shelter | Stay::NightShelter) {
                leaving_shelter += 1;
            }
        }
        if let Some(u) = unit(&pl.unit_id) {
            r.monthly_rent_dkk += u.rent;
        }
    }
    r.monthly_rent_dkk = (r.monthly_rent_dkk + 50) / 100;
    r.shelter_cost_avoided_dkk = leaving_shelter * round.policy.shelter_cost_per_night_dkk * 365;
    r
}

/// Runs the base and every scenario in parallel; rows come back in input order.
pub fn run_all(base: &Round, scenarios: &[Scenario], options: &Options) -> Result<Vec<Row>> {
    let results: Vec<Result<Row>> = scenarios
        .par_iter()
        .map(|s| evaluate(base, s, options))
        .collect();
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for r in results {
        match r {
            Ok(row) => rows.push(row),
            Err(Error::Input(ps)) | Err(Error::Infeasible(ps)) => problems.extend(ps.0),
            Err(e) => return Err(e),
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(Error::Input(Problems(problems)))
    }
}
