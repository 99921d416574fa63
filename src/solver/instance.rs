//! The round as the solvers see it, solver-neutral: eligible pairs with their
//! fit, priorities, pooled staff, pins and the shared-living separation rules
//! ([`Instance`]); extra rules for one solve ([`Restrictions`]); and a
//! [`Plan`], which computes its own value. Both solvers (the network flow and
//! the MILP) take an instance and return plans; nothing here knows either.

use crate::model::Gender;
use crate::round::Round;
use crate::rules::eligibility::{
    promised_class, staff_classes, staff_eligible, StaffClass, UnitIndex,
};
use crate::rules::scoring::{priority, staff_fit, total, unit_fit};

/// An eligible pair: a person and a unit (or staff class), with its fit points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    /// Index into `round.people`.
    pub person: usize,
    /// Index into `round.units` or the staff classes.
    pub target: usize,
    /// Level-2 points of this pair.
    pub fit: i64,
}

/// Everything the optimiser needs, derived once from a round.
#[derive(Debug, Clone)]
pub struct Instance<'r> {
    /// The round the instance was derived from.
    pub round: &'r Round,
    /// Workers pooled into classes of the same method and gender (interchangeable for every rule).
    pub classes: Vec<StaffClass>,
    /// A pair's `fit` is its fit points × `scale` + 1 if it keeps last
    /// week's home or worker (`scale` = 1 without `--previous`).
    pub scale: i64,
    /// Priority per person.
    pub priority: Vec<i64>,
    /// Eligible person–unit pairs, by (person, unit).
    pub unit_pairs: Vec<Pair>,
    /// Eligible person–class pairs, by (person, class).
    pub staff_pairs: Vec<Pair>,
    /// Pinned (person, unit).
    pub pins: Vec<(usize, usize)>,
    /// Units by area, for finding who may live where quickly.
    pub(crate) unit_index: UnitIndex<'r>,
}

impl<'r> Instance<'r> {
    /// Derives eligible pairs and scores. A person with no eligible support
    /// worker, or no eligible unit, gets no pairs at all.
    pub fn new(round: &'r Round) -> Self {
        let policy = &round.policy;
        let classes = staff_classes(&round.staff, &round.people, &round.previous);
        // Stability (`--previous`) is a third level folded into the second:
        // a pair's level-2 score is fit × scale + 1 when it keeps last week's
        // home (or worker). Every plan keeps at most 2 per person, so the
        // scale keeps fit first.
        let scale = if round.previous.is_empty() {
            1
        } else {
            2 * round.people.len() as i64 + 1
        };
        let priority = round.people.iter().map(|p| priority(p, policy)).collect();
        let mut pins = Vec::new();
        for (pi, p) in round.people.iter().enumerate() {
            if let Some(pin) = &p.pinned_unit {
                if let Some(ui) = round.unit_index(pin) {
                    pins.push((pi, ui));
                }
            }
        }
        let unit_index = UnitIndex::new(&round.units);
        // Each person's pairs in parallel (rayon), then in person order.
        let per_person = |(pi, p): (usize, &crate::model::Person)| -> (Vec<Pair>, Vec<Pair>) {
            let prev = round.previous.get(&p.id);
            // A kept offer keeps its worker: only that class.
            let promised = promised_class(p, &classes, &round.staff);
            let staff_of_p: Vec<Pair> = classes
                .iter()
                .enumerate()
                .filter(|(ci, _)| promised.is_none_or(|c| c == *ci))
                .filter(|(_, c)| staff_eligible(p, c.method, c.gender, policy))
                .map(|(ci, c)| {
                    let worker = c.single.map(|w| round.staff[w].id.as_str());
                    let kept = prev.is_some_and(|(_, s)| worker == Some(s.as_str()));
                    Pair {
                        person: pi,
                        target: ci,
                        fit: total(&staff_fit(p, c.method, c.gender, worker, policy)) * scale
                            + i64::from(kept),
                    }
                })
                .collect();
            if staff_of_p.is_empty() {
                return (Vec::new(), Vec::new());
            }
            let units_of_p: Vec<Pair> = unit_index
                .eligible(p, policy)
                .into_iter()
                .map(|ui| {
                    let unit = &round.units[ui];
                    let kept = prev.is_some_and(|(u, _)| *u == unit.id);
                    Pair {
                        person: pi,
                        target: ui,
                        fit: total(&unit_fit(p, unit, policy)) * scale + i64::from(kept),
                    }
                })
                .collect();
            // A person is in the model only with both a unit and a worker to
            // choose from; otherwise they cannot be housed at all.
            if units_of_p.is_empty() {
                return (Vec::new(), Vec::new());
            }
            (staff_of_p, units_of_p)
        };
        let pairs: Vec<(Vec<Pair>, Vec<Pair>)> = {
            use rayon::prelude::*;
            round
                .people
                .par_iter()
                .enumerate()
                .with_min_len(256)
                .map(per_person)
                .collect()
        };
        let mut unit_pairs = Vec::with_capacity(pairs.iter().map(|x| x.1.len()).sum());
        let mut staff_pairs = Vec::with_capacity(pairs.iter().map(|x| x.0.len()).sum());
        for (staff_of_p, units_of_p) in pairs {
            staff_pairs.extend(staff_of_p);
            unit_pairs.extend(units_of_p);
        }
        Instance {
            round,
            scale,
            classes,
            priority,
            unit_pairs,
            staff_pairs,
            pins,
            unit_index,
        }
    }

    /// How many person–unit pairs are eligible (the size of the model).
    pub fn unit_pair_count(&self) -> usize {
        self.unit_pairs.len()
    }

    /// Index of the unit pair (person, unit), if eligible.
    pub fn unit_pair(&self, person: usize, unit: usize) -> Option<usize> {
        self.unit_pairs
            .binary_search_by(|q| (q.person, q.target).cmp(&(person, unit)))
            .ok()
    }

    /// Index of the staff pair (person, class), if eligible.
    pub fn staff_pair(&self, person: usize, class: usize) -> Option<usize> {
        self.staff_pairs
            .binary_search_by(|q| (q.person, q.target).cmp(&(person, class)))
            .ok()
    }

    /// A bound on level 2 (fit) of any plan: every person at their best
    /// unit and their best worker.
    pub fn fit_bound(&self) -> i64 {
        fn best_per_person(pairs: &[Pair]) -> i64 {
            let mut total = 0;
            for chunk in pairs.chunk_by(|a, b| a.person == b.person) {
                total += chunk.iter().map(|q| q.fit).max().unwrap_or(0).max(0);
            }
            total
        }
        (best_per_person(&self.unit_pairs) + best_per_person(&self.staff_pairs)) / self.scale
    }

    /// The fit points of a pair (its score without the stability bit).
    pub fn points(&self, q: &Pair) -> i64 {
        q.fit.div_euclid(self.scale)
    }

    /// Unit pairs of one person.
    pub fn units_of(&self, person: usize) -> &[Pair] {
        let lo = self.unit_pairs.partition_point(|q| q.person < person);
        let hi = self.unit_pairs.partition_point(|q| q.person <= person);
        &self.unit_pairs[lo..hi]
    }
}

/// A plan as the optimiser sees it: for each person, the unit (if housed).
pub type UnitPlan = Vec<Option<usize>>;

/// Extra rules for one solve: forced placements and plans to differ from.
#[derive(Debug, Clone, Default)]
pub struct Restrictions {
    /// (person, unit) pairs that must hold.
    pub forced: Vec<(usize, usize)>,
    /// Differ from each plan in at least this many person→unit placements.
    pub differ_from: Vec<(UnitPlan, usize)>,
    /// Ranked proposals: among plans of the best value, the least summed
    /// number of people whose home differs from these plans (a third level).
    pub closest_to: Vec<UnitPlan>,
    /// Goals that must be reached.
    pub targets: Vec<Target>,
    /// Units that exist only if opened (capacity planning), by index.
    pub optional_units: Vec<usize>,
    /// Staff members who exist only if hired (capacity planning), by index.
    pub optional_staff: Vec<usize>,
}

/// A goal the allocation must reach.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// At least `min_housed` of `people` are housed.
    Housed {
        /// People concerned (indices).
        people: Vec<usize>,
        /// How many must be housed.
        min_housed: usize,
    },
    /// Of the housed among `people`, at least `share` get a female worker.
    FemaleWorker {
        /// People who asked (indices).
        people: Vec<usize>,
        /// Share, 0–1.
        share: f64,
    },
}

impl Restrictions {
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.forced.is_empty()
            && self.differ_from.is_empty()
            && self.closest_to.is_empty()
            && self.targets.is_empty()
            && self.optional_units.is_empty()
            && self.optional_staff.is_empty()
    }
}

/// A shared-living separation rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separation {
    /// Under-18s (side A) apart from adults.
    Minors,
    /// Women (side A) apart from men.
    Women,
}

impl Separation {
    /// Whether a person is on side A of the rule.
    pub fn side_a(self, person: &crate::model::Person) -> bool {
        match self {
            Separation::Minors => person.age < 18,
            Separation::Women => person.gender == Gender::F,
        }
    }
}

/// A plan: for each person (by index into the round's people), the unit they
/// live in and the staff class that supports them, or `None` when not housed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash)]
pub struct Plan {
    /// Unit of each person, if housed.
    pub unit_of: UnitPlan,
    /// Staff class of each person, if housed.
    pub class_of: Vec<Option<usize>>,
}

impl Plan {
    /// Nobody housed, in a round of `people` people.
    pub fn empty(people: usize) -> Self {
        Plan {
            unit_of: vec![None; people],
            class_of: vec![None; people],
        }
    }

    /// Level 1: the total priority of the people housed.
    pub fn priority(&self, inst: &Instance) -> i64 {
        self.unit_of
            .iter()
            .zip(&inst.priority)
            .filter(|(u, _)| u.is_some())
            .map(|(_, p)| p)
            .sum()
    }

    /// Level 2: the total fit of every placement (unit and worker); a pair
    /// that is not eligible adds nothing.
    pub fn fit(&self, inst: &Instance) -> i64 {
        self.score(inst).div_euclid(inst.scale)
    }

    /// Stability (`--previous`): last week's homes and workers kept (each
    /// counts one).
    pub fn stability(&self, inst: &Instance) -> i64 {
        self.score(inst).rem_euclid(inst.scale)
    }

    /// The level-2 score the solvers maximise: fit × scale + stability.
    pub fn score(&self, inst: &Instance) -> i64 {
        let mut total = 0;
        for (p, u) in self.unit_of.iter().enumerate() {
            if let Some(u) = u {
                total += inst.unit_pair(p, *u).map_or(0, |k| inst.unit_pairs[k].fit);
            }
            if let Some(c) = self.class_of.get(p).copied().flatten() {
                total += inst.staff_pair(p, c).map_or(0, |k| inst.staff_pairs[k].fit);
            }
        }
        total
    }

    /// Both levels: (priority, fit).
    pub fn value(&self, inst: &Instance) -> (i64, i64) {
        (self.priority(inst), self.fit(inst))
    }

    /// How many people are housed.
    pub fn housed(&self) -> usize {
        self.unit_of.iter().flatten().count()
    }
}
