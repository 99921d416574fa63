//! The shared-living separation rules in a flow: the shared units whose
//! occupants break a rule, and the side each shared unit presumably serves.

use super::Branch;
use crate::solver::instance::{Instance, Separation, UnitPlan};

/// A shared unit whose occupants break a separation rule in `sol`, if any.
pub(super) fn violation(
    inst: &Instance,
    unit_of: &UnitPlan,
    branches: &[Branch],
) -> Option<(usize, Separation)> {
    violations(inst, unit_of, branches).into_iter().next()
}

/// Every shared unit whose occupants break a separation rule, with the side
/// whose occupants have the larger total priority (ties: side A).
pub(super) fn violations(
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
pub(super) fn presumed_sides(inst: &Instance, forced: &[(usize, usize)]) -> Vec<Branch> {
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
