//! The command line: parsing, then one module per subcommand. Only this module
//! and `main.rs` know clap and anyhow.

pub mod allocate;
pub mod check;
pub mod generate;
pub mod plan;
pub mod whatif;

use anyhow::{bail, Result};
use boligmatch::input::{self, Loaded, RoundPaths};
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;

/// boligmatch: who moves into which home, with which support worker.
#[derive(Debug, Parser)]
#[command(name = "boligmatch", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate a round's exports and print a one-screen summary.
    Check(check::Args),
    /// Allocate homes and support workers: ranked, explained proposals.
    Allocate(allocate::Args),
    /// Compare what-if scenarios (more units, more staff, new intake, other policy).
    Whatif(whatif::Args),
    /// The cheapest mix of new units and staff that reaches the goals.
    Plan(plan::Args),
    /// Write a synthetic round (tier S, M or L) for tests and benchmarks.
    Generate(generate::Args),
}

/// Where the round's files are: a folder, and/or explicit paths.
#[derive(Debug, clap::Args)]
pub struct InputArgs {
    /// Folder with units.csv, people.csv, staff.csv and optionally policy.toml.
    pub dir: Option<PathBuf>,
    /// units.csv to use instead of DIR/units.csv.
    #[arg(long)]
    pub units: Option<PathBuf>,
    /// people.csv to use instead of DIR/people.csv.
    #[arg(long)]
    pub people: Option<PathBuf>,
    /// staff.csv to use instead of DIR/staff.csv.
    #[arg(long)]
    pub staff: Option<PathBuf>,
    /// policy.toml to use instead of DIR/policy.toml.
    #[arg(long)]
    pub policy: Option<PathBuf>,
}

impl InputArgs {
    /// The checked set of paths.
    pub fn paths(&self) -> Result<RoundPaths> {
        let base = self.dir.as_deref().map(RoundPaths::in_dir);
        let pick = |explicit: &Option<PathBuf>,
                    from_dir: Option<PathBuf>,
                    name: &str|
         -> Result<PathBuf> {
            match (explicit, from_dir) {
                (Some(p), _) => Ok(p.clone()),
                (None, Some(p)) => Ok(p),
                (None, None) => bail!(boligmatch::Error::Refused(format!(
                    "no {name}: give a folder DIR or --{}",
                    name.trim_end_matches(".csv")
                ))),
            }
        };
        Ok(RoundPaths {
            units: pick(
                &self.units,
                base.as_ref().map(|b| b.units.clone()),
                "units.csv",
            )?,
            people: pick(
                &self.people,
                base.as_ref().map(|b| b.people.clone()),
                "people.csv",
            )?,
            staff: pick(
                &self.staff,
                base.as_ref().map(|b| b.staff.clone()),
                "staff.csv",
            )?,
            policy: self.policy.clone().or_else(|| base.and_then(|b| b.policy)),
        })
    }

    /// Reads and validates the round; warnings go to stderr.
    pub fn load(&self) -> Result<(RoundPaths, Loaded)> {
        let paths = self.paths()?;
        let today = chrono::Local::now().date_naive();
        let loaded = input::load(&paths, today)?;
        for w in &loaded.warnings {
            eprintln!("warning: {w}");
        }
        let pinned = boligmatch::eligibility::pinned_problems(
            &loaded.round,
            &file_name(&paths.people),
            &file_name(&paths.units),
        );
        if !pinned.is_empty() {
            bail!(boligmatch::Error::Infeasible(boligmatch::Problems(pinned)));
        }
        Ok((paths, loaded))
    }
}

fn file_name(p: &std::path::Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Report options shared by `allocate`, `whatif` and `plan`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Write a self-contained HTML report (inline CSS and SVG, printable on A4).
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
    /// Language of the report.
    #[arg(long, value_enum, default_value_t = ReportLang::Da)]
    pub lang: ReportLang,
    /// Leave health-related reasons out of the report (for reports that leave the team).
    #[arg(long)]
    pub redact: bool,
}

/// Report language.
#[derive(Debug, Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum ReportLang {
    /// Dansk.
    Da,
    /// English.
    En,
}

impl ReportArgs {
    /// The language for the renderer.
    pub fn lang(&self) -> boligmatch::report::html::Lang {
        match self.lang {
            ReportLang::Da => boligmatch::report::html::Lang::Da,
            ReportLang::En => boligmatch::report::html::Lang::En,
        }
    }

    /// Writes `html` atomically to `--report`, if given.
    pub fn write(&self, html: impl FnOnce() -> String, inputs: &[&std::path::Path]) -> Result<()> {
        let Some(path) = &self.report else {
            return Ok(());
        };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| {
                boligmatch::Error::Refused(format!("--report {}: not a file name", path.display()))
            })?;
        boligmatch::output::write_all(&dir, &[(name, html().into_bytes())], inputs)?;
        Ok(())
    }
}

/// Prints to stdout; a closed pipe (e.g. `| head`) is not an error.
pub fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

/// Parses and runs.
pub fn run() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(a) => check::run(&a),
        Command::Allocate(a) => allocate::run(&a),
        Command::Whatif(a) => whatif::run(&a),
        Command::Plan(a) => plan::run(&a),
        Command::Generate(a) => generate::run(&a),
    }
}
