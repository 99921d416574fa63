//! How each week's round is decided: the strategies, and what `lookahead`
//! keeps back for the under-18s expected soon.

use super::setup::Setup;
use crate::allocate::{self, Options};
use crate::error::Result;
use crate::model::AgeBand;
use crate::round::Round;
use crate::solver::Settings;
use serde::Serialize;

/// How each week's round is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// The weekly round as `allocate` solves it (proposal 1).
    Optimal,
    /// The plain priority list.
    PriorityList,
    /// The weekly round, keeping back places that suit under-18s for the
    /// under-18s expected to arrive in the next weeks (their potential value
    /// taken as above any adult's use of the place).
    Lookahead,
}

impl Strategy {
    /// The name on the command line and in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Optimal => "optimal",
            Strategy::PriorityList => "priority_list",
            Strategy::Lookahead => "lookahead",
        }
    }
}

/// How many weeks ahead `lookahead` looks.
pub const LOOKAHEAD_WEEKS: u32 = 8;

/// Under-18s expected to arrive in the next [`LOOKAHEAD_WEEKS`] after week
/// `w`: the dated arrivals, and the random stream times the share of
/// under-18s in the base round.
fn expected_minors(setup: &Setup, w: u32) -> f64 {
    let (from, to) = (setup.day(w), setup.day(w + LOOKAHEAD_WEEKS));
    let dated = setup
        .arrivals
        .iter()
        .filter(|(d, p)| *d > from && *d <= to && p.goal_band(*d) == AgeBand::Under18)
        .count() as f64;
    let people = &setup.base.people;
    let share = if people.is_empty() {
        0.0
    } else {
        people.iter().filter(|p| p.age < 18).count() as f64 / people.len() as f64
    };
    dated + setup.timeline.arrival_rate * f64::from(LOOKAHEAD_WEEKS) * share
}

/// `lookahead`: keeps back from adults as many free places that suit
/// under-18s (minimum age below 18) as the under-18s expected soon exceed
/// those places' other claimants (the under-18s waiting now): adults may not
/// take them this week.
pub(super) fn keep_back(round: Round, setup: &Setup, w: u32) -> Result<Round> {
    let expected = expected_minors(setup, w).ceil() as usize;
    if expected == 0 {
        return Ok(round);
    }
    let waiting_minors = round.people.iter().filter(|p| p.age < 18).count();
    let suits_minors: Vec<(String, u32)> = round
        .units
        .iter()
        .filter(|u| u.places > 0 && u.min_age < 18 && u.max_age.is_none_or(|m| m >= 16))
        .map(|u| (u.id.clone(), u.places))
        .collect();
    let free: usize = suits_minors.iter().map(|(_, n)| *n as usize).sum();
    // Places the minors waiting now leave over, at most the expected arrivals.
    let mut keep = expected.min(free.saturating_sub(waiting_minors));
    if keep == 0 {
        return Ok(round);
    }
    let mut kept = Vec::new();
    for (id, n) in suits_minors.iter().rev() {
        if keep == 0 {
            break;
        }
        kept.push(id.clone());
        keep = keep.saturating_sub(*n as usize);
    }
    let (units, mut people, staff, policy) = round.into_parts();
    for p in people
        .iter_mut()
        .filter(|p| p.age >= 18 && p.pinned_unit.is_none())
    {
        for id in &kept {
            if !p.declined_units.contains(id) {
                p.declined_units.push(id.clone());
            }
        }
    }
    Round::with_checked_policy(units, people, staff, policy)
}

/// The placements (person, unit, worker) a strategy makes in a round.
pub fn placements(
    round: &Round,
    strategy: Strategy,
    settings: &Settings,
) -> Result<Vec<(String, String, String)>> {
    Ok(match strategy {
        Strategy::Optimal | Strategy::Lookahead => {
            let o = Options {
                proposals: 1,
                explain: false,
                settings: settings.clone(),
                ..Options::default()
            };
            let outcome = allocate::run(round, &o)?;
            outcome.proposals[0]
                .placements
                .iter()
                .map(|p| (p.person_id.clone(), p.unit_id.clone(), p.staff_id.clone()))
                .collect()
        }
        Strategy::PriorityList => {
            let inst = crate::solver::instance::Instance::new(round);
            let plan = crate::solver::baseline::priority_list(&inst);
            let staff_of = crate::solver::assign_staff(&inst, &plan.class_of);
            (0..round.people.len())
                .filter_map(|p| {
                    let u = plan.unit_of[p]?;
                    let s = staff_of[p]?;
                    Some((
                        round.people[p].id.clone(),
                        round.units[u].id.clone(),
                        round.staff[s].id.clone(),
                    ))
                })
                .collect()
        }
    })
}
