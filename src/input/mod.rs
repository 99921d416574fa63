//! Reading a round from the municipality's exports: `units.csv`, `people.csv`,
//! `staff.csv` and an optional `policy.toml`, with every problem collected.

pub(crate) mod csv_text;
pub(crate) mod policy;
mod privacy;
pub mod proposals;
pub mod record;
pub mod scenario;
pub mod spec;
pub(crate) mod table;
pub mod templates;
pub(crate) mod text;
pub mod workbook;
pub mod workbook_limits;
mod workbook_ods;
mod workbook_scan;
mod workbook_xls;

use crate::error::{Error, Problem, Problems, Result};
use crate::model::columns::{PEOPLE_COLUMNS, STAFF_COLUMNS, UNIT_COLUMNS};
use crate::model::{
    FemaleStaff, Gender, Method, Person, Policy, Staff, Stay, SubstanceUse, Unit, UnitGender,
};
use std::path::{Path, PathBuf};
pub(crate) use table::Reading;
pub use table::{AliasesUsed, HEADER};

/// Parses a date in any accepted format (`yyyy-mm-dd`, `dd-mm-yyyy`, …).
pub fn parse_date(s: &str) -> std::result::Result<chrono::NaiveDate, String> {
    text::parse_date(s).map_err(|e| e.to_string())
}

/// The complete default policy as `policy.toml` text with comments (every
/// key, kind, weight and alias); reading it back gives the default policy.
pub fn policy_defaults() -> String {
    policy::defaults_toml()
}

/// A policy as `policy.toml` text with comments.
pub fn policy_text(p: &Policy) -> String {
    policy::render(p, false)
}

pub(crate) fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The most data rows an export may have (the country has about 10,000
/// young people waiting; twenty times that leaves room and keeps every sum
/// exact, see [`crate::model::PRIORITY_WEIGHT`]).
pub const MAX_ROWS: usize = 200_000;

/// The largest input file read, in bytes (an export of [`MAX_ROWS`] rows is
/// well under it).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Refuses, before it is opened, an input that is not a regular file (a
/// named pipe would make the read wait for ever, a device never end): a
/// folder is [`std::io::ErrorKind::IsADirectory`], anything else
/// [`std::io::ErrorKind::InvalidInput`]. Symbolic links are followed.
pub(crate) fn regular_file(path: &Path) -> std::io::Result<()> {
    let kind = std::fs::metadata(path)?.file_type();
    if kind.is_file() {
        Ok(())
    } else if kind.is_dir() {
        Err(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "is a folder, not a file",
        ))
    } else {
        Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "is not a regular file (a named pipe, a device or a socket); give a file saved on disk",
        ))
    }
}

/// The bytes of an input file, refusing one that is not a regular file
/// ([`regular_file`]) and one larger than [`MAX_FILE_BYTES`] before reading
/// it (and a file that grows while it is read).
pub(crate) fn read_capped(path: &Path) -> std::io::Result<Result<Vec<u8>, u64>> {
    use std::io::Read as _;
    regular_file(path)?;
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len > MAX_FILE_BYTES {
        return Ok(Err(len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Ok(Err(bytes.len() as u64));
    }
    Ok(Ok(bytes))
}

/// A TOML file of the what-if tools (a scenario, templates.toml) parsed into
/// `T`, with its text (to find lines) and its name for messages. The file is
/// capped like every input; a TOML error is positioned at its line.
pub(crate) fn read_toml<T: serde::de::DeserializeOwned>(
    path: &Path,
) -> Result<(T, String, String)> {
    let file = path.display().to_string();
    let bytes = match read_capped(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })? {
        Ok(bytes) => bytes,
        Err(len) => {
            return Err(Error::Input(Problems(vec![Problem::file(
                &file,
                format!("the file has {len} bytes; boligmatch reads input files of at most {MAX_FILE_BYTES} bytes"),
            )])))
        }
    };
    let text = text::decode(&bytes);
    let value = toml::from_str(&text)
        .map_err(|e| Error::Input(Problems(vec![policy::toml_problem(&file, &text, &e)])))?;
    Ok((value, text, file))
}

/// A path `file.xlsx#Sheet` split into the file and the sheet.
pub(crate) fn split_sheet(path: &Path) -> (PathBuf, Option<String>) {
    let text = path.to_string_lossy();
    if let Some((file, sheet)) = text.rsplit_once('#') {
        if workbook::is_workbook_name(file) && !sheet.is_empty() {
            return (PathBuf::from(file), Some(sheet.to_string()));
        }
    }
    (path.to_path_buf(), None)
}

/// A folder that holds an export twice (units.csv and units.xlsx): which
/// one is meant cannot be guessed.
pub(crate) fn both_kinds(path: &Path) -> Option<Problem> {
    let stem = path.file_stem()?.to_str()?;
    let dir = path.parent()?;
    let mut found: Vec<String> = std::iter::once("csv")
        .chain(workbook::EXTENSIONS)
        .map(|e| format!("{stem}.{e}"))
        .filter(|n| dir.join(n).is_file())
        .collect();
    found.sort();
    (found.len() > 1).then(|| {
        Problem::file(
            &file_name(path),
            format!(
                "the folder holds {}; keep one of them (boligmatch will not guess which is current)",
                found.join(" and ")
            ),
        )
    })
}

/// One input: the name problems are reported under, the path for the audit,
/// and its bytes (`None` when the file was missing, already reported).
pub(crate) struct Named {
    pub(crate) name: String,
    pub(crate) path: String,
    pub(crate) bytes: Option<Vec<u8>>,
    /// `file.xlsx#Sheet`: the sheet to read.
    pub(crate) sheet: Option<String>,
}

/// Reads the rows of any export file (CSV or a workbook, `file.xlsx#Sheet`)
/// with `read`: for files outside a round (scenario people files, timeline
/// arrivals and units). Problems go to `r.problems`, named by sheet and cell
/// for a workbook.
pub(crate) fn read_export<T>(
    path: &Path,
    r: &mut Reading<'_>,
    read: impl Fn(&str, &[u8], &mut Reading<'_>) -> Vec<T>,
) -> Result<Vec<T>> {
    let (path, sheet) = split_sheet(path);
    let bytes = match read_capped(&path).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })? {
        Ok(b) => b,
        Err(len) => {
            r.problems.push(Problem::file(
                &path.display().to_string(),
                format!("the file has {len} bytes; boligmatch reads input files of at most {MAX_FILE_BYTES} bytes"),
            ));
            return Ok(Vec::new());
        }
    };
    let name = path.display().to_string();
    let mut n = Named {
        name: name.clone(),
        path: name.clone(),
        bytes: Some(bytes),
        sheet,
    };
    let before = r.problems.len();
    let sheet = as_csv(&mut n, r.problems);
    let rows = match n.bytes.as_deref() {
        Some(b) => read(&name, b, r),
        None => Vec::new(),
    };
    if let Some(sheet) = &sheet {
        for p in &mut r.problems[before..] {
            workbook::place(p, &name, sheet);
        }
    }
    Ok(rows)
}

/// A workbook input read as CSV (its bytes replaced); a workbook named like a
/// CSV file, or the reverse, is a problem. Returns the sheet read.
pub(crate) fn as_csv(n: &mut Named, problems: &mut Vec<Problem>) -> Option<workbook::Sheet> {
    let bytes = n.bytes.as_deref()?;
    let named = workbook::is_workbook_name(&n.name);
    let is = workbook::looks_like_workbook(bytes);
    match (named, is) {
        (false, false) => None,
        (false, true) => {
            problems.push(Problem::file(
                &n.name,
                "is an Excel workbook (a zip or .xls file), not CSV, although its name says .csv; name it .xlsx (boligmatch reads workbooks) or save it as CSV",
            ));
            n.bytes = None;
            None
        }
        (true, false) if !n.name.to_ascii_lowercase().ends_with(".ods") => {
            problems.push(Problem::file(
                &n.name,
                "is named as a workbook but is not one (it holds text); name it .csv, or save it again from Excel as a workbook",
            ));
            n.bytes = None;
            None
        }
        (true, _) => match workbook::to_csv(&n.name, bytes, n.sheet.as_deref()) {
            Ok(sheet) => {
                n.bytes = Some(sheet.csv.clone());
                problems.extend(sheet.problems.iter().cloned());
                Some(sheet)
            }
            Err(p) => {
                problems.extend(p);
                n.bytes = None;
                None
            }
        },
    }
}

/// The shape of the three CSV readers.
pub(crate) type Reader<T> = fn(&str, &[u8], &mut Reading<'_>) -> Vec<T>;

/// The rows of one input with `read`; none when it was missing.
pub(crate) fn rows<T>(n: &Named, r: &mut Reading<'_>, read: Reader<T>) -> Vec<T> {
    n.bytes
        .as_deref()
        .map(|b| read(&n.name, b, r))
        .unwrap_or_default()
}

/// Lower-case hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads units.csv.
pub(crate) fn read_units(file: &str, bytes: &[u8], r: &mut Reading<'_>) -> Vec<Unit> {
    table::rows(file, bytes, UNIT_COLUMNS, r, |c| {
        let id = c.text("unit_id");
        let kind = c.kind("kind");
        let places = c.int("places", false, 1, 10_000).unwrap_or(1) as u32;
        let rent = c.money("rent_dkk", true);
        let available_from = c.date("available_from");
        let drug_free = c.boolean("drug_free", false);
        let gender = c
            .word(
                "gender",
                "unit_gender",
                false,
                UnitGender::parse_canonical,
                UnitGender::CANONICAL,
            )
            .unwrap_or(UnitGender::Any);
        let min_age = c.int("min_age", false, 0, 150).unwrap_or(18) as u32;
        let max_age = c.int("max_age", false, 0, 150).map(|a| a as u32);
        let area = c.get("area").map(str::to_string);
        let (Some(id), Some(kind), Some(rent)) = (id, kind, rent) else {
            return None;
        };
        Some(Unit {
            id,
            kind,
            places,
            rent,
            available_from,
            drug_free,
            gender,
            min_age,
            max_age,
            area,
            occupants: Vec::new(),
            line: c.line(),
        })
    })
}

/// The required `gender` of people.csv and staff.csv (`f` or `m`).
fn gender(c: &mut table::Cells<'_>) -> Option<Gender> {
    c.word(
        "gender",
        "gender",
        true,
        Gender::parse_canonical,
        Gender::CANONICAL,
    )
}

/// Reads people.csv.
pub(crate) fn read_people(file: &str, bytes: &[u8], r: &mut Reading<'_>) -> Vec<Person> {
    table::rows(file, bytes, PEOPLE_COLUMNS, r, |c| {
        let id = c.text("person_id");
        let gender = gender(c);
        let age = c.int("age", true, 0, 150).map(|a| a as u32);
        let substance_use = c
            .word(
                "substance_use",
                "substance_use",
                false,
                SubstanceUse::parse_canonical,
                SubstanceUse::CANONICAL,
            )
            .unwrap_or(SubstanceUse::None);
        let psychiatric = c.boolean("psychiatric", false);
        let in_recovery = c.boolean("in_recovery", false);
        let income = c.money("income_dkk", true);
        let max_rent = c.money("max_rent_dkk", false);
        let stay = c
            .word(
                "stay",
                "stay",
                false,
                Stay::parse_canonical,
                Stay::CANONICAL,
            )
            .unwrap_or(Stay::Other);
        let registered = c.date("registered");
        let female_staff = c.word(
            "female_staff",
            "female_staff",
            false,
            FemaleStaff::parse_canonical,
            FemaleStaff::CANONICAL,
        );
        let home_area = c.get("home_area").map(str::to_string);
        let preferred_areas = c
            .get("preferred_areas")
            .map(text::parse_list)
            .unwrap_or_default();
        let declined_units = c
            .get("declined_units")
            .map(text::parse_list)
            .unwrap_or_default();
        let pinned_unit = c.get("pinned_unit").map(str::to_string);
        let known_staff_id = c.get("known_staff_id").map(str::to_string);
        let (Some(id), Some(gender), Some(age), Some(income)) = (id, gender, age, income) else {
            return None;
        };
        {
            let female_staff = female_staff.unwrap_or(match gender {
                Gender::F => FemaleStaff::Preferred,
                Gender::M => FemaleStaff::No,
            });
            Some(Person {
                id,
                gender,
                age,
                substance_use,
                psychiatric,
                in_recovery,
                income,
                max_rent,
                stay,
                registered,
                female_staff,
                home_area,
                preferred_areas,
                declined_units,
                pinned_unit,
                known_staff_id,
                kept_offer: None,
                line: c.line(),
            })
        }
    })
}

/// Reads staff.csv.
pub(crate) fn read_staff(file: &str, bytes: &[u8], r: &mut Reading<'_>) -> Vec<Staff> {
    table::rows(file, bytes, STAFF_COLUMNS, r, |c| {
        let id = c.text("staff_id");
        let gender = gender(c);
        let method = c.word(
            "method",
            "method",
            true,
            Method::parse_canonical,
            Method::CANONICAL,
        );
        let capacity = c.int("capacity", false, 0, 10_000).map(|n| n as u32);
        let caseload = c.int("caseload", false, 0, 10_000).map(|n| n as u32);
        let capacity = match (capacity, caseload) {
            (Some(free), None) => Some(free),
            // Free slots follow from the offers record once it is read.
            (None, Some(total)) => Some(total),
            (Some(_), Some(_)) => {
                c.fail(
                    "caseload",
                    None,
                    "is given together with capacity; give capacity (free slots, counted by the office) or caseload (total cases; the offers record's active cases are subtracted), not both",
                );
                None
            }
            (None, None) => {
                c.fail(
                    "capacity",
                    None,
                    "is empty; give capacity (free slots) or caseload (total cases)",
                );
                None
            }
        };
        let (Some(id), Some(gender), Some(method), Some(capacity)) = (id, gender, method, capacity)
        else {
            return None;
        };
        Some(Staff {
            id,
            gender,
            method,
            capacity,
            caseload,
            line: c.line(),
        })
    })
}
