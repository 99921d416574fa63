//! The week-by-week run: one run of one strategy, and every run of every
//! strategy in parallel.

use super::results::Results;
use super::setup::Setup;
use super::state::{check_invariants, decide, values, week_round, State, WeekValues};
use super::strategy::{keep_back, placements, Strategy};
use crate::error::{Error, Result};
use crate::solver::Settings;

/// One finished run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOutput {
    /// Every week's values ([`METRICS`](super::METRICS) order).
    pub weeks: Vec<WeekValues>,
    /// Days from `registered` to the move-in of everyone housed in the run.
    pub waits: Vec<i64>,
}

/// Runs one simulation run with a strategy: every week's values. Stops with
/// `None` when the deadline passes.
pub fn run(
    setup: &Setup,
    strategy: Strategy,
    run: u32,
    settings: &Settings,
) -> Result<Option<RunOutput>> {
    let mut st = State::new(&setup.base);
    let mut out = Vec::new();
    for w in 0..setup.weeks {
        if settings.out_of_time() {
            return Ok(None);
        }
        let day = setup.day(w);
        st.arrivals(setup, run, w);
        let ended_now = st.endings(setup, run, w);
        // Answers due this week (offers of earlier weeks).
        let mut declines = 0;
        decide(&mut st, setup, run, w, &mut declines);
        // The round, and its offers.
        let mut round = week_round(&st, &setup.base, day)?;
        if strategy == Strategy::Lookahead {
            round = keep_back(round, setup, w)?;
        }
        let placements = placements(&round, strategy, settings)?;
        let offers = placements.len();
        st.offer(placements, w + setup.timeline.response_weeks);
        if setup.timeline.response_weeks == 0 {
            decide(&mut st, setup, run, w, &mut declines);
        }
        check_invariants(&st, w, day)?;
        out.push(values(&st, day, offers, declines, ended_now));
    }
    Ok(Some(RunOutput {
        weeks: out,
        waits: st.waits,
    }))
}

/// What a simulation says when every run of a strategy was cut short by the
/// time limit.
pub(super) const NO_RUN_FINISHED: &str =
    "no simulation run finished within the time limit; allow more time or fewer weeks";

/// Runs every strategy `runs` times in parallel (one solver thread each);
/// results are ordered by run, whatever the thread count. Runs cut short
/// by the time limit are left out; none finished is an error
/// ([`Error::OutOfTime`]).
pub fn simulate(
    setup: &Setup,
    strategies: &[Strategy],
    runs: u32,
    settings: &Settings,
) -> Result<Results> {
    finished(setup, strategies, runs, settings)?
        .ok_or_else(|| Error::OutOfTime(NO_RUN_FINISHED.into()))
}

/// [`simulate`], with `None` when no run of some strategy finished within
/// the time limit.
pub(super) fn finished(
    setup: &Setup,
    strategies: &[Strategy],
    runs: u32,
    settings: &Settings,
) -> Result<Option<Results>> {
    use rayon::prelude::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let done = AtomicUsize::new(0);
    let total = strategies.len() * runs as usize;
    let mut all = Vec::new();
    let mut all_waits = Vec::new();
    for &s in strategies {
        let results: Vec<Result<Option<RunOutput>>> = (0..runs)
            .into_par_iter()
            .map(|r| {
                let out = run(setup, s, r, settings);
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                settings
                    .control
                    .stage(&format!("simulate: {n}/{total} runs"));
                out
            })
            .collect();
        let mut done = Vec::new();
        let mut waits = Vec::new();
        for r in results {
            if let Some(out) = r? {
                done.push(out.weeks);
                waits.extend(out.waits);
            }
        }
        if done.is_empty() {
            return Ok(None);
        }
        waits.sort_unstable();
        all.push(done);
        all_waits.push(waits);
    }
    Ok(Some(Results {
        strategies: strategies.to_vec(),
        runs: all,
        waits: all_waits,
        days: (0..setup.weeks).map(|w| setup.day(w)).collect(),
        targets: setup.base.policy().goals,
    }))
}
