//! Level 1 (total priority housed) of a round two ways, for the comparison in
//! docs/performance.md: boligmatch's flow solver (network simplex and branch
//! and bound on the shared-living rules, fit switched off), and HiGHS on the
//! aggregated MILP of the same round, built directly (no modelling layer):
//!
//! - `y[c,p]` (binary): person `p` lives in unit class `c`
//!   (`boligmatch::solver::unit_classes`: identical units pooled, capacity
//!   their places); `z[p,s]` (binary): `p` is supported by staff class `s`;
//! - each person at most one home, and a worker exactly when housed;
//! - class capacities; pinned people fixed in their unit;
//! - per shared unit and separation rule a side `t` (binary):
//!   `Σ_side A y ≤ places·t`, `Σ_side B y ≤ places·(1 − t)`;
//! - maximise `Σ priority_p · y[c,p]`; MIP gap 0, one thread.
//!
//! ```sh
//! cargo run --release --example aggregated_level1 -- DIR [HIGHS_TIME_LIMIT_SECONDS]
//! ```

use boligmatch::solver::instance::{Instance, Restrictions, Separation};
use boligmatch::solver::{self, Settings};
use boligmatch::{load, RoundPaths};
use highs::{ColProblem, HighsModelStatus, Sense};
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "data-samples/ballerup-2014".into()),
    );
    let limit: f64 = match args.next() {
        Some(s) => s.parse()?,
        None => 600.0,
    };
    if !(1.0..=86_400.0).contains(&limit) {
        return Err("the HiGHS time limit is 1–86,400 seconds".into());
    }
    let round = load(&RoundPaths::in_dir(&dir), chrono::Local::now().date_naive())?.round;
    let t = Instant::now();
    let inst = Instance::new(&round);
    println!(
        "eligibility: {:.2} s, {} people, {} units, {} unit pairs",
        t.elapsed().as_secs_f64(),
        round.people().len(),
        round.units().len(),
        inst.unit_pairs.len()
    );

    // boligmatch, level 1 alone: every fit 0, so the search proves priority.
    let mut level1 = inst.clone();
    level1.unit_pairs.iter_mut().for_each(|q| q.fit = 0);
    level1.staff_pairs.iter_mut().for_each(|q| q.fit = 0);
    let t = Instant::now();
    let ours = solver::best(&level1, &Restrictions::default(), &Settings::default())?;
    let ours_seconds = t.elapsed().as_secs_f64();
    match &ours {
        Some(s) => println!(
            "boligmatch flow, level 1: {} ({}) in {ours_seconds:.2} s (network build included)",
            s.level1.value,
            s.level1.status.describe()
        ),
        None => println!("boligmatch flow: no plan keeps the pinned offers"),
    }

    // HiGHS on the aggregated model.
    let (solved, build, solve) = highs_level1(&inst, limit);
    let status = solved.status();
    println!(
        "HiGHS, level 1: {:.0} ({:?}, gap {:.4} %) in {solve:.2} s",
        solved.objective_value(),
        status,
        solved.mip_gap() * 100.0
    );
    if let (Some(s), HighsModelStatus::Optimal) = (&ours, status) {
        let theirs = solved.objective_value().round() as i64;
        if theirs != s.level1.value {
            return Err(format!("level 1 differs: {} vs HiGHS {theirs}", s.level1.value).into());
        }
        println!(
            "same level 1; boligmatch {:.1}× faster than the HiGHS solve ({:.1}× counting its build)",
            solve / ours_seconds,
            (solve + build) / ours_seconds
        );
    }
    Ok(())
}

/// Builds the aggregated level-1 MILP (see the header), solves it with HiGHS
/// under `limit` seconds and prints its size: the solved model, and the
/// seconds spent building and solving it.
fn highs_level1(inst: &Instance, limit: f64) -> (highs::SolvedModel, f64, f64) {
    let t = Instant::now();
    let (pb, size) = aggregated_model(inst);
    let mut model = pb.optimise(Sense::Maximise);
    model.make_quiet();
    model.set_option("mip_rel_gap", 0.0);
    model.set_option("threads", 1);
    model.set_option("time_limit", limit);
    let build = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let solved = model.solve();
    let solve = t.elapsed().as_secs_f64();
    println!(
        "HiGHS aggregated model: {} unit classes, {} columns, {} side variables; build {build:.2} s",
        size.classes, size.columns, size.sides
    );
    (solved, build, solve)
}

/// How large the aggregated model is.
struct Size {
    classes: usize,
    columns: usize,
    sides: usize,
}

/// The aggregated level-1 MILP of the instance, as columns (see the header).
fn aggregated_model(inst: &Instance) -> (ColProblem, Size) {
    let classes = solver::unit_classes(inst);
    let mut class_of = vec![0usize; inst.unit_count()];
    for (c, units) in classes.iter().enumerate() {
        for &u in units {
            class_of[u] = c;
        }
    }
    let n_people = inst.person_count();
    let mut pb = ColProblem::new();
    let housed: Vec<_> = (0..n_people).map(|_| pb.add_row(..=1.0)).collect();
    let worker: Vec<_> = (0..n_people).map(|_| pb.add_row(0.0..=0.0)).collect();
    let class_cap: Vec<_> = classes
        .iter()
        .map(|units| {
            let places: u32 = units.iter().map(|&u| inst.places(u)).sum();
            pb.add_row(..=f64::from(places))
        })
        .collect();
    let staff_cap: Vec<_> = inst
        .classes
        .iter()
        .map(|c| pb.add_row(..=f64::from(c.capacity)))
        .collect();
    let (sides, n_sides) = separation_rows(inst, &classes, &mut pb);
    let pinned: std::collections::BTreeMap<usize, usize> = inst.pins.iter().copied().collect();
    let mut columns = 0;
    let mut seen = vec![usize::MAX; classes.len()];
    for q in &inst.unit_pairs {
        let c = class_of[q.target];
        if seen[c] == q.person {
            continue;
        }
        seen[c] = q.person;
        let p = q.person;
        let mut rows = vec![(housed[p], 1.0), (worker[p], 1.0), (class_cap[c], 1.0)];
        for &(rule, a, b) in &sides[c] {
            rows.push((if inst.side_a(p, rule) { a } else { b }, 1.0));
        }
        let lower = if pinned.get(&p) == Some(&q.target) {
            1.0
        } else {
            0.0
        };
        pb.add_integer_column(inst.priority[p] as f64, lower..=1.0, rows);
        columns += 1;
    }
    for q in &inst.staff_pairs {
        let rows = [(worker[q.person], -1.0), (staff_cap[q.target], 1.0)];
        pb.add_integer_column(0.0, 0.0..=1.0, rows);
        columns += 1;
    }
    let size = Size {
        classes: classes.len(),
        columns,
        sides: n_sides,
    };
    (pb, size)
}

/// Separation rows of each singleton class: (rule, side A row, side B row),
/// with a side column per rule; and how many sides there are.
type SideRows = Vec<Vec<(Separation, highs::Row, highs::Row)>>;

/// The side rows and columns of every unit class a separation rule applies
/// to (such a class is a single unit).
fn separation_rows(
    inst: &Instance,
    classes: &[Vec<usize>],
    pb: &mut ColProblem,
) -> (SideRows, usize) {
    let mut sides: SideRows = vec![Vec::new(); classes.len()];
    let mut n_sides = 0;
    for (c, units) in classes.iter().enumerate() {
        for rule in inst.separations(units[0]) {
            let places = f64::from(inst.places(units[0]));
            let a = pb.add_row(..=0.0);
            let b = pb.add_row(..=places);
            pb.add_integer_column(0.0, 0.0..=1.0, [(a, -places), (b, places)]);
            sides[c].push((rule, a, b));
            n_sides += 1;
        }
    }
    (sides, n_sides)
}
