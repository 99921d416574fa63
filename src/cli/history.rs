//! `boligmatch history DIR…`: the programme week by week, from the weekly
//! round folders and the offers record.

use super::{print, Format, RunArgs};
use anyhow::{bail, Result};
use boligmatch::error::{Error, Problem, Problems};
use boligmatch::report::{csv_bytes, Cell};
use boligmatch::weekly::history::{self, Week, MAX_WEEKS};
use boligmatch::RoundPaths;
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

/// The week folders: the ones given, or the sub-folders of one folder that
/// hold a round.
fn week_dirs(dirs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    if let [one] = dirs {
        if !one.join("people.csv").exists() {
            let entries = std::fs::read_dir(one).map_err(|source| Error::Io {
                path: one.clone(),
                source,
            })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir() && p.join("people.csv").exists())
                .collect();
            found.sort();
            if found.is_empty() {
                bail!(Error::Refused(format!(
                    "{} holds no weekly round folders (sub-folders with people.csv)",
                    one.display()
                )));
            }
            return Ok(found);
        }
    }
    Ok(dirs.to_vec())
}

/// Runs `history`.
pub fn run(args: &Args) -> Result<()> {
    let settings = args.run.settings(std::time::Instant::now());
    let dirs = week_dirs(&args.dirs)?;
    if dirs.len() > MAX_WEEKS {
        bail!(Error::Refused(format!(
            "{} weeks given; history reads at most {MAX_WEEKS}",
            dirs.len()
        )));
    }
    let record_path = match &args.offers {
        Some(p) => p.clone(),
        None => {
            let holder = match args.dirs.as_slice() {
                [one] if !one.join("people.csv").exists() => one.clone(),
                _ => dirs[0]
                    .parent()
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            };
            holder.join("offers.csv")
        }
    };
    super::offer::refuse_workbook(&record_path)?;
    let mut weeks = Vec::new();
    let mut inputs: Vec<PathBuf> = vec![record_path.clone()];
    let mut support = None;
    let mut problems = Vec::new();
    for d in &dirs {
        let paths = RoundPaths {
            offers: None,
            ..RoundPaths::in_dir(d)
        };
        if paths.policy.is_none() {
            problems.push(Problem::file(
                &d.join("policy.toml").display().to_string(),
                "file not found: history needs each week's round_date (policy.toml)",
            ));
            continue;
        }
        let today = chrono::Local::now().date_naive();
        let loaded = boligmatch::load(&paths, today)?;
        inputs.extend(paths.all().into_iter().map(Path::to_path_buf));
        let (_, people, staff, policy) = loaded.round.into_parts();
        support.get_or_insert(policy.support_weeks.clone());
        weeks.push(Week {
            round_date: policy.round_date,
            people,
            staff,
        });
    }
    if !problems.is_empty() {
        bail!(Error::Input(Problems(problems)));
    }
    weeks.sort_by_key(|w| w.round_date);
    for pair in weeks.windows(2) {
        if pair[0].round_date == pair[1].round_date {
            bail!(Error::Refused(format!(
                "two weeks have the round_date {}; each weekly folder needs its own date",
                pair[0].round_date
            )));
        }
    }
    let bytes = std::fs::read(&record_path).map_err(|source| Error::Io {
        path: record_path.clone(),
        source,
    })?;
    if boligmatch::weekly::record::is_workbook(&bytes) {
        bail!(Error::Refused(
            boligmatch::weekly::record::workbook_message(&record_path)
        ));
    }
    let file = record_path
        .file_name()
        .map_or_else(|| "offers.csv".into(), |n| n.to_string_lossy().into_owned());
    let rec = boligmatch::weekly::record::parse_checked(&file, &bytes)
        .map_err(|p| Error::Input(Problems(p)))?;
    let rows = history::history(&weeks, &rec, &support.unwrap_or_default());
    let table: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| r.cells().into_iter().map(Cell::Text).collect())
        .collect();
    let csv = csv_bytes(&history::COLUMNS, &table, settings.style);
    let json = {
        let mut b = serde_json::to_vec_pretty(&rows).unwrap_or_default();
        b.push(b'\n');
        b
    };
    let input_refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let workbook = settings.workbook("history.xlsx", &[("history", &csv)])?;
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
