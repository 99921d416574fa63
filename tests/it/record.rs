//! Issue 25, classes B and H: `offer` and `record` write only records that
//! `check` accepts, under one set of record rules; the record's file is kept
//! as the office keeps it; the tool's own files are never an output. And a
//! property test: random `offer` and `record` runs, some killed with
//! `kill -9` while writing, never leave a record `check` refuses.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data-samples/ballerup-2014")
}

const HEADER: &str =
    "person_id,unit_id,staff_id,status,offered_on,respond_by,decided_on,moved_in_on,ended_on,reason,note\n";

/// The sample's exports in a new folder, with `record` (if any) as its
/// offers.csv.
fn folder(record: Option<&str>) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for f in ["units.csv", "people.csv", "staff.csv", "policy.toml"] {
        std::fs::copy(sample().join(f), tmp.path().join(f)).unwrap();
    }
    if let Some(r) = record {
        std::fs::write(tmp.path().join("offers.csv"), format!("{HEADER}{r}")).unwrap();
    }
    tmp
}

fn bin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_boligmatch"))
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `offer DIR --from FILE --respond-by 10-11-2014` with a proposals.csv of
/// the rows given.
fn offer_rows(dir: &Path, rows: &str) -> Output {
    let from = dir.join("proposals-by-hand.csv");
    std::fs::write(
        &from,
        format!("proposal,person_id,unit_id,staff_id\n{rows}"),
    )
    .unwrap();
    bin(&[
        "offer",
        s(dir),
        "--from",
        s(&from),
        "--respond-by",
        "10-11-2014",
    ])
}

/// The problems a command printed (one a line, `file:line: …`), without the
/// lines that frame them.
fn problems(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .map(str::trim)
        .filter(|l| l.contains("offers.csv:") || l.contains("people.csv:"))
        .map(String::from)
        .collect()
}

/// What `offer` refuses, `check` refuses with the same words: for each
/// hostile proposal row, `offer` fails and writes nothing, and the record it
/// would have written, made by hand, gets the same problems from `check`.
#[test]
fn offer_refuses_what_check_refuses_with_the_same_words() {
    // P01 is a man; U31 is for women; S99 and U99 do not exist.
    let hostile = [
        ("an unknown worker", "P05,U05,S99"),
        ("an unknown home", "P05,U99,S03"),
        ("a man in a women-only home", "P01,U31,S03"),
    ];
    for (what, row) in hostile {
        let dir = folder(None);
        let rows = format!("1,{row}\n");
        let o = offer_rows(dir.path(), &rows);
        assert_eq!(o.status.code(), Some(2), "{what}: {}", text(&o.stderr));
        assert!(
            !dir.path().join("offers.csv").exists(),
            "{what}: a record was written"
        );
        // The record the offer would have made, by hand: check refuses it
        // with the problems offer gave (when check sees it as one record).
        let lines = format!("{row},pending,2014-11-03,2014-11-10,,,,,\n");
        std::fs::write(dir.path().join("offers.csv"), format!("{HEADER}{lines}")).unwrap();
        let c = bin(&["check", s(dir.path())]);
        assert_eq!(c.status.code(), Some(2), "{what}: check accepted it");
        let (by_offer, by_check) = (problems(&text(&o.stderr)), problems(&text(&c.stderr)));
        for p in &by_check {
            assert!(
                by_offer.contains(p),
                "{what}: check says {p:?}, offer said {}",
                text(&o.stderr)
            );
        }
    }
}

/// The wrong method: a worker whose method the person's need does not
/// allow, found by asking `check` about each worker in turn.
#[test]
fn offer_refuses_a_worker_of_the_wrong_method() {
    let staff = ["S01", "S02", "S03", "S04", "S05", "S06", "S07", "S08"];
    let mut refused = 0;
    for st in staff {
        let line = format!("P05,U05,{st},pending,2014-11-03,2014-11-10,,,,,\n");
        let by_hand = folder(Some(&line));
        let c = bin(&["check", s(by_hand.path())]);
        let dir = folder(None);
        let o = offer_rows(dir.path(), &format!("1,P05,U05,{st}\n"));
        // Offer and check agree, worker by worker.
        assert_eq!(
            o.status.code() == Some(0),
            c.status.code() == Some(0),
            "{st}: offer {} / check {}",
            text(&o.stderr),
            text(&c.stderr)
        );
        if c.status.code() != Some(0) {
            refused += 1;
            assert!(!dir.path().join("offers.csv").exists());
        }
    }
    assert!(refused > 0, "no worker of a method P05 may not have");
}

/// An offer that expired is not taken up after the home was offered again,
/// so two people never move into a one-place home.
#[test]
fn an_expired_offer_cannot_be_accepted() {
    let dir = folder(Some(
        "P05,U05,S03,pending,2014-10-20,2014-10-27,,,,,\nP06,U05,S04,pending,2014-11-03,2014-11-10,,,,,\n",
    ));
    let before = std::fs::read(dir.path().join("offers.csv")).unwrap();
    for status in ["accepted", "moved_in"] {
        let o = bin(&[
            "record",
            s(dir.path()),
            "--person",
            "P05",
            "--status",
            status,
            "--on",
            "2014-11-05",
        ]);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
        assert!(text(&o.stderr).contains("expired"), "{}", text(&o.stderr));
        assert_eq!(
            std::fs::read(dir.path().join("offers.csv")).unwrap(),
            before
        );
    }
    // Withdrawing it is how the line closes.
    let o = bin(&[
        "record",
        s(dir.path()),
        "--person",
        "P05",
        "--status",
        "withdrawn",
        "--on",
        "2014-11-05",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

/// A copied closed line, one person in two homes at once, a kept offer of a
/// home the round does not have: `check` and `history` refuse them, naming
/// the lines.
#[test]
fn a_copied_line_or_two_homes_at_once_is_refused_by_the_record_check() {
    let cases = [
        (
            "P05,U05,S03,declined,2014-10-01,2014-10-08,2014-10-02,,,location,\n\
             P05,U05,S03,declined,2014-10-01,2014-10-08,2014-10-02,,,location,\n",
            "repeats line 2",
        ),
        (
            "P05,U05,S03,moved_out,2014-09-01,,2014-09-02,2014-09-03,2014-10-20,moved_on,\n\
             P05,U06,S03,moved_out,2014-09-10,,2014-09-11,2014-09-12,2014-10-01,left,\n",
            "while living in U05 (line 2",
        ),
        // What only the round sees: history refuses it as check does.
        (
            "P05,U99,S03,pending,2014-11-01,2014-11-10,,,,,\n",
            "unit U99, which is not in units.csv",
        ),
    ];
    for (lines, said) in cases {
        let dir = folder(Some(lines));
        let c = bin(&["check", s(dir.path())]);
        assert_eq!(c.status.code(), Some(2), "{}", text(&c.stderr));
        assert!(text(&c.stderr).contains(said), "{}", text(&c.stderr));
        // history over the one week, with the record beside it.
        let parent = tempfile::tempdir().unwrap();
        let week = parent.path().join("uge45");
        std::fs::rename(dir.path(), &week)
            .or_else(|_| copy_dir(dir.path(), &week))
            .unwrap();
        std::fs::rename(week.join("offers.csv"), parent.path().join("offers.csv")).unwrap();
        let h = bin(&[
            "history",
            s(&week),
            "--offers",
            s(&parent.path().join("offers.csv")),
        ]);
        assert_eq!(h.status.code(), Some(2), "{}", text(&h.stdout));
        assert!(text(&h.stderr).contains(said), "{}", text(&h.stderr));
    }
}

/// The record's own invariants at their edges: a move out and a move into
/// another home on one day is one home at a time; two declines of one home
/// on different days are two lines, not a copy; a tenancy not ended and a
/// later move is two homes at once.
#[test]
fn the_record_invariants_at_their_edges() {
    let read = |lines: &str| {
        let bytes = format!("{HEADER}{lines}").into_bytes();
        boligmatch::weekly::record::parse_checked("offers.csv", &bytes)
    };
    let same_day = "P05,U05,S03,moved_out,2014-09-01,,2014-09-02,2014-09-03,2014-10-01,left,
                    P05,U06,S03,moved_in,2014-09-20,,2014-09-21,2014-10-01,,,
";
    assert!(read(same_day).is_ok());
    let two_declines = "P05,U05,S03,declined,2014-09-01,,2014-09-02,,,rent,
                        P05,U05,S03,declined,2014-10-01,,2014-10-02,,,rent,
";
    assert!(read(two_declines).is_ok());
    let not_ended = "P05,U05,S03,moved_out,2014-09-01,,2014-09-02,2014-09-03,,left,
                     P05,U06,S03,moved_in,2014-09-20,,2014-09-21,2014-10-01,,,
";
    let problems = read(not_ended).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.line == Some(3) && p.message.contains("one home at a time")),
        "{problems:?}"
    );
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        std::fs::copy(e.path(), to.join(e.file_name()))?;
    }
    Ok(())
}

const OPEN: &str = "P05,U05,S03,pending,2014-11-03,2014-11-10,,,,,\n";

fn answer(dir: &Path, status: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "record",
        s(dir),
        "--person",
        "P05",
        "--status",
        status,
        "--on",
        "2014-11-04",
    ];
    args.extend_from_slice(extra);
    bin(&args)
}

/// Rewriting keeps the record's mode; a read-only record is refused with
/// what to do, and nothing is written.
#[cfg(unix)]
#[test]
fn the_record_keeps_its_mode_and_a_read_only_one_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = folder(Some(OPEN));
    let record = dir.path().join("offers.csv");
    std::fs::set_permissions(&record, std::fs::Permissions::from_mode(0o664)).unwrap();
    let o = answer(dir.path(), "accepted", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let mode = std::fs::metadata(&record).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o664);
    std::fs::set_permissions(&record, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&record).unwrap();
    let o = answer(dir.path(), "moved_in", &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("read-only"), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("nothing was written"));
    assert_eq!(std::fs::read(&record).unwrap(), before);
    let mode = std::fs::metadata(&record).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o444);
}

/// A copy left by a killed run (`.offers.csv.tmp-PID`) is gone after the
/// next command; a file of another name is left alone.
#[test]
fn a_killed_run_s_copy_does_not_survive_the_next_command() {
    let dir = folder(Some(OPEN));
    let stale = dir.path().join(".offers.csv.tmp-4242");
    let other = dir.path().join(".offers.csv.tmp-notes");
    std::fs::write(&stale, "half a record").unwrap();
    std::fs::write(&other, "mine").unwrap();
    let o = answer(dir.path(), "accepted", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(!stale.exists());
    assert!(other.exists());
}

/// A reading command (`check`, `history`) removes a killed run's copy too,
/// when the record's lock is free; while a run holds it, the copy is that
/// run's and stays.
#[test]
fn a_reading_command_removes_a_copy_only_when_the_lock_is_free() {
    let dir = folder(Some(OPEN));
    let stale = dir.path().join(".offers.csv.tmp-4243");
    let lock_path = dir.path().join(".offers.csv.lock");
    std::fs::write(&stale, "half a record").unwrap();
    let lock = std::fs::File::create(&lock_path).unwrap();
    lock.lock().unwrap();
    let c = bin(&["check", s(dir.path())]);
    assert_eq!(c.status.code(), Some(0), "{}", text(&c.stderr));
    assert!(stale.exists(), "a copy removed under another run's lock");
    lock.unlock().unwrap();
    let c = bin(&["check", s(dir.path())]);
    assert_eq!(c.status.code(), Some(0), "{}", text(&c.stderr));
    assert!(!stale.exists());
}

/// A note that looks like a formula is guarded in the file and reads back
/// as it was written.
#[test]
fn a_guarded_note_reads_back_as_written() {
    let dir = folder(Some(OPEN));
    let o = answer(
        dir.path(),
        "declined",
        &["--reason", "location", "--note=-2 days"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let file = std::fs::read_to_string(dir.path().join("offers.csv")).unwrap();
    assert!(file.contains(",'-2 days\r\n"), "{file}");
    let bytes = std::fs::read(dir.path().join("offers.csv")).unwrap();
    let bytes: &[u8] = &bytes;
    let rec = boligmatch::weekly::record::parse_checked("offers.csv", bytes).unwrap();
    assert_eq!(rec.lines[0].note, "-2 days");
    assert_eq!(boligmatch::output::unguard("'+45 1234"), "+45 1234");
    assert_eq!(boligmatch::output::unguard("'quoted"), "'quoted");
}

/// A folder that keeps its record as offers.xlsx (no offers.csv): reading
/// commands read the workbook; offer and record refuse to start a second
/// record beside it, and write nothing.
#[test]
fn a_record_kept_as_a_workbook_is_read_and_never_doubled() {
    let dir = folder(None);
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheet = wb.add_worksheet();
    for (c, h) in HEADER.trim().split(',').enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    // A kept offer to someone not in people.csv: `check` reads the
    // workbook when it names the line.
    for (c, v) in ["P99", "U05", "S03", "pending", "2014-11-03", "2014-11-10"]
        .iter()
        .enumerate()
    {
        sheet.write_string(1, c as u16, *v).unwrap();
    }
    wb.save(dir.path().join("offers.xlsx")).unwrap();
    let c = bin(&["check", s(dir.path())]);
    assert_eq!(c.status.code(), Some(2), "{}", text(&c.stdout));
    assert!(text(&c.stderr).contains("P99"), "{}", text(&c.stderr));
    let o = offer_rows(dir.path(), "1,P05,U05,S03\n");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("save it as offers.csv"),
        "{}",
        text(&o.stderr)
    );
    let o = answer(dir.path(), "accepted", &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("save it as offers.csv"),
        "{}",
        text(&o.stderr)
    );
    assert!(!dir.path().join("offers.csv").exists());
}

/// Class H: the tool's own files are never replaced by a report.
#[test]
fn the_tool_s_own_files_are_never_a_report() {
    let dir = folder(None);
    let out = dir.path().join("out");
    let o = bin(&["allocate", s(dir.path()), "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    for own in [
        ".boligmatch-lock",
        ".boligmatch-manifest",
        ".offers.csv.lock",
    ] {
        let target = if own.starts_with(".offers") {
            dir.path().join(own)
        } else {
            out.join(own)
        };
        let before = std::fs::read(&target).ok();
        let o = bin(&["allocate", s(dir.path()), "--report", s(&target)]);
        assert_eq!(o.status.code(), Some(2), "{own}: {}", text(&o.stderr));
        assert!(
            text(&o.stderr).contains("boligmatch's own"),
            "{}",
            text(&o.stderr)
        );
        assert_eq!(std::fs::read(&target).ok(), before, "{own} was replaced");
    }
}

/// A small deterministic generator (xorshift64), so that a failing run
/// repeats exactly.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }

    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len() as u64) as usize]
    }
}

/// The record's lines as (person, unit, status), read in the test.
fn lines_of(record: &Path) -> Vec<(String, String, String)> {
    let Ok(bytes) = std::fs::read(record) else {
        return Vec::new();
    };
    let text = String::from_utf8(bytes).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    r.records()
        .map(|row| {
            let row = row.unwrap();
            (row[0].to_string(), row[1].to_string(), row[3].to_string())
        })
        .collect()
}

/// Places per home, from the sample's units.csv.
fn places() -> std::collections::BTreeMap<String, usize> {
    let text = std::fs::read_to_string(sample().join("units.csv")).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    r.records()
        .map(|row| {
            let row = row.unwrap();
            (row[0].to_string(), row[2].parse().unwrap())
        })
        .collect()
}

/// What must hold after every step, killed or not: `check` accepts the
/// record; no home has more tenants and kept offers than places; nobody is
/// in two homes or has two open lines; `history` counts the move-ins the
/// record's lines hold; no temporary copy after a command that finished,
/// nor after the `check` that follows a killed one.
fn assert_whole(week: &Path, record: &Path, finished: bool, step: usize) {
    let dir = record.parent().unwrap();
    let no_copies = |after: &str| {
        let copies: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp-"))
            .collect();
        assert!(
            copies.is_empty(),
            "step {step}: {copies:?} left after {after}"
        );
    };
    if finished {
        no_copies("the command");
    }
    if !record.exists() {
        return;
    }
    let c = bin(&["check", s(week), "--offers", s(record)]);
    assert_eq!(c.status.code(), Some(0), "step {step}: {}", text(&c.stderr));
    // A killed run's copy does not survive the next command, even `check`.
    no_copies("check");
    let lines = lines_of(record);
    let open = |st: &str| matches!(st, "pending" | "accepted" | "moved_in");
    let places = places();
    for (unit, n) in &places {
        let used = lines.iter().filter(|l| l.1 == *unit && open(&l.2)).count();
        assert!(used <= *n, "step {step}: {unit} holds {used} of {n} places");
    }
    let mut housed = std::collections::BTreeSet::new();
    for (person, ..) in &lines {
        let mine = lines.iter().filter(|l| l.0 == *person);
        assert!(
            mine.clone().filter(|l| open(&l.2)).count() <= 1,
            "step {step}: {person}"
        );
        assert!(
            mine.filter(|l| l.2 == "moved_in").count() <= 1,
            "step {step}: {person}"
        );
    }
    let moved: Vec<_> = lines
        .iter()
        .filter(|l| matches!(l.2.as_str(), "moved_in" | "moved_out"))
        .inspect(|l| {
            housed.insert(l.0.clone());
        })
        .collect();
    let h = bin(&[
        "history",
        s(week),
        "--offers",
        s(record),
        "--format",
        "json",
    ]);
    assert_eq!(h.status.code(), Some(0), "step {step}: {}", text(&h.stderr));
    let rows: serde_json::Value = serde_json::from_slice(&h.stdout).unwrap();
    assert_eq!(rows[0]["moved_in"], moved.len(), "step {step}");
    assert_eq!(rows[0]["housed_so_far"], housed.len(), "step {step}");
}

/// Random sequences of `offer` and `record` on the sample round, about a
/// third of them killed (`kill -9`) at a random moment, the write slowed
/// by the output layer's delay hook so that kills land inside it.
#[cfg(unix)]
#[test]
fn random_offers_and_answers_some_killed_keep_the_record_whole() {
    let parent = tempfile::tempdir().unwrap();
    let week = parent.path().join("uge45");
    copy_dir(folder(None).path(), &week).unwrap();
    let record = parent.path().join("offers.csv");
    let out = parent.path().join("out");
    let o = bin(&["allocate", s(&week), "--proposals", "1", "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let from = out.join("proposals.csv");
    let placed: Vec<String> = {
        let mut r = csv::Reader::from_path(&from).unwrap();
        let at = r.headers().unwrap().iter().position(|h| h == "person_id");
        let at = at.unwrap();
        r.records()
            .map(|row| row.unwrap()[at].to_string())
            .collect()
    };
    assert!(placed.len() > 3);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let answers = [
        ("accepted", None),
        ("declined", Some("location")),
        ("withdrawn", None),
        ("moved_in", None),
        ("moved_out", Some("moved_on")),
    ];
    // Commands refused and done.
    let mut done = [0; 2];
    // Kills that left a copy behind (inside the write).
    let mut interrupted = 0;
    for step in 0..40 {
        let mut args: Vec<String> = if step == 0 || rng.below(5) < 2 {
            let who = (0..=rng.below(2)).map(|_| rng.pick(&placed).clone());
            let who: Vec<String> = who.collect();
            let from = s(&from).to_string();
            [
                "offer",
                s(&week),
                "--from",
                &from,
                "--respond-by",
                "2014-11-10",
            ]
            .iter()
            .map(|a| a.to_string())
            .chain(["--people".into(), who.join(",")])
            .collect()
        } else {
            let (status, reason) = *rng.pick(&answers);
            // Mostly someone with an open line, so that lines move on.
            let open: Vec<String> = lines_of(&record)
                .into_iter()
                .filter(|l| matches!(l.2.as_str(), "pending" | "accepted" | "moved_in"))
                .map(|l| l.0)
                .collect();
            let person = if open.is_empty() || rng.below(4) == 0 {
                rng.pick(&placed).clone()
            } else {
                rng.pick(&open).clone()
            };
            let mut a: Vec<String> = ["record", s(&week), "--person", &person]
                .iter()
                .map(|a| a.to_string())
                .collect();
            a.extend([
                "--status".into(),
                status.into(),
                "--on".into(),
                "2014-11-03".into(),
            ]);
            a.extend(reason.map(|r| format!("--reason={r}")));
            a
        };
        args.extend(["--offers".into(), s(&record).into()]);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_boligmatch"));
        cmd.args(&args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        let killed = rng.below(3) == 0;
        if killed {
            cmd.env("BOLIGMATCH_TEST_COMMIT_DELAY_MS", "150");
            let mut child = cmd.spawn().unwrap();
            std::thread::sleep(std::time::Duration::from_millis(20 + rng.below(230)));
            let _ = child.kill();
            let _ = child.wait();
            let copy = std::fs::read_dir(parent.path())
                .unwrap()
                .any(|e| e.unwrap().file_name().to_string_lossy().contains(".tmp-"));
            interrupted += usize::from(copy);
        } else {
            let o = cmd.output().unwrap();
            let code = o.status.code();
            assert!(
                matches!(code, Some(0 | 2)),
                "step {step}: {args:?} {}",
                text(&o.stderr)
            );
            done[usize::from(code == Some(0))] += 1;
        }
        assert_whole(&week, &record, !killed, step);
    }
    // The sequence did things and was refused things.
    assert!(done[0] > 0 && done[1] > 5, "refused, done: {done:?}");
    eprintln!("refused, done: {done:?}; killed inside the write: {interrupted}");
}

/// An output file that could not be replaced at the commit point (here
/// read-only; on Windows also one Excel holds open) is found before
/// anything is written: exit 2, the file named, every output as it was.
#[cfg(unix)]
#[test]
fn a_read_only_output_is_refused_before_anything_is_written() {
    use std::os::unix::fs::PermissionsExt;
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data-samples/ballerup-2014");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let allocate = || {
        Command::new(env!("CARGO_BIN_EXE_boligmatch"))
            .args([
                "allocate",
                sample.to_str().unwrap(),
                "--proposals",
                "1",
                "--out",
            ])
            .arg(&out)
            .output()
            .unwrap()
    };
    assert_eq!(allocate().status.code(), Some(0));
    let held = out.join("unplaced.csv");
    std::fs::set_permissions(&held, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = crate::common::snapshot(&out);
    let o = allocate();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("unplaced.csv")
            && err.contains("read-only")
            && err.contains("nothing was written"),
        "{err}"
    );
    assert_eq!(crate::common::snapshot(&out), before, "an output changed");
}
