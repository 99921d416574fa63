//! `boligmatch generate --tier S|M|L --seed N --out DIR`: synthetic rounds.

use anyhow::Result;
use boligmatch::generate::{self, Tier};
use std::path::PathBuf;

/// Tier names on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum TierArg {
    /// Ballerup-like: 35 people, ~40 units, 8 staff.
    S,
    /// A region: 2,000 people, 1,500 units, 150 staff, 17 municipalities.
    M,
    /// The country: 10,000 people, 8,000 units, 600 staff, 98 municipalities.
    L,
}

/// Reach names on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum, PartialEq, Eq, Default)]
pub enum ReachArg {
    /// Homes in a person's own municipality and its neighbours.
    #[default]
    Regional,
    /// Any home in the round: every person eligible for most units.
    All,
}

/// Arguments of `generate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Size of the round.
    #[arg(long, value_enum, ignore_case = true)]
    tier: TierArg,
    /// Random seed, from 0 to 18446744073709551615; the same tier and seed
    /// give the same files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Folder to write units.csv, people.csv, staff.csv and policy.toml into.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Another number of people than the tier's (e.g. for growth curves),
    /// from 1 to 50000.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=MAX_PEOPLE))]
    people: Option<u32>,
    /// Which homes a person may be offered: `regional` (own municipality
    /// and neighbours; about 100 eligible homes per person) or `all` (any
    /// home; tier M about 1.1 million eligible pairs, L about 29 million).
    /// Tier S has one municipality either way.
    #[arg(long, value_enum, ignore_case = true, default_value_t = ReachArg::Regional)]
    reach: ReachArg,
    /// Write the Danish Excel dialect (`;`, Windows-1252, Danish headers, dd-mm-yyyy).
    #[arg(long)]
    excel: bool,
    /// Replace a round that is already in the folder (refused without it).
    #[arg(long)]
    force: bool,
}

/// The most people `--people` may ask for: five times tier L.
const MAX_PEOPLE: i64 = 50_000;

/// Runs `generate`.
pub fn run(args: &Args) -> Result<()> {
    let tier = match args.tier {
        TierArg::S => Tier::S,
        TierArg::M => Tier::M,
        TierArg::L => Tier::L,
    };
    let existing = generate::existing(&args.out);
    if !existing.is_empty() && !args.force {
        anyhow::bail!(boligmatch::Error::Refused(format!(
            "{} already holds a round ({}); choose an empty folder or add --force to replace it",
            boligmatch::error::escaped(&args.out.display().to_string()),
            boligmatch::error::escaped(&existing.join(", "))
        )));
    }
    let reach = match args.reach {
        ReachArg::Regional => generate::Reach::Regional,
        ReachArg::All => generate::Reach::All,
    };
    let files = generate::generate_shaped(
        tier,
        args.seed,
        args.excel,
        args.people.map(|n| n as usize),
        reach,
    );
    generate::write(&args.out, &files)?;
    let (p, u, s, a) = tier.size();
    let p = args.people.map_or(p, |n| n as usize);
    let reach = match args.reach {
        ReachArg::Regional => "neighbouring areas",
        ReachArg::All => "every area",
    };
    eprintln!(
        "wrote {} ({p} people, {u} units, {s} staff, {a} areas, reach: {reach}, seed {})",
        boligmatch::error::escaped(&args.out.display().to_string()),
        args.seed
    );
    Ok(())
}
