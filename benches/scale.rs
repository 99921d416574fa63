//! Scale benchmarks on generated rounds (fixed seeds): tier S end to end with
//! 10 ranked proposals, each stage apart; tier M (a region) per stage and
//! proposal 1 proven optimal; 1,000 what-if scenarios. Tier L takes about
//! 27 s per solve; it is measured with the commands in docs/performance.md.

use boligmatch::allocate::{self, Options};
use boligmatch::generate::{generate_shaped, Reach, Tier};
use boligmatch::input::spec::{StaffSpec, UnitSpec};
use boligmatch::solver::engine::formulate;
use boligmatch::solver::instance::{Instance, Restrictions};
use boligmatch::solver::{best as solve, Settings};
use boligmatch::whatif::scenario::{self, AddStaff, AddUnits, Scenario};
use boligmatch::{load, RoundPaths};
use criterion::{criterion_group, criterion_main, Criterion};

fn round_dir(tier: Tier, seed: u64) -> tempfile::TempDir {
    shaped_dir(tier, seed, Reach::Regional)
}

fn shaped_dir(tier: Tier, seed: u64, reach: Reach) -> tempfile::TempDir {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("temp dir: {e}"),
    };
    let files = generate_shaped(tier, seed, false, None, reach);
    if let Err(e) = boligmatch::generate::write(dir.path(), &files) {
        panic!("write: {e}");
    }
    dir
}

fn read(dir: &std::path::Path) -> boligmatch::round::Round {
    let today = chrono::NaiveDate::from_ymd_opt(2014, 11, 3).unwrap_or_default();
    match load(&RoundPaths::in_dir(dir), today) {
        Ok(l) => l.round,
        Err(e) => panic!("generated round must load: {e}"),
    }
}

fn tier_s(c: &mut Criterion) {
    let dir = round_dir(Tier::S, 1);
    let round = read(dir.path());
    let mut g = c.benchmark_group("tier S");
    g.bench_function("read + validate", |b| b.iter(|| read(dir.path())));
    g.bench_function("eligibility", |b| {
        b.iter(|| Instance::new(&round).unit_pair_count())
    });
    let inst = Instance::new(&round);
    g.bench_function("model build (MILP)", |b| {
        b.iter(|| formulate(&inst, &Restrictions::default()).map(|f| f.x.len()))
    });
    g.bench_function("solve both levels (flow)", |b| {
        b.iter(|| solve(&inst, &Restrictions::default(), &Settings::default()))
    });
    let milp = Settings {
        use_flow: false,
        ..Settings::default()
    };
    g.bench_function("solve both levels (MILP)", |b| {
        b.iter(|| solve(&inst, &Restrictions::default(), &milp))
    });
    let ten = Options {
        proposals: 10,
        ..Options::default()
    };
    g.bench_function("allocate, 10 ranked proposals", |b| {
        b.iter(|| allocate::run(&round, &ten).map(|o| o.proposals.len()))
    });
    g.finish();
}

/// 1,000 Ballerup-size scenarios: 0–9 extra units of each kind × 0–3 extra
/// workers of each method, in a fixed pattern.
fn thousand_scenarios(base: &boligmatch::round::Round) -> Vec<Scenario> {
    let kinds = boligmatch::model::kinds::builtin::ALL;
    let methods = boligmatch::model::Method::ALL;
    (0..1000)
        .map(|i| Scenario {
            name: format!("s{i}"),
            add_units: vec![AddUnits {
                unit: UnitSpec {
                    kind: boligmatch::model::UnitKind::new(kinds[i % kinds.len()]),
                    places: 1,
                    rent_dkk: 2500.0 + (i % 7) as f64 * 150.0,
                    drug_free: false,
                    gender: boligmatch::model::UnitGender::Any,
                    min_age: 16,
                    max_age: None,
                    area: base.units().first().and_then(|u| u.area.clone()),
                    available_from: None,
                },
                count: (i / 5 % 10) as u32,
                id_prefix: None,
            }],
            add_staff: vec![AddStaff {
                staff: StaffSpec {
                    method: methods[i % methods.len()],
                    gender: if i % 2 == 0 {
                        boligmatch::model::Gender::F
                    } else {
                        boligmatch::model::Gender::M
                    },
                    capacity: 5,
                },
                count: (i / 50 % 4) as u32,
                id_prefix: None,
            }],
            ..Scenario::default()
        })
        .collect()
}

fn whatif(c: &mut Criterion) {
    let dir = round_dir(Tier::S, 1);
    let base = read(dir.path());
    let scenarios = thousand_scenarios(&base);
    let mut g = c.benchmark_group("what-if");
    g.sample_size(10);
    g.bench_function("1000 tier-S scenarios", |b| {
        b.iter(|| scenario::run_all(&base, &scenarios, &Options::default()).map(|r| r.len()))
    });
    g.finish();
}

fn tier_m(c: &mut Criterion) {
    let dir = round_dir(Tier::M, 1);
    let round = read(dir.path());
    let mut g = c.benchmark_group("tier M");
    g.sample_size(10);
    g.bench_function("read + validate", |b| b.iter(|| read(dir.path())));
    g.bench_function("eligibility", |b| {
        b.iter(|| Instance::new(&round).unit_pair_count())
    });
    let inst = Instance::new(&round);
    g.bench_function("solve both levels (flow + branch and bound), proven", |b| {
        b.iter(
            || match solve(&inst, &Restrictions::default(), &Settings::default()) {
                Ok(Some(s)) if s.level1.status.is_optimal() && s.level2.status.is_optimal() => {
                    s.level2.value
                }
                other => panic!("tier M must be solved to proven optimality: {other:?}"),
            },
        )
    });
    let one = Options::default();
    g.bench_function("allocate, proposal 1", |b| {
        b.iter(|| allocate::run(&round, &one).map(|o| o.proposals.len()))
    });
    g.finish();
}

/// Proposals 2 and 3 after a proven proposal 1 (the closest plans of equal
/// value), on both shapes of tier M: every person near their home area, and
/// every person eligible for most units (`generate --reach all`; proposal 1
/// takes about 20 s there and is solved once, outside the measurement).
fn ranked(c: &mut Criterion) {
    let mut g = c.benchmark_group("ranked proposals 2-3, tier M");
    g.sample_size(10);
    for (name, reach) in [("regional", Reach::Regional), ("all", Reach::All)] {
        let dir = shaped_dir(Tier::M, 1, reach);
        let round = read(dir.path());
        let inst = Instance::new(&round);
        let settings = Settings::default();
        let first = match solve(&inst, &Restrictions::default(), &settings) {
            Ok(Some(s)) => s,
            other => panic!("tier M must solve: {other:?}"),
        };
        g.bench_function(name, |b| {
            b.iter(|| {
                match boligmatch::solver::ranked(
                    &inst,
                    &Restrictions::default(),
                    &first,
                    3,
                    1,
                    &settings,
                ) {
                    Ok(rest) if rest.len() == 2 => rest[1].level2.value,
                    other => panic!("two more proposals: {other:?}"),
                }
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = tier_s, tier_m, whatif, ranked
}
criterion_main!(benches);
