//! One proposal read from a solution: its placements with their fit and
//! reasons, who is not placed and why, the difference from proposal 1 and
//! the stability against last week's proposal.

use super::explain::{fit_reasons, unplaced_reason, PlanUse};
use super::goals::{goals, programme_goals};
use super::*;

/// What a plan keeps of last week's proposal 1, and why the rest changed.
fn stability(inst: &Instance, plan: &Plan, staff_of: &[Option<usize>]) -> Option<Stability> {
    let round = inst.round();
    if round.previous.is_empty() {
        return None;
    }
    let mut unchanged = 0;
    let mut changed = Vec::new();
    for (person, (unit, worker)) in &round.previous {
        let Some(p) = round.people.iter().position(|q| q.id == *person) else {
            changed.push(Moved {
                person_id: person.clone(),
                why: "not_waiting",
            });
            continue;
        };
        let home = plan.unit_of[p].map(|u| round.units[u].id.as_str());
        let staff = staff_of[p].map(|s| round.staff[s].id.as_str());
        if home == Some(unit.as_str()) && staff == Some(worker.as_str()) {
            unchanged += 1;
            continue;
        }
        let why = match round.unit_index(unit) {
            None => "home_gone",
            Some(u) if round.units[u].places == 0 => "home_gone",
            Some(u) if inst.unit_pair(p, u).is_none() => "not_eligible",
            Some(_) if home == Some(unit.as_str()) => "worker_changed",
            Some(_) => "better_plan",
        };
        changed.push(Moved {
            person_id: person.clone(),
            why,
        });
    }
    Some(Stability {
        value: plan.stability(inst),
        unchanged,
        changed,
    })
}

pub(super) fn proposal(
    inst: &Instance,
    rank: usize,
    s: &Solution,
    base: &Solution,
    explain: bool,
) -> Proposal {
    let round = inst.round();
    let staff_of = assign_staff(inst, &s.plan.class_of);
    let mut placements = Vec::new();
    let mut whys = if explain {
        why_unplaced(inst, s)
    } else {
        Vec::new()
    };
    let mut unplaced = Vec::new();
    for (p, person) in round.people.iter().enumerate() {
        // Every housed person has a worker (a hard rule of both solvers).
        match (s.plan.unit_of[p], s.plan.class_of[p]) {
            (Some(u), Some(class)) => {
                placements.push(placement(inst, (p, u, class), staff_of[p], explain));
            }
            _ => {
                let Some(why) = whys.get_mut(p).and_then(Option::take) else {
                    continue;
                };
                unplaced.push(Unplaced {
                    person_id: person.id.clone(),
                    priority: inst.priority[p],
                    reason: why.reason,
                    details: why.details,
                    blocking: why.blocking,
                    eligible_units: why.eligible_units,
                    lowest_placed_priority: why.lowest_placed_priority,
                });
            }
        }
    }
    let unplaced = if explain {
        UnplacedPeople::Explained(unplaced)
    } else {
        UnplacedPeople::Unexplained {
            count: round.people.len() - placements.len(),
        }
    };
    let changes = if rank == 1 {
        Vec::new()
    } else {
        difference(inst, &base.plan.unit_of, &s.plan.unit_of)
    };
    Proposal {
        rank,
        level1: s.level1,
        level2: s.level2,
        placements,
        unplaced,
        goals: goals(inst, &s.plan),
        programme: programme_goals(inst, &s.plan),
        changes,
        stability: stability(inst, &s.plan, &staff_of),
    }
}

/// Why each person the solution leaves unplaced is not placed (`None` for
/// the placed), in parallel: on a country-size round each looks at
/// thousands of eligible homes.
fn why_unplaced(inst: &Instance, s: &Solution) -> Vec<Option<crate::allocate::explain::Why>> {
    use rayon::prelude::*;
    let plan_use = PlanUse::new(inst, &s.plan.unit_of, &s.plan.class_of);
    (0..inst.person_count())
        .into_par_iter()
        .with_min_len(64)
        .map(|p| {
            let placed = s.plan.unit_of[p].is_some() && s.plan.class_of[p].is_some();
            (!placed).then(|| unplaced_reason(inst, p, &plan_use))
        })
        .collect()
}

/// One placement: person `p` in unit `u` with a worker of staff class
/// `class` (worker `staff`), its fit and, when `explain`, its reasons.
fn placement(
    inst: &Instance,
    (p, u, class): (usize, usize, usize),
    staff: Option<usize>,
    explain: bool,
) -> Placement {
    let round = inst.round();
    let (person, unit) = (&round.people[p], &round.units[u]);
    let unit_fit = inst
        .unit_pair(p, u)
        .map_or(0, |k| inst.points(&inst.unit_pairs[k]));
    let staff_fit = inst
        .staff_pair(p, class)
        .map_or(0, |k| inst.points(&inst.staff_pairs[k]));
    let (reasons, known_not_kept) = if explain {
        (
            fit_reasons(inst, p, u, Some(class)),
            crate::allocate::explain::known_worker_not_kept(inst, p, class),
        )
    } else {
        (Vec::new(), None)
    };
    Placement {
        person_id: person.id.clone(),
        unit_id: unit.id.clone(),
        unit_kind: unit.kind.clone(),
        area: unit.area.clone().unwrap_or_default(),
        staff_id: staff.map(|i| round.staff[i].id.clone()).unwrap_or_default(),
        method: inst.classes[class].method,
        priority: inst.priority[p],
        fit: unit_fit + staff_fit,
        reasons: reasons
            .iter()
            .map(|(_, r)| r.clone())
            .chain(known_not_kept.clone())
            .collect(),
        terms: reasons.iter().map(|(t, _)| *t).collect(),
        known_worker_not_kept: known_not_kept.is_some(),
    }
}

/// The people placed differently in `plan` than in `base`, by person id.
pub fn difference(inst: &Instance, base: &UnitPlan, plan: &UnitPlan) -> Vec<Change> {
    let round = inst.round();
    let unit = |u: Option<usize>| u.map(|u| round.units[u].id.clone());
    round
        .people
        .iter()
        .enumerate()
        .filter(|(p, _)| base[*p] != plan[*p])
        .map(|(p, person)| Change {
            person_id: person.id.clone(),
            from: unit(base[p]),
            to: unit(plan[p]),
        })
        .collect()
}
