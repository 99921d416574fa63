//! The general MILP (good_lp + HiGHS) for what the network flow cannot
//! express: ranked proposals that differ in more than one placement, goals as
//! constraints, capacity planning. Solved lexicographically: level 1
//! (priority) to optimality, then level 2 (fit) with level 1 held at its
//! optimum. Only this module talks to HiGHS.

use super::{LevelResult, Settings, Solution, Status};
use crate::error::{Error, Result};
use crate::formulation::{formulate, Formulation};
use crate::instance::{Instance, Plan, Restrictions};
use ::highs::{HighsModelStatus, HighsSolutionStatus};
use good_lp::solvers::highs::highs as highs_solver;
use good_lp::{Expression, SolverModel};
use std::time::Instant;

/// A solved model: column values in variable creation order.
#[derive(Debug, Clone, PartialEq)]
pub struct Raw {
    /// Column values, in variable creation order.
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
    if let Some(t) = settings.remaining() {
        // What is left of the limit; HiGHS needs a positive time.
        model
            .try_set_option("time_limit", t.as_secs_f64().max(1e-3))
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
        return Err(Error::OutOfTime(
            "no plan that keeps every rule was found within --time-limit; allow more time".into(),
        ));
    }
    Ok(Some(Raw {
        values: solved.get_solution().columns().to_vec(),
        status,
        seconds,
    }))
}

/// Solves lexicographically with HiGHS, starting from `start` (a plan that
/// keeps every rule) or else the priority list. `Ok(None)` when the rules
/// cannot all hold.
pub(crate) fn solve(
    inst: &Instance,
    restrictions: &Restrictions,
    settings: &Settings,
    start: Option<Plan>,
) -> Result<Option<Solution>> {
    let t0 = Instant::now();
    let Some(form) = formulate(inst, restrictions) else {
        return Ok(None);
    };
    // Start from the priority list: HiGHS then always has a valid plan, even
    // when a time limit stops it early.
    let first = start.unwrap_or_else(|| crate::baseline::priority_list(inst));
    let start = restrictions
        .is_empty()
        .then(|| form.start_values(inst, &first));
    let build1 = t0.elapsed().as_secs_f64();
    let Some(raw1) = run(&form, form.level1.clone(), None, start.as_deref(), settings)? else {
        return Ok(None);
    };
    let plan1 = extract(inst, &form, &raw1.values);
    let value1 = plan1.priority(inst);
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
    let plan = if raw2.values.is_empty() {
        plan1
    } else {
        extract(inst, &form, &raw2.values)
    };
    Ok(Some(Solution {
        level1: LevelResult {
            value: plan.priority(inst),
            status: raw1.status,
            build_seconds: build1,
            solve_seconds: raw1.seconds,
        },
        level2: LevelResult {
            value: plan.fit(inst),
            status: raw2.status,
            build_seconds: build2,
            solve_seconds: raw2.seconds,
        },
        plan,
    }))
}

/// Reads binaries as `> 0.5`. good_lp numbers HiGHS columns in creation
/// order, and [`formulate`] creates all `x`, then all `y`, then the rest.
fn extract(inst: &Instance, form: &Formulation, values: &[f64]) -> Plan {
    let mut plan = Plan::empty(inst.round.people.len());
    for (k, q) in inst.unit_pairs.iter().enumerate() {
        if values.get(k).is_some_and(|v| *v > 0.5) {
            plan.unit_of[q.person] = Some(q.target);
        }
    }
    for (k, q) in inst.staff_pairs.iter().enumerate() {
        if values.get(form.x.len() + k).is_some_and(|v| *v > 0.5) {
            plan.class_of[q.person] = Some(q.target);
        }
    }
    plan
}
