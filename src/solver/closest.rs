//! Ranked proposals that stay close to the earlier ones.
//!
//! Proposal *k* ≥ 2 is the best plan that differs from proposals 1 … *k*−1
//! (by the home of at least one person; a different worker alone is not a
//! different plan), and among those of that value the one with the least
//! summed distance to them, distance being the number of people whose home
//! differs. A reader then sees "P07 takes U12 instead of U03", not 170
//! changes.
//!
//! When a round has many plans of the optimal value (the usual case on large
//! rounds) the closest of them is one small change away from an earlier
//! proposal: one person moved to a free place, two people swapping homes, or
//! one person in another's place with the same priority. This module looks at
//! every such change of every earlier proposal and takes the best (value
//! first, then summed distance, then the first in person order). Its value
//! cannot beat proposal 1's, and its distance cannot beat a lower bound (see
//! [`lower_bound`]): when it meets both, it is proven to be proposal *k*
//! without any search. Otherwise the caller searches (and may start from it).

use crate::solver::instance::{Instance, Plan, Restrictions};

/// A plan near the earlier proposals.
#[derive(Debug, Clone)]
pub(crate) struct Near {
    /// The plan (workers kept from the proposal it was changed from).
    pub plan: Plan,
    /// Summed distance to the earlier proposals.
    pub distance: usize,
    /// Its value is proposal 1's (no plan can beat it).
    pub at_optimum: bool,
    /// Proven to be the next ranked proposal (value and distance).
    pub proven: bool,
}

/// One change to a plan: the people it touches get these homes and workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    /// `p` moves to free unit `u`.
    Move { p: usize, u: usize },
    /// `p` and `o` exchange homes.
    Swap { p: usize, o: usize },
    /// `q` (not housed) takes `p`'s home and worker; `p` is not housed.
    Replace { p: usize, q: usize },
    /// `p` is not housed.
    Unhouse { p: usize },
}

/// Everything a change is judged by: (value, −distance) and its origin.
#[derive(Debug, Clone, Copy)]
struct Scored {
    from: usize,
    change: Change,
    value: (i64, i64),
    distance: usize,
}

/// Whether `members` may share unit `u` under its separation rules.
fn together(inst: &Instance, u: usize, members: impl Iterator<Item = usize> + Clone) -> bool {
    inst.separations(u).all(|rule| {
        let mut sides = members.clone().map(|p| inst.side_a(p, rule));
        match sides.next() {
            None => true,
            Some(first) => sides.all(|s| s == first),
        }
    })
}

/// The unit-pair score of `p` in `u`, if eligible.
fn pair_score(inst: &Instance, p: usize, u: usize) -> Option<i64> {
    inst.unit_pair(p, u).map(|k| inst.unit_pairs[k].fit)
}

/// The staff-pair score of `p` with class `c`, if `c` may support `p`.
fn staff_score(inst: &Instance, p: usize, c: usize) -> Option<i64> {
    inst.staff_pair(p, c).map(|k| inst.staff_pairs[k].fit)
}

/// A lower bound on the summed distance of any plan outside `earlier`
/// (proposals 1 … k−1) to them: at least one per earlier proposal, and at
/// least the distance between any two of them (triangle inequality).
pub(crate) fn lower_bound(earlier: &[Plan]) -> usize {
    let mut lb = earlier.len();
    for (i, a) in earlier.iter().enumerate() {
        for b in &earlier[i + 1..] {
            lb = lb.max(distance(&a.unit_of, &b.unit_of));
        }
    }
    lb
}

/// People whose home differs between two plans.
pub(crate) fn distance(a: &[Option<usize>], b: &[Option<usize>]) -> usize {
    a.iter().zip(b).filter(|(x, y)| x != y).count()
}

/// The best plan one change away from an earlier proposal that is none of
/// them, and whether it is proven to be proposal `k = earlier.len() + 1`
/// (the earlier ones proven, the first optimal). `None` when no change keeps
/// every rule.
///
/// The proof. No plan beats proposal 1's value, so a neighbour with that
/// value is best on value, and it is the closest when its summed distance
/// `D` meets a lower bound: either [`lower_bound`], or, when every priority
/// is positive, [`two_or_more_bound`] for the plans that change two or more
/// homes of proposal 1. A plan of that value that changes one home
/// of proposal 1 keeps its housed set (housing one more, or one fewer,
/// changes level 1 when every priority is positive), so it is a move to a
/// place free in proposal 1 — every such move is looked at here, so `D` is
/// at most its sum.
///
/// `stop` is asked every 64 people: when it says stop, the best change found
/// so far comes back, not proven.
pub(crate) fn next(
    inst: &Instance,
    restrictions: &Restrictions,
    earlier: &[Plan],
    stop: &dyn Fn() -> bool,
) -> Option<Near> {
    let first = earlier.first()?;
    let mut fixed = vec![false; inst.person_count()];
    for &(p, _) in inst.pins.iter().chain(&restrictions.forced) {
        fixed[p] = true;
    }
    let mut best: Option<Scored> = None;
    let mut stopped = false;
    for (j, x) in earlier.iter().enumerate() {
        let to_others: Vec<usize> = earlier
            .iter()
            .map(|y| distance(&x.unit_of, &y.unit_of))
            .collect();
        let value = (x.priority(inst), x.score(inst));
        let mut consider = |change: Change, gain: (i64, i64)| {
            let Some(distance) = summed_distance(x, change, earlier, &to_others) else {
                return; // one of the earlier proposals
            };
            let scored = Scored {
                from: j,
                change,
                value: (value.0 + gain.0, value.1 + gain.1),
                distance,
            };
            let key = |s: &Scored| (s.value.0, s.value.1, std::cmp::Reverse(s.distance));
            if best.is_none_or(|b| key(&scored) > key(&b)) {
                best = Some(scored);
            }
        };
        if !changes(inst, x, &fixed, stop, &mut consider) {
            stopped = true;
            break;
        }
    }
    let best = best?;
    let optimum = (first.priority(inst), first.score(inst));
    let proven = !stopped
        && best.value == optimum
        && (best.distance == lower_bound(earlier)
            || (inst.priority.iter().all(|&p| p > 0)
                && best.distance <= two_or_more_bound(first, &earlier[1..])));
    Some(Near {
        plan: apply(&earlier[best.from], best.change),
        distance: best.distance,
        at_optimum: best.value == optimum,
        proven,
    })
}

/// The summed distance to `earlier` of `x` with `change` made (`to_others`:
/// `x`'s distance to each), or `None` when that is one of them.
fn summed_distance(
    x: &Plan,
    change: Change,
    earlier: &[Plan],
    to_others: &[usize],
) -> Option<usize> {
    let touched: &[(usize, Option<usize>)] = match change {
        Change::Move { p, u } => &[(p, Some(u))],
        Change::Swap { p, o } => &[(p, x.unit_of[o]), (o, x.unit_of[p])],
        Change::Replace { p, q } => &[(p, None), (q, x.unit_of[p])],
        Change::Unhouse { p } => &[(p, None)],
    };
    let mut total = 0;
    for (y, &d) in earlier.iter().zip(to_others) {
        let mut d = d;
        for &(p, home) in touched {
            d -= usize::from(x.unit_of[p] != y.unit_of[p]);
            d += usize::from(home != y.unit_of[p]);
        }
        if d == 0 {
            return None;
        }
        total += d;
    }
    Some(total)
}

/// Every one-change neighbour of `x` that keeps every rule, with its gain in
/// (level 1, level-2 score), handed to `visit`; `false` when `stop` said stop
/// (asked every 64 people).
fn changes(
    inst: &Instance,
    x: &Plan,
    fixed: &[bool],
    stop: &dyn Fn() -> bool,
    visit: &mut dyn FnMut(Change, (i64, i64)),
) -> bool {
    let n = inst.person_count();
    let mut occupants: Vec<Vec<usize>> = vec![Vec::new(); inst.unit_count()];
    for (p, u) in x.unit_of.iter().enumerate() {
        if let Some(u) = u {
            occupants[*u].push(p);
        }
    }
    // The people not housed (and free to be), by priority.
    let mut waiting: std::collections::BTreeMap<i64, Vec<usize>> = Default::default();
    for r in (0..n).filter(|&r| x.unit_of[r].is_none() && !fixed[r]) {
        waiting.entry(inst.priority[r]).or_default().push(r);
    }
    for p in 0..n {
        if p % 64 == 63 && stop() {
            return false;
        }
        let Some(u) = x.unit_of[p] else { continue };
        if fixed[p] {
            continue;
        }
        let here = pair_score(inst, p, u).unwrap_or(0);
        for q in inst.units_of(p) {
            let v = q.target;
            if v == u {
                continue;
            }
            let places = inst.places(v) as usize;
            if occupants[v].len() < places {
                let members = occupants[v].iter().copied().chain([p]);
                if together(inst, v, members) {
                    visit(Change::Move { p, u: v }, (0, q.fit - here));
                }
            }
            for &o in &occupants[v] {
                if o <= p || fixed[o] {
                    continue;
                }
                let (Some(o_here), Some(o_there)) =
                    (pair_score(inst, o, v), pair_score(inst, o, u))
                else {
                    continue;
                };
                let in_v = occupants[v].iter().copied().filter(|&r| r != o).chain([p]);
                let in_u = occupants[u].iter().copied().filter(|&r| r != p).chain([o]);
                if together(inst, v, in_v) && together(inst, u, in_u) {
                    visit(Change::Swap { p, o }, (0, q.fit + o_there - here - o_here));
                }
            }
        }
        // Someone not housed, of the same priority, in p's home with p's
        // worker.
        let class = x.class_of[p];
        let p_staff = class.and_then(|c| staff_score(inst, p, c)).unwrap_or(0);
        for &r in waiting.get(&inst.priority[p]).into_iter().flatten() {
            let Some(r_here) = pair_score(inst, r, u) else {
                continue;
            };
            let Some(r_staff) = class.and_then(|c| staff_score(inst, r, c)) else {
                continue;
            };
            let members = occupants[u].iter().copied().filter(|&o| o != p).chain([r]);
            if together(inst, u, members) {
                visit(
                    Change::Replace { p, q: r },
                    (0, r_here + r_staff - here - p_staff),
                );
            }
        }
        visit(Change::Unhouse { p }, (-inst.priority[p], -here - p_staff));
    }
    true
}

/// A lower bound on the summed distance to `first` and `later` of any plan
/// that changes two or more homes of proposal 1 (`first`).
///
/// Let proposal `j` change the set `D_j` of proposal 1's homes (`d_j` people)
/// and a plan `x` change the set `M` (`m` people). Then
/// `d(x, x_j) = m + d_j − |M ∩ D_j| − e_j`, where `e_j` counts the people of
/// `M ∩ D_j` to whom `x` gives proposal `j`'s home. Summed over the later
/// proposals, the subtracted terms are at most `Σ_{r ∈ M} (c_r + a_r)`, with
/// `c_r` the number of later proposals that change `r`'s home and `a_r` the
/// most of them that agree on one home for `r`. So with proposal 1's own
/// `m`, the sum is at least `(k−1)·m + Σ d_j − (the m largest c_r + a_r)`,
/// and at least `m + (k − 2)` (each later proposal is at least one away).
/// The bound is the least of these over `m ≥ 2`.
fn two_or_more_bound(first: &Plan, later: &[Plan]) -> usize {
    let k = later.len() + 2;
    let mut changes: std::collections::BTreeMap<usize, Vec<Option<usize>>> = Default::default();
    let mut total = 0usize;
    for x in later {
        for (r, (a, b)) in first.unit_of.iter().zip(&x.unit_of).enumerate() {
            if a != b {
                changes.entry(r).or_default().push(*b);
                total += 1;
            }
        }
    }
    let mut weight: Vec<usize> = changes
        .into_values()
        .map(|mut homes| {
            homes.sort_unstable();
            let c = homes.len();
            let a = homes
                .chunk_by(|x, y| x == y)
                .map(<[Option<usize>]>::len)
                .max()
                .unwrap_or(0);
            c + a
        })
        .collect();
    weight.sort_unstable_by(|a, b| b.cmp(a));
    let n = first.unit_of.len();
    let mut best = usize::MAX;
    let mut top = 0usize;
    for m in 1..=n {
        top += weight.get(m - 1).copied().unwrap_or(0);
        if m < 2 {
            continue;
        }
        let formula = ((k - 1) * m + total).saturating_sub(top);
        best = best.min(formula.max(m + k - 2));
        if m > weight.len() {
            break; // from here on every term only grows
        }
    }
    best
}

/// `x` with `change` made (workers follow their person; a replacement takes
/// the worker of the person replaced).
fn apply(x: &Plan, change: Change) -> Plan {
    let mut plan = x.clone();
    match change {
        Change::Move { p, u } => plan.unit_of[p] = Some(u),
        Change::Swap { p, o } => plan.unit_of.swap(p, o),
        Change::Replace { p, q } => {
            plan.unit_of[q] = plan.unit_of[p].take();
            plan.class_of[q] = plan.class_of[p].take();
        }
        Change::Unhouse { p } => {
            plan.unit_of[p] = None;
            plan.class_of[p] = None;
        }
    }
    plan
}
