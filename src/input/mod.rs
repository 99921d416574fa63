//! Reading a round from the municipality's exports: `units.csv`, `people.csv`,
//! `staff.csv` and an optional `policy.toml`, with every problem collected.

pub mod policy;
pub mod table;
pub mod text;
pub mod validate;

use crate::error::{Error, Problem, Problems, Result};
use crate::model::{
    FemaleStaff, Gender, Method, Person, Policy, Round, Staff, Stay, SubstanceUse, Unit,
    UnitGender, UnitKind,
};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use table::Column;

/// Where the four inputs of a round are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundPaths {
    /// units.csv
    pub units: PathBuf,
    /// people.csv
    pub people: PathBuf,
    /// staff.csv
    pub staff: PathBuf,
    /// policy.toml; may be absent when it is the default in a folder.
    pub policy: Option<PathBuf>,
}

impl RoundPaths {
    /// The conventional names in a folder; `policy.toml` only if it exists.
    pub fn in_dir(dir: &Path) -> Self {
        let policy = dir.join("policy.toml");
        RoundPaths {
            units: dir.join("units.csv"),
            people: dir.join("people.csv"),
            staff: dir.join("staff.csv"),
            policy: policy.exists().then_some(policy),
        }
    }

    /// Every input path, for audit and for refusing to overwrite inputs.
    pub fn all(&self) -> Vec<&Path> {
        let mut v = vec![
            self.units.as_path(),
            self.people.as_path(),
            self.staff.as_path(),
        ];
        if let Some(p) = &self.policy {
            v.push(p);
        }
        v
    }
}

/// An input file as read: its name and its SHA-256 (for the audit trail).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Source {
    /// Path as given.
    pub path: String,
    /// Hex SHA-256 of the bytes read.
    pub sha256: String,
}

/// A round read and validated, with the warnings it produced.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The round.
    pub round: Round,
    /// Non-fatal remarks (unknown columns).
    pub warnings: Vec<String>,
    /// The files read.
    pub sources: Vec<Source>,
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Reads and validates a round. All problems in all files are reported together.
pub fn load(paths: &RoundPaths, today: chrono::NaiveDate) -> Result<Loaded> {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let mut sources = Vec::new();
    let mut raw = Vec::new();
    for path in paths.all() {
        match std::fs::read(path) {
            Ok(bytes) => {
                sources.push(Source {
                    path: path.display().to_string(),
                    sha256: hex(&Sha256::digest(&bytes)),
                });
                raw.push(Some(bytes));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                problems.push(Problem::file(
                    &file_name(path),
                    format!("file not found (looked for {})", path.display()),
                ));
                raw.push(None);
            }
            Err(source) => {
                return Err(Error::Io {
                    path: path.to_path_buf(),
                    source,
                })
            }
        }
    }
    let name = |i: usize| file_name(paths.all()[i]);
    let units = raw[0]
        .as_deref()
        .map(|b| read_units(&name(0), b, &mut problems, &mut warnings))
        .unwrap_or_default();
    let people = raw[1]
        .as_deref()
        .map(|b| read_people(&name(1), b, &mut problems, &mut warnings))
        .unwrap_or_default();
    let staff = raw[2]
        .as_deref()
        .map(|b| read_staff(&name(2), b, &mut problems, &mut warnings))
        .unwrap_or_default();
    let policy = match raw.get(3) {
        Some(Some(bytes)) => policy::parse(&name(3), bytes, today).unwrap_or_else(|p| {
            problems.extend(p);
            Policy::with_date(today)
        }),
        _ => Policy::with_date(today),
    };
    let mut round = Round {
        units,
        people,
        staff,
        policy,
    };
    validate::check(&round, &[name(0), name(1), name(2)], &mut problems);
    if !problems.is_empty() {
        problems.sort();
        problems.dedup();
        return Err(Error::Input(Problems(problems)));
    }
    round.sort();
    Ok(Loaded {
        round,
        warnings,
        sources,
    })
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

const UNIT_COLUMNS: &[Column] = &[
    Column {
        name: "unit_id",
        aliases: &["bolig_id", "boligid", "bolig", "lejemaal", "lejemål", "id"],
        required: true,
    },
    Column {
        name: "kind",
        aliases: &["type", "boligtype", "art"],
        required: true,
    },
    Column {
        name: "places",
        aliases: &["pladser", "antal_pladser"],
        required: false,
    },
    Column {
        name: "rent_dkk",
        aliases: &["husleje", "husleje_kr", "husleje_dkk", "leje", "rent"],
        required: true,
    },
    Column {
        name: "available_from",
        aliases: &["ledig_fra", "disponibel_fra", "fra_dato"],
        required: false,
    },
    Column {
        name: "drug_free",
        aliases: &["stoffri", "misbrugsfri"],
        required: false,
    },
    Column {
        name: "gender",
        aliases: &["køn", "koen"],
        required: false,
    },
    Column {
        name: "min_age",
        aliases: &["min_alder", "minimumsalder"],
        required: false,
    },
    Column {
        name: "max_age",
        aliases: &["max_alder", "maksimumsalder", "maks_alder"],
        required: false,
    },
    Column {
        name: "area",
        aliases: &["område", "omraade", "bydel", "kommune"],
        required: false,
    },
];

const PEOPLE_COLUMNS: &[Column] = &[
    Column {
        name: "person_id",
        aliases: &["borger_id", "borgerid", "id", "pseudonym"],
        required: true,
    },
    Column {
        name: "gender",
        aliases: &["køn", "koen"],
        required: true,
    },
    Column {
        name: "age",
        aliases: &["alder"],
        required: true,
    },
    Column {
        name: "substance_use",
        aliases: &["misbrug", "rusmiddel", "rusmiddelbrug"],
        required: false,
    },
    Column {
        name: "psychiatric",
        aliases: &[
            "psykiatri",
            "psykiatrisk",
            "psykisk_sygdom",
            "psykisk_lidelse",
        ],
        required: false,
    },
    Column {
        name: "in_recovery",
        aliases: &[
            "i_behandling",
            "efterbehandling",
            "stoffri_ønske",
            "recovery",
        ],
        required: false,
    },
    Column {
        name: "income_dkk",
        aliases: &["indkomst", "indkomst_kr", "indtægt", "indtaegt", "income"],
        required: true,
    },
    Column {
        name: "max_rent_dkk",
        aliases: &["max_husleje", "maks_husleje", "max_leje"],
        required: false,
    },
    Column {
        name: "stay",
        aliases: &["opholdssted", "ophold", "opholdssted_nu"],
        required: false,
    },
    Column {
        name: "registered",
        aliases: &["registreret", "opskrevet", "skrevet_op", "ventet_siden"],
        required: false,
    },
    Column {
        name: "female_staff",
        aliases: &[
            "kvindelig_medarbejder",
            "kvindelig_bostøtte",
            "kvindelig_bostoette",
        ],
        required: false,
    },
    Column {
        name: "home_area",
        aliases: &["hjemområde", "hjemomraade", "hjemkommune", "bopæl"],
        required: false,
    },
    Column {
        name: "preferred_areas",
        aliases: &[
            "ønskede_områder",
            "oenskede_omraader",
            "ønsker",
            "foretrukne_områder",
        ],
        required: false,
    },
    Column {
        name: "declined_units",
        aliases: &["afslåede_boliger", "afslaaede_boliger", "afslag"],
        required: false,
    },
    Column {
        name: "pinned_unit",
        aliases: &["tilbudt_bolig", "fastholdt_bolig", "accepteret_bolig"],
        required: false,
    },
];

const STAFF_COLUMNS: &[Column] = &[
    Column {
        name: "staff_id",
        aliases: &["medarbejder_id", "medarbejderid", "medarbejder", "id"],
        required: true,
    },
    Column {
        name: "gender",
        aliases: &["køn", "koen"],
        required: true,
    },
    Column {
        name: "method",
        aliases: &["metode"],
        required: true,
    },
    Column {
        name: "capacity",
        aliases: &["kapacitet", "ledige_pladser", "ledige_sager"],
        required: true,
    },
];

/// Reads units.csv.
pub fn read_units(
    file: &str,
    bytes: &[u8],
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<String>,
) -> Vec<Unit> {
    table::rows(file, bytes, UNIT_COLUMNS, problems, warnings, |c| {
        let id = c.text("unit_id");
        let kind = c.word("kind", true, UnitKind::parse, UnitKind::expected());
        let places = c.int("places", false, 1, 10_000).unwrap_or(1) as u32;
        let rent = c.money("rent_dkk", true);
        let available_from = c.date("available_from");
        let drug_free = c.boolean("drug_free", false);
        let gender = c
            .word("gender", false, UnitGender::parse, UnitGender::expected())
            .unwrap_or(UnitGender::Any);
        let min_age = c.int("min_age", false, 0, 150).unwrap_or(18) as u32;
        let max_age = c.int("max_age", false, 0, 150).map(|a| a as u32);
        let area = c.get("area").map(str::to_string);
        if let (Some(kind), true) = (kind, places > 1) {
            if kind != UnitKind::SharedLiving {
                c.fail(
                    "places",
                    c.get("places"),
                    format!(
                        "is more than 1 on a {kind} unit; only shared_living has several places"
                    ),
                );
            }
        }
        if let Some(max) = max_age {
            if min_age > max {
                c.fail(
                    "min_age",
                    c.get("min_age"),
                    format!("is above max_age {max}; the unit would admit nobody"),
                );
            }
        }
        let (Some(id), Some(kind), Some(rent)) = (id, kind, rent) else {
            return None;
        };
        Some(Unit {
            id,
            kind,
            places,
            rent,
            available_from,
            drug_free,
            gender,
            min_age,
            max_age,
            area,
            line: c.line(),
        })
    })
}

/// Reads people.csv.
pub fn read_people(
    file: &str,
    bytes: &[u8],
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<String>,
) -> Vec<Person> {
    table::rows(file, bytes, PEOPLE_COLUMNS, problems, warnings, |c| {
        let id = c.text("person_id");
        if let Some(pid) = &id {
            if looks_like_cpr(pid) {
                c.fail(
                    "person_id",
                    None,
                    "looks like a Danish CPR number (value not shown); replace it with a pseudonymous id such as P01 before export",
                );
            }
        }
        let gender = c.word("gender", true, Gender::parse, Gender::expected());
        let age = c.int("age", true, 0, 150).map(|a| a as u32);
        let substance_use = c
            .word(
                "substance_use",
                false,
                SubstanceUse::parse,
                SubstanceUse::expected(),
            )
            .unwrap_or(SubstanceUse::None);
        let psychiatric = c.boolean("psychiatric", false);
        let in_recovery = c.boolean("in_recovery", false);
        let income = c.money("income_dkk", true);
        let max_rent = c.money("max_rent_dkk", false);
        let stay = c
            .word("stay", false, Stay::parse, Stay::expected())
            .unwrap_or(Stay::Other);
        let registered = c.date("registered");
        let female_staff = c.word(
            "female_staff",
            false,
            FemaleStaff::parse,
            FemaleStaff::expected(),
        );
        let home_area = c.get("home_area").map(str::to_string);
        let preferred_areas = c
            .get("preferred_areas")
            .map(text::parse_list)
            .unwrap_or_default();
        let declined_units = c
            .get("declined_units")
            .map(text::parse_list)
            .unwrap_or_default();
        let pinned_unit = c.get("pinned_unit").map(str::to_string);
        let (Some(id), Some(gender), Some(age), Some(income)) = (id, gender, age, income) else {
            return None;
        };
        {
            let female_staff = female_staff.unwrap_or(match gender {
                Gender::F => FemaleStaff::Preferred,
                Gender::M => FemaleStaff::No,
            });
            Some(Person {
                id,
                gender,
                age,
                substance_use,
                psychiatric,
                in_recovery,
                income,
                max_rent,
                stay,
                registered,
                female_staff,
                home_area,
                preferred_areas,
                declined_units,
                pinned_unit,
                line: c.line(),
            })
        }
    })
}

/// Reads staff.csv.
pub fn read_staff(
    file: &str,
    bytes: &[u8],
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<String>,
) -> Vec<Staff> {
    table::rows(file, bytes, STAFF_COLUMNS, problems, warnings, |c| {
        let id = c.text("staff_id");
        let gender = c.word("gender", true, Gender::parse, Gender::expected());
        let method = c.word("method", true, Method::parse, Method::expected());
        let capacity = c.int("capacity", true, 0, 10_000).map(|n| n as u32);
        let (Some(id), Some(gender), Some(method), Some(capacity)) = (id, gender, method, capacity)
        else {
            return None;
        };
        Some(Staff {
            id,
            gender,
            method,
            capacity,
            line: c.line(),
        })
    })
}

/// A Danish CPR number: `ddmmyy-xxxx` or ten digits with a plausible date.
pub fn looks_like_cpr(id: &str) -> bool {
    let digits: String = id.chars().filter(|c| *c != '-' && *c != ' ').collect();
    let shape = id.len() == 10 || (id.len() == 11 && id.as_bytes()[6] == b'-');
    if !shape || digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let day: u32 = digits[0..2].parse().unwrap_or(0);
    let month: u32 = digits[2..4].parse().unwrap_or(0);
    (1..=31).contains(&day) && (1..=12).contains(&month)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpr_numbers_are_recognised() {
        assert!(looks_like_cpr("010203-1234"));
        assert!(looks_like_cpr("0102031234"));
        assert!(!looks_like_cpr("P01"));
        assert!(!looks_like_cpr("9999999999"));
        assert!(!looks_like_cpr("01020312345"));
    }
}
