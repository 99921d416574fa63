//! Simulation over many weeks: people keep arriving, homes fall vacant,
//! offers are declined, tenancies end, support periods end. Each simulated
//! week runs a strategy's round on that week's state and carries the offers,
//! decisions and move-ins to the next. Random draws use common random
//! numbers: keyed by (seed, run, week, stream) for arrivals and vacancies and
//! by (seed, run, person, offer number) for decisions, so every strategy sees
//! the same luck and differences are the strategy's.

use crate::allocate::{self, Options};
use crate::error::{Error, Problem, Problems, Result};
use crate::model::{AgeBand, Gender, Method, Occupant, Person, Staff, Unit};
use crate::round::Round;
use crate::solver::Settings;
use chrono::NaiveDate;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A date in TOML: a TOML date (`2014-12-01`) or a string in any accepted
/// format (`"01-12-2014"`).
fn toml_date<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<NaiveDate, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum V {
        Toml(toml::value::Datetime),
        Text(String),
    }
    let text = match V::deserialize(d)? {
        V::Toml(t) => t.to_string(),
        V::Text(s) => s,
    };
    crate::input::parse_date(&text).map_err(serde::de::Error::custom)
}

fn toml_date_opt<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<NaiveDate>, D::Error> {
    toml_date(d).map(Some)
}

/// A batch of dated arrivals: the people of a CSV (people.csv format),
/// spread evenly over the weeks from `from` to `to`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Arrivals {
    /// The people (people.csv format), relative to the timeline file.
    pub file: PathBuf,
    /// First day of arrival.
    #[serde(deserialize_with = "toml_date")]
    pub from: NaiveDate,
    /// Last day of arrival (default: `from`).
    #[serde(default, deserialize_with = "toml_date_opt")]
    pub to: Option<NaiveDate>,
}

/// Dated new homes (units.csv format), available from `from`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NewUnits {
    /// The units (units.csv format), relative to the timeline file.
    pub file: PathBuf,
    /// The day they can be offered.
    #[serde(deserialize_with = "toml_date")]
    pub from: NaiveDate,
}

/// A dated hire.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Hire {
    /// The new worker's id.
    pub staff_id: String,
    /// `f` or `m`.
    pub gender: Gender,
    /// `ACT`, `ICM` or `CTI`.
    pub method: Method,
    /// Total cases the worker can carry (1–10,000).
    pub caseload: u32,
    /// First day of work.
    #[serde(deserialize_with = "toml_date")]
    pub from: NaiveDate,
}

/// `timeline.toml`: what happens over the weeks. Every key is optional; a key
/// left out means it does not happen.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Timeline {
    /// Dated arrivals from files.
    #[serde(default)]
    pub arrivals: Vec<Arrivals>,
    /// Random arrivals, people per week (0–100), each like a person drawn at
    /// random from `arrival_mix` or, without it, from the base round (a new id).
    #[serde(default)]
    pub arrival_rate: f64,
    /// The people random arrivals are drawn from (people.csv format,
    /// relative to the timeline file): the mix of age band, gender, needs and
    /// stay given instead of the base round's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrival_mix: Option<PathBuf>,
    /// Dated new homes from files.
    #[serde(default)]
    pub new_units: Vec<NewUnits>,
    /// Homes falling vacant per week, by kind (0–100 each): each is a copy
    /// of the base round's median unit of that kind.
    #[serde(default)]
    pub vacancies: BTreeMap<String, f64>,
    /// Dated hires.
    #[serde(default)]
    pub hires: Vec<Hire>,
    /// The chance (0–1) that an offer is declined: one for every offer
    /// (`decline_probability = 0.15`) or per kind of home
    /// (`decline_probability = { ordinary = 0.2, club_room = 0.1 }`; a kind
    /// left out: never declined).
    #[serde(default)]
    pub decline_probability: Chance,
    /// Weeks until an offer is answered and, if accepted, moved into (0–12;
    /// 0: the same week).
    #[serde(default)]
    pub response_weeks: u32,
    /// The chance (0–1) per week that a tenancy ends.
    #[serde(default)]
    pub tenancy_loss_per_week: f64,
    /// The chance (0–1) per week that someone waiting finds another solution.
    #[serde(default)]
    pub leave_per_week: f64,
}

/// A probability for every kind of home, or one per kind.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Chance {
    /// The same for every kind.
    All(f64),
    /// Per kind id; a kind left out: 0.
    ByKind(BTreeMap<String, f64>),
}

impl Default for Chance {
    fn default() -> Self {
        Chance::All(0.0)
    }
}

impl Chance {
    /// The chance for a home of `kind`.
    pub fn of(&self, kind: &str) -> f64 {
        match self {
            Chance::All(p) => *p,
            Chance::ByKind(m) => m.get(kind).copied().unwrap_or(0.0),
        }
    }

    /// (key suffix, value) of every probability given.
    fn entries(&self) -> Vec<(String, f64)> {
        match self {
            Chance::All(p) => vec![(String::new(), *p)],
            Chance::ByKind(m) => m.iter().map(|(k, v)| (format!(".{k}"), *v)).collect(),
        }
    }
}

/// The most weeks one simulation covers (ten years).
pub const MAX_WEEKS: u32 = 520;
/// The most runs.
pub const MAX_RUNS: u32 = 10_000;
/// The largest rate per week (arrivals, vacancies of a kind).
pub const MAX_RATE: f64 = 100.0;

impl Timeline {
    /// Every value outside its range, as (key, what is wrong).
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let rate = |k: &str, v: f64, out: &mut Vec<(String, String)>| {
            if !(0.0..=MAX_RATE).contains(&v) {
                out.push((
                    k.to_string(),
                    format!("{v} is outside 0..={MAX_RATE} per week"),
                ));
            }
        };
        let prob = |k: &str, v: f64, out: &mut Vec<(String, String)>| {
            if !(0.0..=1.0).contains(&v) {
                out.push((k.to_string(), format!("{v} is not a probability (0 to 1)")));
            }
        };
        rate("arrival_rate", self.arrival_rate, &mut out);
        for (k, v) in &self.vacancies {
            rate(&format!("vacancies.{k}"), *v, &mut out);
        }
        for (suffix, p) in self.decline_probability.entries() {
            prob(&format!("decline_probability{suffix}"), p, &mut out);
        }
        prob(
            "tenancy_loss_per_week",
            self.tenancy_loss_per_week,
            &mut out,
        );
        prob("leave_per_week", self.leave_per_week, &mut out);
        if self.response_weeks > 12 {
            out.push((
                "response_weeks".into(),
                format!("{} is above 12 weeks", self.response_weeks),
            ));
        }
        for h in &self.hires {
            if !(1..=10_000).contains(&h.caseload) {
                out.push((
                    format!("hires.{}", h.staff_id),
                    format!("caseload {} is outside 1..=10000", h.caseload),
                ));
            }
        }
        for a in &self.arrivals {
            if a.to.is_some_and(|t| t < a.from) {
                out.push((
                    "arrivals".into(),
                    format!("to {} is before from {}", a.to.unwrap_or(a.from), a.from),
                ));
            }
        }
        out
    }
}

/// Reads `timeline.toml`: every problem at once; files resolved against the
/// timeline's folder.
pub fn load_timeline(path: &Path) -> Result<Timeline> {
    let (mut t, text, file): (Timeline, _, _) = crate::input::read_toml(path)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    for a in &mut t.arrivals {
        a.file = dir.join(&a.file);
    }
    for u in &mut t.new_units {
        u.file = dir.join(&u.file);
    }
    if let Some(m) = &mut t.arrival_mix {
        *m = dir.join(&*m);
    }
    let problems: Vec<Problem> = t
        .problems()
        .into_iter()
        .map(|(k, m)| {
            let line = text
                .find(k.split('.').next().unwrap_or(&k))
                .map(|at| crate::input::policy::line_of(&text, at));
            Problem {
                file: file.clone(),
                line,
                column: None,
                value: None,
                message: format!("key \"{k}\": {m}"),
            }
        })
        .collect();
    if problems.is_empty() {
        Ok(t)
    } else {
        Err(Error::Input(Problems(problems)))
    }
}

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
struct State {
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
    waits: Vec<i64>,
}

/// A draw in [0, 1) keyed by its coordinates (common random numbers).
fn draw(key: &[u64]) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for k in key {
        for b in k.to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    ChaCha8Rng::seed_from_u64(h).random::<f64>()
}

/// A stable number for an id.
fn id_key(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Poisson draw with mean `rate` from a uniform generator.
fn poisson(rate: f64, rng: &mut ChaCha8Rng) -> u32 {
    if rate <= 0.0 {
        return 0;
    }
    let limit = (-rate).exp();
    let (mut k, mut p) = (0u32, 1.0);
    loop {
        p *= rng.random::<f64>();
        if p <= limit || k >= 10_000 {
            return k;
        }
        k += 1;
    }
}

/// The inputs of a simulation, read once.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The base round (week 1's state).
    pub base: Round,
    /// The timeline.
    pub timeline: Timeline,
    /// Dated arrivals: (day, person).
    pub arrivals: Vec<(NaiveDate, Person)>,
    /// Dated new units: (day, unit).
    pub new_units: Vec<(NaiveDate, Unit)>,
    /// The people random arrivals are drawn from (`arrival_mix`, else the
    /// base round's people).
    pub mix: Vec<Person>,
    /// Weeks simulated.
    pub weeks: u32,
    /// The seed.
    pub seed: u64,
}

impl Setup {
    /// Reads the timeline's files against the base round.
    pub fn new(base: Round, timeline: Timeline, weeks: u32, seed: u64) -> Result<Setup> {
        let mut problems = Vec::new();
        let mut arrivals = Vec::new();
        for a in &timeline.arrivals {
            let people = read_file(&a.file, &base, &mut problems, |f, b, r| {
                crate::input::read_people(f, b, r)
            })?;
            let to = a.to.unwrap_or(a.from);
            let span = (to - a.from).num_days();
            let n = people.len() as i64;
            for (i, mut p) in people.into_iter().enumerate() {
                let day = a.from
                    + chrono::Duration::days(if n > 1 { span * i as i64 / (n - 1) } else { 0 });
                p.registered.get_or_insert(day);
                arrivals.push((day, p));
            }
        }
        let mix = match &timeline.arrival_mix {
            Some(file) => {
                let people = read_file(file, &base, &mut problems, |f, b, r| {
                    crate::input::read_people(f, b, r)
                })?;
                if people.is_empty() && timeline.arrival_rate > 0.0 {
                    problems.push(Problem::file(
                        "timeline.toml",
                        "key \"arrival_mix\": the file lists nobody to draw arrivals from",
                    ));
                }
                people
            }
            None => base.people.clone(),
        };
        if let Chance::ByKind(m) = &timeline.decline_probability {
            for kind in m.keys() {
                if base.policy.kinds.get(kind).is_none() {
                    problems.push(Problem::file(
                        "timeline.toml",
                        format!(
                            "key \"decline_probability.{}\": no such kind; use one of {}",
                            crate::error::printable(kind),
                            base.policy.kinds.expected()
                        ),
                    ));
                }
            }
        }
        // A vacancy copies the base round's median unit of its kind: a kind
        // that is not declared, or has no unit to copy, would never fall vacant.
        for kind in timeline.vacancies.keys() {
            if typical_unit(&base, kind).is_none() {
                problems.push(Problem::file(
                    "timeline.toml",
                    format!(
                        "key \"vacancies.{kind}\": the base round has no unit of kind \"{kind}\" to copy; use one of {}",
                        base.policy.kinds.expected()
                    ),
                ));
            }
        }
        let mut ids: std::collections::BTreeSet<&str> =
            base.staff.iter().map(|s| s.id.as_str()).collect();
        for h in &timeline.hires {
            if !ids.insert(h.staff_id.as_str()) {
                problems.push(Problem::file(
                    "timeline.toml",
                    format!(
                        "hires: staff_id \"{}\" is already a worker; every hire needs a new id",
                        crate::error::printable(&h.staff_id)
                    ),
                ));
            }
        }
        let mut new_units = Vec::new();
        for u in &timeline.new_units {
            let units = read_file(&u.file, &base, &mut problems, |f, b, r| {
                crate::input::read_units(f, b, r)
            })?;
            new_units.extend(units.into_iter().map(|x| (u.from, x)));
        }
        // Ids must stay unique as people arrive and homes are added.
        let mut people: std::collections::BTreeSet<&str> =
            base.people.iter().map(|p| p.id.as_str()).collect();
        for (_, p) in &arrivals {
            if !people.insert(p.id.as_str()) {
                problems.push(Problem::file(
                    "timeline.toml",
                    format!(
                        "arrivals: person_id \"{}\" is already in the round or arrives twice",
                        crate::error::printable(&p.id)
                    ),
                ));
            }
        }
        let mut units: std::collections::BTreeSet<&str> =
            base.units.iter().map(|u| u.id.as_str()).collect();
        for (_, u) in &new_units {
            if !units.insert(u.id.as_str()) {
                problems.push(Problem::file(
                    "timeline.toml",
                    format!(
                        "new_units: unit_id \"{}\" is already in the round or added twice",
                        crate::error::printable(&u.id)
                    ),
                ));
            }
        }
        if !problems.is_empty() {
            return Err(Error::Input(Problems(problems)));
        }
        Ok(Setup {
            base,
            timeline,
            arrivals,
            new_units,
            mix,
            weeks,
            seed,
        })
    }

    /// The day of week `w` (0 = the base round's date).
    fn day(&self, w: u32) -> NaiveDate {
        self.base.policy.round_date + chrono::Duration::weeks(i64::from(w))
    }
}

fn read_file<T>(
    path: &Path,
    base: &Round,
    problems: &mut Vec<Problem>,
    read: impl Fn(&str, &[u8], &mut crate::input::Reading<'_>) -> Vec<T>,
) -> Result<Vec<T>> {
    let mut warnings = Vec::new();
    let mut used = crate::input::AliasesUsed::new();
    let mut r = crate::input::Reading {
        problems,
        warnings: &mut warnings,
        kinds: &base.policy.kinds,
        aliases: &base.policy.aliases,
        used: &mut used,
    };
    crate::input::read_export(path, &mut r, read)
}

/// The median unit of a kind in the base round (by rent, then id).
fn typical_unit(base: &Round, kind: &str) -> Option<Unit> {
    let mut same: Vec<&Unit> = base
        .units
        .iter()
        .filter(|u| u.kind.as_str() == kind)
        .collect();
    same.sort_by(|a, b| (a.rent, &a.id).cmp(&(b.rent, &b.id)));
    same.get(same.len() / 2).map(|u| {
        let mut u = (*u).clone();
        u.occupants.clear();
        u.places = if u.places == 0 { 1 } else { u.places };
        u
    })
}

/// One finished run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOutput {
    /// Every week's values ([`METRICS`] order).
    pub weeks: Vec<WeekValues>,
    /// Days from `registered` to the move-in of everyone housed in the run.
    pub waits: Vec<i64>,
}

/// Runs one simulation run with a strategy: every week's values. Stops with
/// `None` when the deadline passes.
pub fn run(
    setup: &Setup,
    strategy: Strategy,
    run: u32,
    settings: &Settings,
) -> Result<Option<RunOutput>> {
    let mut st = State::new(&setup.base);
    let mut out = Vec::new();
    for w in 0..setup.weeks {
        if settings.out_of_time() {
            return Ok(None);
        }
        let day = setup.day(w);
        st.arrivals(setup, run, w);
        let ended_now = st.endings(setup, run, w);
        // Answers due this week (offers of earlier weeks).
        let mut declines = 0;
        decide(&mut st, setup, run, w, &mut declines);
        // The round, and its offers.
        let mut round = week_round(&st, &setup.base, day)?;
        if strategy == Strategy::Lookahead {
            round = keep_back(round, setup, w)?;
        }
        let placements = placements(&round, strategy, settings)?;
        let offers = placements.len();
        st.offer(placements, w + setup.timeline.response_weeks);
        if setup.timeline.response_weeks == 0 {
            decide(&mut st, setup, run, w, &mut declines);
        }
        check_invariants(&st, w, day)?;
        out.push(values(&st, day, offers, declines, ended_now));
    }
    Ok(Some(RunOutput {
        weeks: out,
        waits: st.waits,
    }))
}

impl State {
    /// Week 1's state: the base round as it is.
    fn new(base: &Round) -> State {
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
    fn arrivals(&mut self, setup: &Setup, run: u32, w: u32) {
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
    fn endings(&mut self, setup: &Setup, run: u32, w: u32) -> usize {
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
    fn offer(&mut self, placements: Vec<(String, String, String)>, answer_week: u32) {
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
fn keep_back(round: Round, setup: &Setup, w: u32) -> Result<Round> {
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
                settings: *settings,
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

/// Answers the offers due by week `w`: declined (the person waits again and
/// never gets that home again) or accepted and moved into.
fn decide(st: &mut State, setup: &Setup, run: u32, w: u32, declines: &mut usize) {
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
fn week_round(st: &State, base: &Round, day: NaiveDate) -> Result<Round> {
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
fn check_invariants(st: &State, w: u32, day: NaiveDate) -> Result<()> {
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
fn values(st: &State, day: NaiveDate, offers: usize, declines: usize, ended: usize) -> WeekValues {
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

/// Nearest-rank percentile `q` of values.
pub fn percentile(values: &mut [f64], q: f64) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    let rank = ((q * values.len() as f64).ceil() as usize).clamp(1, values.len().max(1));
    values.get(rank - 1).copied().unwrap_or(0.0)
}

/// Every run of every strategy: `runs[strategy][run][week]`, and how many
/// runs finished within the time limit (the first `k` of each strategy).
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// The strategies, in the order given.
    pub strategies: Vec<Strategy>,
    /// Per strategy, the finished runs' weeks.
    pub runs: Vec<Vec<Vec<WeekValues>>>,
    /// Per strategy, the days from registration to the move-in of everyone
    /// housed in any finished run, sorted.
    pub waits: Vec<Vec<i64>>,
    /// The days of the weeks.
    pub days: Vec<NaiveDate>,
}

/// Runs every strategy `runs` times in parallel (one solver thread each);
/// results are ordered by run, whatever the thread count. Runs cut short
/// by the time limit are left out; none finished is an error.
pub fn simulate(
    setup: &Setup,
    strategies: &[Strategy],
    runs: u32,
    settings: &Settings,
) -> Result<Results> {
    use rayon::prelude::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let done = AtomicUsize::new(0);
    let total = strategies.len() * runs as usize;
    let mut all = Vec::new();
    let mut all_waits = Vec::new();
    for &s in strategies {
        let results: Vec<Result<Option<RunOutput>>> = (0..runs)
            .into_par_iter()
            .map(|r| {
                let out = run(setup, s, r, settings);
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                crate::progress::stage(&format!("simulate: {n}/{total} runs"));
                out
            })
            .collect();
        let mut done = Vec::new();
        let mut waits = Vec::new();
        for r in results {
            if let Some(out) = r? {
                done.push(out.weeks);
                waits.extend(out.waits);
            }
        }
        if done.is_empty() {
            return Err(Error::OutOfTime(
                "no simulation run finished within --time-limit; allow more time or fewer weeks"
                    .into(),
            ));
        }
        waits.sort_unstable();
        all.push(done);
        all_waits.push(waits);
    }
    Ok(Results {
        strategies: strategies.to_vec(),
        runs: all,
        waits: all_waits,
        days: (0..setup.weeks).map(|w| setup.day(w)).collect(),
    })
}

/// The goals at the end: (name, target, metric index).
pub const GOALS: [(&str, f64, usize); 2] = [("under_18", 1.0, 2), ("age_18_29", 0.9, 3)];

impl Results {
    /// `weekly.csv` rows: strategy, scenario, week, date, metric, p10, median, p90.
    pub fn weekly_rows(&self, scenario: &str) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        for (si, s) in self.strategies.iter().enumerate() {
            for (w, day) in self.days.iter().enumerate() {
                for (m, name) in METRICS.iter().enumerate() {
                    let mut v: Vec<f64> = self.runs[si].iter().map(|r| r[w][m]).collect();
                    let (p10, med, p90) = (
                        percentile(&mut v, 0.1),
                        percentile(&mut v, 0.5),
                        percentile(&mut v, 0.9),
                    );
                    rows.push(vec![
                        s.as_str().to_string(),
                        scenario.to_string(),
                        (w + 1).to_string(),
                        day.to_string(),
                        name.to_string(),
                        fmt(p10),
                        fmt(med),
                        fmt(p90),
                    ]);
                }
            }
        }
        rows
    }

    /// Each strategy against `optimal` on the same random numbers: per goal,
    /// the mean paired difference of the final share and its 95 % interval
    /// (mean ± 1.96 standard errors) over the runs both finished.
    pub fn against_optimal(&self) -> Vec<(Strategy, &'static str, f64, f64, f64)> {
        let Some(o) = self.strategies.iter().position(|s| *s == Strategy::Optimal) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (si, s) in self.strategies.iter().enumerate().filter(|(i, _)| *i != o) {
            for (name, _, m) in GOALS {
                let d: Vec<f64> = self.runs[si]
                    .iter()
                    .zip(&self.runs[o])
                    .filter_map(|(a, b)| Some(a.last()?[m] - b.last()?[m]))
                    .collect();
                let n = d.len().max(1) as f64;
                let mean = d.iter().sum::<f64>() / n;
                let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
                let half = 1.96 * (var / n).sqrt();
                out.push((*s, name, mean, mean - half, mean + half));
            }
        }
        out
    }

    /// `goals.csv` rows: strategy, scenario, goal, probability_met,
    /// median_share, p10_share, p90_share (at the last week).
    pub fn goal_rows(&self, scenario: &str) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        for (si, s) in self.strategies.iter().enumerate() {
            for (name, target, m) in GOALS {
                let mut v: Vec<f64> = self.runs[si]
                    .iter()
                    .filter_map(|r| r.last().map(|w| w[m]))
                    .collect();
                let met = v.iter().filter(|x| **x + 1e-9 >= target).count() as f64
                    / v.len().max(1) as f64;
                rows.push(vec![
                    s.as_str().to_string(),
                    scenario.to_string(),
                    name.to_string(),
                    fmt(met),
                    fmt(percentile(&mut v, 0.5)),
                    fmt(percentile(&mut v, 0.1)),
                    fmt(percentile(&mut v, 0.9)),
                ]);
            }
        }
        rows
    }
}

/// A number for the CSV files: at most four decimals, no trailing zeros.
fn fmt(x: f64) -> String {
    let s = format!("{:.4}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// The columns of `weekly.csv`.
pub const WEEKLY_COLUMNS: [&str; 8] = [
    "strategy", "scenario", "week", "date", "metric", "p10", "median", "p90",
];
/// The columns of `goals.csv`.
pub const GOAL_COLUMNS: [&str; 7] = [
    "strategy",
    "scenario",
    "goal",
    "probability_met",
    "median_share",
    "p10_share",
    "p90_share",
];
