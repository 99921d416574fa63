//! `boligmatch offer DIR --from OUT/proposals.csv --respond-by DATE`: the
//! proposals the office sends become pending offers in the record.

use super::InputArgs;
use anyhow::{bail, Result};
use boligmatch::error::{printable, Error, Problem, Problems};
use boligmatch::weekly::record::{self, Editable, Status};
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
    boligmatch::input::parse_date(s).map_err(|m| format!("\"{s}\" {m}"))
}

/// One offer to write.
struct New {
    person: String,
    unit: String,
    staff: String,
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
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if matches!(ext.as_deref(), Some("xlsx" | "xlsm" | "xls")) {
        bail!(Error::Refused(record::workbook_message(path)));
    }
    Ok(())
}

/// Runs `offer`.
pub fn run(args: &Args) -> Result<()> {
    let input = InputArgs {
        dir: args.dir.clone(),
        units: args.units.clone(),
        people: args.people_file.clone(),
        staff: args.staff.clone(),
        policy: args.policy.clone(),
        offers: args.offers.clone(),
    };
    let path = record_path(&input)?;
    refuse_workbook(&path)?;
    // A record that does not exist yet is created: read the round without it.
    let mut paths = input.paths()?;
    paths.offers = path.exists().then(|| path.clone());
    let (_, loaded) = super::load_paths(paths)?;
    let round = &loaded.round;
    let day = args.date.unwrap_or(round.policy().round_date);
    if args.respond_by < day {
        bail!(Error::Refused(format!(
            "--respond-by {} is before the offer's date {day}",
            args.respond_by
        )));
    }
    let offers: Vec<New> = boligmatch::input::proposals::read(&args.from, args.proposal)
        .map_err(Error::from)?
        .into_iter()
        .filter(|p| args.people.is_empty() || args.people.contains(&p.person_id))
        .map(|p| New {
            person: p.person_id,
            unit: p.unit_id,
            staff: p.staff_id,
        })
        .collect();
    for p in &args.people {
        if !offers.iter().any(|o| o.person == *p) {
            bail!(Error::Refused(format!(
                "{} is not placed in proposal {} of {}",
                printable(p),
                args.proposal,
                args.from.display()
            )));
        }
    }
    if offers.is_empty() {
        bail!(Error::Refused(format!(
            "{} has no placements in proposal {}{}; nothing to offer",
            args.from.display(),
            args.proposal,
            if args.people.is_empty() {
                ""
            } else {
                " for those people"
            }
        )));
    }
    let file = path
        .file_name()
        .map_or_else(|| "offers.csv".into(), |n| n.to_string_lossy().into_owned());
    let count = offers.len();
    boligmatch::output::update_locked(&path, |bytes| {
        if bytes.is_some_and(record::is_workbook) {
            return Err(Error::Refused(record::workbook_message(&path)));
        }
        let mut ed = Editable::parse(bytes, args.excel)
            .map_err(|m| Error::Input(Problems(vec![Problem::file(&file, m)])))?;
        let rec =
            record::parse_checked(&file, &ed.to_bytes()).map_err(|p| Error::Input(Problems(p)))?;
        let mut problems = Vec::new();
        for o in &offers {
            for l in rec
                .lines
                .iter()
                .filter(|l| l.person_id == o.person && l.is_open())
            {
                problems.push(Problem::line(
                    &file,
                    l.line,
                    format!(
                        "{} already has an open line ({} {}); record it as accepted, declined or withdrawn before a new offer",
                        printable(&o.person),
                        l.status,
                        printable(&l.unit_id)
                    ),
                ));
            }
        }
        // Open offers to a unit: at most its free places.
        let mut per_unit: std::collections::BTreeMap<&str, (usize, Vec<u64>)> = Default::default();
        for l in rec
            .lines
            .iter()
            .filter(|l| l.kept(round.policy().round_date))
        {
            let e = per_unit.entry(l.unit_id.as_str()).or_default();
            e.0 += 1;
            e.1.push(l.line);
        }
        for o in &offers {
            per_unit.entry(o.unit.as_str()).or_default().0 += 1;
        }
        for (unit, (n, lines)) in &per_unit {
            let free = round
                .units()
                .iter()
                .find(|u| u.id == *unit)
                .map_or(0, |u| u.places as usize);
            if *n > free && offers.iter().any(|o| o.unit == *unit) {
                let lines: Vec<String> = lines.iter().map(u64::to_string).collect();
                problems.push(Problem::file(
                    &file,
                    format!(
                        "unit {} would have {n} open offers but has {free} free place{} (open offers on lines {}); withdraw one first",
                        printable(unit),
                        if free == 1 { "" } else { "s" },
                        if lines.is_empty() { "none".into() } else { lines.join(", ") }
                    ),
                ));
            }
        }
        if !problems.is_empty() {
            return Err(Error::Input(Problems(problems)));
        }
        let (offered, respond) = (day.to_string(), args.respond_by.to_string());
        for o in &offers {
            ed.push(&[
                ("person_id", &o.person),
                ("unit_id", &o.unit),
                ("staff_id", &o.staff),
                ("status", Status::Pending.as_str()),
                ("offered_on", &offered),
                ("respond_by", &respond),
            ]);
        }
        let bytes = ed.to_bytes();
        record::parse_checked(&file, &bytes).map_err(|p| Error::Input(Problems(p)))?;
        Ok(bytes)
    })?;
    eprintln!(
        "{count} pending offer{} added to {}",
        if count == 1 { "" } else { "s" },
        path.display()
    );
    Ok(())
}
