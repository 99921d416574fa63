//! A run's state and what one week does to it: arrivals, vacancies, hires,
//! endings, offers and their answers; the week's round, its invariants and
//! its metrics.

use super::draws::{draw, id_key, poisson};
use super::setup::{typical_unit, Setup};
use crate::error::{Error, Result};
use crate::model::{AgeBand, Occupant, Person, Staff, Unit};
use crate::round::Round;
use chrono::NaiveDate;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

/// The metrics recorded each week, in `weekly.csv` order.
pub const METRICS: [&str; 10] = [
    "waiting",
    "housed",
    "housed_under_18_share",
    "housed_18_29_share",
    "offers",
    "declines",
    "tenancies_ended",
    "retained_share",
    "support_slots_free",
    "median_wait_days",
];

/// One week of one run: the value of every metric ([`METRICS`] order).
pub type WeekValues = [f64; METRICS.len()];

/// A tenant, with their support case.
#[derive(Debug, Clone)]
struct Tenant {
    person: Person,
    unit: String,
    staff: String,
    /// The day support ends (`None`: open-ended).
    support_ends: Option<NaiveDate>,
}

/// An offer waiting for its answer.
#[derive(Debug, Clone)]
struct Pending {
    person: Person,
    unit: String,
    staff: String,
    answer_week: u32,
}

/// A run's state.
pub(super) struct State {
    waiting: Vec<Person>,
    units: Vec<Unit>,
    staff: Vec<Staff>,
    caseload: BTreeMap<String, u32>,
    tenants: Vec<Tenant>,
    pending: Vec<Pending>,
    /// Everyone who has been in the programme, by id: (goal band, ever housed).
    ever: BTreeMap<String, (AgeBand, bool)>,
    offers_made: BTreeMap<String, u32>,
    ended: usize,
    left: usize,
    arrived: usize,
    /// Residents the base round already had (the offers record's tenants).
    base_occupants: BTreeMap<String, usize>,
    /// Days from registration to the move-in, per person housed.
    pub(super) waits: Vec<i64>,
}

impl State {
    /// Week 1's state: the base round as it is.
    pub(super) fn new(base: &Round) -> State {
        let day0 = base.policy.round_date;
        State {
            waiting: base.people.clone(),
            units: base.units.clone(),
            staff: base.staff.clone(),
            caseload: base
                .staff
                .iter()
                .map(|s| (s.id.clone(), s.caseload.unwrap_or(s.capacity)))
                .collect(),
            tenants: Vec::new(),
            pending: Vec::new(),
            ever: base
                .people
                .iter()
                .map(|p| (p.id.clone(), (p.goal_band(day0), false)))
                .collect(),
            offers_made: BTreeMap::new(),
            ended: 0,
            left: 0,
            arrived: base.people.len(),
            base_occupants: base
                .units
                .iter()
                .map(|u| (u.id.clone(), u.occupants.len()))
                .collect(),
            waits: Vec::new(),
        }
    }

    fn add_waiting(&mut self, p: Person, day: NaiveDate) {
        self.ever.insert(p.id.clone(), (p.goal_band(day), false));
        self.waiting.push(p);
        self.arrived += 1;
    }

    /// What comes in during week `w`: dated and random arrivals, vacancies,
    /// new homes, hires.
    pub(super) fn arrivals(&mut self, setup: &Setup, run: u32, w: u32) {
        let (base, t, seed, mix) = (&setup.base, &setup.timeline, setup.seed, &setup.mix);
        let day = setup.day(w);
        let prev = w.checked_sub(1).map(|p| setup.day(p));
        let this_week = |d: NaiveDate| d <= day && prev.is_none_or(|p| d > p);
        for (d, p) in setup.arrivals.iter().filter(|(d, _)| this_week(*d)) {
            let mut p = p.clone();
            p.registered = Some(*d);
            self.add_waiting(p, day);
        }
        if w > 0 {
            let mut rng = ChaCha8Rng::seed_from_u64(id_key(&format!("{seed}/{run}/{w}/arrivals")));
            for k in 0..poisson(t.arrival_rate, &mut rng) {
                if mix.is_empty() {
                    break;
                }
                let mut p = mix[rng.random_range(0..mix.len())].clone();
                p.id = format!("A{w:03}-{k:02}");
                p.registered = Some(day);
                p.pinned_unit = None;
                p.kept_offer = None;
                p.declined_units.clear();
                self.add_waiting(p, day);
            }
            for (kind, rate) in &t.vacancies {
                let mut rng =
                    ChaCha8Rng::seed_from_u64(id_key(&format!("{seed}/{run}/{w}/vacancy/{kind}")));
                for k in 0..poisson(*rate, &mut rng) {
                    if let Some(mut u) = typical_unit(base, kind) {
                        u.id = format!("V{w:03}-{kind}-{k:02}");
                        u.available_from = None;
                        self.units.push(u);
                    }
                }
            }
        }
        for (d, u) in &setup.new_units {
            if this_week(*d) {
                self.units.push(u.clone());
            }
        }
        for h in t.hires.iter().filter(|h| this_week(h.from)) {
            self.staff.push(Staff {
                id: h.staff_id.clone(),
                gender: h.gender,
                method: h.method,
                capacity: h.caseload,
                caseload: Some(h.caseload),
                line: 0,
            });
            self.caseload.insert(h.staff_id.clone(), h.caseload);
        }
    }

    /// Tenancies that end and people who leave the list in week `w`: the
    /// number of tenancies ended.
    pub(super) fn endings(&mut self, setup: &Setup, run: u32, w: u32) -> usize {
        let (t, seed) = (&setup.timeline, setup.seed);
        if w == 0 {
            return 0;
        }
        let mut ended = 0;
        for tn in std::mem::take(&mut self.tenants) {
            let key = [seed, u64::from(run), u64::from(w), id_key(&tn.person.id), 1];
            if draw(&key) < t.tenancy_loss_per_week {
                free_place(&mut self.units, &tn.unit, &tn.person);
                self.ended += 1;
                ended += 1;
            } else {
                self.tenants.push(tn);
            }
        }
        if t.leave_per_week > 0.0 {
            let before = self.waiting.len();
            self.waiting.retain(|p| {
                draw(&[seed, u64::from(run), u64::from(w), id_key(&p.id), 2]) >= t.leave_per_week
            });
            self.left += before - self.waiting.len();
        }
        ended
    }

    /// The round's placements become offers, answered in week `answer_week`:
    /// the place and the worker's slot are held meanwhile.
    pub(super) fn offer(&mut self, placements: Vec<(String, String, String)>, answer_week: u32) {
        for (person, unit, staff) in placements {
            let Some(i) = self.waiting.iter().position(|p| p.id == person) else {
                continue;
            };
            let p = self.waiting.remove(i);
            take_place(&mut self.units, &unit, &p);
            *self.offers_made.entry(p.id.clone()).or_default() += 1;
            self.pending.push(Pending {
                person: p,
                unit,
                staff,
                answer_week,
            });
        }
    }
}

/// Answers the offers due by week `w`: declined (the person waits again and
/// never gets that home again) or accepted and moved into.
pub(super) fn decide(st: &mut State, setup: &Setup, run: u32, w: u32, declines: &mut usize) {
    let t = &setup.timeline;
    let day = setup.day(w);
    let pending = std::mem::take(&mut st.pending);
    for o in pending {
        if o.answer_week > w {
            st.pending.push(o);
            continue;
        }
        let n = st.offers_made.get(&o.person.id).copied().unwrap_or(1);
        let kind = st
            .units
            .iter()
            .find(|u| u.id == o.unit)
            .map(|u| u.kind.as_str());
        let chance = kind.map_or(0.0, |k| t.decline_probability.of(k));
        if draw(&[
            setup.seed,
            u64::from(run),
            id_key(&o.person.id),
            u64::from(n),
            3,
        ]) < chance
        {
            free_place(&mut st.units, &o.unit, &o.person);
            let mut p = o.person;
            // A kept offer of the base round, declined, is not kept again.
            p.pinned_unit = None;
            p.kept_offer = None;
            p.declined_units.push(o.unit);
            st.waiting.push(p);
            *declines += 1;
        } else {
            let method = st.staff.iter().find(|s| s.id == o.staff).map(|s| s.method);
            let weeks = method.and_then(|m| setup.base.policy.support_weeks.of(m));
            if let Some(e) = st.ever.get_mut(&o.person.id) {
                e.1 = true;
            }
            if let Some(r) = o.person.registered {
                st.waits.push((day - r).num_days().max(0));
            }
            st.tenants.push(Tenant {
                person: o.person,
                unit: o.unit,
                staff: o.staff,
                support_ends: weeks.map(|k| day + chrono::Duration::weeks(k)),
            });
        }
    }
}

fn take_place(units: &mut [Unit], unit: &str, p: &Person) {
    if let Some(u) = units.iter_mut().find(|u| u.id == unit) {
        u.places = u.places.saturating_sub(1);
        u.occupants.push(Occupant {
            minor: p.age < 18,
            gender: p.gender,
        });
    }
}

fn free_place(units: &mut [Unit], unit: &str, p: &Person) {
    if let Some(u) = units.iter_mut().find(|u| u.id == unit) {
        let me = Occupant {
            minor: p.age < 18,
            gender: p.gender,
        };
        if let Some(i) = u.occupants.iter().position(|o| *o == me) {
            u.occupants.remove(i);
            u.places += 1;
        }
    }
}

/// Active cases per worker on `day`: pending offers and tenants within
/// their support period.
fn active(st: &State, day: NaiveDate) -> BTreeMap<&str, u32> {
    let mut m: BTreeMap<&str, u32> = BTreeMap::new();
    for o in &st.pending {
        *m.entry(o.staff.as_str()).or_default() += 1;
    }
    for tn in st
        .tenants
        .iter()
        .filter(|tn| tn.support_ends.is_none_or(|e| e > day))
    {
        *m.entry(tn.staff.as_str()).or_default() += 1;
    }
    m
}

/// The round of one simulated week.
pub(super) fn week_round(st: &State, base: &Round, day: NaiveDate) -> Result<Round> {
    let cases = active(st, day);
    let staff: Vec<Staff> = st
        .staff
        .iter()
        .map(|s| {
            let total = st.caseload.get(&s.id).copied().unwrap_or(s.capacity);
            Staff {
                capacity: total.saturating_sub(cases.get(s.id.as_str()).copied().unwrap_or(0)),
                ..s.clone()
            }
        })
        .collect();
    let mut policy = base.policy.clone();
    policy.round_date = day;
    let units: Vec<Unit> = st.units.clone();
    let people: Vec<Person> = st
        .waiting
        .iter()
        .map(|p| {
            let mut p = p.clone();
            // Declines of homes that are gone are forgotten.
            p.declined_units
                .retain(|d| units.iter().any(|u| u.id == *d));
            p
        })
        .collect();
    Round::with_checked_policy(units, people, staff, policy)
}

/// The invariants of every week: everyone is accounted for once, no unit over
/// its places, no worker over caseload.
pub(super) fn check_invariants(st: &State, w: u32, day: NaiveDate) -> Result<()> {
    let accounted = st.waiting.len() + st.pending.len() + st.tenants.len() + st.ended + st.left;
    let mut broken = Vec::new();
    if accounted != st.arrived {
        broken.push(format!(
            "week {w}: {} arrived but waiting + offered + housed + ended + left = {accounted}",
            st.arrived
        ));
    }
    for (s, n) in active(st, day) {
        let total = st.caseload.get(s).copied().unwrap_or(0);
        if n > total {
            broken.push(format!(
                "week {w}: worker {s} has {n} cases, caseload {total}"
            ));
        }
    }
    let housed = st
        .pending
        .iter()
        .map(|o| &o.unit)
        .chain(st.tenants.iter().map(|t| &t.unit));
    let mut per_unit: BTreeMap<&str, usize> = BTreeMap::new();
    for u in housed {
        *per_unit.entry(u.as_str()).or_default() += 1;
    }
    for u in &st.units {
        let n = per_unit.get(u.id.as_str()).copied().unwrap_or(0)
            + st.base_occupants.get(&u.id).copied().unwrap_or(0);
        if n != u.occupants.len() {
            broken.push(format!(
                "week {w}: unit {} has {n} residents but {} recorded",
                u.id,
                u.occupants.len()
            ));
        }
    }
    if broken.is_empty() {
        Ok(())
    } else {
        Err(Error::Solver(format!(
            "simulation invariant broken: {}",
            broken.join("; ")
        )))
    }
}

/// The week's metrics ([`METRICS`] order).
pub(super) fn values(
    st: &State,
    day: NaiveDate,
    offers: usize,
    declines: usize,
    ended: usize,
) -> WeekValues {
    let share = |band: fn(AgeBand) -> bool| {
        let (mut h, mut n) = (0.0, 0.0);
        for (b, housed) in st.ever.values() {
            if band(*b) {
                n += 1.0;
                h += if *housed { 1.0 } else { 0.0 };
            }
        }
        if n == 0.0 {
            1.0
        } else {
            h / n
        }
    };
    let ever_housed = st.ever.values().filter(|(_, h)| *h).count();
    let cases = active(st, day);
    let free: u32 = st
        .staff
        .iter()
        .map(|s| {
            st.caseload
                .get(&s.id)
                .copied()
                .unwrap_or(0)
                .saturating_sub(cases.get(s.id.as_str()).copied().unwrap_or(0))
        })
        .sum();
    let mut waits: Vec<i64> = st
        .waiting
        .iter()
        .filter_map(|p| p.registered.map(|r| (day - r).num_days().max(0)))
        .collect();
    waits.sort_unstable();
    [
        st.waiting.len() as f64,
        st.tenants.len() as f64,
        share(|b| b == AgeBand::Under18),
        share(|b| matches!(b, AgeBand::Age18To24 | AgeBand::Age25To29)),
        offers as f64,
        declines as f64,
        ended as f64,
        if ever_housed == 0 {
            1.0
        } else {
            st.tenants.len() as f64 / ever_housed as f64
        },
        f64::from(free),
        waits
            .get(waits.len().saturating_sub(1) / 2)
            .copied()
            .unwrap_or(0) as f64,
    ]
}
