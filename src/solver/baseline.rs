//! The plain priority list a committee would otherwise use: highest priority
//! first, each takes the first eligible unit and worker still free. It keeps
//! every hard rule, so it is also a valid starting point for the optimiser.

use crate::solver::instance::{Instance, Plan};

/// Allocates by priority list. Pinned people go first and keep their units.
/// Returns (unit, staff class) per person.
pub fn priority_list(inst: &Instance) -> Plan {
    let n = inst.person_count();
    let mut order: Vec<usize> = (0..n).collect();
    let pinned: Vec<Option<usize>> = {
        let mut v = vec![None; n];
        for &(p, u) in &inst.pins {
            v[p] = Some(u);
        }
        v
    };
    order.sort_by(|&a, &b| {
        pinned[b]
            .is_some()
            .cmp(&pinned[a].is_some())
            .then(inst.priority[b].cmp(&inst.priority[a]))
            .then(a.cmp(&b))
    });
    let mut occupants: Vec<Vec<usize>> = vec![Vec::new(); inst.unit_count()];
    let mut class_left: Vec<u32> = inst.classes.iter().map(|c| c.capacity).collect();
    let mut unit_of = vec![None; n];
    let mut class_of = vec![None; n];
    for p in order {
        let Some(c) = inst
            .staff_pairs
            .iter()
            .filter(|q| q.person == p && class_left[q.target] > 0)
            .map(|q| q.target)
            .min_by_key(|&c| first_member(inst, c))
        else {
            continue;
        };
        let fits = |u: usize| -> bool {
            if occupants[u].len() >= inst.places(u) as usize {
                return false;
            }
            // Shared living: on the same side of each rule as every occupant.
            inst.separations(u).all(|rule| {
                let mine = inst.side_a(p, rule);
                occupants[u].iter().all(|&o| inst.side_a(o, rule) == mine)
            })
        };
        let unit = match pinned[p] {
            Some(u) => Some(u),
            None => inst.units_of(p).iter().map(|q| q.target).find(|&u| fits(u)),
        };
        if let Some(u) = unit {
            occupants[u].push(p);
            class_left[c] -= 1;
            unit_of[p] = Some(u);
            class_of[p] = Some(c);
        }
    }
    Plan { unit_of, class_of }
}

/// Lowest staff index in a class: "the first worker still free" by id.
fn first_member(inst: &Instance, class: usize) -> usize {
    inst.classes[class]
        .members
        .first()
        .copied()
        .unwrap_or(usize::MAX)
}
