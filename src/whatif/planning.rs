//! Capacity planning: the cheapest mix of new units and staff that reaches the
//! programme's goals, found in one MILP with the allocation inside it.
//!
//! Each template gets up to `max_count` copies, each with a 0/1 "open" (or
//! "hire") variable; copies of a template open in order (symmetry breaking), so
//! the number opened is the template's integer count. The objective is the
//! total cost; the allocation constraints are those of every round.

use crate::allocate::{self, Goals, Options, Outcome};
use crate::error::{Error, Result};
use crate::input::spec::fresh_ids;
pub use crate::input::templates::{
    load_templates, StaffTemplate, Templates, UnitTemplate, MAX_COUNT,
};
use crate::model::{Gender, GoalKind};
use crate::round::Round;
use crate::solver::formulation::formulate;
use crate::solver::instance::{Instance, Restrictions, Target};
use crate::solver::milp::{out_of_time, run_model, Sense};
use crate::solver::{Settings, Status};
use good_lp::Expression;
use serde::Serialize;

/// A goal of the programme, as a share of a group.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Goal {
    /// Which group, or the female-worker goal.
    pub name: GoalKind,
    /// Share to reach, 0–1.
    pub share: f64,
}

impl Goal {
    /// Parses `NAME=SHARE`, e.g. `under_18=1.0`.
    pub fn parse(s: &str) -> std::result::Result<Goal, String> {
        let (n, v) = s
            .split_once('=')
            .ok_or_else(|| format!("--target '{s}': expected NAME=SHARE, e.g. under_18=1.0"))?;
        let name = GoalKind::parse(n).ok_or_else(|| {
            format!(
                "--target '{s}': \"{n}\" is not one of {}",
                GoalKind::expected()
            )
        })?;
        let share: f64 = v
            .trim()
            .trim_end_matches('%')
            .parse()
            .map_err(|_| format!("--target '{s}': \"{v}\" is not a share such as 0.9"))?;
        let share = if v.trim().ends_with('%') {
            share / 100.0
        } else {
            share
        };
        if !(0.0..=1.0).contains(&share) {
            return Err(format!("--target '{s}': the share must be between 0 and 1"));
        }
        Ok(Goal { name, share })
    }

    /// The programme's goals: all under-18s, 90 % of 18–29-year-olds.
    pub fn programme() -> Vec<Goal> {
        vec![
            Goal {
                name: GoalKind::Under18,
                share: 1.0,
            },
            Goal {
                name: GoalKind::Age18To29,
                share: 0.9,
            },
        ]
    }

    /// The people this round can still count for the goal: waiting, in the
    /// goal's group by their age at registration, and not already housed by
    /// the offers record.
    fn members(&self, round: &Round) -> Vec<usize> {
        round
            .people
            .iter()
            .enumerate()
            .filter(|(_, p)| counts_for(self.name, round, p))
            .map(|(i, _)| i)
            .collect()
    }

    /// (housed already by the record, everyone in the group over the
    /// programme): the programme's share starts from these.
    fn programme_base(&self, round: &Round) -> (usize, usize) {
        let day = round.policy.round_date;
        let roster = round
            .people
            .iter()
            .chain(&round.programme.tenants_in_people)
            .filter(|p| self.name.concerns_at(p, day));
        let (mut housed, mut total) = (0, 0);
        for p in roster {
            total += 1;
            housed += usize::from(round.programme.housed.contains(&p.id));
        }
        (housed, total)
    }

    /// As a constraint on a round: the programme's share (the roster and the
    /// record's tenants counted), reached by housing enough of this round's
    /// members.
    pub fn target(&self, round: &Round) -> Target {
        let people = self.members(round);
        if self.name == GoalKind::FemaleWorker {
            Target::FemaleWorker {
                people,
                share: self.share,
            }
        } else {
            let (already, total) = self.programme_base(round);
            let needed = (self.share * total as f64 - 1e-9).ceil().max(0.0) as usize;
            Target::Housed {
                min_housed: needed.saturating_sub(already).min(people.len()),
                people,
            }
        }
    }
}

/// Whether a waiting person counts for a goal this round: in its group by
/// age at registration and not housed by the record already.
fn counts_for(kind: GoalKind, round: &Round, p: &crate::model::Person) -> bool {
    if kind == GoalKind::FemaleWorker {
        return kind.concerns(p);
    }
    kind.concerns_at(p, round.policy.round_date) && !round.programme.housed.contains(&p.id)
}

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
    /// The best mix within a budget (`plan --budget`), and what the next
    /// 100,000 kr would buy.
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
/// [`MAX_COUNT`] copies every sum stays exact in the MILP's `f64`.
pub const MAX_BUDGET_DKK: i64 = 1_000_000_000_000;

/// What `plan --budget` adds to see what more money would buy.
pub const NEXT_STEP_DKK: i64 = 100_000;

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

/// The base round with `counts` of each template added (units first, then staff).
pub fn with_mix(base: &Round, t: &Templates, unit_counts: &[u32], staff_counts: &[u32]) -> Round {
    let mut r = base.clone();
    for (id, d) in &t.kinds {
        r.policy.kinds.declare(id, d.clone());
    }
    for (i, (tpl, &n)) in t.unit.iter().zip(unit_counts).enumerate() {
        let ids = fresh_ids(&copy_prefix('U', i), n, |_| false);
        r.units.extend(ids.into_iter().map(|id| tpl.unit.unit(id)));
    }
    for (i, (tpl, &n)) in t.staff.iter().zip(staff_counts).enumerate() {
        let ids = fresh_ids(&copy_prefix('S', i), n, |_| false);
        r.staff
            .extend(ids.into_iter().map(|id| tpl.staff.staff(id)));
    }
    r.sort();
    r
}

/// Every unit template's kind must be declared by the base policy or the
/// templates file itself.
fn check_kinds(base: &Round, t: &Templates) -> Result<()> {
    let mut kinds = base.policy.kinds.clone();
    for (id, d) in &t.kinds {
        kinds.declare(id, d.clone());
    }
    let problems: Vec<crate::error::Problem> = t
        .unit
        .iter()
        .flat_map(|u| {
            u.unit.kind_problems(&kinds).into_iter().map(move |m| {
                crate::error::Problem::file("templates.toml", format!("unit \"{}\": {m}", u.name))
            })
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Input(crate::error::Problems(problems)))
    }
}

/// Upper bounds on the counts: `max_count`, or as many as could ever be used.
fn bounds(base: &Round, t: &Templates) -> (Vec<u32>, Vec<u32>) {
    let n = base.people.len() as u32;
    let units = t
        .unit
        .iter()
        .map(|u| {
            u.max_count
                .unwrap_or(n.div_ceil(u.unit.places.max(1)))
                .min(MAX_COUNT)
        })
        .collect();
    let staff = t
        .staff
        .iter()
        .map(|s| {
            s.max_count
                .unwrap_or(if s.staff.capacity == 0 {
                    0
                } else {
                    n.div_ceil(s.staff.capacity)
                })
                .min(MAX_COUNT)
        })
        .collect();
    (units, staff)
}

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
        settings: *settings,
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

/// The planning model of a round with every template at its bound: which
/// units and workers are copies of which template, the allocation rules with
/// an open/hire variable per copy, the total cost, and the rules that open a
/// template's copies in order.
struct CopyModel {
    unit_copies: Vec<Vec<usize>>,
    staff_copies: Vec<Vec<usize>>,
    restrictions: Restrictions,
    form: crate::solver::formulation::Formulation,
    cost: Expression,
    rules: Vec<good_lp::Constraint>,
    unit_costs: Vec<f64>,
    staff_costs: Vec<f64>,
}

fn copy_model(
    inst: &Instance,
    round: &Round,
    t: &Templates,
    (ub_units, ub_staff): (&[u32], &[u32]),
    targets: Vec<Target>,
    settings: &Settings,
) -> Result<CopyModel> {
    let unit_copies = copies(ub_units, 'U', |id| round.unit_index(id));
    let staff_copies = copies(ub_staff, 'S', |id| {
        round.staff.iter().position(|s| s.id == id)
    });
    let restrictions = Restrictions {
        targets,
        optional_units: unit_copies.iter().flatten().copied().collect(),
        optional_staff: staff_copies.iter().flatten().copied().collect(),
        ..Restrictions::default()
    };
    if settings.out_of_time() {
        return Err(out_of_time());
    }
    let Some(form) = formulate(inst, &restrictions) else {
        return Err(Error::Solver(
            "the planning model could not be built".into(),
        ));
    };
    let unit_costs: Vec<f64> = t.unit.iter().map(|u| u.cost(t.months) as f64).collect();
    let staff_costs: Vec<f64> = t.staff.iter().map(|s| s.cost(t.months) as f64).collect();
    let (mut cost, mut rules) = ordered_copies(&form.opened, &unit_copies, &unit_costs);
    let (staff_cost, staff_order) = ordered_copies(&form.hired, &staff_copies, &staff_costs);
    cost += staff_cost;
    rules.extend(staff_order);
    Ok(CopyModel {
        unit_copies,
        staff_copies,
        restrictions,
        form,
        cost,
        rules,
        unit_costs,
        staff_costs,
    })
}

/// The id prefix of the copies of template `i` (`PLAN-U01-`, `PLAN-S02-`).
fn copy_prefix(what: char, i: usize) -> String {
    format!("PLAN-{what}{:02}-", i + 1)
}

/// For each template, the indices of its `bounds[i]` copies in the round.
fn copies(bounds: &[u32], what: char, index: impl Fn(&str) -> Option<usize>) -> Vec<Vec<usize>> {
    bounds
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            fresh_ids(&copy_prefix(what, i), n, |_| false)
                .iter()
                .filter_map(|id| index(id))
                .collect()
        })
        .collect()
}

/// The cost of the copies opened, and the symmetry breaking that makes the
/// count of a template the number of its copies opened: copies open in order.
/// `open` holds the variables of every copy, template after template.
fn ordered_copies(
    open: &[(usize, good_lp::Variable)],
    groups: &[Vec<usize>],
    costs: &[f64],
) -> (Expression, Vec<good_lp::Constraint>) {
    let mut cost = Expression::default();
    let mut in_order = Vec::new();
    let mut k = 0;
    for (group, c) in groups.iter().zip(costs) {
        for j in 0..group.len() {
            cost.add_mul(*c, open[k + j].1);
            if j > 0 {
                in_order.push((Expression::from(open[k + j - 1].1) - open[k + j].1).geq(0.0));
            }
        }
        k += group.len();
    }
    (cost, in_order)
}

/// Per template, how many of its copies are open (`is_open` takes the
/// position among all copies, template after template).
fn counts(groups: &[Vec<usize>], is_open: impl Fn(usize) -> bool) -> Vec<u32> {
    let mut k = 0;
    groups
        .iter()
        .map(|g| {
            let n = (k..k + g.len()).filter(|&i| is_open(i)).count() as u32;
            k += g.len();
            n
        })
        .collect()
}

/// The mix as lines: units first, then staff, in file order.
fn mix_lines(t: &Templates, unit_counts: &[u32], staff_counts: &[u32]) -> Vec<MixLine> {
    let line = |template: &str, what, count: u32, each: i64| MixLine {
        template: template.to_string(),
        what,
        count,
        cost_each_dkk: each,
        cost_dkk: each * i64::from(count),
    };
    let units = t
        .unit
        .iter()
        .zip(unit_counts)
        .map(|(tpl, &n)| line(&tpl.name, "unit", n, tpl.cost(t.months)));
    let staff = t
        .staff
        .iter()
        .zip(staff_counts)
        .map(|(tpl, &n)| line(&tpl.name, "staff", n, tpl.cost(t.months)));
    units.chain(staff).collect()
}

/// For each goal alone: the best share reachable with every template at its maximum.
fn shortfalls(
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

#[cfg(test)]
mod goal_tests {
    use super::*;

    /// Issue 12: goal names were matched as strings, and an unknown one
    /// silently counted everyone.
    #[test]
    fn goals_are_typed_and_unknown_names_refused() {
        assert_eq!(
            Goal::parse("under_18=1").map(|g| g.name),
            Ok(GoalKind::Under18)
        );
        assert_eq!(Goal::parse("age_18_29=90%").map(|g| g.share), Ok(0.9));
        let e = Goal::parse("under_81=1").unwrap_err();
        assert!(
            e.contains("\"under_81\" is not one of under_18 | age_18_29"),
            "{e}"
        );
        assert!(Goal::parse("all=nan").is_err());
        assert!(Goal::parse("all=inf").is_err());
    }
}
