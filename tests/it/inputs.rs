//! Readers on arbitrary bytes: never a panic, never a hang.

use proptest::prelude::*;

const UNITS: &[u8] = b"unit_id,kind,rent_dkk\nU1,ordinary,3000\n";
const PEOPLE: &[u8] = b"person_id,gender,age,income_dkk\nP1,f,19,9000\n";
const STAFF: &[u8] = b"staff_id,gender,method,capacity\nS1,f,CTI,2\n";

/// The problems of reading `bytes` as each of the four files in turn (the
/// other three valid), through the public reader.
fn problems_reading(bytes: &[u8]) -> Vec<boligmatch::Problem> {
    let today = chrono::NaiveDate::from_ymd_opt(2014, 11, 3).unwrap();
    let mut out = Vec::new();
    for slot in 0..4 {
        let pick = |i: usize, valid: &'static [u8]| if i == slot { bytes } else { valid };
        let (mut u, mut p, mut s) = (pick(0, UNITS), pick(1, PEOPLE), pick(2, STAFF));
        let mut policy = pick(3, b"");
        match boligmatch::round::read(&mut u, &mut p, &mut s, Some(&mut policy), today) {
            Ok(_) => {}
            Err(boligmatch::Error::Input(ps)) => out.extend(ps.0),
            Err(e) => panic!("not an input problem: {e}"),
        }
    }
    out
}

fn csvish() -> impl Strategy<Value = Vec<u8>> {
    let header = prop::sample::select(vec![
        b"unit_id;kind;places;rent_dkk;available_from;drug_free;gender;min_age;max_age;area\n".to_vec(),
        b"person_id,gender,age,substance_use,psychiatric,income_dkk,max_rent_dkk,stay,registered,female_staff,preferred_areas,declined_units,pinned_unit\n".to_vec(),
        b"staff_id\tgender\tmethod\tcapacity\n".to_vec(),
        Vec::new(),
    ]);
    (header, prop::collection::vec(any::<u8>(), 0..600)).prop_map(|(mut h, body)| {
        h.extend(body);
        h
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn readers_survive_arbitrary_bytes(bytes in csvish()) {
        check_problems(&problems_reading(&bytes))?;
    }

    #[test]
    fn readers_survive_fully_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        check_problems(&problems_reading(&bytes))?;
    }
}

/// What every problem from a reader must be: about the file it read, at a
/// line when it concerns a row, one line of printable text, and silent about
/// the values of health columns.
fn check_problems(problems: &[boligmatch::Problem]) -> Result<(), TestCaseError> {
    const FILES: [&str; 4] = ["units.csv", "people.csv", "staff.csv", "policy.toml"];
    const HEALTH: [&str; 3] = ["substance_use", "psychiatric", "in_recovery"];
    for problem in problems {
        let text = problem.to_string();
        prop_assert!(FILES.contains(&problem.file.as_str()), "{text}");
        prop_assert!(text.starts_with(&problem.file), "{text}");
        prop_assert!(problem.message.len() > 10, "too short to act on: {text}");
        prop_assert!(
            !text.chars().any(char::is_control),
            "control character in {text:?}"
        );
        if problem.column.is_some() {
            prop_assert!(
                problem.line.is_some(),
                "a cell problem without a line: {text}"
            );
        }
        if let Some(column) = &problem.column {
            if HEALTH.contains(&column.as_str()) {
                prop_assert!(problem.value.is_none(), "a health value is echoed: {text}");
            }
        }
    }
    Ok(())
}
