//! A round read from its files or from any readers: every file decoded and
//! checked, the offers record applied, the round built through
//! [`Round::new`]'s door, every problem reported at once.

use super::programme;
use super::{Round, RoundFiles};
use crate::error::{Error, Problem, Problems, Result};
use crate::input::{
    as_csv, both_kinds, file_name, hex, policy, read_capped, read_people, read_staff, read_units,
    rows, split_sheet, workbook, AliasesUsed, Named, Reading, MAX_FILE_BYTES,
};
use crate::model::{Person, Policy, Staff, Unit};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Where the four inputs of a round are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundPaths {
    /// units.csv
    pub units: PathBuf,
    /// people.csv
    pub people: PathBuf,
    /// staff.csv
    pub staff: PathBuf,
    /// policy.toml; may be absent when it is the default in a folder.
    pub policy: Option<PathBuf>,
    /// The offers record (offers.csv); may be absent.
    pub offers: Option<PathBuf>,
}

impl RoundPaths {
    /// The conventional names in a folder; `policy.toml` and `offers.csv`
    /// only if they exist.
    pub fn in_dir(dir: &Path) -> Self {
        let policy = dir.join("policy.toml");
        // The record kept as a workbook is read too (the commands that
        // write it refuse it, asking for offers.csv).
        let offers = Some(dir.join("offers.csv"))
            .filter(|p| p.exists())
            .or_else(|| {
                workbook::EXTENSIONS
                    .iter()
                    .map(|e| dir.join(format!("offers.{e}")))
                    .find(|p| p.exists())
            });
        // A workbook (units.xlsx, .xls, .ods) where there is no CSV.
        let export = |stem: &str| {
            let csv = dir.join(format!("{stem}.csv"));
            if csv.exists() {
                return csv;
            }
            workbook::EXTENSIONS
                .iter()
                .map(|e| dir.join(format!("{stem}.{e}")))
                .find(|p| p.exists())
                .unwrap_or(csv)
        };
        RoundPaths {
            units: export("units"),
            people: export("people"),
            staff: export("staff"),
            policy: policy.exists().then_some(policy),
            offers,
        }
    }

    /// Every input path, for audit and for refusing to overwrite inputs.
    pub fn all(&self) -> Vec<&Path> {
        let mut v = vec![
            self.units.as_path(),
            self.people.as_path(),
            self.staff.as_path(),
        ];
        if let Some(p) = &self.policy {
            v.push(p);
        }
        if let Some(p) = &self.offers {
            v.push(p);
        }
        v
    }
}

/// An input file as read: its name and its SHA-256 (for the audit trail).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Source {
    /// Path as given.
    pub path: String,
    /// Hex SHA-256 of the bytes read.
    pub sha256: String,
}

impl Source {
    /// A file as an input of a run (a timeline, a scenario): its path as
    /// given and the SHA-256 of its bytes.
    pub fn of_file(path: &Path) -> Result<Source> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Source {
            path: path.display().to_string(),
            sha256: hex(&Sha256::digest(&bytes)),
        })
    }
}

/// A round read and validated, with the warnings it produced.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The round, checked, sorted and derived (see [`Round::new`]).
    pub round: Round,
    /// Non-fatal remarks (unknown columns).
    pub warnings: Vec<String>,
    /// The aliases the exports used: (file, column, word as written, or
    /// `None` in a health column, contract word) → cells.
    pub aliases_used: AliasesUsed,
    /// The files read.
    pub sources: Vec<Source>,
}

/// Reads and validates a round from its files. All problems in all files are
/// reported together. The round date is the policy's `round_date`; a plain
/// date given here is used only when the policy gives none
/// ([`RoundDate::Default`]), [`RoundDate::Fixed`] overrides the policy's.
/// A folder holding an export twice (units.csv and units.xlsx) is refused:
/// which one is meant cannot be guessed (see [`RoundPaths::load_chosen`]).
pub fn load(paths: &RoundPaths, date: impl Into<RoundDate>) -> Result<Loaded> {
    load_inner(paths, None, date.into(), &[])
}

/// [`load`], with the offers record's bytes given (`offers`: the record
/// `paths.offers` names as a change would leave it, not yet written): the
/// round exactly as `load` would read it after the change.
pub fn load_with_offers(
    paths: &RoundPaths,
    offers: Option<&[u8]>,
    date: impl Into<RoundDate>,
) -> Result<Loaded> {
    load_inner(paths, offers, date.into(), &[])
}

impl RoundPaths {
    /// Reads and validates the round like [`load`], where the paths in
    /// `chosen` were named one by one (on a command line), not found in a
    /// folder: a `units.xlsx` beside a chosen `units.csv` asks no question.
    pub fn load_chosen(&self, date: impl Into<RoundDate>, chosen: &[&Path]) -> Result<Loaded> {
        load_inner(self, None, date.into(), chosen)
    }
}

fn load_inner(
    paths: &RoundPaths,
    offers: Option<&[u8]>,
    today: RoundDate,
    chosen: &[&Path],
) -> Result<Loaded> {
    let mut problems = Vec::new();
    let mut files = Vec::new();
    for given in paths.all() {
        // `units.xlsx#Sheet`: a sheet of a workbook.
        let (path, sheet) = split_sheet(given);
        let path = path.as_path();
        if !chosen.contains(&given) {
            problems.extend(both_kinds(path));
        }
        let offered = offers.filter(|_| paths.offers.as_deref() == Some(path));
        let bytes = match offered.map_or_else(|| read_capped(path), |b| Ok(Ok(b.to_vec()))) {
            Ok(Ok(bytes)) => Some(bytes),
            Ok(Err(len)) => {
                problems.push(Problem::file(
                    &file_name(path),
                    format!(
                        "the file has {len} bytes; boligmatch reads input files of at most {MAX_FILE_BYTES} bytes"
                    ),
                ));
                None
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                problems.push(Problem::file(
                    &file_name(path),
                    format!("file not found (looked for {})", path.display()),
                ));
                None
            }
            Err(source) => {
                return Err(Error::Io {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        files.push(Named {
            name: file_name(path),
            path: path.display().to_string(),
            bytes,
            sheet,
        });
    }
    let offers = paths.offers.as_ref().and_then(|_| files.pop());
    let policy = paths.policy.as_ref().and_then(|_| files.pop());
    let mut files = files.into_iter();
    let (Some(units), Some(people), Some(staff)) = (files.next(), files.next(), files.next())
    else {
        return Err(Error::Input(Problems(problems)));
    };
    read_named(units, people, staff, policy, offers, today, problems)
}

/// Reads and validates a round from any readers (files, bytes in memory, a
/// network stream), in any dialect the files accept (`;` or `,`, UTF-8 with
/// or without BOM, Windows-1252, UTF-16, Danish headers and values). Problems
/// name the inputs `units.csv`, `people.csv`, `staff.csv` and `policy.toml`.
///
/// ```
/// let units = "unit_id,kind,rent_dkk\nU1,ordinary,3000\n";
/// let people = "person_id;køn;alder;indkomst\nP1;K;19;9000\n";
/// let staff = "staff_id,gender,method,capacity\nS1,f,CTI,2\n";
/// let policy = "round_date = 2014-11-03\n";
/// let today = chrono::NaiveDate::from_ymd_opt(2014, 11, 3).unwrap();
/// let loaded = boligmatch::read(
///     &mut units.as_bytes(),
///     &mut people.as_bytes(),
///     &mut staff.as_bytes(),
///     Some(&mut policy.as_bytes()),
///     today,
/// )?;
/// assert_eq!(loaded.round.people()[0].age, 19);
/// # Ok::<(), boligmatch::Error>(())
/// ```
pub fn read(
    units: &mut dyn Read,
    people: &mut dyn Read,
    staff: &mut dyn Read,
    policy: Option<&mut dyn Read>,
    date: impl Into<RoundDate>,
) -> Result<Loaded> {
    let today = date.into();
    let mut too_large = Vec::new();
    let mut named = |name: &str, r: &mut dyn Read| -> Result<Named> {
        let mut bytes = Vec::new();
        r.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|source| Error::Io {
                path: PathBuf::from(name),
                source,
            })?;
        let fits = bytes.len() as u64 <= MAX_FILE_BYTES;
        if !fits {
            too_large.push(Problem::file(
                name,
                format!("is larger than {MAX_FILE_BYTES} bytes, the most boligmatch reads"),
            ));
        }
        Ok(Named {
            name: name.into(),
            path: name.into(),
            bytes: fits.then_some(bytes),
            sheet: None,
        })
    };
    let policy = match policy {
        Some(r) => Some(named("policy.toml", r)?),
        None => None,
    };
    let (units, people, staff) = (
        named("units.csv", units)?,
        named("people.csv", people)?,
        named("staff.csv", staff)?,
    );
    read_named(units, people, staff, policy, None, today, too_large)
}

/// The one reading path: decode and check every file, build the round through
/// its front door, report every problem at once.
fn read_named(
    units: Named,
    people: Named,
    staff: Named,
    policy: Option<Named>,
    offers: Option<Named>,
    today: RoundDate,
    mut problems: Vec<Problem>,
) -> Result<Loaded> {
    let sources = sources(&[
        Some(&units),
        Some(&people),
        Some(&staff),
        policy.as_ref(),
        offers.as_ref(),
    ]);
    // Workbooks become CSV (after hashing the files as they are); the sheets remember how to name their cells.
    let (mut units, mut people, mut staff, mut offers) = (units, people, staff, offers);
    let sheets = workbooks_as_csv(
        [
            Some(&mut units),
            Some(&mut people),
            Some(&mut staff),
            offers.as_mut(),
        ],
        &mut problems,
    );
    // The policy first: its kinds and aliases say how to read the exports.
    let policy_value = read_policy(policy.as_ref(), today, &mut problems);
    let (mut warnings, mut aliases_used) = (Vec::new(), AliasesUsed::new());
    let mut reading = Reading {
        problems: &mut problems,
        warnings: &mut warnings,
        kinds: &policy_value.kinds,
        aliases: &policy_value.aliases,
        used: &mut aliases_used,
    };
    let rows = read_rows(
        [&units, &people, &staff],
        offers.as_ref(),
        &policy_value,
        &mut reading,
    );
    let files = RoundFiles {
        units: units.name,
        people: people.name,
        staff: staff.name,
        policy: policy.map_or_else(|| "policy.toml".into(), |n| n.name),
    };
    let mut round = Round::checked(
        rows.units,
        rows.people,
        rows.staff,
        policy_value,
        &files,
        &mut problems,
    );
    round.programme = rows.programme;
    for p in &mut problems {
        for (file, sheet) in &sheets {
            workbook::place(p, file, sheet);
        }
    }
    if !problems.is_empty() {
        problems.sort();
        problems.dedup();
        return Err(Error::Input(Problems(problems)));
    }
    Ok(Loaded {
        round,
        warnings,
        aliases_used,
        sources,
    })
}

/// Every file read, with the SHA-256 of its bytes as they are.
fn sources(files: &[Option<&Named>]) -> Vec<Source> {
    files
        .iter()
        .flatten()
        .filter_map(|n| {
            n.bytes.as_ref().map(|bytes| Source {
                path: n.path.clone(),
                sha256: hex(&Sha256::digest(bytes)),
            })
        })
        .collect()
}

/// The workbooks among the inputs read as CSV, their bytes replaced; the
/// sheets read, by file name.
fn workbooks_as_csv(
    files: [Option<&mut Named>; 4],
    problems: &mut Vec<Problem>,
) -> Vec<(String, workbook::Sheet)> {
    let mut sheets = Vec::new();
    for n in files.into_iter().flatten() {
        if let Some(sheet) = as_csv(n, problems) {
            sheets.push((n.name.clone(), sheet));
        }
    }
    sheets
}

/// The policy read from policy.toml, or the default one (its problems
/// reported), dated as [`RoundDate`] says.
fn read_policy(policy: Option<&Named>, date: RoundDate, problems: &mut Vec<Problem>) -> Policy {
    let today = date.date();
    let mut p = match policy.and_then(|n| n.bytes.as_deref().map(|b| (n, b))) {
        Some((n, bytes)) => policy::parse(&n.name, bytes, today).unwrap_or_else(|p| {
            problems.extend(p);
            Policy::with_date(today)
        }),
        None => Policy::with_date(today),
    };
    if let RoundDate::Fixed(d) = date {
        p.round_date = d;
    }
    p
}

/// The date of a round being read: the policy's `round_date` with a
/// fallback, or a date that overrides it.
///
/// ```
/// # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data-samples/ballerup-2014");
/// use boligmatch::{load, NaiveDate, RoundDate, RoundPaths};
/// let paths = RoundPaths::in_dir(&dir);
/// let later = NaiveDate::from_ymd_opt(2014, 12, 1).unwrap();
/// // The sample's policy says 2014-11-03: a plain date is only a fallback.
/// assert_eq!(load(&paths, later)?.round.policy().round_date.to_string(), "2014-11-03");
/// assert_eq!(load(&paths, RoundDate::Fixed(later))?.round.policy().round_date, later);
/// # Ok::<(), boligmatch::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundDate {
    /// The policy's `round_date`, or this date when the policy gives none.
    Default(chrono::NaiveDate),
    /// This date, whatever the policy says.
    Fixed(chrono::NaiveDate),
}

impl RoundDate {
    fn date(self) -> chrono::NaiveDate {
        match self {
            RoundDate::Default(d) | RoundDate::Fixed(d) => d,
        }
    }
}

impl From<chrono::NaiveDate> for RoundDate {
    fn from(d: chrono::NaiveDate) -> RoundDate {
        RoundDate::Default(d)
    }
}

/// The rows of the three exports, the offers record applied to them.
struct Rows {
    units: Vec<Unit>,
    people: Vec<Person>,
    staff: Vec<Staff>,
    programme: programme::Applied,
}

/// Reads units, people and staff, then the offers record: checked, and
/// applied to the rows (kept offers, declines, tenants, active cases).
fn read_rows(
    [units, people, staff]: [&Named; 3],
    offers: Option<&Named>,
    policy: &Policy,
    reading: &mut Reading<'_>,
) -> Rows {
    let mut out = Rows {
        units: rows(units, reading, read_units),
        people: rows(people, reading, read_people),
        staff: rows(staff, reading, read_staff),
        programme: programme::Applied::default(),
    };
    let record = offers.and_then(|n| {
        n.bytes
            .as_deref()
            .map(|b| crate::input::record::read(&n.name, b, reading))
    });
    if let Some(rec) = &record {
        reading.problems.extend(programme::check(rec));
        out.programme = programme::apply(
            rec,
            &mut out.units,
            &mut out.people,
            &out.staff,
            policy,
            &programme::Files {
                people: &people.name,
                record: &rec.file,
            },
            reading.problems,
        );
    }
    // With `caseload`, free slots are the total less the record's active cases.
    for s in &mut out.staff {
        if let Some(total) = s.caseload {
            let active = out.programme.active_cases.get(&s.id).copied().unwrap_or(0);
            s.capacity = total.saturating_sub(active);
        }
    }
    out
}
