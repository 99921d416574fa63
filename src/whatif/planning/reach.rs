//! The goal plan (`plan` to goals): the cheapest mix of new units and staff
//! that reaches the goals, or why none does.

use super::copies::{bounds, check_kinds, copy_model, counts, mix_lines, with_mix, CopyModel};
use super::goal::Goal;
use super::shortfall::shortfalls;
use super::{Plan, PlanResult};
use crate::allocate::{self, Options};
use crate::error::Result;
use crate::input::templates::Templates;
use crate::round::Round;
use crate::solver::instance::Instance;
use crate::solver::milp::{run_model, Sense};
use crate::solver::Settings;

/// Finds the cheapest mix that reaches `goals`.
pub fn plan(base: &Round, t: &Templates, goals: &[Goal], settings: &Settings) -> Result<Plan> {
    check_kinds(base, t)?;
    // One limit for three stages: today's plan gets a fifth of it, the
    // planning model four fifths of what is then left, the final round the rest.
    let today = Options {
        settings: settings.share(0.2),
        ..Options::default()
    };
    let before = allocate::run(base, &today)?.proposals[0].programme;
    let (ub_units, ub_staff) = bounds(base, t);
    let round = with_mix(base, t, &ub_units, &ub_staff);
    let inst = Instance::new(&round);
    let targets = goals.iter().map(|g| g.target(&round)).collect();
    let CopyModel {
        unit_copies,
        staff_copies,
        restrictions,
        form,
        cost,
        rules: in_order,
        ..
    } = copy_model(&inst, &round, t, (&ub_units, &ub_staff), targets, settings)?;
    let constraints = form.constraints.iter().cloned().chain(in_order);
    let raw = run_model(
        form.vars.clone(),
        Sense::Minimise,
        cost,
        constraints,
        None,
        &settings.share(0.8),
    )?;
    let Some(raw) = raw else {
        return Ok(Plan {
            goals: goals.to_vec(),
            months: t.months,
            before,
            result: PlanResult::Unreachable {
                shortfalls: shortfalls(&inst, &round, &restrictions, goals, settings)?,
            },
        });
    };
    let opened = |col: usize| raw.values.get(col).is_some_and(|v| *v > 0.5);
    let unit_counts = counts(&unit_copies, |i| opened(form.opened_column(i)));
    let staff_counts = counts(&staff_copies, |i| opened(form.hired_column(i)));
    let mix = mix_lines(t, &unit_counts, &staff_counts);
    let total_cost_dkk = mix.iter().map(|m| m.cost_dkk).sum();
    let final_round = with_mix(base, t, &unit_counts, &staff_counts);
    let options = Options {
        targets: goals.iter().map(|g| g.target(&final_round)).collect(),
        settings: settings.clone(),
        ..Options::default()
    };
    let outcome = allocate::run(&final_round, &options)?;
    Ok(Plan {
        goals: goals.to_vec(),
        months: t.months,
        before,
        result: PlanResult::Reached {
            mix,
            total_cost_dkk,
            status: raw.status,
            outcome: Box::new(outcome),
            round: Box::new(final_round),
        },
    })
}
