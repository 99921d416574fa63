//! The offers record as the changes of the weekly loop see it
//! ([`super::offer()`], [`super::answer()`]): the file's cells kept as
//! written, with its dialect, read back with every check before and after a
//! change, and changed only under its lock ([`update`]).

use crate::error::{Error, Problem, Problems};
use crate::input::csv_text::CsvText;
use crate::input::record::read;
use crate::input::table::Reading;
use crate::model::columns::RECORD_COLUMNS;
use crate::model::record::Record;
use crate::round::programme::check;
use crate::round::{Round, RoundPaths};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

pub use crate::model::record::{Line, Reason, Status, COLUMNS, MAX_LINES};

/// A record file as cells, for the commands that change it (`offer`,
/// `record`): the header and the rows as written, so that a line nobody
/// touches keeps its text, and the dialect the office saved it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editable {
    delimiter: u8,
    bom: bool,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// Why the offers record cannot be changed, whatever the change.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// The record is an Excel workbook (by its name or its bytes).
    #[error("{} is an Excel workbook, not CSV; the offers record must stay CSV so that every tool can read it: in Excel, File > Save As > \"CSV UTF-8\" (or \"CSV (semikolonsepareret)\")", path.display())]
    Workbook {
        /// The record.
        path: PathBuf,
    },
    /// There is no record to change yet.
    #[error("{} does not exist; make offers first", path.display())]
    Missing {
        /// The record.
        path: PathBuf,
    },
    /// The record, as it is or as the change would leave it, breaks a rule
    /// of its own (cells, one open line each, dates in order, places).
    #[error("{0}")]
    Problems(Problems),
    /// The record cannot be read, locked or written ([`Error::Io`],
    /// [`Error::Refused`] from [`crate::output::update_locked`]).
    #[error(transparent)]
    File(Error),
    /// The folder keeps its record as a workbook (`offers.xlsx`) and has no
    /// CSV record at the path: a change would start a second record.
    #[error("{} does not exist but {} does; the offers record must stay CSV so that every tool can read it — save it as {} (in Excel, File > Save As > \"CSV UTF-8\") and run the command again", path.display(), workbook.display(), file_name(path))]
    WorkbookBeside {
        /// The record's CSV path.
        path: PathBuf,
        /// The workbook beside it.
        workbook: PathBuf,
    },
    /// The round the record belongs to refuses the record as the change
    /// would leave it: the very problems `check` reports (an unknown
    /// worker or home, a kept offer the home's rules forbid, more tenants
    /// and kept offers than places, …). Nothing is written.
    #[error(transparent)]
    Round(Error),
}

impl From<RecordError> for Error {
    fn from(e: RecordError) -> Error {
        match e {
            RecordError::Problems(p) => Error::Input(p),
            RecordError::File(e) | RecordError::Round(e) => e,
            e => Error::Refused(e.to_string()),
        }
    }
}

/// Whether bytes are an Excel workbook (a zip file) rather than CSV.
pub fn is_workbook(bytes: &[u8]) -> bool {
    crate::input::workbook::looks_like_workbook(bytes)
}

/// Refuses a record whose name says it is a workbook (`.xlsx`, `.xlsm`,
/// `.xls`), before anything reads it.
pub fn refuse_workbook_name(path: &Path) -> Result<(), RecordError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if matches!(ext.as_deref(), Some("xlsx" | "xlsm" | "xls")) {
        return Err(RecordError::Workbook {
            path: path.to_path_buf(),
        });
    }
    Ok(())
}

/// Refuses to start a CSV record at `path` beside a record kept as a
/// workbook (`offers.xlsx`, `.xlsm`, `.xls`, `.ods` with the same stem):
/// the office would then have two records.
pub fn refuse_workbook_beside(path: &Path) -> Result<(), RecordError> {
    if path.exists() {
        return Ok(());
    }
    let Some(stem) = path.file_stem() else {
        return Ok(());
    };
    let beside = crate::input::workbook::EXTENSIONS
        .iter()
        .map(|e| {
            let mut name = stem.to_os_string();
            name.push(format!(".{e}"));
            path.with_file_name(name)
        })
        .find(|p| p.exists());
    match beside {
        Some(workbook) => Err(RecordError::WorkbookBeside {
            path: path.to_path_buf(),
            workbook,
        }),
        None => Ok(()),
    }
}

/// The round a record belongs to, by its files: every change to the record
/// is checked against it exactly as `check` reads the round and its record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundOf {
    /// The round's files (its `offers` is replaced by the record changed).
    pub paths: RoundPaths,
    /// The day used where the policy gives no round date.
    pub today: NaiveDate,
}

impl RoundOf {
    /// The round with the record at `record` as `bytes` (`None`: no record
    /// yet), read as `check` reads it.
    pub fn round(&self, record: &Path, bytes: Option<&[u8]>) -> Result<Round, RecordError> {
        let paths = RoundPaths {
            offers: bytes.map(|_| record.to_path_buf()),
            ..self.paths.clone()
        };
        crate::round::load_with_offers(&paths, bytes, self.today)
            .map(|l| l.round)
            .map_err(RecordError::Round)
    }

    /// Refuses the record's new `bytes` when `check` would refuse them:
    /// the round read with them, and its kept offers that cannot all hold.
    pub fn check(&self, record: &Path, bytes: &[u8]) -> Result<(), RecordError> {
        let round = self.round(record, Some(bytes))?;
        crate::allocate::check_pins(&round).map_err(RecordError::Round)
    }
}

/// The record's file name, for messages (`offers.csv` when the path has
/// none).
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| "offers.csv".into(), |n| n.to_string_lossy().into_owned())
}

/// Changes the record at `path` under its lock and atomically, through
/// [`crate::output::update_locked`]: `change` gets the current bytes
/// (`None`: no record yet) and gives the new ones, or why not, in which
/// case nothing is written and its error comes back as it is.
pub fn update<E: From<RecordError>>(
    path: &Path,
    change: impl FnOnce(Option<&[u8]>) -> Result<Vec<u8>, E>,
) -> Result<(), E> {
    let mut refused = None;
    let done = crate::output::update_locked(path, |bytes| {
        change(bytes).map_err(|e| {
            refused = Some(e);
            // Only stops the update: `e` itself is returned below.
            Error::Refused(String::new())
        })
    });
    match (done, refused) {
        (_, Some(e)) => Err(e),
        (Err(e), None) => Err(RecordError::File(e).into()),
        (Ok(()), None) => Ok(()),
    }
}

impl Editable {
    /// The record's bytes (`None`: a new record, written `;` with a BOM
    /// when `excel`, else `,`).
    pub fn parse(bytes: Option<&[u8]>, excel: bool) -> std::result::Result<Editable, String> {
        let Some(bytes) = bytes else {
            return Ok(Editable {
                delimiter: if excel { b';' } else { b',' },
                bom: excel,
                header: COLUMNS.iter().map(|c| c.to_string()).collect(),
                rows: Vec::new(),
            });
        };
        if is_workbook(bytes) {
            return Err("the record is an Excel workbook, not CSV".into());
        }
        let bom = bytes.starts_with(b"\xEF\xBB\xBF");
        let csv = CsvText::decode(bytes);
        let delimiter = csv.delimiter();
        let (header, records) = csv.header_and_records();
        let header = match header {
            Some(Ok(h)) => h,
            _ => COLUMNS.iter().map(|c| c.to_string()).collect(),
        };
        let mut rows = Vec::new();
        for r in records {
            let r = r.map_err(|e| format!("a line cannot be read as CSV: {e}"))?;
            rows.push(r.iter().map(str::to_string).collect());
        }
        // Windows-1252 is written back as UTF-8 with a BOM, which Excel reads.
        let utf8 = std::str::from_utf8(bytes).is_ok();
        let mut ed = Editable {
            delimiter,
            bom: bom || delimiter == b';' || !utf8,
            header,
            rows,
        };
        // A column the file lacks is added at the end.
        for c in COLUMNS {
            if ed.column(c).is_none() {
                ed.header.push(c.to_string());
            }
        }
        let width = ed.header.len();
        for r in &mut ed.rows {
            r.resize(width.max(r.len()), String::new());
        }
        Ok(ed)
    }

    /// The record at `path` opened for a change, from its bytes (`None`: a
    /// new record, in the Danish Excel dialect when `excel`): a workbook is
    /// refused, and the record is read back with every check, so that a
    /// change starts from a record that keeps its rules.
    pub fn open(
        path: &Path,
        bytes: Option<&[u8]>,
        excel: bool,
    ) -> Result<(Editable, Record), RecordError> {
        if bytes.is_some_and(is_workbook) {
            return Err(RecordError::Workbook {
                path: path.to_path_buf(),
            });
        }
        let file = file_name(path);
        let ed = Editable::parse(bytes, excel)
            .map_err(|m| RecordError::Problems(Problems(vec![Problem::file(&file, m)])))?;
        let rec = ed.checked(&file)?.1;
        Ok((ed, rec))
    }

    /// The bytes to write and the record they hold, read back with every
    /// check (`file` names it in problems): a change that would break a
    /// rule is never written.
    pub fn checked(&self, file: &str) -> Result<(Vec<u8>, Record), RecordError> {
        let bytes = self.to_bytes();
        let rec = parse_checked(file, &bytes).map_err(|p| RecordError::Problems(Problems(p)))?;
        Ok((bytes, rec))
    }

    /// The position of a contract column in this file's header.
    fn column(&self, name: &str) -> Option<usize> {
        let spec = RECORD_COLUMNS.iter().find(|c| c.name == name)?;
        let key = crate::model::fold(name);
        self.header.iter().position(|h| {
            let h = crate::model::fold(h);
            h == key || spec.aliases.iter().any(|a| crate::model::fold(a) == h)
        })
    }

    /// A cell of row `row` (0-based, after the header).
    pub fn get(&self, row: usize, name: &str) -> &str {
        self.column(name)
            .and_then(|c| self.rows.get(row).and_then(|r| r.get(c)))
            .map_or("", String::as_str)
    }

    /// Sets a cell of row `row`.
    pub fn set(&mut self, row: usize, name: &str, value: &str) {
        if let Some(c) = self.column(name) {
            if let Some(r) = self.rows.get_mut(row) {
                r[c] = value.to_string();
            }
        }
    }

    /// Appends a line: contract column → value; the rest empty.
    pub fn push(&mut self, values: &[(&str, &str)]) {
        self.rows.push(vec![String::new(); self.header.len()]);
        let row = self.rows.len() - 1;
        for (name, value) in values {
            self.set(row, name, value);
        }
    }

    /// The row (0-based) of the line at file line `line` (header = 1).
    pub fn row_of_line(&self, rec: &Record, line: u64) -> Option<usize> {
        // Lines and rows correspond one to one in a record read from these
        // bytes, except for blank rows the reader skipped.
        let index = rec.lines.iter().position(|l| l.line == line)?;
        let mut seen = 0;
        for (i, r) in self.rows.iter().enumerate() {
            if r.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if seen == index {
                return Some(i);
            }
            seen += 1;
        }
        None
    }

    /// The bytes to write: the file's delimiter, CRLF (as Excel writes), a
    /// UTF-8 BOM when the file had one or is in the Danish dialect; text
    /// cells guarded against formula injection.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        if self.bom {
            out.extend_from_slice(b"\xEF\xBB\xBF");
        }
        let mut w = csv::WriterBuilder::new()
            .delimiter(self.delimiter)
            .terminator(csv::Terminator::CRLF)
            .flexible(true)
            .from_writer(out);
        let _ = w.write_record(&self.header);
        for r in &self.rows {
            let cells: Vec<String> = r.iter().map(|c| crate::output::guard(c)).collect();
            let _ = w.write_record(&cells);
        }
        w.into_inner().unwrap_or_default()
    }
}

/// Reads a record from bytes with the built-in vocabulary, for the commands
/// that change it: the record, or every problem (cells and hand-edit rules).
pub fn parse_checked(file: &str, bytes: &[u8]) -> std::result::Result<Record, Vec<Problem>> {
    let (mut problems, mut warnings) = (Vec::new(), Vec::new());
    let (kinds, aliases) = (crate::model::kinds::Kinds::default(), Default::default());
    let mut used = crate::input::AliasesUsed::new();
    let mut reading = Reading {
        problems: &mut problems,
        warnings: &mut warnings,
        kinds: &kinds,
        aliases: &aliases,
        used: &mut used,
    };
    let rec = read(file, bytes, &mut reading);
    problems.extend(check(&rec));
    if problems.is_empty() {
        Ok(rec)
    } else {
        problems.sort();
        problems.dedup();
        Err(problems)
    }
}
