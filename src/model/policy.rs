//! The policy: the programme's rules as values (priority points, support
//! periods and slots, fit weights, kinds of home, aliases, goals, the round
//! date), every one with its documented range.

use super::aliases::Aliases;
use super::kinds::Kinds;
use super::values::*;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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
    pub kinds: Kinds,
    /// Fit points (level 2).
    pub fit: FitPolicy,
    /// The office's words for columns and values.
    pub aliases: Aliases,
    /// The programme's goals: the share of each group to reach.
    #[serde(skip_serializing_if = "GoalTargets::is_default")]
    pub goals: GoalTargets,
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
            kinds: Kinds::default(),
            fit: FitPolicy::default(),
            aliases: Aliases::default(),
            goals: GoalTargets::default(),
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
        self.rent_and_horizon_problems(&mut out);
        self.priority_problems(&mut out);
        self.week_and_area_problems(&mut out);
        self.support_problems(&mut out);
        self.fit_problems(&mut out);
        self.period_and_shelter_problems(&mut out);
        self.goals.problems(&mut out);
        let mut all: Vec<(String, String)> =
            out.into_iter().map(|(k, m)| (k.to_string(), m)).collect();
        all.extend(self.kinds.problems());
        all.extend(self.aliases.problems(&self.kinds));
        all
    }

    /// The horizon in days and the share of income rent may take.
    fn rent_and_horizon_problems(&self, out: &mut Vec<(&'static str, String)>) {
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
    }

    /// The weeks of waiting that count, the neighbour steps and the areas'
    /// neighbour lists.
    fn week_and_area_problems(&self, out: &mut Vec<(&'static str, String)>) {
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
    }

    /// A support method for every need.
    fn support_problems(&self, out: &mut Vec<(&'static str, String)>) {
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
    }

    /// The fit points, each within [`FIT_WEIGHT`].
    fn fit_problems(&self, out: &mut Vec<(&'static str, String)>) {
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
    }

    /// The support periods in weeks and the cost of a shelter night.
    fn period_and_shelter_problems(&self, out: &mut Vec<(&'static str, String)>) {
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
    }

    /// Last day a unit may become available and still count this round.
    pub fn horizon_end(&self) -> NaiveDate {
        self.round_date + chrono::Duration::days(self.horizon_days)
    }
}

/// The programme's goals (the municipality's application: a home for 100 %
/// of those under 18 and 90 % of those aged 18–29; support for 100 % of
/// those housed; a female worker for every young woman who asks for one):
/// each the share of its group to reach, 0–1. `[goals]` in policy.toml;
/// `plan --target` overrides them for one plan.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GoalTargets {
    /// Share of the under-18s to house.
    pub under_18: f64,
    /// Share of the 18–29-year-olds to house.
    pub age_18_29: f64,
    /// Share of those housed to give a support worker.
    pub support: f64,
    /// Share of the women who ask for a female worker to give one.
    pub female_worker: f64,
}

impl Default for GoalTargets {
    fn default() -> Self {
        GoalTargets {
            under_18: 1.0,
            age_18_29: 0.9,
            support: 1.0,
            female_worker: 1.0,
        }
    }
}

impl GoalTargets {
    /// Whether these are the programme's own goals (a policy that keeps
    /// them does not repeat them in its audit).
    pub fn is_default(&self) -> bool {
        *self == GoalTargets::default()
    }

    /// Each target as (key, share).
    pub fn all(&self) -> [(&'static str, f64); 4] {
        [
            ("under_18", self.under_18),
            ("age_18_29", self.age_18_29),
            ("support", self.support),
            ("female_worker", self.female_worker),
        ]
    }

    /// Targets outside 0–1 (or not numbers).
    fn problems(&self, out: &mut Vec<(&'static str, String)>) {
        for (key, share) in self.all() {
            if !(0.0..=1.0).contains(&share) {
                out.push((key, format!("{share} must be a share from 0 to 1")));
            }
        }
    }
}
