//! The round's records: units, young people, staff members, the words their
//! cells may hold (with Danish aliases), and money and name folding.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Amount of money in øre (1/100 kr), kept as an integer so that rent rules are exact.
pub type Ore = i64;

/// Formats øre as Danish kroner, e.g. `3.272 kr` or `3.272,50 kr`.
pub fn fmt_kr(ore: Ore) -> String {
    let neg = ore < 0;
    let a = ore.unsigned_abs();
    let (kr, rest) = (a / 100, a % 100);
    let digits = kr.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let sign = if neg { "-" } else { "" };
    if rest == 0 {
        format!("{sign}{grouped} kr")
    } else {
        format!("{sign}{grouped},{rest:02} kr")
    }
}

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $canon:literal [$($alias:literal),*]),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $canon)] $variant),+ }
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The canonical spelling used in files and output.
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $canon),+ } }
            /// Parses the canonical spelling or a Danish/English alias (case, accents and
            /// separators are ignored).
            pub fn parse(s: &str) -> Option<Self> {
                let key = crate::model::fold(s);
                $( if key == crate::model::fold($canon) $(|| key == crate::model::fold($alias))* { return Some($name::$variant); } )+
                None
            }
            /// The built-in aliases as (alias, value), in declaration order.
            pub const ALIASES: &'static [(&'static str, $name)] = &[$($( ($alias, $name::$variant), )*)+];
            /// Parses the canonical spelling only (case, accents and
            /// separators ignored).
            pub fn parse_canonical(s: &str) -> Option<Self> {
                let key = crate::model::fold(s);
                $( if key == crate::model::fold($canon) { return Some($name::$variant); } )+
                None
            }
            /// The canonical spellings.
            pub const CANONICAL: &'static [&'static str] = &[$($canon),+];
            /// The accepted spellings, for error messages.
            pub fn expected() -> String {
                [$($canon),+].join(" | ")
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

/// Folds a value for alias matching: lower case, Danish letters spelled out,
/// `_`, `-`, `/` and runs of white space made one space, none at the ends.
pub fn fold(s: &str) -> String {
    folded(s).collect()
}

/// Whether two values are the same once folded ([`fold`]), without
/// allocating: eligibility compares areas for every pair.
pub fn same_folded(a: &str, b: &str) -> bool {
    a == b || folded(a).eq(folded(b))
}

/// The characters of [`fold`]`(s)`, one at a time.
fn folded(s: &str) -> impl Iterator<Item = char> + '_ {
    let mut started = false;
    let mut gap = false;
    s.chars()
        .flat_map(char::to_lowercase)
        .flat_map(move |c| {
            let (first, second) = match c {
                'æ' => ('a', Some('e')),
                'ø' => ('o', Some('e')),
                'å' => ('a', Some('a')),
                '_' | '-' | '/' => (' ', None),
                c if c.is_whitespace() => (' ', None),
                c => (c, None),
            };
            if first == ' ' {
                gap = started;
                return [None, None, None];
            }
            let space = (gap && started).then_some(' ');
            started = true;
            gap = false;
            [space, Some(first), second]
        })
        .flatten()
}

pub use super::kinds::UnitKind;

vocabulary! {
    /// A person's gender as recorded.
    Gender {
        /// Woman.
        F = "f" ["k", "kvinde", "female", "woman", "w"],
        /// Man.
        M = "m" ["mand", "male", "man"],
    }
}

vocabulary! {
    /// Who a unit admits.
    UnitGender {
        /// Anyone.
        Any = "any" ["alle", "begge", "blandet", "mixed", ""],
        /// Women only.
        Women = "women" ["kvinder", "f", "k"],
        /// Men only.
        Men = "men" ["mænd", "maend", "m"],
    }
}

vocabulary! {
    /// Current substance use.
    SubstanceUse {
        /// No current use.
        None = "none" ["ingen", "nej", "no", ""],
        /// Cannabis.
        Cannabis = "cannabis" ["hash", "hashish"],
        /// Alcohol.
        Alcohol = "alcohol" ["alkohol"],
        /// Other drugs.
        Drugs = "drugs" ["stoffer", "narkotika"],
    }
}

vocabulary! {
    /// Where a person stays now.
    Stay {
        /// Rough sleeping (the national count: gadesovende).
        Street = "street" ["gaden", "gadesovende"],
        /// Night shelter (natvarmestue).
        NightShelter = "night_shelter" ["natvarmestue"],
        /// Shelter (herberg, forsorgshjem, §110).
        Shelter = "shelter" ["herberg", "forsorgshjem", "herberg/forsorgshjem"],
        /// A hotel, hostel or similar paid night (hotel/vandrehjem).
        Hotel = "hotel" ["vandrehjem", "hotel/vandrehjem"],
        /// With family or friends (hos familie eller venner, sofasurfer).
        FamilyFriends = "family_friends" ["familie/venner", "familie venner", "familie", "venner", "sofasurfer", "hos familie eller venner", "hos familie eller venner/sofasurfer"],
        /// Transitional housing (udslusningsbolig).
        Transitional = "transitional" ["udslusningsbolig"],
        /// In hospital or a treatment place (hospital/behandlingstilbud).
        Hospital = "hospital" ["sygehus", "behandlingstilbud", "hospital/behandlingstilbud"],
        /// In prison or custody, to be released without a home (fængsel/arresthus).
        Prison = "prison" ["fængsel", "faengsel", "arresthus", "fængsel/arresthus"],
        /// Other or unknown.
        Other = "other" ["andet", "uoplyst", "andet/uoplyst", ""],
    }
}

vocabulary! {
    /// Whether a woman's support worker must or should be a woman.
    FemaleStaff {
        /// Must be a woman (hard rule).
        Required = "required" ["krævet", "kraevet", "skal", "påkrævet", "paakraevet"],
        /// Should be a woman where possible (level-2 fit).
        Preferred = "preferred" ["foretrukket", "ønsket", "oensket", "gerne"],
        /// No wish.
        No = "no" ["nej", "ingen"],
    }
}

vocabulary! {
    /// Support method (bostøttemetode).
    Method {
        /// Assertive Community Treatment: a multidisciplinary team.
        Act = "ACT" [],
        /// Intensive Case Management.
        Icm = "ICM" [],
        /// Critical Time Intervention: time-limited support around the move.
        Cti = "CTI" [],
    }
}

vocabulary! {
    /// Support need, derived from psychiatric illness and substance use.
    Need {
        /// Psychiatric illness and substance use.
        Complex = "complex" [],
        /// Exactly one of the two.
        Moderate = "moderate" [],
        /// Neither.
        Light = "light" [],
    }
}

vocabulary! {
    /// A goal of the programme: the share of a group that is housed, or (for
    /// `female_worker`) the share of the housed who asked for a female
    /// support worker and got one.
    GoalKind {
        /// Under-18s housed (the programme's goal: 100 %).
        Under18 = "under_18" [],
        /// 18–29-year-olds housed (the programme's goal: 90 %).
        Age18To29 = "age_18_29" [],
        /// 18–24-year-olds housed.
        Age18To24 = "age_18_24" [],
        /// 25–29-year-olds housed.
        Age25To29 = "age_25_29" [],
        /// Everyone housed.
        All = "all" [],
        /// A female worker for the housed who asked for one.
        FemaleWorker = "female_worker" [],
    }
}

impl GoalKind {
    /// Whether `person` belongs to the goal's group, by today's age.
    pub fn concerns(self, person: &Person) -> bool {
        self.concerns_band(person, person.age_band())
    }

    /// Whether `person` belongs to the goal's group over the programme: by
    /// their age when registered ([`Person::goal_band`]).
    pub fn concerns_at(self, person: &Person, day: NaiveDate) -> bool {
        self.concerns_band(person, person.goal_band(day))
    }

    fn concerns_band(self, person: &Person, band: AgeBand) -> bool {
        match self {
            GoalKind::Under18 => band == AgeBand::Under18,
            GoalKind::Age18To29 => matches!(band, AgeBand::Age18To24 | AgeBand::Age25To29),
            GoalKind::Age18To24 => band == AgeBand::Age18To24,
            GoalKind::Age25To29 => band == AgeBand::Age25To29,
            GoalKind::All => true,
            GoalKind::FemaleWorker => person.female_staff != FemaleStaff::No,
        }
    }
}

/// Age band used by the programme's goals and the priority rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AgeBand {
    /// Under 18.
    #[serde(rename = "under_18")]
    Under18,
    /// 18–24.
    #[serde(rename = "age_18_24")]
    Age18To24,
    /// 25–29.
    #[serde(rename = "age_25_29")]
    Age25To29,
    /// 30 and over.
    #[serde(rename = "age_30_plus")]
    Age30Plus,
}

impl AgeBand {
    /// The band of an age in whole years.
    pub fn of(age: u32) -> Self {
        match age {
            0..=17 => AgeBand::Under18,
            18..=24 => AgeBand::Age18To24,
            25..=29 => AgeBand::Age25To29,
            _ => AgeBand::Age30Plus,
        }
    }
}

/// A home that can be offered this round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unit {
    /// The unit's id in the office's system; unique in the round.
    pub id: String,
    /// Kind of home.
    pub kind: UnitKind,
    /// Places; more than one only for shared living.
    pub places: u32,
    /// Monthly rent per place, in øre.
    pub rent: Ore,
    /// First day the unit can be moved into; `None` = now.
    pub available_from: Option<NaiveDate>,
    /// Residents must have no current substance use.
    pub drug_free: bool,
    /// Who the unit admits.
    pub gender: UnitGender,
    /// Lowest age admitted.
    pub min_age: u32,
    /// Highest age admitted.
    pub max_age: Option<u32>,
    /// Area (neighbourhood or municipality).
    pub area: Option<String>,
    /// Residents (tenancies in the offers record) whose places are taken:
    /// `places` counts the free places only.
    #[serde(skip)]
    pub occupants: Vec<Occupant>,
    /// Line in units.csv, for messages.
    #[serde(skip)]
    pub line: u64,
}

/// A homeless young person (pseudonymised).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    /// Pseudonymous id (never a CPR number); unique in the round.
    pub id: String,
    /// Gender as recorded: the female-worker wish and the shared-living rule use it.
    pub gender: Gender,
    /// Age in whole years.
    pub age: u32,
    /// Current substance use (health data: never logged).
    pub substance_use: SubstanceUse,
    /// Psychiatric illness (health data: never logged).
    pub psychiatric: bool,
    /// In or after treatment and wanting a drug-free home (health data: never logged).
    pub in_recovery: bool,
    /// Monthly disposable income, in øre.
    pub income: Ore,
    /// Explicit rent ceiling, in øre; overrides the affordability rule.
    pub max_rent: Option<Ore>,
    /// Where the person stays now.
    pub stay: Stay,
    /// The day the person was registered as waiting; priority counts the weeks since.
    pub registered: Option<NaiveDate>,
    /// Wish for a female support worker.
    pub female_staff: FemaleStaff,
    /// The person's own area (municipality or district), for `max_area_distance`.
    pub home_area: Option<String>,
    /// Areas the person prefers.
    pub preferred_areas: Vec<String>,
    /// Units the person has declined.
    pub declined_units: Vec<String>,
    /// An accepted or pending offer this round must keep.
    pub pinned_unit: Option<String>,
    /// The support worker the person already knows (outreach before the
    /// move); keeping them earns `[fit] known_worker`.
    pub known_staff_id: Option<String>,
    /// The offer of the offers record that pins `pinned_unit`, with its
    /// worker (kept too) and the record's line, for messages.
    #[serde(skip)]
    pub kept_offer: Option<KeptOffer>,
    /// Line in people.csv, for messages.
    #[serde(skip)]
    pub line: u64,
}

/// An offer of the offers record that a round keeps (pending or accepted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptOffer {
    /// The worker named in the offer, kept with the home.
    pub staff_id: Option<String>,
    /// The record's file name, for messages.
    pub file: String,
    /// The record's line.
    pub line: u64,
}

/// A resident of a unit (a tenancy in the offers record), as far as the
/// shared-living separation rules need to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Occupant {
    /// Under 18 at the round date.
    pub minor: bool,
    /// Gender.
    pub gender: Gender,
}

impl Person {
    /// The person's support need.
    pub fn need(&self) -> Need {
        let uses = self.substance_use != SubstanceUse::None;
        match (self.psychiatric, uses) {
            (true, true) => Need::Complex,
            (false, false) => Need::Light,
            _ => Need::Moderate,
        }
    }

    /// The person's age band.
    pub fn age_band(&self) -> AgeBand {
        AgeBand::of(self.age)
    }

    /// The age band the programme's goals count the person in: their age
    /// when `registered` (whole years before `day` taken off today's age; the
    /// exports carry no birth dates), or today's without a registration date.
    pub fn goal_band(&self, day: NaiveDate) -> AgeBand {
        let years = self.registered.map_or(0, |r| {
            let mut y = day.year() - r.year();
            if (day.month(), day.day()) < (r.month(), r.day()) {
                y -= 1;
            }
            y.max(0) as u32
        });
        AgeBand::of(self.age.saturating_sub(years))
    }
}

/// A support worker with free caseload this round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Staff {
    /// The worker's id; unique in the round.
    pub id: String,
    /// The worker's gender: women who ask get a female worker where possible.
    pub gender: Gender,
    /// The support method the worker offers (ACT, ICM or CTI).
    pub method: Method,
    /// Free caseload slots this round.
    pub capacity: u32,
    /// Total cases the worker can carry, when staff.csv gives `caseload`
    /// instead of `capacity`: then `capacity` is `caseload` minus the
    /// worker's active cases in the offers record.
    pub caseload: Option<u32>,
    /// Line in staff.csv, for messages.
    #[serde(skip)]
    pub line: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_fold_danish_spellings() {
        assert_eq!(Stay::parse("Familie/venner"), Some(Stay::FamilyFriends));
        assert_eq!(Gender::parse("K"), Some(Gender::F));
        assert_eq!(Method::parse("icm"), Some(Method::Icm));
    }

    #[test]
    fn folding_spells_out_danish_letters_and_collapses_separators() {
        for (raw, want) in [
            ("  Måløv ", "maaloev"),
            ("ÆBLE_haven", "aeble haven"),
            ("Familie / venner", "familie venner"),
            ("--a--b--", "a b"),
            ("a\t\u{a0}b", "a b"),
            ("", ""),
            (" _-/ ", ""),
        ] {
            assert_eq!(fold(raw), want, "{raw:?}");
        }
        assert!(same_folded("Måløv", "maaloev"));
        assert!(same_folded("Skovlunde Nord", "skovlunde_nord"));
        assert!(!same_folded("Skovlunde", "Skovlunde Nord"));
        assert!(!same_folded("Ballerup", "Baller up"));
    }

    #[test]
    fn kroner_are_grouped_the_danish_way() {
        assert_eq!(fmt_kr(327_200), "3.272 kr");
        assert_eq!(fmt_kr(350_050), "3.500,50 kr");
        assert_eq!(fmt_kr(5_00), "5 kr");
        assert_eq!(fmt_kr(123_456_700), "1.234.567 kr");
    }

    #[test]
    fn needs_follow_the_rule() {
        assert_eq!(AgeBand::of(17), AgeBand::Under18);
        assert_eq!(AgeBand::of(24), AgeBand::Age18To24);
        assert_eq!(AgeBand::of(29), AgeBand::Age25To29);
        assert_eq!(AgeBand::of(30), AgeBand::Age30Plus);
    }
}
