//! The solver front door: the best plan, the next-best (ranked) plans, and the
//! best plan with one placement forced. It chooses the solver: the exact
//! network flow (`flow`: network simplex on identical units pooled into
//! classes, branch and bound on the shared-living rules; ranked proposals by
//! the closest one-change neighbours, `closest`) where the round allows it, else
//! the MILP (`milp`, HiGHS). Both take an [`Instance`] and return
//! [`Plan`]s, whose value the plan computes itself; callers above this module
//! (allocation, scenarios, planning) never name either solver.

pub(crate) mod baseline;
pub(crate) mod closest;
#[cfg(feature = "internals")]
pub mod engine;
pub(crate) mod flow;
pub(crate) mod formulation;
pub mod instance;
pub(crate) mod milp;
mod threads;

use crate::error::Result;
use crate::solver::instance::{Instance, Plan, Restrictions, Target};
use serde::Serialize;
use std::time::{Duration, Instant};

/// Solver settings: time limits, the choice of solver, and the run's
/// control (cancellation and progress).
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Time each solve may take; `None` = until proven optimal.
    pub time_limit: Option<Duration>,
    /// The instant every solve must have stopped by, for a limit on a whole
    /// command (`--time-limit`): each solve gets what is left. `None` = none.
    pub until: Option<Instant>,
    /// Use the exact network-flow solver where the round allows it (default);
    /// `false` forces the MILP (for cross-checks).
    pub use_flow: bool,
    /// The run's cancel flag and observer, shared by every solve of the run.
    pub control: crate::progress::Control,
}

impl Settings {
    /// The instant a solve started at `start` must stop, if any: the earlier
    /// of its own limit and [`Settings::until`]. A limit so large that the
    /// instant cannot be represented is no limit at all.
    pub fn deadline(&self, start: Instant) -> Option<Instant> {
        let own = self.time_limit.and_then(|t| start.checked_add(t));
        match (own, self.until) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether any limit applies (results may then be "best found"): a time
    /// limit, or a cancel ([`crate::progress::Control::cancel`]).
    pub fn limited(&self) -> bool {
        self.time_limit.is_some() || self.until.is_some() || self.control.is_cancelled()
    }

    /// The time a solve starting now may take, if limited (zero once the
    /// deadline has passed).
    pub fn remaining(&self) -> Option<Duration> {
        let now = Instant::now();
        self.deadline(now).map(|d| d.saturating_duration_since(now))
    }

    /// These settings with the deadline moved to `fraction` (0–1) of the time
    /// left, for the first of several stages that share one limit.
    pub fn share(&self, fraction: f64) -> Settings {
        let now = Instant::now();
        let Some(left) = self.remaining() else {
            return self.clone();
        };
        let until = now + left.mul_f64(fraction.clamp(0.0, 1.0));
        Settings {
            until: Some(self.until.map_or(until, |u| u.min(until))),
            ..self.clone()
        }
    }

    /// Whether the deadline has passed, or the run was cancelled.
    pub fn out_of_time(&self) -> bool {
        self.control.is_cancelled() || self.remaining().is_some_and(|r| r.is_zero())
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            time_limit: None,
            until: None,
            use_flow: true,
            control: crate::progress::Control::default(),
        }
    }
}

/// How a level's value was reached.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    /// Proven optimal with a MIP gap of 0.
    Optimal,
    /// The time limit was hit: best found, with the relative gap to the bound.
    BestFound {
        /// Relative MIP gap (0.01 = 1%).
        gap: f64,
    },
}

impl Status {
    /// Words for tables: `optimal` or `best found, gap 1.23%`.
    pub fn describe(&self) -> String {
        match self {
            Status::Optimal => "optimal".into(),
            Status::BestFound { gap } => format!("best found, gap {:.2}%", gap * 100.0),
        }
    }

    /// Whether optimality was proven.
    pub fn is_optimal(&self) -> bool {
        matches!(self, Status::Optimal)
    }
}

/// Result of one level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LevelResult {
    /// Objective value (exact: a sum of whole points).
    pub value: i64,
    /// Optimal or best found.
    #[serde(flatten)]
    pub status: Status,
    /// Seconds spent building the model.
    pub build_seconds: f64,
    /// Seconds HiGHS spent.
    pub solve_seconds: f64,
}

/// A solved allocation: the plan and how each level's value was reached.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// Where each person lives and which staff class supports them.
    pub plan: Plan,
    /// Level 1: total priority housed, and how it was reached.
    pub level1: LevelResult,
    /// Level 2: total fit, and how it was reached.
    pub level2: LevelResult,
}

/// The unit classes the flow solver pools (aggregation): units with the same
/// eligible people at the same fit, each class a list of unit indices in
/// index order; a unit a separation rule applies to, or a pinned unit, is a
/// class of its own. For models built outside (benchmarks, cross-checks).
#[cfg(feature = "internals")]
pub fn unit_classes(inst: &Instance) -> Vec<Vec<usize>> {
    flow::unit_classes(inst)
}

/// Largest round (eligible unit pairs) on which the MILP takes over when the
/// flow branch and bound runs out of nodes without a time limit; beyond it
/// good_lp alone needs minutes to build the model (tier M: 218,000 pairs,
/// 432 s), so the flow's best plan is reported with its gap instead.
const MILP_FALLBACK_PAIRS: usize = 20_000;

/// The best plan under `restrictions`, lexicographically: by the exact
/// network flow where it applies, else (or to finish a search the flow could
/// not close, on rounds small enough) by the MILP. `Ok(None)` when the rules
/// cannot all hold.
pub fn best(
    inst: &Instance,
    restrictions: &Restrictions,
    settings: &Settings,
) -> Result<Option<Solution>> {
    let t0 = Instant::now();
    if inst.unit_pairs.is_empty() {
        return Ok(nobody_housed(inst, restrictions));
    }
    // The common case is a network flow: solve it exactly without the MILP.
    let mut flow_start = None;
    if settings.use_flow {
        let limits = flow::Limits {
            max_nodes: 20_000,
            deadline: settings.deadline(t0),
            control: settings.control.clone(),
        };
        let found = flow::solve(inst, restrictions, limits);
        let seconds = t0.elapsed().as_secs_f64();
        let level = |value, status| LevelResult {
            value,
            status,
            build_seconds: 0.0,
            solve_seconds: seconds,
        };
        let gap = |value: i64, bound: i64| {
            if bound == value {
                0.0
            } else {
                (bound - value) as f64 / (bound.abs().max(1) as f64)
            }
        };
        match found {
            Some(flow::Found::Optimal(plan)) => return Ok(Some(proven(inst, plan, seconds))),
            Some(flow::Found::Infeasible) => return Ok(None),
            Some(flow::Found::Stopped { best, bound }) => {
                // Out of time, or out of nodes on a round too large for the
                // MILP to do better: the best plan, with its honest gap.
                let milp_can_finish = inst.unit_pairs.len() <= MILP_FALLBACK_PAIRS;
                if let (Some(plan), true) = (&best, settings.limited() || !milp_can_finish) {
                    let (v1, v2) = plan.value(inst);
                    let s1 = if v1 >= bound.0 {
                        Status::Optimal
                    } else {
                        Status::BestFound {
                            gap: gap(v1, bound.0),
                        }
                    };
                    let s2 = if v1 >= bound.0 && v2 >= bound.1 {
                        Status::Optimal
                    } else {
                        Status::BestFound {
                            gap: gap(v2, bound.1.max(v2)),
                        }
                    };
                    return Ok(Some(Solution {
                        level1: level(v1, s1),
                        level2: LevelResult {
                            solve_seconds: 0.0,
                            ..level(v2, s2)
                        },
                        plan: plan.clone(),
                    }));
                }
                if best.is_none()
                    && restrictions.forced.is_empty()
                    && (settings.out_of_time() || !milp_can_finish)
                {
                    // Stopped before any plan (an interrupt, or a deadline
                    // inside the first solve): the priority list, which keeps
                    // every rule, labelled with its gap.
                    let plan = crate::solver::baseline::priority_list(inst);
                    let (v1, v2) = plan.value(inst);
                    let open = |v: i64, b: i64| Status::BestFound {
                        gap: if b == i64::MAX { 1.0 } else { gap(v, b.max(v)) },
                    };
                    return Ok(Some(Solution {
                        level1: level(v1, open(v1, bound.0)),
                        level2: LevelResult {
                            solve_seconds: 0.0,
                            ..level(v2, open(v2, bound.1))
                        },
                        plan,
                    }));
                }
                // No time limit: prove it with the MILP, starting from the best plan.
                flow_start = best;
            }
            None => {}
        }
    }
    milp::solve(inst, restrictions, settings, flow_start)
}

/// The plans ranked after `first` (the optimum of `restrictions`), best
/// first, until `count` plans in all: proposal *k* is the best plan that
/// differs from every earlier one in at least `min_diff` homes, and among
/// those of its value the closest to them (least summed number of people
/// whose home differs). Fewer come back when fewer exist.
///
/// With `min_diff` 1 and a proven first plan, the best one-change neighbour
/// of the earlier proposals (`closest::next`) is tried first: when it has
/// the optimum's value and meets the distance bound it is proven without a
/// search. Otherwise the MILP (with a third level, the summed distance)
/// decides on rounds it can build quickly, starting from that neighbour; on
/// larger rounds the neighbour is the answer, labelled *best found* with its
/// gap (value, or distance to its bound when the value is the optimum's).
pub fn ranked(
    inst: &Instance,
    restrictions: &Restrictions,
    first: &Solution,
    count: usize,
    min_diff: usize,
    settings: &Settings,
) -> Result<Vec<Solution>> {
    let proven_first = first.level1.status.is_optimal() && first.level2.status.is_optimal();
    let plain = restrictions.targets.is_empty()
        && restrictions.optional_units.is_empty()
        && restrictions.optional_staff.is_empty()
        && restrictions.differ_from.is_empty();
    let mut earlier: Vec<Plan> = vec![first.plan.clone()];
    let mut out: Vec<Solution> = Vec::new();
    // Out of time, the one-change neighbours still come back, labelled with
    // their gap; without them, fewer proposals (the caller notes it).
    // The neighbours may run half a second past the deadline in all (they
    // are what comes back when time runs out), shared by the proposals.
    let slice = Duration::from_millis(500) / u32::try_from(count.max(2) - 1).unwrap_or(1);
    while out.len() + 1 < count {
        let t0 = Instant::now();
        let grace = settings.deadline(t0).map(|d| d.max(t0) + slice);
        let stop = || grace.is_some_and(|g| Instant::now() >= g);
        // `--solver milp` (no flow) ranks by the MILP alone, for cross-checks.
        let near = if min_diff <= 1 && plain && settings.use_flow {
            closest::next(inst, restrictions, &earlier, &stop)
        } else {
            None
        };
        if let Some(n) = near.as_ref().filter(|n| n.proven && proven_first) {
            let s = proven(inst, n.plan.clone(), t0.elapsed().as_secs_f64());
            earlier.push(s.plan.clone());
            out.push(s);
            continue;
        }
        if settings.out_of_time() || !proven_first {
            let Some(n) = &near else { break };
            let s = labelled(inst, n, first, &earlier);
            earlier.push(s.plan.clone());
            out.push(s);
            continue;
        }
        let milp_can = inst.unit_pairs.len() <= MILP_FALLBACK_PAIRS || !settings.use_flow;
        let found = match (&near, milp_can) {
            (Some(n), false) => Some(labelled(inst, n, first, &earlier)),
            // Too large for the MILP and no change keeps the rules: fewer
            // proposals (noted by the caller).
            (None, false) => None,
            _ => {
                let mut r = restrictions.clone();
                r.differ_from = earlier
                    .iter()
                    .map(|x| (x.unit_of.clone(), min_diff.max(1)))
                    .collect();
                r.closest_to = earlier.iter().map(|x| x.unit_of.clone()).collect();
                let solved = match near {
                    _ if inst.unit_pairs.is_empty() => Ok(nobody_housed(inst, &r)),
                    // Nothing beats proposal 1's value: only the distance
                    // is left to decide.
                    Some(n) if n.at_optimum => milp::closest(inst, &r, settings, &n.plan),
                    near => milp::solve(inst, &r, settings, near.map(|n| n.plan)),
                };
                match solved {
                    Ok(s) => s,
                    Err(crate::error::Error::OutOfTime(_)) => break,
                    Err(e) => return Err(e),
                }
            }
        };
        match found {
            Some(s) => {
                earlier.push(s.plan.clone());
                out.push(s);
            }
            None => break,
        }
    }
    Ok(out)
}

/// A neighbour not proven to be the next proposal, labelled with its gap: on
/// the value against proposal 1's (no plan can beat it), or, with that
/// value, on the summed distance against its lower bound.
fn labelled(inst: &Instance, n: &closest::Near, first: &Solution, earlier: &[Plan]) -> Solution {
    let mut s = proven(inst, n.plan.clone(), 0.0);
    let (p1, f1) = (first.level1.value, first.level2.value);
    // Proposal 1's own gap (when it is not proven) adds to the neighbour's.
    let own = |st: &Status| match st {
        Status::Optimal => 0.0,
        Status::BestFound { gap } => *gap,
    };
    let first_gap = own(&first.level1.status).max(own(&first.level2.status));
    let gap = |value: i64, best: i64| {
        ((best - value).max(0) as f64 / best.abs().max(1) as f64 + first_gap).min(1.0)
    };
    if s.level1.value < p1 {
        s.level1.status = Status::BestFound {
            gap: gap(s.level1.value, p1),
        };
        s.level2.status = Status::BestFound { gap: 1.0 };
    } else if s.level2.value < f1 {
        s.level2.status = Status::BestFound {
            gap: gap(s.level2.value, f1),
        };
    } else {
        let lb = closest::lower_bound(earlier);
        let distance_gap = (n.distance.saturating_sub(lb)) as f64 / n.distance.max(1) as f64;
        s.level2.status = Status::BestFound {
            gap: (distance_gap + first_gap).min(1.0),
        };
        if first_gap > 0.0 {
            s.level1.status = first.level1.status;
        }
    }
    s
}

/// The best plan with `person` forced into `unit` (and `restrictions` kept),
/// for alternatives: what taking another home would cost. `Ok(None)` when no
/// plan can keep it.
pub fn forced(
    inst: &Instance,
    restrictions: &Restrictions,
    (person, unit): (usize, usize),
    settings: &Settings,
) -> Result<Option<Solution>> {
    let mut r = restrictions.clone();
    r.forced.push((person, unit));
    best(inst, &r, settings)
}

/// A plan proven optimal (by the flow solver) as a solution; the time counts
/// as level 1's.
fn proven(inst: &Instance, plan: Plan, seconds: f64) -> Solution {
    let level = |value| LevelResult {
        value,
        status: Status::Optimal,
        build_seconds: 0.0,
        solve_seconds: 0.0,
    };
    Solution {
        level1: LevelResult {
            solve_seconds: seconds,
            ..level(plan.priority(inst))
        },
        level2: level(plan.fit(inst)),
        plan,
    }
}

/// The only plan when no one may be housed (HiGHS refuses an empty model).
fn nobody_housed(inst: &Instance, restrictions: &Restrictions) -> Option<Solution> {
    let n = inst.person_count();
    let differs_enough = restrictions
        .differ_from
        .iter()
        .all(|(plan, d)| plan.iter().flatten().count() >= *d);
    let targets_met = restrictions.targets.iter().all(|t| match t {
        Target::Housed { min_housed, .. } => *min_housed == 0,
        Target::FemaleWorker { .. } => true,
    });
    if !inst.pins.is_empty() || !restrictions.forced.is_empty() || !differs_enough || !targets_met {
        return None;
    }
    let zero = LevelResult {
        value: 0,
        status: Status::Optimal,
        build_seconds: 0.0,
        solve_seconds: 0.0,
    };
    Some(Solution {
        plan: Plan::empty(n),
        level1: zero,
        level2: zero,
    })
}

/// Names concrete workers: within each class, people in id order go to the
/// member with the most free slots left (ties: lowest id), spreading caseloads.
pub(crate) fn assign_staff(inst: &Instance, class_of: &[Option<usize>]) -> Vec<Option<usize>> {
    let mut left: Vec<u32> = (0..inst.staff_count())
        .map(|s| inst.staff_capacity(s))
        .collect();
    let mut out = vec![None; class_of.len()];
    for (p, c) in class_of.iter().enumerate() {
        let Some(c) = c else { continue };
        let best = inst.classes[*c]
            .members
            .iter()
            .copied()
            .filter(|&s| left[s] > 0)
            .max_by(|&a, &b| left[a].cmp(&left[b]).then(b.cmp(&a)));
        if let Some(s) = best {
            left[s] -= 1;
            out[p] = Some(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_solve_gets_the_earlier_of_its_limit_and_the_command_deadline() {
        let now = Instant::now();
        let s = Settings {
            time_limit: Some(Duration::from_secs(10)),
            until: Some(now + Duration::from_secs(3)),
            use_flow: true,
            control: Default::default(),
        };
        assert_eq!(s.deadline(now), Some(now + Duration::from_secs(3)));
        let later = Settings {
            until: Some(now + Duration::from_secs(30)),
            ..s.clone()
        };
        assert_eq!(later.deadline(now), Some(now + Duration::from_secs(10)));
        let passed = Settings {
            time_limit: None,
            until: Some(now),
            use_flow: true,
            control: Default::default(),
        };
        assert!(passed.out_of_time() && passed.limited());
        assert_eq!(passed.remaining(), Some(Duration::ZERO));
        assert!(!Settings::default().limited());
        let huge = Settings {
            time_limit: Some(Duration::MAX),
            ..Settings::default()
        };
        assert_eq!(huge.deadline(now), None, "an unrepresentable limit is none");
    }
}
