//! The round's plain data: units, young people, staff members and the policy.
//! No I/O here; the readers in [`crate::input`] build these values.

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

pub use crate::kinds::UnitKind;

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

/// Points that make up a person's priority (level 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PriorityPolicy {
    /// Points everyone gets.
    pub base: i64,
    /// Points for under-18s (the programme's goal: all housed).
    pub under_18: i64,
    /// Points for 18–24-year-olds.
    pub age_18_24: i64,
    /// Points for 25–29-year-olds.
    pub age_25_29: i64,
    /// 30 and over.
    pub age_30_plus: i64,
    /// Extra points for young women.
    pub woman: i64,
    /// Per whole week waited.
    pub per_week_waiting: i64,
    /// Weeks counted at most.
    pub max_weeks: i64,
    /// Points by current stay.
    pub stay: StayPoints,
}

impl Default for PriorityPolicy {
    fn default() -> Self {
        PriorityPolicy {
            base: 100,
            under_18: 50,
            age_18_24: 20,
            age_25_29: 10,
            age_30_plus: 0,
            woman: 5,
            per_week_waiting: 1,
            max_weeks: 52,
            stay: StayPoints::default(),
        }
    }
}

/// Priority points by current stay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StayPoints {
    /// Points for sleeping rough.
    pub street: i64,
    /// Points for staying at a night shelter.
    pub night_shelter: i64,
    /// Points for staying at a shelter (herberg, §110).
    pub shelter: i64,
    /// Points for staying in hospital.
    pub hospital: i64,
    /// Points for staying in transitional housing.
    pub transitional: i64,
    /// Points for staying at a hotel or hostel.
    pub hotel: i64,
    /// Points for being in prison or custody (to be released without a home).
    pub prison: i64,
    /// Family or friends.
    pub family_friends: i64,
    /// Points for any other or unknown stay.
    pub other: i64,
}

impl Default for StayPoints {
    fn default() -> Self {
        StayPoints {
            street: 30,
            night_shelter: 25,
            shelter: 20,
            hospital: 15,
            transitional: 10,
            hotel: 20,
            prison: 15,
            family_friends: 5,
            other: 0,
        }
    }
}

impl StayPoints {
    /// Points for a stay.
    pub fn of(&self, stay: Stay) -> i64 {
        match stay {
            Stay::Street => self.street,
            Stay::NightShelter => self.night_shelter,
            Stay::Shelter => self.shelter,
            Stay::Hospital => self.hospital,
            Stay::Transitional => self.transitional,
            Stay::Hotel => self.hotel,
            Stay::Prison => self.prison,
            Stay::FamilyFriends => self.family_friends,
            Stay::Other => self.other,
        }
    }
}

/// How long each method supports a person after the move, in weeks; `None`
/// = open-ended. A worker's active cases (for `caseload`) are the tenancies
/// still within their method's period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SupportWeeks {
    /// Assertive Community Treatment (open-ended by default).
    #[serde(rename = "ACT", skip_serializing_if = "Option::is_none")]
    pub act: Option<i64>,
    /// Intensive Case Management (open-ended by default).
    #[serde(rename = "ICM", skip_serializing_if = "Option::is_none")]
    pub icm: Option<i64>,
    /// Critical Time Intervention: time-limited, 9 months ≈ 39 weeks.
    #[serde(rename = "CTI", skip_serializing_if = "Option::is_none")]
    pub cti: Option<i64>,
}

impl Default for SupportWeeks {
    fn default() -> Self {
        SupportWeeks {
            act: None,
            icm: None,
            cti: Some(39),
        }
    }
}

impl SupportWeeks {
    /// The support period of a method, in weeks (`None` = open-ended).
    pub fn of(&self, m: Method) -> Option<i64> {
        match m {
            Method::Act => self.act,
            Method::Icm => self.icm,
            Method::Cti => self.cti,
        }
    }
}

/// The range of a `[support_weeks]` value (ten years).
pub const SUPPORT_WEEKS: std::ops::RangeInclusive<i64> = 1..=520;

/// Which support methods may serve each need, best first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SupportPolicy {
    /// Methods for a complex need (psychiatric illness and substance use), best first.
    pub complex: Vec<Method>,
    /// Methods for a moderate need (one of the two), best first.
    pub moderate: Vec<Method>,
    /// Methods for a light need (neither), best first.
    pub light: Vec<Method>,
}

impl Default for SupportPolicy {
    fn default() -> Self {
        SupportPolicy {
            complex: vec![Method::Act],
            moderate: vec![Method::Icm, Method::Act],
            light: vec![Method::Cti, Method::Icm],
        }
    }
}

impl SupportPolicy {
    /// Methods allowed for a need, best first.
    pub fn methods(&self, need: Need) -> &[Method] {
        match need {
            Need::Complex => &self.complex,
            Need::Moderate => &self.moderate,
            Need::Light => &self.light,
        }
    }
}

/// Points of each fit term (level 2); 0 switches a term off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FitPolicy {
    /// The support worker the person already knows (`known_staff_id`).
    pub known_worker: i64,
    /// The unit is in an area the person prefers.
    pub preferred_area: i64,
    /// The kind of home suits the person (the kind's `suits` rules).
    pub kind_suits: i64,
    /// The most points for rent headroom (scaled by the share of the
    /// affordable rent left).
    pub rent_headroom: i64,
    /// A female support worker for a woman who asked for one.
    pub female_worker: i64,
    /// The first-listed support method for the person's need.
    pub first_method: i64,
}

impl Default for FitPolicy {
    fn default() -> Self {
        FitPolicy {
            known_worker: 12,
            preferred_area: 10,
            kind_suits: 6,
            rent_headroom: 5,
            female_worker: 8,
            first_method: 4,
        }
    }
}

/// The range of every fit weight. A person scores at most 6 × 1,000 points,
/// a round of [`crate::input::MAX_ROWS`] people at most 10^9: exact in an
/// `i64` and in the MILP's `f64`.
pub const FIT_WEIGHT: std::ops::RangeInclusive<i64> = 0..=1_000;

/// The range of every priority weight. With at most
/// [`crate::input::MAX_ROWS`] people, a person's priority is at most
/// 4 × 10,000 + 10,000 × 520 (weeks) ≈ 5.3 million and a round's total about
/// 1.1 × 10^12: exact in an `i64` and in the `f64` the MILP uses (< 2^53).
pub const PRIORITY_WEIGHT: std::ops::RangeInclusive<i64> = 0..=10_000;
/// The range of `max_weeks` (ten years).
pub const MAX_WEEKS: std::ops::RangeInclusive<i64> = 0..=520;
/// The range of `shelter_cost_per_night_dkk`.
pub const SHELTER_COST: std::ops::RangeInclusive<i64> = 0..=100_000;
/// The largest `max_area_distance`.
pub const MAX_AREA_DISTANCE: u32 = 50;
/// The most areas `[area_neighbours]` may list.
pub const MAX_AREAS: usize = 10_000;
/// The most neighbours `[area_neighbours]` may list in all.
pub const MAX_NEIGHBOUR_LINKS: usize = 100_000;

/// The round's policy (policy.toml); every key is optional.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Policy {
    /// Date of the allocation round.
    pub round_date: NaiveDate,
    /// Units available within this many days of the round date count.
    pub horizon_days: i64,
    /// Share of income that rent may take when no explicit ceiling is given.
    pub max_rent_share: f64,
    /// Priority points (level 1).
    pub priority: PriorityPolicy,
    /// Support methods per need.
    pub support: SupportPolicy,
    /// Support period per method, for active caseloads.
    pub support_weeks: SupportWeeks,
    /// Never women and men together in a mixed shared-living unit.
    pub shared_living_gender_separated: bool,
    /// Never under-18s and adults together in a shared-living unit.
    pub shared_living_minors_separated: bool,
    /// Cost of one shelter night, for the what-if estimate of costs avoided.
    pub shelter_cost_per_night_dkk: i64,
    /// Placements only within this many neighbour steps of a person's home area.
    pub max_area_distance: Option<u32>,
    /// Which areas border which (symmetric: listing one direction is enough).
    pub area_neighbours: std::collections::BTreeMap<String, Vec<String>>,
    /// Kinds of home and whom they suit.
    pub kinds: crate::kinds::Kinds,
    /// Fit points (level 2).
    pub fit: FitPolicy,
    /// The office's words for columns and values.
    pub aliases: crate::aliases::Aliases,
    /// Neighbour-step distances between areas, derived from `area_neighbours`.
    #[serde(skip)]
    pub area_distance: std::collections::BTreeMap<String, std::collections::BTreeMap<String, u32>>,
}

impl Policy {
    /// The defaults, with a given round date.
    pub fn with_date(round_date: NaiveDate) -> Self {
        Policy {
            round_date,
            horizon_days: 28,
            max_rent_share: 0.5,
            priority: PriorityPolicy::default(),
            support: SupportPolicy::default(),
            support_weeks: SupportWeeks::default(),
            shared_living_gender_separated: true,
            shared_living_minors_separated: true,
            shelter_cost_per_night_dkk: 600,
            max_area_distance: None,
            area_neighbours: std::collections::BTreeMap::new(),
            kinds: crate::kinds::Kinds::default(),
            fit: FitPolicy::default(),
            aliases: crate::aliases::Aliases::default(),
            area_distance: std::collections::BTreeMap::new(),
        }
    }

    /// Recomputes `area_distance` from `area_neighbours` (breadth-first search,
    /// up to `max_area_distance` steps).
    pub fn derive_area_distances(&mut self) {
        use std::collections::{BTreeMap, BTreeSet, VecDeque};
        let mut graph: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (a, ns) in &self.area_neighbours {
            for b in ns {
                graph.entry(a.as_str()).or_default().insert(b.as_str());
                graph.entry(b.as_str()).or_default().insert(a.as_str());
            }
        }
        let limit = self.max_area_distance.unwrap_or(0);
        let mut out: BTreeMap<String, BTreeMap<String, u32>> = BTreeMap::new();
        for &start in graph.keys() {
            let mut seen: BTreeMap<&str, u32> = BTreeMap::from([(start, 0)]);
            let mut queue = VecDeque::from([start]);
            while let Some(a) = queue.pop_front() {
                let d = seen[a];
                if d >= limit {
                    continue;
                }
                for &b in graph.get(a).into_iter().flatten() {
                    if !seen.contains_key(b) {
                        seen.insert(b, d + 1);
                        queue.push_back(b);
                    }
                }
            }
            let reach: BTreeMap<String, u32> = seen
                .into_iter()
                .filter(|&(_, d)| d > 0)
                .map(|(b, d)| (b.to_string(), d))
                .collect();
            out.insert(start.to_string(), reach);
        }
        self.area_distance = out;
    }

    /// Whether `area` is within `max_area_distance` of `home` (always, when
    /// the rule is off).
    pub fn within_reach(&self, home: &str, area: &str) -> bool {
        match self.max_area_distance {
            None => true,
            Some(_) if home == area => true,
            Some(d) => self
                .area_distance
                .get(home)
                .and_then(|reach| reach.get(area))
                .is_some_and(|x| *x <= d),
        }
    }

    /// Every priority weight outside [`PRIORITY_WEIGHT`], as (key, what is wrong).
    fn priority_problems(&self, out: &mut Vec<(&'static str, String)>) {
        let pr = &self.priority;
        let st = &pr.stay;
        let weights: [(&'static str, i64); 15] = [
            ("base", pr.base),
            ("under_18", pr.under_18),
            ("age_18_24", pr.age_18_24),
            ("age_25_29", pr.age_25_29),
            ("age_30_plus", pr.age_30_plus),
            ("woman", pr.woman),
            ("per_week_waiting", pr.per_week_waiting),
            ("street", st.street),
            ("night_shelter", st.night_shelter),
            ("shelter", st.shelter),
            ("hospital", st.hospital),
            ("transitional", st.transitional),
            ("hotel", st.hotel),
            ("prison", st.prison),
            ("family_friends", st.family_friends),
        ];
        let weights = weights.into_iter().chain([("other", st.other)]);
        for (key, w) in weights {
            if !PRIORITY_WEIGHT.contains(&w) {
                out.push((
                    key,
                    format!(
                        "{w} is outside {}..={} (priority points; the bound keeps every sum the solvers form exact, see docs/formats.md)",
                        PRIORITY_WEIGHT.start(),
                        PRIORITY_WEIGHT.end()
                    ),
                ));
            }
        }
    }

    /// Every value outside its range, as (key, what is wrong): the one
    /// definition used for `policy.toml` and for policies built in code.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out: Vec<(&'static str, String)> = Vec::new();
        let h = self.horizon_days;
        if !(0..=3650).contains(&h) {
            out.push(("horizon_days", format!("{h} must be between 0 and 3650")));
        }
        let s = self.max_rent_share;
        if !(s > 0.0 && s <= 1.0) {
            out.push((
                "max_rent_share",
                format!("{s} must be above 0 and at most 1"),
            ));
        }
        self.priority_problems(&mut out);
        let w = self.priority.max_weeks;
        if !MAX_WEEKS.contains(&w) {
            out.push((
                "max_weeks",
                format!(
                    "{w} is outside {}..={} (weeks)",
                    MAX_WEEKS.start(),
                    MAX_WEEKS.end()
                ),
            ));
        }
        if let Some(d) = self.max_area_distance {
            if d > MAX_AREA_DISTANCE {
                out.push((
                    "max_area_distance",
                    format!("{d} is above {MAX_AREA_DISTANCE} (neighbour steps)"),
                ));
            }
        }
        let listed: usize = self.area_neighbours.values().map(Vec::len).sum();
        if self.area_neighbours.len() > MAX_AREAS || listed > MAX_NEIGHBOUR_LINKS {
            out.push((
                "area_neighbours",
                format!(
                    "lists {} areas and {listed} neighbours; at most {MAX_AREAS} areas and {MAX_NEIGHBOUR_LINKS} neighbours in all",
                    self.area_neighbours.len()
                ),
            ));
        }
        for (name, list) in [
            ("complex", &self.support.complex),
            ("moderate", &self.support.moderate),
            ("light", &self.support.light),
        ] {
            if list.is_empty() {
                out.push((
                    name,
                    "lists no support method; give at least one of ACT, ICM, CTI".into(),
                ));
            }
        }
        let f = &self.fit;
        for (key, w) in [
            ("fit.known_worker", f.known_worker),
            ("fit.preferred_area", f.preferred_area),
            ("fit.kind_suits", f.kind_suits),
            ("fit.rent_headroom", f.rent_headroom),
            ("fit.female_worker", f.female_worker),
            ("fit.first_method", f.first_method),
        ] {
            if !FIT_WEIGHT.contains(&w) {
                out.push((
                    key,
                    format!(
                        "{w} is outside {}..={} (fit points; the bound keeps every sum the solvers form exact, see docs/formats.md)",
                        FIT_WEIGHT.start(),
                        FIT_WEIGHT.end()
                    ),
                ));
            }
        }
        for (key, w) in [
            ("support_weeks.ACT", self.support_weeks.act),
            ("support_weeks.ICM", self.support_weeks.icm),
            ("support_weeks.CTI", self.support_weeks.cti),
        ] {
            if let Some(w) = w.filter(|w| !SUPPORT_WEEKS.contains(w)) {
                out.push((
                    key,
                    format!(
                        "{w} is outside {}..={} (weeks; leave the key out for open-ended support)",
                        SUPPORT_WEEKS.start(),
                        SUPPORT_WEEKS.end()
                    ),
                ));
            }
        }
        let c = self.shelter_cost_per_night_dkk;
        if !SHELTER_COST.contains(&c) {
            out.push((
                "shelter_cost_per_night_dkk",
                format!(
                    "{c} is outside {}..={} (kr per night)",
                    SHELTER_COST.start(),
                    SHELTER_COST.end()
                ),
            ));
        }
        let mut all: Vec<(String, String)> =
            out.into_iter().map(|(k, m)| (k.to_string(), m)).collect();
        all.extend(self.kinds.problems());
        all.extend(self.aliases.problems(&self.kinds));
        all
    }

    /// Last day a unit may become available and still count this round.
    pub fn horizon_end(&self) -> NaiveDate {
        self.round_date + chrono::Duration::days(self.horizon_days)
    }
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
