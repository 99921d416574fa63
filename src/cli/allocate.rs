//! `boligmatch allocate DIR`: the weekly allocation round.

use super::{print, Format, InputArgs, RunArgs};
use anyhow::Result;
use boligmatch::allocate::{self, Options};
use boligmatch::report::files::{self, Audit};
use boligmatch::report::table;

/// Arguments of `allocate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    run: RunArgs,
    /// Number of ranked proposals, from 1 to 100.
    #[arg(long, default_value_t = 3, value_name = "K",
          value_parser = clap::value_parser!(u32).range(1..=MAX_PROPOSALS))]
    proposals: u32,
    /// Each proposal differs from every earlier one in at least D placements,
    /// from 1 to 10000.
    #[arg(long, default_value_t = 1, value_name = "D",
          value_parser = clap::value_parser!(u32).range(1..=MAX_MIN_DIFF))]
    min_diff: u32,
    /// For each housed person in proposal 1, up to N other units with the
    /// exact loss of taking each, from 0 to 50.
    #[arg(long, default_value_t = 0, value_name = "N",
          value_parser = clap::value_parser!(u32).range(0..=MAX_ALTERNATIVES))]
    alternatives: u32,
    /// Leave solve times out of summary.json, so that identical runs give identical bytes.
    #[arg(long)]
    no_timings: bool,
    /// Last week's output folder: among the plans optimal on priority and
    /// fit, proposal 1 keeps as many of its proposal-1 homes and workers as
    /// possible (a third level, stability).
    #[arg(long, value_name = "LAST_OUT")]
    previous: Option<std::path::PathBuf>,
}

/// The most ranked proposals one run computes.
const MAX_PROPOSALS: i64 = 100;
/// The largest `--min-diff`.
const MAX_MIN_DIFF: i64 = 10_000;
/// The most alternatives per person.
const MAX_ALTERNATIVES: i64 = 50;

/// Runs `allocate`.
pub fn run(args: &Args) -> Result<()> {
    let settings = args.run.settings(std::time::Instant::now());
    let t0 = std::time::Instant::now();
    let (paths, mut loaded) = args.input.load()?;
    let previous_file = args.previous.as_ref().map(|d| d.join("proposals.csv"));
    if let Some(last) = &args.previous {
        loaded.round = boligmatch::weekly::with_last_week(loaded.round, last)?;
    }
    let read_seconds = t0.elapsed().as_secs_f64();
    let options = Options {
        proposals: args.proposals as usize,
        min_diff: args.min_diff as usize,
        alternatives: args.alternatives as usize,
        settings: settings.solver.clone(),
        ..Options::default()
    };
    let outcome = allocate::run(&loaded.round, &options)?;
    let style = settings.style;
    // CSV reasons name the kind of home in the report's language (--lang).
    let lang = settings
        .report
        .as_ref()
        .map_or(boligmatch::report::html::Lang::En, |r| r.lang);
    let audit = Audit {
        inputs: loaded.sources.clone(),
        policy: loaded.round.policy().clone(),
        command_line: std::env::args().collect(),
        read_seconds,
    };
    let summary = files::summary_json(&outcome, &audit, !args.no_timings);
    let proposals = files::proposals_table(&outcome, lang);
    let unplaced = files::unplaced_table(&outcome);
    let alternatives = files::alternatives_table(&outcome);
    let goals = files::goals_table(&outcome);
    let mut sheets = vec![&proposals, &unplaced];
    if args.alternatives > 0 {
        sheets.push(&alternatives);
    }
    sheets.push(&goals);
    let workbook = settings.workbook("proposals.xlsx", &sheets)?;
    let files = || {
        let mut out = boligmatch::allocation_files(
            &outcome,
            &audit,
            style,
            lang,
            (args.alternatives > 0, !args.no_timings),
        );
        out.extend(workbook.clone());
        out
    };
    let html = |report: &super::Report| {
        let meta = boligmatch::report::html::Meta {
            round_date: loaded.round.policy().round_date.to_string(),
            inputs: loaded.sources.iter().map(|s| s.path.clone()).collect(),
        };
        boligmatch::report::html::allocate(&outcome, &meta, report.lang, report.redact)
    };
    let mut inputs = paths.all();
    if let Some(f) = &previous_file {
        inputs.push(f);
    }
    settings.commit(files, html, &inputs)?;
    match settings.format {
        Format::Table => print(&table::render(
            &outcome,
            &loaded.round.policy().round_date.to_string(),
        )),
        Format::Csv => print(&String::from_utf8_lossy(&proposals.csv(style))),
        Format::Json => print(&String::from_utf8_lossy(&summary)),
    }
}
