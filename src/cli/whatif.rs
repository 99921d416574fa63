//! `boligmatch whatif DIR --scenario a.toml …`: the base and every scenario side
//! by side, solved in parallel.

use super::{print, InputArgs, ReportArgs};
use anyhow::{bail, Result};
use boligmatch::allocation::Options;
use boligmatch::report::{compare, CsvStyle};
use boligmatch::scenario::{self, Scenario, Sweep};
use boligmatch::solve::Settings;
use std::path::PathBuf;

/// What goes to stdout.
#[derive(Debug, Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// A readable table.
    Table,
    /// comparison.csv.
    Csv,
    /// comparison.json.
    Json,
}

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
    /// A sweep: 'add=KIND:FROM..TO' or 'staff=METHOD:GENDER:FROM..TO'; twice for a 2-D grid.
    #[arg(long = "sweep", value_name = "SPEC", value_parser = Sweep::parse)]
    sweeps: Vec<Sweep>,
    /// Write comparison.csv and comparison.json here.
    #[arg(long, value_name = "OUTDIR")]
    out: Option<PathBuf>,
    /// Seconds per solver level.
    #[arg(long, value_name = "SECONDS")]
    time_limit: Option<f64>,
    /// Write CSV for Danish Excel: `;`-separated UTF-8 with BOM.
    #[arg(long)]
    excel: bool,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    #[command(flatten)]
    report: ReportArgs,
}

/// Runs `whatif`.
pub fn run(args: &Args) -> Result<()> {
    if args.sweeps.len() > 2 {
        bail!(boligmatch::Error::Refused(
            "--sweep: at most two dimensions".into()
        ));
    }
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
        settings: Settings {
            time_limit: args.time_limit,
            ..Settings::default()
        },
        ..Options::default()
    };
    let rows = scenario::run_all(base, &scenarios, &options)?;
    let style = if args.excel {
        CsvStyle::EXCEL
    } else {
        CsvStyle::PLAIN
    };
    if let Some(dir) = &args.out {
        let files = vec![
            ("comparison.csv".to_string(), compare::csv(&rows, style)),
            ("comparison.json".to_string(), compare::json(&rows)),
        ];
        boligmatch::output::write_all(dir, &files, &paths.all())?;
    }
    args.report.write(
        || boligmatch::report::html::whatif(&rows, args.report.lang(), sweep),
        &paths.all(),
    )?;
    match args.format {
        Format::Table => print(&compare::table(&rows, sweep)),
        Format::Csv => print(&String::from_utf8_lossy(&compare::csv(&rows, style))),
        Format::Json => print(&String::from_utf8_lossy(&compare::json(&rows))),
    }
}
