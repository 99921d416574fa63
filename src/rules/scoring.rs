//! The two objectives: priority (level 1, who is housed) and fit (level 2, how
//! well). Both are whole numbers so that "optimal" can be proven exactly.

use crate::model::{AgeBand, FemaleStaff, Gender, Method, Person, Policy, Unit};
use crate::rules::eligibility::max_rent;

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
    /// The worker the person already knows (`known_staff_id`).
    KnownWorker,
}

impl FitTerm {
    /// Words for the reasons column.
    pub fn label(self) -> &'static str {
        match self {
            FitTerm::PreferredArea => "preferred area",
            FitTerm::KindSuits => "kind of home suits",
            FitTerm::RentHeadroom => "rent leaves room",
            FitTerm::FemaleWorker => "female worker as asked",
            FitTerm::FirstMethod => "first-choice method",
            FitTerm::KnownWorker => "the worker they know",
        }
    }
}

/// Whether the unit's kind of home suits the person: any of the kind's
/// `suits` rules holds (see [`crate::model::kinds`]).
pub fn kind_suits(person: &Person, unit: &Unit, policy: &Policy) -> bool {
    policy.kinds.suits(person, unit)
}

/// Fit terms earned by placing `person` in `unit`.
pub fn unit_fit(person: &Person, unit: &Unit, policy: &Policy) -> Vec<(FitTerm, i64)> {
    let mut out = Vec::new();
    if let Some(area) = &unit.area {
        if person
            .preferred_areas
            .iter()
            .any(|p| crate::model::same_folded(p, area))
        {
            out.push((FitTerm::PreferredArea, policy.fit.preferred_area));
        }
    }
    if kind_suits(person, unit, policy) {
        out.push((FitTerm::KindSuits, policy.fit.kind_suits));
    }
    let cap = max_rent(person, policy);
    if cap > 0 && unit.rent <= cap {
        let pts = policy.fit.rent_headroom * (cap - unit.rent) / cap;
        if pts > 0 {
            out.push((FitTerm::RentHeadroom, pts));
        }
    }
    // A weight of 0 switches its term off: no points, no reason.
    out.retain(|(_, pts)| *pts > 0);
    out
}

/// Fit terms earned by a support worker of `method` and `gender`; `worker`
/// is the worker's id when it is known which one (a class of their own).
pub fn staff_fit(
    person: &Person,
    method: Method,
    gender: Gender,
    worker: Option<&str>,
    policy: &Policy,
) -> Vec<(FitTerm, i64)> {
    let mut out = Vec::new();
    if worker.is_some() && person.known_staff_id.as_deref() == worker {
        out.push((FitTerm::KnownWorker, policy.fit.known_worker));
    }
    if gender == Gender::F && person.female_staff != FemaleStaff::No {
        out.push((FitTerm::FemaleWorker, policy.fit.female_worker));
    }
    if policy.support.methods(person.need()).first() == Some(&method) {
        out.push((FitTerm::FirstMethod, policy.fit.first_method));
    }
    out.retain(|(_, pts)| *pts > 0);
    out
}

/// Sum of points.
pub fn total(terms: &[(FitTerm, i64)]) -> i64 {
    terms.iter().map(|(_, p)| p).sum()
}
