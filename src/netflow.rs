//! An exact special-purpose solver for the common case: the allocation as a
//! min-cost flow (units → people → staff classes) with lexicographic costs
//! (pinned/forced, priority, fit), solved by successive shortest paths, and
//! the shared-living separation rules enforced by branch and bound on which
//! side a shared unit serves.
//!
//! Without the separation rules the allocation model is a network flow whose
//! LP relaxation is integral; a flow algorithm solves it exactly and fast.
//! Costs are compared as tuples, never mixed into one weighted sum.

use crate::formulation::{Instance, Restrictions, Separation, UnitPlan};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A lexicographic cost: (pinned or forced placements, priority, fit); lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
struct Cost([i64; 3]);

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

struct Graph {
    head: Vec<usize>,
    to: Vec<usize>,
    cap: Vec<i32>,
    cost: Vec<Cost>,
    first: Vec<usize>,
    next: Vec<usize>,
}

const NONE: usize = usize::MAX;

impl Graph {
    fn new(n: usize) -> Self {
        Graph {
            head: Vec::new(),
            to: Vec::new(),
            cap: Vec::new(),
            cost: Vec::new(),
            first: vec![NONE; n],
            next: Vec::new(),
        }
    }
    fn arc(&mut self, a: usize, b: usize, cap: i32, cost: Cost) -> usize {
        let e = self.to.len();
        for (from, to, c, k) in [(a, b, cap, cost), (b, a, 0, -cost)] {
            self.head.push(from);
            self.to.push(to);
            self.cap.push(c);
            self.cost.push(k);
            self.next.push(self.first[from]);
            self.first[from] = self.to.len() - 1;
        }
        e
    }
}

/// A side restriction from branching: `unit` admits only side A (`true`) or
/// side B of `rule`.
type Branch = (usize, Separation, bool);

/// The solution of one flow: units and classes per person, and the cost.
struct FlowSolution {
    unit_of: UnitPlan,
    class_of: Vec<Option<usize>>,
    cost: Cost,
}

fn solve_flow(inst: &Instance, forced: &[(usize, usize)], branches: &[Branch]) -> FlowSolution {
    let round = inst.round;
    let n_units = round.units.len();
    let n_people = round.people.len();
    let n_classes = inst.classes.len();
    // Nodes: 0 source, 1 sink, units, people in, people out, classes.
    let unit_node = |u: usize| 2 + u;
    let p_in = |p: usize| 2 + n_units + p;
    let p_out = |p: usize| 2 + n_units + n_people + p;
    let class_node = |c: usize| 2 + n_units + 2 * n_people + c;
    let n = 2 + n_units + 2 * n_people + n_classes;
    let mut g = Graph::new(n);
    let mut must: Vec<Option<usize>> = vec![None; n_people];
    for &(p, u) in forced {
        must[p] = Some(u);
    }
    let allowed = |p: usize, u: usize| -> bool {
        if must[p].is_some_and(|m| m != u) {
            return false;
        }
        branches
            .iter()
            .all(|&(bu, rule, side_a)| bu != u || rule.side_a(&round.people[p]) == side_a)
    };
    for (u, unit) in round.units.iter().enumerate() {
        g.arc(0, unit_node(u), unit.places as i32, Cost::default());
    }
    let mut unit_arcs = Vec::with_capacity(inst.unit_pairs.len());
    for q in &inst.unit_pairs {
        if allowed(q.person, q.target) {
            let e = g.arc(unit_node(q.target), p_in(q.person), 1, Cost([0, 0, -q.fit]));
            unit_arcs.push((e, q.person, q.target));
        }
    }
    for (p, m) in must.iter().enumerate() {
        let bonus = i64::from(m.is_some());
        g.arc(p_in(p), p_out(p), 1, Cost([-bonus, -inst.priority[p], 0]));
    }
    let mut staff_arcs = Vec::with_capacity(inst.staff_pairs.len());
    for q in &inst.staff_pairs {
        let e = g.arc(
            p_out(q.person),
            class_node(q.target),
            1,
            Cost([0, 0, -q.fit]),
        );
        staff_arcs.push((e, q.person, q.target));
    }
    for (c, class) in inst.classes.iter().enumerate() {
        g.arc(class_node(c), 1, class.capacity as i32, Cost::default());
    }
    // Initial potentials: shortest distances in the layered graph (no residual
    // back arcs yet), computed layer by layer.
    let inf = Cost([i64::MAX / 4, 0, 0]);
    let mut pot = vec![inf; n];
    pot[0] = Cost::default();
    for u in 0..n_units {
        pot[unit_node(u)] = Cost::default();
    }
    for &(e, p, u) in &unit_arcs {
        let d = pot[unit_node(u)] + g.cost[e];
        if d < pot[p_in(p)] {
            pot[p_in(p)] = d;
        }
    }
    // p_in → p_out arcs: the forward arc is the one whose head is p_in(p).
    for e in (0..g.to.len()).step_by(2) {
        let (a, b) = (g.head[e], g.to[e]);
        if a >= p_in(0)
            && a < p_in(0) + n_people
            && b >= p_out(0)
            && b < p_out(0) + n_people
            && pot[a] < inf
        {
            let d = pot[a] + g.cost[e];
            if d < pot[b] {
                pot[b] = d;
            }
        }
    }
    for &(e, p, c) in &staff_arcs {
        if pot[p_out(p)] < inf {
            let d = pot[p_out(p)] + g.cost[e];
            if d < pot[class_node(c)] {
                pot[class_node(c)] = d;
            }
        }
    }
    for c in 0..n_classes {
        if pot[class_node(c)] < pot[1] {
            pot[1] = pot[class_node(c)];
        }
    }
    for v in pot.iter_mut() {
        if *v == inf {
            *v = Cost::default();
        }
    }
    // Successive shortest paths while a path improves the objective.
    let mut dist = vec![inf; n];
    let mut prev = vec![NONE; n];
    let mut done = vec![false; n];
    let mut total = Cost::default();
    loop {
        dist.iter_mut().for_each(|d| *d = inf);
        prev.iter_mut().for_each(|p| *p = NONE);
        done.iter_mut().for_each(|d| *d = false);
        dist[0] = Cost::default();
        let mut heap = BinaryHeap::new();
        heap.push(Reverse((Cost::default(), 0usize)));
        while let Some(Reverse((d, v))) = heap.pop() {
            if done[v] {
                continue;
            }
            done[v] = true;
            if v == 1 {
                break;
            }
            let mut e = g.first[v];
            while e != NONE {
                if g.cap[e] > 0 {
                    let w = g.to[e];
                    let nd = d + g.cost[e] + pot[v] - pot[w];
                    if !done[w] && nd < dist[w] {
                        dist[w] = nd;
                        prev[w] = e;
                        heap.push(Reverse((nd, w)));
                    }
                }
                e = g.next[e];
            }
        }
        if !done[1] {
            break;
        }
        let real = dist[1] + pot[1] - pot[0];
        if real >= Cost::default() {
            break;
        }
        let dt = dist[1];
        for v in 0..n {
            let d = if done[v] { dist[v] } else { dt };
            pot[v] = pot[v] + d;
        }
        // Augment one unit along the path (every path carries one person).
        let mut v = 1;
        while v != 0 {
            let e = prev[v];
            g.cap[e] -= 1;
            g.cap[e ^ 1] += 1;
            v = g.head[e];
        }
        total = total + real;
        // Every other path of zero reduced cost is just as short: augment
        // them too before the next search (one phase, Dinic-style pointers).
        let zero = Cost::default();
        let mut it: Vec<usize> = g.first.clone();
        let mut on_path = vec![false; n];
        loop {
            let mut path: Vec<usize> = Vec::new();
            let mut v = 0;
            on_path[0] = true;
            let found = loop {
                if v == 1 {
                    break true;
                }
                let mut advanced = false;
                while it[v] != NONE {
                    let e = it[v];
                    let w = g.to[e];
                    if g.cap[e] > 0 && !on_path[w] && g.cost[e] + pot[v] - pot[w] == zero {
                        path.push(e);
                        on_path[w] = true;
                        v = w;
                        advanced = true;
                        break;
                    }
                    it[v] = g.next[e];
                }
                if !advanced {
                    let Some(e) = path.pop() else { break false };
                    on_path[v] = false;
                    v = g.head[e];
                    it[v] = g.next[e];
                }
            };
            for &e in &path {
                on_path[g.to[e]] = false;
            }
            on_path[0] = false;
            if !found {
                break;
            }
            for &e in &path {
                g.cap[e] -= 1;
                g.cap[e ^ 1] += 1;
            }
            total = total + real;
        }
    }
    let mut unit_of = vec![None; n_people];
    let mut class_of = vec![None; n_people];
    for &(e, p, u) in &unit_arcs {
        if g.cap[e] == 0 {
            unit_of[p] = Some(u);
        }
    }
    for &(e, p, c) in &staff_arcs {
        if g.cap[e] == 0 {
            class_of[p] = Some(c);
        }
    }
    FlowSolution {
        unit_of,
        class_of,
        cost: total,
    }
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
    let round = inst.round;
    let mut occupants: Vec<Vec<usize>> = vec![Vec::new(); round.units.len()];
    for (p, u) in unit_of.iter().enumerate() {
        if let Some(u) = u {
            occupants[*u].push(p);
        }
    }
    for (u, unit) in round.units.iter().enumerate() {
        let (minors, genders) = crate::eligibility::separation_applies(unit, &round.policy);
        for (on, rule) in [(minors, Separation::Minors), (genders, Separation::Women)] {
            if !on || branches.iter().any(|&(bu, r, _)| bu == u && r == rule) {
                continue;
            }
            let occ = &occupants[u];
            let a = occ.iter().any(|&p| rule.side_a(&round.people[p]));
            let b = occ.iter().any(|&p| !rule.side_a(&round.people[p]));
            if a && b {
                out.push((u, rule));
            }
        }
    }
    out
}

/// Sides for every shared unit where a separation rule could bite: the side
/// whose best `places` eligible candidates (or pinned people) have the larger
/// total priority.
fn presumed_sides(inst: &Instance, forced: &[(usize, usize)]) -> Vec<Branch> {
    let round = inst.round;
    let mut by_unit: Vec<Vec<usize>> = vec![Vec::new(); round.units.len()];
    for q in &inst.unit_pairs {
        by_unit[q.target].push(q.person);
    }
    let mut out = Vec::new();
    for (u, unit) in round.units.iter().enumerate() {
        let (minors, genders) = crate::eligibility::separation_applies(unit, &round.policy);
        for (on, rule) in [(minors, Separation::Minors), (genders, Separation::Women)] {
            if !on {
                continue;
            }
            let pinned_side = forced
                .iter()
                .find(|&&(_, fu)| fu == u)
                .map(|&(p, _)| rule.side_a(&round.people[p]));
            let score = |a: bool| -> i64 {
                let mut v: Vec<i64> = by_unit[u]
                    .iter()
                    .filter(|&&p| rule.side_a(&round.people[p]) == a)
                    .map(|&p| inst.priority[p])
                    .collect();
                v.sort_unstable_by(|x, y| y.cmp(x));
                v.iter().take(unit.places as usize).sum()
            };
            let (sa, sb) = (score(true), score(false));
            if sa > 0 && sb > 0 {
                out.push((u, rule, pinned_side.unwrap_or(sa >= sb)));
            }
        }
    }
    out
}

/// A quick plan that keeps the separation rules: from the relaxation's
/// solution, fix every violated unit to the side with more priority among its
/// occupants, re-solve, repeat; if that does not settle, presume a side for
/// every shared unit at once.
fn dive(
    inst: &Instance,
    forced: &[(usize, usize)],
    need: i64,
    root: &FlowSolution,
    deadline: Option<std::time::Instant>,
) -> Option<FlowSolution> {
    let mut branches: Vec<Branch> = Vec::new();
    let mut sol = FlowSolution {
        unit_of: root.unit_of.clone(),
        class_of: root.class_of.clone(),
        cost: root.cost,
    };
    for round in 0..8 {
        if round > 0 {
            if deadline.is_some_and(|d| std::time::Instant::now() >= d) {
                break;
            }
            sol = solve_flow(inst, forced, &branches);
        }
        if -sol.cost.0[0] < need {
            return None;
        }
        let v = violations(inst, &sol.unit_of, &branches);
        if v.is_empty() {
            return Some(sol);
        }
        for (u, rule) in v {
            let (mut a, mut b) = (0i64, 0i64);
            for (p, x) in sol.unit_of.iter().enumerate() {
                if *x == Some(u) {
                    if rule.side_a(&inst.round.people[p]) {
                        a += inst.priority[p];
                    } else {
                        b += inst.priority[p];
                    }
                }
            }
            branches.push((u, rule, a >= b));
        }
    }
    let presumed = presumed_sides(inst, forced);
    let sol = solve_flow(inst, forced, &presumed);
    (-sol.cost.0[0] >= need && violations(inst, &sol.unit_of, &presumed).is_empty()).then_some(sol)
}

/// What the flow solver found.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// The lexicographic optimum, proven.
    Optimal(UnitPlan, Vec<Option<usize>>),
    /// The search stopped early (node budget or deadline): the best plan found
    /// and the best bound (level 1, level 2) still open.
    Stopped {
        /// Best plan found, if any.
        best: Option<(UnitPlan, Vec<Option<usize>>)>,
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

/// The exact lexicographic optimum by flow and branch and bound, or `None`
/// when the restrictions need the general MILP.
pub fn solve(inst: &Instance, restrictions: &Restrictions, limits: Limits) -> Option<Found> {
    if !restrictions.differ_from.is_empty()
        || !restrictions.targets.is_empty()
        || !restrictions.optional_units.is_empty()
        || !restrictions.optional_staff.is_empty()
    {
        return None;
    }
    let mut forced: Vec<(usize, usize)> = inst.pins.clone();
    forced.extend(restrictions.forced.iter().copied());
    forced.sort();
    forced.dedup();
    // Two different forced units for one person cannot both hold.
    if forced.windows(2).any(|w| w[0].0 == w[1].0) {
        return Some(Found::Infeasible);
    }
    let need = forced.len() as i64;
    let mut best: Option<FlowSolution> = None;
    // Best-first on the relaxation's cost; ties: deeper first (to find plans).
    let mut open: BinaryHeap<Reverse<(Cost, Reverse<usize>, usize)>> = BinaryHeap::new();
    let mut pool: Vec<Vec<Branch>> = vec![Vec::new()];
    let root = solve_flow(inst, &forced, &[]);
    open.push(Reverse((root.cost, Reverse(0), 0)));
    if violation(inst, &root.unit_of, &[]).is_some() {
        best = dive(inst, &forced, need, &root, limits.deadline);
    }
    let mut cached: Vec<Option<FlowSolution>> = vec![Some(root)];
    let mut nodes = 1;
    let trace = std::env::var_os("BOLIGMATCH_FLOW_TRACE").is_some();
    while let Some(Reverse((bound, _, id))) = open.pop() {
        if best.as_ref().is_some_and(|b| bound >= b.cost) {
            // Best-first: every open node is at least as costly; done.
            open.clear();
            break;
        }
        let Some(sol) = cached[id].take() else {
            continue;
        };
        // Every pinned or forced placement must hold.
        if -sol.cost.0[0] < need {
            continue;
        }
        let branches = std::mem::take(&mut pool[id]);
        match violation(inst, &sol.unit_of, &branches) {
            None => {
                best = Some(sol);
            }
            Some((u, rule)) => {
                let stop = nodes >= limits.max_nodes
                    || limits
                        .deadline
                        .is_some_and(|d| std::time::Instant::now() >= d);
                if stop {
                    open.push(Reverse((bound, Reverse(branches.len()), id)));
                    cached[id] = Some(sol);
                    pool[id] = branches;
                    break;
                }
                for side in [false, true] {
                    if limits
                        .deadline
                        .is_some_and(|d| std::time::Instant::now() >= d)
                    {
                        break;
                    }
                    let mut b = branches.clone();
                    b.push((u, rule, side));
                    let child = solve_flow(inst, &forced, &b);
                    nodes += 1;
                    if trace {
                        eprintln!("node {nodes}: depth {} cost {:?}", b.len(), child.cost);
                    }
                    if -child.cost.0[0] < need
                        || best.as_ref().is_some_and(|x| child.cost >= x.cost)
                    {
                        continue;
                    }
                    pool.push(b.clone());
                    cached.push(Some(child));
                    let cid = pool.len() - 1;
                    let c = cached[cid].as_ref().map_or(Cost::default(), |s| s.cost);
                    open.push(Reverse((c, Reverse(b.len()), cid)));
                }
            }
        }
    }
    let values = |s: &FlowSolution| (s.unit_of.clone(), s.class_of.clone());
    match open.pop() {
        None => Some(match best {
            Some(b) => Found::Optimal(b.unit_of, b.class_of),
            None => Found::Infeasible,
        }),
        Some(Reverse((bound, _, _))) => Some(Found::Stopped {
            best: best.as_ref().map(values),
            bound: (-bound.0[1], -bound.0[2]),
        }),
    }
}
