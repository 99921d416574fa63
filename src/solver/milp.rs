//! The general MILP (good_lp + HiGHS) for what the network flow cannot
//! express: ranked proposals that differ in more than one placement, goals as
//! constraints, capacity planning. Solved lexicographically: level 1
//! (priority) to optimality, then level 2 (fit) with level 1 held at its
//! optimum. Only this module talks to HiGHS.

use super::{LevelResult, Settings, Solution, Status};
use crate::error::{Error, Result};
use crate::solver::formulation::{formulate, Formulation};
use crate::solver::instance::{Instance, Plan, Restrictions};
use ::highs::{HighsModelStatus, HighsSolutionStatus};
use good_lp::solvers::highs::highs as highs_solver;
use good_lp::{Expression, SolverModel};
use std::time::{Duration, Instant};

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

/// Time HiGHS may run past the deadline before the watchdog stops waiting.
const WATCHDOG_GRACE: Duration = Duration::from_millis(250);

/// Models with at least this many columns run without HiGHS's feasibility
/// jump heuristic: on a country-size round (a million columns) it ran 13 s
/// past HiGHS's own time limit without looking at the clock, and every such
/// model here gets a feasible start anyway.
const LARGE_MODEL_COLUMNS: usize = 100_000;

/// Solves any good_lp model with boligmatch's HiGHS settings (one thread, fixed
/// seed, MIP gap 0, optional time limit and start). `None` if infeasible.
///
/// With a deadline ([`Settings::remaining`]) HiGHS gets what is left as its own
/// `time_limit`, and a watchdog does not trust it to keep it: the model is built
/// and solved on a thread of its own, and if it has not returned by the
/// deadline (plus a quarter of a second) the answer is the start (labelled
/// best found, gap unknown → 100 %), or [`Error::OutOfTime`] without one. The
/// abandoned solve runs on in the background until HiGHS returns or the
/// process ends (the command-line tool ends right after writing its outputs).
pub fn run_model(
    vars: good_lp::ProblemVariables,
    sense: Sense,
    objective: Expression,
    constraints: impl IntoIterator<Item = good_lp::Constraint>,
    start: Option<&[f64]>,
    settings: &Settings,
) -> Result<Option<Raw>> {
    let left = settings.remaining();
    let constraints: Vec<good_lp::Constraint> = constraints.into_iter().collect();
    let owned_start = start.map(<[f64]>::to_vec);
    let (tx, rx) = std::sync::mpsc::channel();
    // On a long-lived solver thread (see `solver::threads`: a thread that
    // ran HiGHS must never exit).
    let spawned = super::threads::spawn(Box::new(move || {
            // Test hook: a solver that overruns its limit, to test the watchdog.
            if let Some(ms) = std::env::var("BOLIGMATCH_TEST_SOLVER_DELAY_MS")
                .ok()
                .and_then(|v| v.parse::<u64>().ok())
            {
                std::thread::sleep(Duration::from_millis(ms.min(60_000)));
            }
            let raw = solve_model(
                vars,
                sense,
                objective,
                constraints,
                owned_start.as_deref(),
                left,
            );
            // The receiver is gone when the watchdog gave up: nothing to do.
            let _ = tx.send(raw);
        }));
    if let Err(e) = spawned {
        return Err(Error::Solver(format!(
            "cannot start the solver thread: {e}"
        )));
    }
    // Wait for HiGHS, looking at the clock and for an interrupt (Ctrl-C) ten
    // times a second.
    let give_up = left.and_then(|l| Instant::now().checked_add(l + WATCHDOG_GRACE));
    let t0 = Instant::now();
    loop {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(raw) => return raw,
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                return Err(Error::Solver(
                    "the solver thread ended without an answer".into(),
                ))
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
        }
        let late = give_up.is_some_and(|g| Instant::now() >= g);
        if late || settings.control.is_cancelled() {
            return match start {
                Some(s) => Ok(Some(Raw {
                    values: s.to_vec(),
                    status: Status::BestFound { gap: 1.0 },
                    seconds: t0.elapsed().as_secs_f64(),
                })),
                None => Err(out_of_time()),
            };
        }
    }
}

pub(crate) fn out_of_time() -> Error {
    Error::OutOfTime(
        "no plan that keeps every rule was found within the time given; allow more time".into(),
    )
}

/// Builds the HiGHS model and solves it on this thread; `limit` is HiGHS's
/// own time limit.
fn solve_model(
    vars: good_lp::ProblemVariables,
    sense: Sense,
    objective: Expression,
    constraints: impl IntoIterator<Item = good_lp::Constraint>,
    start: Option<&[f64]>,
    limit: Option<Duration>,
) -> Result<Option<Raw>> {
    let columns = vars.len();
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
    // BOLIGMATCH_HIGHS_LOG=1 shows HiGHS's own log on stdout (diagnosis).
    let log = std::env::var_os("BOLIGMATCH_HIGHS_LOG").is_some_and(|v| v == "1");
    for (key, on) in [("output_flag", log), ("log_to_console", log)] {
        model.try_set_option(key, on).map_err(|e| option(key, e))?;
    }
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
    if columns >= LARGE_MODEL_COLUMNS {
        let key = "mip_heuristic_run_feasibility_jump";
        model
            .try_set_option(key, false)
            .map_err(|e| option(key, e))?;
    }
    if let Some(t) = limit {
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
        return Err(out_of_time());
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
    let first = start.unwrap_or_else(|| crate::solver::baseline::priority_list(inst));
    let start = restrictions
        .is_empty()
        .then(|| form.start_values(inst, &first));
    let build1 = t0.elapsed().as_secs_f64();
    let Some(raw1) = run(&form, form.level1.clone(), None, start.as_deref(), settings)? else {
        return Ok(None);
    };
    let plan1 = extract(inst, &form, &raw1.values);
    let level1 = LevelResult {
        value: plan1.priority(inst),
        status: raw1.status,
        build_seconds: build1,
        solve_seconds: raw1.seconds,
    };
    if settings.out_of_time() {
        return Ok(Some(level1_only(inst, plan1, level1)));
    }
    let t1 = Instant::now();
    let floor = form.level1.clone().geq(level1.value as f64 - 0.5);
    let build2 = t1.elapsed().as_secs_f64();
    let raw2 = run(
        &form,
        form.level2.clone(),
        Some(floor),
        Some(&raw1.values),
        settings,
    )?
    .ok_or_else(|| Error::Solver("level 2 is infeasible although level 1 was solved".into()))?;
    let mut plan = if raw2.values.is_empty() {
        plan1
    } else {
        extract(inst, &form, &raw2.values)
    };
    let mut status2 = raw2.status;
    if !restrictions.closest_to.is_empty() && !settings.out_of_time() && !raw2.values.is_empty() {
        (plan, status2) = closest_of_value(inst, &form, (plan, status2), &raw2.values, settings)?;
    }
    Ok(Some(Solution {
        level1: LevelResult {
            value: plan.priority(inst),
            ..level1
        },
        level2: LevelResult {
            value: plan.fit(inst),
            status: status2,
            build_seconds: build2,
            solve_seconds: raw2.seconds,
        },
        plan,
    }))
}

/// Level 1's plan when no time is left for level 2: its fit measured against
/// the most every person could score.
fn level1_only(inst: &Instance, plan: Plan, level1: LevelResult) -> Solution {
    let fit = plan.fit(inst);
    Solution {
        level1,
        level2: LevelResult {
            value: fit,
            status: Status::BestFound {
                gap: relative_gap(fit, inst.fit_bound()),
            },
            build_seconds: 0.0,
            solve_seconds: 0.0,
        },
        plan,
    }
}

/// Level 3 of ranked proposals: among the plans of `plan`'s value (`values`
/// its columns, the start), the closest to [`Restrictions::closest_to`].
/// Returns the plan and level 2's status, best found (gap unknown) when the
/// search could not finish.
fn closest_of_value(
    inst: &Instance,
    form: &Formulation,
    (plan, status): (Plan, Status),
    values: &[f64],
    settings: &Settings,
) -> Result<(Plan, Status)> {
    let floors = [
        form.level1.clone().geq(plan.priority(inst) as f64 - 0.5),
        form.level2.clone().geq(plan.score(inst) as f64 - 0.5),
    ];
    let constraints = form.constraints.iter().cloned().chain(floors);
    match run_model(
        form.vars.clone(),
        Sense::Minimise,
        form.distance.clone(),
        constraints,
        Some(values),
        settings,
    ) {
        Ok(Some(raw3)) if !raw3.values.is_empty() => {
            let status = if raw3.status.is_optimal() {
                status
            } else {
                raw3.status
            };
            Ok((extract(inst, form, &raw3.values), status))
        }
        Ok(_) | Err(Error::OutOfTime(_)) => Ok((plan, Status::BestFound { gap: 1.0 })),
        Err(e) => Err(e),
    }
}

/// The closest plan (least summed distance to `restrictions.closest_to`)
/// among the plans keeping `restrictions` whose value is `start`'s, when
/// `start` (which keeps them) has the best value any such plan can have:
/// one HiGHS solve instead of three. `Ok(None)` when the rules cannot hold.
pub(crate) fn closest(
    inst: &Instance,
    restrictions: &Restrictions,
    settings: &Settings,
    start: &Plan,
) -> Result<Option<Solution>> {
    let t0 = Instant::now();
    let Some(form) = formulate(inst, restrictions) else {
        return Ok(None);
    };
    let values = form.start_values(inst, start);
    let floors = [
        form.level1.clone().geq(start.priority(inst) as f64 - 0.5),
        form.level2.clone().geq(start.score(inst) as f64 - 0.5),
    ];
    let build = t0.elapsed().as_secs_f64();
    let constraints = form.constraints.iter().cloned().chain(floors);
    let Some(raw) = run_model(
        form.vars.clone(),
        Sense::Minimise,
        form.distance.clone(),
        constraints,
        Some(&values),
        settings,
    )?
    else {
        return Ok(None);
    };
    let plan = if raw.values.is_empty() {
        start.clone()
    } else {
        extract(inst, &form, &raw.values)
    };
    Ok(Some(Solution {
        level1: LevelResult {
            value: plan.priority(inst),
            status: Status::Optimal,
            build_seconds: build,
            solve_seconds: 0.0,
        },
        level2: LevelResult {
            value: plan.fit(inst),
            status: raw.status,
            build_seconds: 0.0,
            solve_seconds: raw.seconds,
        },
        plan,
    }))
}

/// The relative gap between a value and a bound on it (0 when equal).
fn relative_gap(value: i64, bound: i64) -> f64 {
    if bound <= value {
        0.0
    } else {
        (bound - value) as f64 / bound.abs().max(1) as f64
    }
}

/// Reads binaries as `> 0.5`. good_lp numbers HiGHS columns in creation
/// order, and [`formulate`] creates all `x`, then all `y`, then the rest.
fn extract(inst: &Instance, form: &Formulation, values: &[f64]) -> Plan {
    let mut plan = Plan::empty(inst.person_count());
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
