//! The runs summarised: percentiles per week, the chance of meeting each
//! goal, each strategy against `optimal`, and the rows of the CSV files.

use super::state::{WeekValues, METRICS};
use super::strategy::Strategy;
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
}

/// The goals at the end: (name, target, metric index).
pub const GOALS: [(&str, f64, usize); 2] = [("under_18", 1.0, 2), ("age_18_29", 0.9, 3)];

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

    /// Each strategy against `optimal` on the same random numbers: per goal,
    /// the mean paired difference of the final share and its 95 % interval
    /// (mean ± 1.96 standard errors) over the runs both finished.
    pub fn against_optimal(&self) -> Vec<(Strategy, &'static str, f64, f64, f64)> {
        let Some(o) = self.strategies.iter().position(|s| *s == Strategy::Optimal) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (si, s) in self.strategies.iter().enumerate().filter(|(i, _)| *i != o) {
            for (name, _, m) in GOALS {
                let d: Vec<f64> = self.runs[si]
                    .iter()
                    .zip(&self.runs[o])
                    .filter_map(|(a, b)| Some(a.last()?[m] - b.last()?[m]))
                    .collect();
                let n = d.len().max(1) as f64;
                let mean = d.iter().sum::<f64>() / n;
                let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
                let half = 1.96 * (var / n).sqrt();
                out.push((*s, name, mean, mean - half, mean + half));
            }
        }
        out
    }

    /// `goals.csv` rows: strategy, scenario, goal, probability_met,
    /// median_share, p10_share, p90_share (at the last week).
    pub fn goal_rows(&self, scenario: &str) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        for (si, s) in self.strategies.iter().enumerate() {
            for (name, target, m) in GOALS {
                let mut v: Vec<f64> = self.runs[si]
                    .iter()
                    .filter_map(|r| r.last().map(|w| w[m]))
                    .collect();
                let met = v.iter().filter(|x| **x + 1e-9 >= target).count() as f64
                    / v.len().max(1) as f64;
                rows.push(vec![
                    s.as_str().to_string(),
                    scenario.to_string(),
                    name.to_string(),
                    fmt(met),
                    fmt(percentile(&mut v, 0.5)),
                    fmt(percentile(&mut v, 0.1)),
                    fmt(percentile(&mut v, 0.9)),
                ]);
            }
        }
        rows
    }
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
