//! The generator: deterministic, valid, in both dialects, at the tier sizes.

use boligmatch::generate::{generate, write, Tier};
use boligmatch::model::{AgeBand, Gender};
use boligmatch::round::Round;
use boligmatch::{load, RoundPaths};

fn load_files(tier: Tier, seed: u64, excel: bool) -> Round {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &generate(tier, seed, excel)).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    load(&RoundPaths::in_dir(dir.path()), today).unwrap().round
}

#[test]
fn same_seed_same_bytes_other_seed_other_round() {
    assert_eq!(generate(Tier::S, 7, false), generate(Tier::S, 7, false));
    assert_ne!(generate(Tier::S, 7, false), generate(Tier::S, 8, false));
}

#[test]
fn excel_dialect_loads_to_the_same_round() {
    for tier in [Tier::S, Tier::M] {
        let a = load_files(tier, 3, false);
        let b = load_files(tier, 3, true);
        assert_eq!(a, b);
    }
    let files = generate(Tier::S, 3, true);
    let units = &files.files[0].1;
    assert!(
        std::str::from_utf8(units).is_err(),
        "Windows-1252, not UTF-8"
    );
    assert!(units.windows(2).any(|w| w == b"\r\n"));
}

#[test]
fn tiers_have_their_sizes_and_realistic_marginals() {
    for tier in [Tier::S, Tier::M] {
        let r = load_files(tier, 1, false);
        let (p, u, s, a) = tier.size();
        assert_eq!(
            (r.people().len(), r.units().len(), r.staff().len()),
            (p, u, s)
        );
        let areas: std::collections::BTreeSet<_> =
            r.units().iter().filter_map(|u| u.area.clone()).collect();
        assert!(areas.len() <= a && areas.len() >= a.min(4) - 1);
        if tier == Tier::M {
            let n = r.people().len() as f64;
            let share = |f: &dyn Fn(&boligmatch::model::Person) -> bool| {
                r.people().iter().filter(|p| f(p)).count() as f64 / n
            };
            assert!((0.12..0.22).contains(&share(&|p| p.age_band() == AgeBand::Under18)));
            assert!((0.28..0.39).contains(&share(&|p| p.gender == Gender::F)));
            assert!((0.45..0.55).contains(&share(&|p| p.psychiatric)));
            assert!(r.policy().max_area_distance == Some(1));
            assert!(r.people().iter().all(|p| p.home_area.is_some()));
        }
    }
}

#[test]
fn a_generated_round_allocates_and_keeps_every_rule() {
    let r = load_files(Tier::S, 2, false);
    let out = boligmatch::allocate::run(&r, &Default::default()).unwrap();
    assert!(!out.proposals[0].placements.is_empty());
    assert_eq!(
        super::common::violations(&r, &out.proposals[0]),
        Vec::<String>::new()
    );
}

/// A limit that ends inside the solve of an alternative (each solve gets 1 ns,
/// so every forced solve stops while its network is built) skips that
/// alternative, counted, instead of failing the round.
#[test]
fn alternatives_cut_short_inside_their_solve_are_skipped_not_fatal() {
    use boligmatch::allocate::{self, Options};
    use boligmatch::solver::Settings;
    let r = load_files(Tier::S, 1, false);
    let opts = Options {
        alternatives: 2,
        settings: Settings {
            time_limit: Some(std::time::Duration::from_nanos(1)),
            ..Settings::default()
        },
        ..Options::default()
    };
    let out = allocate::run(&r, &opts).expect("plans, not an error");
    assert!(!out.proposals.is_empty());
    assert!(
        out.alternatives_skipped > 0,
        "{} alternatives, none skipped",
        out.alternatives.len()
    );
}

#[test]
fn a_time_limited_flow_never_claims_a_false_optimum() {
    use boligmatch::solver::instance::{Instance, Restrictions};
    use boligmatch::solver::{best as solve, Settings, Status};
    for seed in 1..=4 {
        let r = load_files(Tier::S, seed, false);
        let inst = Instance::new(&r);
        let exact = solve(
            &inst,
            &Restrictions::default(),
            &Settings {
                use_flow: false,
                ..Settings::default()
            },
        )
        .unwrap()
        .unwrap();
        let quick = solve(
            &inst,
            &Restrictions::default(),
            &Settings {
                time_limit: Some(std::time::Duration::from_nanos(1)),
                ..Settings::default()
            },
        )
        .unwrap()
        .unwrap();
        let got = (quick.level1.value, quick.level2.value);
        let best = (exact.level1.value, exact.level2.value);
        assert!(
            got <= best,
            "seed {seed}: {got:?} beats the optimum {best:?}"
        );
        match (quick.level1.status, quick.level2.status) {
            (Status::Optimal, Status::Optimal) => assert_eq!(got, best, "seed {seed}"),
            (Status::Optimal, Status::BestFound { gap }) => {
                assert_eq!(got.0, best.0, "seed {seed}");
                assert!(gap >= 0.0);
            }
            (Status::BestFound { gap }, _) => assert!(
                gap > 0.0 && got.0 < best.0 || got.0 == best.0,
                "seed {seed}"
            ),
        }
        assert_eq!(
            super::common::violations(
                &r,
                &boligmatch::allocate::run(&r, &Default::default())
                    .unwrap()
                    .proposals[0]
            ),
            Vec::<String>::new()
        );
    }
}

/// `--reach all`: the same rows as the regional shape, a policy without the
/// area rule, and every person eligible for far more units (tier M: about a
/// hundred per person regionally, several hundred with every area).
#[test]
fn reach_all_keeps_the_rows_and_opens_every_area() {
    use boligmatch::generate::{generate_shaped, Reach};
    let regional = generate_shaped(Tier::M, 4, false, Some(300), Reach::Regional);
    let all = generate_shaped(Tier::M, 4, false, Some(300), Reach::All);
    for (a, b) in regional.files.iter().zip(&all.files) {
        assert_eq!(a.0, b.0);
        if a.0 != "policy.toml" {
            assert_eq!(a.1, b.1, "{}: same rows", a.0);
        }
    }
    let policy = |f: &boligmatch::generate::Files| String::from_utf8(f.files[3].1.clone()).unwrap();
    assert!(policy(&regional).contains("max_area_distance = 1"));
    assert!(!policy(&all).contains("max_area_distance"));
    assert_eq!(
        generate_shaped(Tier::M, 4, false, None, Reach::Regional),
        generate(Tier::M, 4, false)
    );
    let pairs = |f: &boligmatch::generate::Files| {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), f).unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2014, 11, 3).unwrap();
        let round = load(&RoundPaths::in_dir(dir.path()), today).unwrap().round;
        boligmatch::solver::instance::Instance::new(&round).unit_pair_count() as f64 / 300.0
    };
    let (near, every) = (pairs(&regional), pairs(&all));
    assert!(near < 150.0, "regional: {near} eligible homes per person");
    assert!(every > 3.0 * near, "all: {every} against {near}");
}
