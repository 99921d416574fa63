//! Benchmark of the simulation on the Ballerup sample: the sample's timeline
//! to 2015-12-31 (61 weeks), 200 runs of `optimal` and `priority_list`.
//! The region-size run (tier M, 52 weeks, 10 runs) is too long for repeated
//! samples: `sh benches/simulate_region.sh` measures it once.

use boligmatch::simulate::{self, Setup, Strategy};
use boligmatch::{load, RoundPaths};
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::Path;

fn bench(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data-samples/ballerup-2014");
    let today = chrono::NaiveDate::from_ymd_opt(2014, 11, 3).unwrap_or_default();
    let round = match load(&RoundPaths::in_dir(&dir), today) {
        Ok(l) => l.round,
        Err(e) => panic!("sample must load: {e}"),
    };
    let timeline = match simulate::load_timeline(&dir.join("timeline.toml")) {
        Ok(t) => t,
        Err(e) => panic!("timeline must load: {e}"),
    };
    let setup = match Setup::new(round, timeline, 61, 1) {
        Ok(s) => s,
        Err(e) => panic!("setup: {e}"),
    };
    let mut g = c.benchmark_group("simulate");
    g.sample_size(10);
    g.bench_function("sample to 2015-12-31, 200 runs, 2 strategies", |b| {
        b.iter(|| {
            simulate::simulate(
                &setup,
                &[Strategy::Optimal, Strategy::PriorityList],
                200,
                &Default::default(),
            )
            .map(|r| r.runs.len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
