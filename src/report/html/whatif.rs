//! The report of `whatif`: the base and every scenario side by side, and
//! for a sweep where each goal is first met.

use super::{page, pct, table, Lang};
use crate::allocate::Goal;
use crate::report::labels::Label as L;
use crate::report::svg;
use crate::whatif::scenario::Row;
use maud::{html, Markup};

/// The report of `whatif`; `sweep` marks where each goal is first met.
pub fn whatif(rows: &[Row], lang: Lang, sweep: bool) -> String {
    let cats: Vec<String> = rows.iter().map(|r| r.scenario.clone()).collect();
    let bands = [
        (
            lang.t(L::Under18).to_string(),
            rows.iter().map(|r| r.housed_under_18 as f64).collect(),
        ),
        (
            lang.t(L::Age18To24).to_string(),
            rows.iter().map(|r| r.housed_18_24 as f64).collect(),
        ),
        (
            lang.t(L::Age25To29).to_string(),
            rows.iter().map(|r| r.housed_25_29 as f64).collect(),
        ),
    ];
    let body = html! {
        section {
            h2 { (lang.t(L::Comparison)) }
            (comparison_table(rows, lang))
        }
        section {
            h2 { (lang.t(L::HousedByBand)) }
            (svg::grouped("housed-by-band", lang.t(L::HousedByBand), &cats, &bands, lang.t(L::PeopleUnit)))
            @if sweep { (sweep_part(rows, &cats, lang)) }
        }
    };
    page(lang, lang.t(L::TitleWhatif), body)
}

/// One row per scenario: housed by band and gender, goals, rent, shelter cost.
fn comparison_table(rows: &[Row], lang: Lang) -> Markup {
    let base = rows.first();
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.scenario.clone(),
                r.housed.to_string(),
                r.housed_under_18.to_string(),
                r.housed_18_24.to_string(),
                r.housed_25_29.to_string(),
                r.housed_women.to_string(),
                r.housed_men.to_string(),
                pct(&r.goals.under_18),
                pct(&r.goals.age_18_29),
                pct(&r.goals.support),
                pct(&r.goals.female_worker),
                r.monthly_rent_dkk.to_string(),
                r.shelter_cost_avoided_dkk.to_string(),
                format!(
                    "{:+}",
                    base.map_or(0, |b| r.housed as i64 - b.housed as i64)
                ),
            ]
        })
        .collect();
    let head = [
        L::Scenario,
        L::Housed,
        L::Under18,
        L::Age18To24,
        L::Age25To29,
        L::Women,
        L::Men,
        L::GoalUnder18,
        L::Goal18To29,
        L::GoalSupport,
        L::GoalFemale,
        L::RentMonth,
        L::ShelterSaved,
        L::Change,
    ]
    .map(|l| lang.t(l));
    table(&head, &body, &[1, 2, 3, 4, 5, 6, 11, 12, 13])
}

/// A sweep: housed and goal shares over the steps, and where each goal is
/// first met.
fn sweep_part(rows: &[Row], cats: &[String], lang: Lang) -> Markup {
    let share = |f: fn(&Row) -> &Goal| -> Vec<f64> {
        rows.iter()
            .map(|r| (f(r).share() * 100.0).floor())
            .collect()
    };
    let series = [
        (
            lang.t(L::Housed).to_string(),
            rows.iter().map(|r| r.housed as f64).collect::<Vec<_>>(),
        ),
        (
            lang.t(L::GoalUnder18).to_string(),
            share(|r| &r.goals.under_18),
        ),
        (
            lang.t(L::Goal18To29).to_string(),
            share(|r| &r.goals.age_18_29),
        ),
    ];
    // (series in the chart, label, whether a step meets the goal)
    type SweepGoal = (usize, L, fn(&Row) -> bool);
    let goals: [SweepGoal; 2] = [
        (1, L::GoalUnder18, |r| r.goals.under_18.met()),
        (2, L::Goal18To29, |r| r.goals.age_18_29.met()),
    ];
    let mut marks = Vec::new();
    let mut firsts = Vec::new();
    for (series_index, label, met) in goals {
        let at = rows.iter().position(met);
        if let Some(i) = at {
            marks.push((
                i,
                series_index,
                format!("{}: {}", lang.t(L::FirstMet), rows[i].scenario),
            ));
        }
        firsts.push(vec![
            lang.t(label).to_string(),
            at.map_or_else(
                || lang.t(L::NotWithin).to_string(),
                |i| rows[i].scenario.clone(),
            ),
        ]);
    }
    let unit = format!("{} / {}", lang.t(L::PeopleUnit), lang.t(L::Shares));
    html! {
        h2 { (lang.t(L::GoalsOverSweep)) }
        (svg::lines("sweep-curve", lang.t(L::GoalsOverSweep), cats, &series, &unit, &marks))
        (table(&[lang.t(L::Goals), lang.t(L::FirstMet)], &firsts, &[]))
    }
}
