//! Solving the formulation with HiGHS, lexicographically: level 1 (priority)
//! to optimality, then level 2 (fit) with level 1 held at its optimum.
//! Only this module talks to HiGHS.

use crate::error::{Error, Result};
use crate::formulation::{formulate, Formulation, Instance, Restrictions, UnitPlan};
use ::highs::{HighsModelStatus, HighsSolutionStatus};
use good_lp::solvers::highs::highs as highs_solver;
use good_lp::{Expression, SolverModel};
use serde::Serialize;
use std::time::{Duration, Instant};

/// Solver settings for one lexicographic solve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Time each solver level may take; `None` = until proven optimal.
    pub time_limit: Option<Duration>,
    /// Use the exact network-flow solver where the round allows it (default);
    /// `false` forces the MILP (for cross-checks).
    pub use_flow: bool,
}

impl Settings {
    /// The instant a solve started at `start` must stop, if any. A limit so
    /// large that the instant cannot be represented is no limit at all.
    pub fn deadline(&self, start: Instant) -> Option<Instant> {
        self.time_limit.and_then(|t| start.checked_add(t))
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            time_limit: None,
            use_flow: true,
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

/// A solved allocation in index form.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// Unit of each person, if housed.
    pub unit_of: UnitPlan,
    /// Staff class of each person, if housed.
    pub class_of: Vec<Option<usize>>,
    /// Level 1.
    pub level1: LevelResult,
    /// Level 2.
    pub level2: LevelResult,
}

/// A solved model: column values in variable creation order.
#[derive(Debug, Clone, PartialEq)]
pub struct Raw {
    /// Column values.
    pub values: Vec<f64>,
    /// Optimal or best found.
    pub status: Status,
    /// Seconds in HiGHS.
    pub seconds: f64,
}

/// Runs HiGHS on `form` with `objective` and optional extra constraint; `None`
/// if infeasible.
fn run(
    form: &Formulation,
    objective: Expression,
    floor: Option<good_lp::Constraint>,
    start: Option<&[f64]>,
    settings: &Settings,
) -> Result<Option<Raw>> {
    let constraints = form.constraints.iter().cloned().chain(floor);
    run_model(
        form.vars.clone(),
        Sense::Maximise,
        objective,
        constraints,
        start,
        settings,
    )
}

/// Direction of an objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sense {
    /// Maximise.
    Maximise,
    /// Minimise.
    Minimise,
}

/// Solves any good_lp model with boligmatch's HiGHS settings (one thread, fixed
/// seed, MIP gap 0, optional time limit and start). `None` if infeasible.
pub fn run_model(
    vars: good_lp::ProblemVariables,
    sense: Sense,
    objective: Expression,
    constraints: impl IntoIterator<Item = good_lp::Constraint>,
    start: Option<&[f64]>,
    settings: &Settings,
) -> Result<Option<Raw>> {
    let unsolved = match sense {
        Sense::Maximise => vars.maximise(objective),
        Sense::Minimise => vars.minimise(objective),
    };
    let mut problem = unsolved.using(highs_solver);
    for c in constraints {
        problem.add_constraint(c);
    }
    let mut model = problem
        .try_into_inner()
        .map_err(|e| Error::Solver(e.to_string()))?;
    let option = |k: &str, e: ::highs::TrySetOptionError| {
        Error::Solver(format!("cannot set HiGHS option {k}: {e:?}"))
    };
    // Determinism: one thread, fixed seed; exactness: MIP gap 0.
    model
        .try_set_option("output_flag", false)
        .map_err(|e| option("output_flag", e))?;
    model
        .try_set_option("threads", 1)
        .map_err(|e| option("threads", e))?;
    model
        .try_set_option("random_seed", 0)
        .map_err(|e| option("random_seed", e))?;
    model
        .try_set_option("mip_rel_gap", 0.0)
        .map_err(|e| option("mip_rel_gap", e))?;
    // Presolve off: with it, this HiGHS returned a plan 8 fit points below
    // the optimum labelled "optimal" (ranked proposals with a MIP start,
    // found by the property test `ranked_proposals_equal_brute_force`; the
    // bug class of HiGHS issues #1725 and #3094). Exactness comes first.
    model
        .try_set_option("presolve", "off")
        .map_err(|e| option("presolve", e))?;
    if let Some(t) = settings.time_limit {
        model
            .try_set_option("time_limit", t.as_secs_f64())
            .map_err(|e| option("time_limit", e))?;
    }
    if let Some(s) = start {
        model.set_solution(Some(s), None, None, None);
    }
    let t0 = Instant::now();
    let solved = model
        .try_solve()
        .map_err(|e| Error::Solver(format!("HiGHS failed: {e:?}")))?;
    let seconds = t0.elapsed().as_secs_f64();
    let status = match solved.status() {
        HighsModelStatus::Optimal => Status::Optimal,
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => return Ok(None),
        HighsModelStatus::ReachedTimeLimit
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ReachedSolutionLimit
        | HighsModelStatus::ReachedInterrupt => {
            let gap = solved.mip_gap();
            Status::BestFound {
                gap: if gap.is_finite() { gap } else { 1.0 },
            }
        }
        other => return Err(Error::Solver(format!("HiGHS ended with status {other:?}"))),
    };
    if solved.primal_solution_status() != HighsSolutionStatus::Feasible {
        return Err(Error::Solver(
            "no feasible allocation was found within the time limit; allow more time".into(),
        ));
    }
    Ok(Some(Raw {
        values: solved.get_solution().columns().to_vec(),
        status,
        seconds,
    }))
}

/// Largest round (eligible unit pairs) on which the MILP takes over when the
/// flow branch and bound runs out of nodes without a time limit; beyond it
/// good_lp alone needs minutes to build the model (tier M: 218,000 pairs,
/// 432 s), so the flow's best plan is reported with its gap instead.
const MILP_FALLBACK_PAIRS: usize = 20_000;

/// Solves lexicographically. `Ok(None)` when the rules cannot all hold.
pub fn solve(
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
        let limits = crate::netflow::Limits {
            max_nodes: 20_000,
            deadline: settings.deadline(t0),
        };
        let found = crate::netflow::solve(inst, restrictions, limits);
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
            Some(crate::netflow::Found::Optimal(unit_of, class_of)) => {
                return Ok(Some(proven(inst, unit_of, class_of, seconds)))
            }
            Some(crate::netflow::Found::Infeasible) => return Ok(None),
            Some(crate::netflow::Found::Stopped { best, bound }) => {
                // Out of time, or out of nodes on a round too large for the
                // MILP to do better: the best plan, with its honest gap.
                let milp_can_finish = inst.unit_pairs.len() <= MILP_FALLBACK_PAIRS;
                if let (Some((unit_of, class_of)), true) =
                    (&best, settings.time_limit.is_some() || !milp_can_finish)
                {
                    let (v1, v2) = (
                        level1_value(inst, unit_of),
                        level2_value(inst, unit_of, class_of),
                    );
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
                        unit_of: unit_of.clone(),
                        class_of: class_of.clone(),
                    }));
                }
                // No time limit: prove it with the MILP, starting from the best plan.
                flow_start = best;
            }
            None => {}
        }
    }
    let Some(form) = formulate(inst, restrictions) else {
        return Ok(None);
    };
    // Start from the priority list: HiGHS then always has a valid plan, even
    // when a time limit stops it early.
    let (b_units, b_classes) = flow_start.unwrap_or_else(|| crate::baseline::priority_list(inst));
    let start = restrictions
        .is_empty()
        .then(|| form.start_values(inst, &b_units, &b_classes));
    let build1 = t0.elapsed().as_secs_f64();
    let Some(raw1) = run(&form, form.level1.clone(), None, start.as_deref(), settings)? else {
        return Ok(None);
    };
    let (unit_of, class_of) = extract(inst, &form, &raw1.values);
    let value1 = level1_value(inst, &unit_of);
    let t1 = Instant::now();
    let floor = form.level1.clone().geq(value1 as f64 - 0.5);
    let build2 = t1.elapsed().as_secs_f64();
    let raw2 = run(
        &form,
        form.level2.clone(),
        Some(floor),
        Some(&raw1.values),
        settings,
    )?
    .ok_or_else(|| Error::Solver("level 2 is infeasible although level 1 was solved".into()))?;
    let (unit_of, class_of) = if raw2.values.is_empty() {
        (unit_of, class_of)
    } else {
        extract(inst, &form, &raw2.values)
    };
    let value2 = level2_value(inst, &unit_of, &class_of);
    Ok(Some(Solution {
        level1: LevelResult {
            value: level1_value(inst, &unit_of),
            status: raw1.status,
            build_seconds: build1,
            solve_seconds: raw1.seconds,
        },
        level2: LevelResult {
            value: value2,
            status: raw2.status,
            build_seconds: build2,
            solve_seconds: raw2.seconds,
        },
        unit_of,
        class_of,
    }))
}

/// A plan proven optimal (by the flow solver) as a solution; the time counts
/// as level 1's.
pub fn proven(
    inst: &Instance,
    unit_of: UnitPlan,
    class_of: Vec<Option<usize>>,
    seconds: f64,
) -> Solution {
    let level = |value| LevelResult {
        value,
        status: Status::Optimal,
        build_seconds: 0.0,
        solve_seconds: 0.0,
    };
    Solution {
        level1: LevelResult {
            solve_seconds: seconds,
            ..level(level1_value(inst, &unit_of))
        },
        level2: level(level2_value(inst, &unit_of, &class_of)),
        unit_of,
        class_of,
    }
}

/// The only plan when no one may be housed (HiGHS refuses an empty model).
fn nobody_housed(inst: &Instance, restrictions: &Restrictions) -> Option<Solution> {
    let n = inst.round.people.len();
    let differs_enough = restrictions
        .differ_from
        .iter()
        .all(|(plan, d)| plan.iter().flatten().count() >= *d);
    let targets_met = restrictions.targets.iter().all(|t| match t {
        crate::formulation::Target::Housed { min_housed, .. } => *min_housed == 0,
        crate::formulation::Target::FemaleWorker { .. } => true,
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
        unit_of: vec![None; n],
        class_of: vec![None; n],
        level1: zero,
        level2: zero,
    })
}

/// Reads binaries as `> 0.5`. good_lp numbers HiGHS columns in creation
/// order, and [`formulate`] creates all `x`, then all `y`, then the rest.
fn extract(inst: &Instance, form: &Formulation, values: &[f64]) -> (UnitPlan, Vec<Option<usize>>) {
    let n = inst.round.people.len();
    let mut unit_of = vec![None; n];
    let mut class_of = vec![None; n];
    for (k, q) in inst.unit_pairs.iter().enumerate() {
        if values.get(k).is_some_and(|v| *v > 0.5) {
            unit_of[q.person] = Some(q.target);
        }
    }
    for (k, q) in inst.staff_pairs.iter().enumerate() {
        if values.get(form.x.len() + k).is_some_and(|v| *v > 0.5) {
            class_of[q.person] = Some(q.target);
        }
    }
    (unit_of, class_of)
}

/// Total priority of housed people.
pub fn level1_value(inst: &Instance, unit_of: &UnitPlan) -> i64 {
    unit_of
        .iter()
        .enumerate()
        .filter(|(_, u)| u.is_some())
        .map(|(p, _)| inst.priority[p])
        .sum()
}

/// Total fit of a plan.
pub fn level2_value(inst: &Instance, unit_of: &UnitPlan, class_of: &[Option<usize>]) -> i64 {
    let mut total = 0;
    for (p, u) in unit_of.iter().enumerate() {
        if let Some(u) = u {
            total += inst.unit_pair(p, *u).map_or(0, |k| inst.unit_pairs[k].fit);
        }
        if let Some(c) = class_of[p] {
            total += inst
                .staff_pairs
                .binary_search_by(|q| (q.person, q.target).cmp(&(p, c)))
                .map_or(0, |k| inst.staff_pairs[k].fit);
        }
    }
    total
}

/// Names concrete workers: within each class, people in id order go to the
/// member with the most free slots left (ties: lowest id), spreading caseloads.
pub fn assign_staff(inst: &Instance, class_of: &[Option<usize>]) -> Vec<Option<usize>> {
    let staff = &inst.round.staff;
    let mut left: Vec<u32> = staff.iter().map(|s| s.capacity).collect();
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
