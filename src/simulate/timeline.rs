//! `timeline.toml`: what happens over the simulated weeks (arrivals, new
//! homes, vacancies, hires, declines, tenancies that end, people who find
//! another solution), read and checked value by value.

use crate::error::{Error, Problem, Problems, Result};
use crate::model::{Gender, Method};
use chrono::NaiveDate;
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

/// The largest rate per week (arrivals, vacancies of a kind).
pub const MAX_RATE: f64 = 100.0;

impl Timeline {
    /// The files the timeline reads: each arrivals file, each new-units
    /// file and the arrival mix. A front end keeps its outputs off these.
    pub fn files(&self) -> Vec<&Path> {
        self.arrivals
            .iter()
            .map(|a| a.file.as_path())
            .chain(self.new_units.iter().map(|u| u.file.as_path()))
            .chain(self.arrival_mix.as_deref())
            .collect()
    }

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
