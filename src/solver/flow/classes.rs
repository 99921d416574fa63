//! Units pooled into classes ([`UnitClasses`]): identical units share one
//! node of the network, and a solution hands their places out again.

use super::Rules;
use crate::solver::instance::{Instance, UnitPlan};

/// Units pooled into classes: units with the same eligible people at the
/// same fit are interchangeable in the flow (every rule and every fit term
/// shows in the pairs), so they share one node whose capacity is their
/// places, and one arc per person. A unit a separation rule applies to, or
/// one named in a rule about one person (pinned, forced, forbidden), is a
/// class of its own. A solution hands the class's places out again, people
/// in index order to units in index order.
pub(super) struct UnitClasses {
    /// Class of each unit.
    pub(super) of_unit: Vec<u32>,
    /// Units of each class, in index order; classes in order of first unit.
    pub(super) units: Vec<Vec<usize>>,
}

impl UnitClasses {
    pub(super) fn new(inst: &Instance, rules: &Rules, by_unit: &[Vec<u32>]) -> UnitClasses {
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
    pub(super) fn hand_out(
        &self,
        inst: &Instance,
        mut placed: Vec<(u32, usize)>,
        unit_of: &mut UnitPlan,
    ) {
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

/// The unit pairs of each unit (indices into `inst.unit_pairs`).
/// `None` beyond 2³² pairs (the network numbers pairs in 32 bits).
pub(super) fn pairs_by_unit(inst: &Instance) -> Option<Vec<Vec<u32>>> {
    let mut by_unit = vec![Vec::new(); inst.unit_count()];
    for (i, q) in inst.unit_pairs.iter().enumerate() {
        by_unit[q.target].push(u32::try_from(i).ok()?);
    }
    Some(by_unit)
}
