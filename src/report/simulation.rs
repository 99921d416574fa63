//! The tables of `simulate`: the weeks, the goals' chances and the sweep.

use super::Table;
use crate::simulate::{Outcome, GOAL_COLUMNS, SWEEP_COLUMNS, WEEKLY_COLUMNS};

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
