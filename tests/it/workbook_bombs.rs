//! Hostile workbooks (issue 25 A): extents far out, references that are not
//! cells, shared-string indices past the table, parts that inflate to far
//! more than they say, huge cells, ODS rows and columns repeated without
//! end, merged cells, a hidden first sheet. Each is built here from bytes (a
//! zip of hand-written XML) and given to the real `check` as the people
//! file, under a 300 MB address-space limit on Unix: exit code 2 and a
//! message naming the file, never a panic, an abort or a signal.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output};

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data-samples/ballerup-2014")
}

/// A zip of `entries` (name, bytes), deflated.
pub fn zip_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for (name, bytes) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const CT: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const NS: &str = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;

/// An `.xlsx` of sheets (name, hidden, sheet XML body inside `<sheetData>`
/// plus anything after it) and a shared-string table.
pub fn xlsx(sheets: &[(&str, bool, String)], strings: &[&str]) -> Vec<u8> {
    let mut book = format!(r#"<?xml version="1.0" encoding="UTF-8"?><workbook {NS}><sheets>"#);
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    let mut entries = vec![
        ("[Content_Types].xml", CT.as_bytes().to_vec()),
        ("_rels/.rels", RELS.as_bytes().to_vec()),
    ];
    let names: Vec<String> = (1..=sheets.len())
        .map(|i| format!("xl/worksheets/sheet{i}.xml"))
        .collect();
    for (i, (name, hidden, body)) in sheets.iter().enumerate() {
        let state = if *hidden { r#" state="hidden""# } else { "" };
        book += &format!(
            r#"<sheet name="{name}" sheetId="{}"{state} r:id="rId{}"/>"#,
            i + 1,
            i + 1
        );
        rels += &format!(
            r#"<Relationship Id="rId{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{}.xml"/>"#,
            i + 1,
            i + 1
        );
        let xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>{body}</worksheet>"#
        );
        entries.push((names[i].as_str(), xml.into_bytes()));
    }
    let n = sheets.len() + 1;
    rels += &format!(
        r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
    );
    book += "</sheets></workbook>";
    let sst: String = strings
        .iter()
        .map(|s| format!("<si><t>{s}</t></si>"))
        .collect();
    let sst = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="{0}" uniqueCount="{0}">{sst}</sst>"#,
        strings.len()
    );
    entries.push(("xl/workbook.xml", book.into_bytes()));
    entries.push(("xl/_rels/workbook.xml.rels", rels.into_bytes()));
    entries.push(("xl/sharedStrings.xml", sst.into_bytes()));
    zip_of(&entries)
}

const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;

/// An `.ods` whose one table `Ark1` has the rows `rows` (XML).
pub fn ods(rows: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Ark1">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    zip_of(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet".to_vec(),
        ),
        ("META-INF/manifest.xml", MANIFEST.as_bytes().to_vec()),
        ("content.xml", content.into_bytes()),
    ])
}

/// The people file's rows as sheet XML (inline strings), from row `first`.
pub fn people_rows(first: u32) -> String {
    let text = std::fs::read_to_string(sample().join("people.csv")).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let r = first + i as u32;
        out += &format!(r#"<row r="{r}">"#);
        for (c, v) in line.split(',').enumerate() {
            if !v.is_empty() {
                let col = (b'A' + c as u8) as char;
                out += &format!(r#"<c r="{col}{r}" t="inlineStr"><is><t>{v}</t></is></c>"#);
            }
        }
        out += "</row>";
    }
    out
}

/// `check` of the sample with `bytes` as its people file `name`, under a
/// 300 MB address-space limit on Unix.
pub fn check_people(name: &str, bytes: &[u8]) -> Output {
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join(name.split('#').next().unwrap());
    std::fs::write(&book, bytes).unwrap();
    let people = tmp.path().join(name);
    run_limited(&[
        "check",
        sample().to_str().unwrap(),
        "--people",
        people.to_str().unwrap(),
    ])
}

#[cfg(unix)]
fn run_limited(args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -v 307200; exec "$0" "$@""#)
        .arg(env!("CARGO_BIN_EXE_boligmatch"))
        .args(args)
        .output()
        .unwrap()
}

#[cfg(not(unix))]
fn run_limited(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_boligmatch"))
        .args(args)
        .output()
        .unwrap()
}

/// Asserts exit code 2 and a message naming `name` and saying `says`.
pub fn refused(out: &Output, name: &str, says: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    if std::env::var_os("SHOW").is_some() {
        eprintln!("{err}");
    }
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(name), "does not name {name}: {err}");
    assert!(err.contains(says), "does not say {says:?}: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
}

fn cell(r: &str, v: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{v}</t></is></c>"#)
}

#[test]
fn a_cell_at_the_last_corner_is_refused_before_the_sheet_is_built() {
    let body = format!(
        r#"<row r="1">{}</row><row r="1048576">{}</row></sheetData>"#,
        cell("A1", "x"),
        cell("XFD1048576", "y")
    );
    let out = check_people("people.xlsx", &xlsx(&[("Ark1", false, body)], &[]));
    refused(
        &out,
        "people.xlsx, sheet \"Ark1\"",
        "reads at most 200000 data rows",
    );
}

#[test]
fn a_wide_row_is_refused_naming_the_column() {
    let body = format!(
        r#"<row r="1">{}{}</row></sheetData>"#,
        cell("A1", "x"),
        cell("BAA1", "y")
    );
    let out = check_people("people.xlsx", &xlsx(&[("Ark1", false, body)], &[]));
    refused(&out, "sheet \"Ark1\"", "out to column BAA");
}

#[test]
fn a_reference_that_is_not_a_cell_is_refused() {
    let body = format!(r#"<row r="40">{}</row></sheetData>"#, cell("QQQQQ40", "x"));
    let out = check_people("people.xlsx", &xlsx(&[("Data", false, body)], &[]));
    refused(
        &out,
        "people.xlsx, sheet \"Data\"",
        "\"QQQQQ40\", which is not a cell reference",
    );
}

#[test]
fn a_shared_string_past_the_table_is_refused_at_its_cell() {
    let body =
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>7</v></c></row></sheetData>"#;
    let out = check_people(
        "people.xlsx",
        &xlsx(&[("Ark1", false, body.into())], &["person_id"]),
    );
    refused(
        &out,
        "people.xlsx, sheet \"Ark1\", cell B1",
        "shared text number \"7\", but the workbook has 1 texts",
    );
}

#[test]
fn a_huge_cell_is_refused_at_its_cell() {
    let big = "w".repeat(200_000);
    let body = format!(
        r#"<row r="1">{}{}</row></sheetData>"#,
        cell("A1", "x"),
        cell("C1", &big)
    );
    let out = check_people("people.xlsx", &xlsx(&[("Ark1", false, body)], &[]));
    refused(
        &out,
        "people.xlsx, sheet \"Ark1\", cell C1",
        "more than 32768 bytes",
    );
}

#[test]
fn a_part_inflating_past_the_cap_is_refused() {
    // 80 MB of spaces inside the sheet: a few dozen kB deflated.
    let body = format!("{}{}</sheetData>", " ".repeat(80 << 20), people_rows(1));
    let bytes = xlsx(&[("Ark1", false, body)], &[]);
    assert!(bytes.len() < 1 << 20);
    let out = check_people("people.xlsx", &bytes);
    refused(&out, "people.xlsx", "inflates to more than");
}

#[test]
fn merged_cells_are_refused_naming_the_range() {
    let body = format!(
        r#"{}</sheetData><mergeCells count="1"><mergeCell ref="B3:C4"/></mergeCells>"#,
        people_rows(1)
    );
    let out = check_people("people.xlsx", &xlsx(&[("Ark1", false, body)], &[]));
    refused(
        &out,
        "people.xlsx, sheet \"Ark1\"",
        "merged cells B3:C4; unmerge the cells",
    );
}

#[test]
fn the_first_visible_sheet_is_read_and_a_named_one_when_asked() {
    let hidden = format!(
        r#"<row r="1">{}</row></sheetData>"#,
        cell("A1", "not the people")
    );
    let good = format!("{}</sheetData>", people_rows(1));
    let book = xlsx(&[("Gammel", true, hidden), ("Borgere", false, good)], &[]);
    let out = check_people("people.xlsx", &book);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("people: 35"));
    let out = check_people("people.xlsx#Gammel", &book);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_people_as_a_plain_workbook_still_read() {
    let good = format!("{}</sheetData>", people_rows(3));
    let out = check_people("people.xlsx", &xlsx(&[("Ark1", false, good)], &[]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
}

#[test]
fn ods_rows_repeated_without_end_are_refused() {
    let rows = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>person_id</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#;
    let out = check_people("people.ods", &ods(rows));
    refused(&out, "people.ods, sheet \"Ark1\"", "data rows");
}

#[test]
fn ods_columns_repeated_without_end_are_refused() {
    let rows = r#"<table:table-row><table:table-cell table:number-columns-repeated="16000" office:value-type="float" office:value="1"/></table:table-row>"#;
    let out = check_people("people.ods", &ods(rows));
    refused(&out, "people.ods, sheet \"Ark1\"", "columns");
}

#[test]
fn ods_trailing_empty_repeats_are_what_office_writes_and_pass_the_scan() {
    let rows = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16383"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#;
    let out = check_people("people.ods", &ods(rows));
    let err = String::from_utf8_lossy(&out.stderr);
    // Read (one header cell, no data): refused for its columns, not its size.
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        !err.contains("data rows") && !err.contains("out to column"),
        "{err}"
    );
}

#[test]
fn ods_merged_cells_are_refused_at_their_cell() {
    let rows = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell/><table:table-cell table:number-columns-spanned="2" office:value-type="string"><text:p>b</text:p></table:table-cell></table:table-row>"#;
    let out = check_people("people.ods", &ods(rows));
    refused(
        &out,
        "people.ods, sheet \"Ark1\", cell B2",
        "unmerge the cells",
    );
}

/// A workbook at the cell cap (100,000 rows of 10 numbers) is read within
/// the memory limit: refused for its columns (it is not a people file), not
/// killed.
#[test]
fn a_workbook_at_the_cell_cap_is_read_within_the_memory_limit() {
    let mut body = String::with_capacity(40 << 20);
    for r in 1..=100_000u32 {
        body += &format!(r#"<row r="{r}">"#);
        for c in b'A'..=b'J' {
            body += &format!(r#"<c r="{}{r}"><v>{r}</v></c>"#, c as char);
        }
        body += "</row>";
    }
    body += "</sheetData>";
    let out = check_people("people.xlsx", &xlsx(&[("Ark1", false, body)], &[]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("people.xlsx"), "{err}");
    assert!(!err.contains("at most"), "{err}");
}

/// A random reference string that is not a cell of a sheet.
fn bad_ref(rng: &mut ChaCha8Rng) -> String {
    let letters: String = (0..rng.random_range(4..8))
        .map(|_| (b'A' + rng.random_range(0..26u8)) as char)
        .collect();
    match rng.random_range(0..5) {
        0 => format!("{letters}{}", rng.random_range(1..100)),
        1 => format!("A{}", rng.random_range(1_048_577..u32::MAX)),
        2 => "B0".into(),
        3 => format!("{}", rng.random_range(1..100)),
        _ => "Ä1".into(),
    }
}

/// One hostile workbook of kind `kind` (0 to 8), its file name and what the
/// refusal says.
fn hostile_case(rng: &mut ChaCha8Rng, kind: u32) -> (&'static str, Vec<u8>, &'static str) {
    let people = people_rows(1);
    match kind {
        0 => {
            let far = if rng.random_bool(0.5) {
                format!("A{}", rng.random_range(200_002..=1_048_576))
            } else {
                let col = rng.random_range(1_000..16_384usize);
                format!("{}{}", letters(col), rng.random_range(1..40))
            };
            let body = format!(r#"{people}<row>{}</row></sheetData>"#, cell(&far, "x"));
            (
                "people.xlsx",
                xlsx(&[("Ark1", false, body)], &[]),
                "at most",
            )
        }
        1 => {
            let strings = ["person_id", "gender"];
            let index = match rng.random_range(0..3) {
                0 => rng.random_range(2..u64::MAX).to_string(),
                1 => "-1".into(),
                _ => "x".into(),
            };
            let body =
                format!(r#"{people}<row><c r="A40" t="s"><v>{index}</v></c></row></sheetData>"#);
            (
                "people.xlsx",
                xlsx(&[("Ark1", false, body)], &strings),
                "shared text number",
            )
        }
        2 => {
            let body = format!(
                r#"<row>{}</row>{people}</sheetData>"#,
                cell(&bad_ref(rng), "x")
            );
            (
                "people.xlsx",
                xlsx(&[("Ark1", false, body)], &[]),
                "not a cell reference",
            )
        }
        3 => {
            let big = "ø".repeat(rng.random_range(17_000..400_000));
            let book = if rng.random_bool(0.5) {
                let body =
                    format!(r#"{people}<row><c r="B40" t="s"><v>0</v></c></row></sheetData>"#);
                xlsx(&[("Ark1", false, body)], &[&big])
            } else {
                let body = format!(r#"{people}<row>{}</row></sheetData>"#, cell("C41", &big));
                xlsx(&[("Ark1", false, body)], &[])
            };
            ("people.xlsx", book, "bytes of text")
        }
        4 => {
            let si = "<si/>".repeat(1_000_001 + rng.random_range(0..1000));
            let body = format!("{people}</sheetData>");
            let mut book = xlsx(&[("Ark1", false, body)], &[]);
            book = rezip(
                &book,
                "xl/sharedStrings.xml",
                format!(r#"<sst {NS}>{si}</sst>"#).into_bytes(),
            );
            ("people.xlsx", book, "texts")
        }
        5 => ("people.ods", ods(&ods_repeats(rng)), "at most"),
        7 => {
            // One long text copied into many cells.
            let long = "k".repeat(rng.random_range(20_000..32_000));
            let n = rng.random_range(2_000..5_000);
            if rng.random_bool(0.5) {
                let cells: String = (2..n)
                    .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#))
                    .collect();
                let body = format!("{cells}</sheetData>");
                (
                    "people.xlsx",
                    xlsx(&[("Ark1", false, body)], &[&long]),
                    "bytes of text",
                )
            } else {
                let rows = format!(
                    r#"<table:table-row table:number-rows-repeated="{n}"><table:table-cell office:value-type="string"><text:p>{long}</text:p></table:table-cell></table:table-row>"#
                );
                ("people.ods", ods(&rows), "bytes of text")
            }
        }
        6 => {
            let (r, c) = (
                rng.random_range(4_000..65_536u32),
                rng.random_range(0..256u32),
            );
            let far = number(r as u16, c as u16);
            let min_len = [0, 4096, 20_000][rng.random_range(0..3)];
            (
                "people.xls",
                xls(&biff_stream(&[number(0, 0), far], min_len)),
                "at most",
            )
        }
        _ => {
            let pad = " ".repeat((65 << 20) + rng.random_range(0..(4 << 20)));
            let part = [
                "xl/worksheets/sheet1.xml",
                "xl/sharedStrings.xml",
                "xl/media/image1.png",
            ][rng.random_range(0..3)];
            let book = xlsx(&[("Ark1", false, format!("{people}</sheetData>"))], &[]);
            (
                "people.xlsx",
                rezip(&book, part, pad.into_bytes()),
                "inflates to more than",
            )
        }
    }
}

/// Column letters of a 0-based index.
fn letters(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}

/// ODS rows whose repeats reach past the caps.
fn ods_repeats(rng: &mut ChaCha8Rng) -> String {
    let rows = rng.random_range(1..2_000_000u64);
    let cols = if rows > 200_001 {
        rng.random_range(1..4u64)
    } else {
        rng.random_range(1_001..100_000u64)
    };
    let lead = if rng.random_bool(0.5) {
        format!(
            r#"<table:table-row table:number-rows-repeated="{}"><table:table-cell table:number-columns-repeated="{}"/></table:table-row>"#,
            rng.random_range(1..1000),
            rng.random_range(1..1000)
        )
    } else {
        String::new()
    };
    format!(
        r#"{lead}<table:table-row table:number-rows-repeated="{rows}"><table:table-cell table:number-columns-repeated="{cols}" office:value-type="float" office:value="1"/></table:table-row>"#
    )
}

/// A zip with entry `name` replaced by (or added as) `bytes`.
fn rezip(book: &[u8], name: &str, bytes: Vec<u8>) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book)).unwrap();
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut b).unwrap();
        if !f
            .name()
            .replace('\\', "/")
            .eq_ignore_ascii_case(&name.replace('\\', "/"))
        {
            entries.push((f.name().to_string(), b));
        }
    }
    entries.push((name.to_string(), bytes));
    let refs: Vec<(&str, Vec<u8>)> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.clone()))
        .collect();
    zip_of(&refs)
}

/// The reader fuzzer: a fixed number of hostile workbooks from a fixed seed,
/// each through the real `check` under a 300 MB limit: exit code 2 naming
/// the file, never a panic, an abort or a signal.
#[test]
fn hostile_workbooks_are_refused_within_the_memory_limit() {
    let mut rng = ChaCha8Rng::seed_from_u64(25);
    for case in 0..40 {
        let (name, bytes, says) = hostile_case(&mut rng, case % 9);
        let out = check_people(name, &bytes);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(2),
            "case {case}: {:?} {err}",
            out.status
        );
        assert!(
            err.contains(name) && err.contains(says),
            "case {case}: {err}"
        );
    }
}

/// A BIFF record.
fn biff(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut r = typ.to_le_bytes().to_vec();
    r.extend_from_slice(&(data.len() as u16).to_le_bytes());
    r.extend_from_slice(data);
    r
}

/// A NUMBER cell record at a 0-based row and column.
fn number(row: u16, col: u16) -> Vec<u8> {
    let mut d = row.to_le_bytes().to_vec();
    d.extend_from_slice(&col.to_le_bytes());
    d.extend_from_slice(&0u16.to_le_bytes());
    d.extend_from_slice(&1.0f64.to_le_bytes());
    biff(0x0203, &d)
}

/// A `Workbook` stream of one sheet `Ark1` with `records`, at least
/// `min_len` bytes long.
fn biff_stream(records: &[Vec<u8>], min_len: usize) -> Vec<u8> {
    let bof = biff(
        0x0809,
        &[0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    );
    let mut s = bof.clone();
    // The sheet's BOF follows this record and the EOF: 20 + 16 + 4 bytes in.
    let at = (bof.len() + 16 + 4) as u32;
    let mut sheet = at.to_le_bytes().to_vec();
    sheet.extend_from_slice(&[0, 0, 4, 0, b'A', b'r', b'k', b'1']);
    s.extend(biff(0x0085, &sheet));
    s.extend(biff(0x000A, &[]));
    s.extend(bof);
    for r in records {
        s.extend_from_slice(r);
    }
    s.extend(biff(0x000A, &[]));
    while s.len() < min_len {
        s.extend(biff(0x00E1, &[0; 200]));
    }
    s
}

/// A compound file (version 3, 512-byte sectors) holding `stream` as
/// `Workbook`: sector 0 the allocation table, 1 the directory, 2 the mini
/// allocation table, then the stream (from 4,096 bytes) or the mini stream
/// holding it in 64-byte sectors (below).
fn xls(stream: &[u8]) -> Vec<u8> {
    let mini = stream.len() < 4096;
    let body: Vec<u8> = if mini {
        let mut b = stream.to_vec();
        b.resize(stream.len().div_ceil(64) * 64, 0);
        b
    } else {
        stream.to_vec()
    };
    let sectors = body.len().div_ceil(512) as u32;
    let mut fat: Vec<u32> = vec![0xFFFF_FFFD, 0xFFFF_FFFE, 0xFFFF_FFFE];
    fat.extend((0..sectors).map(|i| if i + 1 == sectors { 0xFFFF_FFFE } else { i + 4 }));
    assert!(fat.len() <= 128);
    fat.resize(128, 0xFFFF_FFFF);
    let minis = (body.len() / 64) as u32;
    let mut minifat: Vec<u32> = (0..minis)
        .map(|i| if i + 1 == minis { 0xFFFF_FFFE } else { i + 1 })
        .collect();
    minifat.resize(128, 0xFFFF_FFFF);
    let mut h = vec![0u8; 512];
    h[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    let put = |h: &mut Vec<u8>, at: usize, v: &[u8]| h[at..at + v.len()].copy_from_slice(v);
    put(&mut h, 0x18, &0x3Eu16.to_le_bytes());
    put(&mut h, 0x1A, &3u16.to_le_bytes());
    put(&mut h, 0x1C, &0xFFFEu16.to_le_bytes());
    put(&mut h, 0x1E, &9u16.to_le_bytes());
    put(&mut h, 0x20, &6u16.to_le_bytes());
    put(&mut h, 0x2C, &1u32.to_le_bytes());
    put(&mut h, 0x30, &1u32.to_le_bytes());
    put(&mut h, 0x38, &4096u32.to_le_bytes());
    put(&mut h, 0x3C, &2u32.to_le_bytes());
    put(&mut h, 0x40, &1u32.to_le_bytes());
    put(&mut h, 0x44, &0xFFFF_FFFEu32.to_le_bytes());
    for i in 0..109 {
        put(
            &mut h,
            0x4C + 4 * i,
            &(if i == 0 { 0u32 } else { 0xFFFF_FFFF }).to_le_bytes(),
        );
    }
    let mut out = h;
    out.extend(fat.iter().flat_map(|v| v.to_le_bytes()));
    let entry = |name: &str, typ: u8, child: u32, start: u32, size: u32| {
        let mut e = vec![0u8; 128];
        let units: Vec<u8> = name
            .encode_utf16()
            .chain([0])
            .flat_map(|u| u.to_le_bytes())
            .collect();
        e[..units.len()].copy_from_slice(&units);
        e[0x40..0x42].copy_from_slice(&(units.len() as u16).to_le_bytes());
        e[0x42] = typ;
        e[0x43] = 1;
        e[0x44..0x48].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        e[0x48..0x4C].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        e[0x4C..0x50].copy_from_slice(&child.to_le_bytes());
        e[0x74..0x78].copy_from_slice(&start.to_le_bytes());
        e[0x78..0x7C].copy_from_slice(&size.to_le_bytes());
        e
    };
    let len = stream.len() as u32;
    if mini {
        out.extend(entry("Root Entry", 5, 1, 3, body.len() as u32));
        out.extend(entry("Workbook", 2, 0xFFFF_FFFF, 0, len));
    } else {
        out.extend(entry("Root Entry", 5, 1, 0xFFFF_FFFE, 0));
        out.extend(entry("Workbook", 2, 0xFFFF_FFFF, 3, len));
    }
    out.extend(vec![0u8; 256]);
    out.extend(minifat.iter().flat_map(|v| v.to_le_bytes()));
    out.extend_from_slice(&body);
    out.resize(512 * (3 + sectors as usize + 1), 0);
    out
}

#[test]
fn an_xls_with_cells_far_apart_is_refused_before_it_is_built() {
    let stream = biff_stream(&[number(0, 0), number(65_535, 255)], 5000);
    let out = check_people("people.xls", &xls(&stream));
    refused(
        &out,
        "people.xls, sheet \"Ark1\"",
        "boligmatch reads at most 1000000 cells",
    );
}

#[test]
fn an_xls_declaring_a_huge_or_inverted_extent_is_refused() {
    let dims = |rf: u32, rl: u32, cf: u16, cl: u16| {
        let mut d = rf.to_le_bytes().to_vec();
        d.extend_from_slice(&rl.to_le_bytes());
        d.extend_from_slice(&cf.to_le_bytes());
        d.extend_from_slice(&cl.to_le_bytes());
        d.extend_from_slice(&[0, 0]);
        biff(0x0200, &d)
    };
    let huge = biff_stream(&[dims(0, u32::MAX, 0, 256), number(0, 0)], 4096);
    refused(
        &check_people("people.xls", &xls(&huge)),
        "people.xls, sheet \"Ark1\"",
        "data rows",
    );
    let inverted = biff_stream(&[dims(10, 5, 0, 3), number(0, 0)], 4096);
    refused(
        &check_people("people.xls", &xls(&inverted)),
        "people.xls, sheet \"Ark1\"",
        "ends before it starts",
    );
}

#[test]
fn a_small_xls_built_here_is_read_by_the_reader() {
    for min_len in [0, 4096] {
        let stream = biff_stream(&[number(0, 0), number(1, 1)], min_len);
        let out = check_people("people.xls", &xls(&stream));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            !err.contains("cannot be read") && !err.contains("is empty"),
            "{err}"
        );
    }
}

#[test]
fn a_small_xls_in_the_mini_stream_is_checked_too() {
    let stream = biff_stream(&[number(0, 0), number(65_000, 200)], 0);
    assert!(stream.len() < 4096);
    let out = check_people("people.xls", &xls(&stream));
    refused(
        &out,
        "people.xls, sheet \"Ark1\"",
        "boligmatch reads at most 1000000 cells",
    );
}

#[test]
fn merged_cells_in_an_xls_are_refused_naming_the_range() {
    let merge = biff(0x00E5, &[1, 0, 2, 0, 3, 0, 1, 0, 2, 0]);
    let stream = biff_stream(&[number(0, 0), number(3, 3), merge], 0);
    let out = check_people("people.xls", &xls(&stream));
    refused(&out, "people.xls", "merged cells B3:C4; unmerge the cells");
}

#[test]
fn a_sheet_part_named_in_another_case_is_checked_as_the_reader_finds_it() {
    let body = format!(
        r#"<row r="1">{}</row><row r="900000">{}</row></sheetData>"#,
        cell("A1", "x"),
        cell("Z900000", "y")
    );
    let book = xlsx(&[("Ark1", false, body)], &[]);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&book[..])).unwrap();
    let mut sheet = Vec::new();
    std::io::Read::read_to_end(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut sheet,
    )
    .unwrap();
    let renamed = rezip(&book, "XL\\Worksheets\\SHEET1.XML", sheet);
    let out = check_people("people.xlsx", &renamed);
    refused(
        &out,
        "people.xlsx, sheet \"Ark1\"",
        "at most 200000 data rows",
    );
}
