//! The reports: tables (CSV and workbook sheets), JSON, the printed tables
//! and the HTML pages of allocate, whatif, plan, history and simulate.
//! Reads only the typed results the library returned; never the inputs
//! again.
//!
//! Every table a command writes is one [`Table`] value, built once from the
//! typed result: [`Table::csv`] writes it as a CSV file and
//! [`xlsx::from_tables`] as a workbook sheet, so the two never drift apart.

pub mod compare;
pub mod files;
pub mod history;
pub mod html;
pub(crate) mod labels;
pub mod plan;
pub mod simulation;
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

impl Cell {
    /// The cell as a CSV file writes it: text through the formula [`guard`],
    /// a number in digits.
    pub fn csv_text(&self) -> String {
        match self {
            Cell::Text(t) => guard(t),
            Cell::Int(n) => n.to_string(),
        }
    }
}

pub use crate::output::guard;

/// One table of a command's output: a CSV file (`{name}.csv`) and a sheet
/// of its workbook (`name`) alike.
///
/// ```
/// use boligmatch::report::{Cell, CsvStyle, Table};
///
/// let t = Table {
///     name: "plan",
///     headers: vec!["template", "count"],
///     rows: vec![vec![Cell::from("ICM worker"), Cell::Int(2)]],
/// };
/// assert_eq!(t.file_name(), "plan.csv");
/// assert_eq!(t.csv(CsvStyle::PLAIN), b"template,count\r\nICM worker,2\r\n");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The sheet's name and the CSV file's name without `.csv`.
    pub name: &'static str,
    /// The column names, as the CSV file writes them.
    pub headers: Vec<&'static str>,
    /// The rows, one cell per column.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// A table of text cells (the rows a library result gives as text, e.g.
    /// [`crate::weekly::history::WeekRow::cells`]).
    pub fn of_text(name: &'static str, headers: &[&'static str], rows: Vec<Vec<String>>) -> Table {
        Table {
            name,
            headers: headers.to_vec(),
            rows: rows
                .into_iter()
                .map(|r| r.into_iter().map(Cell::Text).collect())
                .collect(),
        }
    }

    /// The CSV file's name: `{name}.csv`.
    pub fn file_name(&self) -> String {
        format!("{}.csv", self.name)
    }

    /// The table as a CSV file in `style`.
    pub fn csv(&self, style: CsvStyle) -> Vec<u8> {
        csv_bytes(&self.headers, &self.rows, style)
    }

    /// The CSV file: its name and its bytes in `style`.
    pub fn file(&self, style: CsvStyle) -> (String, Vec<u8>) {
        (self.file_name(), self.csv(style))
    }
}

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
        let cells: Vec<String> = row.iter().map(Cell::csv_text).collect();
        let _ = w.write_record(&cells);
    }
    w.into_inner().unwrap_or_default()
}
