//! The branch and bound on the shared-living rules: a portfolio of two
//! searches restarted with growing node budgets ([`restarts`]), each a
//! best-first search on the relaxation's cost that branches on the side a
//! violated shared unit serves, with dives for quick plans ([`dive`]).

use super::network::Network;
use super::sides::{presumed_sides, violation, violations};
use super::{Branch, Cost, FlowSolution, Found, Limits, Rules};
use crate::solver::instance::{Instance, Separation};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::ControlFlow;

/// An open branch-and-bound node: its branches and the violation to split on.
type OpenNode = (Vec<Branch>, (usize, Separation));

/// Nodes of the first search; each pair of searches after gets four times
/// as many.
pub(super) const RESTART_NODES: usize = 500;

/// The branch and bound as a portfolio of two searches that differ only in
/// the tie-break (on, then off), restarted with growing node budgets
/// (500, 500, 2,000, 2,000, 8,000, …, up to `limits.max_nodes` in all), each
/// starting from the best plan found so far. The search tree's size depends
/// heavily on which of many equally good flows the simplex meets; neither
/// choice is better on every round, and a restart costs at most a constant
/// factor. Deterministic: budgets count nodes, not time.
pub(super) fn restarts(
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
            ..limits.clone()
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

/// Branch and bound over the separation rules, with `rules` kept, starting
/// from the plan `start` (if any) as the one to beat.
fn search(
    net: &mut Network,
    inst: &Instance,
    rules: &Rules,
    limits: Limits,
    start: Option<FlowSolution>,
) -> Searched {
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
    if net.trace {
        eprintln!(
            "root {:?}, dive {:?}",
            root.cost,
            best.as_ref().map(|b| b.cost)
        );
    }
    let mut tree = Tree {
        net,
        inst,
        rules,
        limits,
        open: BinaryHeap::from([Reverse((root.cost, Reverse(0), 0))]),
        pool: vec![Some((Vec::new(), first))],
        best,
        nodes: 1,
        expanded: 0,
    };
    while let Some(Reverse(at)) = tree.open.pop() {
        if tree.expand(at).is_break() {
            break;
        }
    }
    tree.finish()
}

/// An open node's place in the queue: (bound, depth, index into the pool).
/// Best-first on the relaxation's cost; ties: deeper first (to find plans).
type Queued = (Cost, Reverse<usize>, usize);

/// One search's tree: the open nodes (queued by [`Queued`], kept in `pool`
/// with their branches and the violation to branch on) and the best plan.
struct Tree<'a, 'r> {
    net: &'a mut Network,
    inst: &'a Instance<'r>,
    rules: &'a Rules,
    limits: Limits,
    open: BinaryHeap<Reverse<Queued>>,
    pool: Vec<Option<OpenNode>>,
    best: Option<FlowSolution>,
    /// Nodes solved.
    nodes: usize,
    /// Nodes branched on.
    expanded: usize,
}

impl Tree<'_, '_> {
    /// Whether the best plan is at least as good as `cost`.
    fn beaten(&self, cost: Cost) -> bool {
        self.best.as_ref().is_some_and(|b| cost >= b.cost)
    }

    /// Branches on the node `at`, just taken from the queue, every
    /// `DIVE_EVERY`th time after a dive from it; `Break` when the search is
    /// over (the node stays open when it was stopped, not done).
    fn expand(&mut self, at: Queued) -> ControlFlow<()> {
        let (bound, _, id) = at;
        if self.beaten(bound) {
            // Best-first: every open node is at least as costly; done.
            self.open.clear();
            return ControlFlow::Break(());
        }
        if self.nodes >= self.limits.max_nodes || self.limits.out_of_time() {
            self.open.push(Reverse(at));
            return ControlFlow::Break(());
        }
        let Some(node) = self.pool[id].take() else {
            return ControlFlow::Continue(());
        };
        self.limits.control.search(&crate::progress::Search {
            nodes: self.nodes,
            best: self.best.as_ref().map(|b| b.cost.levels(self.inst)),
            bound: bound.levels(self.inst),
        });
        self.expanded += 1;
        if self.expanded.is_multiple_of(DIVE_EVERY) {
            if !self.dive_from(id, &node.0) {
                self.reopen(at, node);
                return ControlFlow::Break(());
            }
            if self.beaten(bound) {
                return ControlFlow::Continue(());
            }
        }
        let Some(children) = self.children(&node) else {
            // Stopped inside a solve: the node stays open, its bound holds.
            self.reopen(at, node);
            return ControlFlow::Break(());
        };
        for (branches, child) in children {
            self.add(branches, child);
        }
        ControlFlow::Continue(())
    }

    /// Puts a node back in the queue.
    fn reopen(&mut self, at: Queued, node: OpenNode) {
        self.pool[at.2] = Some(node);
        self.open.push(Reverse(at));
    }

    /// A dive from node `id`, keeping its plan if better; `false` when
    /// stopped inside the node's own solve.
    fn dive_from(&mut self, id: usize, branches: &[Branch]) -> bool {
        let limits = self.limits.clone();
        let out_of_time = || limits.out_of_time();
        let Some(here) = self
            .net
            .solve(self.inst, self.rules, branches, &out_of_time)
        else {
            return false;
        };
        let found = dive(
            self.net,
            self.inst,
            self.rules,
            (branches, &here),
            &out_of_time,
        );
        if let Some(found) = found {
            if self.best.as_ref().is_none_or(|b| found.cost < b.cost) {
                if self.net.trace {
                    eprintln!("dive from node {id}: {:?}", found.cost);
                }
                self.best = Some(found);
            }
        }
        true
    }

    /// The node's two children (the violated unit on side B, then on side
    /// A), solved; `None` when stopped inside a solve.
    fn children(&mut self, node: &OpenNode) -> Option<Vec<(Vec<Branch>, FlowSolution)>> {
        let (branches, (u, rule)) = node;
        let limits = self.limits.clone();
        let out_of_time = || limits.out_of_time();
        let mut children = Vec::with_capacity(2);
        for side in [false, true] {
            let mut b = branches.clone();
            b.push((*u, *rule, side));
            let child = self.net.solve(self.inst, self.rules, &b, &out_of_time)?;
            children.push((b, child));
        }
        Some(children)
    }

    /// A solved child: pruned, a new best plan (no rule broken), or queued
    /// with the violation to branch on next.
    fn add(&mut self, b: Vec<Branch>, child: FlowSolution) {
        self.nodes += 1;
        if self.net.trace {
            eprintln!(
                "node {}: depth {} cost {:?}",
                self.nodes,
                b.len(),
                child.cost
            );
        }
        if child.cost.0[0] > 0 || self.beaten(child.cost) {
            return;
        }
        match violation(self.inst, &child.unit_of, &b) {
            None => self.best = Some(child),
            Some(next) => {
                let d = b.len();
                self.pool.push(Some((b, next)));
                let id = self.pool.len() - 1;
                self.open.push(Reverse((child.cost, Reverse(d), id)));
            }
        }
    }

    /// How the search ended: no open node left (proven), or stopped with
    /// the least open bound.
    fn finish(mut self) -> Searched {
        if self.net.trace {
            eprintln!("{} nodes", self.nodes);
        }
        match self.open.pop() {
            None => match self.best {
                Some(b) => Searched::Optimal(b),
                None => Searched::Infeasible,
            },
            Some(Reverse((bound, _, _))) => Searched::Stopped {
                best: self.best,
                lower: Some(bound),
                nodes: self.nodes,
            },
        }
    }
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
