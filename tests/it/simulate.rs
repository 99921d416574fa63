//! Issue 16: the simulation over many weeks.

use super::common::*;
use boligmatch::allocate::{self, Options};
use boligmatch::model::*;
use boligmatch::simulate::{
    self, Chance, Horizon, Setup, SimulationError, Strategy, Study, Timeline, Variants, METRICS,
};
use boligmatch::Settings;
use std::path::PathBuf;
use std::process::Command;

fn metric(name: &str) -> usize {
    METRICS.iter().position(|m| *m == name).unwrap()
}

fn sample_round() -> boligmatch::Round {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data-samples/ballerup-2014");
    boligmatch::round::load(&boligmatch::RoundPaths::in_dir(&dir), date(2014, 11, 3))
        .unwrap()
        .round
}

/// An empty timeline: week 1 is one `allocate` round, its offers answered
/// and moved into the same week.
#[test]
fn an_empty_timeline_reproduces_one_allocate_round() {
    let base = sample_round();
    let want = allocate::run(&base, &Options::default()).unwrap();
    let placed: Vec<(String, String, String)> = want.proposals[0]
        .placements
        .iter()
        .map(|p| (p.person_id.clone(), p.unit_id.clone(), p.staff_id.clone()))
        .collect();
    assert_eq!(
        simulate::placements(&base, Strategy::Optimal, &Settings::default()).unwrap(),
        placed
    );
    let setup = Setup::new(base.clone(), Timeline::default(), 3, 1).unwrap();
    let weeks = simulate::run(&setup, Strategy::Optimal, 0, &Settings::default())
        .unwrap()
        .unwrap()
        .weeks;
    assert_eq!(weeks[0][metric("housed")] as usize, placed.len());
    assert_eq!(
        weeks[0][metric("waiting")] as usize,
        base.people().len() - placed.len()
    );
    assert_eq!(weeks[0][metric("offers")] as usize, placed.len());
}

/// A timeline of `extra` lines plus one arrival from 2014-11-10 (a row of
/// people.csv), written in a new folder (kept alive by the caller until the
/// setup has read the arrivals) and read.
fn timeline_with_arrival(row: &str, extra: &str) -> (tempfile::TempDir, Timeline) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("arrivals.csv"),
        format!("person_id,gender,age,income_dkk\n{row}\n"),
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("timeline.toml"),
        format!("[[arrivals]]\nfile = \"arrivals.csv\"\nfrom = 2014-11-10\n{extra}"),
    )
    .unwrap();
    let t = simulate::load_timeline(&tmp.path().join("timeline.toml")).unwrap();
    (tmp, t)
}

/// A tiny round where everything is known: two homes, one CTI worker with a
/// caseload of one and a support period of two weeks, two people.
fn tiny() -> boligmatch::Round {
    let r = round(
        vec![
            unit("U1", UnitKind::new("ordinary"), 1, 2000),
            unit("U2", UnitKind::new("ordinary"), 1, 2000),
        ],
        vec![
            person("P1", Gender::M, 20, 9000),
            person("P2", Gender::M, 21, 9000),
        ],
        vec![staff("S1", Gender::M, Method::Cti, 1)],
    );
    edit(&r, |p| p.policy.support_weeks.cti = Some(2))
}

/// CTI support ends after its period and frees exactly that worker's slot in
/// the right week: P2 waits two weeks, then gets the home.
#[test]
fn cti_support_ending_frees_the_slot_in_the_right_week() {
    let setup = Setup::new(tiny(), Timeline::default(), 4, 1).unwrap();
    let weeks = simulate::run(&setup, Strategy::Optimal, 0, &Settings::default())
        .unwrap()
        .unwrap()
        .weeks;
    let col = |m: &str| weeks.iter().map(|w| w[metric(m)]).collect::<Vec<_>>();
    assert_eq!(col("housed"), vec![1.0, 1.0, 2.0, 2.0]);
    assert_eq!(col("waiting"), vec![1.0, 1.0, 0.0, 0.0]);
    assert_eq!(col("offers"), vec![1.0, 0.0, 1.0, 0.0]);
    // Week 3: P1's support ended (2 weeks), P2's began; week 4 as well.
    assert_eq!(col("support_slots_free"), vec![0.0, 0.0, 0.0, 0.0]);
}

/// A deterministic timeline (a dated arrival, a dated hire, no randomness):
/// the weekly counts are known by hand.
#[test]
fn a_deterministic_timeline_gives_the_hand_computed_counts() {
    let (_dir, t) = timeline_with_arrival(
        "P3,f,19,9000",
        "\n[[hires]]\nstaff_id = \"S2\"\ngender = \"f\"\nmethod = \"CTI\"\ncaseload = 1\nfrom = 2014-11-10\n",
    );
    let base = edit(&tiny(), |p| p.policy.support_weeks.cti = None);
    let setup = Setup::new(base, t, 3, 7).unwrap();
    let weeks = simulate::run(&setup, Strategy::Optimal, 0, &Settings::default())
        .unwrap()
        .unwrap()
        .weeks;
    let col = |m: &str| weeks.iter().map(|w| w[metric(m)]).collect::<Vec<_>>();
    // Week 1: one slot, two people: one housed. Week 2: P3 arrives and S2
    // starts (one slot): one of P2 and P3 housed (the woman, P3: more priority)
    // into U2; the other waits with no home left.
    assert_eq!(col("housed"), vec![1.0, 2.0, 2.0]);
    assert_eq!(col("waiting"), vec![1.0, 1.0, 1.0]);
    assert_eq!(col("offers"), vec![1.0, 1.0, 0.0]);
    assert_eq!(col("housed_18_29_share")[1], 2.0 / 3.0);
}

/// Declines per kind: every offer of a club room is declined, no offer of
/// an ordinary flat is; a declined home is never offered to that person again.
#[test]
fn declines_can_be_given_per_kind() {
    let base = round(
        vec![
            unit("C1", UnitKind::new("club_room"), 1, 2000),
            unit("U1", UnitKind::new("ordinary"), 1, 2000),
        ],
        vec![person("P1", Gender::M, 20, 9000)],
        vec![staff("S1", Gender::M, Method::Icm, 1)],
    );
    let timeline = |text: &str| {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("t.toml"), text).unwrap();
        simulate::load_timeline(&tmp.path().join("t.toml")).unwrap()
    };
    let col = |t: Timeline, m: &str| -> Vec<f64> {
        let setup = Setup::new(base.clone(), t, 3, 5).unwrap();
        simulate::run(&setup, Strategy::Optimal, 0, &Settings::default())
            .unwrap()
            .unwrap()
            .weeks
            .iter()
            .map(|w| w[metric(m)])
            .collect()
    };
    // P1 is offered whichever home fits best; with club rooms always
    // declined, P1 ends in U1 and never sees C1 again.
    let t = timeline("decline_probability = { club_room = 1.0 }\nresponse_weeks = 0\n");
    let first = simulate::placements(&base, Strategy::Optimal, &Settings::default()).unwrap();
    let declines = col(t.clone(), "declines");
    let housed = col(t, "housed");
    if first[0].1 == "C1" {
        assert_eq!(declines, vec![1.0, 0.0, 0.0]);
        assert_eq!(housed, vec![0.0, 1.0, 1.0]);
    } else {
        assert_eq!(declines, vec![0.0, 0.0, 0.0]);
        assert_eq!(housed, vec![1.0, 1.0, 1.0]);
    }
    // Every kind declined: P1 declines both homes and is never housed.
    let t =
        timeline("decline_probability = { club_room = 1.0, ordinary = 1.0 }\nresponse_weeks = 0\n");
    assert_eq!(col(t.clone(), "declines"), vec![1.0, 1.0, 0.0]);
    assert_eq!(col(t, "housed"), vec![0.0, 0.0, 0.0]);
    // The same probability for all, written as one number, is the same.
    let one = timeline("decline_probability = 1.0\n");
    assert_eq!(col(one, "declines"), vec![1.0, 1.0, 0.0]);
}

/// `arrival_mix`: random arrivals are drawn from the given people, not from
/// the base round (here: every arrival is under 18, the base has none).
#[test]
fn random_arrivals_follow_a_given_mix() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("mix.csv"),
        "person_id,gender,age,income_dkk\nM1,f,16,3000\nM2,m,17,3000\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("t.toml"),
        "arrival_rate = 3\narrival_mix = \"mix.csv\"\n",
    )
    .unwrap();
    let t = simulate::load_timeline(&tmp.path().join("t.toml")).unwrap();
    let base = edit(&tiny(), |p| p.policy.support_weeks.cti = None);
    let setup = Setup::new(base, t, 10, 3).unwrap();
    assert_eq!(setup.mix.len(), 2);
    let weeks = simulate::run(&setup, Strategy::Optimal, 0, &Settings::default())
        .unwrap()
        .unwrap()
        .weeks;
    let waiting: Vec<f64> = weeks.iter().map(|w| w[metric("waiting")]).collect();
    assert!(waiting[9] > waiting[0], "people arrived: {waiting:?}");
    // Everyone who arrived is under 18 and nobody under 18 was housed (the
    // one worker's one slot went to an adult in week 1, for good), so the
    // under-18 share is 0 and the adults' share counts only P1 and P2.
    assert_eq!(weeks[9][metric("housed_under_18_share")], 0.0);
    assert_eq!(weeks[9][metric("housed_18_29_share")], 0.5);
}

/// Random arrivals, vacancies, declines, losses and leaves: the invariants
/// hold in every week of every run (a broken one is an error), and the same
/// seed gives the same numbers.
#[test]
fn invariants_hold_in_every_run() {
    let t = Timeline {
        arrival_rate: 1.0,
        vacancies: [
            ("ordinary".to_string(), 0.5),
            ("shared_living".to_string(), 0.2),
        ]
        .into(),
        decline_probability: Chance::All(0.3),
        response_weeks: 1,
        tenancy_loss_per_week: 0.05,
        leave_per_week: 0.05,
        ..Timeline::default()
    };
    let setup = Setup::new(sample_round(), t, 20, 11).unwrap();
    let a = simulate::simulate(
        &setup,
        &[Strategy::Optimal, Strategy::PriorityList],
        6,
        &Settings::default(),
    )
    .unwrap();
    let b = simulate::simulate(
        &setup,
        &[Strategy::Optimal, Strategy::PriorityList],
        6,
        &Settings::default(),
    )
    .unwrap();
    assert_eq!(a, b);
    assert_eq!(a.runs[0].len(), 6);
}

/// The same seed gives the same files with one thread and with two.
#[test]
fn results_do_not_depend_on_the_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let tl = tmp.path().join("timeline.toml");
    std::fs::write(
        &tl,
        "arrival_rate = 0.5\ndecline_probability = 0.2\nvacancies = { youth_housing = 0.3 }\n",
    )
    .unwrap();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data-samples/ballerup-2014");
    let mut outs = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(format!("out-{threads}"));
        let o = Command::new(env!("CARGO_BIN_EXE_boligmatch"))
            .env("RAYON_NUM_THREADS", threads)
            .args([
                "simulate",
                dir.to_str().unwrap(),
                "--timeline",
                tl.to_str().unwrap(),
                "--weeks",
                "8",
                "--runs",
                "8",
                "--seed",
                "5",
                "--out",
                out.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        outs.push((
            std::fs::read(out.join("weekly.csv")).unwrap(),
            std::fs::read(out.join("goals.csv")).unwrap(),
        ));
    }
    assert_eq!(outs[0], outs[1]);
}

/// An under-18 is certain to arrive next week and one place suits under-18s:
/// `lookahead` keeps it for them, `optimal` gives it to an adult now.
#[test]
fn lookahead_keeps_the_place_an_under_18_will_need() {
    let (_dir, t) = timeline_with_arrival("M1,m,16,9000", "");
    let mut youth = unit("U1", UnitKind::new("youth_housing"), 1, 2000);
    youth.min_age = 16;
    let base = round(
        vec![youth, unit("U2", UnitKind::new("ordinary"), 1, 2000)],
        vec![
            person("A1", Gender::M, 20, 9000),
            person("A2", Gender::M, 22, 9000),
        ],
        vec![staff("S1", Gender::M, Method::Cti, 5)],
    );
    let setup = Setup::new(base, t, 3, 1).unwrap();
    let share = |s: Strategy| {
        let weeks = simulate::run(&setup, s, 0, &Settings::default())
            .unwrap()
            .unwrap()
            .weeks;
        (
            weeks[0][metric("housed")],
            weeks[2][metric("housed_under_18_share")],
        )
    };
    assert_eq!(
        share(Strategy::Optimal),
        (2.0, 0.0),
        "optimal houses both adults; the under-18 finds nothing"
    );
    assert_eq!(
        share(Strategy::Lookahead),
        (1.0, 1.0),
        "lookahead keeps U1; the under-18 gets it"
    );
}

/// `--sweep` runs the simulation at every step on the same random numbers,
/// with each step's cost from templates.toml; `--scenario` adds rows.
#[test]
fn sweeps_and_scenarios_run_on_the_same_random_numbers() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data-samples/ballerup-2014");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_boligmatch"))
        .args([
            "simulate",
            dir.to_str().unwrap(),
            "--weeks",
            "6",
            "--runs",
            "4",
            "--strategy",
            "optimal",
            "--sweep",
            "staff=ICM:f:0..2",
            "--templates",
            dir.join("scenarios/templates.toml").to_str().unwrap(),
            "--confidence",
            "0.5",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let sweep = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    let lines: Vec<&str> = sweep.lines().collect();
    assert_eq!(
        lines[0],
        "step,strategy,goal,probability_met,cost_dkk,reaches_confidence"
    );
    assert_eq!(lines.len(), 1 + 3 * 2, "{sweep}");
    assert!(sweep.contains("'+2 ICM (f),optimal,under_18,"), "{sweep}");
    assert!(
        sweep.contains(",912000,"),
        "two female ICM workers at 456,000 kr each: {sweep}"
    );
    let o = Command::new(env!("CARGO_BIN_EXE_boligmatch"))
        .args([
            "simulate",
            dir.to_str().unwrap(),
            "--weeks",
            "3",
            "--runs",
            "2",
            "--scenario",
            dir.join("scenarios/female-icm-worker.toml")
                .to_str()
                .unwrap(),
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    let goals = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(goals.lines().count(), 1 + 2 * 2 * 2, "{goals}");
}

/// A study of one week of `tiny`, each strategy in `strategies`.
fn tiny_study(strategies: Vec<Strategy>, variants: Variants) -> Study {
    Study {
        timeline: Timeline::default(),
        horizon: Horizon::Weeks(1),
        runs: 1,
        seed: 1,
        strategies,
        variants,
        confidence: 0.8,
    }
}

/// Issue 24: the sweep's verdicts are typed values computed by the library.
/// One CTI worker houses one of the two adults; each worker more houses one
/// more: the under-18 goal (nobody under 18: met) is reached at step +0, the
/// 18-29 goal (90 %) at step +1.
#[test]
fn a_sweep_study_gives_the_first_step_reaching_the_confidence() {
    let sweep = boligmatch::whatif::scenario::Sweep::parse("staff=CTI:m:0..2").unwrap();
    let study = tiny_study(
        vec![Strategy::Optimal],
        Variants::Sweep {
            sweep,
            templates: None,
        },
    );
    let out = simulate::study(&tiny(), &study, &Settings::default()).unwrap();
    assert_eq!((out.weeks, out.scenarios.len(), out.goals.len()), (1, 3, 6));
    let steps = out.sweep.as_ref().expect("a sweep was simulated");
    let met: Vec<(&str, &str, f64, bool)> = steps
        .iter()
        .map(|s| {
            (
                s.step.as_str(),
                s.goal,
                s.probability_met,
                s.reaches_confidence,
            )
        })
        .collect();
    assert_eq!(
        met,
        vec![
            ("+0 CTI (m)", "under_18", 1.0, true),
            ("+0 CTI (m)", "age_18_29", 0.0, false),
            ("+1 CTI (m)", "under_18", 1.0, true),
            ("+1 CTI (m)", "age_18_29", 1.0, true),
            ("+2 CTI (m)", "under_18", 1.0, true),
            ("+2 CTI (m)", "age_18_29", 1.0, true),
        ]
    );
    let firsts: Vec<(&str, Option<String>)> =
        out.verdicts.iter().map(|v| (v.goal, v.label())).collect();
    assert_eq!(
        firsts,
        vec![
            ("under_18", Some("+0 CTI (m)".to_string())),
            ("age_18_29", Some("+1 CTI (m)".to_string())),
        ]
    );
    // Without a sweep: no sweep rows, and no step reaches anything.
    let plain = tiny_study(vec![Strategy::Optimal], Variants::Scenarios(vec![]));
    let out = simulate::study(&tiny(), &plain, &Settings::default()).unwrap();
    assert!(out.sweep.is_none());
    assert!(out.verdicts.iter().all(|v| v.step.is_none()));
}

/// Issue 24: the library refuses values out of range with typed errors
/// whose messages name the value, never a command-line flag.
#[test]
fn study_refusals_are_typed_and_name_no_flag() {
    let start = date(2014, 11, 3);
    assert_eq!(Horizon::Until(date(2015, 12, 31)).weeks(start).unwrap(), 61);
    let mut refused = vec![
        Horizon::Until(date(2030, 1, 1)).weeks(start).unwrap_err(),
        Horizon::Until(date(2014, 1, 1)).weeks(start).unwrap_err(),
        Horizon::Weeks(0).weeks(start).unwrap_err(),
    ];
    let base = tiny();
    let many = tiny_study(
        vec![Strategy::Optimal],
        Variants::Scenarios(vec![Default::default(); 21]),
    );
    let no_runs = Study {
        runs: 0,
        ..tiny_study(vec![Strategy::Optimal], Variants::Scenarios(vec![]))
    };
    for s in [many, no_runs] {
        refused.push(simulate::study(&base, &s, &Settings::default()).unwrap_err());
    }
    // A deadline already passed: no run finishes.
    let late = Settings {
        until: Some(std::time::Instant::now()),
        ..Settings::default()
    };
    let plain = tiny_study(vec![Strategy::Optimal], Variants::Scenarios(vec![]));
    refused.push(simulate::study(&base, &plain, &late).unwrap_err());
    assert!(matches!(refused[0], SimulationError::End { .. }));
    assert!(matches!(refused[2], SimulationError::Weeks(0)));
    assert!(matches!(refused[3], SimulationError::Scenarios(21)));
    assert!(matches!(refused[4], SimulationError::Runs(0)));
    assert!(matches!(refused[5], SimulationError::NoRunFinished));
    for e in refused {
        let text = e.to_string();
        assert!(!text.contains("--"), "{text}");
        // Each becomes the library's error with the same words.
        assert_eq!(boligmatch::Error::from(e).to_string(), text);
    }
}
