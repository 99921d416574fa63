//! The tables of `simulate`: the weeks, the goals' chances and the sweep.

use super::Table;
use crate::round::Source;
use crate::simulate::{Outcome, Study, GOAL_COLUMNS, SWEEP_COLUMNS, WEEKLY_COLUMNS};

/// `weekly.csv` as a table (the sheet `weekly`): per scenario, strategy,
/// week and metric, the runs' 10th percentile, median and 90th percentile.
pub fn weekly(outcome: &Outcome) -> Table {
    let rows = outcome
        .scenarios
        .iter()
        .flat_map(|(name, results)| results.weekly_rows(name))
        .collect();
    Table::of_text("weekly", &WEEKLY_COLUMNS, rows)
}

/// `goals.csv` as a table (the sheet `goals`): per scenario, strategy and
/// goal, the chance of meeting it and the shares reached.
pub fn goals(outcome: &Outcome) -> Table {
    let rows = outcome.goals.iter().map(|g| g.row()).collect();
    Table::of_text("goals", &GOAL_COLUMNS, rows)
}

/// `sweep.csv` as a table (the sheet `sweep`), with a sweep: per step,
/// strategy and goal, the chance, the cost and whether it reaches the
/// confidence.
pub fn sweep(outcome: &Outcome) -> Option<Table> {
    let steps = outcome.sweep.as_ref()?;
    let rows = steps.iter().map(|s| s.row()).collect();
    Some(Table::of_text("sweep", &SWEEP_COLUMNS, rows))
}

/// `simulation.json`: the inputs, the study's values, per scenario the runs
/// finished and each strategy against `optimal`, and the sweep's verdicts.
pub fn json(study: &Study, outcome: &Outcome, sources: &[Source]) -> Vec<u8> {
    let scenarios: Vec<serde_json::Value> = outcome
        .scenarios
        .iter()
        .map(|(name, results)| {
            serde_json::json!({
                "scenario": name,
                "runs_finished": results.runs_finished(),
                "against_optimal": results
                    .against_optimal()
                    .into_iter()
                    .map(|d| serde_json::json!({
                        "strategy": d.strategy,
                        "goal": d.goal,
                        "mean_share_difference": d.mean_share_difference,
                        "ci95": d.ci95,
                    }))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    let v = serde_json::json!({
        "boligmatch_version": env!("CARGO_PKG_VERSION"),
        "inputs": sources,
        "timeline": study.timeline,
        "seed": study.seed,
        "weeks": outcome.weeks,
        "from": outcome.from.to_string(),
        "runs": study.runs,
        "strategies": study.strategies,
        "confidence": study.confidence,
        "scenarios": scenarios,
        "sweep_first_step_reaching_confidence": outcome
            .verdicts
            .iter()
            .map(|v| serde_json::json!({"strategy": v.strategy, "goal": v.goal, "step": v.label()}))
            .collect::<Vec<_>>(),
    });
    let mut b = serde_json::to_vec_pretty(&v).unwrap_or_default();
    b.push(b'\n');
    b
}
