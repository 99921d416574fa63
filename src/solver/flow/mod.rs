//! An exact special-purpose solver for the common case: the allocation as a
//! min-cost circulation (units → people → staff classes) with lexicographic
//! costs (hard rules, priority, fit), solved by a warm-started network simplex,
//! the shared-living separation rules enforced by branch and bound on which
//! side a shared unit serves (ranked proposals: `solver::closest`). Identical
//! units share one node (`UnitClasses`); the branch and bound is a portfolio of
//! two searches restarted with growing node budgets (`restarts`).
//!
//! Without the separation rules the allocation model is a network flow whose
//! LP relaxation is integral; a flow algorithm solves it exactly and fast.
//! The levels share one integer cost with weights larger than any difference
//! of the levels below, so the order of costs is the lexicographic order and
//! fit can never buy priority.
//!
//! The parts: `network` builds the circulation and its costs once per
//! solve; `classes` pools identical units; `node` solves one
//! branch-and-bound node (its costs, the simplex, the plan read back);
//! `sides` finds broken separation rules and presumes sides; `search` is the
//! branch and bound; `simplex` the network simplex. This file holds the
//! types they share and the entry point, [`solve`].

mod classes;
mod network;
mod node;
mod search;
mod sides;
mod simplex;

use crate::solver::instance::{Instance, Plan, Restrictions, Separation, UnitPlan};
#[cfg(feature = "internals")]
use classes::{pairs_by_unit, UnitClasses};
use network::Network;
use search::{restarts, RESTART_NODES};

/// A plan's cost: (hard-rule violations, −priority, −fit); lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
struct Cost([i64; 3]);

impl Cost {
    /// (level 1, level 2) of a cost without hard-rule violations.
    fn levels(&self, inst: &Instance) -> (i64, i64) {
        (-self.0[1], (-self.0[2]).div_euclid(inst.scale))
    }
}

impl std::ops::Add for Cost {
    type Output = Cost;
    fn add(self, o: Cost) -> Cost {
        Cost([self.0[0] + o.0[0], self.0[1] + o.0[1], self.0[2] + o.0[2]])
    }
}
impl std::ops::Sub for Cost {
    type Output = Cost;
    fn sub(self, o: Cost) -> Cost {
        Cost([self.0[0] - o.0[0], self.0[1] - o.0[1], self.0[2] - o.0[2]])
    }
}
impl std::ops::Neg for Cost {
    type Output = Cost;
    fn neg(self) -> Cost {
        Cost([-self.0[0], -self.0[1], -self.0[2]])
    }
}

/// A side restriction from branching: `unit` admits only side A (`true`) or
/// side B of `rule`.
type Branch = (usize, Separation, bool);

/// What a search must keep besides the separation rules: forced placements
/// (pins, alternatives, fixed parts of ranked proposals), forbidden pairs,
/// and people who must, or must not, be housed.
#[derive(Debug, Clone, Default)]
struct Rules {
    forced: Vec<(usize, usize)>,
    forbidden: Vec<(usize, usize)>,
    housed: Vec<usize>,
    unhoused: Vec<usize>,
}

impl Rules {
    /// Whether `plan` keeps every rule.
    fn kept_by(&self, plan: &UnitPlan) -> bool {
        self.forced.iter().all(|&(p, u)| plan[p] == Some(u))
            && self.forbidden.iter().all(|&(p, u)| plan[p] != Some(u))
            && self.housed.iter().all(|&p| plan[p].is_some())
            && self.unhoused.iter().all(|&p| plan[p].is_none())
    }
}

/// The solution of one flow: units and classes per person, and the cost
/// (hard-rule violations, then priority and fit, negated).
struct FlowSolution {
    unit_of: UnitPlan,
    class_of: Vec<Option<usize>>,
    cost: Cost,
}

impl FlowSolution {
    fn plan(&self) -> Plan {
        Plan {
            unit_of: self.unit_of.clone(),
            class_of: self.class_of.clone(),
        }
    }
}

/// What the flow solver found.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// The lexicographic optimum, proven.
    Optimal(Plan),
    /// The search stopped early (node budget or deadline): the best plan found
    /// and the best bound (level 1, level 2) still open.
    Stopped {
        /// Best plan found, if any.
        best: Option<Plan>,
        /// (level 1, level 2) no plan can beat.
        bound: (i64, i64),
    },
    /// No plan keeps every pinned or forced placement.
    Infeasible,
}

/// Limits on the branch and bound.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Flow solves at most.
    pub max_nodes: usize,
    /// Stop at this moment.
    pub deadline: Option<std::time::Instant>,
    /// The run's cancel flag and observer.
    pub control: crate::progress::Control,
}

/// The flow solver applies: no constraint beyond flows and the separation
/// rules.
fn applies(restrictions: &Restrictions) -> bool {
    restrictions.differ_from.is_empty()
        && restrictions.targets.is_empty()
        && restrictions.optional_units.is_empty()
        && restrictions.optional_staff.is_empty()
}

/// Pins and forced placements; `None` when one person is forced into two
/// different units.
fn base_rules(inst: &Instance, restrictions: &Restrictions) -> Option<Rules> {
    let mut forced: Vec<(usize, usize)> = inst.pins.clone();
    forced.extend(restrictions.forced.iter().copied());
    forced.sort();
    forced.dedup();
    if forced.windows(2).any(|w| w[0].0 == w[1].0) {
        return None;
    }
    Some(Rules {
        forced,
        ..Rules::default()
    })
}

/// The exact lexicographic optimum by flow and branch and bound, or `None`
/// when the restrictions need the general MILP (or the costs are too large
/// for exact 64-bit weights).
pub fn solve(inst: &Instance, restrictions: &Restrictions, limits: Limits) -> Option<Found> {
    if !applies(restrictions) {
        return None;
    }
    let Some(rules) = base_rules(inst, restrictions) else {
        return Some(Found::Infeasible);
    };
    let out_of_time = || limits.out_of_time();
    let Some(mut net) = Network::new(inst, &rules, &out_of_time) else {
        // Stopped while building, or costs too large for 64 bits (the MILP).
        return limits.out_of_time().then_some(Found::Stopped {
            best: None,
            bound: (i64::MAX, i64::MAX),
        });
    };
    Some(restarts(&mut net, inst, &rules, limits, RESTART_NODES))
}

impl Limits {
    /// The deadline has passed, or the run was cancelled.
    fn out_of_time(&self) -> bool {
        self.control.is_cancelled()
            || self
                .deadline
                .is_some_and(|d| std::time::Instant::now() >= d)
    }
}

/// The unit classes of the round with its pins (see `UnitClasses`).
#[cfg(feature = "internals")]
pub(crate) fn unit_classes(inst: &Instance) -> Vec<Vec<usize>> {
    let rules = base_rules(inst, &Restrictions::default()).unwrap_or_default();
    match pairs_by_unit(inst) {
        Some(by_unit) => UnitClasses::new(inst, &rules, &by_unit).units,
        None => (0..inst.unit_count()).map(|u| vec![u]).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::sides::violation;
    use super::*;
    use crate::generate::{generate_shaped, write, Reach, Tier};

    /// Restarts after every node (and searches with the tie-break off) reach
    /// the same optimum as one search with every node it needs, on generated
    /// rounds of both shapes (whose shared units make the branch and bound
    /// work) and on the Ballerup sample.
    #[test]
    fn restarted_searches_reach_the_same_optimum() {
        let today = chrono::NaiveDate::from_ymd_opt(2014, 11, 3).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut dirs =
            vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("data-samples/ballerup-2014")];
        for (seed, reach) in (1..=6).zip([Reach::Regional, Reach::All].into_iter().cycle()) {
            let d = dir.path().join(format!("s{seed}"));
            std::fs::create_dir(&d).unwrap();
            write(&d, &generate_shaped(Tier::S, seed, false, Some(60), reach)).unwrap();
            dirs.push(d);
        }
        let mut branched = 0;
        for d in dirs {
            let round = crate::round::load(&crate::RoundPaths::in_dir(&d), today)
                .unwrap()
                .round;
            let inst = Instance::new(&round);
            let rules = base_rules(&inst, &Restrictions::default()).unwrap();
            let limits = Limits {
                max_nodes: 20_000,
                deadline: None,
                control: Default::default(),
            };
            let never = || false;
            let mut net = Network::new(&inst, &rules, &never).unwrap();
            let once = restarts(&mut net, &inst, &rules, limits.clone(), 20_000);
            let mut net = Network::new(&inst, &rules, &never).unwrap();
            let often = restarts(&mut net, &inst, &rules, limits, 1);
            let (Found::Optimal(a), Found::Optimal(b)) = (&once, &often) else {
                panic!("{}: {once:?} / {often:?}", d.display());
            };
            assert_eq!(a.value(&inst), b.value(&inst), "{}", d.display());
            net.set_tie_break(false);
            let root = net.solve(&inst, &rules, &[], &never).unwrap();
            branched += usize::from(violation(&inst, &root.unit_of, &[]).is_some());
        }
        assert!(branched >= 2, "{branched} rounds need the branch and bound");
    }
}
