//! The round as the solvers see it, solver-neutral and sealed: eligible
//! pairs with their fit, priorities, pooled staff, pins, the shared-living
//! separation groups and the few facts of units and staff the capacities
//! need, all derived once ([`Instance`]); extra rules for one solve
//! ([`Restrictions`]); and a [`Plan`], which computes its own value. Both
//! solvers (the network flow and the MILP) take an instance and return plans;
//! nothing here knows either, and no solver reads the round behind it.

use crate::model::Person;
use crate::round::Round;
pub use crate::rules::eligibility::Separation;
use crate::rules::eligibility::{
    promised_class, staff_classes, staff_eligible, StaffClass, UnitIndex,
};
use crate::rules::scoring::{priority, staff_fit, total, unit_fit};

/// An eligible pair: a person and a unit (or staff class), with its fit points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    /// Index into the round's people.
    pub person: usize,
    /// Index into the round's units, or into the staff classes.
    pub target: usize,
    /// Level-2 points of this pair.
    pub fit: i64,
}

/// Everything the optimiser needs, derived once from a round: the solvers
/// and the MILP formulation read the instance and nothing else.
///
/// It holds, by index (people, units and staff in the round's order, by id):
///
/// - **eligibility and costs**: the eligible person–unit pairs
///   ([`Instance::unit_pairs`]) and person–staff-class pairs
///   ([`Instance::staff_pairs`]) with their level-2 score, each person's
///   priority (level 1), and the stability scale ([`Instance::scale`]);
/// - **staff**, pooled into interchangeable classes ([`Instance::classes`]),
///   and each worker's free slots ([`Instance::staff_capacity`]);
/// - **units**: the free places of each ([`Instance::places`]);
/// - **pins**: the placements a kept offer fixes ([`Instance::pins`]);
/// - **separation groups**: for each unit a shared-living separation rule
///   applies to, the rule ([`Instance::separations`],
///   [`Instance::separation_groups`]), and each person's side of each rule
///   ([`Instance::side_a`]); the rules are evaluated here, once.
///
/// The round behind it stays inside the crate, for the allocation that turns
/// indices back into ids and explains a plan.
#[derive(Debug, Clone)]
pub struct Instance<'r> {
    /// The round the instance was derived from (see [`Instance`]).
    round: &'r Round,
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
    /// Free places per unit.
    places: Vec<u32>,
    /// Free support slots per staff member.
    staff_capacity: Vec<u32>,
    /// The separation rules per unit and the sides per person.
    separation: SeparationGroups,
    /// Units by area, for finding who may live where quickly.
    pub(crate) unit_index: UnitIndex<'r>,
}

impl<'r> Instance<'r> {
    /// Derives eligible pairs and scores, and evaluates the separation rules.
    /// A person with no eligible support worker, or no eligible unit, gets no
    /// pairs at all.
    pub fn new(round: &'r Round) -> Self {
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
        let unit_index = UnitIndex::new(&round.units);
        let (unit_pairs, staff_pairs) = Eligibility {
            round,
            classes: &classes,
            unit_index: &unit_index,
            scale,
        }
        .pairs();
        let priority = round
            .people
            .iter()
            .map(|p| priority(p, &round.policy))
            .collect();
        Instance {
            round,
            scale,
            priority,
            unit_pairs,
            staff_pairs,
            pins: pins(round),
            places: round.units.iter().map(|u| u.places).collect(),
            staff_capacity: round.staff.iter().map(|s| s.capacity).collect(),
            separation: SeparationGroups::new(round),
            classes,
            unit_index,
        }
    }

    /// The round the instance was derived from, for the allocation: ids,
    /// explanations and goals. The solvers never read it.
    pub(crate) fn round(&self) -> &'r Round {
        self.round
    }

    /// How many people the round has (a plan has one entry per person).
    pub fn person_count(&self) -> usize {
        self.priority.len()
    }

    /// How many units the round has.
    pub fn unit_count(&self) -> usize {
        self.places.len()
    }

    /// Free places of unit `unit`.
    pub fn places(&self, unit: usize) -> u32 {
        self.places[unit]
    }

    /// How many staff members the round has (in classes or not).
    pub fn staff_count(&self) -> usize {
        self.staff_capacity.len()
    }

    /// Free support slots of staff member `staff` (an index into the round's
    /// staff, as in [`StaffClass::members`]).
    pub fn staff_capacity(&self, staff: usize) -> u32 {
        self.staff_capacity[staff]
    }

    /// The separation rules unit `unit` keeps, in the order of
    /// [`Separation::ALL`]; none for most units.
    pub fn separations(&self, unit: usize) -> impl Iterator<Item = Separation> + Clone {
        let rules = self.separation.of_unit[unit];
        Separation::ALL
            .into_iter()
            .filter(move |&r| rules.contains(r))
    }

    /// Whether a separation rule applies to unit `unit`.
    pub fn separated(&self, unit: usize) -> bool {
        !self.separation.of_unit[unit].is_empty()
    }

    /// The separation groups: every (unit, rule) where a separation rule
    /// applies, by unit, each unit's rules in the order of [`Separation::ALL`].
    pub fn separation_groups(&self) -> &[(usize, Separation)] {
        &self.separation.groups
    }

    /// Whether person `person` is on side A of `rule` (under 18, or a woman).
    pub fn side_a(&self, person: usize, rule: Separation) -> bool {
        self.separation.side_a[person].contains(rule)
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

/// Pinned (person, unit): each person's pinned unit, when it is in the round.
fn pins(round: &Round) -> Vec<(usize, usize)> {
    let mut pins = Vec::new();
    for (pi, p) in round.people.iter().enumerate() {
        if let Some(pin) = &p.pinned_unit {
            if let Some(ui) = round.unit_index(pin) {
                pins.push((pi, ui));
            }
        }
    }
    pins
}

/// What each person's eligible pairs are derived from.
struct Eligibility<'a, 'r> {
    round: &'r Round,
    classes: &'a [StaffClass],
    unit_index: &'a UnitIndex<'r>,
    scale: i64,
}

impl Eligibility<'_, '_> {
    /// Every person's pairs: (unit pairs, staff pairs), each by (person,
    /// target). Each person's in parallel (rayon), then in person order.
    fn pairs(&self) -> (Vec<Pair>, Vec<Pair>) {
        let pairs: Vec<(Vec<Pair>, Vec<Pair>)> = {
            use rayon::prelude::*;
            self.round
                .people
                .par_iter()
                .enumerate()
                .with_min_len(256)
                .map(|(pi, p)| self.of_person(pi, p))
                .collect()
        };
        let mut unit_pairs = Vec::with_capacity(pairs.iter().map(|x| x.1.len()).sum());
        let mut staff_pairs = Vec::with_capacity(pairs.iter().map(|x| x.0.len()).sum());
        for (staff_of_p, units_of_p) in pairs {
            staff_pairs.extend(staff_of_p);
            unit_pairs.extend(units_of_p);
        }
        (unit_pairs, staff_pairs)
    }

    /// One person's (staff pairs, unit pairs): both, or neither.
    fn of_person(&self, pi: usize, p: &Person) -> (Vec<Pair>, Vec<Pair>) {
        let prev = self.round.previous.get(&p.id);
        let staff_of_p = self.staff_of(pi, p, prev.map(|(_, s)| s.as_str()));
        if staff_of_p.is_empty() {
            return (Vec::new(), Vec::new());
        }
        let units_of_p = self.units_of(pi, p, prev.map(|(u, _)| u.as_str()));
        // A person is in the model only with both a unit and a worker to
        // choose from; otherwise they cannot be housed at all.
        if units_of_p.is_empty() {
            return (Vec::new(), Vec::new());
        }
        (staff_of_p, units_of_p)
    }

    /// The staff classes that may support person `pi`; `last_worker` is
    /// their worker of last week, if any.
    fn staff_of(&self, pi: usize, p: &Person, last_worker: Option<&str>) -> Vec<Pair> {
        let (round, policy) = (self.round, &self.round.policy);
        // A kept offer keeps its worker: only that class.
        let promised = promised_class(p, self.classes, &round.staff);
        self.classes
            .iter()
            .enumerate()
            .filter(|(ci, _)| promised.is_none_or(|c| c == *ci))
            .filter(|(_, c)| staff_eligible(p, c.method, c.gender, policy))
            .map(|(ci, c)| {
                let worker = c.single.map(|w| round.staff[w].id.as_str());
                let kept = last_worker.is_some_and(|s| worker == Some(s));
                Pair {
                    person: pi,
                    target: ci,
                    fit: total(&staff_fit(p, c.method, c.gender, worker, policy)) * self.scale
                        + i64::from(kept),
                }
            })
            .collect()
    }

    /// The units person `pi` may live in; `last_home` is their home of last
    /// week, if any.
    fn units_of(&self, pi: usize, p: &Person, last_home: Option<&str>) -> Vec<Pair> {
        let (round, policy) = (self.round, &self.round.policy);
        self.unit_index
            .eligible(p, policy)
            .into_iter()
            .map(|ui| {
                let unit = &round.units[ui];
                let kept = last_home.is_some_and(|u| u == unit.id);
                Pair {
                    person: pi,
                    target: ui,
                    fit: total(&unit_fit(p, unit, policy)) * self.scale + i64::from(kept),
                }
            })
            .collect()
    }
}

/// A set of separation rules, one bit per rule (its place in
/// [`Separation::ALL`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct RuleSet(u8);

impl RuleSet {
    fn of(rules: impl Iterator<Item = Separation>) -> RuleSet {
        RuleSet(rules.fold(0, |bits, r| bits | 1 << r as u8))
    }

    fn contains(self, rule: Separation) -> bool {
        self.0 & 1 << rule as u8 != 0
    }

    fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// The shared-living separation rules of a round, evaluated once: which
/// rules each unit keeps, and on which side of each rule each person is.
#[derive(Debug, Clone)]
struct SeparationGroups {
    /// The rules each unit keeps.
    of_unit: Vec<RuleSet>,
    /// Every (unit, rule) of `of_unit`, by unit, then by rule.
    groups: Vec<(usize, Separation)>,
    /// The rules on whose side A each person is.
    side_a: Vec<RuleSet>,
}

impl SeparationGroups {
    fn new(round: &Round) -> SeparationGroups {
        let of_unit: Vec<RuleSet> = round
            .units
            .iter()
            .map(|u| RuleSet::of(Separation::of_unit(u, &round.policy)))
            .collect();
        let groups = of_unit
            .iter()
            .enumerate()
            .flat_map(|(u, rules)| {
                let rules = *rules;
                Separation::ALL
                    .into_iter()
                    .filter(move |&r| rules.contains(r))
                    .map(move |r| (u, r))
            })
            .collect();
        let side_a = round
            .people
            .iter()
            .map(|p| RuleSet::of(Separation::ALL.into_iter().filter(|r| r.side_a(p))))
            .collect();
        SeparationGroups {
            of_unit,
            groups,
            side_a,
        }
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
