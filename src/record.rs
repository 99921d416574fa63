//! The offers record (`offers.csv`): the one file that carries the programme
//! from week to week — offers, decisions, move-ins and tenancies that end.
//! Read like every export (any dialect, every problem at once), checked for
//! the hand edits an office makes in Excel, and applied to a round: kept
//! offers pin home and worker, declines close a home to a person, tenants
//! take their places and are housed.

use crate::error::Problem;
use crate::input::table::{Column, Reading};
use crate::model::{KeptOffer, Occupant, Person, Policy, Staff, Unit};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

macro_rules! words {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $canon:literal [$($alias:literal),*]),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $canon)] $variant),+ }
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The contract's spellings.
            pub const CANONICAL: &'static [&'static str] = &[$($canon),+];
            /// The spelling written in the record.
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $canon),+ } }
            /// The contract spelling or a Danish alias (case, accents and separators ignored).
            pub fn parse(s: &str) -> Option<Self> {
                let key = crate::model::fold(s);
                $( if key == crate::model::fold($canon) $(|| key == crate::model::fold($alias))* { return Some($name::$variant); } )+
                None
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

words! {
    /// Where an offer or a tenancy stands.
    Status {
        /// Offered; the young person has not answered yet (kept).
        Pending = "pending" ["afventer", "afventende"],
        /// Accepted; not moved in yet (kept).
        Accepted = "accepted" ["accepteret", "takket ja", "ja tak"],
        /// Declined: never proposed to that person again.
        Declined = "declined" ["afslået", "afslaaet", "takket nej", "nej tak"],
        /// Withdrawn by the office: the pair may be proposed again.
        Withdrawn = "withdrawn" ["trukket tilbage", "tilbagetrukket"],
        /// Moved in: housed, the place is taken.
        MovedIn = "moved_in" ["indflyttet", "flyttet ind"],
        /// The tenancy ended (`ended_on`): the place is free again from then.
        MovedOut = "moved_out" ["fraflyttet", "flyttet ud"],
    }
}

words! {
    /// Why an offer was declined or a tenancy ended.
    Reason {
        /// Declined: where the home is.
        Location = "location" ["beliggenhed", "område", "omraade"],
        /// Declined: the kind of home.
        Kind = "kind" ["boligtype", "type"],
        /// Declined: the rent.
        Rent = "rent" ["husleje", "for dyr"],
        /// Declined: the young person could not be reached.
        NoContact = "no_contact" ["ingen kontakt", "ikke truffet"],
        /// Ended: moved on to another home.
        MovedOn = "moved_on" ["flyttet videre", "videre"],
        /// Ended: evicted.
        Eviction = "eviction" ["udsættelse", "udsat", "udsaettelse"],
        /// Ended: into an institution (treatment, care, prison).
        Institution = "institution" ["anbragt", "institution"],
        /// Ended: left the home without notice.
        Left = "left" ["forladt", "forsvundet"],
        /// Declined or ended for another reason.
        Other = "other" ["andet"],
    }
}

impl Reason {
    /// The reasons a decline may give.
    pub const DECLINE: [Reason; 5] = [
        Reason::Location,
        Reason::Kind,
        Reason::Rent,
        Reason::NoContact,
        Reason::Other,
    ];
    /// The reasons a tenancy may end for.
    pub const END: [Reason; 5] = [
        Reason::MovedOn,
        Reason::Eviction,
        Reason::Institution,
        Reason::Left,
        Reason::Other,
    ];
}

/// The record's columns, exactly, in order.
pub const COLUMNS: [&str; 11] = [
    "person_id",
    "unit_id",
    "staff_id",
    "status",
    "offered_on",
    "respond_by",
    "decided_on",
    "moved_in_on",
    "ended_on",
    "reason",
    "note",
];

const RECORD_COLUMNS: &[Column] = &[
    Column {
        name: "person_id",
        aliases: &["borger_id"],
        required: true,
    },
    Column {
        name: "unit_id",
        aliases: &["bolig_id"],
        required: true,
    },
    Column {
        name: "staff_id",
        aliases: &["medarbejder_id"],
        required: false,
    },
    Column {
        name: "status",
        aliases: &[],
        required: true,
    },
    Column {
        name: "offered_on",
        aliases: &["tilbudt_den"],
        required: false,
    },
    Column {
        name: "respond_by",
        aliases: &["svarfrist"],
        required: false,
    },
    Column {
        name: "decided_on",
        aliases: &["besluttet_den", "svar_den"],
        required: false,
    },
    Column {
        name: "moved_in_on",
        aliases: &["indflyttet_den"],
        required: false,
    },
    Column {
        name: "ended_on",
        aliases: &["fraflyttet_den", "ophoert_den", "ophørt_den"],
        required: false,
    },
    Column {
        name: "reason",
        aliases: &["årsag", "aarsag"],
        required: false,
    },
    Column {
        name: "note",
        aliases: &["bemærkning", "bemaerkning", "note"],
        required: false,
    },
];

/// One line of the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// The young person (pseudonymous id).
    pub person_id: String,
    /// The home offered.
    pub unit_id: String,
    /// The support worker offered with it.
    pub staff_id: Option<String>,
    /// Where it stands.
    pub status: Status,
    /// The day of the offer.
    pub offered_on: Option<NaiveDate>,
    /// The last day to answer; a pending offer expires after it.
    pub respond_by: Option<NaiveDate>,
    /// The day of the answer (accepted, declined, withdrawn).
    pub decided_on: Option<NaiveDate>,
    /// The day of the move.
    pub moved_in_on: Option<NaiveDate>,
    /// The day the tenancy ended.
    pub ended_on: Option<NaiveDate>,
    /// Why declined or ended.
    pub reason: Option<Reason>,
    /// Free text; never in a report made with `--redact`.
    pub note: String,
    /// Line in the file (header = 1).
    #[serde(skip)]
    pub line: u64,
}

impl Line {
    /// An open line: an offer not answered or not yet moved into, or a
    /// tenancy that has not ended. A person has at most one.
    pub fn is_open(&self) -> bool {
        matches!(
            self.status,
            Status::Pending | Status::Accepted | Status::MovedIn
        )
    }

    /// Whether the person lives (or lived) in the home: a move-in, or a
    /// tenancy that ended.
    pub fn is_tenancy(&self) -> bool {
        matches!(self.status, Status::MovedIn | Status::MovedOut)
    }

    /// Where the line stood on `day`, from its dates (the record holds the
    /// latest status; a round or a history of an earlier week sees it as it
    /// was then): `None` before the offer was made.
    pub fn status_at(&self, day: NaiveDate) -> Option<Status> {
        let by = |d: Option<NaiveDate>| d.is_some_and(|d| d <= day);
        if self.offered_on.is_some_and(|o| o > day) {
            return None;
        }
        Some(match self.status {
            Status::MovedOut if by(self.ended_on) => Status::MovedOut,
            Status::MovedOut | Status::MovedIn if by(self.moved_in_on) => Status::MovedIn,
            Status::MovedOut | Status::MovedIn if by(self.decided_on) => Status::Accepted,
            Status::MovedOut | Status::MovedIn => Status::Pending,
            s @ (Status::Accepted | Status::Declined | Status::Withdrawn)
                if self.decided_on.is_none() || by(self.decided_on) =>
            {
                s
            }
            Status::Accepted | Status::Declined | Status::Withdrawn => Status::Pending,
            Status::Pending => Status::Pending,
        })
    }

    /// Whether the tenancy takes its place on `day`: moved in and not ended
    /// by then.
    pub fn occupies(&self, day: NaiveDate) -> bool {
        self.status_at(day) == Some(Status::MovedIn)
    }

    /// Whether a pending offer's answer is overdue on `day`.
    pub fn expired(&self, day: NaiveDate) -> bool {
        self.status_at(day) == Some(Status::Pending) && self.respond_by.is_some_and(|r| r < day)
    }

    /// Whether the round keeps the offer (home and worker) on `day`.
    pub fn kept(&self, day: NaiveDate) -> bool {
        matches!(
            self.status_at(day),
            Some(Status::Pending | Status::Accepted)
        ) && !self.expired(day)
    }
}

/// The record as read.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Record {
    /// The file's name, for messages.
    pub file: String,
    /// Every line, in file order.
    pub lines: Vec<Line>,
}

/// The most lines a record may have (a programme of 10,000 young people over
/// many years stays far below it).
pub const MAX_LINES: usize = crate::input::MAX_ROWS;

/// Reads the record's bytes: every cell problem goes to `r.problems`.
pub(crate) fn read(file: &str, bytes: &[u8], r: &mut Reading<'_>) -> Record {
    let lines = crate::input::table::rows(file, bytes, RECORD_COLUMNS, r, |c| {
        let person_id = c.text("person_id");
        let unit_id = c.text("unit_id");
        let staff_id = c.get("staff_id").map(str::to_string);
        let status = c.parsed("status", true, |v| {
            Status::parse(v).ok_or_else(|| {
                format!(
                    "is not a status; write one of {} (or afventer, accepteret, afslået, trukket tilbage, indflyttet, fraflyttet)",
                    Status::CANONICAL.join(" | ")
                )
            })
        });
        let reason = c.parsed("reason", false, |v| {
            Reason::parse(v).ok_or_else(|| {
                format!(
                    "is not a reason; write one of {} (declined) or {} (moved_out)",
                    codes(&Reason::DECLINE),
                    codes(&Reason::END)
                )
            })
        });
        let offered_on = c.date("offered_on");
        let respond_by = c.date("respond_by");
        let decided_on = c.date("decided_on");
        let moved_in_on = c.date("moved_in_on");
        let ended_on = c.date("ended_on");
        let note = c.get("note").unwrap_or("").to_string();
        let (Some(person_id), Some(unit_id), Some(status)) = (person_id, unit_id, status) else {
            return None;
        };
        Some(Line {
            person_id,
            unit_id,
            staff_id,
            status,
            offered_on,
            respond_by,
            decided_on,
            moved_in_on,
            ended_on,
            reason,
            note,
            line: c.line(),
        })
    });
    Record {
        file: file.to_string(),
        lines,
    }
}

fn codes(reasons: &[Reason]) -> String {
    reasons
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The rules a record must keep whatever the round: what a hand edit in
/// Excel can break. Every problem at once.
pub fn check(rec: &Record) -> Vec<Problem> {
    let mut out = Vec::new();
    let at = |l: &Line, message: String| Problem::line(&rec.file, l.line, message);
    for l in &rec.lines {
        let s = l.status;
        let need = |what: &str, v: Option<NaiveDate>, out: &mut Vec<Problem>| {
            if v.is_none() {
                out.push(at(
                    l,
                    format!("status {s} needs {what}: the day it happened (dd-mm-yyyy)"),
                ));
            }
        };
        match s {
            Status::Accepted | Status::Declined | Status::Withdrawn => {
                need("decided_on", l.decided_on, &mut out)
            }
            Status::MovedIn => need("moved_in_on", l.moved_in_on, &mut out),
            Status::MovedOut => {
                need("moved_in_on", l.moved_in_on, &mut out);
                need("ended_on", l.ended_on, &mut out);
            }
            Status::Pending => {}
        }
        if matches!(
            s,
            Status::Pending | Status::Accepted | Status::Declined | Status::Withdrawn
        ) && (l.moved_in_on.is_some() || l.ended_on.is_some())
        {
            out.push(at(
                l,
                format!("status {s} with a move-in or end date; a move-in is status moved_in, an end moved_out"),
            ));
        }
        if s == Status::MovedIn && l.ended_on.is_some() {
            out.push(at(
                l,
                "status moved_in with ended_on: a tenancy that ended is moved_out".into(),
            ));
        }
        // Dates in the order things happen.
        let order = [
            ("offered_on", l.offered_on),
            ("decided_on", l.decided_on),
            ("moved_in_on", l.moved_in_on),
            ("ended_on", l.ended_on),
        ];
        let given: Vec<(&str, NaiveDate)> = order
            .iter()
            .filter_map(|(n, d)| d.map(|d| (*n, d)))
            .collect();
        for w in given.windows(2) {
            if w[1].1 < w[0].1 {
                out.push(at(
                    l,
                    format!(
                        "{} {} is before {} {}; dates must follow the order offered, decided, moved in, ended",
                        w[1].0, w[1].1, w[0].0, w[0].1
                    ),
                ));
            }
        }
        if let (Some(o), Some(r)) = (l.offered_on, l.respond_by) {
            if r < o {
                out.push(at(l, format!("respond_by {r} is before offered_on {o}")));
            }
        }
        match (s, l.reason) {
            (Status::Declined, Some(r)) if !Reason::DECLINE.contains(&r) => out.push(at(
                l,
                format!("reason {r} is not a reason to decline; use {}", codes(&Reason::DECLINE)),
            )),
            (Status::MovedOut, Some(r)) if !Reason::END.contains(&r) => out.push(at(
                l,
                format!("reason {r} is not a reason a tenancy ends; use {}", codes(&Reason::END)),
            )),
            (Status::Declined | Status::MovedOut, _) | (_, None) => {}
            (_, Some(r)) => out.push(at(
                l,
                format!("reason {r} given for status {s}; only declined and moved_out lines have a reason"),
            )),
        }
    }
    // One open line per person.
    let mut open: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for l in rec.lines.iter().filter(|l| l.is_open()) {
        open.entry(&l.person_id).or_default().push(l.line);
    }
    for (person, lines) in open.into_iter().filter(|(_, v)| v.len() > 1) {
        let lines: Vec<String> = lines.iter().map(u64::to_string).collect();
        out.push(Problem::line(
            &rec.file,
            lines[1].parse().unwrap_or(0),
            format!(
                "{person} has {} open lines (lines {}); a person has at most one pending, accepted or moved_in line — close the others (declined, withdrawn or moved_out)",
                lines.len(),
                lines.join(", ")
            ),
        ));
    }
    if rec.lines.len() > MAX_LINES {
        out.push(Problem::file(
            &rec.file,
            format!("has more than {MAX_LINES} lines"),
        ));
    }
    out
}

/// What the record did to a round, for reports and for the programme's goals.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Applied {
    /// Pending offers whose `respond_by` passed before the round date: no
    /// longer kept. (person, unit, record line)
    pub expired: Vec<(String, String, u64)>,
    /// Offers kept (pending and accepted): (person, unit, worker).
    pub kept: Vec<(String, String, Option<String>)>,
    /// People the record has housed (moved in, or moved out after a
    /// tenancy): the programme counts them as housed.
    pub housed: BTreeSet<String>,
    /// People of people.csv left out of this round: they live in their home.
    pub tenants_in_people: Vec<Person>,
    /// Active cases per worker (moved in and still within the method's
    /// support period), for `caseload`.
    pub active_cases: BTreeMap<String, u32>,
}

/// The names of the round's files, for messages.
pub(crate) struct Files<'a> {
    pub people: &'a str,
    pub record: &'a str,
}

/// Applies the record to a round's rows (before the round is built):
/// kept offers pin home and worker, declines close homes, tenants take
/// their places and leave the waiting list. Conflicts go to `problems`.
pub(crate) fn apply(
    rec: &Record,
    units: &mut [Unit],
    people: &mut Vec<Person>,
    staff: &[Staff],
    policy: &Policy,
    files: &Files<'_>,
    problems: &mut Vec<Problem>,
) -> Applied {
    let day = policy.round_date;
    let mut applied = Applied::default();
    let unit_at: BTreeMap<String, usize> = units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.clone(), i))
        .collect();
    let person_at = |people: &Vec<Person>, id: &str| people.iter().position(|p| p.id == id);
    let staff_ids: BTreeSet<&str> = staff.iter().map(|s| s.id.as_str()).collect();
    let at = |l: &Line, m: String| Problem::line(files.record, l.line, m);
    // A cell of people.csv that the record's line `l` contradicts.
    let conflict = |p: &Person, column: &str, value: &str, l: &Line, what: String| {
        Problem::cell(
            files.people,
            p.line,
            column,
            Some(value),
            format!("conflicts with {}:{}, {what}", files.record, l.line),
        )
    };
    let mut leaving: BTreeSet<String> = BTreeSet::new();
    for l in &rec.lines {
        // The line as it stood on the round date.
        let Some(status) = l.status_at(day) else {
            continue;
        };
        if matches!(status, Status::MovedIn | Status::MovedOut) {
            applied.housed.insert(l.person_id.clone());
        }
        if l.expired(day) {
            applied
                .expired
                .push((l.person_id.clone(), l.unit_id.clone(), l.line));
            continue;
        }
        match status {
            Status::Pending | Status::Accepted => {
                let Some(pi) = person_at(people, &l.person_id) else {
                    problems.push(at(
                        l,
                        format!(
                            "keeps an offer for {}, who is not in {}; add them to the export, or record the offer as withdrawn",
                            l.person_id, files.people
                        ),
                    ));
                    continue;
                };
                if !unit_at.contains_key(&l.unit_id) {
                    problems.push(at(
                        l,
                        format!(
                            "keeps an offer of unit {}, which is not in units.csv; export the unit, or record the offer as withdrawn",
                            l.unit_id
                        ),
                    ));
                    continue;
                }
                if let Some(s) = &l.staff_id {
                    if !staff_ids.contains(s.as_str()) {
                        problems.push(at(
                            l,
                            format!("keeps worker {s}, who is not in staff.csv; export the worker, or name another"),
                        ));
                        continue;
                    }
                }
                let p = &mut people[pi];
                if p.kept_offer.is_some() {
                    // A second open line: `check` reports it.
                    continue;
                }
                if let Some(pin) = p.pinned_unit.as_ref().filter(|pin| **pin != l.unit_id) {
                    let what = format!(
                        "which keeps an offer of {} for {}; keep one of them",
                        l.unit_id, p.id
                    );
                    problems.push(conflict(p, "pinned_unit", pin, l, what));
                    continue;
                }
                if p.declined_units.contains(&l.unit_id) {
                    let what = format!(
                        "which keeps the offer of {} for {}; the person cannot both decline and keep it",
                        l.unit_id, p.id
                    );
                    problems.push(conflict(p, "declined_units", &l.unit_id, l, what));
                    continue;
                }
                p.pinned_unit = Some(l.unit_id.clone());
                p.kept_offer = Some(KeptOffer {
                    staff_id: l.staff_id.clone(),
                    file: files.record.to_string(),
                    line: l.line,
                });
                applied
                    .kept
                    .push((l.person_id.clone(), l.unit_id.clone(), l.staff_id.clone()));
            }
            Status::Declined => {
                if let Some(pi) = person_at(people, &l.person_id) {
                    let p = &mut people[pi];
                    if p.pinned_unit.as_deref() == Some(l.unit_id.as_str())
                        && p.kept_offer.is_none()
                    {
                        let what = format!(
                            "where {} declined {}; remove the pin or the decline",
                            p.id, l.unit_id
                        );
                        problems.push(conflict(p, "pinned_unit", &l.unit_id, l, what));
                        continue;
                    }
                    if unit_at.contains_key(&l.unit_id) && !p.declined_units.contains(&l.unit_id) {
                        p.declined_units.push(l.unit_id.clone());
                    }
                }
            }
            Status::Withdrawn => {}
            Status::MovedIn | Status::MovedOut => {
                if !l.occupies(day) {
                    continue;
                }
                let occupant = person_at(people, &l.person_id).map(|pi| Occupant {
                    minor: people[pi].age < 18,
                    gender: people[pi].gender,
                });
                if let Some(&ui) = unit_at.get(&l.unit_id) {
                    let u = &mut units[ui];
                    if u.places == 0 {
                        problems.push(at(
                            l,
                            format!(
                                "a tenancy in {}, whose places are all taken by the record's other tenancies; close the ended ones (moved_out with ended_on)",
                                u.id
                            ),
                        ));
                    } else {
                        u.places -= 1;
                        u.occupants.extend(occupant);
                    }
                }
                if status == Status::MovedIn {
                    leaving.insert(l.person_id.clone());
                }
                if let Some(s) = &l.staff_id {
                    let active = match staff.iter().find(|w| w.id == *s) {
                        Some(w) => {
                            let weeks = policy.support_weeks.of(w.method);
                            weeks.is_none_or(|w| {
                                l.moved_in_on
                                    .is_some_and(|m| m + chrono::Duration::weeks(w) > day)
                            })
                        }
                        None => false,
                    };
                    if active {
                        *applied.active_cases.entry(s.clone()).or_default() += 1;
                    }
                }
            }
        }
    }
    // Tenants leave the waiting list; the programme counts them as housed.
    let (gone, stay): (Vec<Person>, Vec<Person>) = std::mem::take(people)
        .into_iter()
        .partition(|p| leaving.contains(&p.id));
    *people = stay;
    applied.tenants_in_people = gone;
    applied
}

/// A record file as cells, for the commands that change it (`offer`,
/// `record`): the header and the rows as written, so that a line nobody
/// touches keeps its text, and the dialect the office saved it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editable {
    delimiter: u8,
    bom: bool,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// Whether bytes are an Excel workbook (a zip file) rather than CSV.
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0")
}

/// The message for a record saved as a workbook.
pub fn workbook_message(path: &std::path::Path) -> String {
    format!(
        "{} is an Excel workbook, not CSV; the offers record must stay CSV so that every tool can read it: in Excel, File > Save As > \"CSV UTF-8\" (or \"CSV (semikolonsepareret)\"), and name that file with --offers",
        path.display()
    )
}

impl Editable {
    /// The record's bytes (`None`: a new record, written `;` with a BOM
    /// when `excel`, else `,`).
    pub fn parse(bytes: Option<&[u8]>, excel: bool) -> std::result::Result<Editable, String> {
        let Some(bytes) = bytes else {
            return Ok(Editable {
                delimiter: if excel { b';' } else { b',' },
                bom: excel,
                header: COLUMNS.iter().map(|c| c.to_string()).collect(),
                rows: Vec::new(),
            });
        };
        if is_workbook(bytes) {
            return Err("the record is an Excel workbook, not CSV".into());
        }
        let bom = bytes.starts_with(b"\xEF\xBB\xBF");
        let text = crate::input::text::decode(bytes).replace("\r\n", "\n");
        let delimiter = crate::input::text::sniff_delimiter(&text);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut records = reader.records();
        let header: Vec<String> = match records.next() {
            Some(Ok(r)) => r.iter().map(|h| h.trim().to_string()).collect(),
            _ => COLUMNS.iter().map(|c| c.to_string()).collect(),
        };
        let mut rows = Vec::new();
        for r in records {
            let r = r.map_err(|e| format!("a line cannot be read as CSV: {e}"))?;
            rows.push(r.iter().map(str::to_string).collect());
        }
        // Windows-1252 is written back as UTF-8 with a BOM, which Excel reads.
        let utf8 = std::str::from_utf8(bytes).is_ok();
        let mut ed = Editable {
            delimiter,
            bom: bom || delimiter == b';' || !utf8,
            header,
            rows,
        };
        // A column the file lacks is added at the end.
        for c in COLUMNS {
            if ed.column(c).is_none() {
                ed.header.push(c.to_string());
            }
        }
        let width = ed.header.len();
        for r in &mut ed.rows {
            r.resize(width.max(r.len()), String::new());
        }
        Ok(ed)
    }

    /// The position of a contract column in this file's header.
    fn column(&self, name: &str) -> Option<usize> {
        let spec = RECORD_COLUMNS.iter().find(|c| c.name == name)?;
        let key = crate::model::fold(name);
        self.header.iter().position(|h| {
            let h = crate::model::fold(h);
            h == key || spec.aliases.iter().any(|a| crate::model::fold(a) == h)
        })
    }

    /// A cell of row `row` (0-based, after the header).
    pub fn get(&self, row: usize, name: &str) -> &str {
        self.column(name)
            .and_then(|c| self.rows.get(row).and_then(|r| r.get(c)))
            .map_or("", String::as_str)
    }

    /// Sets a cell of row `row`.
    pub fn set(&mut self, row: usize, name: &str, value: &str) {
        if let Some(c) = self.column(name) {
            if let Some(r) = self.rows.get_mut(row) {
                r[c] = value.to_string();
            }
        }
    }

    /// Appends a line: contract column → value; the rest empty.
    pub fn push(&mut self, values: &[(&str, &str)]) {
        self.rows.push(vec![String::new(); self.header.len()]);
        let row = self.rows.len() - 1;
        for (name, value) in values {
            self.set(row, name, value);
        }
    }

    /// The row (0-based) of the line at file line `line` (header = 1).
    pub fn row_of_line(&self, rec: &Record, line: u64) -> Option<usize> {
        // Lines and rows correspond one to one in a record read from these
        // bytes, except for blank rows the reader skipped.
        let index = rec.lines.iter().position(|l| l.line == line)?;
        let mut seen = 0;
        for (i, r) in self.rows.iter().enumerate() {
            if r.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if seen == index {
                return Some(i);
            }
            seen += 1;
        }
        None
    }

    /// The bytes to write: the file's delimiter, CRLF (as Excel writes), a
    /// UTF-8 BOM when the file had one or is in the Danish dialect; text
    /// cells guarded against formula injection.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        if self.bom {
            out.extend_from_slice(b"\xEF\xBB\xBF");
        }
        let mut w = csv::WriterBuilder::new()
            .delimiter(self.delimiter)
            .terminator(csv::Terminator::CRLF)
            .flexible(true)
            .from_writer(out);
        let _ = w.write_record(&self.header);
        for r in &self.rows {
            let cells: Vec<String> = r.iter().map(|c| crate::report::guard(c)).collect();
            let _ = w.write_record(&cells);
        }
        w.into_inner().unwrap_or_default()
    }
}

/// Reads a record from bytes with the built-in vocabulary, for the commands
/// that change it: the record, or every problem (cells and hand-edit rules).
pub fn parse_checked(file: &str, bytes: &[u8]) -> std::result::Result<Record, Vec<Problem>> {
    let (mut problems, mut warnings) = (Vec::new(), Vec::new());
    let (kinds, aliases) = (crate::kinds::Kinds::default(), Default::default());
    let mut used = crate::input::AliasesUsed::new();
    let mut reading = Reading {
        problems: &mut problems,
        warnings: &mut warnings,
        kinds: &kinds,
        aliases: &aliases,
        used: &mut used,
    };
    let rec = read(file, bytes, &mut reading);
    problems.extend(check(&rec));
    if problems.is_empty() {
        Ok(rec)
    } else {
        problems.sort();
        problems.dedup();
        Err(problems)
    }
}
