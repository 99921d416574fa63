//! The round as a mixed-integer programme over eligible pairs only.
//!
//! Variables: `x[p,u]` (person p lives in unit u), `y[p,c]` (p is supported by a
//! worker of staff class c), and per shared-living unit a binary choosing which
//! side of each separation rule it serves. See `docs/model.md` for the math.

use crate::model::Gender;
use crate::solver::instance::{Instance, Plan, Restrictions, Separation, Target, UnitPlan};
use good_lp::{variable, Constraint, Expression, ProblemVariables, Variable};

/// The model in good_lp form.
pub struct Formulation {
    /// Every variable, in column order (see [`formulate`]).
    pub vars: ProblemVariables,
    /// One per unit pair.
    pub x: Vec<Variable>,
    /// One per staff pair.
    pub y: Vec<Variable>,
    /// Every constraint of the model; the objective is chosen per level.
    pub constraints: Vec<Constraint>,
    /// Level 1: total priority of housed people.
    pub level1: Expression,
    /// Level 2: total fit.
    pub level2: Expression,
    /// Level 3 of ranked proposals: the summed number of people whose home
    /// differs from each plan of [`Restrictions::closest_to`] (to minimise;
    /// zero without them).
    pub distance: Expression,
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
                .any(|(p, x)| *x == Some(u) && inst.side_a(p, rule));
            v.push(f64::from(u8::from(a)));
        }
        v
    }
}

/// Builds the model. `None` when a forced pair is not eligible.
///
/// Columns are created in this order, which [`Formulation::start_values`]
/// and the solver's reading of the solution rely on: every `x`, every `y`,
/// the open variables of optional units, the hire variables of optional
/// staff, then one side variable per separation rule that can bind.
pub fn formulate(inst: &Instance, restrictions: &Restrictions) -> Option<Formulation> {
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
    let sums = Sums::new(inst, &x, &y);
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
    let mut constraints = person_rules(inst, &sums);
    let sides = unit_rules(inst, &sums, &x, &opened, &mut vars, &mut constraints);
    constraints.extend(caseload_rules(inst, &sums, &hired));
    constraints.extend(target_rules(inst, &sums, &y, &restrictions.targets));
    constraints.extend(forced_rules(inst, restrictions, &sums, &x)?);
    let mut distance = Expression::default();
    for plan in &restrictions.closest_to {
        distance += distance_to(inst, &sums, &x, plan);
    }
    Some(Formulation {
        vars,
        x,
        y,
        constraints,
        level1: sums.level1,
        level2: sums.level2,
        distance,
        opened,
        hired,
        sides,
    })
}

/// The sums the constraints are made of, in one pass over the pairs.
struct Sums {
    /// Per person: units taken (0 or 1).
    housed: Vec<Expression>,
    /// Per person: workers assigned.
    supported: Vec<Expression>,
    /// Per unit: occupants.
    occupants: Vec<Expression>,
    /// Per staff class: new cases.
    caseload: Vec<Expression>,
    /// Unit pairs of each unit.
    by_unit: Vec<Vec<usize>>,
    /// Whether a class has any eligible person.
    class_used: Vec<bool>,
    /// Whether a person has any eligible unit.
    has_units: Vec<bool>,
    /// Level 1: total priority of the housed.
    level1: Expression,
    /// Level 2: total fit.
    level2: Expression,
}

impl Sums {
    fn new(inst: &Instance, x: &[Variable], y: &[Variable]) -> Sums {
        let (n_people, n_units) = (inst.person_count(), inst.unit_count());
        let mut s = Sums {
            housed: vec![Expression::default(); n_people],
            supported: vec![Expression::default(); n_people],
            occupants: vec![Expression::default(); n_units],
            caseload: vec![Expression::default(); inst.classes.len()],
            by_unit: vec![Vec::new(); n_units],
            class_used: vec![false; inst.classes.len()],
            has_units: vec![false; n_people],
            level1: Expression::default(),
            level2: Expression::default(),
        };
        for (k, q) in inst.unit_pairs.iter().enumerate() {
            s.by_unit[q.target].push(k);
            s.has_units[q.person] = true;
            s.housed[q.person].add_mul(1.0, x[k]);
            s.occupants[q.target].add_mul(1.0, x[k]);
            s.level1.add_mul(inst.priority[q.person] as f64, x[k]);
            s.level2.add_mul(q.fit as f64, x[k]);
        }
        for (k, q) in inst.staff_pairs.iter().enumerate() {
            s.class_used[q.target] = true;
            s.supported[q.person].add_mul(1.0, y[k]);
            s.caseload[q.target].add_mul(1.0, y[k]);
            s.level2.add_mul(q.fit as f64, y[k]);
        }
        s
    }
}

/// Each person lives in at most one unit, and every housed person gets
/// exactly one support worker (the programme's 100 % support goal).
fn person_rules(inst: &Instance, sums: &Sums) -> Vec<Constraint> {
    let mut out = Vec::new();
    for p in (0..inst.person_count()).filter(|&p| sums.has_units[p]) {
        out.push(sums.housed[p].clone().leq(1.0));
        out.push((sums.supported[p].clone() - sums.housed[p].clone()).eq(0.0));
    }
    out
}

/// Occupants never exceed places (of an opened unit, in planning), and a
/// shared-living unit serves one side of each separation rule: adds a side
/// variable per rule that can bind and returns which unit and rule each is.
fn unit_rules(
    inst: &Instance,
    sums: &Sums,
    x: &[Variable],
    opened: &[(usize, Variable)],
    vars: &mut ProblemVariables,
    constraints: &mut Vec<Constraint>,
) -> Vec<(usize, Separation)> {
    let open_of: std::collections::BTreeMap<usize, Variable> = opened.iter().copied().collect();
    let mut sides = Vec::new();
    for ui in 0..inst.unit_count() {
        let pairs = &sums.by_unit[ui];
        if pairs.is_empty() {
            continue;
        }
        let places = f64::from(inst.places(ui));
        let occupants = sums.occupants[ui].clone();
        match open_of.get(&ui) {
            Some(open) => constraints.push(occupants.leq(places * *open)),
            None => constraints.push(occupants.leq(places)),
        }
        for rule in inst.separations(ui) {
            let (a_pairs, b_pairs): (Vec<usize>, Vec<usize>) = pairs
                .iter()
                .partition(|&&k| inst.side_a(inst.unit_pairs[k].person, rule));
            if a_pairs.is_empty() || b_pairs.is_empty() {
                continue;
            }
            let a: Expression = a_pairs.iter().map(|&k| x[k]).sum();
            let b: Expression = b_pairs.iter().map(|&k| x[k]).sum();
            // Shared living: one side or the other, never both (z = 1: side A).
            let z = vars.add(variable().binary());
            sides.push((ui, rule));
            constraints.push(a.leq(places * z));
            constraints.push((b + places * z).leq(places));
        }
    }
    sides
}

/// Each worker's new cases within free capacity (pooled per class); a worker
/// to be hired adds capacity only if hired.
fn caseload_rules(inst: &Instance, sums: &Sums, hired: &[(usize, Variable)]) -> Vec<Constraint> {
    let hire_of: std::collections::BTreeMap<usize, Variable> = hired.iter().copied().collect();
    let mut out = Vec::new();
    for (ci, class) in inst.classes.iter().enumerate() {
        if !sums.class_used[ci] {
            continue;
        }
        let mut cap = Expression::default();
        for &s in &class.members {
            let c = f64::from(inst.staff_capacity(s));
            match hire_of.get(&s) {
                Some(h) => cap.add_mul(c, *h),
                None => cap += c,
            }
        }
        out.push(sums.caseload[ci].clone().leq(cap));
    }
    out
}

/// Goals the allocation must reach (capacity planning).
fn target_rules(
    inst: &Instance,
    sums: &Sums,
    y: &[Variable],
    targets: &[Target],
) -> Vec<Constraint> {
    let mut out = Vec::new();
    for t in targets {
        match t {
            Target::Housed { people, min_housed } => {
                let e: Expression = people.iter().map(|&p| sums.housed[p].clone()).sum();
                out.push(e.geq(*min_housed as f64));
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
                out.push(female.geq(*share * all));
            }
        }
    }
    out
}

/// Pinned and forced placements hold, and the plan differs from each given
/// plan in at least the given number of placements. `None` when a forced
/// pair is not eligible.
fn forced_rules(
    inst: &Instance,
    restrictions: &Restrictions,
    sums: &Sums,
    x: &[Variable],
) -> Option<Vec<Constraint>> {
    let mut out = Vec::new();
    for &(p, u) in inst.pins.iter().chain(restrictions.forced.iter()) {
        let k = inst.unit_pair(p, u)?;
        out.push(Expression::from(x[k]).eq(1.0));
    }
    for (plan, d) in &restrictions.differ_from {
        out.push(distance_to(inst, sums, x, plan).geq(*d as f64));
    }
    Some(out)
}

/// The number of people whose home differs from `plan`'s (a linear
/// expression in the placement variables).
fn distance_to(inst: &Instance, sums: &Sums, x: &[Variable], plan: &UnitPlan) -> Expression {
    let mut differs = Expression::default();
    for (p, housed_p) in sums.housed.iter().enumerate() {
        match plan.get(p).copied().flatten() {
            Some(u) => match inst.unit_pair(p, u) {
                Some(k) => differs += 1.0 - x[k],
                None => differs += 1.0,
            },
            None => differs += housed_p.clone(),
        }
    }
    differs
}
