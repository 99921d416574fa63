//! `boligmatch simulate DIR --timeline FILE --weeks N --runs R`: will the
//! programme reach its goals, week by week, under each strategy.

use super::{print, Format, InputArgs, RunArgs, Settings};
use anyhow::{bail, Result};
use boligmatch::error::Error;
use boligmatch::report::{simulation as tables, CsvStyle, Table};
use boligmatch::simulate::{
    self, Horizon, Outcome, SimulationError, Strategy, Study, Variants, MAX_RUNS, MAX_SCENARIOS,
    MAX_SWEEP_STEPS, MAX_WEEKS,
};
use boligmatch::Source;
use std::path::{Path, PathBuf};

/// Strategy names on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum StrategyArg {
    /// The weekly round as `allocate` solves it.
    Optimal,
    /// The plain priority list.
    #[value(name = "priority_list")]
    PriorityList,
    /// The weekly round, keeping back places that suit under-18s for those expected soon.
    Lookahead,
}

/// Arguments of `simulate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
    /// timeline.toml: arrivals, vacancies, hires, declines, tenancies that
    /// end; without it nothing happens but the weekly rounds.
    #[arg(long, value_name = "FILE")]
    timeline: Option<PathBuf>,
    /// Weeks to simulate, from 1 to 520.
    #[arg(long, value_name = "N", conflicts_with = "until",
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_WEEKS)))]
    weeks: Option<u32>,
    /// Simulate until this day (dd-mm-yyyy or yyyy-mm-dd), at most 520 weeks on.
    #[arg(long, value_name = "DATE", value_parser = super::offer::parse_date)]
    until: Option<chrono::NaiveDate>,
    /// Runs per strategy, from 1 to 10000.
    #[arg(long, default_value_t = 100, value_name = "R",
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_RUNS)))]
    runs: u32,
    /// Random seed, from 0 to 18446744073709551615; the same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The strategies to compare.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [StrategyArg::Optimal, StrategyArg::PriorityList])]
    strategy: Vec<StrategyArg>,
    /// A what-if scenario to simulate beside the base (repeatable, at most 20).
    #[arg(long = "scenario", value_name = "FILE")]
    scenarios: Vec<PathBuf>,
    /// A sweep in the whatif syntax ('add=KIND:FROM..TO' or
    /// 'staff=METHOD:GENDER:FROM..TO', the counts from 0 to 1000, at most 100
    /// steps): the simulation at every step, on the same random numbers.
    #[arg(long, value_name = "SPEC", value_parser = super::whatif::parse_sweep, conflicts_with = "scenarios")]
    sweep: Option<boligmatch::whatif::scenario::Sweep>,
    /// templates.toml, for the cost of each sweep step.
    #[arg(long, value_name = "FILE", requires = "sweep")]
    templates: Option<PathBuf>,
    /// The chance of meeting a goal a sweep step must reach, from 0.01 to 1.
    #[arg(long, default_value_t = 0.8, value_name = "P", value_parser = confidence)]
    confidence: f64,
    #[command(flatten)]
    run: RunArgs,
}

fn confidence(s: &str) -> std::result::Result<f64, String> {
    let p: f64 = s.parse().map_err(|_| format!("\"{s}\" is not a number"))?;
    if (0.01..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(format!("{p} is not in 0.01..=1"))
    }
}

impl From<StrategyArg> for Strategy {
    fn from(s: StrategyArg) -> Strategy {
        match s {
            StrategyArg::Optimal => Strategy::Optimal,
            StrategyArg::PriorityList => Strategy::PriorityList,
            StrategyArg::Lookahead => Strategy::Lookahead,
        }
    }
}

/// Runs `simulate`.
pub fn run(args: &Args) -> Result<()> {
    let settings = args.run.settings(std::time::Instant::now());
    let (paths, loaded) = args.input.load()?;
    let study = study_of(args)?;
    let limited = args.run.time_limit.is_some();
    let outcome =
        simulate::study(&loaded.round, &study, &settings.solver).map_err(|e| worded(e, limited))?;
    let mut sources = loaded.sources.clone();
    if let Some(t) = &args.timeline {
        sources.push(Source::of_file(t)?);
    }
    let files = Files::render(&study, &outcome, &sources, settings.style);
    let mut inputs = paths.all();
    inputs.extend(args.timeline.as_deref());
    inputs.extend(args.scenarios.iter().map(PathBuf::as_path));
    inputs.extend(args.templates.as_deref());
    // The files the timeline and the scenarios name: arrivals, new units,
    // arrival mix, people files added.
    inputs.extend(study.files());
    write(&settings, &outcome, &files, &inputs)?;
    match (settings.format, &files.sweep) {
        (Format::Table | Format::Csv, Some(sweep)) => print(&String::from_utf8_lossy(sweep)),
        (Format::Table | Format::Csv, None) => print(&String::from_utf8_lossy(&files.goals)),
        (Format::Json, _) => print(&String::from_utf8_lossy(&files.json)),
    }
}

/// The flags as one study: the timeline, scenarios and templates read, every
/// range checked by the library when it runs.
fn study_of(args: &Args) -> Result<Study> {
    let timeline = match &args.timeline {
        Some(t) => simulate::load_timeline(t)?,
        None => simulate::Timeline::default(),
    };
    let horizon = match (args.weeks, args.until) {
        (Some(w), _) => Horizon::Weeks(w),
        (None, Some(u)) => Horizon::Until(u),
        (None, None) => bail!(Error::Refused(
            "give --weeks N or --until DATE: how long to simulate".into()
        )),
    };
    let variants = match &args.sweep {
        Some(sweep) => Variants::Sweep {
            sweep: sweep.clone(),
            templates: match &args.templates {
                Some(t) => Some(boligmatch::whatif::planning::load_templates(t)?),
                None => None,
            },
        },
        None => {
            // Counted before any file is read.
            if args.scenarios.len() > MAX_SCENARIOS {
                bail!(worded(
                    SimulationError::Scenarios(args.scenarios.len()),
                    false
                ));
            }
            let list = boligmatch::whatif::scenario::load_all(&args.scenarios)?;
            let mut all = vec![boligmatch::Scenario::base()];
            all.extend(list.iter().cloned());
            let same = boligmatch::whatif::scenario::same_names(&all);
            if !same.is_empty() {
                bail!(Error::Input(boligmatch::error::Problems(same)));
            }
            Variants::Scenarios(list)
        }
    };
    Ok(Study {
        timeline,
        horizon,
        runs: args.runs,
        seed: args.seed,
        strategies: args.strategy.iter().map(|s| Strategy::from(*s)).collect(),
        variants,
        confidence: args.confidence,
    })
}

/// The library's error worded for the command line: a value out of range
/// names the flag that set it; a run stopped before any simulation finished
/// speaks of `--time-limit` only when one was `limited`.
fn worded(e: SimulationError, limited: bool) -> Error {
    match e {
        SimulationError::End { end, start } => Error::Refused(format!(
            "--until {end}: must be from the round date {start} to at most {MAX_WEEKS} weeks later"
        )),
        SimulationError::Weeks(w) => {
            Error::Refused(format!("--weeks {w}: must be from 1 to {MAX_WEEKS}"))
        }
        SimulationError::Runs(n) => {
            Error::Refused(format!("--runs {n}: must be from 1 to {MAX_RUNS}"))
        }
        SimulationError::Confidence(p) => {
            Error::Refused(format!("--confidence {p}: must be from 0.01 to 1"))
        }
        SimulationError::Scenarios(n) => Error::Refused(format!(
            "{n} scenarios; simulate compares at most {MAX_SCENARIOS}"
        )),
        SimulationError::SweepSteps(n) => {
            Error::Refused(format!("--sweep: {n} steps; at most {MAX_SWEEP_STEPS}"))
        }
        SimulationError::NoRunFinished if limited => Error::OutOfTime(
            "no simulation run finished within --time-limit; allow more time or fewer weeks".into(),
        ),
        SimulationError::NoRunFinished => Error::OutOfTime(
            "stopped (Ctrl-C) before any simulation run finished; nothing was written".into(),
        ),
        other => other.into(),
    }
}

/// The output files' bytes, and the tables of the CSV files for the workbook.
struct Files {
    /// weekly, goals and, with a sweep, sweep.
    tables: Vec<Table>,
    weekly: Vec<u8>,
    goals: Vec<u8>,
    /// `sweep.csv`, with a sweep.
    sweep: Option<Vec<u8>>,
    json: Vec<u8>,
}

impl Files {
    fn render(study: &Study, outcome: &Outcome, sources: &[Source], style: CsvStyle) -> Files {
        let (weekly, goals) = (tables::weekly(outcome), tables::goals(outcome));
        let sweep = tables::sweep(outcome);
        Files {
            weekly: weekly.csv(style),
            goals: goals.csv(style),
            sweep: sweep.as_ref().map(|t| t.csv(style)),
            json: tables::json(study, outcome, sources),
            tables: [Some(weekly), Some(goals), sweep]
                .into_iter()
                .flatten()
                .collect(),
        }
    }
}

/// Writes the files, the workbook and the report (all or nothing).
fn write(settings: &Settings, outcome: &Outcome, files: &Files, inputs: &[&Path]) -> Result<()> {
    let sheets: Vec<&Table> = files.tables.iter().collect();
    let workbook = settings.workbook("simulation.xlsx", &sheets)?;
    settings.commit(
        || {
            let mut out = vec![
                ("weekly.csv".to_string(), files.weekly.clone()),
                ("goals.csv".to_string(), files.goals.clone()),
                ("simulation.json".to_string(), files.json.clone()),
            ];
            if let Some(sweep) = &files.sweep {
                out.push(("sweep.csv".to_string(), sweep.clone()));
            }
            out.extend(workbook.clone());
            out
        },
        |report| {
            boligmatch::report::html::simulation(&outcome.scenarios, &outcome.verdicts, report.lang)
        },
        inputs,
    )
}
