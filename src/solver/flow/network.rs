//! The network built once per solve: the round as a circulation (nodes for
//! unit classes, people and staff classes; one arc per pair), the one
//! integer cost that carries the three levels ([`Weights`]), and a first
//! flow for the simplex ([`greedy_flow`]). A branch-and-bound node then
//! changes only costs (`node.rs`).

use super::classes::{pairs_by_unit, UnitClasses};
use super::sides::presumed_sides;
use super::simplex::{Arcs, Simplex};
use super::Rules;
use crate::solver::instance::{Instance, Separation};

/// The round as a circulation, built once; a branch-and-bound node changes
/// only costs, so each solve starts from the previous basis.
///
/// Nodes: 0 source, 1 sink, unit classes, people in, people out, staff
/// classes ([`Nodes`]). Arcs ([`Built`]): source → unit class (places), unit
/// class → person (eligible pairs, cost −fit),
/// person in → person out (capacity 1, cost −priority), person → class
/// (cost −fit), class → sink (capacity), and sink → source (the flow value is
/// free: nobody is housed unless it pays).
///
/// One integer cost carries the three levels exactly: hard rules, priority,
/// fit, with weights larger than any possible difference of the levels below
/// (`w_priority` > twice the largest total fit, `w_hard` > twice the largest
/// total of the rest), so the order of costs is the lexicographic order.
pub(super) struct Network {
    pub(super) simplex: Simplex,
    /// Interchangeable units, one node each.
    pub(super) classes: UnitClasses,
    /// Arc of each unit pair (in `inst.unit_pairs` order): the arc from the
    /// unit's class to the person, shared by the pairs of one class.
    pub(super) unit_arc: Vec<u32>,
    /// Person in → person out arc of each person.
    pub(super) through: Vec<usize>,
    /// Unit pairs of each unit.
    pub(super) by_unit: Vec<Vec<u32>>,
    /// The pair of each real arc: a unit pair's index, or the number of
    /// unit pairs plus a staff pair's index; `u32::MAX` for other arcs.
    pub(super) pair_of_arc: Vec<u32>,
    /// Base cost of every real arc.
    pub(super) base: Vec<i64>,
    /// Arcs whose cost differs from the base.
    pub(super) changed: Vec<usize>,
    /// The cost of breaking a hard rule (see [`Weights`]).
    pub(super) w_hard: i64,
    /// Arcs with a tie-break cost (off the presumed side), and the amount.
    pub(super) ties: Vec<TieArc>,
    /// Whether the tie-break costs are on.
    pub(super) tie_break: bool,
    /// `BOLIGMATCH_FLOW_TRACE` is set: print every solve and node on stderr.
    pub(super) trace: bool,
}

impl Network {
    /// `None` when the weights would overflow 64-bit costs (then the MILP),
    /// or when `stop` said stop (asked between the steps of the build and
    /// every million pairs; the caller tells the two apart by asking `stop`
    /// again). Units named in `rules` stay classes of their own.
    pub(super) fn new(inst: &Instance, rules: &Rules, stop: &dyn Fn() -> bool) -> Option<Network> {
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
        let nodes = Nodes::new(inst, &classes);
        let n = nodes.count;
        let weights = Weights::new(inst, rules, n)?;
        let built = Built::new(inst, &classes, &nodes, &weights, stop)?;
        let base = built.arcs.cost.clone();
        let pair_of_arc = pair_of_arcs(built.arcs.len(), &built.unit_arc, &built.staff_arc)?;
        if stop() {
            return None;
        }
        let Built {
            arcs,
            unit_arc,
            ties,
            through,
            staff_arc,
        } = built;
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
                classes.units.len(),
                inst.unit_pairs.len(),
                n_arcs,
                if weights.tie > 1 { "on" } else { "off (64 bits)" },
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
            w_hard: weights.w_hard,
            ties,
            tie_break: true,
            trace,
        })
    }
}

/// The node numbers: 0 source, 1 sink, then unit classes, people in, people
/// out and staff classes.
struct Nodes {
    n_units: usize,
    n_people: usize,
    /// Nodes in all.
    count: usize,
}

impl Nodes {
    fn new(inst: &Instance, classes: &UnitClasses) -> Nodes {
        let (n_units, n_people) = (classes.units.len(), inst.person_count());
        Nodes {
            n_units,
            n_people,
            count: 2 + n_units + 2 * n_people + inst.classes.len(),
        }
    }

    fn unit(&self, class: usize) -> usize {
        2 + class
    }

    fn person_in(&self, p: usize) -> usize {
        2 + self.n_units + p
    }

    fn person_out(&self, p: usize) -> usize {
        2 + self.n_units + self.n_people + p
    }

    fn staff_class(&self, c: usize) -> usize {
        2 + self.n_units + 2 * self.n_people + c
    }
}

/// The arcs of the network, in this order: source → unit class, unit class
/// → person (`unit_arcs`), person in → person out, person → staff class,
/// staff class → sink, and sink → source last; with the arc of each pair and
/// person.
struct Built {
    arcs: Arcs,
    /// Arc of each unit pair (see [`Network`]).
    unit_arc: Vec<u32>,
    /// Arcs with a tie-break cost, and the amount.
    ties: Vec<TieArc>,
    /// Person in → person out arc of each person.
    through: Vec<usize>,
    /// Arc of each staff pair.
    staff_arc: Vec<usize>,
}

impl Built {
    /// `None` when `stop` said stop, or the arcs outnumber 32 bits.
    fn new(
        inst: &Instance,
        classes: &UnitClasses,
        nodes: &Nodes,
        weights: &Weights,
        stop: &dyn Fn() -> bool,
    ) -> Option<Built> {
        let (n_units, n_people, n) = (nodes.n_units, nodes.n_people, nodes.count);
        let n_classes = inst.classes.len();
        // Room for the simplex's artificial arcs (one per node) as well.
        let mut arcs = Arcs::with_capacity(
            n_units + inst.unit_pairs.len() + n_people + inst.staff_pairs.len() + n_classes + 1 + n,
        );
        for units in &classes.units {
            let places: i64 = units.iter().map(|&u| i64::from(inst.places(u))).sum();
            arcs.push(0, nodes.unit(arcs.len()), places, 0);
        }
        let (unit_arc, ties) = unit_arcs(inst, classes, weights, &mut arcs, stop)?;
        let mut through = Vec::with_capacity(n_people);
        for p in 0..n_people {
            through.push(arcs.len());
            let cost = -inst.priority[p] * weights.w_priority;
            arcs.push(nodes.person_in(p), nodes.person_out(p), 1, cost);
        }
        let mut staff_arc = Vec::with_capacity(inst.staff_pairs.len());
        for q in &inst.staff_pairs {
            staff_arc.push(arcs.len());
            let (from, to) = (nodes.person_out(q.person), nodes.staff_class(q.target));
            arcs.push(from, to, 1, -q.fit * weights.tie);
        }
        for (c, class) in inst.classes.iter().enumerate() {
            arcs.push(nodes.staff_class(c), 1, i64::from(class.capacity), 0);
        }
        arcs.push(1, 0, n_people as i64, 0);
        Some(Built {
            arcs,
            unit_arc,
            ties,
            through,
            staff_arc,
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
