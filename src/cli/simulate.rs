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

/// The most scenarios one simulation compares.
const MAX_SCENARIOS: usize = 20;
/// The most steps of a sweep.
const MAX_SWEEP_STEPS: usize = 100;

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
    // The scenarios: the base, each --scenario, or every step of the sweep.
    let base = &loaded.round;
    let mut scenarios = vec![boligmatch::input::scenario::Scenario::base()];
    if args.scenarios.len() > MAX_SCENARIOS {
        bail!(Error::Refused(format!(
            "{} scenarios; simulate compares at most {MAX_SCENARIOS}",
            args.scenarios.len()
        )));
    }
    for f in &args.scenarios {
        scenarios.push(boligmatch::input::scenario::load(f)?);
    }
    if let Some(sw) = &args.sweep {
        if sw.steps().len() > MAX_SWEEP_STEPS {
            bail!(Error::Refused(format!(
                "--sweep: {} steps; at most {MAX_SWEEP_STEPS}",
                sw.steps().len()
            )));
        }
        scenarios = boligmatch::whatif::scenario::sweep_scenarios(
            base,
            std::slice::from_ref(sw),
            "--sweep",
        );
    }
    let mut all = Vec::new();
    for sc in &scenarios {
        let round = boligmatch::whatif::scenario::apply(base, sc)?;
        let setup = Setup::new(round, timeline.clone(), weeks, args.seed)?;
        let results = simulate::simulate(&setup, &strategies, args.runs, &settings.solver)?;
        all.push((sc.name.clone(), results));
    }
    let style = settings.style;
    let cells = |rows: Vec<Vec<String>>| -> Vec<Vec<Cell>> {
        rows.into_iter()
            .map(|r| r.into_iter().map(Cell::Text).collect())
            .collect()
    };
    let weekly_rows: Vec<Vec<String>> = all.iter().flat_map(|(n, r)| r.weekly_rows(n)).collect();
    let goal_rows: Vec<Vec<String>> = all.iter().flat_map(|(n, r)| r.goal_rows(n)).collect();
    let weekly = csv_bytes(&simulate::WEEKLY_COLUMNS, &cells(weekly_rows), style);
    let goals = csv_bytes(&simulate::GOAL_COLUMNS, &cells(goal_rows.clone()), style);
    // The sweep: each step's chance per goal and its cost; the first step
    // that reaches --confidence.
    let step_costs: Vec<Option<i64>> = match (&args.sweep, &args.templates) {
        (Some(sw), Some(t)) => {
            let t = boligmatch::whatif::planning::load_templates(t)?;
            let each = sweep_cost(sw, &t);
            sw.steps()
                .iter()
                .map(|n| each.map(|c| c * i64::from(*n)))
                .collect()
        }
        (Some(sw), None) => vec![None; sw.steps().len()],
        _ => Vec::new(),
    };
    let sweep_rows: Vec<Vec<String>> = goal_rows
        .iter()
        .filter(|_| args.sweep.is_some())
        .map(|r| {
            let step = scenarios.iter().position(|s| s.name == r[1]).unwrap_or(0);
            let cost = step_costs.get(step).copied().flatten();
            let meets = r[3].parse::<f64>().unwrap_or(0.0) + 1e-9 >= args.confidence;
            vec![
                r[1].clone(),
                r[0].clone(),
                r[2].clone(),
                r[3].clone(),
                cost.map(|c| c.to_string()).unwrap_or_default(),
                if meets { "yes" } else { "no" }.to_string(),
            ]
        })
        .collect();
    let sweep_csv = csv_bytes(
        &[
            "step",
            "strategy",
            "goal",
            "probability_met",
            "cost_dkk",
            "reaches_confidence",
        ],
        &cells(sweep_rows.clone()),
        style,
    );
    let firsts: Vec<(String, String, Option<String>)> = strategies
        .iter()
        .flat_map(|s| {
            simulate::GOALS
                .iter()
                .map(move |g| (s.as_str().to_string(), g.0.to_string()))
        })
        .map(|(s, g)| {
            let first = sweep_rows
                .iter()
                .find(|r| r[1] == s && r[2] == g && r[5] == "yes")
                .map(|r| {
                    if r[4].is_empty() {
                        r[0].clone()
                    } else {
                        format!("{} ({} kr)", r[0], r[4])
                    }
                });
            (s, g, first)
        })
        .collect();
    let mut sources = loaded.sources.clone();
    if let Some(t) = &args.timeline {
        let bytes = std::fs::read(t).map_err(|source| Error::Io {
            path: t.clone(),
            source,
        })?;
        use sha2::Digest;
        sources.push(boligmatch::round::Source {
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
            "strategies": strategies,
            "confidence": args.confidence,
            "scenarios": all.iter().map(|(name, results)| serde_json::json!({
                "scenario": name,
                "runs_finished": results.runs.iter().map(Vec::len).collect::<Vec<_>>(),
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
            })).collect::<Vec<_>>(),
            "sweep_first_step_reaching_confidence": firsts
                .iter()
                .map(|(s, g, f)| serde_json::json!({"strategy": s, "goal": g, "step": f}))
                .collect::<Vec<_>>(),
        });
        let mut b = serde_json::to_vec_pretty(&v).unwrap_or_default();
        b.push(b'\n');
        b
    };
    let mut inputs = paths.all();
    inputs.extend(args.timeline.as_deref());
    inputs.extend(args.scenarios.iter().map(PathBuf::as_path));
    inputs.extend(args.templates.as_deref());
    let mut sheets: Vec<(&str, &[u8])> = vec![("weekly", &weekly), ("goals", &goals)];
    if args.sweep.is_some() {
        sheets.push(("sweep", &sweep_csv));
    }
    let workbook = settings.workbook("simulation.xlsx", &sheets)?;
    settings.commit(
        || {
            let mut files = vec![
                ("weekly.csv".to_string(), weekly.clone()),
                ("goals.csv".to_string(), goals.clone()),
                ("simulation.json".to_string(), json.clone()),
            ];
            if args.sweep.is_some() {
                files.push(("sweep.csv".to_string(), sweep_csv.clone()));
            }
            files.extend(workbook.clone());
            files
        },
        |report| boligmatch::report::html::simulation(&all, &firsts, report.lang),
        &inputs,
    )?;
    match settings.format {
        Format::Table | Format::Csv if args.sweep.is_some() => {
            print(&String::from_utf8_lossy(&sweep_csv))
        }
        Format::Table | Format::Csv => print(&String::from_utf8_lossy(&goals)),
        Format::Json => print(&String::from_utf8_lossy(&json)),
    }
}

/// The cost of one step of a sweep from the templates: the first unit
/// template of the kind, or the first staff template of the method and
/// gender, over the templates' months.
fn sweep_cost(
    sw: &boligmatch::whatif::scenario::Sweep,
    t: &boligmatch::whatif::planning::Templates,
) -> Option<i64> {
    use boligmatch::whatif::scenario::Sweep;
    match sw {
        Sweep::Units { kind, .. } => t
            .unit
            .iter()
            .find(|u| u.unit.kind == *kind)
            .map(|u| u.cost(t.months)),
        Sweep::Staff { method, gender, .. } => t
            .staff
            .iter()
            .find(|s| s.staff.method == *method && s.staff.gender == *gender)
            .map(|s| s.cost(t.months)),
    }
}
