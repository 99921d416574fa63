//! Answers: a decision, a move-in or the end of a tenancy, written on the
//! person's open line of the offers record, so that nobody types dates into
//! cells by hand. A line moves only forward (pending → accepted, declined
//! or withdrawn; accepted → moved in, declined or withdrawn; moved in →
//! moved out), and its dates follow the order things happen.

use super::record::{
    file_name, refuse_workbook_beside, refuse_workbook_name, update, Editable, RecordError, RoundOf,
};
use crate::error::printable;
use crate::model::record::{Line, Reason, Record, Status};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// The longest note, in characters.
pub const MAX_NOTE: usize = 500;

/// What happened: one answer, checked (the command line's flags, a web
/// page's form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The young person whose open line changes.
    pub person: String,
    /// What the line becomes.
    pub status: Status,
    /// The day it happened.
    pub on: NaiveDate,
    /// Why declined or why the tenancy ended.
    pub reason: Option<Reason>,
    /// Free text kept on the line (at most [`MAX_NOTE`] printable
    /// characters).
    pub note: Option<String>,
}

/// The line an answer changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered {
    /// The record's file name.
    pub file: String,
    /// The line in it (header = 1).
    pub line: u64,
}

/// Why an answer cannot be recorded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AnswerError {
    /// The record cannot be changed, or the answer would break its rules.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// The note is too long or holds control characters.
    #[error("a note must be at most {MAX_NOTE} printable characters")]
    Note,
    /// The person has no open line to answer on.
    #[error("{} has no open line (pending, accepted or moved_in) in {}; make an offer first", printable(person), path.display())]
    NoOpenLine {
        /// The person.
        person: String,
        /// The record.
        path: PathBuf,
    },
    /// The line cannot move to that status.
    #[error("{file}:{line}: {}'s line is {from}; it cannot become {to} (pending → accepted, declined or withdrawn; accepted → moved_in, declined or withdrawn; moved_in → moved_out)", printable(person))]
    Transition {
        /// The record's file name.
        file: String,
        /// The open line.
        line: u64,
        /// The person.
        person: String,
        /// Where the line stands.
        from: Status,
        /// What the answer would make it.
        to: Status,
    },
    /// The day is before a date already on the line.
    #[error("{file}:{line}: {on} is before {last}, already on {}'s line; dates follow the order offered, decided, moved in, ended", printable(person))]
    OutOfOrder {
        /// The record's file name.
        file: String,
        /// The open line.
        line: u64,
        /// The person.
        person: String,
        /// The day of the answer.
        on: NaiveDate,
        /// The latest date on the line.
        last: NaiveDate,
    },
    /// The offer expired (its last day to answer passed) before the day it
    /// would be accepted or moved into.
    #[error("{file}:{line}: the offer to {} expired after {respond_by} (its last day to answer) and is no longer kept — the home may have been offered again; record it as withdrawn and make a new offer if the home is still free", printable(person))]
    Expired {
        /// The record's file name.
        file: String,
        /// The open line.
        line: u64,
        /// The person.
        person: String,
        /// The last day to answer.
        respond_by: NaiveDate,
    },
    /// The reason does not go with the status.
    #[error("reason {reason} does not go with {status}; declines: location, kind, rent, no_contact, other; ends: moved_on, eviction, institution, left, other")]
    Reason {
        /// The reason given.
        reason: Reason,
        /// The status answered.
        status: Status,
    },
    /// The open line is not among the file's rows (a defect, or an edit
    /// made meanwhile).
    #[error("{file}:{line}: the line cannot be found again; check the file")]
    LineLost {
        /// The record's file name.
        file: String,
        /// The line.
        line: u64,
    },
}

impl From<AnswerError> for crate::error::Error {
    fn from(e: AnswerError) -> Self {
        match e {
            AnswerError::Record(e) => e.into(),
            e => crate::error::Error::Refused(e.to_string()),
        }
    }
}

/// Records `answer` on the person's open line of the record at `record`,
/// under the record's lock and atomically; the record as the answer would
/// leave it is checked against `round`, the round it belongs to, exactly as
/// `check` checks it, and refused with the same problems. Returns the line
/// changed.
pub fn answer(record: &Path, round: &RoundOf, answer: &Answer) -> Result<Answered, AnswerError> {
    refuse_workbook_name(record)?;
    refuse_workbook_beside(record)?;
    check_note(answer)?;
    let mut line = 0;
    update(record, |bytes| {
        let Some(bytes) = bytes else {
            return Err(AnswerError::Record(RecordError::Missing {
                path: record.to_path_buf(),
            }));
        };
        let (bytes, at) = answered(record, bytes, answer)?;
        round.check(record, &bytes)?;
        line = at;
        Ok(bytes)
    })?;
    Ok(Answered {
        file: file_name(record),
        line,
    })
}

/// The record's new bytes with `answer` on the person's open line, and that
/// line, from its bytes now; `record` names it in messages.
///
/// ```
/// use boligmatch::weekly::answer::{answered, Answer};
/// use boligmatch::weekly::record::Status;
/// let record = "person_id,unit_id,staff_id,status,offered_on\nP1,U1,S1,pending,2014-11-03\n";
/// let accepted = Answer {
///     person: "P1".into(),
///     status: Status::Accepted,
///     on: chrono::NaiveDate::from_ymd_opt(2014, 11, 5).unwrap(),
///     reason: None,
///     note: None,
/// };
/// let (bytes, line) = answered("offers.csv".as_ref(), record.as_bytes(), &accepted)?;
/// assert_eq!(line, 2);
/// assert!(String::from_utf8_lossy(&bytes).ends_with("P1,U1,S1,accepted,2014-11-03,,2014-11-05,,,,\r\n"));
/// # Ok::<(), boligmatch::weekly::AnswerError>(())
/// ```
pub fn answered(
    record: &Path,
    bytes: &[u8],
    answer: &Answer,
) -> Result<(Vec<u8>, u64), AnswerError> {
    check_note(answer)?;
    let (mut ed, rec) = Editable::open(record, Some(bytes), false)?;
    let file = file_name(record);
    let line = open_line(record, &rec, &answer.person)?;
    check_transition(&file, line, answer.status)?;
    check_not_expired(&file, line, answer)?;
    check_order(&file, line, answer.on)?;
    check_reason(answer)?;
    let Some(row) = ed.row_of_line(&rec, line.line) else {
        return Err(AnswerError::LineLost {
            file,
            line: line.line,
        });
    };
    write(&mut ed, row, line, answer);
    Ok((ed.checked(&file)?.0, line.line))
}

/// A note fits a cell a person reads: short, no control characters.
fn check_note(answer: &Answer) -> Result<(), AnswerError> {
    match &answer.note {
        Some(n) if n.chars().count() > MAX_NOTE || n.chars().any(char::is_control) => {
            Err(AnswerError::Note)
        }
        _ => Ok(()),
    }
}

/// The person's one open line (the record's check keeps it one).
fn open_line<'r>(record: &Path, rec: &'r Record, person: &str) -> Result<&'r Line, AnswerError> {
    rec.lines
        .iter()
        .find(|l| l.person_id == person && l.is_open())
        .ok_or_else(|| AnswerError::NoOpenLine {
            person: person.to_string(),
            path: record.to_path_buf(),
        })
}

/// Transitions in order: a line moves only forward.
fn check_transition(file: &str, line: &Line, to: Status) -> Result<(), AnswerError> {
    let from = line.status;
    let allowed = match to {
        Status::Accepted => from == Status::Pending,
        Status::Declined | Status::Withdrawn | Status::MovedIn => {
            matches!(from, Status::Pending | Status::Accepted)
        }
        Status::MovedOut => from == Status::MovedIn,
        Status::Pending => false,
    };
    if allowed {
        return Ok(());
    }
    Err(AnswerError::Transition {
        file: file.to_string(),
        line: line.line,
        person: line.person_id.clone(),
        from,
        to,
    })
}

/// An offer is taken up only while it stands: a pending offer whose last
/// day to answer passed before the answer's day is no longer kept (the home
/// may have been offered again), so it cannot be accepted or moved into.
fn check_not_expired(file: &str, line: &Line, answer: &Answer) -> Result<(), AnswerError> {
    let takes_up = matches!(answer.status, Status::Accepted | Status::MovedIn);
    match line.respond_by {
        Some(respond_by)
            if takes_up && line.status == Status::Pending && respond_by < answer.on =>
        {
            Err(AnswerError::Expired {
                file: file.to_string(),
                line: line.line,
                person: line.person_id.clone(),
                respond_by,
            })
        }
        _ => Ok(()),
    }
}

/// Dates in order: the answer's day is not before any date on the line.
fn check_order(file: &str, line: &Line, on: NaiveDate) -> Result<(), AnswerError> {
    let last = [line.offered_on, line.decided_on, line.moved_in_on]
        .into_iter()
        .flatten()
        .max();
    match last.filter(|d| *d > on) {
        Some(last) => Err(AnswerError::OutOfOrder {
            file: file.to_string(),
            line: line.line,
            person: line.person_id.clone(),
            on,
            last,
        }),
        None => Ok(()),
    }
}

/// A reason goes with a decline (why) or an end (why it ended) only.
fn check_reason(answer: &Answer) -> Result<(), AnswerError> {
    let Some(reason) = answer.reason else {
        return Ok(());
    };
    let fits = match answer.status {
        Status::Declined => Reason::DECLINE.contains(&reason),
        Status::MovedOut => Reason::END.contains(&reason),
        _ => false,
    };
    if fits {
        return Ok(());
    }
    Err(AnswerError::Reason {
        reason,
        status: answer.status,
    })
}

/// The answer on row `row` (the open line `line`): its status, the day in
/// the column the status dates (a move-in without a decision dates both),
/// the reason and the note when given; every other cell as written.
fn write(ed: &mut Editable, row: usize, line: &Line, answer: &Answer) {
    let on = answer.on.to_string();
    ed.set(row, "status", answer.status.as_str());
    match answer.status {
        Status::MovedIn => {
            ed.set(row, "moved_in_on", &on);
            if line.decided_on.is_none() {
                ed.set(row, "decided_on", &on);
            }
        }
        Status::MovedOut => ed.set(row, "ended_on", &on),
        _ => ed.set(row, "decided_on", &on),
    }
    if let Some(r) = answer.reason {
        ed.set(row, "reason", r.as_str());
    }
    if let Some(n) = &answer.note {
        ed.set(row, "note", n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: &str = "person_id,unit_id,staff_id,status,offered_on,respond_by,decided_on,moved_in_on,ended_on,reason,note\r\nP1,U1,S1,pending,2014-11-03,2014-11-10,,,,,\r\n";

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2014, 11, d).unwrap()
    }

    fn on(status: Status, d: u32) -> Answer {
        Answer {
            person: "P1".into(),
            status,
            on: day(d),
            reason: None,
            note: None,
        }
    }

    fn answer_bytes(a: &Answer) -> Result<(Vec<u8>, u64), AnswerError> {
        answered(Path::new("offers.csv"), RECORD.as_bytes(), a)
    }

    #[test]
    fn an_answer_goes_on_the_open_line_and_keeps_the_rest() {
        let (bytes, line) = answer_bytes(&on(Status::Accepted, 5)).unwrap();
        assert_eq!(line, 2);
        assert!(String::from_utf8(bytes)
            .unwrap()
            .ends_with("P1,U1,S1,accepted,2014-11-03,2014-11-10,2014-11-05,,,,\r\n"));
        let (bytes, _) = answer_bytes(&on(Status::MovedIn, 8)).unwrap();
        assert!(String::from_utf8(bytes)
            .unwrap()
            .ends_with("moved_in,2014-11-03,2014-11-10,2014-11-08,2014-11-08,,,\r\n"));
    }

    /// The invariants as named refusals, in words that name no flag of any
    /// front end.
    #[test]
    fn what_would_break_the_record_is_refused_by_name() {
        let refused = |a: Answer| {
            let e = answer_bytes(&a).unwrap_err();
            assert!(!e.to_string().contains("--"), "{e}");
            e
        };
        assert!(matches!(
            refused(on(Status::MovedOut, 5)),
            AnswerError::Transition {
                from: Status::Pending,
                to: Status::MovedOut,
                ..
            }
        ));
        assert!(matches!(
            refused(on(Status::Accepted, 1)),
            AnswerError::OutOfOrder { line: 2, .. }
        ));
        let reason = Answer {
            reason: Some(Reason::Location),
            ..on(Status::Accepted, 5)
        };
        assert!(matches!(refused(reason), AnswerError::Reason { .. }));
        let nobody = Answer {
            person: "P9".into(),
            ..on(Status::Accepted, 5)
        };
        assert!(matches!(refused(nobody), AnswerError::NoOpenLine { .. }));
        let note = Answer {
            note: Some("x".repeat(MAX_NOTE + 1)),
            ..on(Status::Accepted, 5)
        };
        assert!(matches!(refused(note), AnswerError::Note));
    }
}
