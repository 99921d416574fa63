//! The answer of `plan`: the mix, its cost, the goals before and after.

use super::{table as alloc_table, Cell, CsvStyle, Table};
use crate::allocate::{Goals, Outcome};
use crate::model::fmt_kr;
use crate::whatif::planning::{BudgetMix, MixLine, Plan, PlanResult, Shortfall, NEXT_STEP_DKK};
use std::fmt::Write;

fn goal_names(plan: &Plan) -> String {
    plan.goals
        .iter()
        .map(|g| format!("{} ≥ {:.0}%", g.name, g.share * 100.0))
        .collect::<Vec<_>>()
        .join(", ")
}

fn goals_line(out: &mut String, label: &str, g: &Goals) {
    let f = |x: &crate::allocate::Goal| {
        format!(
            "{}/{} ({:.0}%)",
            x.achieved,
            x.total,
            (x.share() * 100.0 + 1e-9).floor()
        )
    };
    let _ = writeln!(
        out,
        "  {label:<7} under 18 {:<14} 18-29 {:<14} support {:<14} female worker {}",
        f(&g.under_18),
        f(&g.age_18_29),
        f(&g.support),
        f(&g.female_worker)
    );
}

/// The readable answer.
pub fn table(plan: &Plan) -> String {
    let mut out = String::new();
    match &plan.result {
        PlanResult::Reached {
            mix,
            total_cost_dkk,
            status,
            outcome,
            round,
        } => {
            let _ = writeln!(
                out,
                "Cheapest mix reaching {} ({}):",
                goal_names(plan),
                status.describe()
            );
            mix_and_goals(&mut out, plan, mix, *total_cost_dkk, outcome);
            let _ = writeln!(out, "\nThe allocation it enables (goals enforced):");
            out.push_str(&alloc_table::render(
                outcome,
                &round.policy.round_date.to_string(),
            ));
        }
        PlanResult::Unreachable { shortfalls } => unreachable(&mut out, plan, shortfalls),
        PlanResult::WithinBudget {
            budget_dkk,
            best,
            next,
        } => within_budget(&mut out, plan, *budget_dkk, best, next),
    }
    out
}

/// The mix, its total, and the goals before and after it.
fn mix_and_goals(out: &mut String, plan: &Plan, mix: &[MixLine], total_dkk: i64, after: &Outcome) {
    mix_lines(out, mix);
    let _ = writeln!(
        out,
        "  total over {} months, one-off costs included: {}",
        plan.months,
        fmt_kr(total_dkk * 100)
    );
    let _ = writeln!(out, "\nGoals before and after:");
    goals_line(out, "before", &plan.before);
    goals_line(out, "after", &after.proposals[0].programme);
}

/// Why no mix reaches the goals: each goal's best share.
fn unreachable(out: &mut String, plan: &Plan, shortfalls: &[Shortfall]) {
    let _ = writeln!(
        out,
        "The goals {} cannot be reached with these templates.",
        goal_names(plan)
    );
    for s in shortfalls {
        let _ = writeln!(
            out,
            "  {:<14} asked {:>4.0}%  best achievable {:>5.1}%  {}",
            s.goal,
            s.target * 100.0,
            s.best_achievable * 100.0,
            if s.reachable_alone {
                "reachable alone, not together with the others"
            } else {
                "FAILS"
            }
        );
    }
    let _ = writeln!(out, "Raise max_count, add templates, or lower the target.");
    goals_line(out, "today", &plan.before);
}

/// The best mix within the budget, what the next step would buy, and the
/// allocation the mix enables.
fn within_budget(
    out: &mut String,
    plan: &Plan,
    budget_dkk: i64,
    best: &BudgetMix,
    next: &BudgetMix,
) {
    let _ = writeln!(
        out,
        "Best mix within {} ({}): under-18s housed first, then 18-29-year-olds, then priority; the cheaper on a tie.",
        fmt_kr(budget_dkk * 100),
        best.status.describe()
    );
    mix_and_goals(out, plan, &best.mix, best.total_cost_dkk, &best.outcome);
    next_step(out, best, next);
    let _ = writeln!(out, "\nThe allocation it enables:");
    out.push_str(&alloc_table::render(
        &best.outcome,
        &best.round.policy.round_date.to_string(),
    ));
}

/// What the next [`NEXT_STEP_DKK`] would buy: the templates whose count
/// changes, the cost, the groups housed and the priority.
fn next_step(out: &mut String, best: &BudgetMix, next: &BudgetMix) {
    let _ = writeln!(out, "\nThe next {} would buy:", fmt_kr(NEXT_STEP_DKK * 100));
    let changed: Vec<String> = best
        .mix
        .iter()
        .zip(&next.mix)
        .filter(|(a, b)| a.count != b.count)
        .map(|(a, b)| format!("  {} ({}): {} -> {}", a.template, a.what, a.count, b.count))
        .collect();
    if changed.is_empty() {
        let _ = writeln!(out, "  nothing more that helps the goals or priority");
    }
    for c in changed {
        let _ = writeln!(out, "{c}");
    }
    let _ = writeln!(
        out,
        "  cost {} -> {}; under-18s housed {} -> {}; 18-29 housed {} -> {}; priority {} -> {}",
        fmt_kr(best.total_cost_dkk * 100),
        fmt_kr(next.total_cost_dkk * 100),
        best.housed_under_18,
        next.housed_under_18,
        best.housed_18_29,
        next.housed_18_29,
        best.priority,
        next.priority
    );
}

fn mix_lines(out: &mut String, mix: &[MixLine]) {
    let _ = writeln!(
        out,
        "  {:<40} {:>5} {:>16} {:>16}",
        "template", "count", "cost each", "cost"
    );
    for m in mix {
        let _ = writeln!(
            out,
            "  {:<40} {:>5} {:>16} {:>16}",
            format!("{} ({})", m.template, m.what),
            m.count,
            fmt_kr(m.cost_each_dkk * 100),
            fmt_kr(m.cost_dkk * 100)
        );
    }
}

/// `plan.csv`: the mix.
pub fn mix_csv(plan: &Plan, style: CsvStyle) -> Vec<u8> {
    mix(plan).csv(style)
}

/// `plan.csv` as a table (the sheet `plan`): template, kind, count, cost
/// each and cost of every line of the mix.
pub fn mix(plan: &Plan) -> Table {
    let rows: Vec<Vec<Cell>> = plan
        .mix()
        .iter()
        .map(|m| {
            vec![
                m.template.as_str().into(),
                m.what.into(),
                Cell::Int(m.count.into()),
                m.cost_each_dkk.into(),
                m.cost_dkk.into(),
            ]
        })
        .collect();
    Table {
        name: "plan",
        headers: vec!["template", "kind", "count", "cost_each_dkk", "cost_dkk"],
        rows,
    }
}

/// `plan.json`.
pub fn json(plan: &Plan) -> Vec<u8> {
    let mut v = serde_json::to_value(plan).unwrap_or_default();
    if let Some(outcome) = plan.outcome() {
        v["after"] = super::files::goals_json(&outcome.proposals[0].programme);
        v["housed_after"] = outcome.proposals[0].placements.len().into();
    }
    if let PlanResult::WithinBudget { next, .. } = &plan.result {
        v["after_next_step"] = super::files::goals_json(&next.outcome.proposals[0].programme);
    }
    v["before"] = super::files::goals_json(&plan.before);
    let mut bytes = serde_json::to_vec_pretty(&v).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}
