//! The planning model of template copies: the base round with every
//! template at its bound, an open (or hire) variable per copy, copies opened
//! in order so that a template's count is the number of its copies opened,
//! and the cost of a mix.

use super::MixLine;
use crate::error::{Error, Result};
use crate::input::spec::fresh_ids;
use crate::input::templates::{Templates, MAX_COUNT};
use crate::round::Round;
use crate::solver::formulation::{formulate, Formulation};
use crate::solver::instance::{Instance, Restrictions, Target};
use crate::solver::milp::out_of_time;
use crate::solver::Settings;
use good_lp::Expression;

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
pub(super) fn check_kinds(base: &Round, t: &Templates) -> Result<()> {
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
pub(super) fn bounds(base: &Round, t: &Templates) -> (Vec<u32>, Vec<u32>) {
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

/// The planning model of a round with every template at its bound: which
/// units and workers are copies of which template, the allocation rules with
/// an open/hire variable per copy, the total cost, and the rules that open a
/// template's copies in order.
pub(super) struct CopyModel {
    pub(super) unit_copies: Vec<Vec<usize>>,
    pub(super) staff_copies: Vec<Vec<usize>>,
    pub(super) restrictions: Restrictions,
    pub(super) form: Formulation,
    pub(super) cost: Expression,
    pub(super) rules: Vec<good_lp::Constraint>,
    pub(super) unit_costs: Vec<f64>,
    pub(super) staff_costs: Vec<f64>,
}

pub(super) fn copy_model(
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
pub(super) fn counts(groups: &[Vec<usize>], is_open: impl Fn(usize) -> bool) -> Vec<u32> {
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
pub(super) fn mix_lines(t: &Templates, unit_counts: &[u32], staff_counts: &[u32]) -> Vec<MixLine> {
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
