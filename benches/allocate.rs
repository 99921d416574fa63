//! Benchmarks of the allocation round on the Ballerup sample: model building
//! and solving measured apart, then the whole round with ranked proposals.

use boligmatch::allocate::{self, Options};
use boligmatch::solver::engine::formulate;
use boligmatch::solver::instance::{Instance, Restrictions};
use boligmatch::{load, RoundPaths};
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::Path;

fn sample() -> boligmatch::round::Round {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data-samples/ballerup-2014");
    let today = chrono::NaiveDate::from_ymd_opt(2014, 11, 3).unwrap_or_default();
    match load(&RoundPaths::in_dir(&dir), today) {
        Ok(l) => l.round,
        Err(e) => panic!("sample must load: {e}"),
    }
}

fn bench(c: &mut Criterion) {
    let round = sample();
    let mut g = c.benchmark_group("ballerup-2014");
    g.bench_function("eligibility", |b| b.iter(|| Instance::new(&round)));
    let inst = Instance::new(&round);
    g.bench_function("model build", |b| {
        b.iter(|| formulate(&inst, &Restrictions::default()).map(|f| f.x.len()))
    });
    g.bench_function("solve (both levels)", |b| {
        b.iter(|| boligmatch::solver::best(&inst, &Restrictions::default(), &Default::default()))
    });
    for k in [1usize, 3, 10] {
        let opts = Options {
            proposals: k,
            ..Options::default()
        };
        g.bench_function(format!("allocate, {k} proposals"), |b| {
            b.iter(|| allocate::run(&round, &opts).map(|o| o.proposals.len()))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
