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
//! (`engine.rs`); [`Results`] summarises them as typed values
//! (`results.rs`); [`study`] runs a whole study, the base and its scenarios
//! or a sweep, from one checked [`Study`] (`study.rs`): the call a front end
//! makes.

mod draws;
mod engine;
mod results;
mod setup;
mod state;
mod strategy;
mod study;
mod timeline;

pub use engine::{run, simulate, RunOutput};
pub use results::{
    percentile, AgainstOptimal, GoalChance, Results, SweepStep, SweepVerdict, GOALS, GOAL_COLUMNS,
    SWEEP_COLUMNS, WEEKLY_COLUMNS,
};
pub use setup::Setup;
pub use state::{WeekValues, METRICS};
pub use strategy::{placements, Strategy, LOOKAHEAD_WEEKS};
pub use study::{
    study, Horizon, Outcome, SimulationError, Study, Variants, MAX_RUNS, MAX_SCENARIOS,
    MAX_SWEEP_STEPS, MAX_WEEKS,
};
pub use timeline::{load_timeline, Arrivals, Chance, Hire, NewUnits, Timeline, MAX_RATE};
