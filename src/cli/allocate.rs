//! `boligmatch allocate DIR`: the weekly allocation round.

use super::{print, InputArgs, ReportArgs};
use anyhow::Result;
use boligmatch::allocation::{self, Options};
use boligmatch::report::files::{self, Audit};
use boligmatch::report::{table, CsvStyle};
use boligmatch::solve::Settings;
use std::path::PathBuf;

/// What goes to stdout.
#[derive(Debug, Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// A readable table.
    Table,
    /// proposals.csv.
    Csv,
    /// summary.json.
    Json,
}

/// Solver choice.
#[derive(Debug, Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum SolverArg {
    /// Network flow where it applies, else the MILP.
    Auto,
    /// Always the MILP (HiGHS).
    Milp,
}

/// Arguments of `allocate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
    /// Write proposals.csv, unplaced.csv, summary.json (and alternatives.csv) here.
    #[arg(long, value_name = "OUTDIR")]
    out: Option<PathBuf>,
    /// Seconds per solver level; when hit, results are "best found" with the gap.
    #[arg(long, value_name = "SECONDS")]
    time_limit: Option<f64>,
    /// Which exact solver finds proposal 1 and the alternatives: the network
    /// flow where the round allows it (auto), or always the MILP.
    #[arg(long, value_enum, default_value_t = SolverArg::Auto)]
    solver: SolverArg,
    /// Number of ranked proposals.
    #[arg(long, default_value_t = 3, value_name = "K")]
    proposals: usize,
    /// Each proposal differs from every earlier one in at least D placements.
    #[arg(long, default_value_t = 1, value_name = "D")]
    min_diff: usize,
    /// For each housed person in proposal 1, up to N other units, with the exact loss.
    #[arg(long, default_value_t = 0, value_name = "N")]
    alternatives: usize,
    /// Write CSV for Danish Excel: `;`-separated UTF-8 with BOM.
    #[arg(long)]
    excel: bool,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    #[command(flatten)]
    report: ReportArgs,
    /// Leave solve times out of summary.json, so that identical runs give identical bytes.
    #[arg(long)]
    no_timings: bool,
}

/// Runs `allocate`.
pub fn run(args: &Args) -> Result<()> {
    if let Some(t) = args.time_limit {
        if !(t.is_finite() && t > 0.0) {
            anyhow::bail!(boligmatch::Error::Refused(format!(
                "--time-limit {t}: give a positive number of seconds"
            )));
        }
    }
    if args.proposals == 0 {
        anyhow::bail!(boligmatch::Error::Refused(
            "--proposals must be at least 1".into()
        ));
    }
    let t0 = std::time::Instant::now();
    let (paths, loaded) = args.input.load()?;
    let read_seconds = t0.elapsed().as_secs_f64();
    let options = Options {
        proposals: args.proposals,
        min_diff: args.min_diff.max(1),
        alternatives: args.alternatives,
        settings: Settings {
            time_limit: args.time_limit,
            use_flow: args.solver == SolverArg::Auto,
        },
        targets: Vec::new(),
    };
    let outcome = allocation::run(&loaded.round, &options)?;
    let style = if args.excel {
        CsvStyle::EXCEL
    } else {
        CsvStyle::PLAIN
    };
    let audit = Audit {
        inputs: loaded.sources.clone(),
        policy: loaded.round.policy.clone(),
        command_line: std::env::args().collect(),
        read_seconds,
    };
    let summary = files::summary_json(&outcome, &audit, !args.no_timings);
    if let Some(dir) = &args.out {
        let mut out = vec![
            (
                "proposals.csv".to_string(),
                files::proposals_csv(&outcome, style),
            ),
            (
                "unplaced.csv".to_string(),
                files::unplaced_csv(&outcome, style),
            ),
            ("summary.json".to_string(), summary.clone()),
        ];
        if args.alternatives > 0 {
            out.push((
                "alternatives.csv".to_string(),
                files::alternatives_csv(&outcome, style),
            ));
        }
        boligmatch::output::write_all(dir, &out, &paths.all())?;
    }
    args.report.write(
        || {
            let meta = boligmatch::report::html::Meta {
                round_date: loaded.round.policy.round_date.to_string(),
                inputs: loaded.sources.iter().map(|s| s.path.clone()).collect(),
                note: outcome.note.clone(),
            };
            boligmatch::report::html::allocate(
                &outcome,
                &meta,
                args.report.lang(),
                args.report.redact,
            )
        },
        &paths.all(),
    )?;
    match args.format {
        Format::Table => print(&table::render(
            &outcome,
            &loaded.round.policy.round_date.to_string(),
        )),
        Format::Csv => print(&String::from_utf8_lossy(&files::proposals_csv(
            &outcome, style,
        ))),
        Format::Json => print(&String::from_utf8_lossy(&summary)),
    }
}
