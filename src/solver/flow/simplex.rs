//! A primal network simplex for minimum-cost circulations with integer costs,
//! after the design of LEMON's `NetworkSimplex` (Király and Kovács, "Efficient
//! implementations of minimum-cost flow algorithms", 2012): a strongly
//! feasible spanning-tree basis rooted at an artificial node, block-search
//! pricing, and Cunningham's leaving-arc rule against cycling.
//!
//! Only costs may change between solves, never capacities, so the last basis
//! stays primal feasible and every solve after the first starts from it (a
//! warm start): the branch and bound changes a few costs and re-optimises.
//!
//! The tree is kept as parent pointers with child lists and depths; a pivot
//! re-hangs one subtree and walks it once to shift its potentials.

const NONE: u32 = u32::MAX;
const LOWER: i8 = 1;
const UPPER: i8 = -1;
const TREE: i8 = 0;
/// The tree arc points from the node up to its parent.
const UP: i8 = 1;
/// The tree arc points from the parent down to the node.
const DOWN: i8 = -1;

/// Arcs `(from, to, capacity, cost)` as columns, built once and moved into
/// the simplex (no second copy while a large network is built).
#[derive(Debug, Default)]
pub(crate) struct Arcs {
    pub(crate) source: Vec<u32>,
    pub(crate) target: Vec<u32>,
    pub(crate) cap: Vec<i64>,
    pub(crate) cost: Vec<i64>,
}

impl Arcs {
    /// Room for `m` arcs (reserve the simplex's `n` artificial arcs too).
    pub(crate) fn with_capacity(m: usize) -> Self {
        Arcs {
            source: Vec::with_capacity(m),
            target: Vec::with_capacity(m),
            cap: Vec::with_capacity(m),
            cost: Vec::with_capacity(m),
        }
    }

    /// Adds the arc `from → to`; node numbers fit 32 bits (the caller's
    /// networks have a few hundred thousand nodes at most).
    pub(crate) fn push(&mut self, from: usize, to: usize, cap: i64, cost: i64) {
        self.source.push(from as u32);
        self.target.push(to as u32);
        self.cap.push(cap);
        self.cost.push(cost);
    }

    /// Number of arcs.
    pub(crate) fn len(&self) -> usize {
        self.source.len()
    }
}

#[cfg(test)]
impl From<&[(usize, usize, i64, i64)]> for Arcs {
    fn from(arcs: &[(usize, usize, i64, i64)]) -> Self {
        let mut out = Arcs::with_capacity(arcs.len());
        for &(a, b, c, k) in arcs {
            out.push(a, b, c, k);
        }
        out
    }
}

/// A circulation problem and its current basis.
pub(crate) struct Simplex {
    /// Real nodes; the artificial root is node `n`.
    n: usize,
    /// Real arcs; arc `m + v` is the artificial arc from node `v` to the root.
    m: usize,
    source: Vec<u32>,
    target: Vec<u32>,
    cap: Vec<i64>,
    cost: Vec<i64>,
    flow: Vec<i64>,
    state: Vec<i8>,
    parent: Vec<u32>,
    pred: Vec<u32>,
    dir: Vec<i8>,
    depth: Vec<u32>,
    first_child: Vec<u32>,
    next_sib: Vec<u32>,
    prev_sib: Vec<u32>,
    pi: Vec<i64>,
    /// The real arcs at their upper bound, and each arc's place in it
    /// (`NONE` when not there): with the tree arcs, every arc with flow, so
    /// that a solution is read without looking at every arc.
    upper: Vec<u32>,
    upper_at: Vec<u32>,
    next_arc: usize,
    block: usize,
    stem: Vec<(u32, u32, i8)>,
}

impl Simplex {
    /// A problem on `n` nodes with arcs `(from, to, capacity, cost)`, every
    /// flow zero. The caller guarantees that no path of `n + 1` arcs can
    /// overflow an `i64` in cost.
    pub(crate) fn new(n: usize, arcs: Arcs) -> Self {
        let m = arcs.len();
        let mut state = Vec::with_capacity(m + n);
        state.resize(m, LOWER);
        let mut s = Simplex {
            n,
            m,
            source: arcs.source,
            target: arcs.target,
            cap: arcs.cap,
            cost: arcs.cost,
            flow: vec![0; m + n],
            state,
            parent: vec![NONE; n + 1],
            pred: vec![NONE; n + 1],
            dir: vec![UP; n + 1],
            depth: vec![0; n + 1],
            first_child: vec![NONE; n + 1],
            next_sib: vec![NONE; n + 1],
            prev_sib: vec![NONE; n + 1],
            pi: vec![0; n + 1],
            upper: Vec::new(),
            upper_at: vec![NONE; m],
            next_arc: 0,
            block: (((m as f64).sqrt() / 4.0) as usize).max(10),
            stem: Vec::new(),
        };
        // The initial basis: every node hangs from the root by an artificial
        // arc that can only carry flow towards the root. Supplies are all
        // zero, so these arcs never carry flow.
        let root = n as u32;
        for v in 0..n {
            s.source.push(v as u32);
            s.target.push(root);
            s.cap.push(i64::MAX / 4);
            s.cost.push(0);
            s.state.push(TREE);
            s.parent[v] = root;
            s.pred[v] = (m + v) as u32;
            s.depth[v] = 1;
            s.add_child(root, v as u32);
        }
        s
    }

    /// Like [`Simplex::new`], but starting from a feasible circulation `flow`
    /// (one value per arc, conserved at every node): the arcs strictly between
    /// their bounds become tree arcs, every other node hangs from the root.
    /// A good start saves most of the pivots. The arcs come back (`Err`) if
    /// `flow` is not a circulation within the bounds, or its free arcs
    /// contain a cycle.
    pub(crate) fn with_flow(n: usize, arcs: Arcs, flow: &[i64]) -> Result<Self, Arcs> {
        let m = arcs.len();
        if flow.len() != m {
            return Err(arcs);
        }
        let mut s = Simplex::new(n, arcs);
        let mut balance = vec![0i64; n];
        let mut free: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (e, &f) in flow.iter().enumerate() {
            let (a, b, c) = (s.source[e] as usize, s.target[e] as usize, s.cap[e]);
            if f < 0 || f > c {
                return Err(s.into_arcs());
            }
            balance[a] -= f;
            balance[b] += f;
            s.flow[e] = f;
            if f == c && c > 0 {
                s.set_state(e, UPPER);
            } else if f > 0 {
                free[a].push(e);
                free[b].push(e);
            }
        }
        if balance.iter().any(|&x| x != 0) {
            return Err(s.into_arcs());
        }
        // Each component of free arcs hangs from the root by its first node.
        let mut seen = vec![false; n];
        let mut queue = Vec::new();
        for start in 0..n {
            if seen[start] || free[start].is_empty() {
                continue;
            }
            seen[start] = true;
            queue.clear();
            queue.push(start);
            while let Some(x) = queue.pop() {
                for &e in &free[x] {
                    if s.state[e] == TREE {
                        continue;
                    }
                    let w = if s.source[e] as usize == x {
                        s.target[e] as usize
                    } else {
                        s.source[e] as usize
                    };
                    if seen[w] {
                        return Err(s.into_arcs());
                    }
                    seen[w] = true;
                    s.detach(w as u32);
                    s.state[s.m + w] = LOWER;
                    s.parent[w] = x as u32;
                    s.pred[w] = e as u32;
                    s.dir[w] = if s.source[e] as usize == w { UP } else { DOWN };
                    s.set_state(e, TREE);
                    s.add_child(x as u32, w as u32);
                    queue.push(w);
                }
            }
        }
        Ok(s)
    }

    /// The real arcs back (a start that was not a circulation).
    fn into_arcs(mut self) -> Arcs {
        let m = self.m;
        self.source.truncate(m);
        self.target.truncate(m);
        self.cap.truncate(m);
        self.cost.truncate(m);
        Arcs {
            source: self.source,
            target: self.target,
            cap: self.cap,
            cost: self.cost,
        }
    }

    /// Sets the state of arc `e`, keeping the set of real arcs at their upper
    /// bound.
    fn set_state(&mut self, e: usize, state: i8) {
        if e < self.m {
            let at = self.upper_at[e];
            if state == UPPER && at == NONE {
                self.upper_at[e] = self.upper.len() as u32;
                self.upper.push(e as u32);
            } else if state != UPPER && at != NONE {
                let last = self.upper.pop().unwrap_or(e as u32);
                if last as usize != e {
                    self.upper[at as usize] = last;
                    self.upper_at[last as usize] = at;
                }
                self.upper_at[e] = NONE;
            }
        }
        self.state[e] = state;
    }

    /// Every real arc with positive flow (tree arcs and arcs at their upper
    /// bound), in no particular order.
    pub(crate) fn with_flow_arcs(&self) -> impl Iterator<Item = usize> + '_ {
        let tree = self.pred[..self.n]
            .iter()
            .map(|&e| e as usize)
            .filter(|&e| e < self.m && self.flow[e] > 0);
        let upper = self
            .upper
            .iter()
            .map(|&e| e as usize)
            .filter(|&e| self.flow[e] > 0);
        tree.chain(upper)
    }

    /// The cost of arc `e` (a real arc).
    pub(crate) fn cost(&self, e: usize) -> i64 {
        self.cost[e]
    }

    /// Changes the cost of arc `e`; call [`Simplex::optimize`] afterwards.
    pub(crate) fn set_cost(&mut self, e: usize, cost: i64) {
        self.cost[e] = cost;
    }

    /// The flow on arc `e`.
    #[cfg(test)]
    pub(crate) fn flow(&self, e: usize) -> i64 {
        self.flow[e]
    }

    /// Pivots to optimality from the current basis. Returns the number of
    /// pivots made.
    #[cfg(test)]
    pub(crate) fn optimize(&mut self) -> usize {
        self.optimize_until(&|| false).unwrap_or(0)
    }

    /// Like [`Simplex::optimize`], asking `stop` every 1,024 pivots; `None`
    /// when it said stop (the flow is then feasible, not optimal).
    pub(crate) fn optimize_until(&mut self, stop: &dyn Fn() -> bool) -> Option<usize> {
        self.recompute_potentials();
        let mut pivots = 0;
        while let Some(e) = self.entering_arc() {
            self.pivot(e);
            pivots += 1;
            if pivots % 1024 == 0 && stop() {
                return None;
            }
        }
        Some(pivots)
    }

    fn reduced(&self, e: usize) -> i64 {
        self.cost[e] + self.pi[self.source[e] as usize] - self.pi[self.target[e] as usize]
    }

    /// Block search: the most negative (signed) reduced cost within the first
    /// block, starting where the last search stopped, that has one.
    fn entering_arc(&mut self) -> Option<usize> {
        let m = self.m;
        if m == 0 {
            return None;
        }
        let mut best = 0i64;
        let mut chosen = usize::MAX;
        let mut count = self.block;
        let mut e = self.next_arc;
        for _ in 0..m {
            let c = i64::from(self.state[e]) * self.reduced(e);
            if c < best {
                best = c;
                chosen = e;
            }
            e += 1;
            if e == m {
                e = 0;
            }
            count -= 1;
            if count == 0 {
                if best < 0 {
                    break;
                }
                count = self.block;
            }
        }
        if best < 0 {
            self.next_arc = e;
            Some(chosen)
        } else {
            None
        }
    }

    /// One pivot: `in_arc` enters the basis, the flow round its cycle grows
    /// by as much as the cycle allows, and the blocking arc leaves.
    fn pivot(&mut self, in_arc: usize) {
        let src = self.source[in_arc];
        let tgt = self.target[in_arc];
        let join = self.join(src, tgt);
        // Flow goes first → second over the entering arc, then second → join
        // → first through the tree.
        let (first, second) = if self.state[in_arc] == LOWER {
            (src, tgt)
        } else {
            (tgt, src)
        };
        let (delta, leaving) = self.leaving(in_arc, first, second, join);
        if delta > 0 {
            self.augment(in_arc, join, delta);
        }
        let Some((u_out, on_first)) = leaving else {
            // The entering arc itself is the bottleneck: bound to bound.
            self.set_state(in_arc, -self.state[in_arc]);
            return;
        };
        let (u_in, v_in) = if on_first {
            (first, second)
        } else {
            (second, first)
        };
        let out_arc = self.pred[u_out as usize] as usize;
        self.set_state(in_arc, TREE);
        let out_state = if self.flow[out_arc] == 0 {
            LOWER
        } else {
            UPPER
        };
        self.set_state(out_arc, out_state);
        self.rehang(in_arc, u_in, v_in, u_out);
    }

    /// The join node of `a` and `b`: where their paths to the root meet.
    fn join(&self, mut a: u32, mut b: u32) -> u32 {
        while a != b {
            let (da, db) = (self.depth[a as usize], self.depth[b as usize]);
            if da >= db {
                a = self.parent[a as usize];
            }
            if db >= da {
                b = self.parent[b as usize];
            }
        }
        a
    }

    /// How much flow the cycle of `in_arc` takes (at most its capacity), and
    /// the leaving arc as the node below it and whether that node is on the
    /// `first` side; `None` when the entering arc itself blocks. Cunningham's
    /// rule: the last blocking arc met walking the cycle from the join in
    /// the direction of flow (strictly less on the `first` side, where the
    /// walk runs against it; at most on the `second` side).
    fn leaving(
        &self,
        in_arc: usize,
        first: u32,
        second: u32,
        join: u32,
    ) -> (i64, Option<(u32, bool)>) {
        let mut delta = self.cap[in_arc];
        let mut out = None;
        let mut u = first;
        while u != join {
            let e = self.pred[u as usize] as usize;
            let d = if self.dir[u as usize] == DOWN {
                self.cap[e] - self.flow[e]
            } else {
                self.flow[e]
            };
            if d < delta {
                delta = d;
                out = Some((u, true));
            }
            u = self.parent[u as usize];
        }
        u = second;
        while u != join {
            let e = self.pred[u as usize] as usize;
            let d = if self.dir[u as usize] == UP {
                self.cap[e] - self.flow[e]
            } else {
                self.flow[e]
            };
            if d <= delta {
                delta = d;
                out = Some((u, false));
            }
            u = self.parent[u as usize];
        }
        (delta, out)
    }

    /// Sends `delta` round the cycle of `in_arc` (in its direction of flow)
    /// through the tree paths of both its ends up to `join`.
    fn augment(&mut self, in_arc: usize, join: u32, delta: i64) {
        let val = i64::from(self.state[in_arc]) * delta;
        self.flow[in_arc] += val;
        let mut u = self.source[in_arc];
        while u != join {
            let e = self.pred[u as usize] as usize;
            self.flow[e] -= i64::from(self.dir[u as usize]) * val;
            u = self.parent[u as usize];
        }
        let mut u = self.target[in_arc];
        while u != join {
            let e = self.pred[u as usize] as usize;
            self.flow[e] += i64::from(self.dir[u as usize]) * val;
            u = self.parent[u as usize];
        }
    }

    /// Removes the tree arc above `u_out`, reverses the stem from `u_in` up to
    /// `u_out`, and hangs `u_in` below `v_in` by `in_arc`.
    fn rehang(&mut self, in_arc: usize, u_in: u32, v_in: u32, u_out: u32) {
        self.detach(u_out);
        // The stem, from u_in up to u_out, with each node's old tree arc.
        self.stem.clear();
        let mut x = u_in;
        loop {
            self.stem
                .push((x, self.pred[x as usize], self.dir[x as usize]));
            if x == u_out {
                break;
            }
            x = self.parent[x as usize];
        }
        for i in 1..self.stem.len() {
            let child = self.stem[i - 1].0;
            self.detach(child);
        }
        for i in 1..self.stem.len() {
            let (node, _, _) = self.stem[i];
            let (below, below_pred, below_dir) = self.stem[i - 1];
            self.parent[node as usize] = below;
            self.pred[node as usize] = below_pred;
            self.dir[node as usize] = -below_dir;
            self.add_child(below, node);
        }
        let old_pi = self.pi[u_in as usize];
        self.parent[u_in as usize] = v_in;
        self.pred[u_in as usize] = in_arc as u32;
        self.dir[u_in as usize] = if self.source[in_arc] == u_in {
            UP
        } else {
            DOWN
        };
        self.add_child(v_in, u_in);
        let new_pi =
            self.pi[v_in as usize] - i64::from(self.dir[u_in as usize]) * self.cost[in_arc];
        let sigma = new_pi - old_pi;
        // Every node of the moved subtree shifts by sigma; depths are redone.
        self.walk(u_in, |s, v| {
            s.pi[v] += sigma;
            s.depth[v] = s.depth[s.parent[v] as usize] + 1;
        });
    }

    /// Visits `top` and every node below it, parents before children.
    fn walk(&mut self, top: u32, mut visit: impl FnMut(&mut Self, usize)) {
        visit(self, top as usize);
        let mut x = top;
        loop {
            let c = self.first_child[x as usize];
            if c != NONE {
                x = c;
            } else {
                loop {
                    if x == top {
                        return;
                    }
                    let s = self.next_sib[x as usize];
                    if s != NONE {
                        x = s;
                        break;
                    }
                    x = self.parent[x as usize];
                }
            }
            visit(self, x as usize);
        }
    }

    /// Potentials from the tree after costs changed: every tree arc gets
    /// reduced cost zero, the root potential zero.
    fn recompute_potentials(&mut self) {
        let root = self.n;
        self.pi[root] = 0;
        self.depth[root] = 0;
        self.walk(root as u32, |s, v| {
            if v != root {
                let p = s.parent[v] as usize;
                let e = s.pred[v] as usize;
                s.pi[v] = s.pi[p] - i64::from(s.dir[v]) * s.cost[e];
                s.depth[v] = s.depth[p] + 1;
            }
        });
    }

    fn detach(&mut self, x: u32) {
        let p = self.parent[x as usize];
        let (prev, next) = (self.prev_sib[x as usize], self.next_sib[x as usize]);
        if prev != NONE {
            self.next_sib[prev as usize] = next;
        } else {
            self.first_child[p as usize] = next;
        }
        if next != NONE {
            self.prev_sib[next as usize] = prev;
        }
        self.prev_sib[x as usize] = NONE;
        self.next_sib[x as usize] = NONE;
    }

    fn add_child(&mut self, p: u32, x: u32) {
        let f = self.first_child[p as usize];
        self.next_sib[x as usize] = f;
        self.prev_sib[x as usize] = NONE;
        if f != NONE {
            self.prev_sib[f as usize] = x;
        }
        self.first_child[p as usize] = x;
    }
}

#[cfg(test)]
mod tests {
    use super::{Arcs, Simplex};

    /// Total cost of the optimal circulation.
    fn total(s: &Simplex, arcs: &[(usize, usize, i64, i64)]) -> i64 {
        (0..arcs.len()).map(|e| s.flow(e) * arcs[e].3).sum()
    }

    #[test]
    fn small_transport_problem() {
        // s=0, a=1, b=2, t=3; bypass t→s. Two paths: s→a→t cost -5 (cap 1),
        // s→b→t cost -3 (cap 2), but s has only 2 units out.
        let arcs = vec![
            (0, 1, 1, 0),
            (0, 2, 2, 0),
            (1, 3, 5, -5),
            (2, 3, 5, -3),
            (3, 0, 2, 0),
        ];
        let mut s = Simplex::new(4, Arcs::from(&arcs[..]));
        s.optimize();
        assert_eq!(total(&s, &arcs), -8);
        assert_eq!((s.flow(0), s.flow(1)), (1, 1));
        // Warm start after a cost change: path b becomes worthless.
        s.set_cost(3, 1);
        s.optimize();
        let arcs2: Vec<_> = arcs
            .iter()
            .enumerate()
            .map(|(e, &(a, b, c, _))| (a, b, c, s.cost(e)))
            .collect();
        assert_eq!(total(&s, &arcs2), -5);
        assert_eq!(s.flow(1), 0);
    }

    #[test]
    fn flow_is_conserved_and_within_bounds() {
        // A 4×4 assignment with a bypass: conservation at every node.
        let mut arcs = Vec::new();
        for i in 0..4 {
            arcs.push((0, 1 + i, 1, 0));
            arcs.push((5 + i, 9, 1, 0));
            for j in 0..4 {
                arcs.push((1 + i, 5 + j, 1, -(((i * 7 + j * 3) % 5) as i64) - 1));
            }
        }
        arcs.push((9, 0, 4, 0));
        let mut s = Simplex::new(10, Arcs::from(&arcs[..]));
        s.optimize();
        let mut balance = [0i64; 10];
        for (e, &(a, b, c, _)) in arcs.iter().enumerate() {
            assert!(s.flow(e) >= 0 && s.flow(e) <= c);
            balance[a] -= s.flow(e);
            balance[b] += s.flow(e);
        }
        assert_eq!(balance, [0; 10]);
        // Brute force over the 24 permutations (every pair has negative cost,
        // so a full assignment is optimal).
        let mut best = 0;
        let perms = permutations(4);
        for p in perms {
            let c: i64 = (0..4).map(|i| -(((i * 7 + p[i] * 3) % 5) as i64) - 1).sum();
            best = best.min(c);
        }
        assert_eq!(total(&s, &arcs), best);
    }

    #[test]
    fn a_feasible_start_gives_the_same_optimum() {
        let arcs = vec![
            (0, 1, 1, 0),
            (0, 2, 2, 0),
            (1, 3, 5, -5),
            (2, 3, 5, -3),
            (3, 0, 2, 0),
        ];
        // Start with both units of flow through b (not optimal).
        let mut s =
            Simplex::with_flow(4, Arcs::from(&arcs[..]), &[0, 2, 0, 2, 2]).expect("a circulation");
        s.optimize();
        assert_eq!(total(&s, &arcs), -8);
        // Not conserved at node 2, or above a capacity: refused.
        assert!(Simplex::with_flow(4, Arcs::from(&arcs[..]), &[0, 2, 0, 1, 1]).is_err());
        assert!(Simplex::with_flow(4, Arcs::from(&arcs[..]), &[2, 0, 2, 0, 2]).is_err());
    }

    fn permutations(n: usize) -> Vec<Vec<usize>> {
        if n == 0 {
            return vec![Vec::new()];
        }
        let mut out = Vec::new();
        for p in permutations(n - 1) {
            for i in 0..n {
                let mut q = p.clone();
                q.insert(i, n - 1);
                out.push(q);
            }
        }
        out
    }
}
