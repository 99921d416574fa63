//! The parts the workbook checks share: the caps, the extent of a sheet as
//! it grows, and streaming XML over one part of a zip.

use quick_xml::events::BytesStart;
use quick_xml::Reader;
use std::io::{BufReader, Cursor, Read};

/// The largest workbook file read, in bytes.
pub const MAX_WORKBOOK_BYTES: u64 = 64 * 1024 * 1024;
/// The most columns a sheet's data may span (A to ALL).
pub const MAX_COLUMNS: u64 = 1_000;
/// The most cells the rectangle from a sheet's first to its last used cell
/// may hold (rows × columns): 100,000 rows of 10 columns, or 10,000 of 100
/// (the reader builds the whole rectangle; a larger export is read as CSV).
pub const MAX_CELLS: u64 = 1_000_000;
/// The most bytes of text one cell may hold.
pub const MAX_CELL_BYTES: usize = 32 * 1024;
/// The most bytes of text the cells of a sheet may hold together.
pub const MAX_SHEET_TEXT: u64 = 32 * 1024 * 1024;
/// The most bytes one entry of a zip workbook may inflate to.
pub const MAX_ENTRY_BYTES: u64 = 64 * 1024 * 1024;
/// The most bytes all entries of a zip workbook together may inflate to.
pub const MAX_INFLATED_BYTES: u64 = 128 * 1024 * 1024;
/// The most entries a zip workbook may have.
pub const MAX_ENTRIES: usize = 10_000;

/// Where in the workbook (appended to the file's name: `, sheet "S", cell
/// B4`, or empty) and what is wrong.
pub type Refusal = (String, String);

pub(super) type Zip<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// A value cut to a readable length for a message.
pub(super) fn cut(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out.escape_debug().to_string()
}

/// The index of part `path`, found as the reader finds it: by name,
/// ignoring case, `\\` read as `/`.
pub(super) fn part(zip: &Zip<'_>, path: &str) -> Option<usize> {
    let name = zip
        .file_names()
        .find(|n| n.replace('\\', "/").eq_ignore_ascii_case(path))?;
    zip.index_for_name(name)
}

/// A streaming XML reader over one zip entry (at most [`MAX_ENTRY_BYTES`]).
pub(super) fn xml<'a, 'b: 'a>(
    zip: &'a mut Zip<'b>,
    path: &str,
) -> Option<Reader<BufReader<Box<dyn Read + 'a>>>> {
    let idx = part(zip, path)?;
    let f = zip.by_index(idx).ok()?;
    let f: Box<dyn Read + 'a> = Box::new(f.take(MAX_ENTRY_BYTES));
    Some(Reader::from_reader(BufReader::new(f)))
}

/// The value of attribute `key` of an element.
pub(super) fn attr(e: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

/// The problem of an XML reader's error at `place`.
pub(super) fn xml_error(place: &str, e: &quick_xml::Error) -> Refusal {
    (
        place.to_string(),
        format!("cannot be read as a workbook ({e}); open it in Excel and save it again"),
    )
}

/// The rectangle of a sheet's used cells, checked as it grows.
#[derive(Default)]
pub(super) struct Extent {
    min: Option<(u64, u64)>,
    max: (u64, u64),
    /// The bytes of text the reader builds for the cells so far (a shared
    /// text is copied into every cell that uses it).
    pub(super) text: u64,
}

impl Extent {
    /// Adds `bytes` of cell text; refuses more than [`MAX_SHEET_TEXT`].
    pub(super) fn add_text(&mut self, bytes: u64) -> Result<(), String> {
        self.text = self.text.saturating_add(bytes);
        if self.text > MAX_SHEET_TEXT {
            return Err(format!(
                "holds more than {MAX_SHEET_TEXT} bytes of text in its cells (a text used by many cells counts for each); save the data as CSV"
            ));
        }
        Ok(())
    }

    /// The cells of the rectangle.
    pub(super) fn area(&self) -> u64 {
        self.min.map_or(0, |(r0, c0)| {
            (self.max.0 - r0 + 1).saturating_mul(self.max.1 - c0 + 1)
        })
    }

    /// Adds the cells from (`row`, `col`) to (`row` + `rows` - 1, `col` +
    /// `cols` - 1); refuses an extent past the caps.
    pub(super) fn add(&mut self, row: u64, col: u64, rows: u64, cols: u64) -> Result<(), String> {
        let last = (
            row.saturating_add(rows.max(1) - 1),
            col.saturating_add(cols.max(1) - 1),
        );
        if last.0 > 1_048_576 || last.1 >= 16_384 {
            return Err(format!(
                "has data past the last cell of a sheet (XFD1048576), at row {} and column {}; boligmatch reads at most {} data rows and {MAX_COLUMNS} columns",
                last.0,
                last.1.saturating_add(1),
                crate::input::MAX_ROWS
            ));
        }
        let (r0, c0) = self.min.unwrap_or((row, col));
        self.min = Some((r0.min(row), c0.min(col)));
        self.max = (self.max.0.max(last.0), self.max.1.max(last.1));
        let (r0, c0) = self.min.unwrap_or_default();
        let (h, w) = (self.max.0 - r0 + 1, self.max.1 - c0 + 1);
        let max_rows = crate::input::MAX_ROWS as u64 + 1;
        if h > max_rows {
            return Err(format!(
                "has data down to row {}; boligmatch reads at most {} data rows (delete the rows below the data)",
                self.max.0,
                crate::input::MAX_ROWS
            ));
        }
        if w > MAX_COLUMNS {
            return Err(format!(
                "has data out to column {}; boligmatch reads at most {MAX_COLUMNS} columns (delete the columns right of the data)",
                column_letters(self.max.1 as usize)
            ));
        }
        if h.saturating_mul(w) > MAX_CELLS {
            return Err(format!(
                "has {h} rows × {w} columns; boligmatch reads at most {MAX_CELLS} cells"
            ));
        }
        Ok(())
    }
}

/// An attribute's text with XML's entities replaced.
pub(super) fn unescape(s: &str) -> String {
    quick_xml::escape::unescape(s).map_or_else(|_| s.to_string(), |c| c.into_owned())
}

/// The column letters of a 0-based index: A, B, …, Z, AA, ….
pub fn column_letters(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}
