//! The one set-up every CSV file is read with: its bytes decoded, its line
//! ends made one, its delimiter sniffed from the header, and a reader that
//! leaves the header and the width of each row to the caller.

use super::text;

/// A CSV file's text, ready to read: decoded, CRLF written as LF, with the
/// delimiter its header uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvText {
    text: String,
    delimiter: u8,
}

/// The records of a [`CsvText`] in file order, each with its position.
pub type Records<'a> = csv::StringRecordsIntoIter<&'a [u8]>;

impl CsvText {
    /// Bytes decoded as UTF-8 (with or without BOM), else as Windows-1252:
    /// for files boligmatch wrote and the record the weekly commands change.
    pub fn decode(bytes: &[u8]) -> CsvText {
        CsvText::from_text(text::decode(bytes))
    }

    /// Bytes decoded one way from the first byte to the last (see
    /// [`text::decode_checked`]): for the office's exports, where a stray
    /// byte would garble letters without a word. The error is the line of
    /// the first bad byte and what to do.
    pub fn decode_checked(bytes: &[u8]) -> Result<CsvText, (u64, String)> {
        text::decode_checked(bytes).map(CsvText::from_text)
    }

    fn from_text(text: String) -> CsvText {
        // CRLF as LF: the csv reader would otherwise count CRLF lines one short.
        let text = text.replace("\r\n", "\n");
        let delimiter = text::sniff_delimiter(&text);
        CsvText { text, delimiter }
    }

    /// The decoded text (line ends as LF).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The delimiter sniffed from the header (`;`, `,` or tab).
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// A reader of the text with its delimiter. The first record is the
    /// header, returned like any other, so that the caller names its
    /// problems; rows may have any number of fields, so that the caller can
    /// report a short or long row rather than read values shifted into the
    /// wrong columns.
    pub fn reader(&self) -> csv::Reader<&[u8]> {
        csv::ReaderBuilder::new()
            .delimiter(self.delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(self.text.as_bytes())
    }

    /// The header (each cell trimmed) and the records after it. The header
    /// is `None` when the text has no line at all, an error when its line
    /// cannot be read as CSV.
    pub fn header_and_records(&self) -> (Option<csv::Result<Vec<String>>>, Records<'_>) {
        let mut records = self.reader().into_records();
        let header = records
            .next()
            .map(|r| r.map(|r| r.iter().map(|h| h.trim().to_string()).collect()));
        (header, records)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_and_the_rows_in_any_dialect() {
        let t = CsvText::decode(b"\xEF\xBB\xBF a ; b \r\n1;2;3\r\n");
        assert_eq!((t.delimiter(), t.text()), (b';', " a ; b \n1;2;3\n"));
        let (header, records) = t.header_and_records();
        assert_eq!(header.unwrap().unwrap(), ["a", "b"]);
        let rows: Vec<_> = records.map(Result::unwrap).collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].len(), 3, "rows of any width are read");
        assert_eq!(rows[0].position().unwrap().line(), 2);
        let (header, _) = CsvText::decode(b"").header_and_records();
        assert!(header.is_none());
        let k = CsvText::decode(b"k\xF8n,x\n");
        assert_eq!((k.delimiter(), k.text()), (b',', "køn,x\n"));
    }
}
