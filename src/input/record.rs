//! Reads the offers record like every export (any dialect, every problem at
//! once).

use super::table::Reading;
use crate::model::columns::RECORD_COLUMNS;
use crate::model::record::{codes, Line, Reason, Record, Status};

/// Reads the record's bytes: every cell problem goes to `r.problems`.
pub(crate) fn read(file: &str, bytes: &[u8], r: &mut Reading<'_>) -> Record {
    let lines = super::table::rows(file, bytes, RECORD_COLUMNS, r, |c| {
        let person_id = c.text("person_id");
        let unit_id = c.text("unit_id");
        let staff_id = c.get("staff_id").map(str::to_string);
        let status = c.parsed("status", true, |v| {
            Status::parse(v).ok_or_else(|| {
                format!(
                    "is not a status; write one of {} (or afventer, accepteret, afslået, trukket tilbage, indflyttet, fraflyttet)",
                    Status::CANONICAL.join(" | ")
                )
            })
        });
        let reason = c.parsed("reason", false, |v| {
            Reason::parse(v).ok_or_else(|| {
                format!(
                    "is not a reason; write one of {} (declined) or {} (moved_out)",
                    codes(&Reason::DECLINE),
                    codes(&Reason::END)
                )
            })
        });
        let offered_on = c.date("offered_on");
        let respond_by = c.date("respond_by");
        let decided_on = c.date("decided_on");
        let moved_in_on = c.date("moved_in_on");
        let ended_on = c.date("ended_on");
        // A note the record's writer guarded against formulas reads as written.
        let note = crate::output::unguard(c.get("note").unwrap_or("")).to_string();
        let (Some(person_id), Some(unit_id), Some(status)) = (person_id, unit_id, status) else {
            return None;
        };
        Some(Line {
            person_id,
            unit_id,
            staff_id,
            status,
            offered_on,
            respond_by,
            decided_on,
            moved_in_on,
            ended_on,
            reason,
            note,
            line: c.line(),
        })
    });
    Record {
        file: file.to_string(),
        lines,
    }
}
