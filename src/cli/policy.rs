//! `boligmatch policy --defaults`: the complete default policy as TOML with
//! comments; `boligmatch policy DIR`: the policy a round is read with.

use super::{print, InputArgs};
use anyhow::{bail, Result};

/// Arguments of `policy`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the built-in default policy: every key, every kind, every
    /// weight, every alias (valid policy.toml, with comments).
    #[arg(long)]
    defaults: bool,
    #[command(flatten)]
    input: InputArgs,
}

/// Runs `policy`.
pub fn run(args: &Args) -> Result<()> {
    if args.defaults {
        if args.input.dir.is_some() {
            bail!(boligmatch::Error::Refused(
                "give either --defaults or a round folder DIR, not both".into()
            ));
        }
        return print(&boligmatch::policy_defaults());
    }
    if args.input.dir.is_none() && args.input.policy.is_none() {
        bail!(boligmatch::Error::Refused(
            "give --defaults, or a round folder DIR to print the policy it is read with".into()
        ));
    }
    let (_, loaded) = args.input.load()?;
    print(&boligmatch::policy_text(loaded.round.policy()))
}
