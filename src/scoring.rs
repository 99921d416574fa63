//! The two objectives: priority (level 1, who is housed) and fit (level 2, how
//! well). Both are whole numbers so that "optimal" can be proven exactly.

use crate::eligibility::max_rent;
use crate::model::{
    AgeBand, FemaleStaff, Gender, Method, Person, Policy, SubstanceUse, Unit, UnitKind,
};

/// A person's priority: base + age band + woman + stay + capped weeks waited.
pub fn priority(person: &Person, policy: &Policy) -> i64 {
    let pp = &policy.priority;
    let band = match person.age_band() {
        AgeBand::Under18 => pp.under_18,
        AgeBand::Age18To24 => pp.age_18_24,
        AgeBand::Age25To29 => pp.age_25_29,
        AgeBand::Age30Plus => pp.age_30_plus,
    };
    let woman = if person.gender == Gender::F {
        pp.woman
    } else {
        0
    };
    pp.base
        + band
        + woman
        + pp.stay.of(person.stay)
        + weeks_waited(person, policy).min(pp.max_weeks) * pp.per_week_waiting
}

/// Whole weeks from `registered` to the round date (0 if unknown or in the future).
pub fn weeks_waited(person: &Person, policy: &Policy) -> i64 {
    person
        .registered
        .map_or(0, |r| ((policy.round_date - r).num_days() / 7).max(0))
}

/// One reason a placement fits, with its points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FitTerm {
    /// The unit is in an area the person prefers.
    PreferredArea,
    /// The kind of home suits the person's situation.
    KindSuits,
    /// Rent leaves room in the budget (points 1–5 by share left).
    RentHeadroom,
    /// A female support worker, as the person asked.
    FemaleWorker,
    /// The first-listed support method for the person's need.
    FirstMethod,
}

/// Points per fit term (rent headroom gets up to this many).
pub const POINTS_PREFERRED_AREA: i64 = 10;
/// Points when the kind of home suits.
pub const POINTS_KIND_SUITS: i64 = 6;
/// Most points for rent headroom.
pub const POINTS_RENT_HEADROOM_MAX: i64 = 5;
/// Points for a female worker where asked.
pub const POINTS_FEMALE_WORKER: i64 = 8;
/// Points for the first-listed method.
pub const POINTS_FIRST_METHOD: i64 = 4;

impl FitTerm {
    /// Words for the reasons column.
    pub fn label(self) -> &'static str {
        match self {
            FitTerm::PreferredArea => "preferred area",
            FitTerm::KindSuits => "kind of home suits",
            FitTerm::RentHeadroom => "rent leaves room",
            FitTerm::FemaleWorker => "female worker as asked",
            FitTerm::FirstMethod => "first-choice method",
        }
    }
}

/// Whether a kind of home suits the person (first matching rule decides):
/// a drug-free home for someone in recovery; for under-18s youth housing, a club
/// room or shared living; a skæv bolig for alcohol or drugs; a skæv bolig or club
/// room for cannabis; shared living or a club room for psychiatric illness alone;
/// youth or ordinary housing otherwise.
pub fn kind_suits(person: &Person, unit: &Unit) -> bool {
    use UnitKind::*;
    if unit.drug_free && person.in_recovery && person.substance_use == SubstanceUse::None {
        return true;
    }
    if person.age < 18 {
        return matches!(unit.kind, YouthHousing | ClubRoom | SharedLiving);
    }
    match person.substance_use {
        SubstanceUse::Drugs | SubstanceUse::Alcohol => unit.kind == SkaevBolig,
        SubstanceUse::Cannabis => matches!(unit.kind, SkaevBolig | ClubRoom),
        SubstanceUse::None if person.psychiatric => matches!(unit.kind, SharedLiving | ClubRoom),
        SubstanceUse::None => matches!(unit.kind, YouthHousing | Ordinary),
    }
}

/// Fit terms earned by placing `person` in `unit`.
pub fn unit_fit(person: &Person, unit: &Unit, policy: &Policy) -> Vec<(FitTerm, i64)> {
    let mut out = Vec::new();
    if let Some(area) = &unit.area {
        let a = crate::model::fold(area);
        if person
            .preferred_areas
            .iter()
            .any(|p| crate::model::fold(p) == a)
        {
            out.push((FitTerm::PreferredArea, POINTS_PREFERRED_AREA));
        }
    }
    if kind_suits(person, unit) {
        out.push((FitTerm::KindSuits, POINTS_KIND_SUITS));
    }
    let cap = max_rent(person, policy);
    if cap > 0 && unit.rent <= cap {
        let pts = POINTS_RENT_HEADROOM_MAX * (cap - unit.rent) / cap;
        if pts > 0 {
            out.push((FitTerm::RentHeadroom, pts));
        }
    }
    out
}

/// Fit terms earned by a support worker of `method` and `gender`.
pub fn staff_fit(
    person: &Person,
    method: Method,
    gender: Gender,
    policy: &Policy,
) -> Vec<(FitTerm, i64)> {
    let mut out = Vec::new();
    if gender == Gender::F && person.female_staff != FemaleStaff::No {
        out.push((FitTerm::FemaleWorker, POINTS_FEMALE_WORKER));
    }
    if policy.support.methods(person.need()).first() == Some(&method) {
        out.push((FitTerm::FirstMethod, POINTS_FIRST_METHOD));
    }
    out
}

/// Sum of points.
pub fn total(terms: &[(FitTerm, i64)]) -> i64 {
    terms.iter().map(|(_, p)| p).sum()
}
