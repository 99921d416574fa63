//! The programme's goals counted for a plan: this round's (under 18, 18–29,
//! support, a female worker where asked) and the programme's so far (the
//! roster: this round's people and the record's tenants), against the
//! policy's targets.

use crate::model::{AgeBand, FemaleStaff, Gender};
use crate::solver::instance::{Instance, Plan};
use serde::Serialize;

/// A share towards a goal: `achieved` of `total`, against a target share.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Goal {
    /// People in the group who reached it (housed, or given a female worker).
    pub achieved: usize,
    /// Count it is out of.
    pub total: usize,
    /// Target share (1.0 = 100%).
    pub target: f64,
}

impl Goal {
    /// Share achieved; 1.0 when nothing was asked.
    pub fn share(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.achieved as f64 / self.total as f64
        }
    }

    /// Whether the target is met.
    pub fn met(&self) -> bool {
        self.share() + 1e-12 >= self.target
    }
}

/// The programme's goals for one plan.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Goals {
    /// Under-18s housed (goal 100%).
    pub under_18: Goal,
    /// 18–29-year-olds housed (goal 90%).
    pub age_18_29: Goal,
    /// Housed people with a support worker (goal 100%).
    pub support: Goal,
    /// Housed people who asked for a female worker and got one (goal: where possible).
    pub female_worker: Goal,
}

impl Goals {
    /// No one counted yet, against the policy's targets.
    pub fn with_targets(t: &crate::model::GoalTargets) -> Goals {
        let goal = |target| Goal {
            achieved: 0,
            total: 0,
            target,
        };
        Goals {
            under_18: goal(t.under_18),
            age_18_29: goal(t.age_18_29),
            support: goal(t.support),
            female_worker: goal(t.female_worker),
        }
    }
}

/// The goals over the programme so far for a plan: under-18s and
/// 18–29-year-olds (age at registration) on the roster — this round's people
/// and the record's tenants — housed by the record or by the plan; support
/// and female worker as this round.
pub fn programme_goals(inst: &Instance, plan: &Plan) -> Goals {
    let round = inst.round();
    let day = round.policy.round_date;
    let mut g = goals(inst, plan);
    g.under_18 = Goal {
        achieved: 0,
        total: 0,
        ..g.under_18
    };
    g.age_18_29 = Goal {
        achieved: 0,
        total: 0,
        ..g.age_18_29
    };
    let waiting = round
        .people
        .iter()
        .enumerate()
        .map(|(p, person)| (person, plan.unit_of[p].is_some()));
    let tenants = round.programme.tenants_in_people.iter().map(|p| (p, true));
    for (person, housed_now) in waiting.chain(tenants) {
        let housed = housed_now || round.programme.housed.contains(&person.id);
        let goal = match person.goal_band(day) {
            AgeBand::Under18 => &mut g.under_18,
            AgeBand::Age18To24 | AgeBand::Age25To29 => &mut g.age_18_29,
            AgeBand::Age30Plus => continue,
        };
        goal.total += 1;
        goal.achieved += usize::from(housed);
    }
    g
}

/// The programme's goals for a plan, this round.
pub fn goals(inst: &Instance, plan: &Plan) -> Goals {
    let (unit_of, class_of) = (&plan.unit_of, &plan.class_of);
    let round = inst.round();
    let mut g = Goals::with_targets(&round.policy.goals);
    for (p, person) in round.people.iter().enumerate() {
        let housed = unit_of[p].is_some();
        let band = match person.age_band() {
            AgeBand::Under18 => Some(&mut g.under_18),
            AgeBand::Age18To24 | AgeBand::Age25To29 => Some(&mut g.age_18_29),
            AgeBand::Age30Plus => None,
        };
        if let Some(goal) = band {
            goal.total += 1;
            goal.achieved += usize::from(housed);
        }
        if housed {
            g.support.total += 1;
            g.support.achieved += usize::from(class_of[p].is_some());
            if person.female_staff != FemaleStaff::No {
                g.female_worker.total += 1;
                let female = class_of[p].is_some_and(|c| inst.classes[c].gender == Gender::F);
                g.female_worker.achieved += usize::from(female);
            }
        }
    }
    g
}
