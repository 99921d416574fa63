//! The project leader's what-if questions from code: the base round and each
//! scenario file side by side (solved in parallel), then a sweep over more
//! "skæve boliger".
//!
//! ```sh
//! cargo run --example what_if -- data-samples/ballerup-2014
//! ```

use boligmatch::{
    compare_scenarios, load, load_scenarios, sweep_scenarios, Options, RoundPaths, Scenario, Sweep,
};
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "data-samples/ballerup-2014".into()),
    );
    let today = chrono::Local::now().date_naive();
    let base = load(&RoundPaths::in_dir(&dir), today)?.round;

    // Every scenario in the sample's folder, with the base first.
    let mut scenarios = vec![Scenario::base()];
    scenarios.extend(load_scenarios(&dir.join("scenarios"))?);
    let rows = compare_scenarios(&base, &scenarios, &Options::default())?;
    println!(
        "{:<36} {:>6} {:>9} {:>9}",
        "scenario", "housed", "under 18", "18-29"
    );
    for row in &rows {
        println!(
            "{:<36} {:>6} {:>8.0}% {:>8.0}%",
            row.scenario,
            row.housed,
            row.goals.under_18.share() * 100.0,
            row.goals.age_18_29.share() * 100.0
        );
    }

    // How many more skæve boliger until 90 % of the 18–29-year-olds are housed?
    let sweep = Sweep::parse("add=skaev_bolig:0..6")?;
    let steps = sweep_scenarios(&base, &[sweep], "the sweep");
    let rows = compare_scenarios(&base, &steps, &Options::default())?;
    match rows.iter().find(|r| r.goals.age_18_29.met()) {
        Some(r) => println!("\n18-29 goal first met at: {}", r.scenario),
        None => println!("\n18-29 goal not met with up to 6 more skæve boliger"),
    }
    Ok(())
}
