//! Turning an [`Outcome`](crate::allocate::Outcome) into files and tables.
//! Reads only what the allocation stage returned; never the inputs again.

pub mod compare;
pub mod files;
pub mod html;
pub(crate) mod labels;
pub mod plan;
pub(crate) mod svg;
pub mod table;
pub mod words;
pub mod xlsx;

/// How CSV files are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvStyle {
    /// Field delimiter (`,` plain, `;` for Danish Excel).
    pub delimiter: u8,
    /// Start with a UTF-8 byte-order mark (Excel needs it to read UTF-8).
    pub bom: bool,
}

impl CsvStyle {
    /// Plain CSV: `,`, no BOM.
    pub const PLAIN: CsvStyle = CsvStyle {
        delimiter: b',',
        bom: false,
    };
    /// Danish Excel: `;`, UTF-8 with BOM.
    pub const EXCEL: CsvStyle = CsvStyle {
        delimiter: b';',
        bom: true,
    };
}

/// A cell: text is guarded against formula injection, numbers are not.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Free text or an id.
    Text(String),
    /// A whole number.
    Int(i64),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Int(n)
    }
}
impl From<usize> for Cell {
    fn from(n: usize) -> Self {
        Cell::Int(n as i64)
    }
}

pub use crate::output::guard;

/// Writes a CSV table to bytes in the given style.
pub fn csv_bytes(headers: &[&str], rows: &[Vec<Cell>], style: CsvStyle) -> Vec<u8> {
    let mut out = Vec::new();
    if style.bom {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    let mut w = csv::WriterBuilder::new()
        .delimiter(style.delimiter)
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    // Writing to a Vec cannot fail; errors are impossible here but handled.
    let _ = w.write_record(headers);
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Cell::Text(t) => guard(t),
                Cell::Int(n) => n.to_string(),
            })
            .collect();
        let _ = w.write_record(&cells);
    }
    w.into_inner().unwrap_or_default()
}
