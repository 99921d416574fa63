//! The budget model's criteria, one level after another: under-18s housed,
//! 18–29-year-olds housed, total priority housed, then the cost (the cheaper
//! mix on a tie), then each template's count in file order (more of the
//! earlier templates on a tie). Each level is solved with the earlier ones
//! held at their optimum, so the answer is the same whatever HiGHS returns
//! among equal plans.

use super::copies::CopyModel;
use super::goal::counts_for;
use crate::error::{Error, Result};
use crate::model::GoalKind;
use crate::round::Round;
use crate::solver::formulation::Formulation;
use crate::solver::instance::Instance;
use crate::solver::milp::{run_model, Sense};
use crate::solver::{Settings, Status};
use good_lp::{Constraint, Expression, Variable};

/// A level's value read from a solution's columns.
type Read<'a> = Box<dyn Fn(&[f64]) -> f64 + 'a>;

/// One criterion: which way it goes, its objective, and its value in a
/// solution (read from the columns, not from HiGHS's objective, so that it
/// is a whole number).
pub(super) struct Level<'a> {
    sense: Sense,
    objective: Expression,
    read: Read<'a>,
}

/// Whether a 0/1 column is set in a solution.
pub(super) fn on(values: &[f64], col: usize) -> bool {
    values.get(col).is_some_and(|v| *v > 0.5)
}

/// How many who count for `kind` a solution of the model with every copy
/// houses (the unit pairs' columns come first).
pub(super) fn housed(inst: &Instance, round: &Round, kind: GoalKind, values: &[f64]) -> usize {
    inst.unit_pairs
        .iter()
        .enumerate()
        .filter(|(k, q)| counts_for(kind, round, &round.people[q.person]) && on(values, *k))
        .count()
}

/// The levels, in order (see the module's docs).
pub(super) fn levels<'a>(
    inst: &'a Instance,
    round: &'a Round,
    model: &CopyModel,
) -> Vec<Level<'a>> {
    let form = &model.form;
    let group = |kind: GoalKind| {
        let mut e = Expression::default();
        for (k, q) in inst.unit_pairs.iter().enumerate() {
            if counts_for(kind, round, &round.people[q.person]) {
                e.add_mul(1.0, form.x[k]);
            }
        }
        let read: Read<'a> = Box::new(move |v: &[f64]| housed(inst, round, kind, v) as f64);
        Level {
            sense: Sense::Maximise,
            objective: e,
            read,
        }
    };
    let priority: Read<'a> = Box::new(move |v: &[f64]| {
        inst.unit_pairs
            .iter()
            .enumerate()
            .filter(|(k, _)| on(v, *k))
            .map(|(_, q)| inst.priority[q.person] as f64)
            .sum()
    });
    let templates = template_columns(model);
    let each = templates.clone();
    let cost: Read<'a> = Box::new(move |v: &[f64]| {
        each.iter()
            .map(|(cols, c)| cols.iter().filter(|(col, _)| on(v, *col)).count() as f64 * c)
            .sum()
    });
    let mut out = vec![
        group(GoalKind::Under18),
        group(GoalKind::Age18To29),
        Level {
            sense: Sense::Maximise,
            objective: form.level1.clone(),
            read: priority,
        },
        Level {
            sense: Sense::Minimise,
            objective: model.cost.clone(),
            read: cost,
        },
    ];
    for (cols, _) in templates {
        let objective: Expression = cols.iter().map(|(_, var)| Expression::from(*var)).sum();
        let read: Read<'a> =
            Box::new(move |v: &[f64]| cols.iter().filter(|(col, _)| on(v, *col)).count() as f64);
        out.push(Level {
            sense: Sense::Maximise,
            objective,
            read,
        });
    }
    out
}

/// Per template (units, then staff, in file order): the column and the
/// variable of each of its copies, and the cost of one.
fn template_columns(model: &CopyModel) -> Vec<(Vec<(usize, Variable)>, f64)> {
    let form = &model.form;
    let mut out: Vec<(Vec<(usize, Variable)>, f64)> = Vec::new();
    let mut k = 0;
    for (g, c) in model.unit_copies.iter().zip(&model.unit_costs) {
        let cols = (k..k + g.len()).map(|i| (form.opened_column(i), form.opened[i].1));
        out.push((cols.collect(), *c));
        k += g.len();
    }
    let mut k = 0;
    for (g, c) in model.staff_copies.iter().zip(&model.staff_costs) {
        let cols = (k..k + g.len()).map(|i| (form.hired_column(i), form.hired[i].1));
        out.push((cols.collect(), *c));
        k += g.len();
    }
    out
}

/// Solves the levels one after another under `rules`, each held at its
/// value for the next: the last solution's columns, and optimal only if
/// every level was proven (else the largest gap).
pub(super) fn solve(
    form: &Formulation,
    mut rules: Vec<Constraint>,
    levels: Vec<Level<'_>>,
    settings: &Settings,
) -> Result<(Vec<f64>, Status)> {
    let mut status = Status::Optimal;
    let mut values: Option<Vec<f64>> = None;
    for Level {
        sense,
        objective,
        read,
    } in levels
    {
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
        status = worse(status, raw.status);
        // Hold this level at its value (whole numbers: ±0.5).
        let value = read(&raw.values);
        rules.push(match sense {
            Sense::Maximise => objective.geq(value.round() - 0.5),
            Sense::Minimise => objective.leq(value.round() + 0.5),
        });
        values = Some(raw.values);
    }
    Ok((values.unwrap_or_default(), status))
}

/// The weaker of two statuses: optimal only if both are, else the larger gap.
fn worse(a: Status, b: Status) -> Status {
    match (a, b) {
        (Status::Optimal, Status::Optimal) => Status::Optimal,
        (Status::BestFound { gap }, Status::Optimal)
        | (Status::Optimal, Status::BestFound { gap }) => Status::BestFound { gap },
        (Status::BestFound { gap: g }, Status::BestFound { gap }) => {
            Status::BestFound { gap: g.max(gap) }
        }
    }
}
