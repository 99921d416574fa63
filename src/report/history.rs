//! The table of `history`: the programme week by week.

use super::Table;
use crate::weekly::history::{WeekRow, COLUMNS};

/// `history.csv` as a table (the sheet `history`): one row per week, the
/// cells as [`WeekRow::cells`] writes them.
pub fn table(rows: &[WeekRow]) -> Table {
    Table::of_text(
        "history",
        &COLUMNS,
        rows.iter().map(WeekRow::cells).collect(),
    )
}
