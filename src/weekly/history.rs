//! The programme week by week, from the offers record and the weekly rounds:
//! offers and what became of them, move-ins and tenancies that end, how long
//! it takes to get a home, whether people keep it, the goals so far and the
//! workers' caseloads. Counted from the record's dates, so an earlier week
//! looks as it did then.

use crate::model::record::{Line, Reason, Record, Status};
use crate::model::{AgeBand, Person, Staff, SupportWeeks};
use chrono::{Months, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One weekly round as history needs it.
#[derive(Debug, Clone)]
pub struct Week {
    /// The round's date (policy.toml's `round_date`).
    pub round_date: NaiveDate,
    /// The roster (people.csv: everyone in the programme, housed or waiting).
    pub people: Vec<Person>,
    /// The workers (staff.csv), for support periods by method.
    pub staff: Vec<Staff>,
}

/// Retention at a horizon: of the tenancies old enough to tell, how many
/// lasted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Retention {
    /// Tenancies still running that many months after the move-in.
    pub kept: usize,
    /// Tenancies that moved in at least that many months before the week.
    pub observed: usize,
}

/// One week of the programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeekRow {
    /// 1, 2, … in date order.
    pub week: usize,
    /// The round's date.
    pub round_date: NaiveDate,
    /// People on the roster.
    pub roster: usize,
    /// Offers made since the last week (`offered_on`).
    pub offers_made: usize,
    /// Offers accepted since the last week (`decided_on`).
    pub accepted: usize,
    /// Offers declined since the last week, by reason (no reason: `other`).
    pub declined: BTreeMap<Reason, usize>,
    /// Offers withdrawn since the last week.
    pub withdrawn: usize,
    /// Pending offers whose `respond_by` passed since the last week.
    pub expired: usize,
    /// Move-ins since the last week.
    pub moved_in: usize,
    /// Tenancies that ended since the last week, by reason (none: `other`).
    pub moved_out: BTreeMap<Reason, usize>,
    /// People who have moved in so far.
    pub housed_so_far: usize,
    /// Days from `registered` to the move-in, over every move-in so far:
    /// the median and the 90th percentile (nearest rank).
    pub days_to_move_in: Option<(i64, i64)>,
    /// Retention 3, 6 and 12 months after the move-in.
    pub retention: [Retention; 3],
    /// Under-18s on the roster (age at registration) who have moved in, and all.
    pub under_18: (usize, usize),
    /// 18–29-year-olds on the roster who have moved in, and all.
    pub age_18_29: (usize, usize),
    /// Active cases per worker: tenancies within their method's support period.
    pub caseloads: BTreeMap<String, u32>,
}

/// The months retention is measured at.
pub const RETENTION_MONTHS: [u32; 3] = [3, 6, 12];

/// The most weeks one history reads (ten years).
pub const MAX_WEEKS: usize = 520;

/// Nearest-rank percentile `q` (0–1) of sorted values.
fn percentile(sorted: &[i64], q: f64) -> i64 {
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// The programme week by week. `weeks` must be sorted by date.
pub fn history(weeks: &[Week], rec: &Record, support: &SupportWeeks) -> Vec<WeekRow> {
    let mut out = Vec::new();
    let mut registered: BTreeMap<&str, NaiveDate> = BTreeMap::new();
    let mut prev: Option<NaiveDate> = None;
    for (i, w) in weeks.iter().enumerate() {
        for p in &w.people {
            if let Some(r) = p.registered {
                registered.insert(&p.id, r);
            }
        }
        out.push(week_row(i + 1, w, prev, rec, support, &registered));
        prev = Some(w.round_date);
    }
    out
}

/// One week's row: what happened since the week before (`prev`), and where
/// the programme stands on the week's round date.
fn week_row(
    week: usize,
    w: &Week,
    prev: Option<NaiveDate>,
    rec: &Record,
    support: &SupportWeeks,
    registered: &BTreeMap<&str, NaiveDate>,
) -> WeekRow {
    let day = w.round_date;
    let mut row = WeekRow {
        week,
        round_date: day,
        roster: w.people.len(),
        offers_made: 0,
        accepted: 0,
        declined: BTreeMap::new(),
        withdrawn: 0,
        expired: 0,
        moved_in: 0,
        moved_out: BTreeMap::new(),
        housed_so_far: 0,
        days_to_move_in: None,
        retention: [Retention {
            kept: 0,
            observed: 0,
        }; 3],
        under_18: (0, 0),
        age_18_29: (0, 0),
        caseloads: BTreeMap::new(),
    };
    let mut housed: BTreeSet<&str> = BTreeSet::new();
    let mut days = Vec::new();
    for l in &rec.lines {
        count_decisions(&mut row, l, day, prev);
        let Some(moved) = count_tenancy(&mut row, l, day, prev) else {
            continue;
        };
        housed.insert(&l.person_id);
        if let Some(r) = registered.get(l.person_id.as_str()) {
            days.push((moved - *r).num_days());
        }
        count_retention(&mut row, l, moved, day);
        if l.occupies(day) {
            count_caseload(&mut row, l, moved, w, support);
        }
    }
    row.housed_so_far = housed.len();
    days.sort_unstable();
    if !days.is_empty() {
        row.days_to_move_in = Some((percentile(&days, 0.5), percentile(&days, 0.9)));
    }
    for p in &w.people {
        let moved = housed.contains(p.id.as_str());
        let slot = match p.goal_band(day) {
            AgeBand::Under18 => &mut row.under_18,
            AgeBand::Age18To24 | AgeBand::Age25To29 => &mut row.age_18_29,
            AgeBand::Age30Plus => continue,
        };
        slot.1 += 1;
        slot.0 += usize::from(moved);
    }
    row
}

/// Whether a day falls in the week: after the week before, up to `day`.
fn within(d: Option<NaiveDate>, day: NaiveDate, prev: Option<NaiveDate>) -> bool {
    d.is_some_and(|d| d <= day && prev.is_none_or(|p| d > p))
}

/// Offers made, answers given and offers expired this week.
fn count_decisions(row: &mut WeekRow, l: &Line, day: NaiveDate, prev: Option<NaiveDate>) {
    row.offers_made += usize::from(within(l.offered_on, day, prev));
    if within(l.decided_on, day, prev) {
        match l.status {
            Status::Declined => {
                *row.declined
                    .entry(l.reason.unwrap_or(Reason::Other))
                    .or_default() += 1
            }
            Status::Withdrawn => row.withdrawn += 1,
            Status::Accepted | Status::MovedIn | Status::MovedOut => row.accepted += 1,
            Status::Pending => {}
        }
    }
    if l.expired(day) && prev.is_none_or(|p| !l.expired(p)) {
        row.expired += 1;
    }
}

/// Move-ins and ended tenancies this week; the move-in day of a tenancy
/// that began by `day`.
fn count_tenancy(
    row: &mut WeekRow,
    l: &Line,
    day: NaiveDate,
    prev: Option<NaiveDate>,
) -> Option<NaiveDate> {
    if !matches!(l.status, Status::MovedIn | Status::MovedOut) {
        return None;
    }
    row.moved_in += usize::from(within(l.moved_in_on, day, prev));
    if l.status == Status::MovedOut && within(l.ended_on, day, prev) {
        *row.moved_out
            .entry(l.reason.unwrap_or(Reason::Other))
            .or_default() += 1;
    }
    l.moved_in_on.filter(|m| *m <= day)
}

/// Tenancies old enough to be observed at 3, 6 and 12 months, and kept.
fn count_retention(row: &mut WeekRow, l: &Line, moved: NaiveDate, day: NaiveDate) {
    for (k, months) in RETENTION_MONTHS.iter().enumerate() {
        let Some(at) = moved.checked_add_months(Months::new(*months)) else {
            continue;
        };
        if at <= day {
            row.retention[k].observed += 1;
            let ended_before = l.status == Status::MovedOut && l.ended_on.is_some_and(|e| e < at);
            row.retention[k].kept += usize::from(!ended_before);
        }
    }
}

/// An active case of the tenancy's worker: within the method's support
/// period on the week's date.
fn count_caseload(row: &mut WeekRow, l: &Line, moved: NaiveDate, w: &Week, support: &SupportWeeks) {
    let day = w.round_date;
    if let Some(s) = &l.staff_id {
        let weeks = w
            .staff
            .iter()
            .find(|x| x.id == *s)
            .and_then(|x| support.of(x.method));
        if weeks.is_none_or(|wk| moved + chrono::Duration::weeks(wk) > day) {
            *row.caseloads.entry(s.clone()).or_default() += 1;
        }
    }
}

/// The columns of `history.csv`, in order.
pub const COLUMNS: [&str; 30] = [
    "week",
    "round_date",
    "roster",
    "offers_made",
    "accepted",
    "declined",
    "declined_location",
    "declined_kind",
    "declined_rent",
    "declined_no_contact",
    "declined_other",
    "withdrawn",
    "expired",
    "moved_in",
    "moved_out",
    "moved_out_moved_on",
    "moved_out_eviction",
    "moved_out_institution",
    "moved_out_left",
    "moved_out_other",
    "housed_so_far",
    "days_to_move_in_median",
    "days_to_move_in_p90",
    "retention_3m",
    "retention_6m",
    "retention_12m",
    "under_18_housed",
    "age_18_29_housed",
    "active_cases",
    "caseloads",
];

impl WeekRow {
    /// The row's cells in [`COLUMNS`] order: counts as numbers, retention and
    /// goals as `kept/observed`, caseloads as `S01:2 S03:1`.
    pub fn cells(&self) -> Vec<String> {
        let n =
            |m: &BTreeMap<Reason, usize>, r: Reason| m.get(&r).copied().unwrap_or(0).to_string();
        let frac = |a: usize, b: usize| {
            if b == 0 {
                String::new()
            } else {
                format!("{a}/{b}")
            }
        };
        let (median, p90) = self
            .days_to_move_in
            .map_or((String::new(), String::new()), |(m, p)| {
                (m.to_string(), p.to_string())
            });
        vec![
            self.week.to_string(),
            self.round_date.to_string(),
            self.roster.to_string(),
            self.offers_made.to_string(),
            self.accepted.to_string(),
            self.declined.values().sum::<usize>().to_string(),
            n(&self.declined, Reason::Location),
            n(&self.declined, Reason::Kind),
            n(&self.declined, Reason::Rent),
            n(&self.declined, Reason::NoContact),
            n(&self.declined, Reason::Other),
            self.withdrawn.to_string(),
            self.expired.to_string(),
            self.moved_in.to_string(),
            self.moved_out.values().sum::<usize>().to_string(),
            n(&self.moved_out, Reason::MovedOn),
            n(&self.moved_out, Reason::Eviction),
            n(&self.moved_out, Reason::Institution),
            n(&self.moved_out, Reason::Left),
            n(&self.moved_out, Reason::Other),
            self.housed_so_far.to_string(),
            median,
            p90,
            frac(self.retention[0].kept, self.retention[0].observed),
            frac(self.retention[1].kept, self.retention[1].observed),
            frac(self.retention[2].kept, self.retention[2].observed),
            frac(self.under_18.0, self.under_18.1),
            frac(self.age_18_29.0, self.age_18_29.1),
            self.caseloads.values().sum::<u32>().to_string(),
            self.caseloads
                .iter()
                .map(|(s, c)| format!("{s}:{c}"))
                .collect::<Vec<_>>()
                .join(" "),
        ]
    }
}
