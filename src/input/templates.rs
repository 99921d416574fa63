//! `templates.toml`: the units and workers that could be created, with their
//! costs, for capacity planning.

use super::spec::{rest, take, StaffSpec, UnitSpec};
use crate::error::{Error, Problem, Problems, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A kind of unit that could be created: its description and its cost.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(try_from = "toml::Table")]
pub struct UnitTemplate {
    /// Name shown in the mix.
    pub name: String,
    /// The unit each copy is.
    #[serde(flatten)]
    pub unit: UnitSpec,
    /// Monthly cost to the municipality per unit, kr.
    pub monthly_cost_dkk: f64,
    /// One-off cost per unit (building, furnishing), kr.
    pub one_off_cost_dkk: f64,
    /// Most that can be created; default: as many as could ever be used.
    pub max_count: Option<u32>,
}

/// A kind of support worker that could be hired: the worker and the cost.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(try_from = "toml::Table")]
pub struct StaffTemplate {
    /// Name shown in the mix.
    pub name: String,
    /// The worker each hire is.
    #[serde(flatten)]
    pub staff: StaffSpec,
    /// Monthly cost per worker, kr.
    pub monthly_cost_dkk: f64,
    /// One-off cost per worker (hiring, training), kr.
    pub one_off_cost_dkk: f64,
    /// Most that can be hired; default: as many as could ever be used.
    pub max_count: Option<u32>,
}

/// The keys a template adds around the shared unit or worker description.
const TEMPLATE_KEYS: [&str; 4] = ["name", "monthly_cost_dkk", "one_off_cost_dkk", "max_count"];

/// A template table split into the keys a template adds and the description:
/// unknown keys are reported before missing ones, as serde would.
fn split<T: for<'de> Deserialize<'de>>(
    mut t: toml::Table,
) -> std::result::Result<(String, T, f64, f64, Option<u32>), String> {
    let name: Option<String> = take(&mut t, "name")?;
    let monthly: Option<f64> = take(&mut t, "monthly_cost_dkk")?;
    let one_off: Option<f64> = take(&mut t, "one_off_cost_dkk")?;
    let max_count = take(&mut t, "max_count")?;
    let spec = rest(t, &TEMPLATE_KEYS)?;
    Ok((
        name.ok_or("missing field `name`")?,
        spec,
        monthly.ok_or("missing field `monthly_cost_dkk`")?,
        one_off.unwrap_or(0.0),
        max_count,
    ))
}

impl TryFrom<toml::Table> for UnitTemplate {
    type Error = String;
    fn try_from(t: toml::Table) -> std::result::Result<Self, String> {
        let (name, unit, monthly_cost_dkk, one_off_cost_dkk, max_count) = split(t)?;
        Ok(UnitTemplate {
            name,
            unit,
            monthly_cost_dkk,
            one_off_cost_dkk,
            max_count,
        })
    }
}

impl TryFrom<toml::Table> for StaffTemplate {
    type Error = String;
    fn try_from(t: toml::Table) -> std::result::Result<Self, String> {
        let (name, staff, monthly_cost_dkk, one_off_cost_dkk, max_count) = split(t)?;
        Ok(StaffTemplate {
            name,
            staff,
            monthly_cost_dkk,
            one_off_cost_dkk,
            max_count,
        })
    }
}

fn twelve() -> u32 {
    12
}

/// templates.toml.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Templates {
    /// Months of running cost counted (plus one-off costs).
    #[serde(default = "twelve")]
    pub months: u32,
    /// Units that could be created (`[[unit]]`), in file order.
    #[serde(default)]
    pub unit: Vec<UnitTemplate>,
    /// Workers that could be hired (`[[staff]]`), in file order.
    #[serde(default)]
    pub staff: Vec<StaffTemplate>,
    /// Kinds of home declared (`[kinds.<id>]`) on top of the base policy's,
    /// for templates of a kind that does not exist yet.
    #[serde(default)]
    pub kinds: std::collections::BTreeMap<String, crate::model::kinds::KindDef>,
}

/// Cost of one copy over `months`, in whole kroner.
fn period_cost(monthly: f64, one_off: f64, months: u32) -> i64 {
    (monthly * f64::from(months) + one_off).round() as i64
}

impl UnitTemplate {
    /// Cost of one unit over the planning period, in whole kroner.
    pub fn cost(&self, months: u32) -> i64 {
        period_cost(self.monthly_cost_dkk, self.one_off_cost_dkk, months)
    }
}

impl StaffTemplate {
    /// Cost of one worker over the planning period, in whole kroner.
    pub fn cost(&self, months: u32) -> i64 {
        period_cost(self.monthly_cost_dkk, self.one_off_cost_dkk, months)
    }
}

/// The most copies of one template a plan considers (`max_count`, and the
/// bound when it is not given): each copy is a 0/1 variable of the planning
/// model.
pub const MAX_COUNT: u32 = 1_000;
/// The longest planning period, in months.
pub const MAX_MONTHS: u32 = 120;
/// The largest cost of one copy, in kroner (monthly or one-off).
pub const MAX_COST_KR: f64 = 1e9;

/// Reads templates.toml: every problem at once.
pub fn load_templates(path: &Path) -> Result<Templates> {
    let (t, _, file): (Templates, _, _) = super::read_toml(path)?;
    let problems: Vec<Problem> = bound_problems(&t)
        .into_iter()
        .chain(description_problems(&t))
        .chain(name_problems(&t))
        .map(|m| Problem::file(&file, m))
        .collect();
    if problems.is_empty() {
        Ok(t)
    } else {
        Err(Error::Input(Problems(problems)))
    }
}

/// Whether a template's costs are within the range every sum stays exact in.
fn costs_ok(monthly: f64, one_off: f64) -> bool {
    (0.0..=MAX_COST_KR).contains(&monthly) && (0.0..=MAX_COST_KR).contains(&one_off)
}

/// The period and every `max_count` within their bounds.
fn bound_problems(t: &Templates) -> Vec<String> {
    let mut out = Vec::new();
    if !(1..=MAX_MONTHS).contains(&t.months) {
        out.push(format!(
            "months = {}: must be from 1 to {MAX_MONTHS}",
            t.months
        ));
    }
    let names = t.unit.iter().map(|u| (&u.name, u.max_count));
    for (name, max) in names.chain(t.staff.iter().map(|s| (&s.name, s.max_count))) {
        if max.is_some_and(|m| m > MAX_COUNT) {
            out.push(format!("\"{name}\": max_count must be at most {MAX_COUNT}"));
        }
    }
    out
}

/// The kinds this file declares, and every unit and worker it describes with
/// their costs; at least one template.
fn description_problems(t: &Templates) -> Vec<String> {
    let mut out = Vec::new();
    // Kinds known here: the built-in ones and this file's own. A kind only the
    // base policy declares is checked when the plan meets the round.
    let mut kinds = crate::model::kinds::Kinds::default();
    for (id, d) in &t.kinds {
        kinds.declare(id, d.clone());
    }
    for (key, message) in kinds.problems() {
        out.push(format!("{key}: {message}"));
    }
    for u in &t.unit {
        let mut bad = u.unit.problems();
        if kinds.get(u.unit.kind.as_str()).is_some() {
            bad.extend(u.unit.kind_problems(&kinds));
        }
        out.extend(bad.into_iter().map(|p| format!("unit \"{}\": {p}", u.name)));
        if !costs_ok(u.monthly_cost_dkk, u.one_off_cost_dkk) {
            out.push(format!(
                "unit \"{}\": costs must be from 0 to {MAX_COST_KR} kr",
                u.name
            ));
        }
    }
    for s in &t.staff {
        out.extend(
            s.staff
                .problems()
                .into_iter()
                .map(|p| format!("staff \"{}\": {p}", s.name)),
        );
        if !costs_ok(s.monthly_cost_dkk, s.one_off_cost_dkk) {
            out.push(format!(
                "staff \"{}\": costs must be from 0 to {MAX_COST_KR} kr",
                s.name
            ));
        }
    }
    if t.unit.is_empty() && t.staff.is_empty() {
        out.push("no templates: add [[unit]] or [[staff]] tables".into());
    }
    out
}

/// Names reach tables and reports: no control characters (escape sequences).
fn name_problems(t: &Templates) -> Vec<String> {
    let names = t
        .unit
        .iter()
        .map(|u| &u.name)
        .chain(t.staff.iter().map(|s| &s.name));
    names
        .filter(|n| super::privacy::has_control(n))
        .map(|name| {
            format!(
                "the name \"{}\" contains a control character; remove it",
                crate::error::printable(name)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<Templates> {
        let dir = tempfile::tempdir().map_err(|source| Error::Io {
            path: "tmp".into(),
            source,
        })?;
        let path = dir.path().join("templates.toml");
        std::fs::write(&path, text).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        load_templates(&path)
    }

    /// The shared unit description keeps refusing unknown keys, at their line,
    /// and names the keys a template adds.
    #[test]
    fn a_misspelled_key_is_refused_at_its_line() {
        let e = load_text(
            "[[unit]]\nname = \"a\"\nkind = \"ordinary\"\nrent_dkk = 3000\nmonthly_cost = 5\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("templates.toml:5:"), "{e}");
        assert!(
            e.contains("monthly_cost") && e.contains("monthly_cost_dkk"),
            "{e}"
        );
    }

    #[test]
    fn a_template_is_a_unit_description_with_costs() {
        let t = load_text(
            "months = 6\n[[unit]]\nname = \"room\"\nkind = \"club_room\"\nrent_dkk = 2400\nmin_age = 16\nmonthly_cost_dkk = 100\none_off_cost_dkk = 50\n",
        )
        .unwrap();
        let u = &t.unit[0];
        assert_eq!(
            (u.unit.kind.clone(), u.unit.min_age, u.unit.places),
            (crate::model::UnitKind::new("club_room"), 16, 1)
        );
        assert_eq!(u.cost(t.months), 650);
        let e = load_text("[[unit]]\nname = \"flat\"\nkind = \"ordinary\"\nplaces = 2\nrent_dkk = 1\nmonthly_cost_dkk = 1\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("unit \"flat\": places 2 on a ordinary unit"),
            "{e}"
        );
    }
}
