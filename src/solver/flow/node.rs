//! One branch-and-bound node's flow: the costs its branches and the rules
//! change (from the base costs, so each solve starts from the last basis),
//! the simplex, and the flow read back as a plan with its cost.

use super::network::Network;
use super::{Branch, Cost, FlowSolution, Rules};
use crate::solver::instance::Instance;

impl Network {
    /// Switches the tie-break costs on or off (on when built).
    pub(super) fn set_tie_break(&mut self, on: bool) {
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
    /// in the first cost component keeps all of them. `None` when `stop`
    /// said stop.
    pub(super) fn solve(
        &mut self,
        inst: &Instance,
        rules: &Rules,
        branches: &[Branch],
        stop: &dyn Fn() -> bool,
    ) -> Option<FlowSolution> {
        self.price(inst, rules, branches);
        let t = std::time::Instant::now();
        let pivots = self.simplex.optimize_until(stop)?;
        if self.trace {
            eprintln!("  solve: {pivots} pivots, {:?}", t.elapsed());
        }
        Some(self.read_back(inst, rules))
    }

    /// Sets the costs of a node: the base costs, `w_hard` more on every
    /// unit arc the `branches` or the forced placements rule out and on the
    /// forbidden pairs, and `w_hard` on the person arcs of people who must
    /// (or must not) be housed.
    fn price(&mut self, inst: &Instance, rules: &Rules, branches: &[Branch]) {
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
    }

    /// The optimal flow as a plan: each person's unit (a class of several
    /// units hands its places out) and staff class, and the cost: unit arcs
    /// used at a raised cost and a broken rule count as hard violations.
    fn read_back(&self, inst: &Instance, rules: &Rules) -> FlowSolution {
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
        FlowSolution {
            unit_of,
            class_of,
            cost: Cost([hard, -priority, -fit]),
        }
    }
}
