//! Excel and OpenDocument workbooks read as exports: a sheet becomes CSV text
//! with every cell written the way the contract reads it (dates as
//! `yyyy-mm-dd`, whole numbers without `.0`, booleans as `true`/`false`), so
//! that one reader — aliases, Danish headers, every check — serves both, and
//! problems are then named by sheet and cell.

use crate::error::Problem;
use calamine::{open_workbook_auto_from_rs, Data, Reader};

/// The workbook file endings read.
pub const EXTENSIONS: [&str; 4] = ["xlsx", "xlsm", "xls", "ods"];

/// The most sheets a workbook may have.
pub const MAX_SHEETS: usize = 200;

/// Whether a file name ends in a workbook ending.
pub fn is_workbook_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    EXTENSIONS.iter().any(|e| lower.ends_with(&format!(".{e}")))
}

/// Whether bytes are a workbook: a zip (xlsx, xlsm, ods) or an old Excel
/// binary (xls).
pub fn looks_like_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0")
}

/// A sheet as CSV: the text, the sheet's name and its header row (for naming
/// cells in problems).
#[derive(Debug, Clone)]
pub struct Sheet {
    /// The sheet as CSV bytes (`,`, UTF-8).
    pub csv: Vec<u8>,
    /// The sheet read.
    pub name: String,
    /// The first row's cells as text.
    pub headers: Vec<String>,
    /// The sheet's first used row (1-based) and column (0-based).
    pub first: (u64, usize),
    /// Error cells (`#N/A`, …), each at its sheet and cell; read as empty.
    pub problems: Vec<Problem>,
}

pub use super::workbook_scan::column_letters;

/// A number as the CSV files write it: whole numbers without a decimal
/// part, others in the shortest form that reads back to the same value.
fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Reads sheet `sheet` (or the first) of a workbook's bytes as CSV. Every
/// error cell (`#N/A`, `#VALUE!`) is a problem at its sheet and cell, in
/// [`Sheet::problems`] (the cell reads as empty, so that every other problem
/// of the sheet is found too).
pub fn to_csv(file: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Sheet, Vec<Problem>> {
    use super::workbook_limits as limits;
    let fail = |m: String| vec![Problem::file(file, m)];
    let refused = |(place, m): limits::Refusal| vec![Problem::file(&format!("{file}{place}"), m)];
    if bytes.len() as u64 > limits::MAX_WORKBOOK_BYTES {
        return Err(fail(format!(
            "has {} bytes; boligmatch reads workbooks of at most {} bytes (save the data as CSV)",
            bytes.len(),
            limits::MAX_WORKBOOK_BYTES
        )));
    }
    limits::check_entries(bytes).map_err(refused)?;
    let mut book = open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(|e| {
        fail(format!(
            "cannot be read as a workbook ({e}); open it in Excel and save it again, or save it as CSV"
        ))
    })?;
    let visible: Vec<bool> = book
        .sheets_metadata()
        .iter()
        .map(|s| s.visible == calamine::SheetVisible::Visible)
        .collect();
    let name = sheet_name(&book.sheet_names(), &visible, sheet).map_err(fail)?;
    limits::check_sheet(bytes, &name).map_err(refused)?;
    if let calamine::Sheets::Xls(xls) = &book {
        if let Some(d) = xls.worksheet_merge_cells(&name).and_then(|m| m.first().copied()) {
            let cell = |(r, c): (u32, u32)| format!("{}{}", column_letters(c as usize), r + 1);
            return Err(fail(format!(
                "sheet \"{name}\" has merged cells {}:{}; unmerge the cells (every value in its own cell) and save it again",
                cell(d.start),
                cell(d.end)
            )));
        }
    }
    let range = book
        .worksheet_range(&name)
        .map_err(|e| fail(format!("sheet \"{name}\" cannot be read ({e})")))?;
    if range.height() > crate::input::MAX_ROWS + 1 {
        return Err(fail(format!(
            "sheet \"{name}\" has {} rows; boligmatch reads at most {} data rows",
            range.height(),
            crate::input::MAX_ROWS
        )));
    }
    Ok(sheet_as_csv(file, name, &range))
}

/// The sheet to read: the one named, else the first visible one (`visible`
/// in the order of `names`); the message says why none can be.
fn sheet_name(names: &[String], visible: &[bool], sheet: Option<&str>) -> Result<String, String> {
    if names.len() > MAX_SHEETS {
        return Err(format!(
            "has {} sheets; boligmatch reads workbooks of at most {MAX_SHEETS}",
            names.len()
        ));
    }
    match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| {
                format!(
                    "has no sheet \"{s}\"; its sheets are {}",
                    names
                        .iter()
                        .map(|n| format!("\"{n}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }),
        None => names
            .iter()
            .zip(visible.iter().chain(std::iter::repeat(&true)))
            .find(|(_, v)| **v)
            .map(|(n, _)| n.clone())
            .ok_or_else(|| "has no visible sheets; show one, or name it as file.xlsx#Sheet".into()),
    }
}

/// The used range of sheet `name` as CSV, each error cell a problem at its
/// cell.
fn sheet_as_csv(file: &str, name: String, range: &calamine::Range<Data>) -> Sheet {
    let (row0, col0) = range
        .start()
        .map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let mut problems = Vec::new();
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let mut headers = Vec::new();
    for (r, row) in range.rows().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                cell_text(cell).unwrap_or_else(|e| {
                    problems.push(Problem::file(
                        &format!(
                            "{file}, sheet \"{name}\", cell {}{}",
                            column_letters(col0 + c),
                            row0 + r + 1
                        ),
                        format!("is an Excel error ({e}); correct the formula or clear the cell"),
                    ));
                    String::new()
                })
            })
            .collect();
        if r == 0 {
            headers = cells.clone();
        }
        let _ = w.write_record(&cells);
    }
    Sheet {
        csv: w.into_inner().unwrap_or_default(),
        name,
        headers,
        first: (row0 as u64 + 1, col0),
        problems,
    }
}

/// A cell as the CSV files write it: dates as `yyyy-mm-dd`, whole numbers
/// without `.0`, booleans as `true`/`false`; an error cell (`#N/A`) is its
/// error, as Excel shows it.
fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{day:02}")
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.split('T').next().unwrap_or(s).to_string(),
        Data::Error(e) => return Err(e.to_string()),
    })
}

/// Names a problem of the CSV reader by sheet and cell: `units.xlsx, sheet
/// "Boliger", cell D14` (or `row 14` when no column is named).
pub fn place(p: &mut Problem, file: &str, sheet: &Sheet) {
    let (first_row, first_col) = sheet.first;
    if p.file != file {
        return;
    }
    let Some(line) = p.line else {
        p.file = format!("{file}, sheet \"{}\"", sheet.name);
        return;
    };
    let row = line + first_row - 1;
    let col = p
        .column
        .as_ref()
        .and_then(|h| sheet.headers.iter().position(|x| x.trim() == h.trim()));
    p.file = match col {
        Some(c) => format!(
            "{file}, sheet \"{}\", cell {}{row}",
            sheet.name,
            column_letters(first_col + c)
        ),
        None => format!("{file}, sheet \"{}\", row {row}", sheet.name),
    };
    p.line = None;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_as_spreadsheets_do() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(3), "D");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn numbers_read_as_the_csv_writes_them() {
        assert_eq!(number(25.0), "25");
        assert_eq!(number(3275.5), "3275.5");
        assert_eq!(number(0.1), "0.1");
    }
}
