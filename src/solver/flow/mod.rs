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

use crate::solver::instance::{Instance, Plan, Restrictions, Separation, UnitPlan};
mod simplex;

use simplex::{Arcs, Simplex};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

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

/// An open branch-and-bound node: its branches and the violation to split on.
type OpenNode = (Vec<Branch>, (usize, Separation));

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

/// The round as a circulation, built once; a branch-and-bound node changes
/// only costs, so each solve starts from the previous basis.
///
/// Nodes: 0 source, 1 sink, units, people in, people out, staff classes.
/// Arcs: source → unit (places), unit → person (eligible pairs, cost −fit),
/// person in → person out (capacity 1, cost −priority), person → class
/// (cost −fit), class → sink (capacity), and sink → source (the flow value is
/// free: nobody is housed unless it pays).
///
/// One integer cost carries the three levels exactly: hard rules, priority,
/// fit, with weights larger than any possible difference of the levels below
/// (`w_priority` > twice the largest total fit, `w_hard` > twice the largest
/// total of the rest), so the order of costs is the lexicographic order.
struct Network {
    simplex: Simplex,
    /// Interchangeable units, one node each.
    classes: UnitClasses,
    /// Arc of each unit pair (in `inst.unit_pairs` order): the arc from the
    /// unit's class to the person, shared by the pairs of one class.
    unit_arc: Vec<u32>,
    /// Person in → person out arc of each person.
    through: Vec<usize>,
    /// Unit pairs of each unit.
    by_unit: Vec<Vec<u32>>,
    /// The pair of each real arc: a unit pair's index, or the number of
    /// unit pairs plus a staff pair's index; `u32::MAX` for other arcs.
    pair_of_arc: Vec<u32>,
    /// Base cost of every real arc.
    base: Vec<i64>,
    /// Arcs whose cost differs from the base.
    changed: Vec<usize>,
    w_hard: i64,
    /// Arcs with a tie-break cost (off the presumed side), and the amount.
    ties: Vec<TieArc>,
    /// Whether the tie-break costs are on.
    tie_break: bool,
    /// `BOLIGMATCH_FLOW_TRACE` is set: print every solve and node on stderr.
    trace: bool,
}

impl Network {
    /// `None` when the weights would overflow 64-bit costs (then the MILP),
    /// or when `stop` said stop (asked between the steps of the build and
    /// every million pairs; the caller tells the two apart by asking `stop`
    /// again). Units named in `rules` stay classes of their own.
    fn new(inst: &Instance, rules: &Rules, stop: &dyn Fn() -> bool) -> Option<Network> {
        let n_people = inst.person_count();
        let trace = std::env::var_os("BOLIGMATCH_FLOW_TRACE").is_some();
        let t = std::time::Instant::now();
        let mut by_unit = pairs_by_unit(inst)?;
        if stop() {
            return None;
        }
        let classes = UnitClasses::new(inst, rules, &by_unit);
        if stop() {
            return None;
        }
        // Branching needs the pairs of the units a separation rule applies to.
        for (u, pairs) in by_unit.iter_mut().enumerate() {
            if !inst.separated(u) {
                *pairs = Vec::new();
            }
        }
        let (n_units, n_classes) = (classes.units.len(), inst.classes.len());
        let unit_node = |u: usize| 2 + u;
        let p_in = |p: usize| 2 + n_units + p;
        let p_out = |p: usize| 2 + n_units + n_people + p;
        let class_node = |c: usize| 2 + n_units + 2 * n_people + c;
        let n = 2 + n_units + 2 * n_people + n_classes;
        let weights = Weights::new(inst, rules, n)?;
        let (tie, w_priority, w_hard) = (weights.tie, weights.w_priority, weights.w_hard);
        // Room for the simplex's artificial arcs (one per node) as well.
        let mut arcs = Arcs::with_capacity(
            n_units + inst.unit_pairs.len() + n_people + inst.staff_pairs.len() + n_classes + 1 + n,
        );
        for units in &classes.units {
            let places: i64 = units.iter().map(|&u| i64::from(inst.places(u))).sum();
            arcs.push(0, unit_node(arcs.len()), places, 0);
        }
        let (unit_arc, ties) = unit_arcs(inst, &classes, &weights, &mut arcs, stop)?;
        let mut through = Vec::with_capacity(n_people);
        for p in 0..n_people {
            through.push(arcs.len());
            arcs.push(p_in(p), p_out(p), 1, -inst.priority[p] * w_priority);
        }
        let mut staff_arc = Vec::with_capacity(inst.staff_pairs.len());
        for q in &inst.staff_pairs {
            staff_arc.push(arcs.len());
            arcs.push(p_out(q.person), class_node(q.target), 1, -q.fit * tie);
        }
        for (c, class) in inst.classes.iter().enumerate() {
            arcs.push(class_node(c), 1, i64::from(class.capacity), 0);
        }
        arcs.push(1, 0, n_people as i64, 0);
        let base = arcs.cost.clone();
        let n_pairs = inst.unit_pairs.len();
        let pair_of_arc = pair_of_arcs(arcs.len(), &unit_arc, &staff_arc)?;
        if stop() {
            return None;
        }
        let start = greedy_flow(inst, &classes, &arcs, &unit_arc, &staff_arc, &through);
        if stop() {
            return None;
        }
        let n_arcs = arcs.len();
        let simplex = match Simplex::with_flow(n, arcs, &start) {
            Ok(simplex) => simplex,
            Err(arcs) => Simplex::new(n, arcs),
        };
        if trace {
            eprintln!(
                "aggregation: {} units in {} classes, {} pairs on {} arcs; tie-break {}; built in {:?}",
                inst.unit_count(),
                n_units,
                n_pairs,
                n_arcs,
                if tie > 1 { "on" } else { "off (64 bits)" },
                t.elapsed()
            );
        }
        Some(Network {
            simplex,
            classes,
            unit_arc,
            through,
            by_unit,
            pair_of_arc,
            base,
            changed: Vec::new(),
            w_hard,
            ties,
            tie_break: true,
            trace,
        })
    }

    /// Switches the tie-break costs on or off (on when built).
    fn set_tie_break(&mut self, on: bool) {
        if on == self.tie_break {
            return;
        }
        self.tie_break = on;
        for &(e, amount) in &self.ties {
            self.base[e] += if on { amount } else { -amount };
            self.simplex.set_cost(e, self.base[e]);
        }
    }

    /// The best flow keeping the `rules` and the `branches`' sides, as far as
    /// possible: a forbidden pair costs `w_hard`, and so does leaving a
    /// person who must be housed unhoused (or the reverse), so a flow with 0
    /// in the first cost component keeps all of them.
    fn solve(
        &mut self,
        inst: &Instance,
        rules: &Rules,
        branches: &[Branch],
        stop: &dyn Fn() -> bool,
    ) -> Option<FlowSolution> {
        for &e in &self.changed {
            self.simplex.set_cost(e, self.base[e]);
        }
        self.changed.clear();
        let mut forbidden: Vec<usize> = Vec::new();
        for &(u, rule, side_a) in branches {
            for &pair in &self.by_unit[u] {
                let pair = pair as usize;
                if inst.side_a(inst.unit_pairs[pair].person, rule) != side_a {
                    forbidden.push(pair);
                }
            }
        }
        for &(p, u) in &rules.forced {
            let lo = inst.unit_pairs.partition_point(|q| q.person < p);
            let hi = inst.unit_pairs.partition_point(|q| q.person <= p);
            forbidden.extend((lo..hi).filter(|&pair| inst.unit_pairs[pair].target != u));
        }
        forbidden.extend(
            rules
                .forbidden
                .iter()
                .filter_map(|&(p, u)| inst.unit_pair(p, u)),
        );
        let mut forbidden: Vec<usize> = forbidden
            .into_iter()
            .map(|i| self.unit_arc[i] as usize)
            .collect();
        forbidden.sort_unstable();
        forbidden.dedup();
        for e in forbidden {
            self.simplex.set_cost(e, self.base[e] + self.w_hard);
            self.changed.push(e);
        }
        let mut through: Vec<(usize, i64)> = rules
            .forced
            .iter()
            .map(|&(p, _)| (p, -self.w_hard))
            .chain(rules.housed.iter().map(|&p| (p, -self.w_hard)))
            .chain(rules.unhoused.iter().map(|&p| (p, self.w_hard)))
            .collect();
        through.sort_unstable();
        through.dedup();
        for (p, delta) in through {
            let e = self.through[p];
            let cost = self.simplex.cost(e) + delta;
            self.simplex.set_cost(e, cost);
            self.changed.push(e);
        }
        let t = std::time::Instant::now();
        let pivots = self.simplex.optimize_until(stop)?;
        if self.trace {
            eprintln!("  solve: {pivots} pivots, {:?}", t.elapsed());
        }
        let n_people = inst.person_count();
        let mut unit_of = vec![None; n_people];
        let mut class_of = vec![None; n_people];
        let mut hard = 0i64;
        let mut fit = 0i64;
        // Only the arcs with flow (tree arcs and arcs at their upper bound),
        // not every pair.
        let n_unit = inst.unit_pairs.len();
        let mut in_classes: Vec<(u32, usize)> = Vec::new();
        for e in self.simplex.with_flow_arcs() {
            let i = self.pair_of_arc[e] as usize;
            if i < n_unit {
                let q = &inst.unit_pairs[i];
                let c = self.classes.of_unit[q.target];
                if self.classes.units[c as usize].len() == 1 {
                    unit_of[q.person] = Some(q.target);
                } else {
                    in_classes.push((c, q.person));
                }
                fit += q.fit;
                if self.simplex.cost(e) != self.base[e] {
                    hard += 1;
                }
            } else if let Some(q) = inst.staff_pairs.get(i - n_unit) {
                class_of[q.person] = Some(q.target);
                fit += q.fit;
            }
        }
        self.classes.hand_out(inst, in_classes, &mut unit_of);
        if !rules.kept_by(&unit_of) {
            hard += 1;
        }
        let priority: i64 = (0..n_people)
            .filter(|&p| unit_of[p].is_some())
            .map(|p| inst.priority[p])
            .sum();
        Some(FlowSolution {
            unit_of,
            class_of,
            cost: Cost([hard, -priority, -fit]),
        })
    }
}

/// The arcs unit class → person (node `2 + class` → node `2 + classes +
/// person`), one per class and person, pushed onto `arcs`; returns each
/// pair's arc and the arcs carrying a tie-break cost. The pairs of a person
/// come together (pairs are sorted by person), so `last` remembers the arc
/// made for the person at hand. `None` when `stop` said stop (asked every
/// million pairs) or the arcs outnumber 32 bits.
fn unit_arcs(
    inst: &Instance,
    classes: &UnitClasses,
    weights: &Weights,
    arcs: &mut Arcs,
    stop: &dyn Fn() -> bool,
) -> Option<(Vec<u32>, Vec<TieArc>)> {
    let n_units = classes.units.len();
    let mut unit_arc = Vec::with_capacity(inst.unit_pairs.len());
    let mut last: Vec<(usize, usize)> = vec![(usize::MAX, 0); n_units];
    let mut ties: Vec<TieArc> = Vec::new();
    for (i, q) in inst.unit_pairs.iter().enumerate() {
        if i % (1 << 20) == 0 && stop() {
            return None;
        }
        let c = classes.of_unit[q.target] as usize;
        if last[c].0 != q.person {
            last[c] = (q.person, arcs.len());
            let off_side = weights.side_of[q.target]
                .iter()
                .filter(|&&(rule, side)| inst.side_a(q.person, rule) != side)
                .count() as i64;
            if off_side > 0 {
                ties.push((arcs.len(), off_side));
            }
            let cost = -q.fit * weights.tie + off_side;
            arcs.push(2 + c, 2 + n_units + q.person, 1, cost);
        }
        unit_arc.push(u32::try_from(last[c].1).ok()?);
    }
    Some((unit_arc, ties))
}

/// An arc with a tie-break cost, and the amount.
type TieArc = (usize, i64);

/// The pair of each of `n_arcs` arcs, for reading a solution: a unit arc's
/// first pair (of its class and person), a staff arc's pair numbered after
/// the unit pairs, `u32::MAX` for the other arcs.
fn pair_of_arcs(n_arcs: usize, unit_arc: &[u32], staff_arc: &[usize]) -> Option<Vec<u32>> {
    let mut pair_of_arc = vec![u32::MAX; n_arcs];
    for (i, &e) in unit_arc.iter().enumerate() {
        if pair_of_arc[e as usize] == u32::MAX {
            pair_of_arc[e as usize] = u32::try_from(i).ok()?;
        }
    }
    for (j, &e) in staff_arc.iter().enumerate() {
        pair_of_arc[e] = u32::try_from(unit_arc.len() + j).ok()?;
    }
    Some(pair_of_arc)
}

/// The one integer cost's scale: a fit point is worth `tie` (the tie-break
/// below fit; 1 without it), a priority point `w_priority`, a broken rule
/// `w_hard`; and the presumed side of each shared unit per rule.
struct Weights {
    tie: i64,
    w_priority: i64,
    w_hard: i64,
    side_of: Vec<Vec<(Separation, bool)>>,
}

impl Weights {
    /// `None` when even the plain weights would overflow 64 bits on `n` nodes.
    fn new(inst: &Instance, rules: &Rules, n: usize) -> Option<Weights> {
        let n_people = inst.person_count();
        let mut best_fit = vec![0i64; n_people];
        let mut best_staff_fit = vec![0i64; n_people];
        for q in &inst.unit_pairs {
            best_fit[q.person] = best_fit[q.person].max(q.fit.checked_abs()?);
        }
        for q in &inst.staff_pairs {
            best_staff_fit[q.person] = best_staff_fit[q.person].max(q.fit.checked_abs()?);
        }
        // A tie-break below fit (a third level): a person on the side a
        // shared unit presumably serves costs nothing there, one on the other
        // side 1 per rule. Among flows of the best priority and fit, the
        // simplex then prefers those that keep the separation rules, so the
        // branch and bound meets fewer violations that only ties made. It
        // never changes priority or fit: one fit point (`tie`) outweighs
        // every tie-break together. When the weights would then overflow 64
        // bits (the country: a factor of thousands), there is no tie-break.
        let mut side_of: Vec<Vec<(Separation, bool)>> = vec![Vec::new(); inst.unit_count()];
        let mut tie_total = 0i64;
        for (u, rule, side) in presumed_sides(inst, &rules.forced) {
            side_of[u].push((rule, side));
            tie_total = tie_total.checked_add(i64::from(inst.places(u)))?;
        }
        let fit_total = best_fit
            .iter()
            .chain(&best_staff_fit)
            .try_fold(0i64, |a, &b| a.checked_add(b))?;
        let (tie, (w_priority, w_hard)) = match tie_total.checked_add(1).and_then(|tie| {
            Some((
                tie,
                weights(inst, fit_total.checked_mul(tie)?.checked_add(tie_total)?, n)?,
            ))
        }) {
            Some(found) => found,
            None => {
                side_of.iter_mut().for_each(Vec::clear);
                (1, weights(inst, fit_total, n)?)
            }
        };
        Some(Weights {
            tie,
            w_priority,
            w_hard,
            side_of,
        })
    }
}

/// The weights of priority and of the hard level in the one integer cost,
/// for a largest total level-2 cost `fit_total` on `n` nodes; `None` when
/// some path's cost could overflow 64 bits.
fn weights(inst: &Instance, fit_total: i64, n: usize) -> Option<(i64, i64)> {
    let priority_total = inst
        .priority
        .iter()
        .try_fold(0i64, |a, &b| a.checked_add(b.checked_abs()?))?;
    let max_priority = inst.priority.iter().map(|p| p.abs()).max().unwrap_or(0);
    let w_priority = fit_total.checked_mul(2)?.checked_add(1)?;
    let w_hard = priority_total
        .checked_mul(2)?
        .checked_mul(w_priority)?
        .checked_add(fit_total.checked_mul(2)?)?
        .checked_add(1)?;
    // Largest arc cost after penalties, and a path of every node.
    let biggest = w_hard
        .checked_mul(2)?
        .checked_add(max_priority.checked_mul(w_priority)?)?
        .checked_add(fit_total)?;
    biggest.checked_mul(2 * n as i64 + 4)?.checked_mul(4)?;
    Some((w_priority, w_hard))
}

/// Units pooled into classes: units with the same eligible people at the
/// same fit are interchangeable in the flow (every rule and every fit term
/// shows in the pairs), so they share one node whose capacity is their
/// places, and one arc per person. A unit a separation rule applies to, or
/// one named in a rule about one person (pinned, forced, forbidden), is a
/// class of its own. A solution hands the class's places out again, people
/// in index order to units in index order.
struct UnitClasses {
    /// Class of each unit.
    of_unit: Vec<u32>,
    /// Units of each class, in index order; classes in order of first unit.
    units: Vec<Vec<usize>>,
}

impl UnitClasses {
    fn new(inst: &Instance, rules: &Rules, by_unit: &[Vec<u32>]) -> UnitClasses {
        let mut single: Vec<bool> = (0..inst.unit_count()).map(|u| inst.separated(u)).collect();
        for &(_, u) in inst
            .pins
            .iter()
            .chain(&rules.forced)
            .chain(&rules.forbidden)
        {
            single[u] = true;
        }
        let same = |a: usize, b: usize| {
            by_unit[a].len() == by_unit[b].len()
                && by_unit[a].iter().zip(&by_unit[b]).all(|(&i, &j)| {
                    let (x, y) = (&inst.unit_pairs[i as usize], &inst.unit_pairs[j as usize]);
                    x.person == y.person && x.fit == y.fit
                })
        };
        let mut of_unit = Vec::with_capacity(inst.unit_count());
        let mut units: Vec<Vec<usize>> = Vec::new();
        // Classes by the hash of their pairs; equal hashes are compared.
        let mut by_hash: std::collections::HashMap<u64, Vec<u32>> = Default::default();
        for (u, &alone) in single.iter().enumerate() {
            let class = if alone {
                None
            } else {
                // A multiply-rotate mix (as FxHash): equal hashes are
                // compared pair by pair, so collisions cost time, not truth.
                let mut h = by_unit[u].len() as u64;
                for &i in &by_unit[u] {
                    let q = &inst.unit_pairs[i as usize];
                    for x in [q.person as u64, q.fit as u64] {
                        h = (h.rotate_left(5) ^ x).wrapping_mul(0x517c_c1b7_2722_0a95);
                    }
                }
                let candidates = by_hash.entry(h).or_default();
                match candidates.iter().find(|&&c| same(units[c as usize][0], u)) {
                    Some(&c) => Some(c),
                    None => {
                        candidates.push(units.len() as u32);
                        None
                    }
                }
            };
            match class {
                Some(c) => {
                    units[c as usize].push(u);
                    of_unit.push(c);
                }
                None => {
                    of_unit.push(units.len() as u32);
                    units.push(vec![u]);
                }
            }
        }
        UnitClasses { of_unit, units }
    }

    /// Gives the people placed in a class of several units (class, person)
    /// their units: people in index order take the places of the class's
    /// units in index order.
    fn hand_out(&self, inst: &Instance, mut placed: Vec<(u32, usize)>, unit_of: &mut UnitPlan) {
        placed.sort_unstable();
        let mut at = 0;
        while at < placed.len() {
            let class = placed[at].0;
            let mut places = self.units[class as usize]
                .iter()
                .flat_map(|&u| std::iter::repeat_n(u, inst.places(u) as usize));
            while at < placed.len() && placed[at].0 == class {
                unit_of[placed[at].1] = places.next();
                at += 1;
            }
        }
    }
}

/// The unit classes of the round with its pins (see [`UnitClasses`]).
pub(crate) fn unit_classes(inst: &Instance) -> Vec<Vec<usize>> {
    let rules = base_rules(inst, &Restrictions::default()).unwrap_or_default();
    match pairs_by_unit(inst) {
        Some(by_unit) => UnitClasses::new(inst, &rules, &by_unit).units,
        None => (0..inst.unit_count()).map(|u| vec![u]).collect(),
    }
}

/// The unit pairs of each unit (indices into `inst.unit_pairs`).
/// `None` beyond 2³² pairs (the network numbers pairs in 32 bits).
fn pairs_by_unit(inst: &Instance) -> Option<Vec<Vec<u32>>> {
    let mut by_unit = vec![Vec::new(); inst.unit_count()];
    for (i, q) in inst.unit_pairs.iter().enumerate() {
        by_unit[q.target].push(u32::try_from(i).ok()?);
    }
    Some(by_unit)
}

/// A first circulation for the simplex: pinned people, then everyone by
/// priority (ties: index), each into their best-fitting unit and class with
/// room left, when housing them pays. Separation rules are ignored (the
/// first solve is the relaxation).
fn greedy_flow(
    inst: &Instance,
    classes: &UnitClasses,
    arcs: &Arcs,
    unit_arc: &[u32],
    staff_arc: &[usize],
    through: &[usize],
) -> Vec<i64> {
    let n_people = inst.person_count();
    let mut flow = vec![0i64; arcs.len()];
    // Places left per unit class (the source → class arcs come first).
    let mut places: Vec<i64> = arcs.cap[..classes.units.len()].to_vec();
    let class_of = |i: usize| classes.of_unit[inst.unit_pairs[i].target] as usize;
    let mut slots: Vec<i64> = inst.classes.iter().map(|c| i64::from(c.capacity)).collect();
    let mut order: Vec<usize> = (0..n_people).collect();
    let pinned: Vec<Option<usize>> = {
        let mut v = vec![None; n_people];
        for &(p, u) in &inst.pins {
            v[p] = Some(u);
        }
        v
    };
    order.sort_by_key(|&p| (pinned[p].is_none(), std::cmp::Reverse(inst.priority[p]), p));
    // Arc layout (see `Network::new`): source → unit class arcs first, in
    // class order; class → sink arcs right after the staff pairs; the sink →
    // source arc last.
    let class_arc = staff_arc.last().map_or(arcs.len(), |&e| e + 1);
    let back_arc = arcs.len() - 1;
    for p in order {
        let lo = inst.unit_pairs.partition_point(|q| q.person < p);
        let hi = inst.unit_pairs.partition_point(|q| q.person <= p);
        let unit = (lo..hi)
            .filter(|&i| places[class_of(i)] > 0)
            .filter(|&i| pinned[p].is_none_or(|u| inst.unit_pairs[i].target == u))
            .max_by_key(|&i| (inst.unit_pairs[i].fit, std::cmp::Reverse(i)));
        let s_lo = inst.staff_pairs.partition_point(|q| q.person < p);
        let s_hi = inst.staff_pairs.partition_point(|q| q.person <= p);
        let class = (s_lo..s_hi)
            .filter(|&i| slots[inst.staff_pairs[i].target] > 0)
            .max_by_key(|&i| (inst.staff_pairs[i].fit, std::cmp::Reverse(i)));
        let (Some(i), Some(j)) = (unit, class) else {
            continue;
        };
        let gain =
            arcs.cost[unit_arc[i] as usize] + arcs.cost[through[p]] + arcs.cost[staff_arc[j]];
        if gain >= 0 {
            continue;
        }
        let (u, c) = (class_of(i), inst.staff_pairs[j].target);
        places[u] -= 1;
        slots[c] -= 1;
        flow[u] += 1;
        flow[unit_arc[i] as usize] = 1;
        flow[through[p]] = 1;
        flow[staff_arc[j]] = 1;
        flow[class_arc + c] += 1;
        flow[back_arc] += 1;
    }
    flow
}

/// A shared unit whose occupants break a separation rule in `sol`, if any.
fn violation(
    inst: &Instance,
    unit_of: &UnitPlan,
    branches: &[Branch],
) -> Option<(usize, Separation)> {
    violations(inst, unit_of, branches).into_iter().next()
}

/// Every shared unit whose occupants break a separation rule, with the side
/// whose occupants have the larger total priority (ties: side A).
fn violations(
    inst: &Instance,
    unit_of: &UnitPlan,
    branches: &[Branch],
) -> Vec<(usize, Separation)> {
    let mut out = Vec::new();
    let mut occupants: Vec<Vec<usize>> = vec![Vec::new(); inst.unit_count()];
    for (p, u) in unit_of.iter().enumerate() {
        if let Some(u) = u {
            occupants[*u].push(p);
        }
    }
    for &(u, rule) in inst.separation_groups() {
        if branches.iter().any(|&(bu, r, _)| bu == u && r == rule) {
            continue;
        }
        let occ = &occupants[u];
        let a = occ.iter().any(|&p| inst.side_a(p, rule));
        let b = occ.iter().any(|&p| !inst.side_a(p, rule));
        if a && b {
            out.push((u, rule));
        }
    }
    out
}

/// Sides for every shared unit where a separation rule could bite: the side
/// whose best `places` eligible candidates (or pinned people) have the larger
/// total priority.
fn presumed_sides(inst: &Instance, forced: &[(usize, usize)]) -> Vec<Branch> {
    let mut by_unit: Vec<Vec<usize>> = vec![Vec::new(); inst.unit_count()];
    for q in &inst.unit_pairs {
        by_unit[q.target].push(q.person);
    }
    let mut out = Vec::new();
    for &(u, rule) in inst.separation_groups() {
        let pinned_side = forced
            .iter()
            .find(|&&(_, fu)| fu == u)
            .map(|&(p, _)| inst.side_a(p, rule));
        let score = |a: bool| -> i64 {
            let mut v: Vec<i64> = by_unit[u]
                .iter()
                .filter(|&&p| inst.side_a(p, rule) == a)
                .map(|&p| inst.priority[p])
                .collect();
            v.sort_unstable_by(|x, y| y.cmp(x));
            v.iter().take(inst.places(u) as usize).sum()
        };
        let (sa, sb) = (score(true), score(false));
        if sa > 0 && sb > 0 {
            out.push((u, rule, pinned_side.unwrap_or(sa >= sb)));
        }
    }
    out
}

/// A quick plan that keeps the separation rules, from a node (`branches`,
/// solved as `start`): fix the first `DIVE_BATCH` violated units to the side
/// with more priority among their occupants, re-solve, repeat until no rule
/// is broken; if that does not settle, presume a side for every shared unit
/// at once. Fixing a few units per round loses less than fixing all at once
/// (on tier L: level 1 at its bound with batches of 20–40, 10 points below
/// with all 130 at once).
fn dive(
    net: &mut Network,
    inst: &Instance,
    rules: &Rules,
    start: (&[Branch], &FlowSolution),
    stop: &dyn Fn() -> bool,
) -> Option<FlowSolution> {
    let mut branches: Vec<Branch> = start.0.to_vec();
    let mut sol = FlowSolution {
        unit_of: start.1.unit_of.clone(),
        class_of: start.1.class_of.clone(),
        cost: start.1.cost,
    };
    for round in 0..inst.unit_count() + 1 {
        if round > 0 {
            if stop() {
                return None;
            }
            sol = net.solve(inst, rules, &branches, stop)?;
        }
        if sol.cost.0[0] > 0 {
            return None;
        }
        let v = violations(inst, &sol.unit_of, &branches);
        if net.trace {
            eprintln!("dive {round}: {:?}, {} violations", sol.cost, v.len());
        }
        if v.is_empty() {
            return Some(sol);
        }
        for (u, rule) in v.into_iter().take(DIVE_BATCH) {
            let (mut a, mut b) = (0i64, 0i64);
            for (p, x) in sol.unit_of.iter().enumerate() {
                if *x == Some(u) {
                    if inst.side_a(p, rule) {
                        a += inst.priority[p];
                    } else {
                        b += inst.priority[p];
                    }
                }
            }
            branches.push((u, rule, a >= b));
        }
    }
    let presumed = presumed_sides(inst, &rules.forced);
    let sol = net.solve(inst, rules, &presumed, stop)?;
    (sol.cost.0[0] == 0 && violations(inst, &sol.unit_of, &presumed).is_empty()).then_some(sol)
}

/// Violated units fixed per dive round.
const DIVE_BATCH: usize = 32;

/// A dive from the node at hand every this many branchings.
const DIVE_EVERY: usize = 16;

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
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Flow solves at most.
    pub max_nodes: usize,
    /// Stop at this moment.
    pub deadline: Option<std::time::Instant>,
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

/// Nodes of the first search; each pair of searches after gets four times
/// as many.
const RESTART_NODES: usize = 500;

/// The branch and bound as a portfolio of two searches that differ only in
/// the tie-break (on, then off), restarted with growing node budgets
/// (500, 500, 2,000, 2,000, 8,000, …, up to `limits.max_nodes` in all), each
/// starting from the best plan found so far. The search tree's size depends
/// heavily on which of many equally good flows the simplex meets; neither
/// choice is better on every round, and a restart costs at most a constant
/// factor. Deterministic: budgets count nodes, not time.
fn restarts(
    net: &mut Network,
    inst: &Instance,
    rules: &Rules,
    limits: Limits,
    first_budget: usize,
) -> Found {
    let mut incumbent: Option<FlowSolution> = None;
    let mut bound: Option<Cost> = None;
    let (mut used, mut budget, mut tie_break) = (0, first_budget.max(1), true);
    loop {
        net.set_tie_break(tie_break);
        let max_nodes = if net.ties.is_empty() {
            limits.max_nodes - used
        } else {
            budget.min(limits.max_nodes - used)
        };
        let run = Limits {
            max_nodes,
            ..limits
        };
        match search(net, inst, rules, run, incumbent.take()) {
            Searched::Optimal(best) => return Found::Optimal(best.plan()),
            Searched::Infeasible => return Found::Infeasible,
            Searched::Stopped { best, lower, nodes } => {
                incumbent = best;
                bound = bound.max(lower);
                used += nodes;
            }
        }
        if used >= limits.max_nodes || limits.out_of_time() {
            let bound = bound.map_or((i64::MAX, i64::MAX), |b| (-b.0[1], -b.0[2]));
            return Found::Stopped {
                best: incumbent.as_ref().map(FlowSolution::plan),
                bound,
            };
        }
        if !tie_break {
            budget = budget.saturating_mul(4);
        }
        tie_break = !tie_break;
    }
}

/// How one search ended.
enum Searched {
    /// The lexicographic optimum, proven.
    Optimal(FlowSolution),
    /// No plan keeps every rule.
    Infeasible,
    /// Out of nodes or time: the best plan, the least bound still open (if
    /// the root was solved) and the nodes used.
    Stopped {
        best: Option<FlowSolution>,
        lower: Option<Cost>,
        nodes: usize,
    },
}

impl Limits {
    /// The deadline has passed, or the user interrupted.
    fn out_of_time(&self) -> bool {
        crate::progress::interrupted()
            || self
                .deadline
                .is_some_and(|d| std::time::Instant::now() >= d)
    }
}

/// Branch and bound over the separation rules, with `rules` kept, starting
/// from the plan `start` (if any) as the one to beat.
fn search(
    net: &mut Network,
    inst: &Instance,
    rules: &Rules,
    limits: Limits,
    start: Option<FlowSolution>,
) -> Searched {
    let trace = net.trace;
    let out_of_time = || limits.out_of_time();
    let Some(root) = net.solve(inst, rules, &[], &out_of_time) else {
        return Searched::Stopped {
            best: start,
            lower: None,
            nodes: 0,
        };
    };
    if root.cost.0[0] > 0 {
        return Searched::Infeasible;
    }
    let Some(first) = violation(inst, &root.unit_of, &[]) else {
        return Searched::Optimal(root);
    };
    let mut best = start;
    if let Some(found) = dive(net, inst, rules, (&[], &root), &out_of_time) {
        if best.as_ref().is_none_or(|b| found.cost < b.cost) {
            best = Some(found);
        }
    }
    if trace {
        eprintln!(
            "root {:?}, dive {:?}",
            root.cost,
            best.as_ref().map(|b| b.cost)
        );
    }
    // Best-first on the relaxation's cost; ties: deeper first (to find plans).
    // An open node keeps its branches and the violation to branch on.
    let mut open: BinaryHeap<Reverse<(Cost, Reverse<usize>, usize)>> = BinaryHeap::new();
    let mut pool: Vec<Option<OpenNode>> = vec![Some((Vec::new(), first))];
    open.push(Reverse((root.cost, Reverse(0), 0)));
    let mut nodes = 1;
    let mut expanded = 0;
    while let Some(Reverse((bound, depth, id))) = open.pop() {
        if best.as_ref().is_some_and(|b| bound >= b.cost) {
            // Best-first: every open node is at least as costly; done.
            open.clear();
            break;
        }
        if nodes >= limits.max_nodes || out_of_time() {
            open.push(Reverse((bound, depth, id)));
            break;
        }
        let Some((branches, (u, rule))) = pool[id].take() else {
            continue;
        };
        crate::progress::search(&crate::progress::Search {
            nodes,
            best: best.as_ref().map(|b| b.cost.levels(inst)),
            bound: bound.levels(inst),
        });
        expanded += 1;
        if expanded % DIVE_EVERY == 0 {
            let Some(here) = net.solve(inst, rules, &branches, &out_of_time) else {
                pool[id] = Some((branches, (u, rule)));
                open.push(Reverse((bound, depth, id)));
                break;
            };
            if let Some(found) = dive(net, inst, rules, (&branches, &here), &out_of_time) {
                if best.as_ref().is_none_or(|b| found.cost < b.cost) {
                    if trace {
                        eprintln!("dive from node {id}: {:?}", found.cost);
                    }
                    best = Some(found);
                }
            }
            if best.as_ref().is_some_and(|b| bound >= b.cost) {
                continue;
            }
        }
        let mut children = Vec::with_capacity(2);
        for side in [false, true] {
            let mut b = branches.clone();
            b.push((u, rule, side));
            match net.solve(inst, rules, &b, &out_of_time) {
                Some(child) => children.push((b, child)),
                None => break,
            }
        }
        if children.len() < 2 {
            // Stopped inside a solve: the node stays open, its bound holds.
            pool[id] = Some((branches, (u, rule)));
            open.push(Reverse((bound, depth, id)));
            break;
        }
        for (b, child) in children {
            nodes += 1;
            if trace {
                eprintln!("node {nodes}: depth {} cost {:?}", b.len(), child.cost);
            }
            if child.cost.0[0] > 0 || best.as_ref().is_some_and(|x| child.cost >= x.cost) {
                continue;
            }
            match violation(inst, &child.unit_of, &b) {
                None => best = Some(child),
                Some(next) => {
                    let d = b.len();
                    pool.push(Some((b, next)));
                    open.push(Reverse((child.cost, Reverse(d), pool.len() - 1)));
                }
            }
        }
    }
    if trace {
        eprintln!("{nodes} nodes");
    }
    match open.pop() {
        None => match best {
            Some(b) => Searched::Optimal(b),
            None => Searched::Infeasible,
        },
        Some(Reverse((bound, _, _))) => Searched::Stopped {
            best,
            lower: Some(bound),
            nodes,
        },
    }
}

#[cfg(test)]
mod tests {
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
            };
            let never = || false;
            let mut net = Network::new(&inst, &rules, &never).unwrap();
            let once = restarts(&mut net, &inst, &rules, limits, 20_000);
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
