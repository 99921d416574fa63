//! Property tests: the optimiser against brute force on tiny rounds, and every
//! hard rule in every proposal.

use super::common::*;
use boligmatch::allocate::{self, Options};
use boligmatch::model::*;
use boligmatch::Round;
use proptest::prelude::*;

fn arb_unit(i: usize) -> impl Strategy<Value = Unit> {
    (
        prop::sample::select(
            boligmatch::model::kinds::builtin::ALL
                .map(UnitKind::new)
                .to_vec(),
        ),
        1u32..=3,
        20i64..=50,
        prop::bool::weighted(0.2),
        prop::sample::select(vec![
            UnitGender::Any,
            UnitGender::Any,
            UnitGender::Women,
            UnitGender::Men,
        ]),
        prop::sample::select(vec![16u32, 18, 18]),
        prop::sample::select(vec![None, None, Some(24u32), Some(29)]),
        prop::bool::weighted(0.1),
        prop::sample::select(vec!["A", "B"]),
    )
        .prop_map(
            move |(kind, places, rent, drug_free, gender, min_age, max_age, late, area)| {
                let mut u = unit(
                    &format!("U{i}"),
                    kind.clone(),
                    if kind == UnitKind::new("shared_living") {
                        places
                    } else {
                        1
                    },
                    rent * 100,
                );
                u.drug_free = drug_free;
                u.gender = gender;
                u.min_age = min_age;
                u.max_age = max_age;
                u.area = Some(area.into());
                if late {
                    u.available_from = Some(date(2015, 6, 1));
                }
                u
            },
        )
}

fn arb_person(i: usize, n_units: usize) -> impl Strategy<Value = Person> {
    (
        prop::sample::select(vec![Gender::F, Gender::M]),
        16u32..=31,
        prop::sample::select(SubstanceUse::ALL.to_vec()),
        any::<bool>(),
        any::<bool>(),
        40i64..=120,
        prop::sample::select(Stay::ALL.to_vec()),
        prop::option::of(0i64..400),
        prop::sample::select(FemaleStaff::ALL.to_vec()),
        prop::sample::select(vec![vec![], vec!["A".to_string()], vec!["B".to_string()]]),
        prop::option::weighted(0.15, 0..n_units.max(1)),
        prop::option::weighted(0.06, 0..n_units.max(1)),
    )
        .prop_map(
            move |(g, age, sub, psych, rec, income, stay, reg, fs, areas, declined, pinned)| {
                let mut p = person(&format!("P{i}"), g, age, income * 100);
                p.substance_use = sub;
                p.psychiatric = psych;
                p.in_recovery = rec;
                p.stay = stay;
                p.registered = reg.map(|d| date(2014, 11, 3) - chrono::Duration::days(d));
                p.female_staff = fs;
                p.preferred_areas = areas;
                p.declined_units = declined.map(|d| vec![format!("U{d}")]).unwrap_or_default();
                p.pinned_unit = pinned.map(|d| format!("U{d}"));
                p
            },
        )
}

fn arb_staff(i: usize) -> impl Strategy<Value = Staff> {
    (
        prop::sample::select(vec![Gender::F, Gender::M]),
        prop::sample::select(Method::ALL.to_vec()),
        0u32..=3,
    )
        .prop_map(move |(g, m, c)| staff(&format!("S{i}"), g, m, c))
}

/// A tiny round. Some units are twins of the one before (every attribute
/// but the id), so the flow pools them into one class (aggregation).
pub fn arb_round() -> impl Strategy<Value = Round> {
    (1usize..=5, 1usize..=7, 1usize..=3)
        .prop_flat_map(|(nu, np, ns)| {
            (
                (0..nu).map(arb_unit).collect::<Vec<_>>(),
                (0..np).map(move |i| arb_person(i, nu)).collect::<Vec<_>>(),
                (0..ns).map(arb_staff).collect::<Vec<_>>(),
                any::<bool>(),
                any::<bool>(),
                prop::collection::vec(prop::bool::weighted(0.3), nu),
            )
        })
        .prop_map(|(mut units, people, staff, sep_g, sep_m, twins)| {
            for i in 1..units.len() {
                if twins[i] {
                    units[i] = Unit {
                        id: units[i].id.clone(),
                        ..units[i - 1].clone()
                    };
                }
            }
            edit(&round(units, people, staff), |r| {
                r.policy.shared_living_gender_separated = sep_g;
                r.policy.shared_living_minors_separated = sep_m;
            })
        })
}

/// A round with areas A–E (some units and people without one), a random
/// neighbour graph and `max_area_distance` 0–2 or off.
fn arb_area_round() -> impl Strategy<Value = Round> {
    let area = prop::option::weighted(0.85, prop::sample::select(vec!["A", "B", "C", "D", "E"]));
    (
        arb_round(),
        prop::collection::vec(area.clone(), 5),
        prop::collection::vec(area, 7),
        prop::collection::vec((0usize..5, 0usize..5), 0..6),
        prop::option::of(0u32..=2),
    )
        .prop_map(|(r, unit_areas, home_areas, edges, distance)| {
            edit(&r, |r| {
                let names = ["A", "B", "C", "D", "E"];
                for (u, a) in r.units.iter_mut().zip(unit_areas) {
                    u.area = a.map(String::from);
                }
                for (p, a) in r.people.iter_mut().zip(home_areas) {
                    p.home_area = a.map(String::from);
                }
                for (a, b) in edges {
                    r.policy
                        .area_neighbours
                        .entry(names[a].to_string())
                        .or_default()
                        .push(names[b].to_string());
                }
                r.policy.max_area_distance = distance;
            })
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// The eligible pairs (found through the area index) are exactly the
    /// pairs the independent rule check allows, for everyone with a worker.
    #[test]
    fn eligible_pairs_match_the_rules_with_areas(r in arb_area_round()) {
        let inst = boligmatch::solver::instance::Instance::new(&r);
        for (pi, p) in r.people().iter().enumerate() {
            let supported = r.staff().iter().any(|s| s.capacity > 0 && may_support(&r, p, s));
            let expected: Vec<usize> = if supported {
                (0..r.units().len()).filter(|&u| may_live(&r, p, &r.units()[u])).collect()
            } else {
                Vec::new()
            };
            let got: Vec<usize> = inst.units_of(pi).iter().map(|q| q.target).collect();
            prop_assert_eq!(got, expected, "person {}", p.id);
        }
    }

    /// Level 1 and level 2 equal brute force; every hard rule holds.
    #[test]
    fn optimum_equals_brute_force(r in arb_round()) {
        let expected = brute_force(&r);
        let got = allocate::run(&r, &Options::default());
        match (expected, got) {
            (None, Err(boligmatch::Error::Infeasible(_))) => {}
            (Some((l1, l2)), Ok(out)) => {
                let p = &out.proposals[0];
                prop_assert_eq!(p.level1.value, l1);
                prop_assert_eq!(p.level2.value, l2);
                prop_assert!(p.level1.status.is_optimal());
                prop_assert_eq!(violations(&r, p), Vec::<String>::new());
                prop_assert!(out.baseline.priority_score <= l1);
            }
            (e, g) => prop_assert!(false, "brute force {:?} vs engine {:?}", e, g.map(|o| o.proposals[0].level1.value)),
        }
    }

    /// Proposals are distinct by at least D placements, ordered, and all valid.
    #[test]
    fn proposals_are_ranked_distinct_and_valid(r in arb_round(), d in 1usize..=2) {
        let opts = Options { proposals: 4, min_diff: d, ..Options::default() };
        let result = allocate::run(&r, &opts);
        // The run may fail only when no plan keeps every rule (pinned offers
        // that cannot all hold), and then brute force finds none either.
        if brute_force(&r).is_none() {
            prop_assert!(
                matches!(result, Err(boligmatch::Error::Infeasible(_))),
                "no plan exists, yet run gave {:?}", result.map(|o| o.proposals.len())
            );
        } else {
            let out = result.map_err(|e| TestCaseError::fail(format!("run failed: {e}")))?;
            let ps = &out.proposals;
            for w in ps.windows(2) {
                prop_assert!((w[0].level1.value, w[0].level2.value) >= (w[1].level1.value, w[1].level2.value));
            }
            for (i, a) in ps.iter().enumerate() {
                prop_assert_eq!(violations(&r, a), Vec::<String>::new());
                for b in &ps[..i] {
                    let differ = r.people().iter().filter(|p| unit_of(a, &p.id) != unit_of(b, &p.id)).count();
                    prop_assert!(differ >= d, "proposal {} differs from {} in {} < {}", a.rank, b.rank, differ, d);
                }
            }
            if ps.len() < 4 {
                prop_assert!(out.note.is_some());
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// The network-flow solver and the MILP agree on both levels, also with a
    /// forced placement (as alternatives use).
    #[test]
    fn flow_and_milp_agree(r in arb_round(), pick in any::<prop::sample::Index>()) {
        use boligmatch::solver::instance::{Instance, Restrictions};
        use boligmatch::solver::{best as solve, Settings};
        let inst = Instance::new(&r);
        let milp = Settings { use_flow: false, ..Settings::default() };
        let flow = Settings::default();
        let mut cases = vec![Restrictions::default()];
        if !inst.unit_pairs.is_empty() {
            let q = inst.unit_pairs[pick.index(inst.unit_pairs.len())];
            cases.push(Restrictions { forced: vec![(q.person, q.target)], ..Restrictions::default() });
        }
        for restr in cases {
            let a = solve(&inst, &restr, &flow).unwrap();
            let b = solve(&inst, &restr, &milp).unwrap();
            prop_assert_eq!(
                a.as_ref().map(|s| (s.level1.value, s.level2.value)),
                b.as_ref().map(|s| (s.level1.value, s.level2.value))
            );
        }
    }

    /// Ranked proposals (D = 1) are the best plans by brute force, rank by
    /// rank, each proven and valid, by flow partitioning and by the MILP;
    /// fewer (with a note) exactly when fewer plans exist.
    #[test]
    fn ranked_proposals_equal_brute_force(r in arb_round(), use_flow in any::<bool>()) {
        let all = brute_force_all(&r);
        let (values, plans) = brute_force_plans(&r);
        let settings = boligmatch::solver::Settings { use_flow, ..Default::default() };
        let opts = Options { proposals: 6, settings, ..Options::default() };
        match allocate::run(&r, &opts) {
            Ok(out) => {
                let got: Vec<(i64, i64)> =
                    out.proposals.iter().map(|p| (p.level1.value, p.level2.value)).collect();
                let want: Vec<(i64, i64)> = all.iter().copied().take(6).collect();
                prop_assert_eq!(got, want);
                prop_assert_eq!(out.note.is_some(), all.len() < 6);
                for p in &out.proposals {
                    prop_assert!(p.level1.status.is_optimal() && p.level2.status.is_optimal());
                    prop_assert_eq!(violations(&r, p), Vec::<String>::new());
                }
                // Closest among equal values: proposal k's summed distance to
                // proposals 1..k-1 is the least of every plan of its value
                // that is none of them.
                let homes: Vec<Vec<Option<usize>>> =
                    out.proposals.iter().map(|p| homes_of(&r, p)).collect();
                let dist = |a: &[Option<usize>], b: &[Option<usize>]| {
                    a.iter().zip(b).filter(|(x, y)| x != y).count()
                };
                for k in 1..homes.len() {
                    let sum = |x: &[Option<usize>]| -> usize {
                        homes[..k].iter().map(|e| dist(x, e)).sum()
                    };
                    let value = (out.proposals[k].level1.value, out.proposals[k].level2.value);
                    let least = values
                        .iter()
                        .zip(&plans)
                        .filter(|(v, x)| **v == value && homes[..k].iter().all(|e| e != *x))
                        .map(|(_, x)| sum(x))
                        .min();
                    prop_assert_eq!(Some(sum(&homes[k])), least, "proposal {}", k + 1);
                }
            }
            Err(_) => prop_assert!(all.is_empty()),
        }
    }
}
