//! Issue 25, classes C to G: every input protected from every output, ids
//! and aliases as people see them, regular files only, every value escaped,
//! messages a user can act on. Each case runs the real binary on a fresh
//! copy of the sample round and asserts the exit code, the message and that
//! no file of the temporary folder changed.

use crate::common::{copy_dir, snapshot};
use std::path::{Path, PathBuf};
use std::process::Command;

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data-samples/ballerup-2014")
}

/// Runs the binary on a fresh copy of the sample round (`{R}`, inside the
/// temporary folder `{T}`) after `setup`; asserts exit code 2, that `says`
/// is in the message once, that no raw control or format character reached
/// the terminal and that no file of the temporary folder changed. Returns
/// the message.
fn refused(args: &[&str], setup: impl FnOnce(&Path), says: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&sample(), &tmp.path().join("round"));
    setup(tmp.path());
    let before = snapshot(tmp.path());
    let round = tmp.path().join("round");
    let args: Vec<String> = args
        .iter()
        .map(|a| {
            a.replace("{R}", round.to_str().unwrap())
                .replace("{T}", tmp.path().to_str().unwrap())
        })
        .collect();
    let out = in_time(Command::new(env!("CARGO_BIN_EXE_boligmatch")).args(&args));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}\n{err}");
    assert_eq!(err.matches(says).count(), 1, "want {says:?} once in\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        !err.chars().any(|c| (c.is_control() && c != '\n')
            || ('\u{200b}'..='\u{200f}').contains(&c)
            || ('\u{202a}'..='\u{202e}').contains(&c)),
        "a raw control or format character reached the terminal: {err:?}"
    );
    assert_eq!(snapshot(tmp.path()), before, "a file changed: {args:?}");
    err
}

/// Runs a command, killing it and failing after a minute (a read that
/// waits for ever must fail the test, not hang it).
fn in_time(cmd: &mut Command) -> std::process::Output {
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("the command still ran after a minute: {cmd:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn write(path: &Path, text: &str) {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

const SIM: [&str; 7] = ["simulate", "{R}", "--weeks", "1", "--runs", "1", "--seed"];

fn sim(extra: &[&'static str]) -> Vec<&'static str> {
    let mut v = SIM.to_vec();
    v.push("3");
    v.extend(extra);
    v
}

/// C: `--report` onto the timeline's arrivals file.
#[test]
fn simulate_report_onto_an_arrivals_file_is_refused() {
    refused(
        &sim(&[
            "--timeline",
            "{R}/timeline.toml",
            "--report",
            "{R}/scenarios/intake-2015.csv",
        ]),
        |_| {},
        "would overwrite the input",
    );
}

/// C: `--out` into the folder of a timeline whose new-units file is named
/// like one of simulate's own outputs.
#[test]
fn simulate_out_onto_a_new_units_file_is_refused() {
    refused(
        &sim(&["--timeline", "{T}/t.toml", "--out", "{T}/o"]),
        |t| {
            std::fs::create_dir_all(t.join("o")).unwrap();
            write(
                &t.join("o/weekly.csv"),
                "unit_id,kind,places,rent_dkk,available_from,drug_free,gender,min_age,max_age,area\n\
                 N01,ordinary,1,4000,,false,any,18,29,Centrum\n",
            );
            write(
                &t.join("t.toml"),
                "[[new_units]]\nfile = \"o/weekly.csv\"\nfrom = 2015-01-05\n",
            );
        },
        "would overwrite the input",
    );
}

/// C: `--out` over the arrival mix, reached through `..`.
#[test]
fn simulate_out_onto_the_arrival_mix_is_refused() {
    refused(
        &sim(&["--timeline", "{T}/t/t.toml", "--out", "{T}/x/../o"]),
        |t| {
            std::fs::create_dir_all(t.join("o")).unwrap();
            std::fs::copy(t.join("round/people.csv"), t.join("o/goals.csv")).unwrap();
            write(
                &t.join("t/t.toml"),
                "arrival_rate = 0.5\narrival_mix = \"../o/goals.csv\"\n",
            );
        },
        "would overwrite the input",
    );
}

/// C: `--report` over the people file a scenario adds.
#[test]
fn simulate_report_onto_a_scenarios_people_file_is_refused() {
    refused(
        &sim(&[
            "--scenario",
            "{R}/scenarios/intake-2015.toml",
            "--report",
            "{R}/scenarios/intake-2015.csv",
        ]),
        |_| {},
        "would overwrite the input",
    );
}

/// C: `--report` over the scenario file itself and over the templates.
#[test]
fn simulate_report_onto_a_scenario_or_the_templates_is_refused() {
    refused(
        &sim(&[
            "--scenario",
            "{R}/scenarios/intake-2015.toml",
            "--report",
            "{R}/scenarios/intake-2015.toml",
        ]),
        |_| {},
        "would overwrite the input",
    );
    refused(
        &sim(&[
            "--sweep",
            "add=ordinary:0..1",
            "--templates",
            "{R}/scenarios/templates.toml",
            "--report",
            "{R}/scenarios/templates.toml",
        ]),
        |_| {},
        "would overwrite the input",
    );
}

/// Replaces the first `from` in a file of the round copy.
fn edit(t: &Path, file: &str, from: &str, to: &str) {
    let p = t.join("round").join(file);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    write(&p, &text.replacen(from, to, 1));
}

fn append(t: &Path, file: &str, text: &str) {
    let p = t.join("round").join(file);
    let mut all = std::fs::read_to_string(&p).unwrap();
    all.push_str(text);
    write(&p, &all);
}

/// D: a zero-width space after an id is refused with the cell named, not
/// read as a second person.
#[test]
fn an_id_with_a_zero_width_space_is_refused() {
    let err = refused(
        &["check", "{R}"],
        |t| edit(t, "people.csv", "\nP02,", "\nP01\u{200b},"),
        "contains an invisible or direction-changing character",
    );
    assert!(err.contains("people.csv:3: column \"person_id\""), "{err}");
    assert!(err.contains("P01\\u{200b}"), "{err}");
}

/// D and F: a right-to-left override in a staff id is refused and shown
/// escaped, never raw (checked by `refused`).
#[test]
fn an_id_with_a_right_to_left_override_is_refused_and_escaped() {
    let err = refused(
        &["check", "{R}"],
        |t| edit(t, "staff.csv", "\nS02,", "\nS\u{202e}20,"),
        "contains an invisible or direction-changing character",
    );
    assert!(err.contains("S\\u{202e}20"), "{err}");
}

/// D: a look-alike from another alphabet (Cyrillic Ѕ for S) is refused,
/// naming both ids and lines.
#[test]
fn ids_that_look_alike_are_refused_naming_both() {
    let err = refused(
        &["check", "{R}"],
        |t| edit(t, "staff.csv", "\nS02,", "\n\u{405}01,"),
        "looks like \"S01\" on line 2",
    );
    assert!(err.contains("staff.csv:3: column \"staff_id\""), "{err}");
}

/// D: an id typed with a combining accent is the same id as the composed
/// one (NFC): a duplicate, not two units.
#[test]
fn ids_are_compared_in_composed_form() {
    refused(
        &["check", "{R}"],
        |t| {
            edit(t, "units.csv", "\nU01,", "\nÜ01,");
            edit(t, "units.csv", "\nU02,", "\nU\u{308}01,");
        },
        "is a duplicate (first on line 2)",
    );
}

/// D: two aliases that read as one word but map apart are refused, naming
/// both.
#[test]
fn conflicting_aliases_are_refused_naming_both() {
    refused(
        &["check", "{R}"],
        |t| {
            append(
                t,
                "policy.toml",
                "\n[aliases.stay]\n\"på gaden\" = \"street\"\n\"Paa-Gaden\" = \"shelter\"\n",
            )
        },
        "\"Paa-Gaden\" and \"på gaden\" read as one word",
    );
}

/// D: an alias that a kind's label, a canonical value or a column name
/// already matches, mapped elsewhere, is refused: it would never be used.
#[test]
fn aliases_shadowed_by_the_contract_are_refused() {
    for (lines, says) in [
        (
            "[aliases.kind]\n\"Ordinary\" = \"club_room\"\n",
            "already reads as the id or a label of the kind \"ordinary\"",
        ),
        (
            "[aliases.stay]\n\"HOTEL\" = \"shelter\"\n",
            "already reads as the value \"hotel\" of stay",
        ),
        (
            "[aliases.columns]\n\"Age\" = \"income_dkk\"\n",
            "already reads as the column \"age\" of people.csv",
        ),
    ] {
        refused(
            &["check", "{R}"],
            |t| append(t, "policy.toml", &format!("\n{lines}")),
            says,
        );
    }
}

/// D and E: 9,800 aliases are read in linear time (they took 18 s per
/// round when each was compared with every other).
#[test]
fn many_aliases_are_read_quickly() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&sample(), &tmp.path().join("round"));
    let mut lines = String::from("\n[aliases.stay]\n");
    for i in 0..9_800 {
        lines.push_str(&format!("\"ophold {i}\" = \"street\"\n"));
    }
    append(tmp.path(), "policy.toml", &lines);
    let started = std::time::Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_boligmatch"))
        .args(["check", tmp.path().join("round").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
}

#[cfg(unix)]
fn fifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(ok.success());
}

/// E: a named pipe given as an input is refused at once, never waited on:
/// as an export, a timeline, a scenario.
#[cfg(unix)]
#[test]
fn a_named_pipe_as_an_input_is_refused_at_once() {
    let says = "is not a regular file";
    refused(
        &["check", "{R}", "--units", "{T}/units.csv"],
        |t| fifo(&t.join("units.csv")),
        says,
    );
    refused(
        &sim(&["--timeline", "{T}/timeline.toml"]),
        |t| fifo(&t.join("timeline.toml")),
        says,
    );
    refused(
        &["whatif", "{R}", "--scenario", "{T}/s.toml"],
        |t| fifo(&t.join("s.toml")),
        says,
    );
    refused(&["check", "{R}", "--people", "/dev/zero"], |_| {}, says);
}

/// F: `generate` names its folder escaped, whether it writes or refuses.
#[cfg(unix)]
#[test]
fn generate_prints_its_folder_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("a\u{1b}]0;owned\u{7}\u{202e}b");
    let out = out.to_str().unwrap();
    for want in [Some(0), Some(2)] {
        let o = in_time(
            Command::new(env!("CARGO_BIN_EXE_boligmatch"))
                .args(["generate", "--tier", "s", "--out", out]),
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), want, "{err}");
        assert!(err.contains("a\\u{1b}]0;owned\\u{7}\\u{202e}b"), "{err}");
        assert!(
            !err.contains('\u{1b}') && !err.contains('\u{202e}'),
            "{err:?}"
        );
    }
}

/// F: a warning quoting a header with a right-to-left override shows it
/// escaped.
#[test]
fn a_warning_shows_format_characters_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&sample(), &tmp.path().join("round"));
    edit(tmp.path(), "units.csv", ",area\n", ",area,\u{202e}noter\n");
    let o = in_time(
        Command::new(env!("CARGO_BIN_EXE_boligmatch"))
            .args(["check", tmp.path().join("round").to_str().unwrap()]),
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains('\u{202e}'), "{err:?}");
}

/// G: a date past the years read names the range, not "is not a date".
#[test]
fn a_date_out_of_range_names_the_range() {
    let err = refused(
        &sim(&["--until", "2999-12-31"]),
        |_| {},
        "from 1900-01-01 to 2200-12-31",
    );
    assert!(!err.contains("is not a date"), "{err}");
}

/// G: a TOML value of the wrong type names its key and what it takes; a
/// huge value or key is cut.
#[test]
fn a_toml_value_of_the_wrong_type_names_its_key() {
    for (line, says) in [
        ("horizon_days = \"four weeks\"", "key \"horizon_days\": \"four weeks\" is not a whole number; Units available within this many days of the round date count (0-3650)."),
        ("shared_living_gender_separated = \"ja\"", "key \"shared_living_gender_separated\": \"ja\" is not true or false"),
    ] {
        refused(
            &["check", "{R}"],
            |t| {
                let key = line.split(' ').next().unwrap();
                let p = t.join("round/policy.toml");
                let text = std::fs::read_to_string(&p).unwrap();
                let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with(key)).collect();
                write(&p, &format!("{}\n{line}\n", kept.join("\n")));
            },
            says,
        );
    }
    let huge = "9".repeat(400);
    let err = refused(
        &["check", "{R}"],
        |t| {
            edit(
                t,
                "policy.toml",
                "horizon_days = 28",
                &format!("horizon_days = {huge}"),
            )
        },
        "key \"horizon_days\"",
    );
    assert!(!err.contains(&"9".repeat(100)), "{err}");
    let err = refused(
        &["check", "{R}"],
        |t| {
            append(
                t,
                "policy.toml",
                &format!("{} = 1\n", "k".repeat(1_000_000)),
            )
        },
        "unknown field",
    );
    assert!(err.len() < 5_000, "{} bytes", err.len());
}

/// G: a round date written as a plain number says how to write it.
#[test]
fn a_round_date_as_a_number_says_how_to_write_it() {
    refused(
        &["check", "{R}"],
        |t| {
            edit(
                t,
                "policy.toml",
                "round_date = 2014-11-03",
                "round_date = 20141103",
            )
        },
        "key \"round_date\": 20141103 is not a date; write round_date = 2014-11-03",
    );
}

/// G: a file named by a flag is read even with a workbook of the same
/// name beside it; in the folder the two are still refused.
#[test]
fn an_explicit_export_beside_a_workbook_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let round = tmp.path().join("round");
    copy_dir(&sample(), &round);
    std::fs::write(round.join("units.xlsx"), b"PK\x03\x04 not read").unwrap();
    let r = round.to_str().unwrap();
    let units = round.join("units.csv");
    let o = in_time(Command::new(env!("CARGO_BIN_EXE_boligmatch")).args([
        "check",
        r,
        "--units",
        units.to_str().unwrap(),
    ]));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = in_time(Command::new(env!("CARGO_BIN_EXE_boligmatch")).args(["check", r]));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("units.csv and units.xlsx"), "{err}");
}

/// G: a byte-order mark inside units.csv (two exports pasted together) is
/// blamed on units.csv at its line.
#[test]
fn a_byte_order_mark_inside_a_file_is_blamed_on_its_line() {
    refused(
        &["check", "{R}"],
        |t| edit(t, "units.csv", "\nU05,", "\n\u{feff}U05,"),
        "holds a byte-order mark",
    );
    let err = refused(
        &["check", "{R}"],
        |t| {
            edit(
                t,
                "staff.csv",
                "\nS03,",
                "\n\u{feff}staff_id,gender,method,capacity\nS03,",
            )
        },
        "holds a byte-order mark",
    );
    assert!(err.contains("staff.csv:4: column \"staff_id\""), "{err}");
}

/// G: two scenario files of one name are refused, naming both files; so
/// is a scenario named like the base.
#[test]
fn scenarios_of_one_name_are_refused_naming_both() {
    let err = refused(
        &[
            "whatif",
            "{R}",
            "--scenario",
            "{T}/a.toml",
            "--scenario",
            "{T}/b.toml",
        ],
        |t| {
            write(&t.join("a.toml"), "name = \"More homes\"\n");
            write(&t.join("b.toml"), "name = \"more-homes\"\n");
        },
        "is also the name of",
    );
    assert!(err.contains("b.toml") && err.contains("a.toml"), "{err}");
    refused(
        &sim(&["--scenario", "{T}/a.toml"]),
        |t| write(&t.join("a.toml"), "name = \"Base\"\n"),
        "is also the name of the base round",
    );
    refused(
        &[
            "whatif",
            "{R}",
            "--scenarios",
            "{T}/s",
            "--scenario",
            "{T}/b.toml",
        ],
        |t| {
            write(&t.join("s/a.toml"), "name = \"x\"\n");
            write(&t.join("b.toml"), "name = \"X\"\n");
        },
        "is also the name of",
    );
}

/// F: a CPR number inside a free-text column of an export (a comment the
/// office's system adds) is refused like a CPR cell, its value never shown.
#[test]
fn a_cpr_number_inside_free_text_is_refused() {
    let err = refused(
        &["check", "{R}"],
        |t| {
            let p = t.join("round/people.csv");
            let text = std::fs::read_to_string(&p).unwrap();
            let mut lines: Vec<String> = text.lines().map(|l| format!("{l},")).collect();
            lines[0].push_str("details");
            lines[2].push_str("\"ring til mor, cpr 010190-1234\"");
            write(&p, &(lines.join("\n") + "\n"));
        },
        "looks like a Danish CPR number (value not shown)",
    );
    assert!(err.contains("people.csv:3: column \"details\""), "{err}");
    assert!(!err.contains("1234"), "{err}");
}

/// G: Ctrl-C before any simulation run finished says so, and speaks of no
/// `--time-limit` when none was given.
#[cfg(unix)]
#[test]
fn ctrl_c_in_simulate_speaks_of_no_time_limit_not_given() {
    use std::process::Stdio;
    let tmp = tempfile::tempdir().unwrap();
    let round = tmp.path().join("m");
    let bin = env!("CARGO_BIN_EXE_boligmatch");
    let made = in_time(
        Command::new(bin)
            .args(["generate", "--tier", "m", "--out"])
            .arg(&round),
    );
    assert!(made.status.success());
    // One run of ten years of a region takes many seconds.
    let child = Command::new(bin)
        .arg("simulate")
        .arg(&round)
        .args([
            "--weeks",
            "520",
            "--runs",
            "1",
            "--strategy",
            "priority_list",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_secs(3));
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("stopped (Ctrl-C) before any simulation run finished"),
        "{err}"
    );
    assert!(!err.contains("--time-limit"), "{err}");
}

/// G: a timeline's value of the wrong type names its key and what it takes.
#[test]
fn a_timeline_value_of_the_wrong_type_names_its_key() {
    refused(
        &sim(&["--timeline", "{T}/t.toml"]),
        |t| {
            write(
                &t.join("t.toml"),
                "response_weeks = 1\ndecline_probability = \"often\"\n",
            )
        },
        "key \"decline_probability\": \"often\" is not a probability from 0 to 1",
    );
}

/// D and F: a kind's label with a right-to-left override is refused (it
/// would turn the reports' text around), shown escaped.
#[test]
fn a_kind_label_with_a_direction_control_is_refused() {
    refused(
        &["check", "{R}"],
        |t| {
            append(
                t,
                "policy.toml",
                "\n[kinds.startbolig]\nlabel_da = \"Start\u{202e}bolig\"\nlabel_en = \"Starter home\"\nshared = false\n",
            )
        },
        "key \"kinds.startbolig.label_da\": must be 1-100 printable characters",
    );
}
