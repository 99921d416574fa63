//! The budget plan (`plan` to a budget): the mix within a budget that does
//! best on the programme's goals, in one lexicographic MILP, and what the
//! next [`NEXT_STEP_DKK`] would buy.

use super::copies::{bounds, check_kinds, copy_model, counts, mix_lines, with_mix};
use super::goal::{counts_for, Goal};
use super::levels;
use super::{MixLine, Plan, PlanResult};
use crate::allocate::{self, Options, Outcome};
use crate::error::Result;
use crate::input::templates::Templates;
use crate::model::GoalKind;
use crate::round::Round;
use crate::solver::instance::{Instance, Target};
use crate::solver::{Settings, Status};
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

/// The largest budget, in kroner: with costs of at most
/// `input::templates::MAX_COST_KR` a month and templates of at most
/// `MAX_COUNT` copies every sum stays
/// exact in the MILP's `f64`.
pub const MAX_BUDGET_DKK: i64 = 1_000_000_000_000;

/// What the budget plan adds to the budget to see what more money would buy.
pub const NEXT_STEP_DKK: i64 = 100_000;

/// A budget in whole kroner, from 0 to [`MAX_BUDGET_DKK`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Budget(i64);

/// Why a budget is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BudgetError {
    /// Below 0 or above [`MAX_BUDGET_DKK`].
    #[error("a budget of {dkk} kr: must be from 0 to {max} kr", max = MAX_BUDGET_DKK)]
    OutOfRange {
        /// The budget given, kr.
        dkk: i64,
    },
}

impl Budget {
    /// The budget of `dkk` kroner, checked.
    ///
    /// ```
    /// use boligmatch::whatif::planning::{Budget, BudgetError, MAX_BUDGET_DKK};
    ///
    /// assert_eq!(Budget::new(2_000_000).map(Budget::dkk), Ok(2_000_000));
    /// assert_eq!(Budget::new(-1), Err(BudgetError::OutOfRange { dkk: -1 }));
    /// assert!(Budget::new(MAX_BUDGET_DKK + 1).is_err());
    /// ```
    pub fn new(dkk: i64) -> Result<Budget, BudgetError> {
        if (0..=MAX_BUDGET_DKK).contains(&dkk) {
            Ok(Budget(dkk))
        } else {
            Err(BudgetError::OutOfRange { dkk })
        }
    }

    /// The budget in kroner.
    pub fn dkk(self) -> i64 {
        self.0
    }
}

/// The mix within `budget` that does best on the programme's goals, in
/// this order: under-18s housed, 18–29-year-olds housed, total priority
/// housed; ties go to the cheaper mix, then to the one with more of the
/// earlier templates in the file (units first, then staff). Also the best
/// mix within `budget` + [`NEXT_STEP_DKK`].
pub fn plan_budget(
    base: &Round,
    t: &Templates,
    budget: Budget,
    settings: &Settings,
) -> Result<Plan> {
    check_kinds(base, t)?;
    let budget_dkk = budget.dkk();
    let today = Options {
        settings: settings.share(0.1),
        ..Options::default()
    };
    let before = allocate::run(base, &today)?.proposals[0].programme;
    let best = best_within(base, t, budget_dkk, &settings.share(0.5))?;
    let next = best_within(base, t, budget_dkk + NEXT_STEP_DKK, settings)?;
    Ok(Plan {
        goals: Goal::programme(&base.policy.goals),
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
/// cost, then the template counts in file order; see [`levels`]), one level
/// after another, each held at its optimum for the next.
fn best_within(base: &Round, t: &Templates, budget: i64, settings: &Settings) -> Result<BudgetMix> {
    let (ub_units, ub_staff) = bounds(base, t);
    let round = with_mix(base, t, &ub_units, &ub_staff);
    let inst = Instance::new(&round);
    let mut model = copy_model(
        &inst,
        &round,
        t,
        (&ub_units, &ub_staff),
        Vec::new(),
        settings,
    )?;
    let mut rules = std::mem::take(&mut model.rules);
    rules.push(model.cost.clone().leq(budget as f64));
    let levels = levels::levels(&inst, &round, &model);
    let (values, status) = levels::solve(&model.form, rules, levels, settings)?;
    let opened = |col: usize| levels::on(&values, col);
    let unit_counts = counts(&model.unit_copies, |i| opened(model.form.opened_column(i)));
    let staff_counts = counts(&model.staff_copies, |i| opened(model.form.hired_column(i)));
    let housed = |kind: GoalKind| levels::housed(&inst, &round, kind, &values);
    let shares = (housed(GoalKind::Under18), housed(GoalKind::Age18To29));
    budget_mix(
        base,
        t,
        (&unit_counts, &staff_counts),
        shares,
        status,
        settings,
    )
}

/// The mix of these counts (units, then staff) and the allocation it
/// enables, with `(under-18s, 18–29-year-olds)` housed kept.
fn budget_mix(
    base: &Round,
    t: &Templates,
    (unit_counts, staff_counts): (&[u32], &[u32]),
    (u18, a1829): (usize, usize),
    status: Status,
    settings: &Settings,
) -> Result<BudgetMix> {
    let mix = mix_lines(t, unit_counts, staff_counts);
    let total_cost_dkk = mix.iter().map(|m| m.cost_dkk).sum();
    let final_round = with_mix(base, t, unit_counts, staff_counts);
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
        settings: settings.clone(),
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
