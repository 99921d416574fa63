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
        for problem in &p {
            prop_assert!(!problem.to_string().is_empty());
        }
    }

    #[test]
    fn readers_survive_fully_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let (mut p, mut w) = (Vec::new(), Vec::new());
        let _ = read_units("units.csv", &bytes, &mut p, &mut w);
        let _ = read_people("people.csv", &bytes, &mut p, &mut w);
        let _ = read_staff("staff.csv", &bytes, &mut p, &mut w);
        let _ = policy::parse("policy.toml", &bytes, chrono::NaiveDate::from_ymd_opt(2014, 11, 3).unwrap());
    }
}
