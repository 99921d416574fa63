//! A CSV export read into rows that remember their line, with columns found by
//! name (case-insensitive, Danish aliases) and every cell problem collected.

use super::csv_text::{CsvText, Records};
use super::privacy;
use super::text;
use crate::error::Problem;
use crate::model::fold;
use chrono::NaiveDate;

pub use crate::model::columns::Column;

/// One data row and the line it started on (header = line 1).
pub struct Row {
    /// Line in the file.
    pub line: u64,
    cells: Vec<String>,
}

/// A parsed export.
pub struct Table {
    /// File name for messages.
    pub file: String,
    headers: Vec<String>,
    index: Vec<(&'static str, usize)>,
    /// Every column the reader declared, found in the file or not.
    declared: Vec<&'static str>,
    /// Data rows, in file order.
    pub rows: Vec<Row>,
}

/// What a reader needs besides the bytes: the policy's kinds and aliases,
/// and where problems, warnings and the aliases used go.
pub struct Reading<'a> {
    /// Every problem found so far.
    pub problems: &'a mut Vec<Problem>,
    /// Non-fatal remarks.
    pub warnings: &'a mut Vec<String>,
    /// The kinds of home the policy declares.
    pub kinds: &'a crate::model::kinds::Kinds,
    /// Header and value aliases.
    pub aliases: &'a crate::model::aliases::Aliases,
    /// Aliases used: (file, column, alias as written in the file or `None`
    /// for a health column, contract name) → cells.
    pub used: &'a mut AliasesUsed,
}

/// Aliases used while reading, for `check`: (file, column, word, contract
/// word) → how many cells (headers count once). The word is `None` in health
/// columns, where it is never shown.
pub type AliasesUsed = std::collections::BTreeMap<(String, String, Option<String>, String), usize>;

/// The column name under which [`AliasesUsed`] records header aliases.
pub const HEADER: &str = "(header)";

/// The largest monthly amount (rent, income) a cell may give, in kroner: a
/// round's sums of rent stay far inside an `i64` of øre.
pub(crate) const MAX_KR: i64 = 1_000_000;

/// Reads an export. Problems (empty file, missing required columns) go to
/// `problems`; unknown columns give one warning. Returns `None` when the file
/// cannot be used at all.
pub fn read(file: &str, bytes: &[u8], columns: &[Column], r: &mut Reading<'_>) -> Option<Table> {
    let csv = match CsvText::decode_checked(bytes) {
        Ok(t) => t,
        Err((line, message)) => {
            r.problems.push(Problem::line(file, line, message));
            return None;
        }
    };
    if csv.text().trim().is_empty() {
        r.problems.push(empty_file(file, columns));
        return None;
    }
    let (header, records) = csv.header_and_records();
    let Some(Ok(headers)) = header else {
        r.problems
            .push(Problem::line(file, 1, "the header line cannot be read"));
        return None;
    };
    let index = index_columns(file, &headers, columns, r);
    if !required_found(file, &index, columns, r.problems) {
        return None;
    }
    let rows = data_rows(file, records, headers.len(), r.problems)?;
    Some(Table {
        file: file.to_string(),
        headers,
        index,
        declared: columns.iter().map(|c| c.name).collect(),
        rows,
    })
}

/// The problem of an empty export: the header it needs.
fn empty_file(file: &str, columns: &[Column]) -> Problem {
    let names: Vec<&str> = columns
        .iter()
        .filter(|c| c.required)
        .map(|c| c.name)
        .collect();
    Problem::file(
        file,
        format!(
            "the file is empty; expected a header line with at least {}",
            names.join(", ")
        ),
    )
}

/// The contract column each header names (its name, a built-in alias or a
/// policy alias), with its position; a column named twice is a problem, and
/// headers that name no column give one warning.
fn index_columns(
    file: &str,
    headers: &[String],
    columns: &[Column],
    r: &mut Reading<'_>,
) -> Vec<(&'static str, usize)> {
    let mut index = Vec::new();
    let mut unknown = Vec::new();
    let mut seen = std::collections::BTreeMap::new();
    for (i, h) in headers.iter().enumerate() {
        match column_of(file, h, columns, r) {
            Some(c) => {
                if let Some(first) = seen.insert(c.name, i) {
                    r.problems.push(Problem::cell(
                        file,
                        1,
                        h,
                        None,
                        format!(
                            "appears twice (also column {}, \"{}\"); keep one",
                            first + 1,
                            headers[first]
                        ),
                    ));
                } else {
                    index.push((c.name, i));
                }
            }
            None if h.is_empty() => {}
            None => unknown.push(h.clone()),
        }
    }
    if !unknown.is_empty() {
        r.warnings.push(format!(
            "{file}: ignoring unknown column{} {}",
            if unknown.len() == 1 { "" } else { "s" },
            unknown
                .iter()
                .map(|u| format!("\"{}\"", crate::error::printable(u)))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    index
}

/// The contract column a header names: by its name (or `id` for the file's
/// own id column), else by a policy alias, which is counted as used.
fn column_of<'c>(
    file: &str,
    header: &str,
    columns: &'c [Column],
    r: &mut Reading<'_>,
) -> Option<&'c Column> {
    let key = fold(header);
    let found = columns
        .iter()
        .find(|c| fold(c.name) == key || (c.aliases.contains(&"id") && key == "id"));
    if found.is_some() {
        return found;
    }
    let target = r.aliases.column(header)?;
    let c = columns.iter().find(|c| c.name == target)?;
    r.used
        .entry((
            file.into(),
            HEADER.into(),
            Some(header.to_string()),
            c.name.into(),
        ))
        .or_insert(1);
    Some(c)
}

/// Whether every required column was found; each missing one is a problem.
fn required_found(
    file: &str,
    index: &[(&'static str, usize)],
    columns: &[Column],
    problems: &mut Vec<Problem>,
) -> bool {
    let missing: Vec<&str> = columns
        .iter()
        .filter(|c| c.required && !index.iter().any(|(n, _)| *n == c.name))
        .map(|c| c.name)
        .collect();
    for m in &missing {
        problems.push(Problem::line(
            file,
            1,
            format!("missing required column \"{m}\""),
        ));
    }
    missing.is_empty()
}

/// The data rows after the header: blank rows skipped; a row with a field
/// missing or too many is reported, never read shifted; at most
/// [`super::MAX_ROWS`] (`None` beyond, with a problem).
fn data_rows(
    file: &str,
    records: Records<'_>,
    width: usize,
    problems: &mut Vec<Problem>,
) -> Option<Vec<Row>> {
    let mut rows = Vec::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(Problem::line(file, line, "this line cannot be read as CSV"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        if cells.len() < width {
            // Never read values shifted into the wrong columns.
            problems.push(Problem::line(
                file,
                line,
                format!(
                    "has {} fields but the header has {}; a delimiter is missing, so the values would land in the wrong columns",
                    cells.len(),
                    width
                ),
            ));
            continue;
        }
        if cells.len() > width && cells[width..].iter().any(|c| !c.is_empty()) {
            problems.push(Problem::line(
                file,
                line,
                format!(
                    "has {} fields but the header has {}; check for a stray delimiter",
                    cells.len(),
                    width
                ),
            ));
            continue;
        }
        if rows.len() == super::MAX_ROWS {
            problems.push(Problem::line(
                file,
                line,
                format!(
                    "the file has more than {} data rows; boligmatch reads at most that many (split the round)",
                    super::MAX_ROWS
                ),
            ));
            return None;
        }
        let cells = cells.into_iter().map(nfc).collect();
        rows.push(Row { line, cells });
    }
    Some(rows)
}

/// Reads every row of an export with `parse`; a row with any problem yields
/// nothing, and every problem is kept.
pub fn rows<T>(
    file: &str,
    bytes: &[u8],
    columns: &[Column],
    r: &mut Reading<'_>,
    mut parse: impl FnMut(&mut Cells<'_>) -> Option<T>,
) -> Vec<T> {
    let Some(t) = read(file, bytes, columns, r) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for row in &t.rows {
        let before = r.problems.len();
        screen(&t, row, r.problems);
        let item = parse(&mut Cells {
            table: &t,
            row,
            problems: r.problems,
            kinds: r.kinds,
            aliases: r.aliases,
            used: r.used,
        });
        if r.problems.len() == before {
            out.extend(item);
        }
    }
    out
}

/// A cell in Unicode's composed form (NFC): `é` typed as one character or
/// as `e` and an accent is one value.
fn nfc(cell: String) -> String {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    if cell.is_ascii() || is_nfc_quick(cell.chars()) == IsNormalized::Yes {
        cell
    } else {
        cell.nfc().collect()
    }
}

/// Whether a column holds ids or references to ids.
fn is_id_column(name: &str) -> bool {
    name.ends_with("_id") || matches!(name, "declined_units" | "pinned_unit")
}

/// Refuses, in every cell of a row (read or ignored), a CPR number (its
/// value never shown) and control characters (shown escaped, and not at all
/// in health columns).
fn screen(t: &Table, row: &Row, problems: &mut Vec<Problem>) {
    for (i, cell) in row.cells.iter().enumerate() {
        let header = t.headers.get(i).map_or("", String::as_str);
        let health = t.index.iter().any(|(name, at)| *at == i && is_health(name));
        if privacy::looks_like_cpr(cell) || privacy::contains_cpr(cell) {
            problems.push(Problem::cell(
                &t.file,
                row.line,
                header,
                None,
                "looks like a Danish CPR number (value not shown); replace it with a pseudonymous id such as P01 before export",
            ));
        } else if privacy::has_control(cell) {
            problems.push(Problem::cell(
                &t.file,
                row.line,
                header,
                (!health).then_some(cell.as_str()),
                "contains a control character (shown escaped); remove it from the export",
            ));
        } else if cell.contains('\u{feff}') {
            problems.push(Problem::cell(
                &t.file,
                row.line,
                header,
                (!health).then_some(cell.as_str()),
                "holds a byte-order mark (\\u{feff}), the mark a file starts with: two exports pasted into one? Remove the mark (and any second header line)",
            ));
        } else if !cell.is_ascii()
            && t.index.iter().any(|(name, at)| *at == i && is_id_column(name))
            && cell.chars().any(crate::error::is_invisible)
        {
            problems.push(Problem::cell(
                &t.file,
                row.line,
                header,
                Some(cell.as_str()),
                "contains an invisible or direction-changing character (shown escaped), so two ids could look alike; retype the id",
            ));
        }
    }
}

/// Reads typed cells of one row, collecting problems.
pub struct Cells<'a> {
    table: &'a Table,
    row: &'a Row,
    /// Problems found so far in this file.
    pub problems: &'a mut Vec<Problem>,
    kinds: &'a crate::model::kinds::Kinds,
    aliases: &'a crate::model::aliases::Aliases,
    used: &'a mut AliasesUsed,
}

impl<'a> Cells<'a> {
    /// The line of this row.
    pub fn line(&self) -> u64 {
        self.row.line
    }

    /// The header of a column as written in the file.
    pub fn header(&self, name: &str) -> String {
        self.table
            .index
            .iter()
            .find(|(n, _)| *n == name)
            .map_or_else(|| name.to_string(), |(_, i)| self.table.headers[*i].clone())
    }

    /// The trimmed cell, `None` when the column is absent or the cell blank.
    /// A name the reader's column table does not declare is a defect of the
    /// reader, never a silent `None`: it is reported as a problem, so that
    /// every test that reads a file fails on it.
    pub fn get(&mut self, name: &str) -> Option<&'a str> {
        let Some((_, i)) = self.table.index.iter().find(|(n, _)| *n == name) else {
            // Only a column the file lacks costs this look-up.
            if !self.table.declared.contains(&name) {
                self.problems.push(Problem::file(
                    &self.table.file,
                    format!("internal error: the reader asks for column \"{name}\", which its column table does not declare"),
                ));
            }
            return None;
        };
        let cell = self.row.cells.get(*i)?;
        if cell.is_empty() {
            None
        } else {
            Some(cell.as_str())
        }
    }

    /// Records a problem with a cell. Health columns never echo their value.
    pub fn fail(&mut self, name: &str, value: Option<&str>, message: impl Into<String>) {
        let header = self.header(name);
        let value = if is_health(name) { None } else { value };
        let mut message = message.into();
        if is_health(name) && value.is_none() {
            message = format!("value (not shown: health data) {message}");
        }
        self.problems.push(Problem::cell(
            &self.table.file,
            self.row.line,
            &header,
            value,
            message,
        ));
    }

    /// A required text cell.
    pub fn text(&mut self, name: &str) -> Option<String> {
        match self.get(name) {
            Some(v) => Some(v.to_string()),
            None => {
                self.fail(name, None, "is empty; a value is required");
                None
            }
        }
    }

    /// A cell parsed by `parse`; `None` if blank (and not required) or invalid.
    pub fn parsed<T>(
        &mut self,
        name: &str,
        required: bool,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Option<T> {
        match self.get(name) {
            None => {
                if required {
                    self.fail(name, None, "is empty; a value is required");
                }
                None
            }
            Some(v) => match parse(v) {
                Ok(x) => Some(x),
                Err(msg) => {
                    self.fail(name, Some(v), msg);
                    None
                }
            },
        }
    }

    /// A whole number in `min..=max`.
    pub fn int(&mut self, name: &str, required: bool, min: i64, max: i64) -> Option<i64> {
        self.parsed(name, required, |v| {
            let n = text::parse_int(v)?;
            if n < min {
                Err(format!("must be at least {min}"))
            } else if n > max {
                Err(format!("must be at most {max}"))
            } else {
                Ok(n)
            }
        })
    }

    /// An amount in kroner per month, from 0 to [`MAX_KR`].
    pub fn money(&mut self, name: &str, required: bool) -> Option<i64> {
        self.parsed(name, required, |v| {
            let n = text::parse_money(v)?;
            if n < 0 {
                Err("is negative; an amount must be 0 or more".into())
            } else if n > MAX_KR * 100 {
                Err(format!(
                    "is above {MAX_KR} kr; a monthly amount must be at most that"
                ))
            } else {
                Ok(n)
            }
        })
    }

    /// A date.
    pub fn date(&mut self, name: &str) -> Option<NaiveDate> {
        self.parsed(name, false, text::parse_date)
    }

    /// Yes/no, blank = `default`.
    pub fn boolean(&mut self, name: &str, default: bool) -> bool {
        if self.get(name).is_none() {
            return default;
        }
        self.parsed(name, false, text::parse_bool)
            .unwrap_or(default)
    }

    /// One of a vocabulary.
    /// A named value of the contract (`alias` is the `[aliases]` table of the
    /// column): its canonical spelling or an alias. A value that matches
    /// nothing names the closest known spellings and the `[aliases]` key that
    /// would map it, except in health columns, where the message gives the
    /// accepted values only.
    pub fn word<T>(
        &mut self,
        name: &str,
        alias: &str,
        required: bool,
        parse: fn(&str) -> Option<T>,
        accepted: &[&str],
    ) -> Option<T> {
        let v = match self.get(name) {
            None => {
                if required {
                    self.fail(name, None, "is empty; a value is required");
                }
                return None;
            }
            Some(v) => v,
        };
        if let Some(x) = parse(v) {
            return Some(x);
        }
        if let Some(target) = self.aliases.value(alias, v) {
            if let Some(x) = parse(target) {
                let shown = (!is_health(name)).then(|| v.to_string());
                *self
                    .used
                    .entry((self.table.file.clone(), name.into(), shown, target.into()))
                    .or_default() += 1;
                return Some(x);
            }
        }
        let message = self.unknown_word(name, alias, v, accepted, "");
        self.fail(name, Some(v), message);
        None
    }

    /// The message for a value that matches nothing.
    fn unknown_word(
        &self,
        name: &str,
        alias: &str,
        v: &str,
        accepted: &[&str],
        after_list: &str,
    ) -> String {
        let list = format!("{}{after_list}", accepted.join(" | "));
        if is_health(name) {
            return format!("is not one of {list}");
        }
        let known = self.aliases.values_of(alias);
        let candidates = accepted
            .iter()
            .copied()
            .chain(known.into_iter().flat_map(|m| m.keys().map(String::as_str)));
        let close = crate::model::aliases::closest(v, candidates);
        let shown = crate::error::printable(v);
        let hint = format!(
            "to read \"{shown}\" as one of them, add \"{shown}\" = \"<value>\" under [aliases.{alias}] in policy.toml"
        );
        if close.is_empty() {
            return format!("is not one of {list}; {hint}");
        }
        let named: Vec<String> = close
            .iter()
            .map(|c| match known.and_then(|m| m.get(*c)) {
                Some(target) => format!("\"{c}\" ({target})"),
                None => format!("\"{c}\""),
            })
            .collect();
        format!(
            "is not one of {list}; did you mean {}? Or {hint}",
            named.join(" or ")
        )
    }

    /// A kind of home the policy declares: its id, a label or an alias.
    pub fn kind(&mut self, name: &str) -> Option<crate::model::kinds::UnitKind> {
        let Some(v) = self.get(name) else {
            self.fail(name, None, "is empty; a value is required");
            return None;
        };
        if let Some(k) = self.kinds.find(v) {
            return Some(k);
        }
        if let Some(target) = self.aliases.value("kind", v) {
            if let Some(k) = self.kinds.find(target) {
                *self
                    .used
                    .entry((
                        self.table.file.clone(),
                        name.into(),
                        Some(v.into()),
                        k.to_string(),
                    ))
                    .or_default() += 1;
                return Some(k);
            }
        }
        let ids: Vec<&str> = self.kinds.iter().map(|(k, _)| k).collect();
        let message = self.unknown_word(
            name,
            "kind",
            v,
            &ids,
            " (the kinds the policy declares; a new kind is declared under [kinds.<id>] in policy.toml)",
        );
        self.fail(name, Some(v), message);
        None
    }
}

/// Columns that hold health data: their values are never echoed.
fn is_health(name: &str) -> bool {
    matches!(name, "psychiatric" | "substance_use" | "in_recovery")
}

#[cfg(test)]
mod declared_tests {
    use super::*;

    /// Issue 12: a misspelled column name in a reader is caught, not `None`.
    #[test]
    fn a_misspelled_column_name_is_reported() {
        const COLUMNS: &[Column] = &[Column {
            name: "unit_id",
            aliases: &[],
            required: true,
        }];
        let (mut problems, mut warnings) = (Vec::new(), Vec::new());
        let (kinds, aliases) = (crate::model::kinds::Kinds::default(), Default::default());
        let mut used = AliasesUsed::new();
        let mut r = Reading {
            problems: &mut problems,
            warnings: &mut warnings,
            kinds: &kinds,
            aliases: &aliases,
            used: &mut used,
        };
        let got = rows("units.csv", b"unit_id\nU1\n", COLUMNS, &mut r, |c| {
            let id = c.get("unit_id")?.to_string();
            let typo = c.get("unti_id").map(str::to_string);
            Some((id, typo))
        });
        assert!(got.is_empty(), "a row with a problem yields nothing");
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].message.contains("\"unti_id\""),
            "{}",
            problems[0]
        );
    }
}
