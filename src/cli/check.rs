//! `boligmatch check DIR`: validate the exports, report every problem at once,
//! or print a one-screen summary.

use super::{print, InputArgs};
use anyhow::Result;
use boligmatch::model::{AgeBand, Gender, Method};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
}

/// Runs `check`.
pub fn run(args: &Args) -> Result<()> {
    let (_, loaded) = args.input.load()?;
    let r = &loaded.round;
    boligmatch::allocate::check_pins(r)?;
    let mut out = String::new();
    let _ = writeln!(out, "OK: the round of {} is valid.", r.policy().round_date);
    let _ = writeln!(
        out,
        "units: {} ({} places)",
        r.units().len(),
        r.units().iter().map(|u| u.places).sum::<u32>()
    );
    // The label column as wide as the longest kind id in use (at least 14).
    let w = r
        .units()
        .iter()
        .map(|u| u.kind.as_str().chars().count())
        .max()
        .unwrap_or(0)
        .max(14);
    for kind in r.policy().kinds.ids() {
        let us: Vec<_> = r.units().iter().filter(|u| u.kind == kind).collect();
        if !us.is_empty() {
            let _ = writeln!(
                out,
                "  {:<w$} {:>3} units {:>3} places",
                kind.as_str(),
                us.len(),
                us.iter().map(|u| u.places).sum::<u32>()
            );
        }
    }
    let _ = writeln!(out, "people: {}", r.people().len());
    let mut bands: BTreeMap<(AgeBand, Gender), usize> = BTreeMap::new();
    for p in r.people() {
        *bands.entry((p.age_band(), p.gender)).or_default() += 1;
    }
    for (band, label) in [
        (AgeBand::Under18, "under 18"),
        (AgeBand::Age18To24, "18-24"),
        (AgeBand::Age25To29, "25-29"),
        (AgeBand::Age30Plus, "30+"),
    ] {
        let f = bands.get(&(band, Gender::F)).copied().unwrap_or(0);
        let m = bands.get(&(band, Gender::M)).copied().unwrap_or(0);
        if f + m > 0 {
            let _ = writeln!(out, "  {label:<w$} {:>3} ({f} women, {m} men)", f + m);
        }
    }
    let _ = writeln!(
        out,
        "staff: {} ({} free support slots)",
        r.staff().len(),
        r.staff().iter().map(|s| s.capacity).sum::<u32>()
    );
    for m in Method::ALL {
        let ss: Vec<_> = r.staff().iter().filter(|s| s.method == *m).collect();
        if !ss.is_empty() {
            let women = ss.iter().filter(|s| s.gender == Gender::F).count();
            let _ = writeln!(
                out,
                "  {:<w$} {:>3} workers ({women} women) {:>3} free slots",
                m.as_str(),
                ss.len(),
                ss.iter().map(|s| s.capacity).sum::<u32>()
            );
        }
    }
    aliases_used(&loaded.aliases_used, &mut out);
    print(&out)
}

/// The office's words that were read through `[aliases]` (built in or the
/// policy's). In a health column only the contract value is named, never the
/// export's word.
fn aliases_used(used: &boligmatch::AliasesUsed, out: &mut String) {
    if used.is_empty() {
        return;
    }
    let _ = writeln!(out, "aliases used:");
    for ((file, column, word, value), n) in used {
        let _ = match word {
            Some(w) if w == value => continue,
            Some(w) if column == boligmatch::HEADER => {
                writeln!(out, "  {file}: header \"{}\" read as {value}", escaped(w))
            }
            Some(w) => writeln!(
                out,
                "  {file}, {column}: \"{}\" read as {value} ({n} cell{})",
                escaped(w),
                if *n == 1 { "" } else { "s" }
            ),
            None => writeln!(
                out,
                "  {file}, {column}: an alias of {value} (health data: the word is not shown)"
            ),
        };
    }
}

fn escaped(s: &str) -> String {
    boligmatch::error::printable(s)
}
