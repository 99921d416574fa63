//! `boligmatch history DIR…`: the programme week by week, from the weekly
//! round folders and the offers record.

use super::{print, Format, RunArgs};
use anyhow::Result;
use boligmatch::weekly::{history, weeks};
use std::path::{Path, PathBuf};

/// Arguments of `history`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The weekly round folders (each with units.csv, people.csv, staff.csv
    /// and a policy.toml with its round_date), or one folder holding them
    /// (and offers.csv); at most 520 weeks.
    #[arg(required = true, num_args = 1..)]
    dirs: Vec<PathBuf>,
    /// The offers record; default: offers.csv in the folder that holds the weeks.
    #[arg(long, value_name = "PATH")]
    offers: Option<PathBuf>,
    #[command(flatten)]
    run: RunArgs,
}

/// Runs `history`.
pub fn run(args: &Args) -> Result<()> {
    let settings = args.run.settings(std::time::Instant::now());
    let dirs = weeks::week_folders(&args.dirs)?;
    let record_path = args
        .offers
        .clone()
        .unwrap_or_else(|| weeks::default_record(&args.dirs, &dirs));
    super::offer::refuse_workbook(&record_path)?;
    let today = chrono::Local::now().date_naive();
    let programme = weeks::load_programme(&dirs, &record_path, today)?;
    let inputs = programme.inputs.clone();
    let (weeks, rec, support) = (programme.weeks, programme.record, programme.support);
    let rows = history::history(&weeks, &rec, &support);
    let table = boligmatch::report::history::table(&rows);
    let csv = table.csv(settings.style);
    let json = {
        let mut b = serde_json::to_vec_pretty(&rows).unwrap_or_default();
        b.push(b'\n');
        b
    };
    let input_refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let workbook = settings.workbook("history.xlsx", &[&table])?;
    settings.commit(
        || {
            let mut out = vec![
                ("history.csv".to_string(), csv.clone()),
                ("history.json".to_string(), json.clone()),
            ];
            out.extend(workbook.clone());
            out
        },
        |report| boligmatch::report::html::history(&rows, report.lang),
        &input_refs,
    )?;
    match settings.format {
        Format::Table | Format::Csv => print(&String::from_utf8_lossy(&csv)),
        Format::Json => print(&String::from_utf8_lossy(&json)),
    }
}
