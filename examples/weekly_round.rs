//! The allocation office's weekly round from code: read the exports, allocate,
//! read the ranked proposals with their reasons, and write the files the
//! office archives.
//!
//! ```sh
//! cargo run --example weekly_round -- data-samples/ballerup-2014 out/example-week
//! ```

use boligmatch::{
    allocate, allocation_files, load, write_all, Audit, CsvStyle, Options, ReportLang, RoundPaths,
};
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "data-samples/ballerup-2014".into()),
    );
    let out = args.next().map(PathBuf::from);

    // 1. Read and check the exports (every problem at once, positioned).
    let paths = RoundPaths::in_dir(&dir);
    let today = chrono::Local::now().date_naive();
    let loaded = load(&paths, today)?;
    let round = &loaded.round;
    println!(
        "round of {}: {} people, {} units, {} workers",
        round.policy().round_date,
        round.people().len(),
        round.units().len(),
        round.staff().len()
    );

    // 2. Allocate: three ranked proposals, two alternatives per person.
    let options = Options {
        proposals: 3,
        alternatives: 2,
        ..Options::default()
    };
    let outcome = allocate(round, &options)?;

    // 3. Read them: the placements, why each fits, who waits and why.
    for proposal in &outcome.proposals {
        println!(
            "\nproposal {}: {} housed, priority {} ({}), fit {} ({})",
            proposal.rank,
            proposal.placements.len(),
            proposal.level1.value,
            proposal.level1.status.describe(),
            proposal.level2.value,
            proposal.level2.status.describe(),
        );
        for change in &proposal.changes {
            println!(
                "  differs from proposal 1: {} {:?} -> {:?}",
                change.person_id, change.from, change.to
            );
        }
    }
    let best = &outcome.proposals[0];
    println!();
    for p in &best.placements {
        println!(
            "{:<6} {:<8} {:<6} {:<4} {}",
            p.person_id,
            p.unit_id,
            p.staff_id,
            p.method,
            p.reasons.join("; ")
        );
    }
    for u in &best.unplaced {
        println!(
            "{:<6} waits: {} ({})",
            u.person_id,
            u.reason.as_str(),
            u.details
        );
    }
    let g = &best.goals;
    println!(
        "\ngoals: under 18 {}/{}, 18-29 {}/{}, support {}/{}",
        g.under_18.achieved,
        g.under_18.total,
        g.age_18_29.achieved,
        g.age_18_29.total,
        g.support.achieved,
        g.support.total
    );

    // 4. Archive: the same files `boligmatch allocate --out` writes, atomically.
    if let Some(out) = out {
        let audit = Audit {
            inputs: loaded.sources.clone(),
            policy: round.policy().clone(),
            command_line: std::env::args().collect(),
            read_seconds: 0.0,
        };
        let written = allocation_files(
            &outcome,
            &audit,
            CsvStyle::EXCEL,
            ReportLang::En,
            (true, false),
        );
        write_all(&out, &written, &paths.all())?;
        println!("wrote {}", out.display());
    }
    Ok(())
}
