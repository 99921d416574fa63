//! The office's own words: `[aliases]` maps the headers and values of its
//! exports onto the contract's, once, in `policy.toml`. The built-in aliases
//! (Danish spellings, the categories of the national homelessness count) are
//! the default; a policy adds to them and may re-map any of them.

use crate::model::{fold, FemaleStaff, Gender, Method, Stay, SubstanceUse, UnitGender};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use std::collections::{BTreeMap, HashMap};

/// The columns whose values `[aliases]` may map, in the order `policy
/// --defaults` prints them. `kind` is units.csv's; `gender` people's and
/// staff's (f, m); `unit_gender` is units.csv's `gender` (any, women, men).
pub const VALUE_COLUMNS: [&str; 7] = [
    "kind",
    "gender",
    "unit_gender",
    "substance_use",
    "stay",
    "female_staff",
    "method",
];

/// Columns that hold health data: their values are never echoed, and a value
/// that matches nothing gets no suggestion built from it.
pub const HEALTH_COLUMNS: [&str; 3] = ["substance_use", "psychiatric", "in_recovery"];

/// The most aliases a policy may add in all.
pub const MAX_ALIASES: usize = 10_000;

/// The built-in aliases of the five built-in kinds (beyond their labels).
const KIND_ALIASES: &[(&str, &str)] = &[
    ("klubværelser", "club_room"),
    ("klubvaerelse", "club_room"),
    ("skæve boliger", "skaev_bolig"),
    ("skaev", "skaev_bolig"),
    ("bofaellesskab", "shared_living"),
    ("bofællesskaber", "shared_living"),
    ("almenbolig", "ordinary"),
    ("almen", "ordinary"),
];

/// Header and value aliases, as written, with a folded index for look-ups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aliases {
    columns: BTreeMap<String, String>,
    values: BTreeMap<String, BTreeMap<String, String>>,
    folded_columns: HashMap<String, String>,
    folded_values: HashMap<(String, String), String>,
}

fn pairs<T: Copy>(
    list: &[(&str, T)],
    name: impl Fn(T) -> &'static str,
) -> BTreeMap<String, String> {
    list.iter()
        .filter(|(a, _)| !a.is_empty())
        .map(|(a, v)| (a.to_string(), name(*v).to_string()))
        .collect()
}

impl Default for Aliases {
    fn default() -> Self {
        let mut columns = BTreeMap::new();
        for (file_columns, _) in crate::model::columns::COLUMN_TABLES {
            for c in file_columns.iter() {
                for a in c.aliases {
                    // "id" names each file's own id column: built into the readers.
                    if *a != "id" {
                        columns.insert(a.to_string(), c.name.to_string());
                    }
                }
            }
        }
        let mut values = BTreeMap::new();
        values.insert(
            "kind".to_string(),
            KIND_ALIASES
                .iter()
                .map(|(a, k)| (a.to_string(), k.to_string()))
                .collect(),
        );
        values.insert("gender".into(), pairs(Gender::ALIASES, Gender::as_str));
        values.insert(
            "unit_gender".into(),
            pairs(UnitGender::ALIASES, UnitGender::as_str),
        );
        values.insert(
            "substance_use".into(),
            pairs(SubstanceUse::ALIASES, SubstanceUse::as_str),
        );
        values.insert("stay".into(), pairs(Stay::ALIASES, Stay::as_str));
        values.insert(
            "female_staff".into(),
            pairs(FemaleStaff::ALIASES, FemaleStaff::as_str),
        );
        values.insert("method".into(), pairs(Method::ALIASES, Method::as_str));
        // One spelling per folded word (klubværelse, not also klubvaerelse):
        // the last in byte order, which keeps the Danish letters.
        let dedup = |m: BTreeMap<String, String>| -> BTreeMap<String, String> {
            let mut seen = std::collections::BTreeSet::new();
            let mut keys: Vec<(String, String)> = m.into_iter().collect();
            keys.sort_by(|a, b| b.0.cmp(&a.0));
            let mut out = BTreeMap::new();
            for (k, v) in keys {
                if seen.insert(fold(&k)) {
                    out.insert(k, v);
                }
            }
            out
        };
        let columns = dedup(columns);
        let values = values.into_iter().map(|(c, m)| (c, dedup(m))).collect();
        Aliases::from_maps(columns, values)
    }
}

impl Aliases {
    fn from_maps(
        columns: BTreeMap<String, String>,
        values: BTreeMap<String, BTreeMap<String, String>>,
    ) -> Self {
        let folded_columns = columns.iter().map(|(a, c)| (fold(a), c.clone())).collect();
        let folded_values = values
            .iter()
            .flat_map(|(col, m)| {
                m.iter()
                    .map(move |(a, v)| ((col.clone(), fold(a)), v.clone()))
            })
            .collect();
        Aliases {
            columns,
            values,
            folded_columns,
            folded_values,
        }
    }

    /// These aliases with `columns` and `values` added (an alias given again
    /// is re-mapped). Linear in the number of aliases: each table is indexed
    /// by folded spelling once.
    pub fn extended(
        &self,
        columns: &BTreeMap<String, String>,
        values: &BTreeMap<String, BTreeMap<String, String>>,
    ) -> Aliases {
        /// One table of aliases with its folded index (folded → as written).
        struct Slot {
            map: BTreeMap<String, String>,
            index: HashMap<String, String>,
        }
        impl Slot {
            fn new(map: BTreeMap<String, String>) -> Slot {
                let index = map.keys().map(|k| (fold(k), k.clone())).collect();
                Slot { map, index }
            }
            fn put(&mut self, alias: &str, target: &str) {
                let key = fold(alias);
                if let Some(old) = self.index.get(&key) {
                    // The same word, to the same target: keep the spelling there is.
                    if self.map.get(old).is_some_and(|t| t == target) {
                        return;
                    }
                    self.map.remove(old);
                }
                self.index.insert(key, alias.to_string());
                self.map.insert(alias.to_string(), target.to_string());
            }
        }
        let mut c = Slot::new(self.columns.clone());
        for (a, t) in columns {
            c.put(a, t);
        }
        let mut v: BTreeMap<String, Slot> = self
            .values
            .iter()
            .map(|(col, m)| (col.clone(), Slot::new(m.clone())))
            .collect();
        for (col, m) in values {
            let slot = v
                .entry(col.clone())
                .or_insert_with(|| Slot::new(BTreeMap::new()));
            for (a, t) in m {
                slot.put(a, t);
            }
        }
        let v = v.into_iter().map(|(col, s)| (col, s.map)).collect();
        Aliases::from_maps(c.map, v)
    }

    /// The contract column a header names through an alias.
    pub fn column(&self, header: &str) -> Option<&str> {
        self.folded_columns.get(&fold(header)).map(String::as_str)
    }

    /// The contract value a cell of `column` names through an alias.
    pub fn value(&self, column: &str, cell: &str) -> Option<&str> {
        self.folded_values
            .get(&(column.to_string(), fold(cell)))
            .map(String::as_str)
    }

    /// Header aliases as written: (alias, column).
    pub fn columns(&self) -> &BTreeMap<String, String> {
        &self.columns
    }

    /// Value aliases of a column as written: (alias, value).
    pub fn values_of(&self, column: &str) -> Option<&BTreeMap<String, String>> {
        self.values.get(column)
    }

    /// How many aliases there are in all.
    pub fn len(&self) -> usize {
        self.columns.len() + self.values.values().map(BTreeMap::len).sum::<usize>()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Aliases whose target is not a contract column or value, as (key,
    /// what is wrong); `kinds` are the declared kind ids.
    pub fn problems(&self, kinds: &crate::model::kinds::Kinds) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if self.len() > MAX_ALIASES + Aliases::default().len() {
            out.push((
                "aliases".into(),
                format!("declares {} aliases; at most {MAX_ALIASES}", self.len()),
            ));
        }
        let known_columns: Vec<&str> = crate::model::columns::COLUMN_TABLES
            .iter()
            .flat_map(|(cols, _)| cols.iter().map(|c| c.name))
            .collect();
        for (a, target) in &self.columns {
            if !known_columns.contains(&target.as_str()) {
                let mut names = known_columns.clone();
                names.sort_unstable();
                names.dedup();
                out.push((
                    format!("aliases.columns.{a}"),
                    format!(
                        "maps to \"{target}\", which is not a column of the contract; use one of {}",
                        names.join(", ")
                    ),
                ));
            }
        }
        for (col, m) in &self.values {
            let Some(accepted) = accepted_values(col, kinds) else {
                out.push((
                    format!("aliases.{col}"),
                    format!(
                        "is not a column with named values; use columns or one of {}",
                        VALUE_COLUMNS.join(", ")
                    ),
                ));
                continue;
            };
            for (a, target) in m {
                if !accepted.iter().any(|v| fold(v) == fold(target)) {
                    out.push((
                        format!("aliases.{col}.{a}"),
                        format!(
                            "maps to \"{target}\", which is not a value of {col}; use one of {}",
                            accepted.join(" | ")
                        ),
                    ));
                }
            }
        }
        out
    }
}

/// The problems of a policy's own `[aliases]` before they are added, as
/// (key, what is wrong): an alias with an invisible or direction-changing
/// character; two aliases of one table that read as one word (case, accents
/// and separators ignored) but map to different targets, naming both; and an
/// alias the contract's own name already matches (a kind's id or label, a
/// value's canonical spelling, a column's name in a file that also has the
/// target column) while it maps elsewhere: it would never be used.
pub fn own_problems(
    columns: &BTreeMap<String, String>,
    values: &BTreeMap<String, BTreeMap<String, String>>,
    kinds: &crate::model::kinds::Kinds,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let header_shadow = |alias: &str, target: &str| -> Option<String> {
        let key = fold(alias);
        crate::model::columns::COLUMN_TABLES
            .iter()
            .filter(|(cols, _)| cols.iter().any(|c| c.name == target))
            .find_map(|(cols, file)| {
                cols.iter()
                    .find(|c| c.name != target && fold(c.name) == key)
                    .map(|c| format!("the column \"{}\" of {file}", c.name))
            })
    };
    same_word("aliases.columns", columns, &mut out, header_shadow);
    for (col, m) in values {
        let shadow = |alias: &str, target: &str| -> Option<String> {
            if col == "kind" {
                let k = kinds.find(alias)?;
                return (fold(k.as_str()) != fold(target))
                    .then(|| format!("the id or a label of the kind \"{k}\""));
            }
            let accepted = accepted_values(col, kinds)?;
            accepted
                .iter()
                .find(|v| fold(v) == fold(alias) && fold(v) != fold(target))
                .map(|v| format!("the value \"{v}\" of {col}"))
        };
        same_word(&format!("aliases.{col}"), m, &mut out, shadow);
    }
    out
}

/// The problems of one table of aliases (see [`own_problems`]); `shadow`
/// names what already reads as an alias mapped to a target.
fn same_word(
    table: &str,
    map: &BTreeMap<String, String>,
    out: &mut Vec<(String, String)>,
    shadow: impl Fn(&str, &str) -> Option<String>,
) {
    let shown = |a: &str| crate::error::printable(a);
    let mut seen: HashMap<String, (&str, &str)> = HashMap::new();
    for (alias, target) in map {
        let key = format!("{table}.{}", shown(alias));
        if alias.chars().any(crate::error::is_invisible) {
            out.push((
                key,
                "contains an invisible or direction-changing character (shown escaped); retype the alias".into(),
            ));
            continue;
        }
        if let Some(what) = shadow(alias, target) {
            out.push((
                key.clone(),
                format!(
                    "\"{}\" already reads as {what}, so this alias to \"{}\" would never be used; remove it or choose another word",
                    shown(alias),
                    shown(target)
                ),
            ));
        }
        match seen.get(&fold(alias)) {
            Some((other, t)) if *t != target.as_str() => out.push((
                key,
                format!(
                    "\"{}\" and \"{}\" read as one word (case, accents and separators are ignored) but map to \"{}\" and \"{}\"; keep one",
                    shown(other),
                    shown(alias),
                    shown(t),
                    shown(target)
                ),
            )),
            Some(_) => {}
            None => {
                seen.insert(fold(alias), (alias, target));
            }
        }
    }
}

/// The contract's values of a column with named values.
pub fn accepted_values(column: &str, kinds: &crate::model::kinds::Kinds) -> Option<Vec<String>> {
    let owned = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
    Some(match column {
        "kind" => kinds.iter().map(|(k, _)| k.to_string()).collect(),
        "gender" => owned(Gender::CANONICAL),
        "unit_gender" => owned(UnitGender::CANONICAL),
        "substance_use" => owned(SubstanceUse::CANONICAL),
        "stay" => owned(Stay::CANONICAL),
        "female_staff" => owned(FemaleStaff::CANONICAL),
        "method" => owned(Method::CANONICAL),
        _ => return None,
    })
}

/// Edit distance between two short strings (for "did you mean").
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The closest known spellings of `cell` among `candidates` (as written),
/// at most three, closest first; none when nothing is close.
pub fn closest<'a>(cell: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let key = fold(cell);
    let limit = (key.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter(|c| !c.is_empty())
        .map(|c| {
            let f = fold(c);
            // A prefix of a longer word ("gade" for "gadesovende") is close.
            let d = if f.starts_with(&key) && key.chars().count() >= 3 {
                1
            } else {
                distance(&key, &f)
            };
            (d, c)
        })
        .filter(|(d, _)| *d <= limit)
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

impl Serialize for Aliases {
    /// As `policy.toml` writes them: `columns`, then one table per column.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1 + self.values.len()))?;
        m.serialize_entry("columns", &self.columns)?;
        for (col, v) in &self.values {
            m.serialize_entry(col, v)?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_national_count_is_built_in() {
        let a = Aliases::default();
        for (word, stay) in [
            ("Gadesovende", "street"),
            ("natvarmestue", "night_shelter"),
            ("Herberg/forsorgshjem", "shelter"),
            ("hotel/vandrehjem", "hotel"),
            ("Hos familie eller venner", "family_friends"),
            ("sofasurfer", "family_friends"),
            ("udslusningsbolig", "transitional"),
            ("hospital/behandlingstilbud", "hospital"),
            ("Fængsel/arresthus", "prison"),
        ] {
            assert_eq!(a.value("stay", word), Some(stay), "{word}");
        }
        assert_eq!(a.column("Borger_ID"), Some("person_id"));
        assert_eq!(a.value("kind", "skæve boliger"), Some("skaev_bolig"));
    }

    #[test]
    fn a_policy_adds_and_remaps() {
        let mut values = BTreeMap::new();
        values.insert(
            "stay".to_string(),
            BTreeMap::from([("gs".to_string(), "street".to_string())]),
        );
        let columns = BTreeMap::from([("borger id".to_string(), "person_id".to_string())]);
        let a = Aliases::default().extended(&columns, &values);
        assert_eq!(a.value("stay", "GS"), Some("street"));
        assert_eq!(a.column("Borger ID"), Some("person_id"));
        assert_eq!(a.value("stay", "gadesovende"), Some("street"));
    }

    #[test]
    fn suggestions_are_close_words_only() {
        let words = ["street", "gadesovende", "shelter", "hospital"];
        assert_eq!(closest("gadesov", words), vec!["gadesovende"]);
        assert_eq!(closest("streat", words), vec!["street"]);
        assert!(closest("xyzzy", words).is_empty());
    }
}
