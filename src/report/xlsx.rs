//! Workbooks out (`--xlsx`): a command's [`Table`]s, one sheet each, with
//! typed cells (numbers as numbers, dates as dates), headers in the report's
//! language, a frozen header row, filters and widths.
//!
//! A sheet equals its CSV file cell for cell: each cell is the CSV file's
//! text of the cell ([`Cell::csv_text`]), written as a number when it is a
//! whole number (at most 15 characters, no leading zero), as a date when it
//! is an ISO date (`yyyy-mm-dd`), else as text. So a text cell keeps the
//! CSV's formula guard (a leading `'`, see [`super::guard`]), and a text
//! cell that reads as a whole number or a date is typed like one (the
//! history's and the simulation's rows come from the library as text).

use super::html::Lang;
use super::{Cell, Table};
use crate::error::{Error, Result};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

/// Danish names of the output columns (the glossary); English keeps the
/// CSV names.
fn header(name: &str, lang: Lang) -> &str {
    if lang == Lang::En {
        return name;
    }
    match name {
        "proposal" => "forslag",
        "rank" => "rang",
        "person_id" => "borger_id",
        "unit_id" => "bolig_id",
        "current_unit_id" => "nuværende_bolig_id",
        "unit_kind" => "boligtype",
        "area" => "område",
        "staff_id" => "medarbejder_id",
        "method" => "metode",
        "priority" => "prioritet",
        "fit" => "match",
        "reasons" => "begrundelse",
        "reason" => "årsag",
        "details" => "detaljer",
        "priority_loss" => "tab_af_prioritet",
        "fit_loss" => "tab_af_match",
        "scope" => "omfang",
        "goal" => "mål",
        "achieved" => "opnået",
        "total" => "i_alt",
        "share" => "andel",
        "target" => "mål_andel",
        "met" => "nået",
        other => other,
    }
}

/// The most rows a sheet may get (Excel's own limit is 1,048,576).
pub const MAX_SHEET_ROWS: usize = 1_048_575;

/// A cell as a sheet holds it.
#[derive(Debug, Clone, PartialEq)]
enum Typed {
    /// A number cell.
    Number(i64),
    /// A date cell, shown `dd-mm-yyyy`.
    Date(NaiveDate),
    /// A text cell.
    Text(String),
}

/// The sheet's cell for `cell`: the CSV file's text of it
/// ([`Cell::csv_text`]), as a number when it is a whole number of at most 15
/// characters without a leading zero (Excel holds 15 digits exactly), as a
/// date when it is an ISO date (`yyyy-mm-dd`), else as text. These are the
/// rules the workbooks were typed by when they were read back from the CSV
/// files, kept so that every sheet keeps its cells.
fn typed(cell: &Cell) -> Typed {
    let text = cell.csv_text();
    if let Some(n) = whole(&text) {
        return Typed::Number(n);
    }
    match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
        Ok(d) => Typed::Date(d),
        Err(_) => Typed::Text(text),
    }
}

/// `c` as a whole number: digits (after any `-`), fewer than 16 characters,
/// no leading zero.
fn whole(c: &str) -> Option<i64> {
    let whole = !c.is_empty()
        && c.len() < 16
        && c.trim_start_matches('-')
            .chars()
            .all(|d| d.is_ascii_digit())
        && !(c.len() > 1 && c.starts_with('0'))
        && c != "-";
    if whole {
        c.parse().ok()
    } else {
        None
    }
}

fn fail(e: XlsxError) -> Error {
    Error::Solver(format!("the workbook cannot be written: {e}"))
}

/// A workbook of `tables`, one sheet each in their order, named by the
/// tables' names, the headers in `lang`.
///
/// ```
/// use boligmatch::report::{html::Lang, xlsx, Cell, Table};
///
/// let t = Table {
///     name: "plan",
///     headers: vec!["template", "count"],
///     rows: vec![vec![Cell::from("ICM worker"), Cell::Int(2)]],
/// };
/// let bytes = xlsx::from_tables(&[&t], Lang::En)?;
/// assert!(bytes.starts_with(b"PK"));
/// # Ok::<(), boligmatch::Error>(())
/// ```
pub fn from_tables(tables: &[&Table], lang: Lang) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    for table in tables {
        if table.rows.len() > MAX_SHEET_ROWS {
            return Err(Error::Refused(format!(
                "{}: {} rows do not fit in a worksheet",
                table.name,
                table.rows.len()
            )));
        }
        sheet(book.add_worksheet(), table, lang).map_err(fail)?;
    }
    book.save_to_buffer().map_err(fail)
}

/// Writes `table` into `ws`: bold headers, typed cells, widths from the
/// longest text (6 to 60 characters), the header row frozen, a filter.
fn sheet(ws: &mut Worksheet, table: &Table, lang: Lang) -> std::result::Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd-mm-yyyy");
    ws.set_name(table.name)?;
    let mut widths: Vec<usize> = table
        .headers
        .iter()
        .map(|h| header(h, lang).chars().count())
        .collect();
    for (c, h) in table.headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, header(h, lang), &bold)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let col = c as u16;
            let len = match typed(cell) {
                Typed::Number(n) => {
                    ws.write_number(r, col, n as f64)?;
                    n.to_string().len()
                }
                Typed::Date(d) => {
                    let x =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                    ws.write_datetime_with_format(r, col, &x, &date)?;
                    cell.csv_text().chars().count()
                }
                Typed::Text(t) => {
                    ws.write_string(r, col, &t)?;
                    t.chars().count()
                }
            };
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(len);
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w).clamp(6, 60) as f64 + 2.0)?;
    }
    ws.set_freeze_panes(1, 0)?;
    if !table.headers.is_empty() {
        ws.autofilter(
            0,
            0,
            table.rows.len() as u32,
            table.headers.len() as u16 - 1,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{open_workbook_auto_from_rs, Data, Reader};

    #[test]
    fn cells_are_typed_as_the_csv_file_writes_them() {
        let date = NaiveDate::from_ymd_opt(2014, 11, 3).unwrap();
        let text = |s: &str| Typed::Text(s.to_string());
        for (cell, want) in [
            (Cell::Int(42), Typed::Number(42)),
            (Cell::Int(-250), Typed::Number(-250)),
            (Cell::Int(0), Typed::Number(0)),
            // Beyond Excel's 15 exact digits: text, as the CSV shows it.
            (Cell::Int(-123_456_789_012_345), text("-123456789012345")),
            (
                Cell::Int(123_456_789_012_345),
                Typed::Number(123_456_789_012_345),
            ),
            (Cell::Int(1_234_567_890_123_456), text("1234567890123456")),
            // Text that reads as a whole number or a date is typed.
            (Cell::from("1"), Typed::Number(1)),
            (Cell::from("2014-11-03"), Typed::Date(date)),
            // The rest is text, the formula guard kept as in the CSV file.
            (Cell::from("007"), text("007")),
            (Cell::from("0.6552"), text("0.6552")),
            (Cell::from("1/2"), text("1/2")),
            (Cell::from(""), text("")),
            (Cell::from("-3"), text("'-3")),
            (Cell::from("+2 ordinary"), text("'+2 ordinary")),
            (Cell::from("=1+1"), text("'=1+1")),
            (Cell::from("03-11-2014"), text("03-11-2014")),
        ] {
            assert_eq!(typed(&cell), want, "{cell:?}");
        }
    }

    #[test]
    fn a_workbook_holds_one_typed_sheet_per_table() {
        let a = Table {
            name: "history",
            headers: vec!["week", "round_date", "reason"],
            rows: vec![
                vec![Cell::Int(1), "2014-11-03".into(), "-".into()],
                vec![Cell::Int(2), "2014-11-10".into(), "rent".into()],
            ],
        };
        let b = Table {
            name: "goals",
            headers: vec!["goal", "share"],
            rows: vec![vec!["under_18_housed".into(), "1".into()]],
        };
        let bytes = from_tables(&[&a, &b], Lang::Da).unwrap();
        let mut book = open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["history", "goals"]);
        let history = book.worksheet_range("history").unwrap();
        let row = |r: usize| history.rows().nth(r).unwrap().to_vec();
        assert_eq!(
            row(0),
            [
                Data::String("week".into()),
                Data::String("round_date".into()),
                Data::String("årsag".into())
            ]
        );
        assert_eq!(row(1)[0], Data::Float(1.0));
        assert!(matches!(row(1)[1], Data::DateTime(_)), "{:?}", row(1)[1]);
        assert_eq!(row(1)[2], Data::String("'-".into()));
        let goals = book.worksheet_range("goals").unwrap();
        assert_eq!(goals.get((1, 1)), Some(&Data::Float(1.0)));
    }

    #[test]
    fn a_table_too_long_for_a_sheet_is_refused() {
        let t = Table {
            name: "weekly",
            headers: vec!["week"],
            rows: vec![Vec::new(); MAX_SHEET_ROWS + 1],
        };
        match from_tables(&[&t], Lang::En) {
            Err(Error::Refused(m)) => assert!(m.starts_with("weekly: 1048576 rows"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
