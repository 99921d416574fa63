//! The offers record as the commands that change it see it (`offer`,
//! `record`): the file's cells kept as written, with its dialect, and read
//! back with every check.

use crate::error::Problem;
use crate::input::csv_text::CsvText;
use crate::input::record::read;
use crate::input::table::Reading;
use crate::model::columns::RECORD_COLUMNS;
use crate::model::record::{Record, COLUMNS};
use crate::round::programme::check;

pub use crate::model::record::{Line, Reason, Status, MAX_LINES};

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

/// Whether bytes are an Excel workbook (a zip file) rather than CSV.
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0")
}

/// The message for a record saved as a workbook.
pub fn workbook_message(path: &std::path::Path) -> String {
    format!(
        "{} is an Excel workbook, not CSV; the offers record must stay CSV so that every tool can read it: in Excel, File > Save As > \"CSV UTF-8\" (or \"CSV (semikolonsepareret)\"), and name that file with --offers",
        path.display()
    )
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
