//! Kinds of home as policy: each kind has labels, whether it is shared
//! living, and the rules that say whom it suits. The five kinds of the
//! programme are declared here as the built-in default; `policy.toml`,
//! a scenario or `templates.toml` may override them or declare new ones.

use crate::model::{AgeBand, Gender, Need, Person, SubstanceUse, Unit};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The id of a kind of home (`club_room`, `startbolig`): one of the kinds
/// the policy declares.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnitKind(String);

impl UnitKind {
    /// A kind by its id (not checked here: [`crate::round::Round::new`]
    /// refuses a unit whose kind the policy does not declare).
    pub fn new(id: impl Into<String>) -> Self {
        UnitKind(id.into())
    }

    /// The id as written in files.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for UnitKind {
    fn from(s: &str) -> Self {
        UnitKind::new(s)
    }
}

/// The ids of the five built-in kinds.
pub mod builtin {
    /// Klubværelse: a small room in a shared house with common facilities.
    pub const CLUB_ROOM: &str = "club_room";
    /// Skæv bolig: housing for people who fit nowhere else.
    pub const SKAEV_BOLIG: &str = "skaev_bolig";
    /// Bofællesskab: shared living, several places in one unit.
    pub const SHARED_LIVING: &str = "shared_living";
    /// Ungdomsbolig: youth housing.
    pub const YOUTH_HOUSING: &str = "youth_housing";
    /// Almen bolig: ordinary social housing via the municipality's allocation right.
    pub const ORDINARY: &str = "ordinary";
    /// All five, in the order reports list them.
    pub const ALL: [&str; 5] = [
        CLUB_ROOM,
        SKAEV_BOLIG,
        SHARED_LIVING,
        YOUTH_HOUSING,
        ORDINARY,
    ];
}

/// The most kinds a policy (with its scenario) may declare.
pub const MAX_KINDS: usize = 100;
/// The most rules in one kind's `suits`.
pub const MAX_RULES: usize = 50;
/// The longest label.
pub const MAX_LABEL_CHARS: usize = 100;

/// Whether `id` is a well-formed kind id: 1-40 characters of a-z, 0-9, `_`.
pub fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 40
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// One rule of `suits`: it holds when every condition given holds. A
/// condition left out holds for everyone.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The person's age band is one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_band: Option<Vec<AgeBand>>,
    /// The person's gender is one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Vec<Gender>>,
    /// The person's substance use is one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub substance_use: Option<Vec<SubstanceUse>>,
    /// The person has (true) or has not (false) a psychiatric illness.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub psychiatric: Option<bool>,
    /// The person's support need is one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub need: Option<Vec<Need>>,
    /// The person is (true) or is not (false) in recovery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_recovery: Option<bool>,
    /// The unit is (true) or is not (false) drug-free.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drug_free: Option<bool>,
}

fn among<T: PartialEq>(list: &Option<Vec<T>>, x: &T) -> bool {
    list.as_ref().is_none_or(|l| l.contains(x))
}

fn is<T: PartialEq>(cond: &Option<T>, x: &T) -> bool {
    cond.as_ref().is_none_or(|c| c == x)
}

impl Rule {
    /// Whether every condition holds for `person` in `unit`.
    pub fn holds(&self, person: &Person, unit: &Unit) -> bool {
        among(&self.age_band, &person.age_band())
            && among(&self.gender, &person.gender)
            && among(&self.substance_use, &person.substance_use)
            && is(&self.psychiatric, &person.psychiatric)
            && among(&self.need, &person.need())
            && is(&self.in_recovery, &person.in_recovery)
            && is(&self.drug_free, &unit.drug_free)
    }

    /// Whether the rule lists an empty set somewhere (it can never hold).
    fn has_empty_list(&self) -> bool {
        self.age_band.as_ref().is_some_and(Vec::is_empty)
            || self.gender.as_ref().is_some_and(Vec::is_empty)
            || self.substance_use.as_ref().is_some_and(Vec::is_empty)
            || self.need.as_ref().is_some_and(Vec::is_empty)
    }
}

/// A kind of home as the policy declares it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindDef {
    /// Danish label, for reports in Danish and for reading exports.
    pub label_da: String,
    /// English label.
    pub label_en: String,
    /// Shared living: may have more than one place, and the shared-living
    /// rules (women and men, minors and adults apart) apply.
    #[serde(default)]
    pub shared: bool,
    /// Whom the kind suits: any rule that holds.
    #[serde(default)]
    pub suits: Vec<Rule>,
}

impl KindDef {
    /// Whether the kind suits `person` in `unit`: any rule holds.
    pub fn suits(&self, person: &Person, unit: &Unit) -> bool {
        self.suits.iter().any(|r| r.holds(person, unit))
    }
}

/// The kinds a round knows, in report order: the built-in five first, then
/// the others by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kinds(Vec<(String, KindDef)>);

impl Serialize for Kinds {
    /// As `policy.toml` writes them: a table per kind, in report order.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, d) in &self.0 {
            m.serialize_entry(k, d)?;
        }
        m.end()
    }
}

const ADULT: [AgeBand; 3] = [AgeBand::Age18To24, AgeBand::Age25To29, AgeBand::Age30Plus];

/// Today's rules, one per situation (see `docs/formats.md`): a drug-free unit
/// suits a person in recovery who uses nothing, whatever its kind.
fn recovery() -> Rule {
    Rule {
        substance_use: Some(vec![SubstanceUse::None]),
        in_recovery: Some(true),
        drug_free: Some(true),
        ..Rule::default()
    }
}

fn under_18() -> Rule {
    Rule {
        age_band: Some(vec![AgeBand::Under18]),
        ..Rule::default()
    }
}

fn adults(substance_use: &[SubstanceUse], psychiatric: Option<bool>) -> Rule {
    Rule {
        age_band: Some(ADULT.to_vec()),
        substance_use: Some(substance_use.to_vec()),
        psychiatric,
        ..Rule::default()
    }
}

fn def(da: &str, en: &str, shared: bool, suits: Vec<Rule>) -> KindDef {
    KindDef {
        label_da: da.into(),
        label_en: en.into(),
        shared,
        suits,
    }
}

impl Default for Kinds {
    /// The five kinds of the programme, with today's rules.
    fn default() -> Self {
        use SubstanceUse as S;
        let none = [S::None];
        Kinds(vec![
            (
                builtin::CLUB_ROOM.into(),
                def(
                    "Klubværelse",
                    "Club room",
                    false,
                    vec![
                        recovery(),
                        under_18(),
                        adults(&[S::Cannabis], None),
                        adults(&none, Some(true)),
                    ],
                ),
            ),
            (
                builtin::SKAEV_BOLIG.into(),
                def(
                    "Skæv bolig",
                    "Skæv bolig (for those who fit nowhere else)",
                    false,
                    vec![
                        recovery(),
                        adults(&[S::Cannabis, S::Alcohol, S::Drugs], None),
                    ],
                ),
            ),
            (
                builtin::SHARED_LIVING.into(),
                def(
                    "Bofællesskab",
                    "Shared living",
                    true,
                    vec![recovery(), under_18(), adults(&none, Some(true))],
                ),
            ),
            (
                builtin::YOUTH_HOUSING.into(),
                def(
                    "Ungdomsbolig",
                    "Youth housing",
                    false,
                    vec![recovery(), under_18(), adults(&none, Some(false))],
                ),
            ),
            (
                builtin::ORDINARY.into(),
                def(
                    "Almen bolig",
                    "Ordinary social housing",
                    false,
                    vec![recovery(), adults(&none, Some(false))],
                ),
            ),
        ])
    }
}

impl Kinds {
    /// The kind declared under `id`.
    pub fn get(&self, id: &str) -> Option<&KindDef> {
        self.0.iter().find(|(k, _)| k == id).map(|(_, d)| d)
    }

    /// Every kind, in report order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &KindDef)> {
        self.0.iter().map(|(k, d)| (k.as_str(), d))
    }

    /// Every kind's id, in report order.
    pub fn ids(&self) -> Vec<UnitKind> {
        self.0
            .iter()
            .map(|(k, _)| UnitKind::new(k.clone()))
            .collect()
    }

    /// How many kinds are declared.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no kind is declared.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Declares or replaces a kind; a new kind goes after the built-in five,
    /// in id order.
    pub fn declare(&mut self, id: &str, d: KindDef) {
        if let Some(slot) = self.0.iter_mut().find(|(k, _)| k == id) {
            slot.1 = d;
            return;
        }
        self.0.push((id.to_string(), d));
        let rank = |k: &str| {
            builtin::ALL
                .iter()
                .position(|b| *b == k)
                .unwrap_or(usize::MAX)
        };
        self.0
            .sort_by(|(a, _), (b, _)| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
    }

    /// Whether `kind` is shared living (unknown kinds are not).
    pub fn is_shared(&self, kind: &UnitKind) -> bool {
        self.get(kind.as_str()).is_some_and(|d| d.shared)
    }

    /// Whether the unit's kind suits the person.
    pub fn suits(&self, person: &Person, unit: &Unit) -> bool {
        self.get(unit.kind.as_str())
            .is_some_and(|d| d.suits(person, unit))
    }

    /// The label of a kind in Danish (`da`) or English; the id when unknown.
    pub fn label<'a>(&'a self, kind: &'a UnitKind, da: bool) -> &'a str {
        match self.get(kind.as_str()) {
            Some(d) if da => &d.label_da,
            Some(d) => &d.label_en,
            None => kind.as_str(),
        }
    }

    /// The declared kind a cell names: its id or a label (case, accents
    /// and separators ignored).
    pub fn find(&self, cell: &str) -> Option<UnitKind> {
        let key = crate::model::fold(cell);
        self.0
            .iter()
            .find(|(k, d)| {
                crate::model::fold(k) == key
                    || crate::model::fold(&d.label_da) == key
                    || crate::model::fold(&d.label_en) == key
            })
            .map(|(k, _)| UnitKind::new(k.clone()))
    }

    /// The declared ids, for messages: `club_room | skaev_bolig | …`.
    pub fn expected(&self) -> String {
        self.0
            .iter()
            .map(|(k, _)| k.as_str())
            .collect::<Vec<_>>()
            .join(" | ")
    }

    /// Every problem with the declarations, as (key, what is wrong).
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if self.0.len() > MAX_KINDS {
            out.push((
                "kinds".into(),
                format!("declares {} kinds; at most {MAX_KINDS}", self.0.len()),
            ));
        }
        for (id, d) in &self.0 {
            let key = format!("kinds.{id}");
            if !is_id(id) {
                out.push((
                    key.clone(),
                    "a kind's id is 1-40 characters of a-z, 0-9 and _ (it is written in units.csv and in every output)".into(),
                ));
            }
            for (name, label) in [("label_da", &d.label_da), ("label_en", &d.label_en)] {
                let n = label.chars().count();
                let unprintable = |c: char| c.is_control() || crate::error::is_invisible(c);
                if n == 0 || n > MAX_LABEL_CHARS || label.chars().any(unprintable) {
                    out.push((
                        format!("{key}.{name}"),
                        format!("must be 1-{MAX_LABEL_CHARS} printable characters (no control, invisible or direction-changing ones)"),
                    ));
                }
            }
            if d.suits.len() > MAX_RULES {
                out.push((
                    format!("{key}.suits"),
                    format!("has {} rules; at most {MAX_RULES}", d.suits.len()),
                ));
            }
            if let Some(i) = d.suits.iter().position(Rule::has_empty_list) {
                out.push((
                    format!("{key}.suits"),
                    format!(
                        "rule {} lists no values for a condition, so it can never hold; leave the condition out to mean \"anyone\"",
                        i + 1
                    ),
                ));
            }
        }
        out
    }
}
