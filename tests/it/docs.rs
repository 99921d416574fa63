//! The examples in `docs/formats.md` and `docs/what-if.md` are run: every
//! fenced block tagged `toml policy` is read as policy.toml with the sample
//! round, every `toml scenario` is applied to it, every `toml templates` is
//! planned with, and every line of a `sh run` block runs in a copy of
//! `data-samples/` and must exit 0.

use crate::common::copy_dir;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The fenced blocks of a document: (info string, text).
fn blocks(doc: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(root().join(doc)).unwrap();
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) => current = Some((info.trim().to_string(), String::new())),
            (Some(_), Some(_)) => out.push(current.take().unwrap()),
            (Some((_, body)), None) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    out
}

fn boligmatch(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_boligmatch"))
        .current_dir(dir)
        .env_remove("RAYON_NUM_THREADS")
        .args(args)
        .output()
        .unwrap()
}

fn assert_ok(o: &std::process::Output, what: &str) {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{what}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn the_examples_in_the_docs_run() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    copy_dir(&root().join("data-samples"), &work.join("data-samples"));
    let sample = work.join("data-samples/ballerup-2014");
    let mut ran = 0;
    for doc in ["docs/formats.md", "docs/what-if.md"] {
        let mut policy = String::new();
        for (i, (info, body)) in blocks(doc).into_iter().enumerate() {
            let what = format!("{doc}, block {} ({info})", i + 1);
            match info.as_str() {
                "toml policy" => policy.push_str(&body),
                "toml scenario" => {
                    let dir = work.join(format!("scenario-{i}"));
                    std::fs::create_dir_all(&dir).unwrap();
                    std::fs::write(dir.join("example.toml"), &body).unwrap();
                    let o = boligmatch(
                        work,
                        &[
                            "whatif",
                            sample.to_str().unwrap(),
                            "--scenarios",
                            dir.to_str().unwrap(),
                        ],
                    );
                    assert_ok(&o, &what);
                    ran += 1;
                }
                "toml templates" => {
                    let t = work.join(format!("templates-{i}.toml"));
                    std::fs::write(&t, &body).unwrap();
                    let o = boligmatch(
                        work,
                        &[
                            "plan",
                            sample.to_str().unwrap(),
                            "--templates",
                            t.to_str().unwrap(),
                        ],
                    );
                    assert_ok(&o, &what);
                    ran += 1;
                }
                "sh run" => {
                    for line in body.lines().filter(|l| l.starts_with("boligmatch ")) {
                        let args: Vec<String> = line
                            .split_whitespace()
                            .skip(1)
                            .map(|a| a.trim_matches('\'').to_string())
                            .collect();
                        let args: Vec<&str> = args.iter().map(String::as_str).collect();
                        assert_ok(&boligmatch(work, &args), &format!("{what}: {line}"));
                        ran += 1;
                    }
                }
                _ => {}
            }
        }
        if !policy.is_empty() {
            // Every policy example of the document together, with the sample's exports.
            let dir = work.join(format!("policy-{}", doc.replace('/', "-")));
            std::fs::create_dir_all(&dir).unwrap();
            for f in ["units.csv", "people.csv", "staff.csv"] {
                std::fs::copy(sample.join(f), dir.join(f)).unwrap();
            }
            std::fs::write(dir.join("policy.toml"), &policy).unwrap();
            assert_ok(&boligmatch(work, &["check", dir.to_str().unwrap()]), doc);
            ran += 1;
        }
    }
    assert!(ran >= 4, "only {ran} examples ran");
}

/// The columns `docs/output-files.md` lists under each `### file` heading:
/// file name → every column named in a table row (`| \`col\` | …`).
fn documented_columns() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let text = std::fs::read_to_string(root().join("docs/output-files.md")).unwrap();
    let mut out: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    let mut file: Option<String> = None;
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("### ") {
            file = Some(h.trim().to_string());
        } else if line.starts_with("## ") {
            file = None;
        } else if let (Some(f), Some(rest)) = (&file, line.strip_prefix("| `")) {
            if let Some((col, _)) = rest.split_once('`') {
                out.entry(f.clone()).or_default().insert(col.to_string());
            }
        }
    }
    out
}

/// Every column of every CSV file the commands write is listed in
/// `docs/output-files.md` under its file. The CSV files are those the
/// golden tests keep (written by the real commands: allocate, whatif, plan,
/// history, simulate, and checked byte for byte against the current
/// binary), and the offers record's columns.
#[test]
fn every_output_column_is_documented() {
    let documented = documented_columns();
    let strings = |cols: &[&str]| cols.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    let mut written: Vec<(String, Vec<String>)> = vec![
        (
            "offers.csv".into(),
            strings(&boligmatch::weekly::record::COLUMNS),
        ),
        // Written only with --sweep and --xlsx: not in the golden runs.
        (
            "sweep.csv".into(),
            strings(&boligmatch::simulate::SWEEP_COLUMNS),
        ),
    ];
    let dir = root().join("data-samples/ballerup-2014");
    let day = boligmatch::NaiveDate::from_ymd_opt(2014, 11, 3).unwrap();
    let round = boligmatch::load(&boligmatch::RoundPaths::in_dir(&dir), day)
        .unwrap()
        .round;
    let outcome = boligmatch::allocate(&round, &boligmatch::Options::default()).unwrap();
    written.push((
        "goals (a sheet of `proposals.xlsx` only)".into(),
        strings(&boligmatch::report::files::goals_table(&outcome).headers),
    ));
    let golden = root().join("tests/golden");
    for case in std::fs::read_dir(&golden).unwrap() {
        for f in std::fs::read_dir(case.unwrap().path()).unwrap() {
            let path = f.unwrap().path();
            if path.extension().is_some_and(|e| e == "csv") {
                let text = std::fs::read_to_string(&path).unwrap();
                let header = text
                    .trim_start_matches('\u{feff}')
                    .lines()
                    .next()
                    .unwrap_or("");
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                written.push((name, header.split(',').map(str::to_string).collect()));
            }
        }
    }
    let mut missing = Vec::new();
    for (file, columns) in &written {
        for c in columns {
            if !documented.get(file).is_some_and(|d| d.contains(c)) {
                missing.push(format!("{file}: {c}"));
            }
        }
    }
    missing.sort();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "columns written but not in docs/output-files.md:\n{}",
        missing.join("\n")
    );
    assert!(
        written.len() >= 10,
        "too few files found: {}",
        written.len()
    );
}
