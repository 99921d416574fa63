//! `boligmatch plan DIR --templates templates.toml`: the cheapest mix of new
//! units and staff that reaches the goals.

use super::{print, Format, InputArgs, RunArgs, Settings};
use anyhow::Result;
use boligmatch::report::{files, plan as plan_report};
use boligmatch::whatif::planning::{self, Aim, Budget, BudgetError, Goal, Plan};
use std::path::{Path, PathBuf};

/// Arguments of `plan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
    /// The unit and staff types that could be created, with their costs.
    #[arg(long, value_name = "FILE")]
    templates: PathBuf,
    /// A goal as NAME=SHARE (under_18, age_18_29, age_18_24, age_25_29, all,
    /// female_worker), the share from 0 to 1 (or 0% to 100%); default: the
    /// policy's [goals] (under_18=1.0 and age_18_29=0.9 unless it says
    /// otherwise).
    #[arg(long = "target", value_name = "NAME=SHARE", value_parser = parse_target)]
    targets: Vec<Goal>,
    /// Plan to a budget instead, in kroner, from 0 to 1000000000000: the mix
    /// within it that houses the most under-18s, then 18-29-year-olds, then
    /// the most priority (the cheaper mix on a tie), and what the next
    /// 100,000 kr would buy.
    #[arg(long, value_name = "DKK", conflicts_with = "targets",
          value_parser = clap::value_parser!(i64).range(0..=planning::MAX_BUDGET_DKK))]
    budget: Option<i64>,
    #[command(flatten)]
    run: RunArgs,
}

/// `--target NAME=SHARE`: the library's reason, worded with the flag.
fn parse_target(s: &str) -> std::result::Result<Goal, String> {
    Goal::parse(s).map_err(|e| format!("--target {e}"))
}

/// `--budget` or `--target` as one checked aim.
fn aim(args: &Args) -> Result<Aim> {
    match args.budget {
        Some(dkk) => Ok(Aim::Budget(Budget::new(dkk).map_err(
            |BudgetError::OutOfRange { dkk }| {
                boligmatch::Error::Refused(format!(
                    "--budget {dkk}: must be from 0 to {} kr",
                    planning::MAX_BUDGET_DKK
                ))
            },
        )?)),
        None => Ok(Aim::goals_or_programme(args.targets.clone())),
    }
}

/// Runs `plan`.
pub fn run(args: &Args) -> Result<()> {
    let settings = args.run.settings(std::time::Instant::now());
    let aim = aim(args)?;
    let (paths, loaded) = args.input.load()?;
    let templates = planning::load_templates(&args.templates)?;
    let plan = planning::run(&loaded.round, &templates, &aim, &settings.solver)?;
    let mut inputs = paths.all();
    inputs.push(&args.templates);
    render(&plan, &settings, &inputs)
}

/// Writes the plan's files and prints it.
fn render(plan: &Plan, settings: &Settings, inputs: &[&Path]) -> Result<()> {
    let style = settings.style;
    // CSV reasons name the kind of home in the report's language (--lang).
    let lang = settings
        .report
        .as_ref()
        .map_or(boligmatch::report::html::Lang::En, |r| r.lang);
    let mix = plan_report::mix(plan);
    let proposals = plan.outcome().map(|o| files::proposals_table(o, lang));
    let mut sheets = vec![&mix];
    sheets.extend(&proposals);
    let workbook = settings.workbook("plan.xlsx", &sheets)?;
    settings.commit(
        || {
            let mut out = vec![
                mix.file(style),
                ("plan.json".to_string(), plan_report::json(plan)),
            ];
            out.extend(workbook.clone());
            out.extend(proposals.as_ref().map(|p| p.file(style)));
            out
        },
        |report| boligmatch::report::html::plan(plan, report.lang, report.redact),
        inputs,
    )?;
    match settings.format {
        Format::Table => print(&plan_report::table(plan)),
        Format::Csv => print(&String::from_utf8_lossy(&mix.csv(style))),
        Format::Json => print(&String::from_utf8_lossy(&plan_report::json(plan))),
    }
}
