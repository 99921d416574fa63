//! The report of `plan`: the cheapest mix that reaches the goals, or what
//! is reachable and what the next step would buy.

use super::allocate::{allocation_sections, Meta};
use super::{gauges, page, status_text, table, Lang};
use crate::allocate::Outcome;
use crate::report::labels::Label as L;
use crate::solver::Status;
use crate::whatif::planning::{Plan, PlanResult, Shortfall};
use maud::{html, Markup};

/// The report of `plan`.
pub fn plan(p: &Plan, lang: Lang, redact: bool) -> String {
    let body = match &p.result {
        PlanResult::Reached {
            mix,
            total_cost_dkk,
            status,
            outcome,
            round,
        } => {
            let meta = Meta {
                round_date: round.policy.round_date.to_string(),
                inputs: Vec::new(),
            };
            html! {
                (mix_section(p, mix, *total_cost_dkk, status, outcome, lang))
                section { h2 { (lang.t(L::Enabled)) } }
                (allocation_sections(outcome, &meta, lang, redact))
            }
        }
        PlanResult::Unreachable { shortfalls } => unreachable_section(p, shortfalls, lang),
        PlanResult::WithinBudget {
            budget_dkk,
            best,
            next,
        } => {
            let meta = Meta {
                round_date: best.round.policy.round_date.to_string(),
                inputs: Vec::new(),
            };
            html! {
                section {
                    h2 { (lang.t(L::BudgetMix)) }
                    p { strong { (lang.t(L::Budget)) ": " (budget_dkk) " kr." } }
                }
                (mix_section(p, &best.mix, best.total_cost_dkk, &best.status, &best.outcome, lang))
                section {
                    h2 { (lang.t(L::NextStep)) }
                    (table(&[lang.t(L::Measure), lang.t(L::Now), lang.t(L::WithMore)], &next_rows(best, next, lang), &[1, 2]))
                }
                section { h2 { (lang.t(L::Enabled)) } }
                (allocation_sections(&best.outcome, &meta, lang, redact))
            }
        }
    };
    page(lang, lang.t(L::TitlePlan), body)
}

/// The budget's mix against the mix of 100,000 kr more: every template whose
/// count changes, the cost and the goals.
fn next_rows(
    best: &crate::whatif::planning::BudgetMix,
    next: &crate::whatif::planning::BudgetMix,
    lang: Lang,
) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = best
        .mix
        .iter()
        .zip(&next.mix)
        .filter(|(a, b)| a.count != b.count)
        .map(|(a, b)| vec![a.template.clone(), a.count.to_string(), b.count.to_string()])
        .collect();
    for (label, a, b) in [
        (L::TotalCost, best.total_cost_dkk, next.total_cost_dkk),
        (
            L::HousedUnder18,
            best.housed_under_18 as i64,
            next.housed_under_18 as i64,
        ),
        (
            L::Housed18To29,
            best.housed_18_29 as i64,
            next.housed_18_29 as i64,
        ),
        (L::PriorityHoused, best.priority, next.priority),
    ] {
        rows.push(vec![
            lang.t(label).to_string(),
            a.to_string(),
            b.to_string(),
        ]);
    }
    rows
}

/// The cheapest mix, its cost, and the goals before and after.
fn mix_section(
    p: &Plan,
    mix: &[crate::whatif::planning::MixLine],
    total_cost_dkk: i64,
    status: &Status,
    outcome: &Outcome,
    lang: Lang,
) -> Markup {
    let rows: Vec<Vec<String>> = mix
        .iter()
        .map(|m| {
            vec![
                m.template.clone(),
                m.count.to_string(),
                m.cost_each_dkk.to_string(),
                m.cost_dkk.to_string(),
            ]
        })
        .collect();
    let head = [L::Template, L::Count, L::CostEach, L::Cost].map(|l| lang.t(l));
    html! {
        section {
            h2 { (lang.t(L::Mix)) }
            (table(&head, &rows, &[1, 2, 3]))
            p {
                strong { (lang.t(L::TotalCost)) ": " (total_cost_dkk) " kr." }
                " (" (p.months) " " (lang.t(L::Months)) "; " (status_text(lang, status)) ")"
            }
            h2 { (lang.t(L::Goals)) }
            h3 { (lang.t(L::Before)) }
            (gauges(lang, "before", &p.before))
            h3 { (lang.t(L::After)) }
            (gauges(lang, "after", &outcome.proposals[0].programme))
        }
    }
}

/// Why the goals cannot be reached: per goal, the best share achievable.
fn unreachable_section(p: &Plan, shortfalls: &[Shortfall], lang: Lang) -> Markup {
    let rows: Vec<Vec<String>> = shortfalls
        .iter()
        .map(|s| {
            vec![
                s.goal.to_string(),
                format!("{:.0}%", s.target * 100.0),
                format!("{:.1}%", s.best_achievable * 100.0),
            ]
        })
        .collect();
    let head = [L::Goals, L::Target, L::BestAchievable].map(|l| lang.t(l));
    html! {
        section {
            h2 { (lang.t(L::Unreachable)) }
            (table(&head, &rows, &[1, 2]))
            (gauges(lang, "before", &p.before))
        }
    }
}
