//! Scenario files (`*.toml` for `whatif`): changes to a base round, read with
//! the line of every change for messages. Applying them is
//! [`crate::whatif::scenario::apply`]'s.

use super::spec::{rest, take, StaffSpec, UnitSpec};
use crate::error::{Error, Problems, Result};
use crate::model::UnitKind;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Units to add: `count` copies of one unit description.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "toml::Table")]
pub struct AddUnits {
    /// The unit each copy is.
    pub unit: UnitSpec,
    /// How many units; default 1.
    pub count: u32,
    /// Prefix of the new ids (default `NEW-<kind>-`).
    pub id_prefix: Option<String>,
}

impl TryFrom<toml::Table> for AddUnits {
    type Error = String;
    fn try_from(mut t: toml::Table) -> std::result::Result<Self, String> {
        let count = take(&mut t, "count")?.unwrap_or(1);
        let id_prefix = take(&mut t, "id_prefix")?;
        Ok(AddUnits {
            unit: rest(t, &["count", "id_prefix"])?,
            count,
            id_prefix,
        })
    }
}

/// Units to remove: by id, or by kind and/or area (the first `count` by id).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveUnits {
    /// Units to remove by id; each must be in the base round.
    #[serde(default)]
    pub ids: Vec<String>,
    /// Remove units of this kind (with `area`: of this kind in this area).
    pub kind: Option<UnitKind>,
    /// Remove units in this area.
    pub area: Option<String>,
    /// How many of those matching kind/area (all if absent).
    pub count: Option<u32>,
}

/// Staff to add: `count` copies of one worker description.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "toml::Table")]
pub struct AddStaff {
    /// The worker each copy is.
    pub staff: StaffSpec,
    /// How many workers; default 1.
    pub count: u32,
    /// Prefix of the new ids (default `NEW-<method>-`).
    pub id_prefix: Option<String>,
}

impl TryFrom<toml::Table> for AddStaff {
    type Error = String;
    fn try_from(mut t: toml::Table) -> std::result::Result<Self, String> {
        let count = take(&mut t, "count")?.unwrap_or(1);
        let id_prefix = take(&mut t, "id_prefix")?;
        Ok(AddStaff {
            staff: rest(t, &["count", "id_prefix"])?,
            count,
            id_prefix,
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    name: String,
    #[serde(default)]
    add_units: Vec<toml::Spanned<AddUnits>>,
    #[serde(default)]
    remove_units: Vec<toml::Spanned<RemoveUnits>>,
    #[serde(default)]
    add_staff: Vec<AddStaff>,
    remove_staff: Option<toml::Spanned<Vec<String>>>,
    #[serde(default)]
    add_people: Vec<String>,
    remove_people: Option<toml::Spanned<Vec<String>>>,
    policy: Option<toml::Spanned<toml::Table>>,
    kinds: Option<std::collections::BTreeMap<String, crate::model::kinds::KindDef>>,
}

/// A scenario: a name and changes to a base round.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scenario {
    /// Name shown in the comparison.
    pub name: String,
    /// Units to add.
    pub add_units: Vec<AddUnits>,
    /// Units to remove.
    pub remove_units: Vec<RemoveUnits>,
    /// Staff to add.
    pub add_staff: Vec<AddStaff>,
    /// Staff ids to remove.
    pub remove_staff: Vec<String>,
    /// People files to add (paths resolved against the scenario file).
    pub add_people: Vec<PathBuf>,
    /// People ids to remove.
    pub remove_people: Vec<String>,
    /// Policy keys to override (merged into the base policy).
    pub policy: Option<toml::Table>,
    /// Kinds of home declared (`[kinds.<id>]`) on top of the base policy's.
    pub kinds: std::collections::BTreeMap<String, crate::model::kinds::KindDef>,
    /// Where it came from, for messages.
    pub source: String,
    /// Line of `[policy]`, for messages.
    pub policy_line: Option<u64>,
    /// Lines of the changes, for messages: `add_units#1`, `remove_units#2`,
    /// `remove_staff`, `remove_people`.
    pub lines: std::collections::BTreeMap<String, u64>,
}

impl Scenario {
    /// The scenario that changes nothing.
    pub fn base() -> Self {
        Scenario {
            name: "base".into(),
            source: "base".into(),
            ..Scenario::default()
        }
    }

    /// The files running the scenario reads: the file it came from (when
    /// its source is one) and the people files it adds. A front end keeps
    /// its outputs off these.
    pub fn files(&self) -> Vec<&Path> {
        let source = Path::new(&self.source);
        let own = source.is_file().then_some(source);
        own.into_iter()
            .chain(self.add_people.iter().map(PathBuf::as_path))
            .collect()
    }
}

/// Reads a scenario file.
pub fn load(path: &Path) -> Result<Scenario> {
    let (raw, text, file): (ScenarioFile, _, _) = super::read_toml(path)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let line = |span: std::ops::Range<usize>| super::policy::line_of(&text, span.start);
    let policy_line = raw.policy.as_ref().map(|s| line(s.span()));
    let mut lines = std::collections::BTreeMap::new();
    for (i, a) in raw.add_units.iter().enumerate() {
        lines.insert(format!("add_units#{}", i + 1), line(a.span()));
    }
    for (i, a) in raw.remove_units.iter().enumerate() {
        lines.insert(format!("remove_units#{}", i + 1), line(a.span()));
    }
    if raw.kinds.is_some() {
        if let Some(at) = text.find("[kinds.").or_else(|| text.find("kinds")) {
            lines.insert("kinds".to_string(), super::policy::line_of(&text, at));
        }
    }
    for (key, v) in [
        ("remove_staff", &raw.remove_staff),
        ("remove_people", &raw.remove_people),
    ] {
        if let Some(v) = v {
            lines.insert(key.to_string(), line(v.span()));
        }
    }
    // Names and id prefixes reach tables, reports and ids: no control
    // characters (escape sequences) in them.
    let prefixes = raw
        .add_units
        .iter()
        .map(|a| a.get_ref().id_prefix.as_deref());
    let prefixes = prefixes.chain(raw.add_staff.iter().map(|a| a.id_prefix.as_deref()));
    let texts = std::iter::once(Some(raw.name.as_str())).chain(prefixes);
    if texts.flatten().any(super::privacy::has_control) {
        return Err(Error::Input(Problems(vec![crate::error::Problem::file(
            &file,
            "a name or id_prefix contains a control character (an escape sequence?); remove it",
        )])));
    }
    Ok(Scenario {
        name: raw.name,
        add_units: raw.add_units.into_iter().map(|a| a.into_inner()).collect(),
        remove_units: raw
            .remove_units
            .into_iter()
            .map(|a| a.into_inner())
            .collect(),
        add_staff: raw.add_staff,
        remove_staff: raw.remove_staff.map(|v| v.into_inner()).unwrap_or_default(),
        add_people: raw.add_people.iter().map(|p| dir.join(p)).collect(),
        remove_people: raw
            .remove_people
            .map(|v| v.into_inner())
            .unwrap_or_default(),
        policy: raw.policy.map(|s| s.into_inner()),
        kinds: raw.kinds.unwrap_or_default(),
        source: file,
        policy_line,
        lines,
    })
}

/// Reads every `*.toml` in a folder, by file name.
pub fn load_dir(dir: &Path) -> Result<Vec<Scenario>> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "toml")
                && p.file_name().is_some_and(|n| n != "templates.toml")
        })
        .collect();
    paths.sort();
    load_all(&paths)
}

/// Reads scenario files in the order given: every problem of every file at
/// once.
pub fn load_all(paths: &[PathBuf]) -> Result<Vec<Scenario>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        match load(p) {
            Ok(s) => out.push(s),
            Err(Error::Input(ps)) => problems.extend(ps.0),
            Err(e) => return Err(e),
        }
    }
    problems.extend(same_names(&out));
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Error::Input(Problems(problems)))
    }
}

/// Two scenarios of one name (the base is named `base`) would be two rows
/// under one name: each second one is a problem naming both files.
pub fn same_names(list: &[Scenario]) -> Vec<crate::error::Problem> {
    let mut first: std::collections::HashMap<String, &Scenario> = std::collections::HashMap::new();
    let mut out = Vec::new();
    for s in list {
        let key = crate::model::fold(&s.name);
        match first.get(&key) {
            Some(f) => out.push(crate::error::Problem::file(
                &s.source,
                format!(
                    "the scenario name \"{}\" is also the name of {}; give each scenario its own name",
                    crate::error::printable(&s.name),
                    if f.source == "base" {
                        "the base round".to_string()
                    } else {
                        crate::error::printable(&f.source)
                    }
                ),
            )),
            None => {
                first.insert(key, s);
            }
        }
    }
    out
}
