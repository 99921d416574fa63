//! The command line: parsing, then one module per subcommand. Only this module
//! and `main.rs` know clap and anyhow.

pub mod allocate;
pub mod check;
pub mod display;
pub mod generate;
pub mod history;
pub mod offer;
pub mod plan;
pub mod policy;
pub mod record;
pub mod simulate;
pub mod whatif;

use anyhow::{bail, Result};
use boligmatch::report::CsvStyle;
use boligmatch::{Loaded, RoundPaths};
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

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
    /// Print the default policy (--defaults) or the policy a round is read with.
    Policy(policy::Args),
    /// Add the placements of a proposal to the offers record as pending offers.
    Offer(offer::Args),
    /// Record a decision, a move-in or the end of a tenancy in the offers record.
    Record(record::Args),
    /// The programme week by week, from the weekly rounds and the offers record.
    History(history::Args),
    /// Simulate the programme over many weeks: will it reach its goals?
    Simulate(simulate::Args),
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
    /// The offers record (offers, decisions, move-ins) to use instead of
    /// DIR/offers.csv; it usually sits beside the weekly round folders
    /// (see docs/weekly-round.md).
    #[arg(long, value_name = "PATH")]
    pub offers: Option<PathBuf>,
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
            policy: self
                .policy
                .clone()
                .or_else(|| base.as_ref().and_then(|b| b.policy.clone())),
            offers: self.offers.clone().or_else(|| base.and_then(|b| b.offers)),
        })
    }

    /// Reads and validates the round; warnings go to stderr.
    pub fn load(&self) -> Result<(RoundPaths, Loaded)> {
        let paths = self.paths()?;
        let chosen: Vec<&Path> = [&self.units, &self.people, &self.staff]
            .into_iter()
            .flatten()
            .map(PathBuf::as_path)
            .collect();
        load_chosen(paths, &chosen)
    }
}

/// Reads and validates the round at `paths`; warnings go to stderr.
pub fn load_paths(paths: RoundPaths) -> Result<(RoundPaths, Loaded)> {
    load_chosen(paths, &[])
}

/// Reads and validates the round at `paths`, the files in `chosen` named by
/// a flag (a workbook beside one is no question); warnings go to stderr.
fn load_chosen(paths: RoundPaths, chosen: &[&Path]) -> Result<(RoundPaths, Loaded)> {
    {
        let today = chrono::Local::now().date_naive();
        if let Some(record) = &paths.offers {
            // A copy a killed `offer` or `record` left does not outlive it.
            boligmatch::output::remove_record_copies(record);
        }
        let loaded = paths.load_chosen(today, chosen)?;
        for w in &loaded.warnings {
            eprintln!("warning: {}", boligmatch::error::escaped(w));
        }
        for (person, unit, line) in &loaded.round.programme().expired {
            eprintln!(
                "note: the offer of {} to {} ({}:{line}) expired (respond_by passed) and is no longer kept",
                boligmatch::error::printable(unit),
                boligmatch::error::printable(person),
                boligmatch::error::escaped(
                    &paths
                        .offers
                        .as_deref()
                        .map(boligmatch::weekly::record::file_name)
                        .unwrap_or_default()
                )
            );
        }
        Ok((paths, loaded))
    }
}

/// The flags `allocate`, `whatif` and `plan` share, as given ("low"
/// arguments); [`RunArgs::settings`] turns them into one checked [`Settings`].
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Write the command's output files into this folder (created if missing;
    /// the files are replaced together or not at all).
    #[arg(long, value_name = "OUTDIR")]
    pub out: Option<PathBuf>,
    /// Wall-clock seconds the whole command may take, from 0.001 to 86400 (one
    /// day): every solve gets what is left, and the command returns the best
    /// plans found by then, labelled "best found, gap X%", never optimal.
    /// Without it, every solve runs until proven optimal.
    #[arg(long, value_name = "SECONDS", value_parser = parse_time_limit)]
    pub time_limit: Option<Duration>,
    /// Write CSV for Danish Excel: `;`-separated UTF-8 with BOM.
    #[arg(long)]
    pub excel: bool,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Which exact solver to use: the network flow where the round allows it
    /// (auto), or always the MILP (HiGHS).
    #[arg(long, value_enum, default_value_t = SolverArg::Auto)]
    pub solver: SolverArg,
    /// Write a self-contained HTML report (inline CSS and SVG, printable on A4).
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
    /// Language of the report.
    #[arg(long, value_enum, default_value_t = ReportLang::Da)]
    pub lang: ReportLang,
    /// Leave health-related reasons out of the report (for reports that leave the team).
    #[arg(long)]
    pub redact: bool,
    /// Also write the output files as one Excel workbook in OUTDIR (a sheet
    /// per file, typed cells, headers in the --lang language).
    #[arg(long, requires = "out")]
    pub xlsx: bool,
}

/// The range of `--time-limit`, in seconds: long enough for any round, short
/// enough that a deadline computed from it can never overflow.
pub const TIME_LIMIT_RANGE: std::ops::RangeInclusive<f64> = 0.001..=86_400.0;

/// Parses `--time-limit`: a finite number of seconds within [`TIME_LIMIT_RANGE`].
pub fn parse_time_limit(s: &str) -> std::result::Result<Duration, String> {
    let t: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("\"{s}\" is not a number of seconds, e.g. 30 or 2.5"))?;
    if !TIME_LIMIT_RANGE.contains(&t) {
        return Err(format!(
            "{s} is outside the range {} to {} seconds",
            TIME_LIMIT_RANGE.start(),
            TIME_LIMIT_RANGE.end()
        ));
    }
    Ok(Duration::from_secs_f64(t))
}

/// What goes to stdout.
#[derive(Debug, Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// A readable table.
    Table,
    /// The main output file as CSV.
    Csv,
    /// The summary as JSON.
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

/// Report language.
#[derive(Debug, Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum ReportLang {
    /// Dansk.
    Da,
    /// English.
    En,
}

/// The checked settings of a run ("high" arguments): built once, after parsing,
/// before any work starts.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Output folder.
    pub out: Option<PathBuf>,
    /// CSV dialect of written files.
    pub style: CsvStyle,
    /// What stdout shows.
    pub format: Format,
    /// Solver settings for the library.
    pub solver: boligmatch::Settings,
    /// The HTML report, if asked for.
    pub report: Option<Report>,
    /// Write a workbook too (`--xlsx`), with headers in this language.
    pub xlsx: Option<boligmatch::report::html::Lang>,
}

/// Where and how to write the HTML report.
#[derive(Debug, Clone)]
pub struct Report {
    /// The report file.
    pub path: PathBuf,
    /// Its language.
    pub lang: boligmatch::report::html::Lang,
    /// Leave health-related reasons out.
    pub redact: bool,
}

impl RunArgs {
    /// The checked settings (every flag was range-checked by its parser);
    /// `--time-limit` counts from `started`, the start of the command.
    pub fn settings(&self, started: std::time::Instant) -> Settings {
        Settings {
            out: self.out.clone(),
            style: if self.excel {
                CsvStyle::EXCEL
            } else {
                CsvStyle::PLAIN
            },
            format: self.format,
            solver: boligmatch::Settings {
                time_limit: None,
                until: self.time_limit.and_then(|t| started.checked_add(t)),
                use_flow: self.solver == SolverArg::Auto,
                control: display::control(),
            },
            report: self.report.clone().map(|path| Report {
                path,
                lang: match self.lang {
                    ReportLang::Da => boligmatch::report::html::Lang::Da,
                    ReportLang::En => boligmatch::report::html::Lang::En,
                },
                redact: self.redact,
            }),
            xlsx: self.xlsx.then_some(match self.lang {
                ReportLang::Da => boligmatch::report::html::Lang::Da,
                ReportLang::En => boligmatch::report::html::Lang::En,
            }),
        }
    }
}

impl Settings {
    /// With `--xlsx`: the workbook `name` of the tables (a sheet each), to
    /// write beside their CSV files.
    pub fn workbook(
        &self,
        name: &str,
        tables: &[&boligmatch::report::Table],
    ) -> Result<Option<(String, Vec<u8>)>> {
        let Some(lang) = self.xlsx else {
            return Ok(None);
        };
        let bytes = boligmatch::report::xlsx::from_tables(tables, lang)?;
        Ok(Some((name.to_string(), bytes)))
    }

    /// Writes the run's files: the `--out` folder first (when given), the
    /// report last (when asked for), after checking every target against
    /// every input and each other; nothing is written when a check fails.
    /// `files` and `html` are made only when they will be written.
    pub fn commit(
        &self,
        files: impl FnOnce() -> Vec<(String, Vec<u8>)>,
        html: impl FnOnce(&Report) -> String,
        inputs: &[&Path],
    ) -> Result<()> {
        let run = boligmatch::output::Run {
            out: self.out.as_deref().map(|dir| (dir, files())),
            report: self
                .report
                .as_ref()
                .map(|r| (r.path.as_path(), html(r).into_bytes())),
        };
        run.commit(inputs)?;
        Ok(())
    }
}

/// Prints to stdout; a closed pipe (e.g. `| head`) is not an error.
pub fn print(text: &str) -> Result<()> {
    display::pause();
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

/// A library error in the command line's words: output targets named by
/// their flags, and where to find the version for a solver fault.
pub fn words(e: &boligmatch::Error) -> String {
    let text = e.describe_output(|role| match role {
        boligmatch::error::OutputRole::Folder => "--out",
        _ => "--report",
    });
    match e {
        boligmatch::Error::Solver(_) => {
            format!("{text}\n  (`boligmatch --version` prints the version to report; `--solver auto` uses the network-flow solver where the round allows.)")
        }
        _ => text,
    }
}

/// Parses and runs.
pub fn run() -> Result<()> {
    let cli = Cli::parse();
    if matches!(
        cli.command,
        Command::Allocate(_) | Command::Whatif(_) | Command::Plan(_) | Command::Simulate(_)
    ) {
        display::start("reading");
    }
    match cli.command {
        Command::Check(a) => check::run(&a),
        Command::Allocate(a) => allocate::run(&a),
        Command::Whatif(a) => whatif::run(&a),
        Command::Plan(a) => plan::run(&a),
        Command::Generate(a) => generate::run(&a),
        Command::Policy(a) => policy::run(&a),
        Command::Offer(a) => offer::run(&a),
        Command::Record(a) => record::run(&a),
        Command::History(a) => history::run(&a),
        Command::Simulate(a) => simulate::run(&a),
    }
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// The least a subcommand needs to parse, so that only the flag under test
    /// can fail.
    fn base_args(sub: &str) -> Vec<String> {
        let words: &[&str] = match sub {
            "plan" => &["DIR", "--templates", "t.toml"],
            "generate" => &["--tier", "s", "--out", "o"],
            "check" | "allocate" | "whatif" | "policy" => &["DIR"],
            "offer" => &["DIR", "--from", "p.csv", "--respond-by", "2014-11-10"],
            "history" => &["DIR"],
            "simulate" => &["DIR"],
            "record" => &[
                "DIR",
                "--person",
                "P1",
                "--status",
                "accepted",
                "--on",
                "2014-11-05",
            ],
            other => panic!("subcommand {other}: add its required arguments here"),
        };
        std::iter::once("boligmatch")
            .chain(std::iter::once(sub))
            .chain(words.iter().copied())
            .map(str::to_string)
            .collect()
    }

    /// The documented range "from A to B" in a flag's help.
    fn documented_range(help: &str) -> Option<(f64, f64)> {
        let rest = help
            .match_indices("from ")
            .map(|(i, _)| &help[i + 5..])
            .find(|r| r.starts_with(|c: char| c.is_ascii_digit()))?;
        let (a, rest) = rest.split_once(" to ")?;
        let b: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let b = b.trim_end_matches('.');
        Some((a.trim().parse().ok()?, b.parse().ok()?))
    }

    /// How a value of a numeric flag is written, for flags whose value holds a
    /// number inside a larger spec.
    fn spelled(value_name: &str, number: &str) -> String {
        match value_name {
            "NAME=SHARE" => format!("under_18={number}"),
            "SPEC" => format!("add=ordinary:0..{number}"),
            _ => number.to_string(),
        }
    }

    fn parses(args: &[String]) -> Result<(), clap::Error> {
        use clap::Parser;
        Cli::try_parse_from(args).map(|_| ())
    }

    /// Every flag that takes a value is a path, a choice from a list, or a
    /// number with its range in `--help`; every number outside its range, NaN
    /// and ±infinity are refused with exit code 2. The flags come from clap's
    /// own definition, so a new flag cannot be forgotten.
    #[test]
    fn every_numeric_flag_states_and_enforces_its_range() {
        let mut cmd = Cli::command();
        cmd.build();
        let mut numeric = 0;
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let name = sub.get_name();
            let base = base_args(name);
            assert!(parses(&base).is_ok(), "{name}: {base:?} should parse");
            for arg in sub.get_arguments() {
                numeric += usize::from(check_numeric_flag(name, &base, arg));
            }
        }
        // allocate (3: proposals, min-diff, alternatives) + time limits on
        // allocate, whatif, plan + generate (seed, people) + target + sweep.
        assert!(numeric >= 10, "only {numeric} numeric flags found");
    }

    /// The first value name of a flag (`N`, `SECONDS`, …).
    fn value_name(arg: &clap::Arg) -> String {
        arg.get_value_names()
            .and_then(|v| v.first().map(|s| s.to_string()))
            .unwrap_or_default()
    }

    /// Checks one flag of `name` if it is numeric: its range is stated and
    /// enforced. Whether it was numeric.
    fn check_numeric_flag(name: &str, base: &[String], arg: &clap::Arg) -> bool {
        let takes_value = arg.get_num_args().is_some_and(|n| n.takes_values());
        if !takes_value || arg.is_positional() {
            return false;
        }
        let Some(long) = arg.get_long() else {
            return false;
        };
        let parser = format!("{:?}", arg.get_value_parser());
        let is_path = parser.contains("path_buf");
        let is_choice = !arg.get_possible_values().is_empty();
        // Ids, dates, words and free text are checked by their own
        // parsers (tests in tests/it/weekly.rs); the rest are numbers.
        let words = ["ID", "ID,…", "DATE", "TEXT", "STATUS", "CODE"];
        if is_path || is_choice || words.contains(&value_name(arg).as_str()) {
            return false;
        }
        let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
        let (lo, hi) = documented_range(&help).unwrap_or_else(|| {
            panic!("{name} --{long}: its help must state its range as 'from A to B': {help}")
        });
        let with = |v: &str| {
            let mut a = base.to_vec();
            a.push(format!("--{long}={}", spelled(&value_name(arg), v)));
            a
        };
        // The ends of the range are accepted (u64's end is beyond f64's
        // exact integers: take it as written).
        let hi_text = if hi >= 1.8e19 {
            u64::MAX.to_string()
        } else {
            hi.to_string()
        };
        for ok in [lo.to_string(), hi_text] {
            assert!(
                parses(&with(&ok)).is_ok(),
                "{name} --{long}={ok} is within its range and must parse"
            );
        }
        for v in out_of_range(lo, hi, help.contains("seconds")) {
            let err = parses(&with(&v)).expect_err(&format!(
                "{name} --{long}={v} is outside its range and must be refused"
            ));
            assert_eq!(err.exit_code(), 2, "{name} --{long}={v}");
            let msg = err.to_string();
            assert!(
                msg.contains(&format!("--{long}")),
                "{name} --{long}={v}: {msg}"
            );
        }
        true
    }

    /// Values a flag of range `lo..=hi` must refuse: not numbers, not
    /// finite, just outside each end, far above it.
    fn out_of_range(lo: f64, hi: f64, seconds: bool) -> Vec<String> {
        let step = if seconds { 0.0001 } else { 1.0 };
        let mut bad: Vec<String> = ["nan", "NaN", "inf", "-inf", "infinity", "1e400", "x"]
            .map(str::to_string)
            .to_vec();
        if lo - step >= -1.0 {
            bad.push(format!("{}", lo - step));
        }
        bad.push(format!("{}", hi + step));
        if hi < 1.8e19 {
            bad.push("1e30".into());
        } else {
            bad.push("18446744073709551616".into());
        }
        bad
    }
}
