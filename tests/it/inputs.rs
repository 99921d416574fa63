//! Readers on arbitrary bytes: never a panic, never a hang.

use boligmatch::input::{policy, read_people, read_staff, read_units};
use proptest::prelude::*;

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
        let (mut p, mut w) = (Vec::new(), Vec::new());
        let _ = read_units("units.csv", &bytes, &mut p, &mut w);
        let _ = read_people("people.csv", &bytes, &mut p, &mut w);
        let _ = read_staff("staff.csv", &bytes, &mut p, &mut w);
        let _ = policy::parse("policy.toml", &bytes, chrono::NaiveDate::from_ymd_opt(2014, 11, 3).unwrap());
        check_problems(&p)?;
    }

    #[test]
    fn readers_survive_fully_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let (mut p, mut w) = (Vec::new(), Vec::new());
        let _ = read_units("units.csv", &bytes, &mut p, &mut w);
        let _ = read_people("people.csv", &bytes, &mut p, &mut w);
        let _ = read_staff("staff.csv", &bytes, &mut p, &mut w);
        if let Err(more) = policy::parse("policy.toml", &bytes, chrono::NaiveDate::from_ymd_opt(2014, 11, 3).unwrap()) {
            p.extend(more);
        }
        check_problems(&p)?;
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
