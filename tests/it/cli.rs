//! The real binary on real files: fixtures, samples, outputs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_boligmatch"));
    c.env_remove("RAYON_NUM_THREADS");
    c
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sample(name: &str) -> PathBuf {
    root().join("data-samples").join(name)
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()))
}

fn json_without(bytes: &[u8], keys: &[&str]) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(bytes).expect("valid json");
    for k in keys {
        v.as_object_mut().unwrap().remove(*k);
    }
    v
}

/// Every broken round under `tests/fixtures/bad/`, by name.
fn bad_fixtures() -> Vec<PathBuf> {
    let dir = root().join("tests/fixtures/bad");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    cases
}

#[test]
fn every_bad_fixture_gives_its_message_and_exit_2() {
    let cases = bad_fixtures();
    assert!(cases.len() >= 15);
    for case in cases {
        let out = run(&["check", case.to_str().unwrap()]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {err}", case.display());
        let expected = std::fs::read_to_string(case.join("expected.txt")).unwrap();
        for line in expected.lines().filter(|l| !l.is_empty()) {
            assert!(
                err.contains(line),
                "{}:\nwant: {line}\ngot:\n{err}",
                case.display()
            );
        }
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn both_samples_pass_check_with_identical_summaries() {
    let a = run(&["check", sample("ballerup-2014").to_str().unwrap()]);
    let b = run(&["check", sample("ballerup-2014-excel").to_str().unwrap()]);
    assert_eq!(a.status.code(), Some(0), "{}", text(&a.stderr));
    assert_eq!(b.status.code(), Some(0), "{}", text(&b.stderr));
    // The same round; only the Excel export needed aliases (listed).
    let summary = |o: &Output| {
        text(&o.stdout)
            .split("aliases used:")
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(summary(&a), summary(&b));
    assert!(text(&b.stdout).contains("units.csv, gender: \"alle\" read as any (30 cells)"));
    assert!(text(&b.stdout).contains(
        "people.csv, substance_use: an alias of cannabis (health data: the word is not shown)"
    ));
    let s = text(&a.stdout);
    assert!(s.contains("people: 35"), "{s}");
    assert!(s.contains("under 18         6 (2 women, 4 men)"), "{s}");
}

fn allocate(sample_dir: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "allocate",
        sample_dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--proposals",
        "3",
        "--alternatives",
        "2",
        "--no-timings",
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    o
}

const FILES: [&str; 4] = [
    "proposals.csv",
    "unplaced.csv",
    "alternatives.csv",
    "summary.json",
];

#[test]
fn excel_dialect_gives_byte_identical_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let oa = allocate(&sample("ballerup-2014"), &a, &[]);
    let ob = allocate(&sample("ballerup-2014-excel"), &b, &[]);
    assert_eq!(oa.stdout, ob.stdout);
    for f in &FILES[..3] {
        assert_eq!(read(&a, f), read(&b, f), "{f}");
    }
    // The audit section names the input files and their hashes, which differ.
    assert_eq!(
        json_without(&read(&a, "summary.json"), &["audit"]),
        json_without(&read(&b, "summary.json"), &["audit"])
    );
}

#[test]
fn repeat_runs_and_thread_counts_give_identical_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs: Vec<PathBuf> = (0..2).map(|i| tmp.path().join(format!("r{i}"))).collect();
    let threads = ["1", "2"];
    for (d, t) in dirs.iter().zip(threads) {
        let o = bin()
            .env("RAYON_NUM_THREADS", t)
            .args([
                "allocate",
                sample("ballerup-2014").to_str().unwrap(),
                "--out",
                d.to_str().unwrap(),
            ])
            .args(["--proposals", "3", "--alternatives", "2", "--no-timings"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    }
    for f in FILES {
        let first = read(&dirs[0], f);
        for d in &dirs[1..] {
            if f == "summary.json" {
                // Only the command line (the --out folder) differs.
                let strip = |b: &[u8]| {
                    let mut v = json_without(b, &[]);
                    v["audit"]["command_line"] = serde_json::Value::Null;
                    v
                };
                assert_eq!(strip(&first), strip(&read(d, f)));
            } else {
                assert_eq!(first, read(d, f), "{f} differs in {}", d.display());
            }
        }
    }
}

#[test]
fn outputs_have_the_contract_columns_and_excel_conventions() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    allocate(&sample("ballerup-2014"), &out, &["--excel"]);
    let p = read(&out, "proposals.csv");
    assert!(p.starts_with(b"\xEF\xBB\xBF"), "BOM");
    let p = text(&p[3..]);
    assert!(p.starts_with(
        "proposal;rank;person_id;unit_id;unit_kind;area;staff_id;method;priority;fit;reasons\r\n"
    ));
    let u = text(&read(&out, "unplaced.csv")[3..]);
    assert!(
        u.starts_with("proposal;person_id;priority;reason;details\r\n"),
        "{u}"
    );
    let s: serde_json::Value = serde_json::from_slice(&read(&out, "summary.json")).unwrap();
    assert_eq!(s["proposals"][0]["status"], "optimal");
    assert_eq!(s["proposals"][0]["level1_priority"]["gap"], 0.0);
    assert!(s["priority_list_baseline"]["housed"].as_u64().unwrap() > 0);
    assert_eq!(s["audit"]["inputs"].as_array().unwrap().len(), 4);
    assert_eq!(
        s["audit"]["inputs"][0]["sha256"].as_str().unwrap().len(),
        64
    );
    assert_eq!(s["audit"]["policy"]["round_date"], "2014-11-03");
    for k in [
        "under_18_housed",
        "age_18_29_housed",
        "support_coverage",
        "female_worker_where_asked",
    ] {
        assert!(s["proposals"][0]["goals"][k]["total"].is_u64(), "{k}");
    }
    // Every housed person in proposal 1 appears once, with a worker.
    let rows: Vec<&str> = p.lines().skip(1).filter(|l| l.starts_with("1;")).collect();
    let housed = s["proposals"][0]["housed"].as_u64().unwrap() as usize;
    assert_eq!(rows.len(), housed);
    assert!(rows
        .iter()
        .all(|r| r.split(';').nth(6).is_some_and(|s| s.starts_with('S'))));
}

#[test]
fn hostile_ids_are_neutralised_in_every_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(
        d.join("units.csv"),
        "unit_id,kind,rent_dkk,area\n+U1,ordinary,2000,@SUM(A1)\n-U2,ordinary,2000,=cmd\n",
    )
    .unwrap();
    std::fs::write(
        d.join("people.csv"),
        "person_id,gender,age,income_dkk\n\"=HYPERLINK(\"\"http://x\"\")\",m,22,8000\n@P2,f,23,8000\n\"\tP3\",m,24,8000\n",
    )
    .unwrap();
    std::fs::write(
        d.join("staff.csv"),
        "staff_id,gender,method,capacity\n=S1,m,CTI,5\n",
    )
    .unwrap();
    std::fs::write(d.join("policy.toml"), "round_date = 2014-11-03\n").unwrap();
    let out = d.join("out");
    let o = run(&[
        "allocate",
        d.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--alternatives",
        "1",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    for f in ["proposals.csv", "unplaced.csv", "alternatives.csv"] {
        let mut rdr = csv::Reader::from_reader(std::fs::File::open(out.join(f)).unwrap());
        for rec in rdr.records() {
            for cell in rec.unwrap().iter() {
                let first = cell.chars().next();
                let numeric = cell.parse::<i64>().is_ok();
                assert!(
                    numeric || !matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r')),
                    "{f}: unguarded cell {cell:?}"
                );
            }
        }
    }
    let p = text(&read(&out, "proposals.csv"));
    assert!(p.contains("'=HYPERLINK"), "{p}");
    assert!(p.contains("'=S1"), "{p}");
}

#[test]
fn a_failed_write_leaves_the_out_folder_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir_all(out.join("summary.json")).unwrap(); // a folder in the way
    std::fs::write(out.join("proposals.csv"), b"last week's").unwrap();
    let o = run(&[
        "allocate",
        sample("ballerup-2014").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert_eq!(
        std::fs::read(out.join("proposals.csv")).unwrap(),
        b"last week's"
    );
    let mut names: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names, ["proposals.csv", "summary.json"]);
}

#[test]
fn allocate_prints_the_table_goals_and_baseline() {
    let o = run(&[
        "allocate",
        sample("ballerup-2014").to_str().unwrap(),
        "--proposals",
        "5",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let s = text(&o.stdout);
    assert!(s.contains("Proposal 1 - level 1 (priority)"), "{s}");
    assert!(s.contains("[optimal]"), "{s}");
    assert!(s.contains("under 18 housed"), "{s}");
    assert!(
        s.contains("optimal: ") && s.contains(" · priority list: "),
        "{s}"
    );
    assert!(s.contains("Proposal 5"), "{s}");
    let j = run(&[
        "allocate",
        sample("ballerup-2014").to_str().unwrap(),
        "--format",
        "json",
        "--proposals",
        "1",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&j.stdout).unwrap();
    assert_eq!(v["proposals"].as_array().unwrap().len(), 1);
}

#[test]
fn too_many_proposals_returns_fewer_with_a_note() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(
        d.join("units.csv"),
        "unit_id,kind,rent_dkk\nU1,ordinary,2000\n",
    )
    .unwrap();
    std::fs::write(
        d.join("people.csv"),
        "person_id,gender,age,income_dkk\nP1,m,22,8000\n",
    )
    .unwrap();
    std::fs::write(
        d.join("staff.csv"),
        "staff_id,gender,method,capacity\nS1,m,CTI,5\n",
    )
    .unwrap();
    let o = run(&["allocate", d.to_str().unwrap(), "--proposals", "4"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let s = text(&o.stdout);
    // P1 in U1, or P1 not housed: exactly two distinct plans.
    assert!(s.contains("Proposal 2") && !s.contains("Proposal 3"), "{s}");
    assert!(s.contains("only 2 distinct plans exist"), "{s}");
}

#[test]
fn hostile_bytes_never_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let mut huge = b"unit_id,kind,rent_dkk\nU1,ordinary,".to_vec();
    huge.extend(std::iter::repeat_n(b'9', 2_000_000));
    std::fs::write(d.join("units.csv"), huge).unwrap();
    std::fs::write(
        d.join("people.csv"),
        b"person_id\0,gender\n\0\0\xff\xfe,\"unterminated\n",
    )
    .unwrap();
    std::fs::write(d.join("staff.csv"), b"\xEF\xBB\xBF").unwrap();
    std::fs::write(d.join("policy.toml"), b"[[[\0").unwrap();
    let o = run(&["check", d.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(!text(&o.stderr).contains("panicked"));
}

#[test]
fn a_time_limit_is_reported_as_best_found_never_optimal() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = run(&[
        "allocate",
        sample("ballerup-2014").to_str().unwrap(),
        "--time-limit",
        "0.001",
        "--solver",
        "milp",
        "--proposals",
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let s = text(&o.stdout);
    assert!(s.contains("[best found, gap "), "{s}");
    assert!(!s.contains("[optimal]"), "{s}");
    assert!(s.contains("\nbest found, gap "), "{s}");
    let v: serde_json::Value = serde_json::from_slice(&read(&out, "summary.json")).unwrap();
    assert_eq!(v["proposals"][0]["status"], "best_found");
    assert!(
        v["proposals"][0]["level1_priority"]["gap"]
            .as_f64()
            .unwrap()
            > 0.0
    );
}

#[test]
fn whatif_on_the_sample_scenarios_prints_the_comparison_and_writes_files() {
    let tmp = tempfile::tempdir().unwrap();
    let scen = sample("ballerup-2014").join("scenarios");
    let mut outs = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(format!("w{threads}"));
        let o = bin()
            .env("RAYON_NUM_THREADS", threads)
            .args([
                "whatif",
                sample("ballerup-2014").to_str().unwrap(),
                "--scenarios",
                scen.to_str().unwrap(),
            ])
            .args(["--out", out.to_str().unwrap(), "--excel"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        let s = text(&o.stdout);
        for name in [
            "base",
            "6 more skæve boliger",
            "one more female ICM worker",
            "2015 intake of 20 more",
        ] {
            assert!(s.contains(name), "{name} in\n{s}");
        }
        outs.push((
            o.stdout,
            read(&out, "comparison.csv"),
            read(&out, "comparison.json"),
        ));
    }
    assert_eq!(outs[0], outs[1], "1 and 2 threads give the same bytes");
    let csv = text(&outs[0].1[3..]);
    assert!(
        csv.starts_with("scenario;status;people;places;support_slots;housed;"),
        "{csv}"
    );
    let v: serde_json::Value = serde_json::from_slice(&outs[0].2).unwrap();
    assert_eq!(v["scenarios"][0]["scenario"], "base");
    assert_eq!(v["scenarios"][0]["change_from_base"]["housed"], 0);
}

#[test]
fn whatif_sweeps_report_where_each_goal_is_first_met() {
    let o = run(&[
        "whatif",
        sample("ballerup-2014").to_str().unwrap(),
        "--sweep",
        "staff=ICM:f:0..3",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = v["scenarios"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0]["scenario"], "+0 ICM (f)");
    let housed: Vec<u64> = rows.iter().map(|r| r["housed"].as_u64().unwrap()).collect();
    assert!(housed.windows(2).all(|w| w[0] <= w[1]), "{housed:?}");
    assert!(v["first_step_goal_met"].as_array().unwrap().len() == 4);
    let bad = run(&[
        "whatif",
        sample("ballerup-2014").to_str().unwrap(),
        "--sweep",
        "add=castle:0..3",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("castle"));
}

#[test]
fn plan_on_the_sample_templates() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("plan");
    let templates = sample("ballerup-2014").join("scenarios/templates.toml");
    let o = run(&[
        "plan",
        sample("ballerup-2014").to_str().unwrap(),
        "--templates",
        templates.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let s = text(&o.stdout);
    assert!(
        s.contains("Cheapest mix reaching under_18 ≥ 100%, age_18_29 ≥ 90% (optimal)"),
        "{s}"
    );
    assert!(s.contains("Goals before and after"), "{s}");
    let v: serde_json::Value = serde_json::from_slice(&read(&out, "plan.json")).unwrap();
    assert_eq!(v["after"]["under_18_housed"]["met"], true);
    assert_eq!(v["after"]["age_18_29_housed"]["met"], true);
    assert!(text(&read(&out, "plan.csv")).starts_with("template,kind,count,cost_each_dkk,cost_dkk"));
}

#[test]
fn crlf_files_cite_the_same_lines_as_lf_files() {
    // Regression: CRLF line ends (Excel's) were counted one line short.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(
        d.join("units.csv"),
        "unit_id,kind,rent_dkk\r\nU1,ordinary,2000\r\n",
    )
    .unwrap();
    std::fs::write(
        d.join("people.csv"),
        "person_id,gender,age,income_dkk\r\nP1,m,22,8000\r\nP2,m,tyve,8000\r\n",
    )
    .unwrap();
    std::fs::write(
        d.join("staff.csv"),
        "staff_id;gender;method;capacity\r\nS1;f;ICM;-1\r\n",
    )
    .unwrap();
    let o = run(&["check", d.to_str().unwrap()]);
    let err = text(&o.stderr);
    assert!(
        err.contains("people.csv:3: column \"age\": \"tyve\""),
        "{err}"
    );
    assert!(err.contains("staff.csv:2: column \"capacity\""), "{err}");
}

/// Regression: this HiGHS, with presolve on and a MIP start, returned the
/// second plan with 24 fit points labelled optimal; the best is 32 (brute
/// force, and the flow solver). Both solvers must give the same ranking.
#[test]
fn second_plan_is_exact_by_both_solvers() {
    let dir = root().join("tests/fixtures/milp-second-plan");
    for solver in ["auto", "milp"] {
        let o = run(&[
            "allocate",
            dir.to_str().unwrap(),
            "--proposals",
            "3",
            "--solver",
            solver,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        let s = text(&o.stdout);
        for line in [
            "Proposal 1 - level 1 (priority) 465 [optimal], level 2 (fit) 40 [optimal]",
            "Proposal 2 - level 1 (priority) 325 [optimal], level 2 (fit) 32 [optimal]",
            "Proposal 3 - level 1 (priority) 325 [optimal], level 2 (fit) 31 [optimal]",
        ] {
            assert!(s.contains(line), "{solver}: {s}");
        }
    }
}

/// Issue 12: time limits that used to panic (`Duration::from_secs_f64`) or
/// overflow the deadline are refused with exit 2 on every subcommand.
#[test]
fn out_of_range_time_limits_exit_2_on_every_subcommand() {
    let dir = sample("ballerup-2014");
    let d = dir.to_str().unwrap();
    let scenarios = dir.join("scenarios");
    let templates = scenarios.join("templates.toml");
    let commands: [Vec<&str>; 3] = [
        vec!["allocate", d],
        vec!["whatif", d, "--scenarios", scenarios.to_str().unwrap()],
        vec!["plan", d, "--templates", templates.to_str().unwrap()],
    ];
    for cmd in &commands {
        for bad in ["-1", "inf", "nan", "1e20", "1e19", "0"] {
            let flag = format!("--time-limit={bad}");
            let mut args = cmd.clone();
            args.push(&flag);
            let out = run(&args);
            let err = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
            assert!(err.contains("--time-limit"), "{args:?}: {err}");
            assert!(!err.contains("panicked"), "{args:?}: {err}");
            assert!(out.stdout.is_empty());
        }
    }
}

/// Issue 13: `check` refuses exactly what `allocate` would refuse, for every
/// bad fixture (pinned offers beyond their workers' slots included), with the
/// same problems.
#[test]
fn check_and_allocate_agree_on_every_bad_fixture() {
    let cases = bad_fixtures();
    let problems = |stderr: &[u8]| -> Vec<String> {
        text(stderr)
            .lines()
            .filter(|l| l.starts_with("  "))
            .map(|l| l.trim().to_string())
            .collect()
    };
    for case in cases {
        let c = case.to_str().unwrap();
        let check = run(&["check", c]);
        let allocate = run(&["allocate", c]);
        assert_eq!(check.status.code(), Some(2), "{c}: {}", text(&check.stderr));
        assert_eq!(
            allocate.status.code(),
            Some(2),
            "{c}: {}",
            text(&allocate.stderr)
        );
        assert_eq!(problems(&check.stderr), problems(&allocate.stderr), "{c}");
        assert!(
            !problems(&check.stderr).is_empty(),
            "{c}: no problem listed"
        );
    }
}

/// Issue 13: `--time-limit` is one limit for the whole command: with almost
/// no time, every subcommand still returns plans (or fewer proposals, with a
/// note), labelled best found where not proven, and never fails for lack of
/// time. (How fast it returns is measured by `benches/time_limit.sh`.)
#[test]
fn a_tiny_limit_for_the_whole_command_still_returns_plans() {
    let d = sample("ballerup-2014");
    let dir = d.to_str().unwrap();
    let scenarios = d.join("scenarios");
    let templates = scenarios.join("templates.toml");
    for args in [
        vec![
            "allocate",
            dir,
            "--proposals",
            "5",
            "--alternatives",
            "3",
            "--min-diff",
            "2",
            "--format",
            "json",
        ],
        vec![
            "allocate",
            dir,
            "--solver",
            "milp",
            "--proposals",
            "4",
            "--format",
            "json",
        ],
        vec![
            "whatif",
            dir,
            "--scenarios",
            scenarios.to_str().unwrap(),
            "--format",
            "json",
        ],
        vec![
            "plan",
            dir,
            "--templates",
            templates.to_str().unwrap(),
            "--format",
            "json",
        ],
    ] {
        let mut a = args.clone();
        a.extend(["--time-limit", "0.001"]);
        let out = run(&a);
        // The capacity plan starts from nothing: out of time before any mix
        // is found, it says so (exit 2), never as an internal error.
        if args[0] == "plan" && out.status.code() == Some(2) {
            assert!(
                text(&out.stderr).contains("allow more time"),
                "{}",
                text(&out.stderr)
            );
            continue;
        }
        assert_eq!(out.status.code(), Some(0), "{a:?}: {}", text(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert!(!v.is_null());
    }
}

/// Issue 13: HiGHS is not trusted to keep its own time limit. A solver that
/// overruns (a test hook delays it by 20 s) is given up on at the deadline:
/// the command still answers, with the start plan labelled best found with
/// an unknown (100 %) gap, and level 2 skipped for lack of time.
#[test]
fn the_watchdog_answers_when_highs_overruns_its_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = bin()
        .env("BOLIGMATCH_TEST_SOLVER_DELAY_MS", "20000")
        .args([
            "allocate",
            sample("ballerup-2014").to_str().unwrap(),
            "--solver",
            "milp",
            "--proposals",
            "1",
            "--time-limit",
            "0.5",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&read(&out, "summary.json")).unwrap();
    let p = &v["proposals"][0];
    assert_eq!(p["level1_priority"]["status"], "best_found");
    assert_eq!(p["level1_priority"]["gap"].as_f64(), Some(1.0));
    assert_eq!(p["level2_fit"]["status"], "best_found");
    assert!(p["housed"].as_u64().unwrap() > 0, "{p}");
}

/// Issue 13: an output folder holds exactly this run's files: a second run
/// without `--alternatives` removes the first run's alternatives.csv.
#[test]
fn a_second_run_removes_the_files_it_does_not_write() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let d = sample("ballerup-2014");
    for alternatives in ["1", "0"] {
        let o = run(&[
            "allocate",
            d.to_str().unwrap(),
            "--proposals",
            "1",
            "--alternatives",
            alternatives,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        assert_eq!(out.join("alternatives.csv").exists(), alternatives == "1");
    }
}

/// Ctrl-C (SIGINT) during a long search: the command stops, writes the best
/// plans found, each labelled (optimal or best found with its gap), and
/// exits 0; the folder holds whole files only.
#[cfg(unix)]
#[test]
fn ctrl_c_writes_the_best_plans_found_with_their_gap() {
    let tmp = tempfile::tempdir().unwrap();
    let round = tmp.path().join("m-all");
    let g = run(&[
        "generate",
        "--tier",
        "m",
        "--reach",
        "all",
        "--seed",
        "2",
        "--out",
        round.to_str().unwrap(),
    ]);
    assert!(g.status.success(), "{}", text(&g.stderr));
    let out = tmp.path().join("out");
    let child = bin()
        .args([
            "allocate",
            round.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_secs(3));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let done = child.wait_with_output().unwrap();
    assert_eq!(done.status.code(), Some(0), "{}", text(&done.stderr));
    assert!(text(&done.stderr).contains("Ctrl-C: stopping the search"));
    let summary: serde_json::Value = serde_json::from_slice(&read(&out, "summary.json")).unwrap();
    let proposals = summary["proposals"].as_array().unwrap();
    assert_eq!(proposals.len(), 3, "the neighbours come back too");
    for p in proposals {
        for level in ["level1_priority", "level2_fit"] {
            let status = p[level]["status"].as_str().unwrap();
            assert!(
                status == "optimal" || status == "best_found",
                "{level}: {status}"
            );
        }
    }
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with(".boligmatch-"))
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, ["proposals.csv", "summary.json", "unplaced.csv"]);
}
