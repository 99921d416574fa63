//! `boligmatch record DIR --person ID --status S --on DATE`: a decision, a
//! move-in or the end of a tenancy, written on the person's open line of the
//! offers record, so that nobody types dates into cells by hand.

use super::offer::{parse_date, record_path, record_refused};
use super::InputArgs;
use anyhow::Result;
use boligmatch::error::{printable, Error};
use boligmatch::weekly::answer::{Answer, AnswerError, MAX_NOTE};
use boligmatch::weekly::record::{Reason, Status};

/// Arguments of `record`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
    /// The young person (their open line is changed).
    #[arg(long, value_name = "ID")]
    person: String,
    /// What happened: accepted, declined, withdrawn, moved_in or moved_out
    /// (or accepteret, afslået, trukket tilbage, indflyttet, fraflyttet).
    #[arg(long, value_name = "STATUS", value_parser = parse_status)]
    status: Status,
    /// The day it happened (dd-mm-yyyy or yyyy-mm-dd).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    on: chrono::NaiveDate,
    /// Why declined (location, kind, rent, no_contact, other) or why the
    /// tenancy ended (moved_on, eviction, institution, left, other).
    #[arg(long, value_name = "CODE", value_parser = parse_reason)]
    reason: Option<Reason>,
    /// Free text kept on the line (never shown in a report made with --redact), at most 500 characters.
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
}

fn parse_status(s: &str) -> std::result::Result<Status, String> {
    Status::parse(s).ok_or_else(|| {
        format!(
            "\"{s}\" is not a status; use one of {}",
            Status::CANONICAL.join(", ")
        )
    })
}

fn parse_reason(s: &str) -> std::result::Result<Reason, String> {
    Reason::parse(s).ok_or_else(|| {
        format!(
            "\"{s}\" is not a reason; use one of {}",
            Reason::CANONICAL.join(", ")
        )
    })
}

impl Args {
    /// The checked answer.
    fn answer(&self) -> Answer {
        Answer {
            person: self.person.clone(),
            status: self.status,
            on: self.on,
            reason: self.reason,
            note: self.note.clone(),
        }
    }
}

/// Why the answer cannot be recorded, in the command line's words.
fn refused(e: AnswerError) -> Error {
    match e {
        AnswerError::Record(e) => record_refused(e),
        AnswerError::Note => Error::Refused(format!(
            "--note must be at most {MAX_NOTE} printable characters"
        )),
        AnswerError::NoOpenLine { .. } => Error::Refused(format!("{e} with boligmatch offer")),
        AnswerError::OutOfOrder {
            file,
            line,
            person,
            on,
            last,
        } => Error::Refused(format!(
            "{file}:{line}: --on {on} is before {last}, already on {}'s line; dates follow the order offered, decided, moved in, ended",
            printable(&person)
        )),
        // The library's message starts with the flag's name: "reason …".
        AnswerError::Reason { .. } => Error::Refused(format!("--{e}")),
        AnswerError::Expired { .. } => Error::Refused(format!("{e} (boligmatch offer)")),
        e => e.into(),
    }
}

/// Runs `record`.
pub fn run(args: &Args) -> Result<()> {
    let path = record_path(&args.input)?;
    super::offer::refuse_workbook(&path)?;
    boligmatch::weekly::record::refuse_workbook_beside(&path).map_err(record_refused)?;
    // The round the record belongs to: the answer is checked against it.
    let paths = boligmatch::RoundPaths {
        offers: path.exists().then(|| path.clone()),
        ..args.input.paths()?
    };
    let round = boligmatch::weekly::record::RoundOf {
        paths,
        today: chrono::Local::now().date_naive(),
    };
    boligmatch::weekly::answer(&path, &round, &args.answer()).map_err(refused)?;
    eprintln!(
        "{}: {} on {}",
        printable(&args.person),
        args.status,
        args.on
    );
    Ok(())
}
