//! The offers record (`offers.csv`) as values: one line per offer, with
//! where it stands, its dates and why it was declined or ended. The one file
//! that carries the programme from week to week. Read by
//! `input::record`, checked and applied to a round by
//! `round::programme`, changed by [`crate::weekly::record`].

use chrono::NaiveDate;
use serde::Serialize;

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
pub const MAX_LINES: usize = 200_000;

/// Reasons as the record writes them, `a | b | c`, for messages.
pub fn codes(reasons: &[Reason]) -> String {
    reasons
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(" | ")
}
