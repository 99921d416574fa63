//! Synthetic rounds in the input contract, for benchmarks and scale tests:
//! S (Ballerup-like), M (a region) and L (the country). Seeded and portable
//! (ChaCha8), so the same tier and seed give the same files everywhere.
//! Marginals follow the Ballerup sample and the municipality's application.

use crate::error::Result;
use crate::model::kinds::builtin::{
    CLUB_ROOM, ORDINARY, SHARED_LIVING, SKAEV_BOLIG, YOUTH_HOUSING,
};
use crate::model::{FemaleStaff, Gender, Method, Stay, SubstanceUse, UnitGender};
use chrono::NaiveDate;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::fmt::Write;

/// Size of a generated round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// Ballerup-like: 35 people, ~40 units, 8 staff, one municipality.
    S,
    /// A region: 2,000 people, 1,500 units, 150 staff, 17 municipalities.
    M,
    /// The country: 10,000 people, 8,000 units, 600 staff, 98 municipalities.
    L,
}

impl Tier {
    /// (people, units, staff, areas).
    pub fn size(self) -> (usize, usize, usize, usize) {
        match self {
            Tier::S => (35, 40, 8, 4),
            Tier::M => (2_000, 1_500, 150, 17),
            Tier::L => (10_000, 8_000, 600, 98),
        }
    }
}

/// Which homes a person may be offered, by area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reach {
    /// Their own municipality and its neighbours (`max_area_distance = 1`):
    /// about a hundred eligible homes per person on tiers M and L.
    #[default]
    Regional,
    /// Any home in the round (no `max_area_distance`): a region or a national
    /// pool where every person is eligible for most units (tier M: about 1.1
    /// million eligible pairs; L: about 29 million).
    All,
}

/// A generated round as file contents (UTF-8 or the Excel dialect).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Files {
    /// (file name, bytes).
    pub files: Vec<(String, Vec<u8>)>,
}

fn areas(tier: Tier, n: usize) -> Vec<String> {
    match tier {
        Tier::S => ["Centrum", "Skovlunde", "Måløv", "Hedegården"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        _ => (1..=n).map(|i| format!("K{i:02}")).collect(),
    }
}

/// One row, in canonical spellings; converted per dialect when written.
type Row = Vec<(&'static str, String)>;

fn pick<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.random::<f64>() * total;
    for (v, w) in items {
        if x < *w {
            return *v;
        }
        x -= w;
    }
    items[items.len() - 1].0
}

/// Generates a round.
pub fn generate(tier: Tier, seed: u64, excel: bool) -> Files {
    generate_sized(tier, seed, excel, None)
}

/// Generates a round, optionally with another number of people (for growth curves).
pub fn generate_sized(tier: Tier, seed: u64, excel: bool, people: Option<usize>) -> Files {
    generate_shaped(tier, seed, excel, people, Reach::Regional)
}

/// Generates a round with another number of people and another reach; the
/// rows are the same for every reach (only the policy's area rule differs).
pub fn generate_shaped(
    tier: Tier,
    seed: u64,
    excel: bool,
    people: Option<usize>,
    reach: Reach,
) -> Files {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x626f_6c69_676d_6174);
    let (n_people, n_units, n_staff, n_areas) = tier.size();
    let n_people = people.unwrap_or(n_people);
    let areas = areas(tier, n_areas);
    // The draws happen in this order: units, people, staff (the same seed
    // gives the same files).
    let units: Vec<Row> = (0..n_units)
        .map(|i| unit_row(&mut rng, tier, i, &areas))
        .collect();
    let people: Vec<Row> = (0..n_people)
        .map(|i| person_row(&mut rng, i, n_units, &areas))
        .collect();
    let staff: Vec<Row> = (0..n_staff).map(|i| staff_row(&mut rng, tier, i)).collect();
    Files {
        files: FILES
            .iter()
            .map(|f| f.to_string())
            .zip([
                write_csv(&units, excel),
                write_csv(&people, excel),
                write_csv(&staff, excel),
                policy_text(tier, &areas, reach).into_bytes(),
            ])
            .collect(),
    }
}

/// The round date of every generated round.
fn round_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2014, 11, 3).unwrap_or_default()
}

/// The areas next to area `i` of `n` (a ring; none for fewer than three).
fn neighbours(i: usize, n: usize) -> Vec<usize> {
    if n < 3 {
        return Vec::new();
    }
    vec![(i + n - 1) % n, (i + 1) % n]
}

/// Unit `i`: kind, rent, places, rules and area drawn at Danish rates.
fn unit_row(rng: &mut ChaCha8Rng, tier: Tier, i: usize, areas: &[String]) -> Row {
    let (round_date, n_areas) = (round_date(), areas.len());
    let kinds = [
        (CLUB_ROOM, 0.20),
        (SKAEV_BOLIG, 0.15),
        (SHARED_LIVING, 0.075),
        (YOUTH_HOUSING, 0.25),
        (ORDINARY, 0.325),
    ];
    let kind = if tier == Tier::S && i == 0 {
        SHARED_LIVING
    } else {
        pick(rng, &kinds)
    };
    let (lo, hi) = match kind {
        CLUB_ROOM => (2200, 2950),
        SKAEV_BOLIG => (2950, 3400),
        SHARED_LIVING => (2600, 2900),
        YOUTH_HOUSING => (2900, 3900),
        _ => (3800, 5400),
    };
    let rent = rng.random_range(lo / 50..=hi / 50) * 50;
    let places = if kind == SHARED_LIVING {
        rng.random_range(3..=4)
    } else {
        1
    };
    // The first shared unit of S is the small drug-free residence (4 places).
    let drug_free = (tier == Tier::S && i == 0) || (kind == SHARED_LIVING && rng.random_bool(0.15));
    let places = if tier == Tier::S && i == 0 { 4 } else { places };
    let gender = match kind {
        SHARED_LIVING if rng.random_bool(0.3) => UnitGender::Women,
        ORDINARY if rng.random_bool(0.08) => UnitGender::Women,
        ORDINARY if rng.random_bool(0.05) => UnitGender::Men,
        _ => UnitGender::Any,
    };
    let (min_age, max_age) = match kind {
        CLUB_ROOM if rng.random_bool(0.3) => (Some(16), Some(24)),
        YOUTH_HOUSING if rng.random_bool(0.15) => (Some(16), Some(24)),
        YOUTH_HOUSING => (None, Some(29)),
        SHARED_LIVING if !drug_free && rng.random_bool(0.3) => (Some(16), Some(24)),
        _ => (None, None),
    };
    let available = match rng.random_range(0..100) {
        0..=7 => Some(round_date + chrono::Duration::days(rng.random_range(35..=120))),
        8..=17 => Some(round_date + chrono::Duration::days(rng.random_range(1..=28))),
        _ => None,
    };
    let area = &areas[rng.random_range(0..n_areas)];
    vec![
        ("unit_id", format!("U{:05}", i + 1)),
        ("kind", kind.into()),
        ("places", places.to_string()),
        ("rent_dkk", rent.to_string()),
        (
            "available_from",
            available.map(|d| d.to_string()).unwrap_or_default(),
        ),
        ("drug_free", drug_free.to_string()),
        ("gender", gender.as_str().into()),
        (
            "min_age",
            min_age.map(|a: u32| a.to_string()).unwrap_or_default(),
        ),
        (
            "max_age",
            max_age.map(|a: u32| a.to_string()).unwrap_or_default(),
        ),
        ("area", area.clone()),
    ]
}

/// Young person `i`: age, gender, needs, income and stay drawn at the rates
/// of the municipality's own count. The draws happen in the order of the
/// columns (the same seed gives the same files).
fn person_row(rng: &mut ChaCha8Rng, i: usize, n_units: usize, areas: &[String]) -> Row {
    let n_areas = areas.len();
    let age: u32 = match rng.random_range(0..100) {
        0..=16 => rng.random_range(16..=17),
        17..=79 => rng.random_range(18..=24),
        _ => rng.random_range(25..=29),
    };
    let gender = if rng.random_bool(1.0 / 3.0) {
        Gender::F
    } else {
        Gender::M
    };
    let (substance, psychiatric, in_recovery) = needs(rng);
    let (income, max_rent) = income(rng, age);
    let stay = stay(rng);
    let registered = round_date() - chrono::Duration::days(rng.random_range(0..=420));
    let female_staff = female_staff(rng, gender);
    let home = rng.random_range(0..n_areas);
    let preferred = preferred_areas(rng, home, areas);
    let declined = if rng.random_bool(0.05) {
        format!("U{:05}", rng.random_range(1..=n_units))
    } else {
        String::new()
    };
    vec![
        ("person_id", format!("P{:05}", i + 1)),
        ("gender", gender.as_str().into()),
        ("age", age.to_string()),
        ("substance_use", substance.as_str().into()),
        ("psychiatric", psychiatric.to_string()),
        ("in_recovery", in_recovery.to_string()),
        ("income_dkk", income.to_string()),
        (
            "max_rent_dkk",
            max_rent.map(|m: u32| m.to_string()).unwrap_or_default(),
        ),
        ("stay", stay.as_str().into()),
        ("registered", registered.to_string()),
        (
            "female_staff",
            female_staff
                .map(|f| f.as_str().to_string())
                .unwrap_or_default(),
        ),
        ("home_area", areas[home].clone()),
        ("preferred_areas", preferred),
        ("declined_units", declined),
        ("pinned_unit", String::new()),
    ]
}

/// Substance use, a psychiatric diagnosis, and being in recovery (drawn
/// only for those who use nothing).
fn needs(rng: &mut ChaCha8Rng) -> (SubstanceUse, bool, bool) {
    let substance = pick(
        rng,
        &[
            (SubstanceUse::Cannabis, 0.33),
            (SubstanceUse::Alcohol, 0.15),
            (SubstanceUse::Drugs, 0.10),
            (SubstanceUse::None, 0.42),
        ],
    );
    let psychiatric = rng.random_bool(0.5);
    let in_recovery = substance == SubstanceUse::None && rng.random_bool(0.15);
    (substance, psychiatric, in_recovery)
}

/// Disposable income in kroner a month and, for under-18s (no income of
/// their own), a rent ceiling in place of the affordability rule.
fn income(rng: &mut ChaCha8Rng, age: u32) -> (u32, Option<u32>) {
    if age < 18 {
        (0, Some(rng.random_range(56..=64) * 50))
    } else if age <= 24 {
        (rng.random_range(5500..=7500), None)
    } else {
        (rng.random_range(9000..=11200), None)
    }
}

/// Where the young person stays now.
fn stay(rng: &mut ChaCha8Rng) -> Stay {
    pick(
        rng,
        &[
            (Stay::FamilyFriends, 0.63),
            (Stay::Transitional, 0.15),
            (Stay::Shelter, 0.09),
            (Stay::Hospital, 0.05),
            (Stay::Street, 0.03),
            (Stay::NightShelter, 0.02),
            (Stay::Other, 0.03),
        ],
    )
}

/// A young woman's wish for a female worker (left blank for 40 %: the
/// default applies); blank for men.
fn female_staff(rng: &mut ChaCha8Rng, gender: Gender) -> Option<FemaleStaff> {
    match gender {
        Gender::F => pick(
            rng,
            &[
                (None, 0.4),
                (Some(FemaleStaff::Required), 0.2),
                (Some(FemaleStaff::Preferred), 0.2),
                (Some(FemaleStaff::No), 0.2),
            ],
        ),
        Gender::M => None,
    }
}

/// The preferred areas: the home area (70 %), it and a neighbour (20 %),
/// or none.
fn preferred_areas(rng: &mut ChaCha8Rng, home: usize, areas: &[String]) -> String {
    match rng.random_range(0..10) {
        0..=6 => areas[home].clone(),
        7..=8 => match neighbours(home, areas.len()).first() {
            Some(&n) => format!("{}|{}", areas[home], areas[n]),
            None => areas[home].clone(),
        },
        _ => String::new(),
    }
}

/// Support worker `i`: method, gender and free caseload.
fn staff_row(rng: &mut ChaCha8Rng, tier: Tier, i: usize) -> Row {
    let method = if tier == Tier::S {
        [
            Method::Act,
            Method::Act,
            Method::Icm,
            Method::Icm,
            Method::Icm,
            Method::Cti,
            Method::Cti,
            Method::Cti,
        ][i % 8]
    } else {
        pick(
            rng,
            &[
                (Method::Act, 0.25),
                (Method::Icm, 0.37),
                (Method::Cti, 0.38),
            ],
        )
    };
    let gender = if (tier == Tier::S && i < 2) || rng.random_bool(0.55) {
        Gender::F
    } else {
        Gender::M
    };
    vec![
        ("staff_id", format!("S{:04}", i + 1)),
        ("gender", gender.as_str().into()),
        ("method", method.as_str().into()),
        ("capacity", rng.random_range(3..=8u32).to_string()),
    ]
}

/// policy.toml: one municipality for S; for M and L, placements within the
/// home municipality and its neighbours ([`Reach::Regional`]) or anywhere
/// ([`Reach::All`]).
fn policy_text(tier: Tier, areas: &[String], reach: Reach) -> String {
    let mut policy = String::from(
        "# Generated by boligmatch generate (synthetic data).\nround_date = 2014-11-03\n",
    );
    if tier != Tier::S && reach == Reach::Regional {
        policy.push_str("max_area_distance = 1\n\n[area_neighbours]\n");
        for (i, a) in areas.iter().enumerate() {
            let ns: Vec<String> = neighbours(i, areas.len())
                .iter()
                .map(|&n| format!("\"{}\"", areas[n]))
                .collect();
            let _ = writeln!(policy, "{a} = [{}]", ns.join(", "));
        }
    }
    policy
}

/// The Danish Excel header of a contract column (`unit_id` → `Bolig_ID`),
/// as the office's exports and the Excel dialect write it; other names as
/// they are.
pub fn danish_header(col: &str) -> &str {
    match col {
        "unit_id" => "Bolig_ID",
        "kind" => "Boligtype",
        "places" => "Pladser",
        "rent_dkk" => "Husleje",
        "available_from" => "Ledig_fra",
        "drug_free" => "Stoffri",
        "gender" => "Køn",
        "min_age" => "Min_alder",
        "max_age" => "Max_alder",
        "area" => "Område",
        "person_id" => "Borger_ID",
        "age" => "Alder",
        "substance_use" => "Misbrug",
        "psychiatric" => "Psykisk_sygdom",
        "in_recovery" => "I_behandling",
        "income_dkk" => "Indkomst",
        "max_rent_dkk" => "Max_husleje",
        "stay" => "Opholdssted",
        "registered" => "Registreret",
        "female_staff" => "Kvindelig_medarbejder",
        "home_area" => "Hjemområde",
        "preferred_areas" => "Ønskede_områder",
        "declined_units" => "Afslåede_boliger",
        "pinned_unit" => "Tilbudt_bolig",
        "staff_id" => "Medarbejder_ID",
        "method" => "Metode",
        "capacity" => "Kapacitet",
        other => other,
    }
}

/// Danish header and value spellings for the Excel dialect.
fn danish(col: &str, v: &str) -> (String, String) {
    let header = danish_header(col);
    let value = match (col, v) {
        (_, "") => String::new(),
        ("kind", "club_room") => "Klubværelse".into(),
        ("kind", "skaev_bolig") => "Skæv bolig".into(),
        ("kind", "shared_living") => "Bofællesskab".into(),
        ("kind", "youth_housing") => "Ungdomsbolig".into(),
        ("kind", "ordinary") => "Almen bolig".into(),
        ("gender", "any") => "alle".into(),
        ("gender", "women") => "kvinder".into(),
        ("gender", "men") => "mænd".into(),
        ("gender", "f") => "K".into(),
        ("gender", "m") => "M".into(),
        ("substance_use", "none") => "ingen".into(),
        ("substance_use", "cannabis") => "hash".into(),
        ("substance_use", "alcohol") => "alkohol".into(),
        ("substance_use", "drugs") => "stoffer".into(),
        (_, "true") => "ja".into(),
        (_, "false") => "nej".into(),
        ("stay", "street") => "gaden".into(),
        ("stay", "night_shelter") => "natvarmestue".into(),
        ("stay", "shelter") => "herberg".into(),
        ("stay", "family_friends") => "familie/venner".into(),
        ("stay", "transitional") => "udslusningsbolig".into(),
        ("stay", "other") => "andet".into(),
        ("female_staff", "required") => "krævet".into(),
        ("female_staff", "preferred") => "foretrukket".into(),
        ("female_staff", "no") => "nej".into(),
        ("rent_dkk" | "income_dkk" | "max_rent_dkk", n) => {
            // Danish Excel: thousands with '.', decimals with ','.
            let kr: i64 = n.parse().unwrap_or(0);
            format!(
                "{},00",
                crate::model::fmt_kr(kr * 100).trim_end_matches(" kr")
            )
        }
        ("available_from" | "registered", d) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(|d| d.format("%d-%m-%Y").to_string())
            .unwrap_or_else(|_| d.to_string()),
        (_, v) => v.to_string(),
    };
    (header.to_string(), value)
}

fn write_csv(rows: &[Row], excel: bool) -> Vec<u8> {
    let delimiter = if excel { b';' } else { b',' };
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(if excel {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .from_writer(Vec::new());
    if let Some(first) = rows.first() {
        let header: Vec<String> = first
            .iter()
            .map(|(c, _)| {
                if excel {
                    danish(c, "").0
                } else {
                    c.to_string()
                }
            })
            .collect();
        let _ = w.write_record(&header);
    }
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .map(|(c, v)| if excel { danish(c, v).1 } else { v.clone() })
            .collect();
        let _ = w.write_record(&cells);
    }
    let bytes = w.into_inner().unwrap_or_default();
    if excel {
        let text = String::from_utf8_lossy(&bytes);
        let (enc, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
        enc.into_owned()
    } else {
        bytes
    }
}

/// The files of a generated round, in the order they are written.
pub const FILES: [&str; 4] = ["units.csv", "people.csv", "staff.csv", "policy.toml"];

/// The files of a round that `dir` already holds ([`FILES`] order): a
/// front end asks before [`write()`] replaces them.
pub fn existing(dir: &std::path::Path) -> Vec<&'static str> {
    FILES.into_iter().filter(|f| dir.join(f).exists()).collect()
}

/// Writes a generated round into `dir` (atomically; never over other files).
pub fn write(dir: &std::path::Path, files: &Files) -> Result<()> {
    crate::output::write_all(dir, &files.files, &[])
}
