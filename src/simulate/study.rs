//! A whole simulation study, the one call a front end makes: the base round
//! and each scenario beside it, or every step of a sweep, simulated on the
//! same random numbers and summarised as typed results (chances per goal,
//! each strategy against `optimal`, the sweep's verdicts).
//!
//! The study's values are checked before any work starts; a value out of
//! range is a [`SimulationError`] that names the value, so each front end
//! can say which of its fields set it.

use super::engine::{finished, NO_RUN_FINISHED};
use super::results::{GoalChance, Results, SweepStep, SweepVerdict};
use super::setup::Setup;
use super::strategy::Strategy;
use super::timeline::Timeline;
use crate::error::Error;
use crate::input::scenario::Scenario;
use crate::input::templates::Templates;
use crate::round::Round;
use crate::solver::Settings;
use crate::whatif::scenario::{apply, sweep_scenarios, Sweep};
use chrono::NaiveDate;

/// The most weeks one simulation covers (ten years).
pub const MAX_WEEKS: u32 = 520;
/// The most runs.
pub const MAX_RUNS: u32 = 10_000;
/// The most scenarios one study compares beside the base.
pub const MAX_SCENARIOS: usize = 20;
/// The most steps of a simulated sweep (each step is a whole simulation).
pub const MAX_SWEEP_STEPS: usize = 100;

/// How long a simulation runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Horizon {
    /// This many weeks (1 to [`MAX_WEEKS`]).
    Weeks(u32),
    /// Until this day: every week from the round date up to the week that
    /// holds it (at most [`MAX_WEEKS`]).
    Until(NaiveDate),
}

impl Horizon {
    /// The weeks simulated from `start`, the base round's date.
    pub fn weeks(self, start: NaiveDate) -> Result<u32, SimulationError> {
        match self {
            Horizon::Weeks(w) if (1..=MAX_WEEKS).contains(&w) => Ok(w),
            Horizon::Weeks(w) => Err(SimulationError::Weeks(w)),
            Horizon::Until(end) => {
                let days = (end - start).num_days();
                if days < 0 || days / 7 >= i64::from(MAX_WEEKS) {
                    return Err(SimulationError::End { end, start });
                }
                Ok(days as u32 / 7 + 1)
            }
        }
    }
}

/// What is simulated besides or instead of the base round.
#[derive(Debug, Clone, PartialEq)]
pub enum Variants {
    /// The base round and each of these scenarios beside it (at most
    /// [`MAX_SCENARIOS`]).
    Scenarios(Vec<Scenario>),
    /// Every step of a sweep instead of the base (at most
    /// [`MAX_SWEEP_STEPS`]), each step costed from the templates when given.
    Sweep {
        /// The sweep.
        sweep: Sweep,
        /// The templates that cost a step (`templates.toml`), if any.
        templates: Option<Templates>,
    },
}

/// One simulation study: everything [`study`] needs besides the base round
/// and the solver's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Study {
    /// What happens over the weeks.
    pub timeline: Timeline,
    /// How long to simulate.
    pub horizon: Horizon,
    /// Runs per strategy (1 to [`MAX_RUNS`]).
    pub runs: u32,
    /// The seed: the same seed gives the same results.
    pub seed: u64,
    /// The strategies to compare, in the order of the outputs.
    pub strategies: Vec<Strategy>,
    /// The scenarios beside the base, or a sweep.
    pub variants: Variants,
    /// The chance of meeting a goal a sweep step must reach (0.01 to 1).
    pub confidence: f64,
}

impl Study {
    /// The files the study reads besides the base round and the files
    /// themselves named by the front end (timeline, templates): the
    /// timeline's arrivals, new units and arrival mix, and each scenario's
    /// own file and the people files it adds. A front end keeps its outputs
    /// off these.
    pub fn files(&self) -> Vec<&std::path::Path> {
        let mut out = self.timeline.files();
        if let Variants::Scenarios(list) = &self.variants {
            out.extend(list.iter().flat_map(Scenario::files));
        }
        out
    }

    /// The weeks simulated from `start` (the base round's date), or the
    /// first value out of its range.
    pub fn check(&self, start: NaiveDate) -> Result<u32, SimulationError> {
        let weeks = self.horizon.weeks(start)?;
        if !(1..=MAX_RUNS).contains(&self.runs) {
            return Err(SimulationError::Runs(self.runs));
        }
        if !(0.01..=1.0).contains(&self.confidence) {
            return Err(SimulationError::Confidence(self.confidence));
        }
        match &self.variants {
            Variants::Scenarios(s) if s.len() > MAX_SCENARIOS => {
                Err(SimulationError::Scenarios(s.len()))
            }
            Variants::Sweep { sweep, .. } if sweep.steps().len() > MAX_SWEEP_STEPS => {
                Err(SimulationError::SweepSteps(sweep.steps().len()))
            }
            _ => Ok(weeks),
        }
    }
}

/// A study's typed results.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The first simulated day: the base round's date.
    pub from: NaiveDate,
    /// Weeks simulated.
    pub weeks: u32,
    /// Per scenario (the base and each scenario, or each sweep step, in
    /// order): its name and every run of every strategy.
    pub scenarios: Vec<(String, Results)>,
    /// Per scenario, strategy and goal: the chance of meeting the goal.
    pub goals: Vec<GoalChance>,
    /// Per sweep step, strategy and goal: the chance, the step's cost and
    /// whether it reaches the confidence; `None` without a sweep.
    pub sweep: Option<Vec<SweepStep>>,
    /// Per strategy and goal: the first sweep step reaching the confidence
    /// (every step `None` without a sweep).
    pub verdicts: Vec<SweepVerdict>,
}

/// Why a study was refused or gave no results. The messages name values,
/// never a front end's flags or fields.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimulationError {
    /// A number of weeks outside 1 to [`MAX_WEEKS`].
    #[error("{0} weeks: a simulation covers 1 to {MAX_WEEKS} weeks")]
    Weeks(u32),
    /// An end date before the round date or [`MAX_WEEKS`] weeks or more
    /// after it.
    #[error(
        "the end date {end} must be from the round date {start} to at most {MAX_WEEKS} weeks later"
    )]
    End {
        /// The end date asked for.
        end: NaiveDate,
        /// The base round's date.
        start: NaiveDate,
    },
    /// A number of runs outside 1 to [`MAX_RUNS`].
    #[error("{0} runs: a simulation makes 1 to {MAX_RUNS} runs per strategy")]
    Runs(u32),
    /// A confidence outside 0.01 to 1.
    #[error("the confidence {0} is not from 0.01 to 1")]
    Confidence(f64),
    /// More scenarios than [`MAX_SCENARIOS`].
    #[error("{0} scenarios; a simulation compares at most {MAX_SCENARIOS}")]
    Scenarios(usize),
    /// A sweep of more steps than [`MAX_SWEEP_STEPS`].
    #[error("a sweep of {0} steps; at most {MAX_SWEEP_STEPS}")]
    SweepSteps(usize),
    /// Every run of some strategy was cut short by the time limit.
    #[error("{NO_RUN_FINISHED}")]
    NoRunFinished,
    /// The round, a scenario, the timeline or a solve failed.
    #[error(transparent)]
    Library(#[from] Error),
}

impl From<SimulationError> for Error {
    /// A refusal as [`Error::Refused`], no run finished as
    /// [`Error::OutOfTime`], the library's own errors as they are.
    fn from(e: SimulationError) -> Error {
        match e {
            SimulationError::Library(e) => e,
            SimulationError::NoRunFinished => Error::OutOfTime(NO_RUN_FINISHED.into()),
            other => Error::Refused(other.to_string()),
        }
    }
}

/// Runs a study on `base`: the values checked first, then every scenario
/// (or sweep step) simulated with every strategy on the same random
/// numbers, and summarised.
///
/// ```
/// use boligmatch::simulate::{study, Horizon, Strategy, Study, Timeline, Variants};
/// use boligmatch::{load, RoundPaths, Settings};
///
/// let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data-samples/ballerup-2014");
/// let today = chrono::NaiveDate::from_ymd_opt(2014, 11, 3).unwrap();
/// let base = load(&RoundPaths::in_dir(&dir), today)?.round;
/// let s = Study {
///     timeline: Timeline::default(),
///     horizon: Horizon::Weeks(2),
///     runs: 2,
///     seed: 1,
///     strategies: vec![Strategy::Optimal, Strategy::PriorityList],
///     variants: Variants::Scenarios(vec![]),
///     confidence: 0.8,
/// };
/// let outcome = study(&base, &s, &Settings::default())?;
/// for g in &outcome.goals {
///     println!("{} {}: {:.0} % of runs meet {}", g.scenario, g.strategy.as_str(), g.probability_met * 100.0, g.goal);
/// }
/// assert_eq!(outcome.goals.len(), 2 * 2); // two strategies, two goals
/// # Ok::<(), boligmatch::simulate::SimulationError>(())
/// ```
pub fn study(base: &Round, study: &Study, settings: &Settings) -> Result<Outcome, SimulationError> {
    let from = base.policy.round_date;
    let weeks = study.check(from)?;
    let (scenarios, costs) = variants(base, &study.variants);
    let mut all = Vec::new();
    let mut goals = Vec::new();
    let mut steps = Vec::new();
    for (sc, cost) in scenarios.iter().zip(costs) {
        let round = apply(base, sc)?;
        let setup = Setup::new(round, study.timeline.clone(), weeks, study.seed)?;
        let results = finished(&setup, &study.strategies, study.runs, settings)?
            .ok_or(SimulationError::NoRunFinished)?;
        let chances = results.goal_chances(&sc.name);
        steps.extend(
            chances
                .iter()
                .map(|c| SweepStep::new(c, cost, study.confidence)),
        );
        goals.extend(chances);
        all.push((sc.name.clone(), results));
    }
    let sweep = matches!(study.variants, Variants::Sweep { .. }).then_some(steps);
    let verdicts = SweepVerdict::first_of(&study.strategies, sweep.as_deref().unwrap_or(&[]));
    Ok(Outcome {
        from,
        weeks,
        scenarios: all,
        goals,
        sweep,
        verdicts,
    })
}

/// The scenarios simulated and each one's cost: the base and each scenario
/// (no cost), or every step of the sweep (its cost when the templates
/// price one step).
fn variants(base: &Round, v: &Variants) -> (Vec<Scenario>, Vec<Option<i64>>) {
    match v {
        Variants::Scenarios(list) => {
            let mut all = vec![Scenario::base()];
            all.extend(list.iter().cloned());
            let costs = vec![None; all.len()];
            (all, costs)
        }
        Variants::Sweep { sweep, templates } => {
            let each = templates.as_ref().and_then(|t| step_cost(sweep, t));
            let costs = sweep
                .steps()
                .iter()
                .map(|n| each.map(|c| c * i64::from(*n)))
                .collect();
            (
                sweep_scenarios(base, std::slice::from_ref(sweep), "the sweep"),
                costs,
            )
        }
    }
}

/// The cost of one step of a sweep from the templates: the first unit
/// template of the kind, or the first staff template of the method and
/// gender, over the templates' months.
fn step_cost(sweep: &Sweep, t: &Templates) -> Option<i64> {
    match sweep {
        Sweep::Units { kind, .. } => t
            .unit
            .iter()
            .find(|u| u.unit.kind == *kind)
            .map(|u| u.cost(t.months)),
        Sweep::Staff { method, gender, .. } => t
            .staff
            .iter()
            .find(|s| s.staff.method == *method && s.staff.gender == *gender)
            .map(|s| s.cost(t.months)),
    }
}
