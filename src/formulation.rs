//! The round as a mixed-integer programme over eligible pairs only.
//!
//! Variables: `x[p,u]` (person p lives in unit u), `y[p,c]` (p is supported by a
//! worker of staff class c), and per shared-living unit a binary choosing which
//! side of each separation rule it serves. See `docs/model.md` for the math.

use crate::eligibility::separation_applies;
use crate::instance::{Instance, Plan, Restrictions, Separation, Target};
use crate::model::Gender;
use good_lp::{variable, Constraint, Expression, ProblemVariables, Variable};

/// The model in good_lp form.
pub struct Formulation {
    /// Variables.
    pub vars: ProblemVariables,
    /// One per unit pair.
    pub x: Vec<Variable>,
    /// One per staff pair.
    pub y: Vec<Variable>,
    /// All constraints.
    pub constraints: Vec<Constraint>,
    /// Level 1: total priority of housed people.
    pub level1: Expression,
    /// Level 2: total fit.
    pub level2: Expression,
    /// Open variables of optional units (unit index, variable), created right
    /// after `y`, in this order.
    pub opened: Vec<(usize, Variable)>,
    /// Hire variables of optional staff (staff index, variable), created right
    /// after `opened`, in this order.
    pub hired: Vec<(usize, Variable)>,
    /// One per separation variable, in creation order: the unit and the rule;
    /// the variable is 1 when the unit serves side A (minors, or women).
    pub sides: Vec<(usize, Separation)>,
}

impl Formulation {
    /// Column of the `i`-th optional unit's open variable.
    pub fn opened_column(&self, i: usize) -> usize {
        self.x.len() + self.y.len() + i
    }

    /// Column of the `i`-th optional worker's hire variable.
    pub fn hired_column(&self, i: usize) -> usize {
        self.x.len() + self.y.len() + self.opened.len() + i
    }

    /// The full column vector of a plan, for a MIP start. The plan must keep
    /// every rule (e.g. the priority-list baseline does).
    pub fn start_values(&self, inst: &Instance, plan: &Plan) -> Vec<f64> {
        let (unit_of, class_of) = (&plan.unit_of, &plan.class_of);
        let mut v = Vec::with_capacity(
            self.x.len() + self.y.len() + self.opened.len() + self.hired.len() + self.sides.len(),
        );
        v.extend(
            inst.unit_pairs
                .iter()
                .map(|q| f64::from(u8::from(unit_of[q.person] == Some(q.target)))),
        );
        v.extend(
            inst.staff_pairs
                .iter()
                .map(|q| f64::from(u8::from(class_of[q.person] == Some(q.target)))),
        );
        // Optional units and staff, in creation order: all open.
        v.extend(std::iter::repeat_n(
            1.0,
            self.opened.len() + self.hired.len(),
        ));
        for &(u, rule) in &self.sides {
            let a = unit_of
                .iter()
                .enumerate()
                .any(|(p, x)| *x == Some(u) && rule.side_a(&inst.round.people[p]));
            v.push(f64::from(u8::from(a)));
        }
        v
    }
}

/// Builds the model. `None` when a forced pair is not eligible.
pub fn formulate(inst: &Instance, restrictions: &Restrictions) -> Option<Formulation> {
    let round = inst.round;
    let mut vars = ProblemVariables::new();
    let x: Vec<Variable> = inst
        .unit_pairs
        .iter()
        .map(|_| vars.add(variable().binary()))
        .collect();
    let y: Vec<Variable> = inst
        .staff_pairs
        .iter()
        .map(|_| vars.add(variable().binary()))
        .collect();
    let n_people = round.people.len();
    let mut housed: Vec<Expression> = vec![Expression::default(); n_people];
    let mut supported: Vec<Expression> = vec![Expression::default(); n_people];
    let mut occupants: Vec<Expression> = vec![Expression::default(); round.units.len()];
    let mut caseload: Vec<Expression> = vec![Expression::default(); inst.classes.len()];
    let mut level1 = Expression::default();
    let mut level2 = Expression::default();
    let mut by_unit: Vec<Vec<usize>> = vec![Vec::new(); round.units.len()];
    let mut by_class = vec![false; inst.classes.len()];
    for (k, q) in inst.unit_pairs.iter().enumerate() {
        by_unit[q.target].push(k);
        housed[q.person].add_mul(1.0, x[k]);
        occupants[q.target].add_mul(1.0, x[k]);
        level1.add_mul(inst.priority[q.person] as f64, x[k]);
        level2.add_mul(q.fit as f64, x[k]);
    }
    for (k, q) in inst.staff_pairs.iter().enumerate() {
        by_class[q.target] = true;
        supported[q.person].add_mul(1.0, y[k]);
        caseload[q.target].add_mul(1.0, y[k]);
        level2.add_mul(q.fit as f64, y[k]);
    }
    let mut constraints = Vec::new();
    let mut sides = Vec::new();
    // Capacity planning: a 0/1 "open" variable per optional unit and worker.
    let opened: Vec<(usize, Variable)> = restrictions
        .optional_units
        .iter()
        .map(|&u| (u, vars.add(variable().binary())))
        .collect();
    let hired: Vec<(usize, Variable)> = restrictions
        .optional_staff
        .iter()
        .map(|&s| (s, vars.add(variable().binary())))
        .collect();
    let open_of: std::collections::BTreeMap<usize, Variable> = opened.iter().copied().collect();
    let hire_of: std::collections::BTreeMap<usize, Variable> = hired.iter().copied().collect();
    let has_units: Vec<bool> = {
        let mut v = vec![false; n_people];
        for q in &inst.unit_pairs {
            v[q.person] = true;
        }
        v
    };
    for p in 0..n_people {
        if !has_units[p] {
            continue;
        }
        // Each person at most one unit.
        constraints.push(housed[p].clone().leq(1.0));
        // Every housed person gets exactly one support worker (the 100% goal).
        constraints.push((supported[p].clone() - housed[p].clone()).eq(0.0));
    }
    for (ui, unit) in round.units.iter().enumerate() {
        if by_unit[ui].is_empty() {
            continue;
        }
        // Occupants never exceed places (of an opened unit, in planning).
        match open_of.get(&ui) {
            Some(open) => constraints.push(occupants[ui].clone().leq(unit.places as f64 * *open)),
            None => constraints.push(occupants[ui].clone().leq(unit.places as f64)),
        }
        let (minors, genders) = separation_applies(unit, &round.policy);
        let pairs = &by_unit[ui];
        let places = unit.places as f64;
        let mut side = |rule: Separation| {
            let is_a = |p: usize| rule.side_a(&round.people[p]);
            let (a_pairs, b_pairs): (Vec<usize>, Vec<usize>) = pairs
                .iter()
                .partition(|&&k| is_a(inst.unit_pairs[k].person));
            if a_pairs.is_empty() || b_pairs.is_empty() {
                return;
            }
            let a: Expression = a_pairs.iter().map(|&k| x[k]).sum();
            let b: Expression = b_pairs.iter().map(|&k| x[k]).sum();
            // Shared living: one side or the other, never both (z = 1: side A).
            let z = vars.add(variable().binary());
            sides.push((ui, rule));
            constraints.push(a.leq(places * z));
            constraints.push((b + places * z).leq(places));
        };
        if minors {
            side(Separation::Minors);
        }
        if genders {
            side(Separation::Women);
        }
    }
    for (ci, class) in inst.classes.iter().enumerate() {
        if !by_class[ci] {
            continue;
        }
        // Each worker's new cases within free capacity (pooled per class); a
        // worker to be hired adds capacity only if hired.
        let mut cap = Expression::default();
        for &s in &class.members {
            let c = round.staff[s].capacity as f64;
            match hire_of.get(&s) {
                Some(h) => cap.add_mul(c, *h),
                None => cap += c,
            }
        }
        constraints.push(caseload[ci].clone().leq(cap));
    }
    for t in &restrictions.targets {
        match t {
            Target::Housed { people, min_housed } => {
                let e: Expression = people.iter().map(|&p| housed[p].clone()).sum();
                constraints.push(e.geq(*min_housed as f64));
            }
            Target::FemaleWorker { people, share } => {
                let mut female = Expression::default();
                let mut all = Expression::default();
                for (k, q) in inst.staff_pairs.iter().enumerate() {
                    if people.contains(&q.person) {
                        all.add_mul(1.0, y[k]);
                        if inst.classes[q.target].gender == Gender::F {
                            female.add_mul(1.0, y[k]);
                        }
                    }
                }
                constraints.push(female.geq(*share * all));
            }
        }
    }
    let forced = inst.pins.iter().chain(restrictions.forced.iter());
    for &(p, u) in forced {
        let k = inst.unit_pair(p, u)?;
        constraints.push(Expression::from(x[k]).eq(1.0));
    }
    for (plan, d) in &restrictions.differ_from {
        // Number of people whose placement differs from `plan` is at least d.
        let mut differs = Expression::default();
        for (p, housed_p) in housed.iter().enumerate() {
            match plan.get(p).copied().flatten() {
                Some(u) => match inst.unit_pair(p, u) {
                    Some(k) => differs += 1.0 - x[k],
                    None => differs += 1.0,
                },
                None => differs += housed_p.clone(),
            }
        }
        constraints.push(differs.geq(*d as f64));
    }
    Some(Formulation {
        vars,
        x,
        y,
        constraints,
        level1,
        level2,
        opened,
        hired,
        sides,
    })
}
