//! `boligmatch record DIR --person ID --status S --on DATE`: a decision, a
//! move-in or the end of a tenancy, written on the person's open line of the
//! offers record, so that nobody types dates into cells by hand.

use super::offer::{parse_date, record_path, refuse_workbook};
use super::InputArgs;
use anyhow::{bail, Result};
use boligmatch::error::{printable, Error, Problem, Problems};
use boligmatch::weekly::record::{self, Editable, Reason, Status};

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

/// The longest note.
const MAX_NOTE: usize = 500;

/// Runs `record`.
pub fn run(args: &Args) -> Result<()> {
    let path = record_path(&args.input)?;
    refuse_workbook(&path)?;
    if let Some(n) = &args.note {
        if n.chars().count() > MAX_NOTE || n.chars().any(char::is_control) {
            bail!(Error::Refused(format!(
                "--note must be at most {MAX_NOTE} printable characters"
            )));
        }
    }
    let file = path
        .file_name()
        .map_or_else(|| "offers.csv".into(), |n| n.to_string_lossy().into_owned());
    let on = args.on.to_string();
    boligmatch::output::update_locked(&path, |bytes| {
        let Some(bytes) = bytes else {
            return Err(Error::Refused(format!(
                "{} does not exist; make offers first with boligmatch offer",
                path.display()
            )));
        };
        if record::is_workbook(bytes) {
            return Err(Error::Refused(record::workbook_message(&path)));
        }
        let mut ed = Editable::parse(Some(bytes), false)
            .map_err(|m| Error::Input(Problems(vec![Problem::file(&file, m)])))?;
        let rec =
            record::parse_checked(&file, &ed.to_bytes()).map_err(|p| Error::Input(Problems(p)))?;
        let who = printable(&args.person);
        let Some(line) = rec
            .lines
            .iter()
            .find(|l| l.person_id == args.person && l.is_open())
        else {
            return Err(Error::Refused(format!(
                "{who} has no open line (pending, accepted or moved_in) in {}; make an offer first with boligmatch offer",
                path.display()
            )));
        };
        let from = line.status;
        let allowed = match args.status {
            Status::Accepted => from == Status::Pending,
            Status::Declined | Status::Withdrawn | Status::MovedIn => {
                matches!(from, Status::Pending | Status::Accepted)
            }
            Status::MovedOut => from == Status::MovedIn,
            Status::Pending => false,
        };
        if !allowed {
            return Err(Error::Refused(format!(
                "{file}:{}: {who}'s line is {from}; it cannot become {} (pending → accepted, declined or withdrawn; accepted → moved_in, declined or withdrawn; moved_in → moved_out)",
                line.line, args.status
            )));
        }
        let last = [line.offered_on, line.decided_on, line.moved_in_on]
            .into_iter()
            .flatten()
            .max();
        if let Some(last) = last.filter(|d| *d > args.on) {
            return Err(Error::Refused(format!(
                "{file}:{}: --on {} is before {last}, already on {who}'s line; dates follow the order offered, decided, moved in, ended",
                line.line, args.on
            )));
        }
        if let Some(r) = args.reason {
            let fits = match args.status {
                Status::Declined => Reason::DECLINE.contains(&r),
                Status::MovedOut => Reason::END.contains(&r),
                _ => false,
            };
            if !fits {
                return Err(Error::Refused(format!(
                    "--reason {r} does not go with {}; declines: location, kind, rent, no_contact, other; ends: moved_on, eviction, institution, left, other",
                    args.status
                )));
            }
        }
        let Some(row) = ed.row_of_line(&rec, line.line) else {
            return Err(Error::Refused(format!(
                "{file}:{}: the line cannot be found again; check the file",
                line.line
            )));
        };
        ed.set(row, "status", args.status.as_str());
        match args.status {
            Status::MovedIn => {
                ed.set(row, "moved_in_on", &on);
                if line.decided_on.is_none() {
                    ed.set(row, "decided_on", &on);
                }
            }
            Status::MovedOut => ed.set(row, "ended_on", &on),
            _ => ed.set(row, "decided_on", &on),
        }
        if let Some(r) = args.reason {
            ed.set(row, "reason", r.as_str());
        }
        if let Some(n) = &args.note {
            ed.set(row, "note", n);
        }
        let out = ed.to_bytes();
        record::parse_checked(&file, &out).map_err(|p| Error::Input(Problems(p)))?;
        Ok(out)
    })?;
    eprintln!(
        "{}: {} on {}",
        printable(&args.person),
        args.status,
        args.on
    );
    Ok(())
}
