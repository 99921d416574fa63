//! One description of a unit and of a support worker as the TOML files write
//! them: what a scenario adds (`[[add_units]]`, `[[add_staff]]`) and what a
//! template of `templates.toml` offers (`[[unit]]`, `[[staff]]`) share it, and
//! one function makes their ids.

use crate::model::{Gender, Method, Ore, Staff, Unit, UnitGender, UnitKind};
use serde::{Deserialize, Serialize};

/// A unit as a TOML file describes it (every key but `kind` and `rent_dkk`
/// optional).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UnitSpec {
    /// Kind of home.
    pub kind: UnitKind,
    /// Places per unit (more than 1 only for shared living); default 1.
    #[serde(default = "one")]
    pub places: u32,
    /// Monthly rent per place the resident pays, kr.
    pub rent_dkk: f64,
    /// Residents must have no current substance use; default no.
    #[serde(default)]
    pub drug_free: bool,
    /// Who it admits; default anyone.
    #[serde(default = "any_gender")]
    pub gender: UnitGender,
    /// Lowest age admitted; default 18.
    #[serde(default = "eighteen")]
    pub min_age: u32,
    /// Highest age admitted; default none.
    pub max_age: Option<u32>,
    /// Area (neighbourhood or municipality).
    pub area: Option<String>,
    /// First day it can be moved into (any accepted date spelling); default now.
    pub available_from: Option<String>,
}

/// The most places of one unit and the most free slots of one worker (as in
/// the CSV files).
pub const MAX_PLACES: u32 = 10_000;
/// The oldest age a unit may name.
pub const MAX_AGE: u32 = 150;
/// The most copies one scenario change adds (`count`).
pub const MAX_COPIES: u32 = 10_000;
use super::table::MAX_KR;

fn one() -> u32 {
    1
}
fn eighteen() -> u32 {
    18
}
fn any_gender() -> UnitGender {
    UnitGender::Any
}

impl UnitSpec {
    /// What is wrong with the kind, given the kinds declared where the unit
    /// is added (empty when nothing).
    pub fn kind_problems(&self, kinds: &crate::model::kinds::Kinds) -> Vec<String> {
        let mut out = Vec::new();
        match kinds.get(self.kind.as_str()) {
            None => out.push(format!(
                "kind \"{}\" is not declared; expected one of {} (or declare it under [kinds.{}])",
                crate::error::printable(self.kind.as_str()),
                kinds.expected(),
                crate::error::printable(self.kind.as_str())
            )),
            Some(k) if self.places > 1 && !k.shared => out.push(format!(
                "places {} on a {} unit; only a kind with shared = true has several places",
                self.places, self.kind
            )),
            Some(_) => {}
        }
        out
    }

    /// What is wrong with the description, in words (empty when nothing).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.places == 0 {
            out.push("places must be at least 1".into());
        }
        if !(0.0..=MAX_KR as f64).contains(&self.rent_dkk) {
            out.push(format!("rent_dkk must be from 0 to {MAX_KR} kr"));
        }
        if self.places > MAX_PLACES {
            out.push(format!("places must be at most {MAX_PLACES}"));
        }
        if self.min_age > MAX_AGE || self.max_age.is_some_and(|a| a > MAX_AGE) {
            out.push(format!("ages must be at most {MAX_AGE}"));
        }
        if self.max_age.is_some_and(|a| a < self.min_age) {
            out.push("min_age is above max_age; the unit would admit nobody".into());
        }
        if let Some(Err(m)) = self.available_from() {
            out.push(format!("available_from {m}"));
        }
        out
    }

    fn available_from(&self) -> Option<Result<chrono::NaiveDate, String>> {
        self.available_from
            .as_deref()
            .map(|d| super::text::parse_date(d).map_err(|m| m.to_string()))
    }

    /// The unit with id `id` (call [`UnitSpec::problems`] first: an invalid
    /// date becomes "available now").
    pub fn unit(&self, id: String) -> Unit {
        Unit {
            id,
            kind: self.kind.clone(),
            places: self.places.max(1),
            rent: (self.rent_dkk * 100.0).round() as Ore,
            available_from: self.available_from().and_then(Result::ok),
            drug_free: self.drug_free,
            gender: self.gender,
            min_age: self.min_age,
            max_age: self.max_age,
            area: self.area.clone(),
            occupants: Vec::new(),
            line: 0,
        }
    }
}

/// A support worker as a TOML file describes it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StaffSpec {
    /// The support method the worker offers.
    pub method: Method,
    /// The worker's gender (for the female-worker wish and rule).
    pub gender: Gender,
    /// Free caseload slots.
    pub capacity: u32,
}

impl StaffSpec {
    /// What is wrong with the description, in words (empty when nothing).
    pub fn problems(&self) -> Vec<String> {
        if self.capacity > MAX_PLACES {
            vec![format!("capacity must be at most {MAX_PLACES}")]
        } else {
            Vec::new()
        }
    }

    /// The worker with id `id`.
    pub fn staff(&self, id: String) -> Staff {
        Staff {
            id,
            gender: self.gender,
            method: self.method,
            capacity: self.capacity,
            caseload: None,
            line: 0,
        }
    }
}

/// `count` new ids `prefix01`, `prefix02`, … that are not `taken` (numbers
/// already taken are skipped).
pub fn fresh_ids(prefix: &str, count: u32, taken: impl Fn(&str) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut n = 0u64;
    while out.len() < count as usize {
        n += 1;
        let id = format!("{prefix}{n:02}");
        if !taken(&id) {
            out.push(id);
        }
    }
    out
}

/// Takes `key` out of a TOML table as a `T`, for the keys a file adds around
/// a shared description (`count`, `name`, costs): the rest of the table is
/// then the description itself, whose unknown keys are still refused.
pub(crate) fn take<T: for<'de> Deserialize<'de>>(
    table: &mut toml::Table,
    key: &str,
) -> Result<Option<T>, String> {
    match table.remove(key) {
        None => Ok(None),
        Some(v) => T::deserialize(v)
            .map(Some)
            .map_err(|e| format!("{key}: {}", e.message().trim())),
    }
}

/// The rest of a table as the shared description; an unknown key names the
/// keys the file adds too.
pub(crate) fn rest<T: for<'de> Deserialize<'de>>(
    table: toml::Table,
    also: &[&str],
) -> Result<T, String> {
    T::deserialize(toml::Value::Table(table)).map_err(|e| {
        let m = e.message().trim().to_string();
        if m.starts_with("unknown field") && !also.is_empty() {
            format!("{m}, or {}", also.join(", "))
        } else {
            m
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_skip_those_taken() {
        let taken = ["NEW-01".to_string(), "NEW-03".to_string()];
        assert_eq!(
            fresh_ids("NEW-", 3, |id| taken.iter().any(|t| t == id)),
            vec!["NEW-02", "NEW-04", "NEW-05"]
        );
    }
}
