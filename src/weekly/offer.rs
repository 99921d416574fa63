//! Offers: the placements of a proposal the office sends become pending
//! lines of the offers record, each with the day it was made and the last
//! day to answer. The record is changed only when it keeps its rules: a
//! person has one open line, and a unit never has more open offers than
//! free places.

use super::record::{
    file_name, refuse_workbook_beside, refuse_workbook_name, update, Editable, RecordError,
    RoundOf, Status,
};
use crate::error::{printable, Problem, Problems};
use crate::input::proposals::{self, ProposalsError, Proposed};
use crate::model::record::Record;
use crate::round::Round;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What to offer: one `offer`, checked (the command line's flags, a web
/// page's form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// The proposals.csv of an `allocate --out` run.
    pub from: PathBuf,
    /// Which proposal to offer (1 = the best).
    pub proposal: u32,
    /// Offer only to these people; empty: to everyone the proposal places.
    pub people: Vec<String>,
    /// The day of the offer; `None`: the round's `round_date` (so that runs
    /// are reproducible).
    pub date: Option<NaiveDate>,
    /// The last day to answer; after it the offer expires.
    pub respond_by: NaiveDate,
    /// A new record is written in the Danish Excel dialect (`;`, UTF-8
    /// with BOM); a record that exists keeps its own.
    pub excel: bool,
}

/// The offers to add: the placements chosen and their dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// Who is offered which home, with which worker.
    pub placements: Vec<Proposed>,
    /// The day of the offers.
    pub offered_on: NaiveDate,
    /// The last day to answer.
    pub respond_by: NaiveDate,
}

/// Why offers cannot be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OfferError {
    /// The record cannot be changed, or the offers would break its rules.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// The proposals.csv cannot be read.
    #[error(transparent)]
    Proposals(#[from] ProposalsError),
    /// The last day to answer comes before the offer.
    #[error("the last day to answer, {respond_by}, is before the offer's date {offered_on}")]
    RespondByBeforeOffer {
        /// The last day to answer.
        respond_by: NaiveDate,
        /// The day of the offer.
        offered_on: NaiveDate,
    },
    /// A person chosen is not placed in the proposal.
    #[error("{} is not placed in proposal {proposal} of {}", printable(person), from.display())]
    NotPlaced {
        /// The person chosen.
        person: String,
        /// The proposal.
        proposal: u32,
        /// The proposals.csv.
        from: PathBuf,
    },
    /// Nobody (of those chosen) is placed in the proposal.
    #[error(
        "{} has no placements in proposal {proposal}{}; nothing to offer",
        from.display(),
        if *chosen { " for those people" } else { "" }
    )]
    NothingToOffer {
        /// The proposals.csv.
        from: PathBuf,
        /// The proposal.
        proposal: u32,
        /// Whether only some people were chosen.
        chosen: bool,
    },
}

impl From<OfferError> for crate::error::Error {
    fn from(e: OfferError) -> Self {
        match e {
            OfferError::Record(e) => e.into(),
            OfferError::Proposals(e) => e.into(),
            e => crate::error::Error::Refused(e.to_string()),
        }
    }
}

/// Adds the offers `offer` describes to the record at `record` (created
/// when missing) as pending lines, under the record's lock and atomically;
/// `round` is the round the proposal was made for (its units' free places,
/// its round date), read under the lock with the record as it is. The
/// record as the offers would leave it is checked against that round
/// exactly as `check` checks it, and refused with the same problems.
/// Returns the offers added.
pub fn offer(record: &Path, round: &RoundOf, offer: &Offer) -> Result<Pending, OfferError> {
    refuse_workbook_name(record)?;
    refuse_workbook_beside(record)?;
    let mut added = None;
    update(record, |bytes| {
        let now = round.round(record, bytes)?;
        let pending = pending(&now, offer)?;
        let after = add(record, bytes, &now, &pending, offer.excel)?;
        round.check(record, &after)?;
        added = Some(pending);
        Ok::<_, OfferError>(after)
    })?;
    added.ok_or_else(|| {
        OfferError::Record(RecordError::File(crate::error::Error::Refused(
            "the offers were not added".into(),
        )))
    })
}

/// The offers to add: the dates checked, the proposal read from its
/// proposals.csv and the people chosen, each of whom it must place.
pub fn pending(round: &Round, offer: &Offer) -> Result<Pending, OfferError> {
    let offered_on = offer.date.unwrap_or(round.policy().round_date);
    if offer.respond_by < offered_on {
        return Err(OfferError::RespondByBeforeOffer {
            respond_by: offer.respond_by,
            offered_on,
        });
    }
    let placements: Vec<Proposed> = proposals::read(&offer.from, offer.proposal)?
        .into_iter()
        .filter(|p| offer.people.is_empty() || offer.people.contains(&p.person_id))
        .collect();
    if let Some(person) = offer
        .people
        .iter()
        .find(|p| !placements.iter().any(|o| o.person_id == **p))
    {
        return Err(OfferError::NotPlaced {
            person: person.clone(),
            proposal: offer.proposal,
            from: offer.from.clone(),
        });
    }
    if placements.is_empty() {
        return Err(OfferError::NothingToOffer {
            from: offer.from.clone(),
            proposal: offer.proposal,
            chosen: !offer.people.is_empty(),
        });
    }
    Ok(Pending {
        placements,
        offered_on,
        respond_by: offer.respond_by,
    })
}

/// The record's new bytes with `pending` added, from its bytes now (`None`:
/// a new record, in the Danish Excel dialect when `excel`); `record` names
/// it in messages. Every problem the offers would make comes back at once.
pub fn add(
    record: &Path,
    bytes: Option<&[u8]>,
    round: &Round,
    pending: &Pending,
    excel: bool,
) -> Result<Vec<u8>, OfferError> {
    let (mut ed, rec) = Editable::open(record, bytes, excel)?;
    let file = file_name(record);
    let mut problems = one_open_line(&file, &rec, &pending.placements);
    problems.extend(within_free_places(&file, &rec, round, &pending.placements));
    if !problems.is_empty() {
        return Err(RecordError::Problems(Problems(problems)).into());
    }
    let (offered, respond) = (
        pending.offered_on.to_string(),
        pending.respond_by.to_string(),
    );
    for o in &pending.placements {
        ed.push(&[
            ("person_id", &o.person_id),
            ("unit_id", &o.unit_id),
            ("staff_id", &o.staff_id),
            ("status", Status::Pending.as_str()),
            ("offered_on", &offered),
            ("respond_by", &respond),
        ]);
    }
    Ok(ed.checked(&file)?.0)
}

/// One person, one open line: an offer to someone whose line is still
/// open (pending, accepted, moved in) is a problem at that line.
fn one_open_line(file: &str, rec: &Record, offers: &[Proposed]) -> Vec<Problem> {
    let mut problems = Vec::new();
    for o in offers {
        for l in rec
            .lines
            .iter()
            .filter(|l| l.person_id == o.person_id && l.is_open())
        {
            problems.push(Problem::line(
                file,
                l.line,
                format!(
                    "{} already has an open line ({} {}); record it as accepted, declined or withdrawn before a new offer",
                    printable(&o.person_id),
                    l.status,
                    printable(&l.unit_id)
                ),
            ));
        }
    }
    problems
}

/// Never more open offers to a unit than its free places: the offers kept
/// on the round date and the new ones, per unit offered.
fn within_free_places(
    file: &str,
    rec: &Record,
    round: &Round,
    offers: &[Proposed],
) -> Vec<Problem> {
    // Unit → (open offers, the record's lines that hold them).
    let mut per_unit: BTreeMap<&str, (usize, Vec<u64>)> = BTreeMap::new();
    for l in rec
        .lines
        .iter()
        .filter(|l| l.kept(round.policy().round_date))
    {
        let e = per_unit.entry(l.unit_id.as_str()).or_default();
        e.0 += 1;
        e.1.push(l.line);
    }
    for o in offers {
        per_unit.entry(o.unit_id.as_str()).or_default().0 += 1;
    }
    let mut problems = Vec::new();
    for (unit, (n, lines)) in &per_unit {
        // A home the round does not have is the round's check's problem
        // (named as `check` names it), not a question of places.
        let Some(free) = round
            .units()
            .iter()
            .find(|u| u.id == *unit)
            .map(|u| u.places as usize)
        else {
            continue;
        };
        if *n > free && offers.iter().any(|o| o.unit_id == *unit) {
            let lines: Vec<String> = lines.iter().map(u64::to_string).collect();
            problems.push(Problem::file(
                file,
                format!(
                    "unit {} would have {n} open offers but has {free} free place{} (open offers on lines {}); withdraw one first",
                    printable(unit),
                    if free == 1 { "" } else { "s" },
                    if lines.is_empty() { "none".into() } else { lines.join(", ") }
                ),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2014, 11, d).unwrap()
    }

    /// One home of one place, two young people, one worker.
    fn round() -> Round {
        let home = Unit {
            id: "U1".into(),
            kind: UnitKind::new("ordinary"),
            places: 1,
            rent: 300_000,
            available_from: None,
            drug_free: false,
            gender: UnitGender::Any,
            min_age: 18,
            max_age: None,
            area: None,
            occupants: vec![],
            line: 0,
        };
        let young = |id: &str| Person {
            id: id.into(),
            gender: Gender::F,
            age: 19,
            substance_use: SubstanceUse::None,
            psychiatric: false,
            in_recovery: false,
            income: 900_000,
            max_rent: None,
            stay: Stay::Street,
            registered: None,
            female_staff: FemaleStaff::Preferred,
            home_area: None,
            preferred_areas: vec![],
            declined_units: vec![],
            pinned_unit: None,
            known_staff_id: None,
            kept_offer: None,
            line: 0,
        };
        let worker = Staff {
            id: "S1".into(),
            gender: Gender::F,
            method: Method::Cti,
            capacity: 2,
            caseload: None,
            line: 0,
        };
        Round::new(
            vec![home],
            vec![young("P1"), young("P2")],
            vec![worker],
            Policy::with_date(day(3)),
        )
        .unwrap()
    }

    fn pending(person: &str) -> Pending {
        Pending {
            placements: vec![Proposed {
                person_id: person.into(),
                unit_id: "U1".into(),
                staff_id: "S1".into(),
            }],
            offered_on: day(3),
            respond_by: day(10),
        }
    }

    #[test]
    fn offers_become_pending_lines_and_keep_the_record_s_rules() {
        let (r, at) = (round(), Path::new("offers.csv"));
        let first = add(at, None, &r, &pending("P1"), true).unwrap();
        let text = String::from_utf8(first.clone()).unwrap();
        assert!(text.starts_with("\u{feff}person_id;unit_id;staff_id;status;"));
        assert!(text.ends_with("P1;U1;S1;pending;2014-11-03;2014-11-10;;;;;\r\n"));
        // One person, one open line.
        let Err(OfferError::Record(RecordError::Problems(p))) =
            add(at, Some(&first), &r, &pending("P1"), false)
        else {
            panic!("a second open line for P1");
        };
        assert!(p.0[0].message.contains("already has an open line"), "{p}");
        // Never more open offers than free places.
        let Err(OfferError::Record(RecordError::Problems(p))) =
            add(at, Some(&first), &r, &pending("P2"), false)
        else {
            panic!("two open offers for a home of one place");
        };
        assert!(p.0[0].message.contains("would have 2 open offers"), "{p}");
    }

    #[test]
    fn the_answer_day_comes_after_the_offer() {
        let offer = Offer {
            from: PathBuf::from("never-read.csv"),
            proposal: 1,
            people: vec![],
            date: None,
            respond_by: day(2),
            excel: false,
        };
        let e = super::pending(&round(), &offer).unwrap_err();
        assert!(matches!(e, OfferError::RespondByBeforeOffer { .. }), "{e}");
        assert!(!e.to_string().contains("--"), "{e}");
    }
}
