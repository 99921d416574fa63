//! `boligmatch whatif DIR --scenario a.toml …`: the base and every scenario side
//! by side, solved in parallel.

use super::{print, Format, InputArgs, RunArgs};
use anyhow::{bail, Result};
use boligmatch::allocate::Options;
use boligmatch::report::compare;
use boligmatch::whatif::scenario::{self, Scenario, Sweep};
use std::path::PathBuf;

/// Arguments of `whatif`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
    /// A scenario file (TOML); give as many as you like.
    #[arg(long = "scenario", value_name = "FILE")]
    scenarios: Vec<PathBuf>,
    /// A folder of scenario files (every *.toml but templates.toml).
    #[arg(long = "scenarios", value_name = "FOLDER")]
    folder: Option<PathBuf>,
    /// A sweep: 'add=KIND:FROM..TO' or 'staff=METHOD:GENDER:FROM..TO', the
    /// counts from 0 to 1000; twice for a 2-D grid.
    #[arg(long = "sweep", value_name = "SPEC", value_parser = Sweep::parse)]
    sweeps: Vec<Sweep>,
    #[command(flatten)]
    run: RunArgs,
}

/// The most scenarios one sweep runs (each is a whole round).
const MAX_SWEEP_STEPS: usize = 10_000;

/// Runs `whatif`.
pub fn run(args: &Args) -> Result<()> {
    if args.sweeps.len() > 2 {
        bail!(boligmatch::Error::Refused(
            "--sweep: at most two dimensions".into()
        ));
    }
    let grid: usize = args.sweeps.iter().map(|s| s.steps().len()).product();
    if !args.sweeps.is_empty() && grid > MAX_SWEEP_STEPS {
        bail!(boligmatch::Error::Refused(format!(
            "--sweep: {grid} steps in all; at most {MAX_SWEEP_STEPS} (narrow a range)"
        )));
    }
    let settings = args.run.settings(std::time::Instant::now());
    let (paths, loaded) = args.input.load()?;
    let base = &loaded.round;
    let mut scenarios = vec![Scenario::base()];
    let sweep = !args.sweeps.is_empty();
    if sweep {
        scenarios = scenario::sweep_scenarios(base, &args.sweeps);
    }
    if let Some(dir) = &args.folder {
        scenarios.extend(scenario::load_dir(dir)?);
    }
    let mut problems = Vec::new();
    for f in &args.scenarios {
        match scenario::load(f) {
            Ok(s) => scenarios.push(s),
            Err(boligmatch::Error::Input(p)) => problems.extend(p.0),
            Err(e) => return Err(e.into()),
        }
    }
    if !problems.is_empty() {
        bail!(boligmatch::Error::Input(boligmatch::Problems(problems)));
    }
    let options = Options {
        settings: settings.solver,
        ..Options::default()
    };
    let rows = scenario::run_all(base, &scenarios, &options)?;
    let style = settings.style;
    // Every file the run read: the round's, the scenarios and the people
    // files they add.
    let mut inputs: Vec<&std::path::Path> = paths.all();
    for s in &scenarios {
        let source = std::path::Path::new(&s.source);
        if source.is_file() {
            inputs.push(source);
        }
        inputs.extend(s.add_people.iter().map(PathBuf::as_path));
    }
    let comparison = compare::csv(&rows, style);
    let workbook = settings.workbook("comparison.xlsx", &[("comparison", &comparison)])?;
    settings.commit(
        || {
            let mut out = vec![
                ("comparison.csv".to_string(), comparison.clone()),
                ("comparison.json".to_string(), compare::json(&rows)),
            ];
            out.extend(workbook.clone());
            out
        },
        |report| boligmatch::report::html::whatif(&rows, report.lang, sweep),
        &inputs,
    )?;
    match settings.format {
        Format::Table => print(&compare::table(&rows, sweep)),
        Format::Csv => print(&String::from_utf8_lossy(&compare::csv(&rows, style))),
        Format::Json => print(&String::from_utf8_lossy(&compare::json(&rows))),
    }
}
