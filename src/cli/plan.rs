//! `boligmatch plan DIR --templates templates.toml`: the cheapest mix of new
//! units and staff that reaches the goals.

use super::{print, InputArgs, ReportArgs};
use anyhow::Result;
use boligmatch::planning::{self, Goal, PlanResult};
use boligmatch::report::{files, plan as plan_report, CsvStyle};
use boligmatch::solve::Settings;
use std::path::PathBuf;

/// Arguments of `plan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
    /// The unit and staff types that could be created, with their costs.
    #[arg(long, value_name = "FILE")]
    templates: PathBuf,
    /// A goal as NAME=SHARE (under_18, age_18_29, age_18_24, age_25_29, all,
    /// female_worker); default: under_18=1.0 and age_18_29=0.9.
    #[arg(long = "target", value_name = "NAME=SHARE", value_parser = Goal::parse)]
    targets: Vec<Goal>,
    /// Write plan.csv, plan.json and the enabled allocation's proposals.csv here.
    #[arg(long, value_name = "OUTDIR")]
    out: Option<PathBuf>,
    /// Seconds per solve; results are then "best found".
    #[arg(long, value_name = "SECONDS")]
    time_limit: Option<f64>,
    /// Write CSV for Danish Excel: `;`-separated UTF-8 with BOM.
    #[arg(long)]
    excel: bool,
    #[command(flatten)]
    report: ReportArgs,
}

/// Runs `plan`.
pub fn run(args: &Args) -> Result<()> {
    let (paths, loaded) = args.input.load()?;
    let templates = planning::load_templates(&args.templates)?;
    let goals = if args.targets.is_empty() {
        Goal::programme()
    } else {
        args.targets.clone()
    };
    let settings = Settings {
        time_limit: args.time_limit,
        ..Settings::default()
    };
    let plan = planning::plan(&loaded.round, &templates, &goals, &settings)?;
    let style = if args.excel {
        CsvStyle::EXCEL
    } else {
        CsvStyle::PLAIN
    };
    if let Some(dir) = &args.out {
        let mut out = vec![
            ("plan.csv".to_string(), plan_report::mix_csv(&plan, style)),
            ("plan.json".to_string(), plan_report::json(&plan)),
        ];
        if let PlanResult::Reached { outcome, .. } = &plan.result {
            out.push((
                "proposals.csv".to_string(),
                files::proposals_csv(outcome, style),
            ));
        }
        let mut inputs = paths.all();
        inputs.push(&args.templates);
        boligmatch::output::write_all(dir, &out, &inputs)?;
    }
    let mut inputs = paths.all();
    inputs.push(&args.templates);
    args.report.write(
        || boligmatch::report::html::plan(&plan, args.report.lang(), args.report.redact),
        &inputs,
    )?;
    print(&plan_report::table(&plan))
}
