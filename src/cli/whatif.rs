//! `boligmatch whatif DIR --scenario a.toml …`: the base and every scenario side
//! by side, solved in parallel.

use super::{print, Format, InputArgs, RunArgs, Settings};
use anyhow::Result;
use boligmatch::allocate::Options;
use boligmatch::report::compare;
use boligmatch::whatif::scenario::{self, Row, Scenario};
use boligmatch::whatif::sweep::{Grid, GridError, Sweep};
use boligmatch::Round;
use std::path::{Path, PathBuf};

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
    #[arg(long = "sweep", value_name = "SPEC", value_parser = parse_sweep)]
    sweeps: Vec<Sweep>,
    #[command(flatten)]
    run: RunArgs,
}

/// `--sweep SPEC`: the library's reason, worded with the flag (`whatif` and
/// `simulate` share it).
pub fn parse_sweep(spec: &str) -> std::result::Result<Sweep, String> {
    Sweep::parse(spec).map_err(|e| format!("--sweep {e}"))
}

/// The `--sweep` flags as one checked grid (empty without them).
fn grid(sweeps: &[Sweep]) -> Result<Grid> {
    Grid::new(sweeps.to_vec()).map_err(|e| {
        boligmatch::Error::Refused(match e {
            GridError::TooManyDimensions { .. } => "--sweep: at most two dimensions".into(),
            GridError::TooManySteps { steps, max } => {
                format!("--sweep: {steps} steps in all; at most {max} (narrow a range)")
            }
        })
        .into()
    })
}

/// The scenarios to compare: the base or the sweep's steps, then the
/// folder's and each `--scenario` file (every problem of every file at once).
fn scenarios(args: &Args, grid: &Grid, base: &Round) -> Result<Vec<Scenario>> {
    let mut out = if grid.is_empty() {
        vec![Scenario::base()]
    } else {
        grid.scenarios(base, "--sweep")
    };
    if let Some(dir) = &args.folder {
        out.extend(scenario::load_dir(dir)?);
    }
    out.extend(scenario::load_all(&args.scenarios)?);
    // The folder's and the files' names together (each list alone is
    // checked as it is read).
    let same = scenario::same_names(&out);
    if !same.is_empty() {
        return Err(boligmatch::Error::Input(boligmatch::error::Problems(same)).into());
    }
    Ok(out)
}

/// Runs `whatif`.
pub fn run(args: &Args) -> Result<()> {
    let grid = grid(&args.sweeps)?;
    let settings = args.run.settings(std::time::Instant::now());
    let (paths, loaded) = args.input.load()?;
    let base = &loaded.round;
    let scenarios = scenarios(args, &grid, base)?;
    let options = Options {
        settings: settings.solver.clone(),
        ..Options::default()
    };
    let rows = scenario::run_all(base, &scenarios, &options)?;
    // Every file the run read: the round's, the scenarios and the people
    // files they add.
    let mut inputs: Vec<&Path> = paths.all();
    inputs.extend(scenarios.iter().flat_map(Scenario::files));
    render(&rows, !grid.is_empty(), &settings, &inputs)
}

/// Writes the comparison's files and prints it.
fn render(rows: &[Row], sweep: bool, settings: &Settings, inputs: &[&Path]) -> Result<()> {
    let style = settings.style;
    let table = compare::comparison(rows);
    let comparison = table.csv(style);
    let workbook = settings.workbook("comparison.xlsx", &[&table])?;
    settings.commit(
        || {
            let mut out = vec![
                ("comparison.csv".to_string(), comparison.clone()),
                ("comparison.json".to_string(), compare::json(rows)),
            ];
            out.extend(workbook.clone());
            out
        },
        |report| boligmatch::report::html::whatif(rows, report.lang, sweep),
        inputs,
    )?;
    match settings.format {
        Format::Table => print(&compare::table(rows, sweep)),
        Format::Csv => print(&String::from_utf8_lossy(&comparison)),
        Format::Json => print(&String::from_utf8_lossy(&compare::json(rows))),
    }
}
