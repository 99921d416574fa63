//! Issue 25, classes C to G: every input protected from every output, ids
//! and aliases as people see them, regular files only, every value escaped,
//! messages a user can act on. Each case runs the real binary on a fresh
//! copy of the sample round and asserts the exit code, the message and that
//! no file of the temporary folder changed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data-samples/ballerup-2014")
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
}

/// Every regular file below `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let t = e.file_type().unwrap();
            if t.is_dir() {
                stack.push(e.path());
            } else if t.is_file() {
                out.insert(e.path(), std::fs::read(e.path()).unwrap());
            }
        }
    }
    out
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
    let out = Command::new(env!("CARGO_BIN_EXE_boligmatch"))
        .args(&args)
        .output()
        .unwrap();
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
