//! Why no mix reaches the goals: for each goal alone, the best share
//! reachable with every template at its maximum.

use super::goal::Goal;
use crate::error::{Error, Result};
use crate::model::{Gender, GoalKind};
use crate::round::Round;
use crate::solver::formulation::formulate;
use crate::solver::instance::{Instance, Restrictions};
use crate::solver::milp::{run_model, Sense};
use crate::solver::Settings;
use good_lp::Expression;
use serde::Serialize;

/// Why the goals cannot be reached, per goal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shortfall {
    /// The goal that falls short.
    pub goal: GoalKind,
    /// The share the goal asks for (0–1).
    pub target: f64,
    /// Best share reachable with every template at its maximum.
    pub best_achievable: f64,
    /// Whether this goal alone can be reached.
    pub reachable_alone: bool,
}

/// For each goal alone: the best share reachable with every template at its maximum.
pub(super) fn shortfalls(
    inst: &Instance,
    round: &Round,
    all: &Restrictions,
    goals: &[Goal],
    settings: &Settings,
) -> Result<Vec<Shortfall>> {
    let mut out = Vec::new();
    for g in goals {
        let members = g.members(round);
        let r = Restrictions {
            targets: Vec::new(),
            ..all.clone()
        };
        let Some(form) = formulate(inst, &r) else {
            return Err(Error::Solver(
                "the planning model could not be built".into(),
            ));
        };
        let mut obj = Expression::default();
        if g.name == GoalKind::FemaleWorker {
            // Best share: maximise women workers among the housed who asked,
            // with everyone who asked housed if possible.
            for (k, q) in inst.staff_pairs.iter().enumerate() {
                if members.contains(&q.person) && inst.classes[q.target].gender == Gender::F {
                    obj.add_mul(1.0, form.y[k]);
                }
            }
        } else {
            for (k, q) in inst.unit_pairs.iter().enumerate() {
                if members.contains(&q.person) {
                    obj.add_mul(1.0, form.x[k]);
                }
            }
        }
        let raw = run_model(
            form.vars.clone(),
            Sense::Maximise,
            obj,
            form.constraints.clone(),
            None,
            settings,
        )?;
        let best = raw.map_or(0.0, |raw| {
            let cols: Vec<usize> = if g.name == GoalKind::FemaleWorker {
                inst.staff_pairs
                    .iter()
                    .enumerate()
                    .filter(|(_, q)| {
                        members.contains(&q.person) && inst.classes[q.target].gender == Gender::F
                    })
                    .map(|(k, _)| form.x.len() + k)
                    .collect()
            } else {
                inst.unit_pairs
                    .iter()
                    .enumerate()
                    .filter(|(_, q)| members.contains(&q.person))
                    .map(|(k, _)| k)
                    .collect()
            };
            cols.iter()
                .filter(|&&c| raw.values.get(c).is_some_and(|v| *v > 0.5))
                .count() as f64
        });
        // Over the programme: the record's housed count too.
        let (already, total) = if g.name == GoalKind::FemaleWorker {
            (0, members.len())
        } else {
            g.programme_base(round)
        };
        let best = best + already as f64;
        let share = if total == 0 { 1.0 } else { best / total as f64 };
        out.push(Shortfall {
            goal: g.name,
            target: g.share,
            best_achievable: (share * 10_000.0).round() / 10_000.0,
            reachable_alone: share + 1e-9 >= g.share,
        });
    }
    Ok(out)
}
