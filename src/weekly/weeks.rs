//! A programme's weeks as `history` reads them: the week folders (one per
//! weekly round, each with its round date in `policy.toml`) and the offers
//! record beside them, loaded and checked — every problem at once.

use super::history::{Week, MAX_WEEKS};
use crate::error::{Error, Problem, Problems, Result};
use crate::model::record::Record;
use crate::model::SupportWeeks;
use crate::round::{load, RoundPaths};
use std::path::{Path, PathBuf};

/// The week folders: the ones given, or — when one folder is given that is
/// not itself a round (no `people.csv`) — its sub-folders that are, sorted
/// by name.
pub fn week_folders(dirs: &[PathBuf]) -> Result<Vec<PathBuf>> {
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
                return Err(Error::Refused(format!(
                    "{} holds no weekly round folders (sub-folders with people.csv)",
                    one.display()
                )));
            }
            return Ok(found);
        }
    }
    Ok(dirs.to_vec())
}

/// The record's default place: `offers.csv` in the programme folder given,
/// or beside the first week folder.
pub fn default_record(dirs: &[PathBuf], weeks: &[PathBuf]) -> PathBuf {
    let holder = match dirs {
        [one] if !one.join("people.csv").exists() => one.clone(),
        _ => weeks
            .first()
            .and_then(|w| w.parent())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
    };
    holder.join("offers.csv")
}

/// The weeks and the record of a programme, read and checked.
#[derive(Debug, Clone)]
pub struct Programme {
    /// The weeks, sorted by round date.
    pub weeks: Vec<Week>,
    /// The offers record.
    pub record: Record,
    /// The support periods of the first week's policy.
    pub support: SupportWeeks,
    /// Every file read (the record first), for the audit and for refusing
    /// to write over an input.
    pub inputs: Vec<PathBuf>,
}

/// Reads every week folder (its exports and `policy.toml`, which must give
/// the round date) and the record; every problem at once. Two weeks with one
/// round date are refused. `today` is used only where a policy gives no
/// date (which is itself a problem here).
pub fn load_programme(
    weeks: &[PathBuf],
    record: &Path,
    today: chrono::NaiveDate,
) -> Result<Programme> {
    if weeks.len() > MAX_WEEKS {
        return Err(Error::Refused(format!(
            "{} weeks given; history reads at most {MAX_WEEKS}",
            weeks.len()
        )));
    }
    let mut out = Vec::new();
    let mut inputs: Vec<PathBuf> = vec![record.to_path_buf()];
    let mut support = None;
    let mut problems = Vec::new();
    // The latest week: the round the record belongs to now.
    let mut latest = None;
    let mut dates = Vec::new();
    for d in weeks {
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
        let loaded = load(&paths, today).map_err(|e| in_week(e, d))?;
        inputs.extend(paths.all().into_iter().map(Path::to_path_buf));
        let (_, people, staff, policy) = loaded.round.into_parts();
        if latest.as_ref().is_none_or(|(d, _)| *d < policy.round_date) {
            latest = Some((policy.round_date, paths));
        }
        support.get_or_insert(policy.support_weeks.clone());
        dates.push((policy.round_date, d.display().to_string()));
        out.push(Week {
            round_date: policy.round_date,
            people,
            staff,
        });
    }
    if !problems.is_empty() {
        return Err(Error::Input(Problems(problems)));
    }
    out.sort_by_key(|w| w.round_date);
    dates.sort();
    for pair in dates.windows(2) {
        if pair[0].0 == pair[1].0 {
            return Err(Error::Refused(format!(
                "two weeks have the round_date {} ({} and {}); each weekly folder needs its own date",
                pair[0].0,
                crate::error::escaped(&pair[0].1),
                crate::error::escaped(&pair[1].1)
            )));
        }
    }
    crate::output::remove_record_copies(record);
    let bytes = std::fs::read(record).map_err(|source| Error::Io {
        path: record.to_path_buf(),
        source,
    })?;
    let rec = parse_record(record, &bytes)?;
    if let Some((_, paths)) = latest {
        // What `check` refuses in the latest week, history refuses too.
        let round = super::record::RoundOf { paths, today };
        round.check(record, &bytes)?;
    }
    Ok(Programme {
        weeks: out,
        record: rec,
        support: support.unwrap_or_default(),
        inputs,
    })
}

/// The record at `path` from its bytes, checked (a workbook is refused
/// with what to do).
fn parse_record(path: &Path, bytes: &[u8]) -> Result<Record> {
    if super::record::is_workbook(bytes) {
        return Err(super::record::RecordError::Workbook {
            path: path.to_path_buf(),
        }
        .into());
    }
    let file = super::record::file_name(path);
    super::record::parse_checked(&file, bytes).map_err(|p| Error::Input(Problems(p)))
}

/// A week's problems named by the week folder too (`2014-11-10/people.csv:4`),
/// so that a history of many weeks says which week is wrong.
fn in_week(e: Error, week: &Path) -> Error {
    let folder = crate::input::file_name(week);
    let name = |p: Problem| Problem {
        file: format!("{folder}/{}", p.file),
        ..p
    };
    match e {
        Error::Input(Problems(v)) => Error::Input(Problems(v.into_iter().map(name).collect())),
        Error::Infeasible(Problems(v)) => {
            Error::Infeasible(Problems(v.into_iter().map(name).collect()))
        }
        other => other,
    }
}
