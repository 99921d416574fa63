//! One allocation round end to end: ranked proposals, alternatives per person,
//! explanations, goals and the priority-list baseline. The report stage reads
//! only what this module returns.

pub mod explain;
mod goals;
mod proposal;

pub use goals::{goals, programme_goals, Goal, Goals};
pub use proposal::difference;
use proposal::proposal;

/// (person, current unit, forced unit, level-1 loss, level-2 loss).
type Forced = (usize, usize, usize, i64, i64);

use crate::allocate::explain::Reason;
use crate::error::{Error, Problem, Problems, Result};
use crate::model::{Method, UnitKind};
use crate::round::Round;
use crate::solver::baseline::priority_list;
use crate::solver::instance::{Instance, Plan, Restrictions, UnitPlan};
use crate::solver::{self, assign_staff, LevelResult, Settings, Solution};
use rayon::prelude::*;
use serde::Serialize;
use std::time::Instant;

/// What to compute.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Number of ranked proposals wanted (at least 1).
    pub proposals: usize,
    /// Each proposal differs from every earlier one in at least this many placements.
    pub min_diff: usize,
    /// Alternatives per housed person in proposal 1 (0 = none).
    pub alternatives: usize,
    /// Time limit and solver choice for every solve of the round.
    pub settings: Settings,
    /// Goals every proposal must reach (capacity planning); empty = none.
    pub targets: Vec<crate::solver::instance::Target>,
    /// Explain every placement (why it fits) and every person not placed
    /// (why not); default true. Callers that need only the plans and goals
    /// (what-if comparison rows) turn it off: placements then carry no
    /// reasons and `unplaced` only counts the people not placed
    /// ([`UnplacedPeople::Unexplained`]), which on a country-size round saves
    /// about as much time as eligibility takes.
    pub explain: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            proposals: 1,
            min_diff: 1,
            alternatives: 0,
            settings: Settings::default(),
            targets: Vec::new(),
            explain: true,
        }
    }
}

/// A housed person in a proposal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Placement {
    /// The young person housed (pseudonymous id).
    pub person_id: String,
    /// The home they move into.
    pub unit_id: String,
    /// Kind of unit.
    pub unit_kind: UnitKind,
    /// Area of unit (empty when the unit has none).
    pub area: String,
    /// The support worker named for them (within the pooled class the solver chose, the one with most free slots).
    pub staff_id: String,
    /// The worker's support method.
    pub method: Method,
    /// The person's priority.
    pub priority: i64,
    /// Fit points of this placement (unit and worker).
    pub fit: i64,
    /// Why it fits.
    pub reasons: Vec<String>,
    /// The fit terms earned, for reports (in the order of `reasons`; a
    /// reason beyond them says why the known worker was not kept).
    pub terms: Vec<crate::rules::scoring::FitTerm>,
    /// The person has a `known_staff_id` and it was not kept.
    pub known_worker_not_kept: bool,
}

/// A person not housed in a proposal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unplaced {
    /// The young person not housed (pseudonymous id).
    pub person_id: String,
    /// Their priority points (level 1), for ordering the list.
    pub priority: i64,
    /// Why: no eligible unit, no support capacity, or outcompeted.
    pub reason: Reason,
    /// Details: counts per rule, or who got the units.
    pub details: String,
    /// For "no eligible unit": how many units each rule closes.
    pub blocking: Vec<(crate::rules::eligibility::Exclusion, usize)>,
    /// Units open to the person under the hard rules.
    pub eligible_units: usize,
    /// Lowest priority placed in one of those units, if any.
    pub lowest_placed_priority: Option<i64>,
}

/// One ranked proposal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    /// 1 = the optimum.
    pub rank: usize,
    /// Level 1: total priority housed.
    pub level1: LevelResult,
    /// Level 2: total fit.
    pub level2: LevelResult,
    /// Housed people, by person id.
    pub placements: Vec<Placement>,
    /// Not housed, by person id, each with the reason — or only how many,
    /// when [`Options::explain`] is off.
    pub unplaced: UnplacedPeople,
    /// The programme's goals as this proposal reaches them, this round.
    pub goals: Goals,
    /// The goals over the programme so far: everyone on the roster (the
    /// people waiting and the record's tenants), their age band fixed at
    /// `registered`, housed by the record or by this proposal.
    pub programme: Goals,
    /// How it differs from proposal 1: the people whose home differs (empty
    /// for proposal 1; the report layer puts it in words).
    pub changes: Vec<Change>,
    /// With last week's proposal 1 (`--previous`): what it keeps of it.
    pub stability: Option<Stability>,
}

/// Who a proposal leaves unplaced: each with the reason, or — when
/// [`Options::explain`] is off and the reasons were not worked out — only
/// how many.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum UnplacedPeople {
    /// Every person not placed, with the reason, by person id.
    Explained(Vec<Unplaced>),
    /// Not explained: how many are not placed.
    Unexplained {
        /// People not placed.
        count: usize,
    },
}

impl UnplacedPeople {
    /// How many are not placed.
    pub fn len(&self) -> usize {
        match self {
            UnplacedPeople::Explained(v) => v.len(),
            UnplacedPeople::Unexplained { count } => *count,
        }
    }

    /// Whether everyone is placed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The people not placed with their reasons; `None` when the round was
    /// not explained.
    pub fn explained(&self) -> Option<&[Unplaced]> {
        match self {
            UnplacedPeople::Explained(v) => Some(v),
            UnplacedPeople::Unexplained { .. } => None,
        }
    }

    /// The explained people not placed (none when the round was not
    /// explained: see [`UnplacedPeople::explained`]).
    pub fn iter(&self) -> std::slice::Iter<'_, Unplaced> {
        self.explained().unwrap_or(&[]).iter()
    }
}

impl<'a> IntoIterator for &'a UnplacedPeople {
    type Item = &'a Unplaced;
    type IntoIter = std::slice::Iter<'a, Unplaced>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// What a proposal keeps of last week's proposal 1 (`--previous`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stability {
    /// The third level: last week's homes and workers kept (each counts one).
    pub value: i64,
    /// Placements kept whole (same home, same worker).
    pub unchanged: usize,
    /// Last week's placements not kept whole, with why.
    pub changed: Vec<Moved>,
}

/// One of last week's placements that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moved {
    /// The young person.
    pub person_id: String,
    /// Why, as a code: `not_waiting` (moved in or left the list),
    /// `home_gone` (the unit is not free this round), `not_eligible` (a rule
    /// or a decline closes it now), `worker_changed` (same home, another
    /// worker), `better_plan` (levels 1 and 2 come first).
    pub why: &'static str,
}

/// One person placed differently from proposal 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The young person whose home differs.
    pub person_id: String,
    /// Unit in proposal 1, if housed there.
    pub from: Option<String>,
    /// Unit in this proposal, if housed here.
    pub to: Option<String>,
}

/// A unit a housed person could take instead, and what forcing it costs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alternative {
    /// The housed person this alternative is for.
    pub person_id: String,
    /// Their unit in proposal 1.
    pub current_unit_id: String,
    /// 1 = best alternative.
    pub rank: usize,
    /// The other unit.
    pub unit_id: String,
    /// Kind of the other unit.
    pub unit_kind: UnitKind,
    /// Area of the other unit (empty when it has none).
    pub area: String,
    /// Level-1 loss if forced (0 = no one loses a home).
    pub priority_loss: i64,
    /// Level-2 loss if forced.
    pub fit_loss: i64,
}

/// The priority-list allocation, for comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Baseline {
    /// People the priority list houses.
    pub housed: usize,
    /// Total priority housed.
    pub priority_score: i64,
    /// Level 2: total fit points of the priority list's placements.
    pub fit: i64,
    /// The programme's goals as the priority list reaches them.
    pub goals: Goals,
}

/// Seconds per stage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Timings {
    /// Eligibility and scoring.
    pub eligibility: f64,
    /// Model building, all solves.
    pub build: f64,
    /// HiGHS, level 1, all proposals.
    pub solve_level1: f64,
    /// HiGHS, level 2, all proposals.
    pub solve_level2: f64,
    /// Proposals after the first, wall clock.
    pub proposals: f64,
    /// Alternatives, wall clock.
    pub alternatives: f64,
}

/// Everything one round produced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// Ranked proposals; at least one.
    pub proposals: Vec<Proposal>,
    /// Set when fewer proposals than asked exist.
    pub note: Option<FewerProposals>,
    /// Alternatives for proposal 1.
    pub alternatives: Vec<Alternative>,
    /// (person, unit) pairs not weighed for alternatives because the time
    /// limit ran out (0: every pair was weighed).
    pub alternatives_skipped: usize,
    /// The plain priority list.
    pub baseline: Baseline,
    /// Seconds per stage, for `summary.json` (left out with `--no-timings`).
    pub timings: Timings,
    /// People in the round.
    pub people: usize,
    /// Units in the round.
    pub units: usize,
    /// Places in the round.
    pub places: u32,
    /// Free support slots.
    pub support_slots: u32,
    /// Places per kind of unit (kind, places), in kind order.
    pub places_by_kind: Vec<(UnitKind, u32)>,
    /// The kinds of home of the round's policy, for labels in reports.
    #[serde(skip)]
    pub kinds: crate::model::kinds::Kinds,
    /// Offers of the record kept this round (person, unit, worker).
    pub offers_kept: Vec<(String, String, Option<String>)>,
    /// Pending offers of the record whose `respond_by` passed: no longer kept
    /// (person, unit).
    pub offers_expired: Vec<(String, String)>,
    /// Free slots per support method (method, slots), in method order.
    pub slots_by_method: Vec<(Method, u32)>,
}

/// Fewer distinct proposals exist than were asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FewerProposals {
    /// Distinct proposals that exist (at least 1).
    pub found: usize,
    /// Proposals asked for.
    pub asked: usize,
    /// Placements in which each must differ from every earlier one.
    pub min_diff: usize,
}

/// Refuses a round whose kept offers cannot all hold at once (more pinned
/// to a worker's method than its free slots, women and men pinned to one
/// shared unit, …): [`Error::Infeasible`] naming each, under the round's
/// file names. [`run`] checks this first; a front end's check of a round
/// calls it too.
pub fn check_pins(round: &Round) -> Result<()> {
    let (people, units) = round.people_and_units_files();
    let pinned = crate::rules::eligibility::pinned_problems(round, people, units);
    if pinned.is_empty() {
        Ok(())
    } else {
        Err(Error::Infeasible(Problems(pinned)))
    }
}

/// Runs the round.
pub fn run(round: &Round, options: &Options) -> Result<Outcome> {
    check_pins(round)?;
    let t0 = Instant::now();
    options.settings.control.stage("eligibility");
    let inst = Instance::new(round);
    let mut timings = Timings {
        eligibility: t0.elapsed().as_secs_f64(),
        ..Timings::default()
    };
    // Under a limit for the whole command, the solvers stop early enough to
    // leave room for what follows them (explanations, alternatives' reading,
    // goals), which costs about as much as eligibility did: three times it.
    let margin = std::time::Duration::from_secs_f64(3.0 * timings.eligibility);
    let mut options = options.clone();
    options.settings.until = options.settings.until.map(|u| {
        u.checked_sub(margin)
            .map_or(Instant::now(), |early| early.max(Instant::now()))
    });
    let options = &options;
    let (solutions, note) = ranked_solutions(&inst, options, &mut timings)?;
    let ta = Instant::now();
    if options.alternatives > 0 {
        options.settings.control.stage("alternatives");
    }
    let (alternatives, alternatives_skipped) = if options.alternatives > 0 {
        alternatives(&inst, &solutions[0], options)?
    } else {
        (Vec::new(), 0)
    };
    timings.alternatives = ta.elapsed().as_secs_f64();
    let base = &solutions[0];
    let proposals = solutions
        .iter()
        .enumerate()
        .map(|(i, s)| proposal(&inst, i + 1, s, base, options.explain))
        .collect();
    let list = priority_list(&inst);
    let baseline = Baseline {
        housed: list.housed(),
        priority_score: list.priority(&inst),
        fit: list.fit(&inst),
        goals: goals(&inst, &list),
    };
    Ok(Outcome {
        proposals,
        note,
        alternatives,
        alternatives_skipped,
        baseline,
        timings,
        people: round.people.len(),
        units: round.units.len(),
        places: round.units.iter().map(|u| u.places).sum(),
        support_slots: round.staff.iter().map(|s| s.capacity).sum(),
        places_by_kind: tally(
            &round.policy.kinds.ids(),
            round.units.iter().map(|u| (u.kind.clone(), u.places)),
        ),
        kinds: round.policy.kinds.clone(),
        offers_kept: round.programme.kept.clone(),
        offers_expired: round
            .programme
            .expired
            .iter()
            .map(|(p, u, _)| (p.clone(), u.clone()))
            .collect(),
        slots_by_method: tally(
            Method::ALL,
            round.staff.iter().map(|s| (s.method, s.capacity)),
        ),
    })
}

/// Proposal 1 and the ranked proposals after it (solve times and the wall
/// clock of the proposals after the first added to `timings`), and a note
/// when fewer exist than were asked for.
fn ranked_solutions(
    inst: &Instance,
    options: &Options,
    timings: &mut Timings,
) -> Result<(Vec<Solution>, Option<FewerProposals>)> {
    let restrictions = Restrictions {
        targets: options.targets.clone(),
        ..Restrictions::default()
    };
    options.settings.control.stage("proposal 1");
    let first = solver::best(inst, &restrictions, &options.settings)?
        .ok_or_else(|| infeasible(inst.round()))?;
    let wanted = options.proposals.max(1);
    if wanted > 1 {
        options
            .settings
            .control
            .stage(&format!("proposals 2-{wanted}"));
    }
    let min_diff = options.min_diff.max(1);
    let tp = Instant::now();
    let rest = solver::ranked(
        inst,
        &restrictions,
        &first,
        wanted,
        min_diff,
        &options.settings,
    )?;
    timings.proposals = tp.elapsed().as_secs_f64();
    let solutions: Vec<Solution> = std::iter::once(first).chain(rest).collect();
    for s in &solutions {
        timings.build += s.level1.build_seconds + s.level2.build_seconds;
        timings.solve_level1 += s.level1.solve_seconds;
        timings.solve_level2 += s.level2.solve_seconds;
    }
    let note = (solutions.len() < wanted).then_some(FewerProposals {
        found: solutions.len(),
        asked: options.proposals,
        min_diff,
    });
    Ok((solutions, note))
}

/// The total per key, for every key in `keys` (in that order).
fn tally<K: Clone + PartialEq>(
    keys: &[K],
    items: impl Iterator<Item = (K, u32)> + Clone,
) -> Vec<(K, u32)> {
    keys.iter()
        .map(|k| {
            (
                k.clone(),
                items.clone().filter(|(x, _)| x == k).map(|(_, n)| n).sum(),
            )
        })
        .collect()
}

/// The error for a round whose pinned offers cannot all hold.
fn infeasible(round: &Round) -> Error {
    let (people, units) = round.people_and_units_files();
    let mut problems = crate::rules::eligibility::pinned_problems(round, people, units);
    if problems.is_empty() {
        let who: Vec<String> = round
            .people
            .iter()
            .filter(|p| p.pinned_unit.is_some())
            .map(|p| format!("{} (line {})", p.id, p.line))
            .collect();
        problems.push(Problem::file(
            "people.csv",
            format!(
                "the pinned offers cannot all be kept with the support capacity available: {}",
                who.join(", ")
            ),
        ));
    }
    Error::Infeasible(Problems(problems))
}

/// For each housed person in `best`, the other units they could take, with the
/// exact loss of forcing each (re-solved in parallel, one HiGHS thread each).
/// Also returns how many pairs the time limit left unweighed.
fn alternatives(
    inst: &Instance,
    best: &Solution,
    options: &Options,
) -> Result<(Vec<Alternative>, usize)> {
    let round = inst.round();
    let mut jobs = Vec::new();
    for (p, u) in best.plan.unit_of.iter().enumerate() {
        let Some(u) = u else { continue };
        if inst.pins.iter().any(|&(q, _)| q == p) {
            continue; // a pinned offer is kept; no alternatives to weigh
        }
        for q in inst.units_of(p) {
            if q.target != *u {
                jobs.push((p, *u, q.target));
            }
        }
    }
    let skipped = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<Result<Option<Forced>>> = jobs
        .par_iter()
        .map(|&(p, cur, alt)| {
            // Out of time: the pairs not yet weighed are skipped (counted).
            if options.settings.out_of_time() {
                skipped.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                return Ok(None);
            }
            let r = Restrictions {
                targets: options.targets.clone(),
                ..Restrictions::default()
            };
            let solved = match solver::forced(inst, &r, (p, alt), &options.settings) {
                // The limit came inside this pair's solve: skipped as well.
                Err(Error::OutOfTime(_)) => {
                    skipped.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    return Ok(None);
                }
                other => other?,
            };
            Ok(solved.map(|s| {
                (
                    p,
                    cur,
                    alt,
                    best.level1.value - s.level1.value,
                    best.level2.value - s.level2.value,
                )
            }))
        })
        .collect();
    let mut found = Vec::new();
    for r in results {
        if let Some(x) = r? {
            found.push(x);
        }
    }
    found.sort_by(|a, b| {
        (a.0, a.3, a.4, &round.units[a.2].id).cmp(&(b.0, b.3, b.4, &round.units[b.2].id))
    });
    let mut out = Vec::new();
    let mut rank = 0;
    let mut last_person = usize::MAX;
    for (p, cur, alt, l1, l2) in found {
        if p != last_person {
            rank = 0;
            last_person = p;
        }
        rank += 1;
        if rank > options.alternatives {
            continue;
        }
        let unit = &round.units[alt];
        out.push(Alternative {
            person_id: round.people[p].id.clone(),
            current_unit_id: round.units[cur].id.clone(),
            rank,
            unit_id: unit.id.clone(),
            unit_kind: unit.kind.clone(),
            area: unit.area.clone().unwrap_or_default(),
            priority_loss: l1,
            fit_loss: l2,
        });
    }
    Ok((out, skipped.into_inner()))
}
