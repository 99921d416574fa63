//! `boligmatch offer DIR --from OUT/proposals.csv --respond-by DATE`: the
//! proposals the office sends become pending offers in the record.

use super::InputArgs;
use anyhow::{bail, Result};
use boligmatch::error::Error;
use boligmatch::weekly::offer::{Offer, OfferError};
use boligmatch::weekly::record::{self, RecordError};
use std::path::{Path, PathBuf};

/// Arguments of `offer` (`--people` names the people to offer to, so the
/// round's people.csv is `--people-file`).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder with units.csv, people.csv, staff.csv and optionally policy.toml and offers.csv.
    dir: Option<PathBuf>,
    /// units.csv to use instead of DIR/units.csv.
    #[arg(long)]
    units: Option<PathBuf>,
    /// people.csv to use instead of DIR/people.csv.
    #[arg(long, value_name = "PATH")]
    people_file: Option<PathBuf>,
    /// staff.csv to use instead of DIR/staff.csv.
    #[arg(long)]
    staff: Option<PathBuf>,
    /// policy.toml to use instead of DIR/policy.toml.
    #[arg(long)]
    policy: Option<PathBuf>,
    /// The offers record to add to, instead of DIR/offers.csv (created if missing).
    #[arg(long, value_name = "PATH")]
    offers: Option<PathBuf>,
    /// The proposals.csv of an `allocate --out` run.
    #[arg(long, value_name = "FILE")]
    from: PathBuf,
    /// Which proposal to offer, from 1 to 100.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100))]
    proposal: u32,
    /// Offer only to these people (comma-separated person ids); default: everyone placed.
    #[arg(long, value_delimiter = ',', value_name = "ID,…")]
    people: Vec<String>,
    /// The last day to answer (dd-mm-yyyy or yyyy-mm-dd); after it the offer expires.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    respond_by: chrono::NaiveDate,
    /// The day of the offer; default: the round's round_date (runs are reproducible).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    date: Option<chrono::NaiveDate>,
    /// A new record is written in the Danish Excel dialect (`;`, UTF-8 with BOM).
    #[arg(long)]
    excel: bool,
}

pub(crate) fn parse_date(s: &str) -> std::result::Result<chrono::NaiveDate, String> {
    boligmatch::parse_date(s).map_err(|m| format!("\"{s}\" {m}"))
}

/// The record's path: `--offers`, else DIR/offers.csv.
pub(crate) fn record_path(input: &InputArgs) -> Result<PathBuf> {
    if let Some(p) = &input.offers {
        return Ok(p.clone());
    }
    match &input.dir {
        Some(d) => Ok(d.join("offers.csv")),
        None => bail!(Error::Refused(
            "no offers record: give a round folder DIR or --offers PATH".into()
        )),
    }
}

/// Refuses a record that is a workbook by its name.
pub(crate) fn refuse_workbook(path: &Path) -> Result<()> {
    record::refuse_workbook_name(path).map_err(record_refused)?;
    Ok(())
}

/// Why the record cannot be changed, in the command line's words.
pub(crate) fn record_refused(e: RecordError) -> Error {
    match e {
        RecordError::Workbook { .. } => {
            Error::Refused(format!("{e}, and name that file with --offers"))
        }
        RecordError::Missing { .. } => Error::Refused(format!("{e} with boligmatch offer")),
        e => e.into(),
    }
}

impl Args {
    /// The round's files (`--people-file` is the round's people.csv).
    fn input(&self) -> InputArgs {
        InputArgs {
            dir: self.dir.clone(),
            units: self.units.clone(),
            people: self.people_file.clone(),
            staff: self.staff.clone(),
            policy: self.policy.clone(),
            offers: self.offers.clone(),
        }
    }

    /// The checked offer.
    fn offer(&self) -> Offer {
        Offer {
            from: self.from.clone(),
            proposal: self.proposal,
            people: self.people.clone(),
            date: self.date,
            respond_by: self.respond_by,
            excel: self.excel,
        }
    }
}

/// Why the offers cannot be made, in the command line's words.
fn refused(e: OfferError) -> Error {
    match e {
        OfferError::Record(e) => record_refused(e),
        OfferError::RespondByBeforeOffer {
            respond_by,
            offered_on,
        } => Error::Refused(format!(
            "--respond-by {respond_by} is before the offer's date {offered_on}"
        )),
        e => e.into(),
    }
}

/// Runs `offer`.
pub fn run(args: &Args) -> Result<()> {
    let input = args.input();
    let path = record_path(&input)?;
    refuse_workbook(&path)?;
    record::refuse_workbook_beside(&path).map_err(record_refused)?;
    // A record that does not exist yet is created: read the round without it.
    let mut paths = input.paths()?;
    paths.offers = path.exists().then(|| path.clone());
    let (paths, _) = super::load_paths(paths)?;
    let round = record::RoundOf {
        paths,
        today: chrono::Local::now().date_naive(),
    };
    let pending = boligmatch::weekly::offer(&path, &round, &args.offer()).map_err(refused)?;
    let count = pending.placements.len();
    eprintln!(
        "{count} pending offer{} added to {}",
        if count == 1 { "" } else { "s" },
        path.display()
    );
    Ok(())
}
