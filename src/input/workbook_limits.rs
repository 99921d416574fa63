//! Limits on a workbook, checked before the workbook reader builds anything
//! large: the zip's entries are inflated into nothing with a byte limit (a
//! header's declared size is not trusted), and the sheet to be read is
//! scanned as a stream of XML for its extent, its cell references, its
//! shared-string indices, its cell sizes and its merged cells.
//!
//! What is covered: `.xlsx`, `.xlsm` and `.ods` (zip files) by every limit
//! below. An old binary `.xls` by [`MAX_WORKBOOK_BYTES`], and each sheet's
//! declared extent and the extent of its cells by the row, column and cell
//! caps (see `workbook_xls`), and its merged cells; not by the text caps
//! (its shared texts are not measured before the reader opens it).

pub use super::workbook_scan::{
    Refusal, MAX_CELLS, MAX_CELL_BYTES, MAX_ENTRIES, MAX_ENTRY_BYTES,
    MAX_INFLATED_BYTES, MAX_WORKBOOK_BYTES,
};
use super::workbook_scan::{attr, cut, part, unescape, xml, xml_error, Extent, Zip};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::io::{BufRead, Cursor, Read};

fn refuse<T>(place: String, message: String) -> Result<T, Refusal> {
    Err((place, message))
}



/// The zip archive of a workbook's bytes, `None` when they are not a zip
/// (an `.xls`, or damage the reader reports).
fn archive(bytes: &[u8]) -> Option<Zip<'_>> {
    if !bytes.starts_with(b"PK") {
        return None;
    }
    zip::ZipArchive::new(Cursor::new(bytes)).ok()
}

/// Every entry of a zip workbook inflated into nothing with a byte limit:
/// an entry larger (declared or actual) than [`MAX_ENTRY_BYTES`], all of
/// them larger than [`MAX_INFLATED_BYTES`], or more than [`MAX_ENTRIES`]
/// entries are refused.
pub fn check_entries(bytes: &[u8]) -> Result<(), Refusal> {
    if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return super::workbook_xls::check(bytes);
    }
    let Some(mut zip) = archive(bytes) else {
        return Ok(());
    };
    if zip.len() > MAX_ENTRIES {
        return refuse(
            String::new(),
            format!(
                "is a zip of {} parts; a workbook has at most {MAX_ENTRIES}",
                zip.len()
            ),
        );
    }
    let too_big = |name: &str| {
        format!(
            "has a part \"{}\" that inflates to more than {MAX_ENTRY_BYTES} bytes (a zip bomb, or far more than an export); save the data as CSV",
            cut(name)
        )
    };
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(|e| {
            (
                String::new(),
                format!("has a part that cannot be read ({e}); open it in Excel and save it again"),
            )
        })?;
        let name = f.name().to_string();
        if f.size() > MAX_ENTRY_BYTES {
            return refuse(String::new(), too_big(&name));
        }
        let n = std::io::copy(&mut (&mut f).take(MAX_ENTRY_BYTES + 1), &mut std::io::sink())
            .map_err(|e| {
                (
                    String::new(),
                    format!(
                        "has a damaged part \"{}\" ({e}); open it in Excel and save it again",
                        cut(&name)
                    ),
                )
            })?;
        if n > MAX_ENTRY_BYTES {
            return refuse(String::new(), too_big(&name));
        }
        total += n;
        if total > MAX_INFLATED_BYTES {
            return refuse(
                String::new(),
                format!("inflates to more than {MAX_INFLATED_BYTES} bytes in all; save the data as CSV"),
            );
        }
    }
    if part(&zip, "xl/workbook.bin").is_some() {
        return refuse(
            String::new(),
            "is a binary Excel workbook (.xlsb), which boligmatch does not read; save it as .xlsx or CSV".into(),
        );
    }
    if is_ods(&zip) {
        return super::workbook_ods::check_tables(&mut zip, None);
    }
    // The reader holds every shared text from the moment it opens the file.
    shared_strings(&mut zip).map(|_| ())
}

/// Whether a zip is an OpenDocument file (`content.xml`, no
/// `xl/workbook.xml`).
fn is_ods(zip: &Zip<'_>) -> bool {
    part(zip, "content.xml").is_some() && part(zip, "xl/workbook.xml").is_none()
}

/// A cell reference (`B14`) as a 1-based row and 0-based column; `None`
/// when it is not a cell of a spreadsheet (columns A–XFD, rows 1–1,048,576).
pub fn parse_ref(s: &str) -> Option<(u64, u64)> {
    let s = s.trim_start_matches('$');
    let split = s.find(|c: char| !c.is_ascii_alphabetic())?;
    let (letters, digits) = s.split_at(split);
    let digits = digits.trim_start_matches('$');
    if letters.is_empty() || letters.len() > 3 || digits.is_empty() || digits.len() > 7 {
        return None;
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let col = letters
        .bytes()
        .fold(0u64, |n, b| n * 26 + u64::from(b.to_ascii_uppercase() - b'A' + 1));
    let row: u64 = digits.parse().ok()?;
    (col <= 16_384 && (1..=1_048_576).contains(&row)).then_some((row, col - 1))
}

/// The sheet named `name` of a zip workbook checked before it is read: its
/// extent, references, shared-string indices, cell sizes and merged cells.
/// A workbook that is not a zip, or has no such sheet, is left to the reader.
pub fn check_sheet(bytes: &[u8], name: &str) -> Result<(), Refusal> {
    let Some(mut zip) = archive(bytes) else {
        return Ok(());
    };
    let sheet = format!(", sheet \"{}\"", cut(name));
    if is_ods(&zip) {
        return super::workbook_ods::check_tables(&mut zip, Some(name));
    }
    let strings = shared_strings(&mut zip)?;
    let lost = || {
        (
            sheet.clone(),
            "cannot be found in the workbook; open it in Excel and save it again".to_string(),
        )
    };
    let path = sheet_path(&mut zip, name).ok_or_else(lost)?;
    let checked = match xml(&mut zip, &path) {
        Some(mut r) => scan_sheet(&mut r, &sheet, &strings),
        None => Err(lost()),
    };
    checked
}

/// The path of sheet `name` inside an `.xlsx`: `xl/workbook.xml` gives its
/// relation id, `xl/_rels/workbook.xml.rels` the id's target.
fn sheet_path(zip: &mut Zip<'_>, name: &str) -> Option<String> {
    let mut id = None;
    let mut buf = Vec::new();
    let mut r = xml(zip, "xl/workbook.xml")?;
    while let Ok(ev) = r.read_event_into(&mut buf) {
        match ev {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"sheet" => {
                let n = attr(&e, b"name").map(|n| unescape(&n));
                if n.as_deref() == Some(name) {
                    id = attr(&e, b"r:id").or_else(|| attr(&e, b"relationships:id"));
                    break;
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    drop(r);
    let id = id?;
    let mut r = xml(zip, "xl/_rels/workbook.xml.rels")?;
    loop {
        buf.clear();
        match r.read_event_into(&mut buf).ok()? {
            Event::Start(e) | Event::Empty(e) if attr(&e, b"Id").as_deref() == Some(&id) => {
                let t = attr(&e, b"Target")?;
                // As the reader resolves it.
                return Some(if let Some(t) = t.strip_prefix("/xl/") {
                    format!("xl/{t}")
                } else if t.starts_with("xl/") {
                    t
                } else {
                    format!("xl/{t}")
                });
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// The byte length of each shared string (`xl/sharedStrings.xml`); a table
/// of more than [`MAX_CELLS`] strings is refused.
fn shared_strings(zip: &mut Zip<'_>) -> Result<Vec<usize>, Refusal> {
    let mut lens = Vec::new();
    let Some(mut r) = xml(zip, "xl/sharedStrings.xml") else {
        return Ok(lens);
    };
    let mut buf = Vec::new();
    let place = ", shared strings";
    loop {
        buf.clear();
        match r.read_event_into(&mut buf) {
            Err(e) => return Err(xml_error(place, &e)),
            Ok(Event::Eof) => return Ok(lens),
            Ok(Event::Start(e)) if e.local_name().as_ref() == b"si" => lens.push(0),
            Ok(Event::Empty(e)) if e.local_name().as_ref() == b"si" => lens.push(0),
            Ok(Event::Text(t)) => {
                if let Some(l) = lens.last_mut() {
                    *l += t.len();
                }
            }
            _ => {}
        }
        if lens.len() as u64 > MAX_CELLS {
            return refuse(
                place.to_string(),
                format!("has more than {MAX_CELLS} texts; save the data as CSV"),
            );
        }
    }
}

/// The cell being read in a sheet's XML.
#[derive(Default)]
struct Cell {
    at: (u64, u64),
    shared: bool,
    has_value: bool,
    in_value: bool,
    text: usize,
    value: String,
}

/// A worksheet's XML being scanned: where it is, the cell open, the
/// extent so far.
struct Scan<'a> {
    sheet: &'a str,
    strings: &'a [usize],
    extent: Extent,
    row: u64,
    col: u64,
    cell: Option<Cell>,
}

/// Scans a worksheet's XML for its extent, references, shared-string
/// indices, cell sizes and merged ranges.
fn scan_sheet<R: BufRead>(r: &mut Reader<R>, sheet: &str, strings: &[usize]) -> Result<(), Refusal> {
    let mut buf = Vec::new();
    let mut s = Scan { sheet, strings, extent: Extent::default(), row: 0, col: 0, cell: None };
    loop {
        buf.clear();
        let ev = r.read_event_into(&mut buf).map_err(|e| xml_error(sheet, &e))?;
        let start = matches!(ev, Event::Start(_));
        match ev {
            Event::Eof => return Ok(()),
            Event::Start(e) | Event::Empty(e) => s.start(&e, start)?,
            Event::Text(t) => s.text(t.len(), &t)?,
            Event::End(e) => s.end(e.local_name().as_ref())?,
            _ => {}
        }
    }
}

impl Scan<'_> {
    /// The place of a cell in messages.
    fn at(&self, (row, col): (u64, u64)) -> String {
        format!("{}, cell {}{row}", self.sheet, super::workbook_scan::column_letters(col as usize))
    }

    fn refused(&self, message: String) -> Refusal {
        (self.sheet.to_string(), message)
    }

    /// An element's start (`start`) or an empty element.
    fn start(&mut self, e: &BytesStart<'_>, start: bool) -> Result<(), Refusal> {
        match e.local_name().as_ref() {
            b"row" => {
                self.row = match attr(e, b"r") {
                    Some(v) => v.trim().parse().ok().filter(|r| (1..=1_048_576).contains(r)).ok_or_else(|| {
                        self.refused(format!("has a row numbered \"{}\", which is not a row of a sheet; open it in Excel and save it again", cut(&v)))
                    })?,
                    None => self.row + 1,
                };
                self.col = 0;
            }
            b"c" => {
                let at = match attr(e, b"r") {
                    Some(v) => parse_ref(&v).ok_or_else(|| {
                        self.refused(format!("has a cell \"{}\", which is not a cell reference (the last cell of a sheet is XFD1048576); open it in Excel and save it again", cut(&v)))
                    })?,
                    None => (self.row.max(1), self.col),
                };
                self.col = at.1 + 1;
                let shared = attr(e, b"t").as_deref() == Some("s");
                if start {
                    self.cell = Some(Cell { at, shared, ..Cell::default() });
                }
            }
            b"v" | b"is" | b"t" => {
                if let Some(c) = self.cell.as_mut() {
                    c.has_value = true;
                    c.in_value = e.local_name().as_ref() == b"v";
                }
            }
            b"mergeCell" => {
                let range = attr(e, b"ref").unwrap_or_default();
                return Err(self.refused(format!("has merged cells {}; unmerge the cells (every value in its own cell) and save it again", cut(&range))));
            }
            b"dimension" => {
                let d = attr(e, b"ref").unwrap_or_default();
                if !d.split(':').all(|p| parse_ref(p).is_some()) {
                    return Err(self.refused(format!("declares its extent as \"{}\", which is not a range of cells; open it in Excel and save it again", cut(&d))));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Text inside the open cell.
    fn text(&mut self, len: usize, t: &[u8]) -> Result<(), Refusal> {
        let Some(c) = self.cell.as_mut() else {
            return Ok(());
        };
        c.text += len;
        if c.in_value && c.value.len() < 24 {
            c.value.push_str(&String::from_utf8_lossy(t));
        }
        if c.text > MAX_CELL_BYTES {
            let at = c.at;
            return Err((self.at(at), format!("holds more than {MAX_CELL_BYTES} bytes of text; boligmatch reads cells of at most that")));
        }
        Ok(())
    }

    /// An element's end.
    fn end(&mut self, name: &[u8]) -> Result<(), Refusal> {
        match name {
            b"v" => {
                if let Some(c) = self.cell.as_mut() {
                    c.in_value = false;
                }
            }
            b"c" => {
                if let Some(c) = self.cell.take() {
                    end_cell(&c, self.strings, &mut self.extent).map_err(|m| (self.at(c.at), m))?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// A cell's end: its value checked against the shared strings, its place
/// against the extent caps.
fn end_cell(c: &Cell, strings: &[usize], extent: &mut Extent) -> Result<(), String> {
    if !c.has_value {
        return Ok(());
    }
    if c.shared {
        let v = c.value.trim();
        let i: Option<usize> = v.parse().ok();
        match i.and_then(|i| strings.get(i)) {
            None => {
                return Err(format!(
                    "refers to shared text number \"{}\", but the workbook has {} texts; open it in Excel and save it again",
                    cut(v),
                    strings.len()
                ))
            }
            Some(&len) if len > MAX_CELL_BYTES => {
                return Err(format!(
                    "holds more than {MAX_CELL_BYTES} bytes of text; boligmatch reads cells of at most that"
                ))
            }
            Some(&len) => extent.add_text(len as u64)?,
        }
    } else {
        extent.add_text(c.text as u64)?;
    }
    extent.add(c.at.0, c.at.1, 1, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_cells_of_a_sheet_or_nothing() {
        assert_eq!(parse_ref("A1"), Some((1, 0)));
        assert_eq!(parse_ref("$B$14"), Some((14, 1)));
        assert_eq!(parse_ref("XFD1048576"), Some((1_048_576, 16_383)));
        for bad in ["XFE1", "A1048577", "ZZZZZ40", "A0", "A", "40", "", "Å1", "A1x", "AB-1"] {
            assert_eq!(parse_ref(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_extent_is_held_to_rows_columns_and_cells() {
        let mut e = Extent::default();
        assert!(e.add(1, 0, 1, 1).is_ok());
        assert!(e.add(200_001, 0, 1, 1).is_ok());
        assert!(e.add(1, 0, 200_002, 1).is_err());
        let mut e = Extent::default();
        assert!(e.add(1, 999, 1, 1).is_ok());
        assert!(e.add(1, 0, 1, 1).is_ok());
        assert!(e.add(1, 1_000, 1, 1).is_err());
        let mut e = Extent::default();
        assert!(e.add(1, 0, 1_000, 1_000).is_ok());
        assert!(e.add(1_001, 0, 1, 1).is_err());
        let mut e = Extent::default();
        assert!(e.add(u64::MAX, u64::MAX, u64::MAX, u64::MAX).is_err());
        assert_eq!(Extent::default().area(), 0);
    }

    #[test]
    fn a_zip_bomb_is_refused_by_what_it_inflates_to() {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default().large_file(true);
        assert!(w.start_file("xl/worksheets/sheet1.xml", opts).is_ok());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..65 {
            assert!(std::io::Write::write_all(&mut w, &zeros).is_ok());
        }
        let Ok(bytes) = w.finish().map(Cursor::into_inner) else {
            return;
        };
        let refused = check_entries(&bytes);
        assert!(matches!(refused, Err((_, m)) if m.contains("inflates to more than")));
    }
}
