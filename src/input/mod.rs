//! Reading a round from the municipality's exports: `units.csv`, `people.csv`,
//! `staff.csv` and an optional `policy.toml`, with every problem collected.

pub(crate) mod policy;
mod privacy;
pub mod scenario;
pub mod spec;
pub(crate) mod table;
pub mod templates;
pub(crate) mod text;
pub mod workbook;

use crate::error::{Error, Problem, Problems, Result};
use crate::model::{
    FemaleStaff, Gender, Method, Person, Policy, Staff, Stay, SubstanceUse, Unit, UnitGender,
};
use crate::round::{Round, RoundFiles};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use table::Column;
pub(crate) use table::Reading;
pub use table::{AliasesUsed, HEADER};

/// Decodes an export's bytes (UTF-8 with or without BOM, else Windows-1252).
pub fn decode_text(bytes: &[u8]) -> String {
    text::decode(bytes)
}

/// The delimiter of a CSV text (`;`, `,` or tab), sniffed from its header.
pub fn sniff(text: &str) -> u8 {
    text::sniff_delimiter(text)
}

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
        let offers = dir.join("offers.csv");
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
            offers: offers.exists().then_some(offers),
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

fn file_name(path: &Path) -> String {
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

/// The bytes of an input file, refusing one larger than [`MAX_FILE_BYTES`]
/// before reading it (and a file that grows while it is read).
fn read_capped(path: &Path) -> std::io::Result<Result<Vec<u8>, u64>> {
    use std::io::Read as _;
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

/// Reads and validates a round from its files. All problems in all files are
/// reported together; `today` is the round date when the policy gives none.
pub fn load(paths: &RoundPaths, today: chrono::NaiveDate) -> Result<Loaded> {
    let mut problems = Vec::new();
    let mut files = Vec::new();
    for path in paths.all() {
        // `units.xlsx#Sheet`: a sheet of a workbook.
        let (path, sheet) = split_sheet(path);
        let path = path.as_path();
        problems.extend(both_kinds(path));
        let bytes = match read_capped(path) {
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

/// A path `file.xlsx#Sheet` split into the file and the sheet.
fn split_sheet(path: &Path) -> (PathBuf, Option<String>) {
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
fn both_kinds(path: &Path) -> Option<Problem> {
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
/// let loaded = boligmatch::input::read(
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
    today: chrono::NaiveDate,
) -> Result<Loaded> {
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

/// One input: the name problems are reported under, the path for the audit,
/// and its bytes (`None` when the file was missing, already reported).
struct Named {
    name: String,
    path: String,
    bytes: Option<Vec<u8>>,
    /// `file.xlsx#Sheet`: the sheet to read.
    sheet: Option<String>,
}

/// The one reading path: decode and check every file, build the round through
/// its front door, report every problem at once.
fn read_named(
    units: Named,
    people: Named,
    staff: Named,
    policy: Option<Named>,
    offers: Option<Named>,
    today: chrono::NaiveDate,
    mut problems: Vec<Problem>,
) -> Result<Loaded> {
    let mut warnings = Vec::new();
    let mut sources = Vec::new();
    let all = [
        Some(&units),
        Some(&people),
        Some(&staff),
        policy.as_ref(),
        offers.as_ref(),
    ];
    for n in all.into_iter().flatten() {
        if let Some(bytes) = &n.bytes {
            sources.push(Source {
                path: n.path.clone(),
                sha256: hex(&Sha256::digest(bytes)),
            });
        }
    }
    // Workbooks become CSV (after hashing the files as they are); the sheets remember how to name their cells.
    let mut sheets: Vec<(String, workbook::Sheet)> = Vec::new();
    let (mut units, mut people, mut staff) = (units, people, staff);
    let mut offers = offers;
    for n in [
        Some(&mut units),
        Some(&mut people),
        Some(&mut staff),
        offers.as_mut(),
    ]
    .into_iter()
    .flatten()
    {
        if let Some(sheet) = as_csv(n, &mut problems) {
            sheets.push((n.name.clone(), sheet));
        }
    }
    // The policy first: its kinds and aliases say how to read the exports.
    let policy_value = match policy
        .as_ref()
        .and_then(|n| n.bytes.as_deref().map(|b| (n, b)))
    {
        Some((n, bytes)) => policy::parse(&n.name, bytes, today).unwrap_or_else(|p| {
            problems.extend(p);
            Policy::with_date(today)
        }),
        None => Policy::with_date(today),
    };
    let mut aliases_used = AliasesUsed::new();
    let mut reading = Reading {
        problems: &mut problems,
        warnings: &mut warnings,
        kinds: &policy_value.kinds,
        aliases: &policy_value.aliases,
        used: &mut aliases_used,
    };
    let mut unit_rows = rows(&units, &mut reading, read_units);
    let mut people_rows = rows(&people, &mut reading, read_people);
    let mut staff_rows = rows(&staff, &mut reading, read_staff);
    // The offers record: kept offers, declines, tenants, active cases.
    let record = offers.as_ref().and_then(|n| {
        n.bytes
            .as_deref()
            .map(|b| crate::record::read(&n.name, b, &mut reading))
    });
    let mut programme = crate::record::Applied::default();
    if let Some(rec) = &record {
        problems.extend(crate::record::check(rec));
        programme = crate::record::apply(
            rec,
            &mut unit_rows,
            &mut people_rows,
            &staff_rows,
            &policy_value,
            &crate::record::Files {
                people: &people.name,
                record: &rec.file,
            },
            &mut problems,
        );
    }
    // With `caseload`, free slots are the total less the record's active cases.
    for s in &mut staff_rows {
        if let Some(total) = s.caseload {
            let active = programme.active_cases.get(&s.id).copied().unwrap_or(0);
            s.capacity = total.saturating_sub(active);
        }
    }
    let files = RoundFiles {
        units: units.name,
        people: people.name,
        staff: staff.name,
        policy: policy.map_or_else(|| "policy.toml".into(), |n| n.name),
    };
    let mut round = Round::checked(
        unit_rows,
        people_rows,
        staff_rows,
        policy_value,
        &files,
        &mut problems,
    );
    round.programme = programme;
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
fn as_csv(n: &mut Named, problems: &mut Vec<Problem>) -> Option<workbook::Sheet> {
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
type Reader<T> = fn(&str, &[u8], &mut Reading<'_>) -> Vec<T>;

/// The rows of one input with `read`; none when it was missing.
fn rows<T>(n: &Named, r: &mut Reading<'_>, read: Reader<T>) -> Vec<T> {
    n.bytes
        .as_deref()
        .map(|b| read(&n.name, b, r))
        .unwrap_or_default()
}

/// Lower-case hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The column tables of the three exports, with their file names.
pub(crate) const COLUMN_TABLES: [(&[Column], &str); 3] = [
    (UNIT_COLUMNS, "units.csv"),
    (PEOPLE_COLUMNS, "people.csv"),
    (STAFF_COLUMNS, "staff.csv"),
];

const UNIT_COLUMNS: &[Column] = &[
    Column {
        name: "unit_id",
        aliases: &["bolig_id", "boligid", "bolig", "lejemaal", "lejemål", "id"],
        required: true,
    },
    Column {
        name: "kind",
        aliases: &["type", "boligtype", "art"],
        required: true,
    },
    Column {
        name: "places",
        aliases: &["pladser", "antal_pladser"],
        required: false,
    },
    Column {
        name: "rent_dkk",
        aliases: &["husleje", "husleje_kr", "husleje_dkk", "leje", "rent"],
        required: true,
    },
    Column {
        name: "available_from",
        aliases: &["ledig_fra", "disponibel_fra", "fra_dato"],
        required: false,
    },
    Column {
        name: "drug_free",
        aliases: &["stoffri", "misbrugsfri"],
        required: false,
    },
    Column {
        name: "gender",
        aliases: &["køn", "koen"],
        required: false,
    },
    Column {
        name: "min_age",
        aliases: &["min_alder", "minimumsalder"],
        required: false,
    },
    Column {
        name: "max_age",
        aliases: &["max_alder", "maksimumsalder", "maks_alder"],
        required: false,
    },
    Column {
        name: "area",
        aliases: &["område", "omraade", "bydel", "kommune"],
        required: false,
    },
];

const PEOPLE_COLUMNS: &[Column] = &[
    Column {
        name: "person_id",
        aliases: &["borger_id", "borgerid", "id", "pseudonym"],
        required: true,
    },
    Column {
        name: "gender",
        aliases: &["køn", "koen"],
        required: true,
    },
    Column {
        name: "age",
        aliases: &["alder"],
        required: true,
    },
    Column {
        name: "substance_use",
        aliases: &["misbrug", "rusmiddel", "rusmiddelbrug"],
        required: false,
    },
    Column {
        name: "psychiatric",
        aliases: &[
            "psykiatri",
            "psykiatrisk",
            "psykisk_sygdom",
            "psykisk_lidelse",
        ],
        required: false,
    },
    Column {
        name: "in_recovery",
        aliases: &[
            "i_behandling",
            "efterbehandling",
            "stoffri_ønske",
            "recovery",
        ],
        required: false,
    },
    Column {
        name: "income_dkk",
        aliases: &["indkomst", "indkomst_kr", "indtægt", "indtaegt", "income"],
        required: true,
    },
    Column {
        name: "max_rent_dkk",
        aliases: &["max_husleje", "maks_husleje", "max_leje"],
        required: false,
    },
    Column {
        name: "stay",
        aliases: &["opholdssted", "ophold", "opholdssted_nu"],
        required: false,
    },
    Column {
        name: "registered",
        aliases: &["registreret", "opskrevet", "skrevet_op", "ventet_siden"],
        required: false,
    },
    Column {
        name: "female_staff",
        aliases: &[
            "kvindelig_medarbejder",
            "kvindelig_bostøtte",
            "kvindelig_bostoette",
        ],
        required: false,
    },
    Column {
        name: "home_area",
        aliases: &["hjemområde", "hjemomraade", "hjemkommune", "bopæl"],
        required: false,
    },
    Column {
        name: "preferred_areas",
        aliases: &[
            "ønskede_områder",
            "oenskede_omraader",
            "ønsker",
            "foretrukne_områder",
        ],
        required: false,
    },
    Column {
        name: "declined_units",
        aliases: &["afslåede_boliger", "afslaaede_boliger", "afslag"],
        required: false,
    },
    Column {
        name: "pinned_unit",
        aliases: &["tilbudt_bolig", "fastholdt_bolig", "accepteret_bolig"],
        required: false,
    },
    Column {
        name: "known_staff_id",
        aliases: &[
            "kendt_medarbejder",
            "kendt_bostøtte",
            "opsøgende_medarbejder",
        ],
        required: false,
    },
];

const STAFF_COLUMNS: &[Column] = &[
    Column {
        name: "staff_id",
        aliases: &["medarbejder_id", "medarbejderid", "medarbejder", "id"],
        required: true,
    },
    Column {
        name: "gender",
        aliases: &["køn", "koen"],
        required: true,
    },
    Column {
        name: "method",
        aliases: &["metode"],
        required: true,
    },
    Column {
        name: "capacity",
        aliases: &["kapacitet", "ledige_pladser", "ledige_sager"],
        required: false,
    },
    Column {
        name: "caseload",
        aliases: &["sagsstamme", "antal_sager", "normering"],
        required: false,
    },
];

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
