//! Who may live where, and who may support whom: the hard rules of a round.

use crate::error::Problem;
use crate::model::{
    fmt_kr, FemaleStaff, Gender, Method, Ore, Person, Policy, Staff, SubstanceUse, Unit, UnitGender,
};
use crate::round::Round;
use std::collections::BTreeMap;

/// Why a unit is closed to a person. Ordered as explanations list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// Rent above what the person can afford.
    Rent,
    /// The unit admits women only.
    WomenOnly,
    /// The unit admits men only.
    MenOnly,
    /// The person is younger than the unit's minimum age.
    TooYoung,
    /// The person is older than the unit's maximum age.
    TooOld,
    /// The unit is drug-free and the person currently uses substances.
    DrugFree,
    /// The unit is not available within the round's horizon.
    NotAvailable,
    /// The person declined the unit.
    Declined,
    /// The unit is further from the person's home area than `max_area_distance`.
    TooFar,
    /// Every place is taken by tenants (the offers record).
    Full,
    /// A tenant of the shared unit is on the other side of a separation
    /// rule (under-18s and adults, women and men).
    Resident,
}

impl Exclusion {
    /// Every rule, in order.
    pub const ALL: [Exclusion; 11] = [
        Exclusion::Rent,
        Exclusion::WomenOnly,
        Exclusion::MenOnly,
        Exclusion::TooYoung,
        Exclusion::TooOld,
        Exclusion::DrugFree,
        Exclusion::NotAvailable,
        Exclusion::Declined,
        Exclusion::TooFar,
        Exclusion::Full,
        Exclusion::Resident,
    ];

    /// Whether naming this rule says something about the person's health
    /// (reports with `--redact` leave such rules out).
    pub fn is_health(self) -> bool {
        matches!(self, Exclusion::DrugFree)
    }

    /// A short label for explanations, e.g. `rent above affordable 3.272 kr`.
    pub fn label(self, person: &Person, policy: &Policy) -> String {
        match self {
            Exclusion::Rent => {
                format!("rent above affordable {}", fmt_kr(max_rent(person, policy)))
            }
            Exclusion::WomenOnly => "women only".into(),
            Exclusion::MenOnly => "men only".into(),
            Exclusion::TooYoung => "minimum age above the person's age".into(),
            Exclusion::TooOld => "maximum age below the person's age".into(),
            Exclusion::DrugFree => "drug-free".into(),
            Exclusion::NotAvailable => format!("not available by {}", policy.horizon_end()),
            Exclusion::Declined => "declined".into(),
            Exclusion::Full => "every place taken by tenants".into(),
            Exclusion::Resident => "a tenant the shared-living rules keep apart".into(),
            Exclusion::TooFar => format!(
                "more than {} area step{} from home",
                policy.max_area_distance.unwrap_or(0),
                if policy.max_area_distance == Some(1) {
                    ""
                } else {
                    "s"
                }
            ),
        }
    }
}

/// The rent a person can pay: `max_rent_dkk` if given, else
/// `floor(max_rent_share × income)` in whole kroner.
pub fn max_rent(person: &Person, policy: &Policy) -> Ore {
    match person.max_rent {
        Some(m) => m,
        None => {
            // Whole kroner, floored; the epsilon keeps 0.3 × 10000 at 3000, not 2999.
            let kr = (policy.max_rent_share * person.income as f64 / 100.0 + 1e-9).floor();
            (kr as Ore) * 100
        }
    }
}

/// Every rule that closes `unit` to `person` (empty when the person may live there).
pub fn exclusions(person: &Person, unit: &Unit, policy: &Policy) -> Vec<Exclusion> {
    let set = exclusion_set(person, unit, policy);
    Exclusion::ALL
        .into_iter()
        .filter(|e| set & (1 << *e as u16) != 0)
        .collect()
}

/// The rules that close `unit` to `person`, as a bit set over
/// `Exclusion as u16` (no allocation: this runs for every person × unit).
fn exclusion_set(person: &Person, unit: &Unit, policy: &Policy) -> u16 {
    let mut set = 0u16;
    let mut add = |e: Exclusion| set |= 1 << e as u16;
    if unit.rent > max_rent(person, policy) {
        add(Exclusion::Rent);
    }
    match (unit.gender, person.gender) {
        (UnitGender::Women, Gender::M) => add(Exclusion::WomenOnly),
        (UnitGender::Men, Gender::F) => add(Exclusion::MenOnly),
        _ => {}
    }
    if person.age < unit.min_age {
        add(Exclusion::TooYoung);
    }
    if unit.max_age.is_some_and(|m| person.age > m) {
        add(Exclusion::TooOld);
    }
    if unit.drug_free && person.substance_use != SubstanceUse::None {
        add(Exclusion::DrugFree);
    }
    if unit
        .available_from
        .is_some_and(|d| d > policy.horizon_end())
    {
        add(Exclusion::NotAvailable);
    }
    if person.declined_units.contains(&unit.id) {
        add(Exclusion::Declined);
    }
    if let (Some(home), Some(area)) = (&person.home_area, &unit.area) {
        if !policy.within_reach(home, area) {
            add(Exclusion::TooFar);
        }
    }
    if unit.places == 0 {
        add(Exclusion::Full);
    }
    if !unit.occupants.is_empty() {
        let (minors, genders) = separation_applies(unit, policy);
        let minor = person.age < 18;
        if unit
            .occupants
            .iter()
            .any(|o| (minors && o.minor != minor) || (genders && o.gender != person.gender))
        {
            add(Exclusion::Resident);
        }
    }
    set
}

/// Whether `person` may live in `unit`.
pub fn unit_eligible(person: &Person, unit: &Unit, policy: &Policy) -> bool {
    exclusion_set(person, unit, policy) == 0
}

/// Units by area, so that a person's eligible units are found among those
/// within reach of their home instead of among all units.
#[derive(Debug, Clone)]
pub(crate) struct UnitIndex<'r> {
    units: &'r [Unit],
    by_area: BTreeMap<&'r str, Vec<usize>>,
    without_area: Vec<usize>,
}

impl<'r> UnitIndex<'r> {
    /// Indexes `units`.
    pub fn new(units: &'r [Unit]) -> Self {
        let mut by_area: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        let mut without_area = Vec::new();
        for (i, u) in units.iter().enumerate() {
            match &u.area {
                Some(a) => by_area.entry(a.as_str()).or_default().push(i),
                None => without_area.push(i),
            }
        }
        UnitIndex {
            units,
            by_area,
            without_area,
        }
    }

    /// The units `person` may live in, in index order.
    pub fn eligible(&self, person: &Person, policy: &Policy) -> Vec<usize> {
        let mut candidates: Vec<usize> = match (&person.home_area, policy.max_area_distance) {
            (Some(home), Some(_)) => {
                let mut c = self.without_area.clone();
                let reach = policy.area_distance.get(home);
                for (area, units) in &self.by_area {
                    if *area == home.as_str() || reach.is_some_and(|r| r.contains_key(*area)) {
                        c.extend(units);
                    }
                }
                c.sort_unstable();
                c
            }
            _ => (0..self.units.len()).collect(),
        };
        candidates.retain(|&u| unit_eligible(person, &self.units[u], policy));
        candidates
    }
}

/// Whether a worker with `method` and `gender` may support `person`.
pub fn staff_eligible(person: &Person, method: Method, gender: Gender, policy: &Policy) -> bool {
    policy.support.methods(person.need()).contains(&method)
        && (person.female_staff != FemaleStaff::Required || gender == Gender::F)
}

/// Interchangeable staff: same method and gender. Pooling them is exact, since
/// eligibility and fit depend on nothing else — except for a worker someone
/// already knows (`known_staff_id`) or is promised (a kept offer): such a
/// worker is a class of their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffClass {
    /// The support method every member offers.
    pub method: Method,
    /// The gender every member has.
    pub gender: Gender,
    /// Total free slots.
    pub capacity: u32,
    /// Indices into `round.staff`, by id.
    pub members: Vec<usize>,
    /// The one worker of a class of their own (index into `round.staff`).
    pub single: Option<usize>,
}

/// The workers who must be told apart from their colleagues: those someone
/// knows or is promised, and last week's workers (`previous`).
fn named_workers<'a>(
    people: &'a [Person],
    previous: &'a BTreeMap<String, (String, String)>,
) -> std::collections::BTreeSet<&'a str> {
    people
        .iter()
        .flat_map(|p| {
            let kept = p.kept_offer.as_ref().and_then(|k| k.staff_id.as_deref());
            p.known_staff_id.as_deref().into_iter().chain(kept)
        })
        .chain(previous.values().map(|(_, s)| s.as_str()))
        .collect()
}

/// Groups staff with free capacity into classes, in (method, gender) order;
/// a worker named by someone in `people` (or in `previous`) is a class of
/// their own.
pub fn staff_classes(
    staff: &[Staff],
    people: &[Person],
    previous: &BTreeMap<String, (String, String)>,
) -> Vec<StaffClass> {
    let named = named_workers(people, previous);
    let mut map: BTreeMap<(Method, Gender, Option<usize>), StaffClass> = BTreeMap::new();
    for (i, s) in staff.iter().enumerate() {
        if s.capacity == 0 {
            continue;
        }
        let single = named.contains(s.id.as_str()).then_some(i);
        let c = map
            .entry((s.method, s.gender, single))
            .or_insert(StaffClass {
                method: s.method,
                gender: s.gender,
                capacity: 0,
                members: Vec::new(),
                single,
            });
        c.capacity += s.capacity;
        c.members.push(i);
    }
    map.into_values().collect()
}

/// The class of a person's promised worker (a kept offer), if any: the
/// person may only be supported by it.
pub fn promised_class(person: &Person, classes: &[StaffClass], staff: &[Staff]) -> Option<usize> {
    let id = person.kept_offer.as_ref()?.staff_id.as_deref()?;
    classes
        .iter()
        .position(|c| c.single.is_some_and(|w| staff[w].id == id))
}

/// Whether the pinned people can all have a worker at once (every housed
/// person needs one). People are grouped by the set of staff classes that may
/// support them (at most 2^classes groups), and a maximum flow from groups to
/// classes within their free slots decides it exactly. When it falls short,
/// the groups still reachable from the source in the residual network (the
/// people who compete for too few slots) and the classes they may use are
/// named. People with no eligible class at all are reported by the caller.
fn support_shortfall(
    pinned: &[&Person],
    classes: &[StaffClass],
    staff: &[Staff],
    policy: &Policy,
    people_file: &str,
) -> Option<Problem> {
    let mut groups: BTreeMap<Vec<usize>, Vec<&Person>> = BTreeMap::new();
    for p in pinned {
        let options: Vec<usize> = support_options(p, classes, staff, policy);
        if !options.is_empty() {
            groups.entry(options).or_default().push(p);
        }
    }
    let groups: Vec<(Vec<usize>, Vec<&Person>)> = groups.into_iter().collect();
    // Nodes: 0 source, 1 sink, groups, classes. Residual capacities in a matrix.
    let (g, n) = (groups.len(), 2 + groups.len() + classes.len());
    let class_node = |c: usize| 2 + g + c;
    let mut cap = vec![vec![0u64; n]; n];
    for (i, (options, people)) in groups.iter().enumerate() {
        cap[0][2 + i] = people.len() as u64;
        for &c in options {
            cap[2 + i][class_node(c)] = u64::MAX / 4;
        }
    }
    for (c, class) in classes.iter().enumerate() {
        cap[class_node(c)][1] = u64::from(class.capacity);
    }
    let seen = max_flow(&mut cap);
    // Groups with people still unmatched are reachable; so is every group and
    // class they compete through.
    let short = (0..g).any(|i| cap[0][2 + i] > 0);
    if !short {
        return None;
    }
    let who: Vec<String> = (0..g)
        .filter(|&i| seen[2 + i])
        .flat_map(|i| groups[i].1.iter())
        .map(|p| format!("{} (line {})", p.id, p.line))
        .collect();
    let used: Vec<usize> = (0..classes.len())
        .filter(|&c| seen[class_node(c)])
        .collect();
    let slots: u32 = used.iter().map(|&c| classes[c].capacity).sum();
    let kinds: Vec<String> = used
        .iter()
        .map(|&c| {
            let k = &classes[c];
            format!("{} ({}, {} free)", k.method, k.gender, k.capacity)
        })
        .collect();
    Some(Problem::file(
        people_file,
        format!(
            "the pinned offers of {} need {} support workers at once, but the workers who may support them have {} free slot{} in all ({}); withdraw an offer or add support capacity",
            some_of(&who),
            who.len(),
            slots,
            if slots == 1 { "" } else { "s" },
            kinds.join(", ")
        ),
    ))
}

/// The staff classes that may support `person`: the promised worker's class
/// alone when a kept offer names one.
fn support_options(
    person: &Person,
    classes: &[StaffClass],
    staff: &[Staff],
    policy: &Policy,
) -> Vec<usize> {
    let promised = promised_class(person, classes, staff);
    (0..classes.len())
        .filter(|&c| promised.is_none_or(|pc| pc == c))
        .filter(|&c| staff_eligible(person, classes[c].method, classes[c].gender, policy))
        .collect()
}

/// Pushes a maximum flow from node 0 to node 1 through the residual
/// capacities `cap` (shortest augmenting paths; the networks here have at
/// most a few dozen nodes), and returns the nodes still reachable from node 0
/// in the residual network: the source side of a minimum cut.
fn max_flow(cap: &mut [Vec<u64>]) -> Vec<bool> {
    let n = cap.len();
    let reachable = |cap: &[Vec<u64>]| -> (Vec<bool>, Vec<usize>) {
        let (mut seen, mut from) = (vec![false; n], vec![usize::MAX; n]);
        let mut queue = std::collections::VecDeque::from([0]);
        seen[0] = true;
        while let Some(u) = queue.pop_front() {
            for v in 0..n {
                if !seen[v] && cap[u][v] > 0 {
                    seen[v] = true;
                    from[v] = u;
                    queue.push_back(v);
                }
            }
        }
        (seen, from)
    };
    loop {
        let (seen, from) = reachable(cap);
        if !seen[1] {
            return seen;
        }
        let mut push = u64::MAX;
        let mut v = 1;
        while v != 0 {
            push = push.min(cap[from[v]][v]);
            v = from[v];
        }
        let mut v = 1;
        while v != 0 {
            cap[from[v]][v] -= push;
            cap[v][from[v]] += push;
            v = from[v];
        }
    }
}

/// The first ten names and how many more, so that a message never floods.
fn some_of(names: &[String]) -> String {
    const SHOWN: usize = 10;
    if names.len() <= SHOWN {
        names.join(", ")
    } else {
        format!(
            "{} and {} more",
            names[..SHOWN].join(", "),
            names.len() - SHOWN
        )
    }
}

/// A shared-living separation rule: a shared unit it applies to (see
/// [`separation_applies`]) houses people of one side of it only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Separation {
    /// Under-18s (side A) apart from adults.
    Minors,
    /// Women (side A) apart from men.
    Women,
}

impl Separation {
    /// Both rules, in the order every solver takes them.
    pub const ALL: [Separation; 2] = [Separation::Minors, Separation::Women];

    /// Whether a person is on side A of the rule.
    pub fn side_a(self, person: &Person) -> bool {
        match self {
            Separation::Minors => person.age < 18,
            Separation::Women => person.gender == Gender::F,
        }
    }

    /// The rules that apply to `unit`, in the order of [`Separation::ALL`].
    pub fn of_unit(unit: &Unit, policy: &Policy) -> impl Iterator<Item = Separation> {
        let (minors, genders) = separation_applies(unit, policy);
        [(minors, Separation::Minors), (genders, Separation::Women)]
            .into_iter()
            .filter_map(|(on, rule)| on.then_some(rule))
    }
}

/// Whether a shared-living unit must not mix under-18s with adults or women with men.
pub fn separation_applies(unit: &Unit, policy: &Policy) -> (bool, bool) {
    // Tenants count: a shared unit with one free place may still mix.
    let places = unit.places as usize + unit.occupants.len();
    let shared = policy.kinds.is_shared(&unit.kind) && places > 1;
    (
        shared && policy.shared_living_minors_separated,
        shared && policy.shared_living_gender_separated && unit.gender == UnitGender::Any,
    )
}

/// Problems with pinned offers that make the round impossible: a pinned unit the
/// person may not live in, more pinned people than places, or pinned people that
/// the separation rules forbid together.
pub fn pinned_problems(round: &Round, people_file: &str, units_file: &str) -> Vec<Problem> {
    let policy = &round.policy;
    let mut problems = Vec::new();
    let mut by_unit: BTreeMap<usize, Vec<&Person>> = BTreeMap::new();
    let classes = staff_classes(&round.staff, &round.people, &round.previous);
    for p in &round.people {
        let Some(pin) = &p.pinned_unit else { continue };
        let Some(ui) = round.units.iter().position(|u| u.id == *pin) else {
            continue;
        };
        problems.extend(pin_problems(round, &classes, p, ui, people_file));
        by_unit.entry(ui).or_default().push(p);
    }
    let all_pinned: Vec<&Person> = by_unit.values().flatten().copied().collect();
    problems.extend(support_shortfall(
        &all_pinned,
        &classes,
        &round.staff,
        policy,
        people_file,
    ));
    for (ui, pinned) in by_unit {
        let files = (people_file, units_file);
        problems.extend(shared_pin_problems(
            &round.units[ui],
            &pinned,
            policy,
            files,
        ));
    }
    problems
}

/// Why one person's pin (to unit `ui`) cannot be kept: the person may not
/// live there, or the promised worker (or, without one, every worker with
/// free capacity) may not support them. Cited where the pin is written.
fn pin_problems(
    round: &Round,
    classes: &[StaffClass],
    p: &Person,
    ui: usize,
    people_file: &str,
) -> Vec<Problem> {
    let policy = &round.policy;
    let unit = &round.units[ui];
    let pin = &unit.id;
    let mut problems = Vec::new();
    // Where the pin is written: the offers record's line, or people.csv.
    let problem = |message: String| match &p.kept_offer {
        Some(k) => Problem::line(
            &k.file,
            k.line,
            format!("the offer of {pin} to {} {message}", p.id),
        ),
        None => Problem::cell(people_file, p.line, "pinned_unit", Some(pin), message),
    };
    let ex = exclusions(p, unit, policy);
    if !ex.is_empty() {
        let why: Vec<String> = ex.iter().map(|e| e.label(p, policy)).collect();
        problems.push(problem(format!(
            "cannot be kept: the person may not live there ({}); withdraw the offer or correct the data",
            why.join("; ")
        )));
    }
    let promised = p.kept_offer.as_ref().and_then(|k| k.staff_id.as_deref());
    if let Some(w) = promised {
        let worker = round.staff.iter().find(|s| s.id == w);
        let why = match worker {
            Some(s) if s.capacity == 0 => Some(format!("worker {w} has no free slot")),
            Some(s) if !staff_eligible(p, s.method, s.gender, policy) => Some(format!(
                "worker {w} ({}, {}) may not support this person (method or gender)",
                s.method, s.gender
            )),
            _ => None,
        };
        if let Some(why) = why {
            problems.push(problem(format!(
                "cannot be kept with its worker: {why}; name another worker or withdraw the offer"
            )));
        }
    } else if !classes
        .iter()
        .any(|c| staff_eligible(p, c.method, c.gender, policy))
    {
        problems.push(problem(
            "cannot be kept: no support worker with free capacity may support this person; every housed person needs one".into(),
        ));
    }
    problems
}

/// Problems of the people pinned to one unit together: more of them than
/// places, or both sides of a separation rule in a shared unit. `files`:
/// (people file, units file), for citing each pin and the unit.
fn shared_pin_problems(
    unit: &Unit,
    pinned: &[&Person],
    policy: &Policy,
    (people_file, units_file): (&str, &str),
) -> Vec<Problem> {
    let mut problems = Vec::new();
    let who = || {
        let names: Vec<String> = pinned
            .iter()
            .map(|p| match &p.kept_offer {
                Some(k) => format!("{} ({}:{})", p.id, k.file, k.line),
                None => format!("{} ({}:{})", p.id, people_file, p.line),
            })
            .collect();
        some_of(&names)
    };
    if pinned.len() > unit.places as usize {
        problems.push(Problem::line(
            units_file,
            unit.line,
            format!(
                "unit {} has {} place{} but is pinned by {} people: {}",
                unit.id,
                unit.places,
                if unit.places == 1 { "" } else { "s" },
                pinned.len(),
                who()
            ),
        ));
    }
    let (minors, genders) = separation_applies(unit, policy);
    if minors && pinned.iter().any(|p| p.age < 18) && pinned.iter().any(|p| p.age >= 18) {
        problems.push(Problem::line(
            units_file,
            unit.line,
            format!(
                "shared unit {} is pinned by under-18s and adults together, which shared_living_minors_separated forbids: {}",
                unit.id,
                who()
            ),
        ));
    }
    if genders
        && pinned.iter().any(|p| p.gender == Gender::F)
        && pinned.iter().any(|p| p.gender == Gender::M)
    {
        problems.push(Problem::line(
            units_file,
            unit.line,
            format!(
                "shared unit {} is pinned by women and men together, which shared_living_gender_separated forbids: {}",
                unit.id,
                who()
            ),
        ));
    }
    problems
}
