//! Workbooks out (`--xlsx`): the tables of the CSV files, one sheet each,
//! with typed cells (numbers as numbers, dates as dates), headers in the
//! report's language, a frozen header row, filters and widths. The cells are
//! the CSV files' cells (without the CSV's formula guard: a workbook cell
//! written as text is never run as a formula).

use super::html::Lang;
use super::Cell;
use crate::error::{Error, Result};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

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

/// One sheet: its name, its column names and its rows.
pub type SheetData<'a> = (&'a str, &'a [&'a str], &'a [Vec<Cell>]);

/// A workbook of `sheets`.
pub fn workbook(sheets: &[SheetData<'_>], lang: Lang) -> Result<Vec<u8>> {
    let fail = |e: rust_xlsxwriter::XlsxError| {
        Error::Solver(format!("the workbook cannot be written: {e}"))
    };
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd-mm-yyyy");
    for (name, headers, rows) in sheets {
        if rows.len() > MAX_SHEET_ROWS {
            return Err(Error::Refused(format!(
                "{name}: {} rows do not fit in a worksheet",
                rows.len()
            )));
        }
        let ws = book.add_worksheet();
        ws.set_name(*name).map_err(fail)?;
        let mut widths: Vec<usize> = headers
            .iter()
            .map(|h| header(h, lang).chars().count())
            .collect();
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, header(h, lang), &bold)
                .map_err(fail)?;
        }
        for (r, row) in rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let col = c as u16;
                match cell {
                    Cell::Int(n) => {
                        ws.write_number(r, col, *n as f64).map_err(fail)?;
                    }
                    Cell::Text(t) => match chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
                        Ok(d) => {
                            use chrono::Datelike;
                            let x = ExcelDateTime::from_ymd(
                                d.year() as u16,
                                d.month() as u8,
                                d.day() as u8,
                            )
                            .map_err(fail)?;
                            ws.write_datetime_with_format(r, col, &x, &date)
                                .map_err(fail)?;
                        }
                        Err(_) => {
                            ws.write_string(r, col, t).map_err(fail)?;
                        }
                    },
                }
                let len = match cell {
                    Cell::Int(n) => n.to_string().len(),
                    Cell::Text(t) => t.chars().count(),
                };
                if let Some(w) = widths.get_mut(c) {
                    *w = (*w).max(len);
                }
            }
        }
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, (*w).clamp(6, 60) as f64 + 2.0)
                .map_err(fail)?;
        }
        ws.set_freeze_panes(1, 0).map_err(fail)?;
        if !headers.is_empty() {
            ws.autofilter(0, 0, rows.len() as u32, headers.len() as u16 - 1)
                .map_err(fail)?;
        }
    }
    book.save_to_buffer().map_err(fail)
}

/// A workbook of CSV files (sheet name, CSV bytes as written): each cell as
/// the CSV has it, whole numbers (without a leading zero) as numbers, ISO
/// dates as dates, the rest as text — so the sheets equal the CSV files
/// cell for cell.
pub fn from_csv(files: &[(&str, &[u8])], lang: Lang) -> Result<Vec<u8>> {
    let mut tables: Vec<(String, Vec<String>, Vec<Vec<Cell>>)> = Vec::new();
    for (name, bytes) in files {
        let text = crate::input::decode_text(bytes);
        let delimiter = crate::input::sniff(&text);
        let mut r = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = r
            .headers()
            .map(|h| h.iter().map(str::to_string).collect())
            .unwrap_or_default();
        let mut rows = Vec::new();
        for rec in r.records().flatten() {
            rows.push(
                rec.iter()
                    .map(|c| {
                        let whole = !c.is_empty()
                            && c.len() < 16
                            && c.trim_start_matches('-')
                                .chars()
                                .all(|d| d.is_ascii_digit())
                            && !(c.len() > 1 && c.starts_with('0'))
                            && c != "-";
                        match c.parse::<i64>() {
                            Ok(n) if whole => Cell::Int(n),
                            _ => Cell::Text(c.to_string()),
                        }
                    })
                    .collect(),
            );
        }
        tables.push((name.to_string(), headers, rows));
    }
    let heads: Vec<Vec<&str>> = tables
        .iter()
        .map(|(_, h, _)| h.iter().map(String::as_str).collect())
        .collect();
    let sheets: Vec<SheetData<'_>> = tables
        .iter()
        .zip(&heads)
        .map(|((n, _, rows), h)| (n.as_str(), h.as_slice(), rows.as_slice()))
        .collect();
    workbook(&sheets, lang)
}
