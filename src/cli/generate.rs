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

/// Arguments of `generate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Size of the round.
    #[arg(long, value_enum)]
    tier: TierArg,
    /// Random seed; the same tier and seed give the same files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Folder to write units.csv, people.csv, staff.csv and policy.toml into.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Another number of people than the tier's (e.g. for growth curves).
    #[arg(long, value_name = "N")]
    people: Option<usize>,
    /// Write the Danish Excel dialect (`;`, Windows-1252, Danish headers, dd-mm-yyyy).
    #[arg(long)]
    excel: bool,
}

/// Runs `generate`.
pub fn run(args: &Args) -> Result<()> {
    let tier = match args.tier {
        TierArg::S => Tier::S,
        TierArg::M => Tier::M,
        TierArg::L => Tier::L,
    };
    let files = generate::generate_sized(tier, args.seed, args.excel, args.people);
    generate::write(&args.out, &files)?;
    let (p, u, s, a) = tier.size();
    let p = args.people.unwrap_or(p);
    eprintln!(
        "wrote {} ({p} people, {u} units, {s} staff, {a} areas, seed {})",
        args.out.display(),
        args.seed
    );
    Ok(())
}
