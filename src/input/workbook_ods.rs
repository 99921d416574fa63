//! The workbook limits (`workbook_limits`) for an OpenDocument sheet
//! (`content.xml`): rows and columns repeated (`table:number-rows-repeated`,
//! `table:number-columns-repeated`) count as the cells the reader would
//! build, spanned cells are merged cells.

use super::workbook_scan::column_letters;
use super::workbook_scan::{attr, cut, unescape, xml, xml_error, Extent, Refusal, Zip, MAX_CELLS, MAX_CELL_BYTES, MAX_SHEET_TEXT};
use quick_xml::events::{BytesStart, Event};

/// Where the scan is in the table being read.
#[derive(Default)]
struct Table {
    extent: Extent,
    /// 0-based index of the current row, and how often it repeats.
    row: u64,
    rows: u64,
    /// 0-based index of the next column.
    col: u64,
    /// The open cell: its place, how often it repeats, whether it has
    /// content, its text so far.
    cell: Option<((u64, u64), u64, bool, usize)>,
    /// Whether merged cells are refused (in the table read).
    merges: bool,
}

/// A repeat count attribute (`table:number-rows-repeated`), 1 when absent.
fn count(e: &BytesStart<'_>, key: &[u8], place: &str) -> Result<u64, Refusal> {
    match attr(e, key) {
        None => Ok(1),
        Some(v) => v.trim().parse::<u64>().map(|n| n.max(1)).map_err(|_| {
            (
                place.to_string(),
                format!(
                    "has {} = \"{}\", which is not a count; open it and save it again",
                    String::from_utf8_lossy(key),
                    cut(&v)
                ),
            )
        }),
    }
}

/// Every table of an `.ods` checked for its extent (with repeats) and cell
/// sizes, and the tables together for their cells (the reader builds them
/// all when it opens the file); table `merged` (when named) also for merged
/// cells.
pub fn check_tables(zip: &mut Zip<'_>, merged: Option<&str>) -> Result<(), Refusal> {
    let Some(mut r) = xml(zip, "content.xml") else {
        return Ok(());
    };
    let mut buf = Vec::new();
    let mut table: Option<(String, Table)> = None;
    let mut cells = 0u64;
    let mut text = 0u64;
    loop {
        buf.clear();
        let ev = r.read_event_into(&mut buf).map_err(|e| xml_error("", &e))?;
        let start = matches!(ev, Event::Start(_));
        match (ev, table.as_mut()) {
            (Event::Eof, _) => return Ok(()),
            (Event::Start(e), None) if e.name().as_ref() == b"table:table" => {
                let name = attr(&e, b"table:name").map(|n| unescape(&n)).unwrap_or_default();
                let t = Table { merges: merged == Some(name.as_str()), ..Table::default() };
                table = Some((format!(", sheet \"{}\"", cut(&name)), t));
            }
            (Event::End(e), Some((_, t))) if e.name().as_ref() == b"table:table" => {
                cells = cells.saturating_add(t.extent.area());
                text = text.saturating_add(t.extent.text);
                if text > MAX_SHEET_TEXT {
                    return Err((String::new(), format!("has more than {MAX_SHEET_TEXT} bytes of text in its sheets together; save the data as CSV")));
                }
                if cells > MAX_CELLS {
                    return Err((String::new(), format!("has more than {MAX_CELLS} cells in its sheets together; save the data as CSV")));
                }
                table = None;
            }
            (Event::Start(e) | Event::Empty(e), Some((sheet, t))) => t.start(&e, start, sheet)?,
            (Event::Text(x), Some((sheet, t))) => t.text(x.len(), sheet)?,
            (Event::End(e), Some((sheet, t))) => t.end(e.name().as_ref(), sheet)?,
            _ => {}
        }
    }
}

impl Table {
    fn at(sheet: &str, (row, col): (u64, u64)) -> String {
        format!("{sheet}, cell {}{}", column_letters(col as usize), row + 1)
    }

    fn start(&mut self, e: &BytesStart<'_>, start: bool, sheet: &str) -> Result<(), Refusal> {
        match e.name().as_ref() {
            b"table:table-row" => {
                self.row = self.row.saturating_add(self.rows);
                self.rows = count(e, b"table:number-rows-repeated", sheet)?;
                self.col = 0;
            }
            b"table:table-cell" | b"table:covered-table-cell" => {
                let at = (self.row, self.col);
                let place = Self::at(sheet, at);
                let cols = count(e, b"table:number-columns-repeated", &place)?;
                self.col = self.col.saturating_add(cols);
                for key in [&b"table:number-columns-spanned"[..], b"table:number-rows-spanned"] {
                    if self.merges && count(e, key, &place)? > 1 {
                        return Err((place, "is merged with the cells beside or below it; unmerge the cells (every value in its own cell) and save it again".into()));
                    }
                }
                let text = attr(e, b"office:string-value").map_or(0, |s| s.len());
                let content = start || attr(e, b"office:value-type").is_some();
                self.cell = Some((at, cols, content, text));
                if !start {
                    self.close(sheet)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn text(&mut self, len: usize, sheet: &str) -> Result<(), Refusal> {
        if let Some((at, _, _, text)) = self.cell.as_mut() {
            *text += len;
            if *text > MAX_CELL_BYTES {
                let at = *at;
                return Err((Self::at(sheet, at), format!("holds more than {MAX_CELL_BYTES} bytes of text; boligmatch reads cells of at most that")));
            }
        }
        Ok(())
    }

    fn end(&mut self, name: &[u8], sheet: &str) -> Result<(), Refusal> {
        if matches!(name, b"table:table-cell" | b"table:covered-table-cell") {
            self.close(sheet)?;
        }
        Ok(())
    }

    /// The open cell closed: its size and (when it has content) its place
    /// checked.
    fn close(&mut self, sheet: &str) -> Result<(), Refusal> {
        let Some((at, cols, content, text)) = self.cell.take() else {
            return Ok(());
        };
        let place = Self::at(sheet, at);
        if text > MAX_CELL_BYTES {
            return Err((place, format!("holds more than {MAX_CELL_BYTES} bytes of text; boligmatch reads cells of at most that")));
        }
        if content {
            self.extent
                .add(at.0 + 1, at.1, self.rows, cols)
                .map_err(|m| (sheet.to_string(), m))?;
            let copies = self.rows.saturating_mul(cols);
            self.extent
                .add_text((text as u64).saturating_mul(copies))
                .map_err(|m| (sheet.to_string(), m))?;
        }
        Ok(())
    }
}
