//! `boligmatch simulate DIR --timeline FILE --weeks N --runs R`: will the
//! programme reach its goals, week by week, under each strategy.

use super::{print, Format, InputArgs, RunArgs};
use anyhow::{bail, Result};
use boligmatch::error::Error;
use boligmatch::report::{csv_bytes, Cell};
use boligmatch::simulate::{self, Setup, Strategy, MAX_RUNS, MAX_WEEKS};
use std::path::PathBuf;

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
    #[command(flatten)]
    run: RunArgs,
}

/// Runs `simulate`.
pub fn run(args: &Args) -> Result<()> {
    let settings = args.run.settings(std::time::Instant::now());
    let (paths, loaded) = args.input.load()?;
    let timeline = match &args.timeline {
        Some(t) => simulate::load_timeline(t)?,
        None => simulate::Timeline::default(),
    };
    let start = loaded.round.policy().round_date;
    let weeks = match (args.weeks, args.until) {
        (Some(w), _) => w,
        (None, Some(u)) => {
            let days = (u - start).num_days();
            if days < 0 || days / 7 >= i64::from(MAX_WEEKS) {
                bail!(Error::Refused(format!(
                    "--until {u}: must be from the round date {start} to at most {MAX_WEEKS} weeks later"
                )));
            }
            days as u32 / 7 + 1
        }
        (None, None) => bail!(Error::Refused(
            "give --weeks N or --until DATE: how long to simulate".into()
        )),
    };
    let strategies: Vec<Strategy> = args
        .strategy
        .iter()
        .map(|s| match s {
            StrategyArg::Optimal => Strategy::Optimal,
            StrategyArg::PriorityList => Strategy::PriorityList,
            StrategyArg::Lookahead => Strategy::Lookahead,
        })
        .collect();
    let setup = Setup::new(loaded.round.clone(), timeline.clone(), weeks, args.seed)?;
    let results = simulate::simulate(&setup, &strategies, args.runs, &settings.solver)?;
    let style = settings.style;
    let cells = |rows: Vec<Vec<String>>| -> Vec<Vec<Cell>> {
        rows.into_iter()
            .map(|r| r.into_iter().map(Cell::Text).collect())
            .collect()
    };
    let weekly = csv_bytes(
        &simulate::WEEKLY_COLUMNS,
        &cells(results.weekly_rows("base")),
        style,
    );
    let goals = csv_bytes(
        &simulate::GOAL_COLUMNS,
        &cells(results.goal_rows("base")),
        style,
    );
    let mut sources = loaded.sources.clone();
    if let Some(t) = &args.timeline {
        let bytes = std::fs::read(t).map_err(|source| Error::Io {
            path: t.clone(),
            source,
        })?;
        use sha2::Digest;
        sources.push(boligmatch::input::Source {
            path: t.display().to_string(),
            sha256: sha2::Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        });
    }
    let json = {
        let v = serde_json::json!({
            "boligmatch_version": env!("CARGO_PKG_VERSION"),
            "inputs": sources,
            "timeline": timeline,
            "seed": args.seed,
            "weeks": weeks,
            "from": start.to_string(),
            "runs": args.runs,
            "runs_finished": results.runs.iter().map(Vec::len).collect::<Vec<_>>(),
            "strategies": strategies,
            "against_optimal": results
                .against_optimal()
                .into_iter()
                .map(|(s, goal, mean, lo, hi)| serde_json::json!({
                    "strategy": s,
                    "goal": goal,
                    "mean_share_difference": mean,
                    "ci95": [lo, hi],
                }))
                .collect::<Vec<_>>(),
        });
        let mut b = serde_json::to_vec_pretty(&v).unwrap_or_default();
        b.push(b'\n');
        b
    };
    let mut inputs = paths.all();
    if let Some(t) = &args.timeline {
        inputs.push(t);
    }
    settings.commit(
        || {
            vec![
                ("weekly.csv".to_string(), weekly.clone()),
                ("goals.csv".to_string(), goals.clone()),
                ("simulation.json".to_string(), json.clone()),
            ]
        },
        |report| boligmatch::report::html::simulation(&results, report.lang),
        &inputs,
    )?;
    match settings.format {
        Format::Table | Format::Csv => print(&String::from_utf8_lossy(&goals)),
        Format::Json => print(&String::from_utf8_lossy(&json)),
    }
}
