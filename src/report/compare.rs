//! The what-if comparison: one row per scenario, with the change from the base.

use super::{Cell, CsvStyle, Table};
use crate::allocate::Goal;
use crate::whatif::scenario::Row;
use serde_json::json;
use std::fmt::Write;

fn pct(g: &Goal) -> String {
    // Floored, so that 89.7 % never reads as a met 90 % goal.
    format!("{:.0}%", (g.share() * 100.0 + 1e-9).floor())
}

fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{n}")
    } else {
        n.to_string()
    }
}

/// First row whose goal is met, for each goal (sweeps).
pub fn first_met(rows: &[Row]) -> Vec<(&'static str, Option<String>)> {
    type Pick = fn(&Row) -> &Goal;
    let goals: [(&str, Pick); 4] = [
        ("under 18 housed (100%)", |r| &r.goals.under_18),
        ("aged 18-29 housed (90%)", |r| &r.goals.age_18_29),
        ("support coverage (100%)", |r| &r.goals.support),
        ("female worker where asked", |r| &r.goals.female_worker),
    ];
    goals
        .iter()
        .map(|(name, g)| {
            (
                *name,
                rows.iter().find(|r| g(r).met()).map(|r| r.scenario.clone()),
            )
        })
        .collect()
}

/// The readable comparison table.
pub fn table(rows: &[Row], sweep: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<32} {:>6} {:>6} {:>5} {:>5} {:>5} {:>5} {:>5} {:>7} {:>7} {:>7} {:>7} {:>10} {:>13} {:>9}",
        "scenario", "housed", "<18", "18-24", "25-29", "women", "men", "slots", "u18", "18-29", "support", "female", "rent/mo", "shelter/yr", "vs base"
    );
    let base = rows.first();
    for r in rows {
        let delta = base.map_or(0, |b| r.housed as i64 - b.housed as i64);
        let mark = |g: &Goal| format!("{}{}", pct(g), if g.met() { "" } else { "*" });
        let _ = writeln!(
            out,
            "{:<32} {:>6} {:>6} {:>5} {:>5} {:>5} {:>5} {:>5} {:>7} {:>7} {:>7} {:>7} {:>10} {:>13} {:>9}",
            truncate(&r.scenario, 32),
            r.housed,
            r.housed_under_18,
            r.housed_18_24,
            r.housed_25_29,
            r.housed_women,
            r.housed_men,
            r.support_slots,
            mark(&r.goals.under_18),
            mark(&r.goals.age_18_29),
            mark(&r.goals.support),
            mark(&r.goals.female_worker),
            r.monthly_rent_dkk,
            r.shelter_cost_avoided_dkk,
            signed(delta),
        );
    }
    let _ = writeln!(
        out,
        "\nGoals: under 18 housed 100%, aged 18-29 housed 90%, support coverage 100%, female worker where asked; * = not met."
    );
    if rows.iter().any(|r| !r.status.is_optimal()) {
        for r in rows.iter().filter(|r| !r.status.is_optimal()) {
            let _ = writeln!(out, "{}: {}", r.scenario, r.status.describe());
        }
    } else {
        let _ = writeln!(out, "Every scenario solved to proven optimality.");
    }
    if sweep {
        let _ = writeln!(out, "\nFirst step where each goal is met:");
        for (goal, at) in first_met(rows) {
            let _ = writeln!(
                out,
                "  {goal:<28} {}",
                at.unwrap_or_else(|| "not within the sweep".into())
            );
        }
    }
    out
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

const HEADERS: [&str; 24] = [
    "scenario",
    "status",
    "people",
    "places",
    "support_slots",
    "housed",
    "housed_under_18",
    "housed_18_24",
    "housed_25_29",
    "housed_30_plus",
    "housed_women",
    "housed_men",
    "under_18_housed_pct",
    "under_18_goal_met",
    "age_18_29_housed_pct",
    "age_18_29_goal_met",
    "support_coverage_pct",
    "female_worker_pct",
    "priority_score",
    "fit",
    "monthly_rent_dkk",
    "shelter_cost_avoided_dkk",
    "housed_change",
    "monthly_rent_change_dkk",
];

fn pct100(g: &Goal) -> i64 {
    (g.share() * 100.0 + 1e-9).floor() as i64
}

/// `comparison.csv`.
pub fn csv(rows: &[Row], style: CsvStyle) -> Vec<u8> {
    comparison(rows).csv(style)
}

/// `comparison.csv` as a table (the sheet `comparison`): one row per
/// scenario, the change from the first (the base).
pub fn comparison(rows: &[Row]) -> Table {
    let base = rows.first();
    let yes = |b: bool| Cell::from(if b { "yes" } else { "no" });
    let body: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            vec![
                r.scenario.as_str().into(),
                r.status.describe().into(),
                r.people.into(),
                Cell::Int(r.places.into()),
                Cell::Int(r.support_slots.into()),
                r.housed.into(),
                r.housed_under_18.into(),
                r.housed_18_24.into(),
                r.housed_25_29.into(),
                r.housed_30_plus.into(),
                r.housed_women.into(),
                r.housed_men.into(),
                pct100(&r.goals.under_18).into(),
                yes(r.goals.under_18.met()),
                pct100(&r.goals.age_18_29).into(),
                yes(r.goals.age_18_29.met()),
                pct100(&r.goals.support).into(),
                pct100(&r.goals.female_worker).into(),
                r.priority_score.into(),
                r.fit.into(),
                r.monthly_rent_dkk.into(),
                r.shelter_cost_avoided_dkk.into(),
                base.map_or(0, |b| r.housed as i64 - b.housed as i64).into(),
                base.map_or(0, |b| r.monthly_rent_dkk - b.monthly_rent_dkk)
                    .into(),
            ]
        })
        .collect();
    Table {
        name: "comparison",
        headers: HEADERS.to_vec(),
        rows: body,
    }
}

/// `comparison.json`.
pub fn json(rows: &[Row]) -> Vec<u8> {
    let base = rows.first();
    let items: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            let mut v = serde_json::to_value(r).unwrap_or_default();
            v["change_from_base"] = json!({
                "housed": base.map_or(0, |b| r.housed as i64 - b.housed as i64),
                "monthly_rent_dkk": base.map_or(0, |b| r.monthly_rent_dkk - b.monthly_rent_dkk),
                "shelter_cost_avoided_dkk": base.map_or(0, |b| r.shelter_cost_avoided_dkk - b.shelter_cost_avoided_dkk),
            });
            v
        })
        .collect();
    let first: Vec<serde_json::Value> = first_met(rows)
        .into_iter()
        .map(|(g, at)| json!({ "goal": g, "first_met_at": at }))
        .collect();
    let mut bytes = serde_json::to_vec_pretty(&json!({
        "scenarios": items,
        "first_step_goal_met": first,
        "boligmatch_version": env!("CARGO_PKG_VERSION"),
    }))
    .unwrap_or_default();
    bytes.push(b'\n');
    bytes
}
