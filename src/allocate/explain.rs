//! Why a person was not placed, and why a placement fits: words a committee
//! can read out and defend.

use crate::model::fmt_kr;
use crate::rules::eligibility::{exclusions, staff_eligible, Exclusion};
use crate::rules::scoring::{staff_fit, unit_fit, FitTerm};
use crate::solver::instance::{Instance, UnitPlan};
use serde::Serialize;
use std::collections::BTreeMap;

/// The main reason a person was not placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// No unit is open to the person under the hard rules.
    NoEligibleUnit,
    /// No support worker with free capacity may support the person.
    NoSupportCapacity,
    /// Eligible units exist but went to people with higher priority.
    Outcompeted,
}

impl Reason {
    /// Words for tables and files.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NoEligibleUnit => "no eligible unit",
            Reason::NoSupportCapacity => "no support capacity",
            Reason::Outcompeted => "outcompeted",
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why one person was not placed.
#[derive(Debug, Clone, PartialEq)]
pub struct Why {
    /// The main reason the person is not housed.
    pub reason: Reason,
    /// The reason in English words with counts, for CSV and tables.
    pub details: String,
    /// Units closed per rule (for "no eligible unit").
    pub blocking: Vec<(Exclusion, usize)>,
    /// Units open to the person.
    pub eligible_units: usize,
    /// Lowest priority placed in one of those.
    pub lowest_placed_priority: Option<i64>,
}

/// Reason and details for an unplaced person in a plan.
/// What every unplaced person's reason reads from one plan, counted once per
/// plan rather than once per person (a country-size round has thousands of
/// people unplaced).
pub(crate) struct PlanUse {
    /// Places taken per unit.
    occupied: Vec<u32>,
    /// Cases taken per staff class.
    used: Vec<u32>,
    /// The lowest priority among each unit's occupants.
    lowest: Vec<Option<i64>>,
}

impl PlanUse {
    /// Counts `unit_of` and `class_of`.
    pub(crate) fn new(inst: &Instance, unit_of: &UnitPlan, class_of: &[Option<usize>]) -> Self {
        let mut used = vec![0u32; inst.classes.len()];
        for c in class_of.iter().flatten() {
            used[*c] += 1;
        }
        let mut occupied = vec![0u32; inst.round().units.len()];
        let mut lowest: Vec<Option<i64>> = vec![None; inst.round().units.len()];
        for (q, u) in unit_of.iter().enumerate() {
            if let Some(u) = u {
                occupied[*u] += 1;
                let pr = inst.priority[q];
                lowest[*u] = Some(lowest[*u].map_or(pr, |l: i64| l.min(pr)));
            }
        }
        PlanUse {
            occupied,
            used,
            lowest,
        }
    }
}

pub(crate) fn unplaced_reason(inst: &Instance, person: usize, plan: &PlanUse) -> Why {
    let round = inst.round();
    let p = &round.people[person];
    let policy = &round.policy;
    let methods: Vec<&str> = policy
        .support
        .methods(p.need())
        .iter()
        .map(|m| m.as_str())
        .collect();
    let eligible_classes: Vec<usize> = inst
        .classes
        .iter()
        .enumerate()
        .filter(|(_, c)| staff_eligible(p, c.method, c.gender, policy))
        .map(|(i, _)| i)
        .collect();
    // A person with pairs has exactly their pairs' units (else: look again).
    let eligible_units: Vec<usize> = match inst.units_of(person) {
        [] => inst.unit_index.eligible(p, policy),
        pairs => pairs.iter().map(|q| q.target).collect(),
    };
    if eligible_classes.is_empty() {
        let female = if p.female_staff == crate::model::FemaleStaff::Required {
            " with a female worker"
        } else {
            ""
        };
        return Why {
            reason: Reason::NoSupportCapacity,
            details: format!(
                "no support worker with free capacity offers {}{female}",
                methods.join(" or ")
            ),
            blocking: Vec::new(),
            eligible_units: eligible_units.len(),
            lowest_placed_priority: None,
        };
    }
    if eligible_units.is_empty() {
        return no_eligible_unit(inst, person);
    }
    let staff_full = eligible_classes
        .iter()
        .all(|&c| plan.used[c] >= inst.classes[c].capacity);
    taken(inst, person, plan, &eligible_units, staff_full, &methods)
}

/// Why no unit is open to `person`: the units each rule closes.
fn no_eligible_unit(inst: &Instance, person: usize) -> Why {
    let round = inst.round();
    let (p, policy) = (&round.people[person], &round.policy);
    let mut counts: BTreeMap<Exclusion, usize> = BTreeMap::new();
    for u in &round.units {
        for e in exclusions(p, u, policy) {
            *counts.entry(e).or_default() += 1;
        }
    }
    let details = counts
        .iter()
        .map(|(e, n)| {
            format!(
                "{}: {n} unit{}",
                e.label(p, policy),
                if *n == 1 { "" } else { "s" }
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    Why {
        reason: Reason::NoEligibleUnit,
        details,
        blocking: counts.into_iter().collect(),
        eligible_units: 0,
        lowest_placed_priority: None,
    }
}

/// Why a person with eligible units and workers is not placed: the workers
/// are fully booked while a unit is free, or the units went to people with
/// higher priority.
fn taken(
    inst: &Instance,
    person: usize,
    plan: &PlanUse,
    eligible_units: &[usize],
    staff_full: bool,
    methods: &[&str],
) -> Why {
    let free_unit = eligible_units
        .iter()
        .any(|&u| plan.occupied[u] < inst.places(u));
    let lowest = eligible_units.iter().filter_map(|&u| plan.lowest[u]).min();
    let n = eligible_units.len();
    if staff_full && free_unit {
        return Why {
            reason: Reason::NoSupportCapacity,
            details: format!(
                "every worker offering {} is fully booked this round; an eligible unit is free",
                methods.join(" or ")
            ),
            blocking: Vec::new(),
            eligible_units: n,
            lowest_placed_priority: lowest,
        };
    }
    let mut details = format!(
        "{n} eligible unit{} went to people with higher priority",
        if n == 1 { "" } else { "s" }
    );
    if let Some(l) = lowest {
        details.push_str(&format!(
            "; lowest priority placed in one of them: {l} (this person: {})",
            inst.priority[person]
        ));
    }
    if free_unit {
        details.push_str(
            "; a free place is closed by the shared-living separation rules or the support left",
        );
    }
    Why {
        reason: Reason::Outcompeted,
        details,
        blocking: Vec::new(),
        eligible_units: n,
        lowest_placed_priority: lowest,
    }
}

/// Reasons a placement fits, e.g. `preferred area (Centrum); first-choice method (ICM)`.
pub(crate) fn fit_reasons(
    inst: &Instance,
    person: usize,
    unit: usize,
    class: Option<usize>,
) -> Vec<(FitTerm, String)> {
    let round = inst.round();
    let p = &round.people[person];
    let u = &round.units[unit];
    let policy = &round.policy;
    let mut terms = unit_fit(p, u, policy);
    if let Some(c) = class {
        let c = &inst.classes[c];
        let worker = c.single.map(|w| round.staff[w].id.as_str());
        terms.extend(staff_fit(p, c.method, c.gender, worker, policy));
    }
    terms
        .iter()
        .map(|(t, pts)| {
            let text = match t {
                FitTerm::PreferredArea => {
                    format!("{} ({})", t.label(), u.area.as_deref().unwrap_or(""))
                }
                FitTerm::RentHeadroom => format!(
                    "{} ({} of {} affordable, +{pts})",
                    t.label(),
                    fmt_kr(u.rent),
                    fmt_kr(crate::rules::eligibility::max_rent(p, policy))
                ),
                FitTerm::KindSuits => {
                    format!("{} ({})", t.label(), policy.kinds.label(&u.kind, false))
                }
                FitTerm::FirstMethod => format!(
                    "{} ({})",
                    t.label(),
                    class.map_or("", |c| inst.classes[c].method.as_str())
                ),
                FitTerm::FemaleWorker => t.label().to_string(),
                FitTerm::KnownWorker => format!(
                    "{} ({}, kept)",
                    t.label(),
                    p.known_staff_id.as_deref().unwrap_or("")
                ),
            };
            (*t, text)
        })
        .collect()
}

/// Why the worker a person knows (`known_staff_id`) was not kept for them in
/// a placement with staff class `class`; `None` when there is no such worker
/// or they were kept.
pub fn known_worker_not_kept(inst: &Instance, person: usize, class: usize) -> Option<String> {
    let round = inst.round();
    let p = &round.people[person];
    let id = p.known_staff_id.as_deref()?;
    let chosen = &inst.classes[class];
    if chosen.single.is_some_and(|w| round.staff[w].id == id) {
        return None;
    }
    let why = match round.staff.iter().find(|s| s.id == id) {
        None => "not in staff.csv this round".to_string(),
        Some(s) if s.capacity == 0 => "no free slot this round".to_string(),
        Some(s) if !crate::rules::eligibility::staff_eligible(p, s.method, s.gender, &round.policy) => {
            format!("their method ({}) or gender is not one this person's support allows", s.method)
        }
        Some(s) => format!(
            "the best plan gives {}'s {} free slot{} to others ([fit] known_worker = {} points did not outweigh that)",
            s.id,
            s.capacity,
            if s.capacity == 1 { "" } else { "s" },
            round.policy.fit.known_worker
        ),
    };
    Some(format!("the worker they know ({id}) not kept: {why}"))
}
