//! Issue 14: kinds of home, fit weights and aliases as policy.

use super::common::*;
use super::props::arb_round;
use boligmatch::allocate::{self, Options};
use boligmatch::model::kinds::{KindDef, Rule};
use boligmatch::model::*;
use boligmatch::Round;
use proptest::prelude::*;

/// The rule of `scoring.rs::kind_suits` before issue 14, word for word: the
/// built-in kinds must give exactly its answers.
fn kind_suits_before_issue_14(person: &Person, unit: &Unit) -> bool {
    let k = unit.kind.as_str();
    if unit.drug_free && person.in_recovery && person.substance_use == SubstanceUse::None {
        return true;
    }
    if person.age < 18 {
        return matches!(k, "youth_housing" | "club_room" | "shared_living");
    }
    match person.substance_use {
        SubstanceUse::Drugs | SubstanceUse::Alcohol => k == "skaev_bolig",
        SubstanceUse::Cannabis => matches!(k, "skaev_bolig" | "club_room"),
        SubstanceUse::None if person.psychiatric => matches!(k, "shared_living" | "club_room"),
        SubstanceUse::None => matches!(k, "youth_housing" | "ordinary"),
    }
}

#[test]
fn the_built_in_kinds_give_todays_answers_for_everyone() {
    let policy = Policy::with_date(date(2014, 11, 3));
    let mut checked = 0;
    for kind in boligmatch::model::kinds::builtin::ALL {
        for age in [15, 17, 18, 24, 25, 29, 30, 40] {
            for gender in [Gender::F, Gender::M] {
                for use_ in [
                    SubstanceUse::None,
                    SubstanceUse::Cannabis,
                    SubstanceUse::Alcohol,
                    SubstanceUse::Drugs,
                ] {
                    for (psychiatric, in_recovery, drug_free) in
                        (0..8).map(|b| (b & 1 == 1, b & 2 == 2, b & 4 == 4))
                    {
                        let mut p = person("P", gender, age, 9000);
                        p.substance_use = use_;
                        p.psychiatric = psychiatric;
                        p.in_recovery = in_recovery;
                        let mut u = unit("U", UnitKind::new(kind), 1, 2000);
                        u.drug_free = drug_free;
                        assert_eq!(
                            policy.kinds.suits(&p, &u),
                            kind_suits_before_issue_14(&p, &u),
                            "{kind}, age {age}, {use_:?}, psychiatric {psychiatric}, recovery {in_recovery}, drug-free {drug_free}"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 5 * 8 * 2 * 4 * 8);
}

fn subset<T: Clone + std::fmt::Debug + 'static>(
    all: Vec<T>,
) -> impl Strategy<Value = Option<Vec<T>>> {
    let n = all.len();
    prop::option::weighted(
        0.5,
        prop::collection::vec(any::<bool>(), n).prop_map(move |keep| {
            let picked: Vec<T> = all
                .iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(v, _)| v.clone())
                .collect();
            if picked.is_empty() {
                vec![all[0].clone()]
            } else {
                picked
            }
        }),
    )
}

fn arb_rule() -> impl Strategy<Value = Rule> {
    (
        subset(vec![
            AgeBand::Under18,
            AgeBand::Age18To24,
            AgeBand::Age25To29,
            AgeBand::Age30Plus,
        ]),
        subset(vec![Gender::F, Gender::M]),
        subset(vec![
            SubstanceUse::None,
            SubstanceUse::Cannabis,
            SubstanceUse::Alcohol,
            SubstanceUse::Drugs,
        ]),
        prop::option::of(any::<bool>()),
        subset(vec![Need::Light, Need::Moderate, Need::Complex]),
        prop::option::of(any::<bool>()),
        prop::option::of(any::<bool>()),
    )
        .prop_map(
            |(age_band, gender, substance_use, psychiatric, need, in_recovery, drug_free)| Rule {
                age_band,
                gender,
                substance_use,
                psychiatric,
                need,
                in_recovery,
                drug_free,
            },
        )
}

fn arb_suits() -> impl Strategy<Value = Vec<Rule>> {
    prop::collection::vec(arb_rule(), 0..=3)
}

/// Independent reading of one rule: every condition given holds.
fn holds(rule: &Rule, p: &Person, u: &Unit) -> bool {
    let band = AgeBand::of(p.age);
    let need = match (p.psychiatric, p.substance_use != SubstanceUse::None) {
        (true, true) => Need::Complex,
        (false, false) => Need::Light,
        _ => Need::Moderate,
    };
    rule.age_band.as_ref().is_none_or(|l| l.contains(&band))
        && rule.gender.as_ref().is_none_or(|l| l.contains(&p.gender))
        && rule
            .substance_use
            .as_ref()
            .is_none_or(|l| l.contains(&p.substance_use))
        && rule.psychiatric.is_none_or(|b| b == p.psychiatric)
        && rule.need.as_ref().is_none_or(|l| l.contains(&need))
        && rule.in_recovery.is_none_or(|b| b == p.in_recovery)
        && rule.drug_free.is_none_or(|b| b == u.drug_free)
}

/// `r` with random `suits` rules for the five kinds (sharing as built in), a
/// new kind `startbolig` that every single-place unit with an odd index
/// becomes, and random fit weights (0-20, often 0).
fn arb_policy_round() -> impl Strategy<Value = Round> {
    (
        arb_round(),
        prop::collection::vec(arb_suits(), 6),
        prop::collection::vec(prop_oneof![Just(0i64), 0i64..=20], 5),
    )
        .prop_map(|(r, suits, w)| {
            edit(&r, |parts| {
                let ids = boligmatch::model::kinds::builtin::ALL;
                for (i, id) in ids.iter().enumerate() {
                    let mut d = parts.policy.kinds.get(id).unwrap().clone();
                    d.suits = suits[i].clone();
                    parts.policy.kinds.declare(id, d);
                }
                parts.policy.kinds.declare(
                    "startbolig",
                    KindDef {
                        label_da: "Startbolig".into(),
                        label_en: "Starter flat".into(),
                        shared: false,
                        suits: suits[5].clone(),
                    },
                );
                for (i, u) in parts.units.iter_mut().enumerate() {
                    if u.places == 1 && i % 2 == 1 {
                        u.kind = UnitKind::new("startbolig");
                    }
                }
                parts.policy.fit = FitPolicy {
                    known_worker: 0,
                    preferred_area: w[0],
                    kind_suits: w[1],
                    rent_headroom: w[2],
                    female_worker: w[3],
                    first_method: w[4],
                };
            })
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    /// Random `suits` rules are read as written: a kind suits when any rule
    /// holds, a rule holds when all its conditions hold.
    #[test]
    fn suits_rules_are_read_as_written(
        suits in arb_suits(),
        age in 15u32..=35,
        female in any::<bool>(),
        use_ in 0usize..4,
        flags in 0u8..8,
    ) {
        let mut policy = Policy::with_date(date(2014, 11, 3));
        policy.kinds.declare("x", KindDef { label_da: "X".into(), label_en: "X".into(), shared: false, suits: suits.clone() });
        let mut p = person("P", if female { Gender::F } else { Gender::M }, age, 9000);
        p.substance_use = [SubstanceUse::None, SubstanceUse::Cannabis, SubstanceUse::Alcohol, SubstanceUse::Drugs][use_];
        p.psychiatric = flags & 1 == 1;
        p.in_recovery = flags & 2 == 2;
        let mut u = unit("U", UnitKind::new("x"), 1, 2000);
        u.drug_free = flags & 4 == 4;
        prop_assert_eq!(policy.kinds.suits(&p, &u), suits.iter().any(|r| holds(r, &p, &u)));
    }

    /// With random kinds, rules and fit weights, both levels equal brute
    /// force (flow solver) and the MILP agrees; every hard rule holds.
    #[test]
    fn random_kinds_and_weights_equal_brute_force(r in arb_policy_round()) {
        let expected = brute_force(&r);
        let milp = Options { settings: boligmatch::Settings { use_flow: false, ..Default::default() }, ..Options::default() };
        for options in [Options::default(), milp] {
            match (expected, allocate::run(&r, &options)) {
                (None, Err(boligmatch::Error::Infeasible(_))) => {}
                (Some((l1, l2)), Ok(out)) => {
                    let p = &out.proposals[0];
                    prop_assert_eq!((p.level1.value, p.level2.value), (l1, l2));
                    prop_assert!(p.level2.status.is_optimal());
                    prop_assert_eq!(violations(&r, p), Vec::<String>::new());
                }
                (e, g) => prop_assert!(false, "brute force {:?} vs engine {:?}", e, g.map(|o| o.proposals[0].level1.value)),
            }
        }
    }

    /// Every fit weight 0: level 2 is 0 and no placement gives a reason.
    #[test]
    fn fit_weights_all_zero_give_level_2_zero(r in arb_round()) {
        let r = edit(&r, |p| {
            p.policy.fit = FitPolicy { known_worker: 0, preferred_area: 0, kind_suits: 0, rent_headroom: 0, female_worker: 0, first_method: 0 };
        });
        let milp = Options { settings: boligmatch::Settings { use_flow: false, ..Default::default() }, ..Options::default() };
        for options in [Options::default(), milp] {
            if let Ok(out) = allocate::run(&r, &options) {
                let p = &out.proposals[0];
                prop_assert_eq!(p.level2.value, 0);
                prop_assert!(p.placements.iter().all(|pl| pl.fit == 0 && pl.reasons.is_empty()));
            }
        }
    }
}

#[test]
fn a_kind_is_refused_unless_declared_and_places_need_a_shared_kind() {
    let policy = Policy::with_date(date(2014, 11, 3));
    let e = Round::new(
        vec![unit("U1", UnitKind::new("startbolig"), 1, 2000)],
        vec![person("P1", Gender::F, 20, 9000)],
        vec![staff("S1", Gender::F, Method::Cti, 1)],
        policy.clone(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("\"startbolig\" is not a kind the policy declares"),
        "{e}"
    );
    assert!(
        e.contains("club_room | skaev_bolig | shared_living | youth_housing | ordinary"),
        "{e}"
    );
    let mut p = policy;
    p.kinds.declare(
        "kvindehus",
        KindDef {
            label_da: "Kvindehus".into(),
            label_en: "Women's house".into(),
            shared: true,
            suits: vec![],
        },
    );
    let r = Round::new(
        vec![unit("U1", UnitKind::new("kvindehus"), 3, 2000)],
        vec![person("P1", Gender::F, 20, 9000)],
        vec![staff("S1", Gender::F, Method::Cti, 1)],
        p,
    );
    assert!(r.is_ok(), "a declared shared kind may have several places");
}

#[test]
fn bad_declarations_name_their_key_and_range() {
    let mut policy = Policy::with_date(date(2014, 11, 3));
    policy.fit.kind_suits = 5000;
    policy.kinds.declare(
        "Bad Id",
        KindDef {
            label_da: "".into(),
            label_en: "x".into(),
            shared: false,
            suits: vec![Rule {
                gender: Some(vec![]),
                ..Rule::default()
            }],
        },
    );
    let problems: Vec<String> = policy
        .problems()
        .into_iter()
        .map(|(k, m)| format!("{k}: {m}"))
        .collect();
    let all = problems.join("\n");
    assert!(
        all.contains("kind_suits: 5000 is outside 0..=1000"),
        "{all}"
    );
    assert!(
        all.contains("kinds.Bad Id: a kind's id is 1-40 characters"),
        "{all}"
    );
    assert!(
        all.contains("kinds.Bad Id.label_da: must be 1-100 printable characters"),
        "{all}"
    );
    assert!(
        all.contains("rule 1 lists no values for a condition"),
        "{all}"
    );
}

mod cli {
    use super::super::common::summary_without_paths;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Output};

    fn run(args: &[&str]) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_boligmatch"));
        c.env_remove("RAYON_NUM_THREADS");
        c.args(args).output().expect("binary runs")
    }

    fn text(b: &[u8]) -> String {
        String::from_utf8_lossy(b).into_owned()
    }

    fn sample(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("data-samples")
            .join(name)
    }

    /// The three exports of `from` in a new folder `to`, without a policy.
    fn exports(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for f in ["units.csv", "people.csv", "staff.csv"] {
            std::fs::copy(from.join(f), to.join(f)).unwrap();
        }
    }

    fn allocate(dir: &Path, out: &Path, extra: &[&str]) -> Output {
        let mut a = vec![
            "allocate",
            dir.to_str().unwrap(),
            "--proposals",
            "3",
            "--alternatives",
            "2",
            "--no-timings",
            "--out",
            out.to_str().unwrap(),
        ];
        a.extend(extra);
        let o = run(&a);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        o
    }

    /// A policy.toml that repeats `policy --defaults` verbatim gives the same
    /// outputs, byte for byte, as no policy at all (samples and generated S).
    #[test]
    fn the_printed_defaults_change_nothing() {
        let defaults = run(&["policy", "--defaults"]);
        assert_eq!(
            defaults.status.code(),
            Some(0),
            "{}",
            text(&defaults.stderr)
        );
        let tmp = tempfile::tempdir().unwrap();
        let generated = tmp.path().join("generated-s");
        let g = run(&[
            "generate",
            "--tier",
            "s",
            "--seed",
            "3",
            "--out",
            generated.to_str().unwrap(),
        ]);
        assert_eq!(g.status.code(), Some(0), "{}", text(&g.stderr));
        for (name, from) in [
            ("sample", sample("ballerup-2014")),
            ("excel", sample("ballerup-2014-excel")),
            ("generated", generated),
        ] {
            let (plain, with) = (
                tmp.path().join(format!("{name}-plain")),
                tmp.path().join(format!("{name}-defaults")),
            );
            exports(&from, &plain);
            exports(&from, &with);
            std::fs::write(with.join("policy.toml"), &defaults.stdout).unwrap();
            let (a, b) = (
                tmp.path().join(format!("{name}-out-a")),
                tmp.path().join(format!("{name}-out-b")),
            );
            allocate(&plain, &a, &[]);
            allocate(&with, &b, &[]);
            for f in ["proposals.csv", "unplaced.csv", "alternatives.csv"] {
                assert_eq!(
                    std::fs::read(a.join(f)).unwrap(),
                    std::fs::read(b.join(f)).unwrap(),
                    "{name}: {f}"
                );
            }
            assert_eq!(
                summary_without_paths(&a),
                summary_without_paths(&b),
                "{name}: summary.json"
            );
        }
    }

    /// A kind declared only in policy.toml: units.csv uses it (by id or by
    /// its label), and it is allocated, explained and reported with its label.
    #[test]
    fn a_kind_declared_only_in_the_policy_is_allocated_explained_and_labelled() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("round");
        exports(&sample("ballerup-2014"), &dir);
        let mut policy =
            std::fs::read_to_string(sample("ballerup-2014").join("policy.toml")).unwrap();
        policy.push_str(
            "\n[kinds.startbolig]\nlabel_da = \"Startbolig\"\nlabel_en = \"Starter flat\"\nshared = false\nsuits = [ { need = [\"light\", \"moderate\"] }, { age_band = [\"age_18_24\"], substance_use = [\"none\", \"cannabis\"] } ]\n",
        );
        std::fs::write(dir.join("policy.toml"), policy).unwrap();
        // Every ordinary unit becomes a cheap starter flat (rent 2,000 kr, so
        // that proposal 1 uses some); half by id, half by label.
        let units = std::fs::read_to_string(dir.join("units.csv")).unwrap();
        let mut n = 0;
        let units: String = units
            .lines()
            .map(|l| {
                if l.contains(",ordinary,") {
                    n += 1;
                    let word = if n % 2 == 0 {
                        "startbolig"
                    } else {
                        "Startbolig"
                    };
                    let mut cells: Vec<String> = l.split(',').map(str::to_string).collect();
                    cells[1] = word.to_string();
                    cells[3] = "2000".to_string();
                    cells.join(",")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert!(n >= 2);
        std::fs::write(dir.join("units.csv"), units + "\n").unwrap();
        let check = run(&["check", dir.to_str().unwrap()]);
        assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
        assert!(
            text(&check.stdout).contains("startbolig"),
            "{}",
            text(&check.stdout)
        );
        let out = tmp.path().join("out");
        let report = tmp.path().join("rapport.html");
        allocate(
            &dir,
            &out,
            &["--report", report.to_str().unwrap(), "--lang", "da"],
        );
        let proposals = std::fs::read_to_string(out.join("proposals.csv")).unwrap();
        assert!(proposals.contains(",startbolig,"), "{proposals}");
        assert!(
            proposals.contains("kind of home suits (Startbolig)"),
            "{proposals}"
        );
        let html = std::fs::read_to_string(&report).unwrap();
        assert!(
            html.contains("<td>Startbolig</td>"),
            "the report names the kind by its Danish label"
        );
        let en = tmp.path().join("out-en");
        allocate(&dir, &en, &[]);
        let proposals = std::fs::read_to_string(en.join("proposals.csv")).unwrap();
        assert!(
            proposals.contains("kind of home suits (Starter flat)"),
            "{proposals}"
        );
    }

    /// The office's own word for a stay, mapped once in policy.toml, is read
    /// and listed by `check`; an unknown word gets a suggestion, except in a
    /// health column, where neither the value nor a suggestion is shown.
    #[test]
    fn aliases_map_the_offices_words_and_check_lists_them() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("round");
        exports(&sample("ballerup-2014"), &dir);
        let people = std::fs::read_to_string(sample("ballerup-2014").join("people.csv")).unwrap();
        let people = people
            .replacen(",street,", ",GS,", 1)
            .replace("person_id,", "Borger ID,");
        std::fs::write(dir.join("people.csv"), &people).unwrap();
        std::fs::write(
            dir.join("policy.toml"),
            "round_date = 2014-11-03\n[aliases.columns]\n\"borger id\" = \"person_id\"\n[aliases.stay]\ngs = \"street\"\n",
        )
        .unwrap();
        let o = run(&["check", dir.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        let s = text(&o.stdout);
        assert!(
            s.contains("people.csv: header \"Borger ID\" read as person_id"),
            "{s}"
        );
        assert!(
            s.contains("people.csv, stay: \"GS\" read as street (1 cell)"),
            "{s}"
        );
        // A word nobody mapped: a suggestion from the known words.
        std::fs::write(
            dir.join("people.csv"),
            people.replacen(",GS,", ",herbrg,", 1),
        )
        .unwrap();
        let o = run(&["check", dir.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2));
        let e = text(&o.stderr);
        assert!(e.contains("did you mean \"herberg\" (shelter)"), "{e}");
        assert!(e.contains("under [aliases.stay] in policy.toml"), "{e}");
        // In a health column: no value, no suggestion.
        let health = people.replacen(",cannabis,", ",canabis,", 1);
        assert_ne!(health, people);
        std::fs::write(dir.join("people.csv"), health).unwrap();
        let o = run(&["check", dir.to_str().unwrap()]);
        let e = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2));
        assert!(e.contains("column \"substance_use\": value (not shown: health data) is not one of none | cannabis | alcohol | drugs"), "{e}");
        assert!(!e.contains("canabis") && !e.contains("did you mean"), "{e}");
    }
}
