//! One allocation round, validated: the front door every caller starts from.
//!
//! [`Round::new`] checks the values against the rules of the input contract,
//! sorts every list by id (results never depend on row order) and derives
//! what the engine needs (area distances), so no caller can forget a step.
//! The readers in [`crate::input`] build a round through the same door.

mod load;
pub mod programme;

pub use load::{load, load_with_offers, read, Loaded, RoundDate, RoundPaths, Source};

use crate::error::{Error, Problem, Problems, Result};
use crate::model::{Person, Policy, Staff, Unit};
use std::collections::{BTreeMap, BTreeSet};

/// One allocation round: units, young people, staff and the policy, checked,
/// sorted by id and with everything derived that the engine needs.
///
/// Build one with [`Round::new`] (from values) or [`crate::round::load`] (from
/// the office's exports); read it through its accessors.
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    pub(crate) units: Vec<Unit>,
    pub(crate) people: Vec<Person>,
    pub(crate) staff: Vec<Staff>,
    pub(crate) policy: Policy,
    /// What the offers record did to the round (empty without one).
    pub(crate) programme: programme::Applied,
    /// Last week's proposal 1 (`--previous`): person → (unit, worker), kept
    /// where the levels allow (a third level, stability).
    pub(crate) previous: BTreeMap<String, (String, String)>,
    /// The files the values came from, for the messages of later checks.
    pub(crate) files: RoundFiles,
}

/// The names problems are reported under: the files the values came from.
/// Only for messages: two rounds of the same values are equal whatever
/// their files were called (see the `PartialEq` below).
#[derive(Debug, Clone, Eq)]
pub(crate) struct RoundFiles {
    pub units: String,
    pub people: String,
    pub staff: String,
    pub policy: String,
}

impl PartialEq for RoundFiles {
    fn eq(&self, _: &RoundFiles) -> bool {
        true
    }
}

impl Default for RoundFiles {
    fn default() -> Self {
        RoundFiles {
            units: "units.csv".into(),
            people: "people.csv".into(),
            staff: "staff.csv".into(),
            policy: "policy.toml".into(),
        }
    }
}

impl Round {
    /// A round from values: checks every value against the input contract and
    /// every reference across the lists (duplicate ids, declined or pinned
    /// units that do not exist, a policy value out of range), then sorts each
    /// list by id and derives the area distances. Every problem is reported
    /// at once, as [`Error::Input`], under the names `units.csv`,
    /// `people.csv`, `staff.csv` and `policy.toml` with the `line` each value
    /// carries (0 when built in code).
    pub fn new(
        units: Vec<Unit>,
        people: Vec<Person>,
        staff: Vec<Staff>,
        policy: Policy,
    ) -> Result<Round> {
        Round::from_values(units, people, staff, policy, true)
    }

    /// Like [`Round::new`] with the policy of a round already checked (the
    /// simulation's weekly rounds): the rows are checked, the policy is not
    /// checked again.
    pub(crate) fn with_checked_policy(
        units: Vec<Unit>,
        people: Vec<Person>,
        staff: Vec<Staff>,
        policy: Policy,
    ) -> Result<Round> {
        Round::from_values(units, people, staff, policy, false)
    }

    /// [`Round::new`], checking the policy too or not.
    fn from_values(
        units: Vec<Unit>,
        people: Vec<Person>,
        staff: Vec<Staff>,
        policy: Policy,
        check_policy: bool,
    ) -> Result<Round> {
        let mut problems = Vec::new();
        let files = RoundFiles::default();
        let round = if check_policy {
            Round::checked(units, people, staff, policy, &files, &mut problems)
        } else {
            Round::rows_checked(units, people, staff, policy, &files, &mut problems)
        };
        Round::or_problems(round, problems)
    }

    fn or_problems(round: Round, mut problems: Vec<Problem>) -> Result<Round> {
        if problems.is_empty() {
            Ok(round)
        } else {
            problems.sort();
            problems.dedup();
            Err(Error::Input(Problems(problems)))
        }
    }

    /// Checks, sorts and derives; problems are added to `problems` under the
    /// names in `files` (the round is returned either way, for callers that
    /// collect problems from several sources before failing).
    pub(crate) fn checked(
        units: Vec<Unit>,
        people: Vec<Person>,
        staff: Vec<Staff>,
        policy: Policy,
        files: &RoundFiles,
        problems: &mut Vec<Problem>,
    ) -> Round {
        for (key, message) in policy.problems() {
            problems.push(Problem::file(
                &files.policy,
                format!("key \"{key}\": {message}"),
            ));
        }
        Round::rows_checked(units, people, staff, policy, files, problems)
    }

    /// The rows' checks of [`Round::checked`], the policy taken as checked.
    fn rows_checked(
        units: Vec<Unit>,
        people: Vec<Person>,
        staff: Vec<Staff>,
        mut policy: Policy,
        files: &RoundFiles,
        problems: &mut Vec<Problem>,
    ) -> Round {
        policy.derive_area_distances();
        let mut round = Round {
            units,
            people,
            staff,
            policy,
            programme: programme::Applied::default(),
            previous: BTreeMap::new(),
            files: files.clone(),
        };
        values(&round, files, problems);
        cross_rows(&round, files, problems);
        round.sort();
        round
    }

    /// The same round with another policy (checked and derived again).
    pub fn with_policy(self, policy: Policy) -> Result<Round> {
        Round::new(self.units, self.people, self.staff, policy)
    }

    /// The values back, to change and build a new round from.
    pub fn into_parts(self) -> (Vec<Unit>, Vec<Person>, Vec<Staff>, Policy) {
        (self.units, self.people, self.staff, self.policy)
    }

    /// The units (homes that can be offered this round), sorted by id.
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// The young people waiting, sorted by id.
    pub fn people(&self) -> &[Person] {
        &self.people
    }

    /// The support workers with their free caseload, sorted by id.
    pub fn staff(&self) -> &[Staff] {
        &self.staff
    }

    /// The same round with last week's proposal 1 (person → (unit, worker)):
    /// among the plans optimal on levels 1 and 2, the one that keeps most of
    /// it (home and worker each count one) is proposal 1.
    pub fn with_previous(mut self, previous: BTreeMap<String, (String, String)>) -> Round {
        self.previous = previous;
        self
    }

    /// Last week's proposal 1, if given ([`Round::with_previous`]).
    pub fn previous(&self) -> &BTreeMap<String, (String, String)> {
        &self.previous
    }

    /// What the offers record did to the round: offers kept and expired,
    /// people housed by the record, active cases (empty without a record).
    pub fn programme(&self) -> &programme::Applied {
        &self.programme
    }

    /// The effective policy, with its derived area distances.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Sorts every list by id, so that results never depend on file order.
    pub(crate) fn sort(&mut self) {
        self.units.sort_by(|a, b| a.id.cmp(&b.id));
        self.people.sort_by(|a, b| a.id.cmp(&b.id));
        self.staff.sort_by(|a, b| a.id.cmp(&b.id));
    }

    /// The names of the people and units files, for messages.
    pub(crate) fn people_and_units_files(&self) -> (&str, &str) {
        (&self.files.people, &self.files.units)
    }

    /// Position of a unit in [`Round::units`], by id.
    pub fn unit_index(&self, id: &str) -> Option<usize> {
        self.units.binary_search_by(|u| u.id.as_str().cmp(id)).ok()
    }

    /// The unit with this id (O(log n): the lists are sorted by id).
    ///
    /// ```
    /// # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data-samples/ballerup-2014");
    /// # let round = boligmatch::load(&boligmatch::RoundPaths::in_dir(&dir), chrono::NaiveDate::MIN)?.round;
    /// assert_eq!(round.unit("U01").map(|u| u.places), Some(1));
    /// assert!(round.person("P01").is_some() && round.staff_member("S01").is_some());
    /// assert!(round.unit("nobody").is_none());
    /// # Ok::<(), boligmatch::Error>(())
    /// ```
    pub fn unit(&self, id: &str) -> Option<&Unit> {
        self.unit_index(id).map(|i| &self.units[i])
    }

    /// The young person with this id.
    pub fn person(&self, id: &str) -> Option<&Person> {
        self.people
            .binary_search_by(|p| p.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.people[i])
    }

    /// The support worker with this id.
    pub fn staff_member(&self, id: &str) -> Option<&Staff> {
        self.staff
            .binary_search_by(|s| s.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.staff[i])
    }
}

/// The kinds with several places, for messages.
fn shared_kinds(policy: &Policy) -> String {
    let ids: Vec<&str> = policy
        .kinds
        .iter()
        .filter(|(_, d)| d.shared)
        .map(|(k, _)| k)
        .collect();
    if ids.is_empty() {
        "none is declared".into()
    } else {
        ids.join(", ")
    }
}

/// The rules of the contract that a single value must keep (the readers
/// check spelling and type; these hold for values built in code too).
fn values(round: &Round, files: &RoundFiles, problems: &mut Vec<Problem>) {
    for u in &round.units {
        let cell = |column: &str, value: String, message: String| {
            Problem::cell(&files.units, u.line, column, Some(&value), message)
        };
        match round.policy.kinds.get(u.kind.as_str()) {
            None => problems.push(cell(
                "kind",
                u.kind.to_string(),
                format!(
                    "is not a kind the policy declares; expected one of {} (declare a new kind under [kinds.<id>] in policy.toml)",
                    round.policy.kinds.expected()
                ),
            )),
            Some(k) if u.places > 1 && !k.shared => problems.push(cell(
                "places",
                u.places.to_string(),
                format!(
                    "is more than 1 on a {} unit; only a shared kind (shared = true: {}) has several places",
                    u.kind,
                    shared_kinds(&round.policy)
                ),
            )),
            Some(_) => {}
        }
        // A unit whose places are all taken by tenants is kept (people may
        // have declined it), with no free place.
        if u.places == 0 && u.occupants.is_empty() {
            problems.push(cell("places", "0".into(), "must be at least 1".into()));
        }
        if let Some(max) = u.max_age {
            if u.min_age > max {
                problems.push(cell(
                    "min_age",
                    u.min_age.to_string(),
                    format!("is above max_age {max}; the unit would admit nobody"),
                ));
            }
        }
        if u.rent < 0 {
            problems.push(cell(
                "rent_dkk",
                u.rent.to_string(),
                "must be 0 or more".into(),
            ));
        }
        if u.id.trim().is_empty() {
            problems.push(cell("unit_id", u.id.clone(), "must not be empty".into()));
        }
    }
    for p in &round.people {
        let cell = |column: &str, value: String, message: &str| {
            Problem::cell(&files.people, p.line, column, Some(&value), message)
        };
        if p.income < 0 {
            problems.push(cell(
                "income_dkk",
                p.income.to_string(),
                "must be 0 or more",
            ));
        }
        if p.max_rent.is_some_and(|m| m < 0) {
            let m = p.max_rent.unwrap_or_default();
            problems.push(cell("max_rent_dkk", m.to_string(), "must be 0 or more"));
        }
        if p.id.trim().is_empty() {
            problems.push(cell("person_id", p.id.clone(), "must not be empty"));
        }
    }
    for s in &round.staff {
        if s.id.trim().is_empty() {
            problems.push(Problem::cell(
                &files.staff,
                s.line,
                "staff_id",
                Some(&s.id),
                "must not be empty",
            ));
        }
    }
}

/// Adds every cross-row problem of `round` to `problems`: duplicate ids and
/// references to units that do not exist.
fn cross_rows(round: &Round, files: &RoundFiles, problems: &mut Vec<Problem>) {
    duplicates(
        &files.units,
        "unit_id",
        round.units.iter().map(|u| (u.id.as_str(), u.line)),
        problems,
    );
    duplicates(
        &files.people,
        "person_id",
        round.people.iter().map(|p| (p.id.as_str(), p.line)),
        problems,
    );
    duplicates(
        &files.staff,
        "staff_id",
        round.staff.iter().map(|s| (s.id.as_str(), s.line)),
        problems,
    );
    let unit_ids: BTreeSet<&str> = round.units.iter().map(|u| u.id.as_str()).collect();
    for p in &round.people {
        for d in &p.declined_units {
            if !unit_ids.contains(d.as_str()) {
                problems.push(Problem::cell(
                    &files.people,
                    p.line,
                    "declined_units",
                    Some(d),
                    format!("is not a unit_id in {}", files.units),
                ));
            }
        }
        if let Some(pin) = &p.pinned_unit {
            if !unit_ids.contains(pin.as_str()) {
                problems.push(Problem::cell(
                    &files.people,
                    p.line,
                    "pinned_unit",
                    Some(pin),
                    format!("is not a unit_id in {}", files.units),
                ));
            }
        }
    }
}

/// Refuses an id given twice, and two ids that differ but look alike: their
/// confusable skeletons (Unicode TS #39) are the same: `P01` and `Р01` with
/// a Cyrillic `Р`. Both lines are named. Ids all in ASCII (the common case,
/// and every weekly round of a simulation) cost no skeleton: the check is
/// for letters from other alphabets and invisible characters.
fn duplicates<'a>(
    file: &str,
    column: &str,
    ids: impl Iterator<Item = (&'a str, u64)>,
    problems: &mut Vec<Problem>,
) {
    let ids: Vec<(&str, u64)> = ids.collect();
    let mut first: BTreeMap<&str, u64> = BTreeMap::new();
    for &(id, line) in &ids {
        if let Some(l) = first.get(id) {
            problems.push(Problem::cell(
                file,
                line,
                column,
                Some(id),
                format!("is a duplicate (first on line {l}); ids must be unique"),
            ));
        } else {
            first.insert(id, line);
        }
    }
    if ids.iter().all(|(id, _)| id.is_ascii()) {
        return;
    }
    // Each id once, in file order.
    let mut once: Vec<(&str, u64)> = first.into_iter().collect();
    once.sort_by_key(|&(_, line)| line);
    let mut looks: BTreeMap<String, (&str, u64)> = BTreeMap::new();
    for (id, line) in once {
        let skeleton: String = unicode_security::skeleton(id).collect();
        match looks.get(&skeleton) {
            Some((other, l)) => problems.push(Problem::cell(
                file,
                line,
                column,
                Some(id),
                format!(
                    "looks like \"{}\" on line {l} but is a different id (a look-alike letter from another alphabet or an invisible character); ids must be told apart at a glance: retype one of them",
                    crate::error::printable(other)
                ),
            )),
            None => {
                looks.insert(skeleton, (id, line));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::UnitKind;
    use crate::model::{FemaleStaff, Gender, Method, Stay, SubstanceUse, UnitGender};
    use chrono::NaiveDate;

    fn unit(id: &str, kind: UnitKind, places: u32) -> Unit {
        Unit {
            id: id.into(),
            kind,
            places,
            rent: 300_000,
            available_from: None,
            drug_free: false,
            gender: UnitGender::Any,
            min_age: 18,
            max_age: None,
            area: None,
            occupants: Vec::new(),
            line: 0,
        }
    }

    fn person(id: &str, pinned: Option<&str>) -> Person {
        Person {
            id: id.into(),
            gender: Gender::M,
            age: 22,
            substance_use: SubstanceUse::None,
            psychiatric: false,
            in_recovery: false,
            income: 900_000,
            max_rent: None,
            stay: Stay::Street,
            registered: None,
            female_staff: FemaleStaff::No,
            home_area: None,
            preferred_areas: vec![],
            declined_units: vec![],
            pinned_unit: pinned.map(String::from),
            known_staff_id: None,
            kept_offer: None,
            line: 0,
        }
    }

    fn worker(id: &str) -> Staff {
        Staff {
            id: id.into(),
            gender: Gender::F,
            method: Method::Cti,
            capacity: 2,
            caseload: None,
            line: 0,
        }
    }

    fn policy() -> Policy {
        Policy::with_date(NaiveDate::from_ymd_opt(2014, 11, 3).unwrap_or_default())
    }

    /// Issue 12: a caller no longer has to sort (a pin was found by binary
    /// search and silently dropped in an unsorted round) or derive distances.
    #[test]
    fn new_sorts_and_derives() {
        let mut pol = policy();
        pol.max_area_distance = Some(1);
        pol.area_neighbours
            .insert("A".into(), vec!["B".into(), "C".into()]);
        let r = Round::new(
            vec![
                unit("U9", UnitKind::new("ordinary"), 1),
                unit("U1", UnitKind::new("ordinary"), 1),
            ],
            vec![person("P2", Some("U9")), person("P1", None)],
            vec![worker("S2"), worker("S1")],
            pol,
        )
        .unwrap();
        let ids = |v: Vec<&str>| v.into_iter().map(String::from).collect::<Vec<_>>();
        assert_eq!(
            r.units().iter().map(|u| u.id.clone()).collect::<Vec<_>>(),
            ids(vec!["U1", "U9"])
        );
        assert_eq!(
            r.people().iter().map(|p| p.id.clone()).collect::<Vec<_>>(),
            ids(vec!["P1", "P2"])
        );
        assert_eq!(r.staff()[0].id, "S1");
        assert_eq!(r.unit_index("U9"), Some(1));
        assert!(r.policy().within_reach("B", "A"));
        assert!(!r.policy().within_reach("B", "C"), "two steps");
    }

    #[test]
    fn new_reports_every_problem_at_once() {
        let mut pol = policy();
        pol.max_rent_share = f64::NAN;
        let mut young = unit("U2", UnitKind::new("ordinary"), 1);
        young.min_age = 20;
        young.max_age = Some(19);
        let err = Round::new(
            vec![
                unit("U1", UnitKind::new("club_room"), 3),
                unit("U1", UnitKind::new("ordinary"), 1),
                young,
            ],
            vec![person("P1", Some("U7")), person("", None)],
            vec![worker("S1")],
            pol,
        )
        .unwrap_err();
        let text = err.to_string();
        for want in [
            "units.csv:0: column \"places\": \"3\" is more than 1 on a club_room unit",
            "units.csv:0: column \"unit_id\": \"U1\" is a duplicate",
            "units.csv:0: column \"min_age\": \"20\" is above max_age 19",
            "people.csv:0: column \"pinned_unit\": \"U7\" is not a unit_id in units.csv",
            "people.csv:0: column \"person_id\": \"\" must not be empty",
            "policy.toml: key \"max_rent_share\": NaN must be above 0 and at most 1",
        ] {
            assert!(text.contains(want), "want {want}\ngot {text}");
        }
        assert!(matches!(err, Error::Input(_)));
    }

    /// Issue 25: ids that look alike (a Cyrillic letter, an invisible
    /// character) are refused through `Round::new` too, naming both.
    #[test]
    fn ids_that_look_alike_are_refused() {
        let err = Round::new(
            vec![unit("U1", UnitKind::new("ordinary"), 1)],
            vec![
                person("P1", None),
                person("\u{420}1", None),
                person("P2", None),
                person("P2\u{200b}", None),
            ],
            vec![worker("S1")],
            policy(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("looks like \"P1\""), "{err}");
        assert!(err.contains("looks like \"P2\""), "{err}");
    }
}
