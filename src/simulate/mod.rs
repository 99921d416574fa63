//! Simulation over many weeks: people keep arriving, homes fall vacant,
//! offers are declined, tenancies end, support periods end. Each simulated
//! week runs a strategy's round on that week's state and carries the offers,
//! decisions and move-ins to the next. Random draws use common random
//! numbers: keyed by (seed, run, week, stream) for arrivals and vacancies and
//! by (seed, run, person, offer number) for decisions, so every strategy sees
//! the same luck and differences are the strategy's.
//!
//! The parts, each in its own file: [`load_timeline`] reads what happens
//! (`timeline.rs`); [`Setup::new`] reads the timeline's files against the
//! base round (`setup.rs`); the strategies decide each week's round
//! (`strategy.rs`); a run's state changes week by week (`state.rs`) with
//! common random numbers (`draws.rs`); [`run`] and [`simulate`] play the runs
//! (`engine.rs`); [`Results`] summarises them (`results.rs`).

mod draws;
mod engine;
mod results;
mod setup;
mod state;
mod strategy;
mod timeline;

pub use engine::{run, simulate, RunOutput};
pub use results::{percentile, Results, GOALS, GOAL_COLUMNS, WEEKLY_COLUMNS};
pub use setup::Setup;
pub use state::{WeekValues, METRICS};
pub use strategy::{placements, Strategy, LOOKAHEAD_WEEKS};
pub use timeline::{load_timeline, Arrivals, Chance, Hire, NewUnits, Timeline, MAX_RATE};

/// The most weeks one simulation covers (ten years).
pub const MAX_WEEKS: u32 = 520;
/// The most runs.
pub const MAX_RUNS: u32 = 10_000;
