//! Capacity planning: the cheapest mix of new units and staff that reaches the
//! programme's goals, or the mix within a budget that does best on them,
//! found in one MILP with the allocation inside it.
//!
//! Each template gets up to `max_count` copies, each with a 0/1 "open" (or
//! "hire") variable; copies of a template open in order (symmetry breaking), so
//! the number opened is the template's integer count. The objective is the
//! total cost; the allocation constraints are those of every round.
//!
//! The parts: the goals as values (`goal.rs`); the planning model of the
//! copies (`copies.rs`); the goal plan, the cheapest mix that reaches the
//! goals (`reach.rs`), and why none does (`shortfall.rs`); the budget plan
//! and what the next [`NEXT_STEP_DKK`] would buy (`budget.rs`), solved
//! criterion after criterion (`levels.rs`).

mod budget;
mod copies;
mod goal;
mod levels;
mod reach;
mod shortfall;

pub use budget::{plan_budget, Budget, BudgetError, BudgetMix, MAX_BUDGET_DKK, NEXT_STEP_DKK};
pub use copies::with_mix;
pub use goal::{Goal, GoalError};
pub use reach::plan;
pub use shortfall::Shortfall;

use crate::allocate::{Goals, Outcome};
use crate::error::Result;
pub use crate::input::templates::{
    load_templates, StaffTemplate, Templates, UnitTemplate, MAX_COUNT,
};
use crate::round::Round;
use crate::solver::{Settings, Status};
use serde::Serialize;

/// One line of the mix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MixLine {
    /// The template's name from templates.toml.
    pub template: String,
    /// `unit` or `staff`.
    pub what: &'static str,
    /// How many of the template the mix opens or hires.
    pub count: u32,
    /// Cost of one over the period, kr.
    pub cost_each_dkk: i64,
    /// Cost of all, kr.
    pub cost_dkk: i64,
}

/// The answer of `plan`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum PlanResult {
    /// The cheapest mix and what it enables.
    Reached {
        /// The mix (templates with count > 0 first, then the rest).
        mix: Vec<MixLine>,
        /// Total cost, kr.
        total_cost_dkk: i64,
        /// Optimal or best found.
        status: Status,
        /// The allocation with the mix (goals enforced).
        #[serde(skip)]
        outcome: Box<Outcome>,
        /// The round with the mix added.
        #[serde(skip)]
        round: Box<Round>,
    },
    /// The best mix within a budget, and what the next [`NEXT_STEP_DKK`]
    /// would buy.
    WithinBudget {
        /// The budget, kr.
        budget_dkk: i64,
        /// The best mix within it.
        best: Box<BudgetMix>,
        /// The best mix within the budget plus [`NEXT_STEP_DKK`].
        next: Box<BudgetMix>,
    },
    /// The goals cannot be reached with the templates.
    Unreachable {
        /// For each goal: what it asks and the best share reachable.
        shortfalls: Vec<Shortfall>,
    },
}

/// The full answer, with the base for comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// The goals the mix must reach.
    pub goals: Vec<Goal>,
    /// Months of running cost counted.
    pub months: u32,
    /// Goals reached today (base allocation), over the programme so far.
    pub before: Goals,
    /// The cheapest mix and what it enables, or why no mix reaches the goals.
    pub result: PlanResult,
}

impl Plan {
    /// The allocation the mix enables: with the cheapest mix, or with the
    /// best mix within the budget; none when no mix reaches the goals.
    pub fn outcome(&self) -> Option<&Outcome> {
        match &self.result {
            PlanResult::Reached { outcome, .. } => Some(outcome),
            PlanResult::WithinBudget { best, .. } => Some(&best.outcome),
            PlanResult::Unreachable { .. } => None,
        }
    }

    /// The mix: the cheapest, or the best within the budget; empty when no
    /// mix reaches the goals.
    pub fn mix(&self) -> &[MixLine] {
        match &self.result {
            PlanResult::Reached { mix, .. } => mix,
            PlanResult::WithinBudget { best, .. } => &best.mix,
            PlanResult::Unreachable { .. } => &[],
        }
    }
}

/// What a plan aims at: checked, before any work starts.
#[derive(Debug, Clone, PartialEq)]
pub enum Aim {
    /// The cheapest mix that reaches these goals ([`plan`]).
    Goals(Vec<Goal>),
    /// The mix within the budget that does best on the programme's goals
    /// ([`plan_budget`]).
    Budget(Budget),
}

impl Aim {
    /// The cheapest mix that reaches `goals`, or the round's own goals (its
    /// policy's `[goals]`, [`Goal::programme`]) when none are given.
    pub fn goals_or_programme(goals: Vec<Goal>) -> Aim {
        Aim::Goals(goals)
    }
}

/// Plans the base round with the templates to an aim: [`plan`] for goals,
/// [`plan_budget`] for a budget.
pub fn run(base: &Round, t: &Templates, aim: &Aim, settings: &Settings) -> Result<Plan> {
    match aim {
        Aim::Goals(goals) if goals.is_empty() => {
            plan(base, t, &Goal::programme(&base.policy.goals), settings)
        }
        Aim::Goals(goals) => plan(base, t, goals, settings),
        Aim::Budget(budget) => plan_budget(base, t, *budget, settings),
    }
}
