//! The report of `simulate`: chances per scenario and strategy, fan charts
//! of each goal over time, waiting times, and sweep verdicts.

use super::{page, table, Lang};
use crate::report::labels::Label as L;
use crate::report::svg;
use maud::{html, Markup};

/// The report of `simulate`: per scenario the chance of meeting each goal
/// at the end; per scenario and goal a fan chart of the goal's share over
/// time (median with a shaded 10–90 % band per strategy, and the goal as a
/// dashed line); the waiting-time distribution per scenario and strategy; for a
/// sweep, the first step that reaches the chosen confidence.
pub fn simulation(
    all: &[(String, crate::simulate::Results)],
    firsts: &[crate::simulate::SweepVerdict],
    lang: Lang,
) -> String {
    let charts = fan_charts(all, lang);
    let rows: Vec<Vec<String>> = all.iter().flat_map(|(name, r)| r.goal_rows(name)).collect();
    let head = crate::simulate::GOAL_COLUMNS;
    let first_rows: Vec<Vec<String>> = firsts
        .iter()
        .map(|v| {
            vec![
                v.strategy.as_str().to_string(),
                v.goal.to_string(),
                v.label()
                    .unwrap_or_else(|| lang.t(L::NotWithin).to_string()),
            ]
        })
        .collect();
    let waits = wait_series(all);
    let bucket_names: Vec<String> = WAIT_BUCKETS
        .iter()
        .map(|(n, _)| format!("{n} {}", lang.t(L::Days)))
        .collect();
    let body = html! {
        section {
            h2 { (lang.t(L::ChanceOfGoals)) }
            (table(&head, &rows, &[3, 4, 5, 6]))
        }
        section {
            h2 { (lang.t(L::GoalsOverTime)) }
            @for c in &charts { (c) }
        }
        @if !first_rows.is_empty() {
            section {
                h2 { (lang.t(L::FirstMet)) }
                (table(&["strategy", "goal", "step"], &first_rows, &[]))
            }
        }
        section {
            h2 { (lang.t(L::WaitToHome)) }
            @for (i, (scenario, series)) in waits.iter().enumerate() {
                h3 { (scenario) }
                (svg::grouped(&format!("sim-wait-{i}"), lang.t(L::WaitToHome), &bucket_names, series, lang.t(L::Shares)))
            }
        }
    };
    page(lang, lang.t(L::TitleSimulation), body)
}

/// Per scenario and goal, one fan chart with a band per strategy on the
/// same axes.
fn fan_charts(all: &[(String, crate::simulate::Results)], lang: Lang) -> Vec<Markup> {
    use crate::simulate::percentile;
    let mut charts = Vec::new();
    for (scenario, r) in all {
        let weeks: Vec<String> = r.days.iter().map(|d| d.to_string()).collect();
        for (goal, target, m) in r.goals() {
            let bands: Vec<svg::Band> = r
                .strategies
                .iter()
                .enumerate()
                .map(|(si, s)| {
                    let at = |q: f64| -> Vec<f64> {
                        (0..r.days.len())
                            .map(|w| {
                                let mut v: Vec<f64> =
                                    r.runs[si].iter().map(|run| run[w][m] * 100.0).collect();
                                percentile(&mut v, q)
                            })
                            .collect()
                    };
                    svg::Band {
                        name: s.as_str().to_string(),
                        p10: at(0.1),
                        median: at(0.5),
                        p90: at(0.9),
                    }
                })
                .collect();
            let id = format!("sim-{}-{goal}", charts.len());
            let title = format!(
                "{scenario} — {goal} ({} {}%)",
                lang.t(L::Target),
                target * 100.0
            );
            charts.push(html! {
                h3 { (title) }
                (svg::fan(&id, &title, &weeks, &bands, target * 100.0, lang.t(L::Shares)))
            });
        }
    }
    charts
}

/// Days from registration to a home, bucketed: (label, last day).
const WAIT_BUCKETS: [(&str, i64); 5] = [
    ("0-30", 30),
    ("31-90", 90),
    ("91-180", 180),
    ("181-365", 365),
    ("366+", i64::MAX),
];

/// One series per strategy and scenario.
type Series = Vec<(String, Vec<f64>)>;

/// Per scenario, per strategy: the share (%) of waits in each bucket of
/// [`WAIT_BUCKETS`], over every run.
fn wait_series(all: &[(String, crate::simulate::Results)]) -> Vec<(String, Series)> {
    all.iter()
        .map(|(scenario, r)| {
            let series = r
                .strategies
                .iter()
                .zip(&r.waits)
                .map(|(s, w)| {
                    let mut counts = vec![0.0; WAIT_BUCKETS.len()];
                    for d in w {
                        if let Some(i) = WAIT_BUCKETS.iter().position(|(_, hi)| d <= hi) {
                            counts[i] += 1.0;
                        }
                    }
                    let n = w.len().max(1) as f64;
                    let shares = counts.iter().map(|c| (c * 100.0 / n).round()).collect();
                    (s.as_str().to_string(), shares)
                })
                .collect();
            (scenario.clone(), series)
        })
        .collect()
}
