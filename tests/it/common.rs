//! Builders for small rounds, an independent checker of every hard rule, and a
//! brute-force optimiser for tiny rounds. The checker re-implements the rules
//! from the issue text on purpose: it must not share code with the engine.

use boligmatch::allocate::{Outcome, Proposal};
use boligmatch::model::*;
use boligmatch::rules::scoring;
use boligmatch::Round;
use chrono::NaiveDate;
use std::collections::HashMap;

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn unit(id: &str, kind: UnitKind, places: u32, rent_kr: i64) -> Unit {
    Unit {
        id: id.into(),
        kind,
        places,
        rent: rent_kr * 100,
        available_from: None,
        drug_free: false,
        gender: UnitGender::Any,
        min_age: 18,
        max_age: None,
        area: None,
        occupants: Vec::new(),
        line: 0,
    }
}

pub fn person(id: &str, gender: Gender, age: u32, income_kr: i64) -> Person {
    Person {
        id: id.into(),
        gender,
        age,
        substance_use: SubstanceUse::None,
        psychiatric: false,
        in_recovery: false,
        income: income_kr * 100,
        max_rent: None,
        stay: Stay::Other,
        registered: None,
        female_staff: if gender == Gender::F {
            FemaleStaff::Preferred
        } else {
            FemaleStaff::No
        },
        home_area: None,
        preferred_areas: vec![],
        declined_units: vec![],
        pinned_unit: None,
        known_staff_id: None,
        kept_offer: None,
        line: 0,
    }
}

pub fn staff(id: &str, gender: Gender, method: Method, capacity: u32) -> Staff {
    Staff {
        id: id.into(),
        gender,
        method,
        capacity,
        caseload: None,
        line: 0,
    }
}

pub fn round(units: Vec<Unit>, people: Vec<Person>, staff: Vec<Staff>) -> Round {
    Round::new(units, people, staff, Policy::with_date(date(2014, 11, 3))).unwrap()
}

/// A round's values, to change in a test.
pub struct Parts {
    pub units: Vec<Unit>,
    pub people: Vec<Person>,
    pub staff: Vec<Staff>,
    pub policy: Policy,
}

/// `r` with `f` applied to its values, built again through the front door.
pub fn edit(r: &Round, f: impl FnOnce(&mut Parts)) -> Round {
    let (units, people, staff, policy) = r.clone().into_parts();
    let mut parts = Parts {
        units,
        people,
        staff,
        policy,
    };
    f(&mut parts);
    Round::new(parts.units, parts.people, parts.staff, parts.policy).unwrap()
}

/// Independent: may `p` live in `u`?
pub fn may_live(r: &Round, p: &Person, u: &Unit) -> bool {
    let horizon = r.policy().round_date + chrono::Duration::days(r.policy().horizon_days);
    let max_rent = p.max_rent.unwrap_or_else(|| {
        ((r.policy().max_rent_share * (p.income as f64) / 100.0 + 1e-9).floor() as i64) * 100
    });
    u.available_from.is_none_or(|d| d <= horizon)
        && match u.gender {
            UnitGender::Any => true,
            UnitGender::Women => p.gender == Gender::F,
            UnitGender::Men => p.gender == Gender::M,
        }
        && u.min_age <= p.age
        && u.max_age.is_none_or(|m| p.age <= m)
        && (!u.drug_free || p.substance_use == SubstanceUse::None)
        && u.rent <= max_rent
        && !p.declined_units.contains(&u.id)
        && match (&p.home_area, &u.area, r.policy().max_area_distance) {
            (Some(h), Some(a), Some(d)) => {
                steps(&r.policy().area_neighbours, h, a).is_some_and(|s| s <= d)
            }
            _ => true,
        }
}

/// Independent: neighbour steps from area `a` to area `b` (the lists are
/// symmetric), by breadth-first search.
pub fn steps(
    neighbours: &std::collections::BTreeMap<String, Vec<String>>,
    a: &str,
    b: &str,
) -> Option<u32> {
    let adjacent = |x: &str, y: &str| {
        neighbours.get(x).is_some_and(|n| n.iter().any(|z| z == y))
            || neighbours.get(y).is_some_and(|n| n.iter().any(|z| z == x))
    };
    let mut areas: Vec<&str> = neighbours
        .iter()
        .flat_map(|(k, v)| std::iter::once(k.as_str()).chain(v.iter().map(|s| s.as_str())))
        .collect();
    areas.sort_unstable();
    areas.dedup();
    let mut frontier = vec![a];
    let mut seen = vec![a];
    for d in 0.. {
        if frontier.contains(&b) {
            return Some(d);
        }
        let next: Vec<&str> = areas
            .iter()
            .copied()
            .filter(|x| !seen.contains(x) && frontier.iter().any(|f| adjacent(f, x)))
            .collect();
        if next.is_empty() {
            return None;
        }
        seen.extend(&next);
        frontier = next;
    }
    None
}

/// Independent: may `s` support `p`?
pub fn may_support(r: &Round, p: &Person, s: &Staff) -> bool {
    let uses = p.substance_use != SubstanceUse::None;
    let methods = match (p.psychiatric, uses) {
        (true, true) => &r.policy().support.complex,
        (false, false) => &r.policy().support.light,
        _ => &r.policy().support.moderate,
    };
    methods.contains(&s.method)
        && (p.female_staff != FemaleStaff::Required || s.gender == Gender::F)
}

/// Every hard rule, checked on one proposal. Returns the violations.
pub fn violations(r: &Round, prop: &Proposal) -> Vec<String> {
    let mut v = Vec::new();
    let people: HashMap<&str, &Person> = r.people().iter().map(|p| (p.id.as_str(), p)).collect();
    let units: HashMap<&str, &Unit> = r.units().iter().map(|u| (u.id.as_str(), u)).collect();
    let staff: HashMap<&str, &Staff> = r.staff().iter().map(|s| (s.id.as_str(), s)).collect();
    let mut seen = HashMap::new();
    let mut occ: HashMap<&str, Vec<&Person>> = HashMap::new();
    let mut load: HashMap<&str, u32> = HashMap::new();
    for pl in &prop.placements {
        let p = people[pl.person_id.as_str()];
        let u = units[pl.unit_id.as_str()];
        if seen.insert(pl.person_id.clone(), ()).is_some() {
            v.push(format!("{} placed twice", p.id));
        }
        if !may_live(r, p, u) {
            v.push(format!("{} may not live in {}", p.id, u.id));
        }
        match staff.get(pl.staff_id.as_str()) {
            None => v.push(format!("{} housed without exactly one worker", p.id)),
            Some(s) => {
                if !may_support(r, p, s) {
                    v.push(format!("{} may not support {}", s.id, p.id));
                }
                *load.entry(s.id.as_str()).or_default() += 1;
            }
        }
        occ.entry(u.id.as_str()).or_default().push(p);
    }
    for (uid, ps) in &occ {
        let u = units[uid];
        if ps.len() > u.places as usize {
            v.push(format!("{uid} over places"));
        }
        if u.kind == UnitKind::new("shared_living") && u.places > 1 {
            if r.policy().shared_living_minors_separated
                && ps.iter().any(|p| p.age < 18)
                && ps.iter().any(|p| p.age >= 18)
            {
                v.push(format!("{uid} mixes minors and adults"));
            }
            if r.policy().shared_living_gender_separated
                && u.gender == UnitGender::Any
                && ps.iter().any(|p| p.gender == Gender::F)
                && ps.iter().any(|p| p.gender == Gender::M)
            {
                v.push(format!("{uid} mixes women and men"));
            }
        }
    }
    for (sid, n) in &load {
        if *n > staff[sid].capacity {
            v.push(format!("{sid} over capacity"));
        }
    }
    for p in r.people() {
        if let Some(pin) = &p.pinned_unit {
            if !prop
                .placements
                .iter()
                .any(|pl| pl.person_id == p.id && pl.unit_id == *pin)
            {
                v.push(format!("{} lost pinned {pin}", p.id));
            }
        }
    }
    v
}

/// Placements of a proposal as (person, unit, staff).
pub fn triples(p: &Proposal) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = p
        .placements
        .iter()
        .map(|pl| {
            (
                pl.person_id.clone(),
                pl.unit_id.clone(),
                pl.staff_id.clone(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The unit (index into `r.units()`) of each person of `r.people()` in a
/// proposal.
pub fn homes_of(r: &Round, p: &Proposal) -> Vec<Option<usize>> {
    r.people()
        .iter()
        .map(|person| unit_of(p, &person.id).and_then(|u| r.unit_index(u)))
        .collect()
}

/// Unit of a person in a proposal.
pub fn unit_of<'a>(p: &'a Proposal, person: &str) -> Option<&'a str> {
    p.placements
        .iter()
        .find(|pl| pl.person_id == person)
        .map(|pl| pl.unit_id.as_str())
}

pub fn run(r: &Round) -> Outcome {
    boligmatch::allocate::run(r, &Default::default()).expect("solves")
}

/// Independent: whether `p` may not join the people `occupants` already in
/// `u` under the shared-living separation rules.
pub fn clashes(r: &Round, u: &Unit, occupants: &[usize], p: &Person) -> bool {
    let shared = r.policy().kinds.is_shared(&u.kind) && u.places > 1;
    shared
        && occupants.iter().any(|&o| {
            let q = &r.people()[o];
            r.policy().shared_living_minors_separated && (q.age < 18) != (p.age < 18)
                || r.policy().shared_living_gender_separated
                    && u.gender == UnitGender::Any
                    && q.gender != p.gender
        })
}

/// A run's `summary.json` without the parts that name files (audit inputs
/// and command line), for comparing runs on different files.
pub fn summary_without_paths(out: &std::path::Path) -> serde_json::Value {
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let audit = v["audit"].as_object_mut().unwrap();
    audit.remove("inputs");
    audit.remove("command_line");
    v
}

/// Brute force: the lexicographic optimum (level 1, level 2) over every plan,
/// or `None` when no plan keeps the pins.
pub fn brute_force(r: &Round) -> Option<(i64, i64)> {
    brute_force_all(r).first().copied()
}

/// The unit of each person of a plan (indices into the round's lists).
pub type Homes = Vec<Option<usize>>;

/// Brute force: every plan that keeps every rule, as its values (level 1,
/// level 2; workers chosen at best) and the unit of each person (indices
/// into `r.units()` and `r.people()`), in search order.
pub fn brute_force_plans(r: &Round) -> (Vec<(i64, i64)>, Vec<Homes>) {
    let n = r.people().len();
    let pol = &r.policy();
    // Best staff fit for each set of housed people (None = no valid assignment).
    let mut staff_best: Vec<Option<i64>> = vec![None; 1 << n];
    for (mask, slot) in staff_best.iter_mut().enumerate() {
        let members: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
        let mut left: Vec<u32> = r.staff().iter().map(|s| s.capacity).collect();
        *slot = best_staff(r, &members, 0, &mut left);
    }
    fn best_staff(r: &Round, members: &[usize], i: usize, left: &mut Vec<u32>) -> Option<i64> {
        if i == members.len() {
            return Some(0);
        }
        let p = &r.people()[members[i]];
        let mut best = None;
        for (s, st) in r.staff().iter().enumerate() {
            if left[s] == 0 || !may_support(r, p, st) {
                continue;
            }
            left[s] -= 1;
            if let Some(rest) = best_staff(r, members, i + 1, left) {
                let f = scoring::total(&scoring::staff_fit(
                    p,
                    st.method,
                    st.gender,
                    Some(&st.id),
                    r.policy(),
                )) + rest;
                if best.is_none_or(|b| f > b) {
                    best = Some(f);
                }
            }
            left[s] += 1;
        }
        best
    }
    let mut search = Search {
        r,
        prio: r
            .people()
            .iter()
            .map(|p| scoring::priority(p, pol))
            .collect(),
        staff_best,
        occ: vec![Vec::new(); r.units().len()],
        all: Vec::new(),
        masks: Vec::new(),
        plans: Vec::new(),
        now: vec![None; n],
    };
    search.dfs(0, 0, 0, 0);
    (search.all, search.plans)
}

/// Brute force: the values (level 1, level 2) of every plan (where each
/// person lives, workers chosen at best) that keeps every rule, best first.
pub fn brute_force_all(r: &Round) -> Vec<(i64, i64)> {
    let mut all = brute_force_plans(r).0;
    all.sort_unstable_by(|a, b| b.cmp(a));
    all
}

/// Brute force: every set of people (a bit mask over `r.people()`) that some
/// plan keeping every rule houses, with workers for all of them.
pub fn housed_sets(r: &Round) -> Vec<usize> {
    let n = r.people().len();
    let mut staff_best: Vec<Option<i64>> = vec![None; 1 << n];
    for (mask, slot) in staff_best.iter_mut().enumerate() {
        let members: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
        // Any valid assignment will do: fit does not matter here.
        *slot = assignable(
            r,
            &members,
            0,
            &mut r.staff().iter().map(|s| s.capacity).collect(),
        )
        .then_some(0);
    }
    fn assignable(r: &Round, members: &[usize], i: usize, left: &mut Vec<u32>) -> bool {
        if i == members.len() {
            return true;
        }
        let p = &r.people()[members[i]];
        for (s, st) in r.staff().iter().enumerate() {
            if left[s] > 0 && may_support(r, p, st) {
                left[s] -= 1;
                let ok = assignable(r, members, i + 1, left);
                left[s] += 1;
                if ok {
                    return true;
                }
            }
        }
        false
    }
    let mut search = Search {
        r,
        prio: vec![0; n],
        staff_best,
        occ: vec![Vec::new(); r.units().len()],
        all: Vec::new(),
        masks: Vec::new(),
        plans: Vec::new(),
        now: vec![None; n],
    };
    search.dfs(0, 0, 0, 0);
    let mut masks = search.masks;
    masks.sort_unstable();
    masks.dedup();
    masks
}

struct Search<'a> {
    r: &'a Round,
    prio: Vec<i64>,
    staff_best: Vec<Option<i64>>,
    occ: Vec<Vec<usize>>,
    all: Vec<(i64, i64)>,
    masks: Vec<usize>,
    /// The unit of each person, per plan (in `all`'s order).
    plans: Vec<Vec<Option<usize>>>,
    now: Vec<Option<usize>>,
}

impl Search<'_> {
    /// Places person `i` (or not), recursively; `mask` = housed so far.
    fn dfs(&mut self, i: usize, mask: usize, l1: i64, ufit: i64) {
        let r = self.r;
        if i == r.people().len() {
            if let Some(sf) = self.staff_best[mask] {
                self.all.push((l1, ufit + sf));
                self.masks.push(mask);
                self.plans.push(self.now.clone());
            }
            return;
        }
        let p = &r.people()[i];
        if p.pinned_unit.is_none() {
            self.dfs(i + 1, mask, l1, ufit);
        }
        for (ui, u) in r.units().iter().enumerate() {
            if p.pinned_unit.as_ref().is_some_and(|pin| *pin != u.id) {
                continue;
            }
            if self.occ[ui].len() >= u.places as usize || !may_live(r, p, u) {
                continue;
            }
            if clashes(r, u, &self.occ[ui], p) {
                continue;
            }
            self.occ[ui].push(i);
            self.now[i] = Some(ui);
            let f = scoring::total(&scoring::unit_fit(p, u, r.policy()));
            self.dfs(i + 1, mask | (1 << i), l1 + self.prio[i], ufit + f);
            self.now[i] = None;
            self.occ[ui].pop();
        }
    }
}

/// Brute force over every plan, workers included (each housed person gets
/// one worker with a free slot): the lexicographic optimum of (priority,
/// fit, stability), where stability counts last week's home and last week's
/// worker kept (`r.previous()`), each one. `None` when no plan keeps the pins.
pub fn brute_force_three(r: &Round) -> Option<(i64, i64, i64)> {
    struct S<'a> {
        r: &'a Round,
        occ: Vec<Vec<usize>>,
        left: Vec<u32>,
        best: Option<(i64, i64, i64)>,
    }
    impl S<'_> {
        fn go(&mut self, i: usize, acc: (i64, i64, i64)) {
            let r = self.r;
            if i == r.people().len() {
                if self.best.is_none_or(|b| acc > b) {
                    self.best = Some(acc);
                }
                return;
            }
            let p = &r.people()[i];
            if p.pinned_unit.is_none() {
                self.go(i + 1, acc);
            }
            let prev = r.previous().get(&p.id);
            for (ui, u) in r.units().iter().enumerate() {
                if p.pinned_unit.as_ref().is_some_and(|pin| *pin != u.id) {
                    continue;
                }
                if self.occ[ui].len() >= u.places as usize || !may_live(r, p, u) {
                    continue;
                }
                if clashes(r, u, &self.occ[ui], p) {
                    continue;
                }
                for (si, st) in r.staff().iter().enumerate() {
                    if self.left[si] == 0 || !may_support(r, p, st) {
                        continue;
                    }
                    let fit = scoring::total(&scoring::unit_fit(p, u, r.policy()))
                        + scoring::total(&scoring::staff_fit(
                            p,
                            st.method,
                            st.gender,
                            Some(&st.id),
                            r.policy(),
                        ));
                    let stable = prev.map_or(0, |(pu, ps)| {
                        i64::from(*pu == u.id) + i64::from(*ps == st.id)
                    });
                    self.occ[ui].push(i);
                    self.left[si] -= 1;
                    let prio = scoring::priority(p, r.policy());
                    self.go(i + 1, (acc.0 + prio, acc.1 + fit, acc.2 + stable));
                    self.left[si] += 1;
                    self.occ[ui].pop();
                }
            }
        }
    }
    let mut s = S {
        r,
        occ: vec![Vec::new(); r.units().len()],
        left: r.staff().iter().map(|s| s.capacity).collect(),
        best: None,
    };
    s.go(0, (0, 0, 0));
    s.best
}

/// Copies a folder and everything below it (test fixtures into a temp dir).
pub fn copy_dir(src: &std::path::Path, dst: &std::path::Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
}

/// Every regular file below `dir` with its bytes (to show nothing changed).
pub fn snapshot(dir: &std::path::Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let t = e.file_type().unwrap();
            if t.is_dir() {
                stack.push(e.path());
            } else if t.is_file() {
                out.insert(e.path(), std::fs::read(e.path()).unwrap());
            }
        }
    }
    out
}
