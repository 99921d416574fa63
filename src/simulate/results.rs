//! The runs summarised: percentiles per week, the chance of meeting each
//! goal, each strategy against `optimal`, and the rows of the CSV files.

use super::state::{WeekValues, METRICS};
use super::strategy::Strategy;
use crate::model::GoalTargets;
use chrono::NaiveDate;

/// Nearest-rank percentile `q` of values.
pub fn percentile(values: &mut [f64], q: f64) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    let rank = ((q * values.len() as f64).ceil() as usize).clamp(1, values.len().max(1));
    values.get(rank - 1).copied().unwrap_or(0.0)
}

/// Every run of every strategy: `runs[strategy][run][week]`, and how many
/// runs finished within the time limit (the first `k` of each strategy).
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// The strategies, in the order given.
    pub strategies: Vec<Strategy>,
    /// Per strategy, the finished runs' weeks.
    pub runs: Vec<Vec<Vec<WeekValues>>>,
    /// Per strategy, the days from registration to the move-in of everyone
    /// housed in any finished run, sorted.
    pub waits: Vec<Vec<i64>>,
    /// The days of the weeks.
    pub days: Vec<NaiveDate>,
    /// The goal targets of the round simulated (its policy's `[goals]`).
    pub targets: GoalTargets,
}

/// The goals a simulation follows to the end: (name, metric index).
pub const GOALS: [(&str, usize); 2] = [("under_18", 2), ("age_18_29", 3)];

impl Results {
    /// The goals with their targets: (name, target, metric index).
    pub fn goals(&self) -> [(&'static str, f64, usize); 2] {
        let [(a, ma), (b, mb)] = GOALS;
        [
            (a, self.targets.under_18, ma),
            (b, self.targets.age_18_29, mb),
        ]
    }
}

impl Results {
    /// `weekly.csv` rows: strategy, scenario, week, date, metric, p10, median, p90.
    pub fn weekly_rows(&self, scenario: &str) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        for (si, s) in self.strategies.iter().enumerate() {
            for (w, day) in self.days.iter().enumerate() {
                for (m, name) in METRICS.iter().enumerate() {
                    let mut v: Vec<f64> = self.runs[si].iter().map(|r| r[w][m]).collect();
                    let (p10, med, p90) = (
                        percentile(&mut v, 0.1),
                        percentile(&mut v, 0.5),
                        percentile(&mut v, 0.9),
                    );
                    rows.push(vec![
                        s.as_str().to_string(),
                        scenario.to_string(),
                        (w + 1).to_string(),
                        day.to_string(),
                        name.to_string(),
                        fmt(p10),
                        fmt(med),
                        fmt(p90),
                    ]);
                }
            }
        }
        rows
    }

    /// Per strategy, how many runs finished within the time limit.
    pub fn runs_finished(&self) -> Vec<usize> {
        self.runs.iter().map(Vec::len).collect()
    }

    /// Each strategy against `optimal` on the same random numbers: per goal,
    /// the mean paired difference of the final share and its 95 % interval
    /// (mean ± 1.96 standard errors) over the runs both finished. Empty
    /// without `optimal` among the strategies.
    pub fn against_optimal(&self) -> Vec<AgainstOptimal> {
        let Some(o) = self.strategies.iter().position(|s| *s == Strategy::Optimal) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (si, s) in self.strategies.iter().enumerate().filter(|(i, _)| *i != o) {
            for (name, m) in GOALS {
                let d: Vec<f64> = self.runs[si]
                    .iter()
                    .zip(&self.runs[o])
                    .filter_map(|(a, b)| Some(a.last()?[m] - b.last()?[m]))
                    .collect();
                let n = d.len().max(1) as f64;
                let mean = d.iter().sum::<f64>() / n;
                let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
                let half = 1.96 * (var / n).sqrt();
                out.push(AgainstOptimal {
                    strategy: *s,
                    goal: name,
                    mean_share_difference: mean,
                    ci95: [mean - half, mean + half],
                });
            }
        }
        out
    }

    /// The chance of meeting each goal at the last week, per strategy (in
    /// order) and goal ([`GOALS`] order), in scenario `scenario`.
    pub fn goal_chances(&self, scenario: &str) -> Vec<GoalChance> {
        let mut out = Vec::new();
        for (si, s) in self.strategies.iter().enumerate() {
            for (name, target, m) in self.goals() {
                let mut v: Vec<f64> = self.runs[si]
                    .iter()
                    .filter_map(|r| r.last().map(|w| w[m]))
                    .collect();
                let met = v.iter().filter(|x| **x + 1e-9 >= target).count() as f64
                    / v.len().max(1) as f64;
                out.push(GoalChance {
                    scenario: scenario.to_string(),
                    strategy: *s,
                    goal: name,
                    target,
                    probability_met: met,
                    median_share: percentile(&mut v, 0.5),
                    p10_share: percentile(&mut v, 0.1),
                    p90_share: percentile(&mut v, 0.9),
                });
            }
        }
        out
    }

    /// `goals.csv` rows: strategy, scenario, goal, probability_met,
    /// median_share, p10_share, p90_share (at the last week).
    pub fn goal_rows(&self, scenario: &str) -> Vec<Vec<String>> {
        self.goal_chances(scenario)
            .iter()
            .map(GoalChance::row)
            .collect()
    }
}

/// One strategy against `optimal` on the same random numbers, for one goal.
#[derive(Debug, Clone, PartialEq)]
pub struct AgainstOptimal {
    /// The strategy compared (never `optimal` itself).
    pub strategy: Strategy,
    /// The goal ([`GOALS`] name).
    pub goal: &'static str,
    /// The mean over the runs of this strategy's final share minus
    /// `optimal`'s in the same run.
    pub mean_share_difference: f64,
    /// The mean's 95 % interval (mean ± 1.96 standard errors): low, high.
    pub ci95: [f64; 2],
}

/// The chance of meeting one goal at the last week, for one strategy in one
/// scenario: a row of `goals.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalChance {
    /// The scenario's name (`base`, a scenario's name or a sweep step's).
    pub scenario: String,
    /// The strategy.
    pub strategy: Strategy,
    /// The goal ([`GOALS`] name).
    pub goal: &'static str,
    /// The goal's target share (0 to 1).
    pub target: f64,
    /// The share of finished runs whose final share meets the target (0 to 1).
    pub probability_met: f64,
    /// The median final share over the runs.
    pub median_share: f64,
    /// The 10th percentile of the final share.
    pub p10_share: f64,
    /// The 90th percentile of the final share.
    pub p90_share: f64,
}

impl GoalChance {
    /// The row of `goals.csv` ([`GOAL_COLUMNS`]).
    pub fn row(&self) -> Vec<String> {
        vec![
            self.strategy.as_str().to_string(),
            self.scenario.clone(),
            self.goal.to_string(),
            fmt(self.probability_met),
            fmt(self.median_share),
            fmt(self.p10_share),
            fmt(self.p90_share),
        ]
    }
}

/// One step of a sweep for one strategy and goal: its chance of meeting the
/// goal, its cost and whether it reaches the confidence asked for; a row of
/// `sweep.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepStep {
    /// The step's name (e.g. `+2 ICM (f)`).
    pub step: String,
    /// The strategy.
    pub strategy: Strategy,
    /// The goal ([`GOALS`] name).
    pub goal: &'static str,
    /// The share of finished runs meeting the goal (0 to 1).
    pub probability_met: f64,
    /// The step's cost in whole kroner, when templates were given and one
    /// matches the sweep.
    pub cost_dkk: Option<i64>,
    /// Whether `probability_met`, as the files write it (four decimals),
    /// reaches the confidence: the verdict agrees with the number shown.
    pub reaches_confidence: bool,
}

impl SweepStep {
    /// A step from its chance of meeting the goal, its cost and the
    /// confidence asked for.
    pub fn new(chance: &GoalChance, cost_dkk: Option<i64>, confidence: f64) -> SweepStep {
        SweepStep {
            step: chance.scenario.clone(),
            strategy: chance.strategy,
            goal: chance.goal,
            probability_met: chance.probability_met,
            cost_dkk,
            reaches_confidence: reported(chance.probability_met) + 1e-9 >= confidence,
        }
    }

    /// The row of `sweep.csv` ([`SWEEP_COLUMNS`]).
    pub fn row(&self) -> Vec<String> {
        vec![
            self.step.clone(),
            self.strategy.as_str().to_string(),
            self.goal.to_string(),
            fmt(self.probability_met),
            self.cost_dkk.map(|c| c.to_string()).unwrap_or_default(),
            if self.reaches_confidence { "yes" } else { "no" }.to_string(),
        ]
    }
}

/// Per strategy and goal: the first step of a sweep (in the sweep's order)
/// whose chance reaches the confidence.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepVerdict {
    /// The strategy.
    pub strategy: Strategy,
    /// The goal ([`GOALS`] name).
    pub goal: &'static str,
    /// The first step reaching the confidence; `None` when no step does,
    /// or no sweep was simulated.
    pub step: Option<String>,
    /// That step's cost in whole kroner, when known.
    pub cost_dkk: Option<i64>,
}

impl SweepVerdict {
    /// Per strategy (in order) and goal ([`GOALS`] order): the first of
    /// `steps` that reaches the confidence.
    pub fn first_of(strategies: &[Strategy], steps: &[SweepStep]) -> Vec<SweepVerdict> {
        let mut out = Vec::new();
        for s in strategies {
            for (goal, _) in GOALS {
                let first = steps
                    .iter()
                    .find(|x| x.strategy == *s && x.goal == goal && x.reaches_confidence);
                out.push(SweepVerdict {
                    strategy: *s,
                    goal,
                    step: first.map(|x| x.step.clone()),
                    cost_dkk: first.and_then(|x| x.cost_dkk),
                });
            }
        }
        out
    }

    /// The step as the outputs name it: `+2 ICM (f)`, with its cost when
    /// known (`+2 ICM (f) (912000 kr)`); `None` when no step reaches the
    /// confidence.
    pub fn label(&self) -> Option<String> {
        let step = self.step.as_ref()?;
        Some(match self.cost_dkk {
            Some(c) => format!("{step} ({c} kr)"),
            None => step.clone(),
        })
    }
}

/// A value as the CSV files write it (at most four decimals).
fn reported(x: f64) -> f64 {
    fmt(x).parse().unwrap_or(x)
}

/// A number for the CSV files: at most four decimals, no trailing zeros.
fn fmt(x: f64) -> String {
    let s = format!("{:.4}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// The columns of `weekly.csv`.
pub const WEEKLY_COLUMNS: [&str; 8] = [
    "strategy", "scenario", "week", "date", "metric", "p10", "median", "p90",
];
/// The columns of `goals.csv`.
pub const GOAL_COLUMNS: [&str; 7] = [
    "strategy",
    "scenario",
    "goal",
    "probability_met",
    "median_share",
    "p10_share",
    "p90_share",
];
/// The columns of `sweep.csv`.
pub const SWEEP_COLUMNS: [&str; 6] = [
    "step",
    "strategy",
    "goal",
    "probability_met",
    "cost_dkk",
    "reaches_confidence",
];
