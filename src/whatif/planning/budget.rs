//! The budget plan (`plan` to a budget): the mix within a budget that does
//! best on the programme's goals, in one lexicographic MILP, and what the
//! next [`NEXT_STEP_DKK`] would buy.

use super::copies::{bounds, check_kinds, copy_model, counts, mix_lines, with_mix, CopyModel};
use super::goal::{counts_for, Goal};
use super::{MixLine, Plan, PlanResult};
use crate::allocate::{self, Options, Outcome};
use crate::error::{Error, Result};
use crate::input::templates::Templates;
use crate::model::GoalKind;
use crate::round::Round;
use crate::solver::instance::{Instance, Target};
use crate::solver::milp::{run_model, Sense};
use crate::solver::{Settings, Status};
use good_lp::Expression;
use serde::Serialize;

/// A mix within a budget and what it reaches.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetMix {
    /// The mix (every template, in file order: units, then staff).
    pub mix: Vec<MixLine>,
    /// Total cost, kr (never above the budget).
    pub total_cost_dkk: i64,
    /// Under-18s housed with the mix.
    pub housed_under_18: usize,
    /// 18–29-year-olds housed with the mix.
    pub housed_18_29: usize,
    /// Total priority of everyone housed (level 1).
    pub priority: i64,
    /// Optimal (every criterion proven) or best found.
    pub status: Status,
    /// The allocation with the mix (with the shares above kept).
    #[serde(skip)]
    pub outcome: Box<Outcome>,
    /// The round with the mix added.
    #[serde(skip)]
    pub round: Box<Round>,
}

/// The largest `--budget`, in kroner: with costs of at most
/// [`crate::input::templates::MAX_COST_KR`] a month and templates of at most
/// [`MAX_COUNT`](crate::input::templates::MAX_COUNT) copies every sum stays exact in the MILP's `f64`.
pub const MAX_BUDGET_DKK: i64 = 1_000_000_000_000;

/// What `plan --budget` adds to see what more money would buy.
pub const NEXT_STEP_DKK: i64 = 100_000;

/// The mix within `budget_dkk` that does best on the programme's goals, in
/// this order: under-18s housed, 18–29-year-olds housed, total priority
/// housed; ties go to the cheaper mix, then to the one with more of the
/// earlier templates in the file (units first, then staff). Also the best
/// mix within `budget_dkk` + [`NEXT_STEP_DKK`].
pub fn plan_budget(
    base: &Round,
    t: &Templates,
    budget_dkk: i64,
    settings: &Settings,
) -> Result<Plan> {
    check_kinds(base, t)?;
    if !(0..=MAX_BUDGET_DKK).contains(&budget_dkk) {
        return Err(Error::Refused(format!(
            "--budget {budget_dkk}: must be from 0 to {MAX_BUDGET_DKK} kr"
        )));
    }
    let today = Options {
        settings: settings.share(0.1),
        ..Options::default()
    };
    let before = allocate::run(base, &today)?.proposals[0].programme;
    let best = best_within(base, t, budget_dkk, &settings.share(0.5))?;
    let next = best_within(base, t, budget_dkk + NEXT_STEP_DKK, settings)?;
    Ok(Plan {
        goals: Goal::programme(),
        months: t.months,
        before,
        result: PlanResult::WithinBudget {
            budget_dkk,
            best: Box::new(best),
            next: Box::new(next),
        },
    })
}

/// One budget: the lexicographic MILP (under-18s, 18–29s, priority, then
/// cost, then the template counts in file order), one level after another,
/// each held at its optimum for the next.
fn best_within(base: &Round, t: &Templates, budget: i64, settings: &Settings) -> Result<BudgetMix> {
    let (ub_units, ub_staff) = bounds(base, t);
    let round = with_mix(base, t, &ub_units, &ub_staff);
    let inst = Instance::new(&round);
    let CopyModel {
        unit_copies,
        staff_copies,
        form,
        cost,
        mut rules,
        unit_costs,
        staff_costs,
        ..
    } = copy_model(
        &inst,
        &round,
        t,
        (&ub_units, &ub_staff),
        Vec::new(),
        settings,
    )?;
    rules.push(cost.clone().leq(budget as f64));
    // Each level: its objective, and its value read from the columns.
    type Value<'a> = Box<dyn Fn(&[f64]) -> f64 + 'a>;
    let on = |values: &[f64], col: usize| values.get(col).is_some_and(|v| *v > 0.5);
    let (inst_r, round_r) = (&inst, &round);
    let group = |kind: GoalKind| -> (Expression, Value<'_>) {
        let mut e = Expression::default();
        for (k, q) in inst_r.unit_pairs.iter().enumerate() {
            if counts_for(kind, round_r, &round_r.people[q.person]) {
                e.add_mul(1.0, form.x[k]);
            }
        }
        let read = move |v: &[f64]| {
            inst_r
                .unit_pairs
                .iter()
                .enumerate()
                .filter(|(k, q)| counts_for(kind, round_r, &round_r.people[q.person]) && on(v, *k))
                .count() as f64
        };
        (e, Box::new(read))
    };
    let priority_value: Value<'_> = Box::new(|v: &[f64]| {
        inst_r
            .unit_pairs
            .iter()
            .enumerate()
            .filter(|(k, _)| on(v, *k))
            .map(|(_, q)| inst_r.priority[q.person] as f64)
            .sum()
    });
    // Template counts and costs read from the copies opened: (columns, cost each).
    let mut templates: Vec<(Vec<(usize, good_lp::Variable)>, f64)> = Vec::new();
    let mut k = 0;
    for (g, c) in unit_copies.iter().zip(&unit_costs) {
        let cols = (k..k + g.len()).map(|i| (form.opened_column(i), form.opened[i].1));
        templates.push((cols.collect(), *c));
        k += g.len();
    }
    let mut k = 0;
    for (g, c) in staff_copies.iter().zip(&staff_costs) {
        let cols = (k..k + g.len()).map(|i| (form.hired_column(i), form.hired[i].1));
        templates.push((cols.collect(), *c));
        k += g.len();
    }
    let cost_value: Value<'_> = Box::new(|v: &[f64]| {
        templates
            .iter()
            .map(|(cols, c)| cols.iter().filter(|(col, _)| on(v, *col)).count() as f64 * c)
            .sum()
    });
    let (u18, u18_value) = group(GoalKind::Under18);
    let (a1829, a1829_value) = group(GoalKind::Age18To29);
    let mut levels: Vec<(Sense, Expression, Value<'_>)> = vec![
        (Sense::Maximise, u18, u18_value),
        (Sense::Maximise, a1829, a1829_value),
        (Sense::Maximise, form.level1.clone(), priority_value),
        (Sense::Minimise, cost, cost_value),
    ];
    for (cols, _) in &templates {
        let e: Expression = cols.iter().map(|(_, var)| Expression::from(*var)).sum();
        let read: Value<'_> =
            Box::new(move |v: &[f64]| cols.iter().filter(|(col, _)| on(v, *col)).count() as f64);
        levels.push((Sense::Maximise, e, read));
    }
    let mut status = Status::Optimal;
    let mut values: Option<Vec<f64>> = None;
    for (sense, objective, read) in levels {
        let raw = run_model(
            form.vars.clone(),
            sense,
            objective.clone(),
            form.constraints
                .iter()
                .cloned()
                .chain(rules.iter().cloned()),
            values.as_deref(),
            settings,
        )?
        .ok_or_else(|| Error::Solver("the budget model has no plan although it had one".into()))?;
        if let Status::BestFound { gap } = raw.status {
            status = Status::BestFound {
                gap: match status {
                    Status::BestFound { gap: g } => g.max(gap),
                    Status::Optimal => gap,
                },
            };
        }
        // Hold this level at its value (whole numbers: ±0.5).
        let value = read(&raw.values);
        rules.push(match sense {
            Sense::Maximise => objective.geq(value.round() - 0.5),
            Sense::Minimise => objective.leq(value.round() + 0.5),
        });
        values = Some(raw.values);
    }
    let values = values.unwrap_or_default();
    let opened = |col: usize| values.get(col).is_some_and(|v| *v > 0.5);
    let unit_counts = counts(&unit_copies, |i| opened(form.opened_column(i)));
    let staff_counts = counts(&staff_copies, |i| opened(form.hired_column(i)));
    let mix = mix_lines(t, &unit_counts, &staff_counts);
    let total_cost_dkk = mix.iter().map(|m| m.cost_dkk).sum();
    let final_round = with_mix(base, t, &unit_counts, &staff_counts);
    let housed = |kind: GoalKind| {
        inst.unit_pairs
            .iter()
            .enumerate()
            .filter(|(k, q)| counts_for(kind, &round, &round.people[q.person]) && opened(*k))
            .count()
    };
    let (u18, a1829) = (housed(GoalKind::Under18), housed(GoalKind::Age18To29));
    // The allocation the mix enables, with those shares kept.
    let members = |kind: GoalKind| -> Vec<usize> {
        final_round
            .people
            .iter()
            .enumerate()
            .filter(|(_, p)| counts_for(kind, &final_round, p))
            .map(|(i, _)| i)
            .collect()
    };
    let options = Options {
        targets: vec![
            Target::Housed {
                people: members(GoalKind::Under18),
                min_housed: u18,
            },
            Target::Housed {
                people: members(GoalKind::Age18To29),
                min_housed: a1829,
            },
        ],
        settings: *settings,
        ..Options::default()
    };
    let outcome = allocate::run(&final_round, &options)?;
    let priority = outcome.proposals[0].level1.value;
    Ok(BudgetMix {
        mix,
        total_cost_dkk,
        housed_under_18: u18,
        housed_18_29: a1829,
        priority,
        status,
        outcome: Box::new(outcome),
        round: Box::new(final_round),
    })
}
