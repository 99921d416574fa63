//! Writing outputs atomically: every file is staged in a temporary file beside
//! its target, and only when all are staged are they renamed into place. A
//! failure leaves the folder as it was. Inputs are never overwritten.

use crate::error::{Error, OutputProblem, OutputRole, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

mod record;
pub use record::{remove_record_copies, update_locked, LOCK_WAIT};

/// Writes `files` (name, bytes) into `dir`, all or nothing.
///
/// Refuses, before writing anything, a target that is one of `inputs` (after
/// resolving symbolic links and `..`), or that exists and is not a regular
/// file (a folder, device or pipe).
pub fn write_all(dir: &Path, files: &[(String, Vec<u8>)], inputs: &[&Path]) -> Result<()> {
    let targets: Vec<PathBuf> = files.iter().map(|(n, _)| dir.join(n)).collect();
    check_targets(&targets, inputs)?;
    write_all_failing_at(dir, files, inputs, None)
}

/// Output files by name, with their bytes.
pub type Files = Vec<(String, Vec<u8>)>;

/// Everything one run writes: the files of `--out` and the report.
#[derive(Debug, Default)]
pub struct Run<'a> {
    /// The output folder and its files (name, bytes).
    pub out: Option<(&'a Path, Files)>,
    /// The report file and its bytes.
    pub report: Option<(&'a Path, Vec<u8>)>,
}

impl Run<'_> {
    /// Checks every target against every input and against each other, then
    /// commits the output folder first and the report last (they may be on
    /// different file systems), so that a report never describes outputs that
    /// are not there. Nothing is written when a check fails.
    pub fn commit(self, inputs: &[&Path]) -> Result<()> {
        let mut targets: Vec<PathBuf> = Vec::new();
        if let Some((dir, files)) = &self.out {
            if dir.exists() && !dir.is_dir() {
                return Err(Error::Output {
                    role: OutputRole::Folder,
                    path: dir.to_path_buf(),
                    problem: OutputProblem::NotAFolder,
                });
            }
            targets.extend(files.iter().map(|(n, _)| dir.join(n)));
            // The files of the previous run that this one removes are
            // written, too: never an input.
            let stale = read_manifest(dir)
                .into_iter()
                .filter(|old| !files.iter().any(|(n, _)| n == old));
            targets.extend(stale.map(|n| dir.join(n)));
        }
        if let Some((path, _)) = &self.report {
            if path.file_name().is_none() {
                return Err(Error::Output {
                    role: OutputRole::Report,
                    path: path.to_path_buf(),
                    problem: OutputProblem::NotAFileName,
                });
            }
            let report = resolve(path);
            if let Some(t) = targets.iter().find(|t| resolve(t) == report) {
                return Err(Error::Output {
                    role: OutputRole::Report,
                    path: path.to_path_buf(),
                    problem: OutputProblem::InTheFolder(t.clone()),
                });
            }
            targets.push(path.to_path_buf());
        }
        check_targets(&targets, inputs)?;
        if let Some((dir, files)) = &self.out {
            commit_folder(dir, files, None)?;
        }
        if let Some((path, bytes)) = self.report {
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            write_all_failing_at(dir, &[(name, bytes)], inputs, None)?;
        }
        Ok(())
    }
}

/// Where `path` really leads: absolute, symbolic links and `..` resolved,
/// also for a file that does not exist yet (through its nearest existing
/// ancestor).
pub fn resolve(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    if let Ok(p) = absolute.canonicalize() {
        return p;
    }
    // The nearest ancestor that exists, resolved; the rest appended as written.
    let mut rest = Vec::new();
    let mut base = absolute.as_path();
    while let Some(parent) = base.parent() {
        rest.push(base.file_name().map(|n| n.to_os_string()));
        base = parent;
        if let Ok(real) = base.canonicalize() {
            let mut out = real;
            for part in rest.into_iter().rev() {
                match part {
                    Some(name) => out.push(name),
                    None => {
                        out.pop();
                    }
                }
            }
            return out;
        }
    }
    absolute
}

/// Refuses a target that is an input (resolved), or that exists and is not a
/// regular file.
fn check_targets(targets: &[PathBuf], inputs: &[&Path]) -> Result<()> {
    let inputs: Vec<(PathBuf, &Path)> = inputs.iter().map(|i| (resolve(i), *i)).collect();
    for t in targets {
        if let Some(what) = own_file(t) {
            return Err(Error::Refused(format!(
                "{} is boligmatch's own {what}; it is never replaced by an output — choose another output path",
                t.display()
            )));
        }
        if let Some(reserved) = reserved_name(t) {
            return Err(Error::Refused(format!(
                "{}: {reserved} is a device name on Windows, not a file name; choose another name",
                t.display()
            )));
        }
        let real = resolve(t);
        if let Some((_, input)) = inputs.iter().find(|(r, _)| *r == real) {
            return Err(Error::Refused(format!(
                "{} would overwrite the input {}; choose another output path",
                t.display(),
                input.display()
            )));
        }
        if let Ok(meta) = std::fs::metadata(t) {
            if !meta.is_file() {
                return Err(Error::Refused(format!(
                    "{} exists and is not a regular file (a folder, device or pipe); choose another output path",
                    t.display()
                )));
            }
            replaceable(t, &meta)?;
        }
    }
    Ok(())
}

/// Refuses, before anything is written, an existing target that could not
/// be replaced at the commit point: a read-only file (every platform), or
/// on Windows a file another program holds open without sharing it for
/// writing, as Excel does with a workbook or CSV file it shows.
fn replaceable(t: &Path, meta: &std::fs::Metadata) -> Result<()> {
    let name = t.file_name().map_or_else(
        || t.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    if meta.permissions().readonly() {
        return Err(Error::Refused(format!(
            "{} is read-only; nothing was written — make {name} writable (or choose another output path) and run again",
            t.display()
        )));
    }
    if held_open(t) {
        return Err(Error::Refused(format!(
            "{} is open in another program; nothing was written — close {name} in Excel and run again",
            t.display()
        )));
    }
    Ok(())
}

/// Whether another program holds the file open without letting others
/// write it (Windows' sharing violation or lock violation).
#[cfg(windows)]
fn held_open(t: &Path) -> bool {
    const SHARING_VIOLATION: i32 = 32;
    const LOCK_VIOLATION: i32 = 33;
    matches!(
        std::fs::OpenOptions::new().append(true).open(t),
        Err(e) if matches!(e.raw_os_error(), Some(SHARING_VIOLATION | LOCK_VIOLATION))
    )
}

/// Unix lets a file be replaced whoever holds it open.
#[cfg(not(windows))]
fn held_open(_: &Path) -> bool {
    false
}

/// A name Windows keeps for a device (`CON`, `PRN`, `AUX`, `NUL`, `COM1`–`COM9`,
/// `LPT1`–`LPT9`, with any extension and in any case), refused on every
/// platform so that an output folder means the same on the office's PCs.
fn reserved_name(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    let stem = name.split('.').next()?.trim_end().to_ascii_uppercase();
    let numbered = |prefix: &str| {
        stem.strip_prefix(prefix)
            .is_some_and(|n| n.len() == 1 && n.as_bytes()[0].is_ascii_digit() && n != "0")
    };
    let reserved = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || numbered("COM")
        || numbered("LPT");
    reserved.then_some(name)
}

/// What a file of boligmatch's own is (its folder lock, manifest, commit
/// record, staging, or a record's lock or temporary copy), by its name.
fn own_file(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_string_lossy();
    let record_copy = name.starts_with('.')
        && name
            .rsplit_once(".tmp-")
            .is_some_and(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()));
    match name.as_ref() {
        LOCK => Some("lock file"),
        MANIFEST => Some("manifest"),
        COMMIT => Some("commit record"),
        n if n.starts_with(".boligmatch-") => Some("working file"),
        n if n.starts_with('.') && n.ends_with(".lock") => Some("lock file of a record"),
        _ if record_copy => Some("temporary copy of a record"),
        _ => None,
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The same, with a failure injected before the `fail_at`-th rename (tests).
fn write_all_failing_at(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    inputs: &[&Path],
    fail_at: Option<usize>,
) -> Result<()> {
    let created = !dir.exists();
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let result = stage_and_commit(dir, files, inputs, fail_at);
    if result.is_err() && created {
        let _ = std::fs::remove_dir(dir);
    }
    result
}

fn stage_and_commit(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    inputs: &[&Path],
    fail_at: Option<usize>,
) -> Result<()> {
    let targets: Vec<PathBuf> = files.iter().map(|(n, _)| dir.join(n)).collect();
    check_targets(&targets, inputs)?;
    // Stage every file first: a full disk or a permission problem stops here.
    let mut staged = Vec::new();
    for ((_, bytes), target) in files.iter().zip(&targets) {
        let mut tmp = tempfile::Builder::new()
            .prefix(".boligmatch-")
            .tempfile_in(dir)
            .map_err(io(target))?;
        tmp.write_all(bytes).map_err(io(target))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::Permissions::from_mode(0o644);
            tmp.as_file().set_permissions(mode).map_err(io(target))?;
        }
        tmp.as_file().sync_all().map_err(io(target))?;
        staged.push(tmp);
    }
    // Keep the old versions until every new file is in place.
    let mut backups: Vec<(PathBuf, tempfile::TempPath)> = Vec::new();
    let mut placed: Vec<PathBuf> = Vec::new();
    let rollback = |placed: &[PathBuf], backups: Vec<(PathBuf, tempfile::TempPath)>| {
        for p in placed {
            let _ = std::fs::remove_file(p);
        }
        for (target, backup) in backups {
            let _ = backup.persist(&target);
        }
    };
    for (i, (tmp, target)) in staged.into_iter().zip(&targets).enumerate() {
        let step = (|| -> Result<()> {
            if fail_at == Some(i) {
                return Err(Error::Io {
                    path: target.clone(),
                    source: std::io::Error::other("injected failure"),
                });
            }
            if target.exists() {
                let holder = tempfile::Builder::new()
                    .prefix(".boligmatch-old-")
                    .tempfile_in(dir)
                    .map_err(io(target))?
                    .into_temp_path();
                std::fs::rename(target, &holder).map_err(io(target))?;
                backups.push((target.clone(), holder));
            }
            tmp.persist(target).map_err(|e| Error::Io {
                path: target.clone(),
                source: e.error,
            })?;
            placed.push(target.clone());
            Ok(())
        })();
        if let Err(e) = step {
            rollback(&placed, backups);
            return Err(e);
        }
    }
    // Success: the backups are dropped, which deletes them.
    drop(backups);
    Ok(())
}

/// The staged files of an output folder commit, beside the outputs.
const STAGE_PREFIX: &str = ".boligmatch-stage-";
/// The commit record: once it exists, the new set of files is the folder's.
const COMMIT: &str = ".boligmatch-commit";
/// The names of the files the last completed run wrote into the folder.
pub const MANIFEST: &str = ".boligmatch-manifest";

/// Commits `files` into the output folder `dir` as one set (see
/// `docs/output.md`): staged in a hidden folder inside `dir`, then a commit
/// record written atomically (the commit point), then moved into place; the
/// files the previous run's manifest names and this run does not write are
/// removed, and the manifest names this run's. A run killed before the
/// commit point leaves the old set (its staging is removed by the next run);
/// one killed after it is completed by the next run before anything else.
/// Files in `dir` that no manifest names are left alone.
pub fn commit_folder(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    fail_at: Option<usize>,
) -> Result<()> {
    let created = !dir.exists();
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let result = commit_locked(dir, files, fail_at);
    if result.is_err() && created {
        // A run that fails leaves no folder behind it made (if still empty).
        let _ = std::fs::remove_file(dir.join(LOCK));
        let _ = std::fs::remove_dir(dir);
    }
    result
}

/// Held while a run commits into a folder: two runs at once on the same
/// folder take turns, and the last one's set is the folder's.
const LOCK: &str = ".boligmatch-lock";

/// Opens (creating it if needed) a lock file; the lock is taken by the caller.
fn lock_file(path: &Path) -> Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(io(path))
}

fn commit_locked(dir: &Path, files: &[(String, Vec<u8>)], fail_at: Option<usize>) -> Result<()> {
    let lock_path = dir.join(LOCK);
    let lock = lock_file(&lock_path)?;
    lock.lock().map_err(io(&lock_path))?;
    recover(dir)?;
    let old = read_manifest(dir);
    let stage = tempfile::Builder::new()
        .prefix(STAGE_PREFIX)
        .tempdir_in(dir)
        .map_err(io(dir))?;
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let manifest = manifest_text(&names);
    let staged = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .chain(std::iter::once((MANIFEST, manifest.as_bytes())));
    for (name, bytes) in staged {
        write_synced(&stage.path().join(name), bytes, None)?;
    }
    sync_dir(stage.path())?;
    if fail_at == Some(0) {
        return Err(injected(dir));
    }
    let stage_name = stage
        .path()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut record = format!("boligmatch commit 1\nstage {stage_name}\n");
    for n in &names {
        record.push_str(&format!("put {n}\n"));
    }
    for n in old.iter().filter(|n| !names.contains(&n.as_str())) {
        record.push_str(&format!("remove {n}\n"));
    }
    // The commit point: the record is complete on disk before it has its name.
    let tmp = dir.join(format!("{COMMIT}.tmp"));
    write_synced(&tmp, record.as_bytes(), None)?;
    std::fs::rename(&tmp, dir.join(COMMIT)).map_err(io(dir))?;
    sync_dir(dir)?;
    let _kept = stage.keep();
    if fail_at == Some(1) {
        return Err(injected(dir));
    }
    apply(dir)
}

/// Completes a committed run that was stopped (roll forward), and removes
/// what an uncommitted one left behind (its staging). Every run calls it
/// before writing; reading a folder never needs it to see a whole set
/// unless a run was killed after its commit point.
pub fn recover(dir: &Path) -> Result<()> {
    if dir.join(COMMIT).exists() {
        apply(dir)?;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        if name.starts_with(STAGE_PREFIX) {
            let _ = std::fs::remove_dir_all(&path);
        } else if name.starts_with(".boligmatch-old-") || name == format!("{COMMIT}.tmp") {
            let _ = std::fs::remove_file(&path);
        }
    }
    Ok(())
}

/// Moves the staged files of the commit record into place, removes the
/// stale ones, then the record itself. Safe to repeat after a crash.
fn apply(dir: &Path) -> Result<()> {
    let record_path = dir.join(COMMIT);
    let record = std::fs::read_to_string(&record_path).map_err(io(&record_path))?;
    let mut stage = None;
    let mut put = 0;
    crash_point_for_tests(put);
    for line in record.lines().skip(1) {
        let (verb, name) = line.split_once(' ').unwrap_or((line, ""));
        if name.is_empty() || name.contains(['/', '\\']) || name == ".." {
            continue;
        }
        match verb {
            "stage" => stage = Some(dir.join(name)),
            "put" => {
                if let Some(stage) = &stage {
                    move_into_place(&stage.join(name), &dir.join(name))?;
                }
                put += 1;
                delay_for_tests();
                crash_point_for_tests(put);
            }
            "remove" => match std::fs::remove_file(dir.join(name)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(io(&dir.join(name))(e))
                }
                _ => {}
            },
            _ => {}
        }
    }
    if let Some(stage) = &stage {
        move_into_place(&stage.join(MANIFEST), &dir.join(MANIFEST))?;
        let _ = std::fs::remove_dir_all(stage);
    }
    sync_dir(dir)?;
    std::fs::remove_file(&record_path).map_err(io(&record_path))?;
    sync_dir(dir)
}

/// Renames a staged file over its target; one already moved is skipped.
fn move_into_place(from: &Path, to: &Path) -> Result<()> {
    match std::fs::rename(from, to) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        r => r.map_err(io(to)),
    }
}

/// The file names the last completed run wrote (none without a manifest).
pub fn read_manifest(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join(MANIFEST)).unwrap_or_default();
    let mut lines = text.lines();
    if lines.next() != Some("boligmatch manifest 1") {
        return Vec::new();
    }
    lines
        .filter(|n| !n.is_empty() && !n.contains(['/', '\\']) && *n != "..")
        .map(String::from)
        .collect()
}

fn manifest_text(names: &[&str]) -> String {
    let mut text = String::from("boligmatch manifest 1\n");
    for n in names {
        text.push_str(n);
        text.push('\n');
    }
    text
}

/// Writes a file with the permission bits `mode` (Unix; `None`: 0644) and
/// forces it to disk.
fn write_synced(path: &Path, bytes: &[u8], mode: Option<u32>) -> Result<()> {
    let mut f = std::fs::File::create(path).map_err(io(path))?;
    f.write_all(bytes).map_err(io(path))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(mode.unwrap_or(0o644)))
            .map_err(io(path))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    f.sync_all().map_err(io(path))
}

/// Forces a folder's entries (renames, removals) to disk, where the system
/// allows it.
fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        let d = std::fs::File::open(dir).map_err(io(dir))?;
        d.sync_all().map_err(io(dir))?;
    }
    Ok(())
}

fn injected(dir: &Path) -> Error {
    Error::Io {
        path: dir.to_path_buf(),
        source: std::io::Error::other("injected failure"),
    }
}

/// `BOLIGMATCH_TEST_CRASH_AFTER_PUTS=k`: the process dies at once (as with
/// `kill -9`: no clean-up, no unwinding) when the commit has moved `k` files
/// into place (0: right after the commit point), so that the crash test can
/// stop a run at every step of a commit. Unset, nothing happens.
fn crash_point_for_tests(put: usize) {
    if std::env::var("BOLIGMATCH_TEST_CRASH_AFTER_PUTS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        == Some(put)
    {
        std::process::abort();
    }
}

/// `BOLIGMATCH_TEST_COMMIT_DELAY_MS`: a pause after each file is moved into
/// place, so that the kill test can stop a run inside the commit. Only
/// delays; never changes what is written.
fn delay_for_tests() {
    if let Some(ms) = std::env::var("BOLIGMATCH_TEST_COMMIT_DELAY_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms.min(1000)));
    }
}

/// Neutralises a text cell that a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-`, `@`, tab or CR) by prefixing `'`.
///
/// ```
/// assert_eq!(boligmatch::output::guard("=1+1"), "'=1+1");
/// assert_eq!(boligmatch::output::guard("P01"), "P01");
/// ```
pub fn guard(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

/// The text [`guard`] protected, read back: a cell written as `'` and a
/// formula's first character (`'-2 days`) is the text after the `'`
/// (`-2 days`); any other cell as it is.
///
/// ```
/// use boligmatch::output::{guard, unguard};
/// assert_eq!(unguard(&guard("-2 days")), "-2 days");
/// assert_eq!(unguard("'tis"), "'tis");
/// ```
pub fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap_or_default(),
                )
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn injected_failure_leaves_the_folder_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.csv"), b"old a").unwrap();
        std::fs::write(dir.path().join("keep.txt"), b"mine").unwrap();
        let before = listing(dir.path());
        let files = vec![
            ("a.csv".to_string(), b"new a".to_vec()),
            ("b.csv".to_string(), b"new b".to_vec()),
            ("c.json".to_string(), b"new c".to_vec()),
        ];
        for fail_at in 0..3 {
            let r = write_all_failing_at(dir.path(), &files, &[], Some(fail_at));
            assert!(r.is_err());
            assert_eq!(listing(dir.path()), before, "fail at {fail_at}");
        }
        write_all(dir.path(), &files, &[]).unwrap();
        let after = listing(dir.path());
        assert_eq!(after.len(), 4);
        assert!(after.contains(&("a.csv".to_string(), b"new a".to_vec())));
    }

    #[test]
    fn never_overwrites_an_input() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("units.csv");
        std::fs::write(&input, b"unit_id").unwrap();
        let r = write_all(
            dir.path(),
            &[("units.csv".into(), b"x".to_vec())],
            &[&input],
        );
        assert!(matches!(r, Err(Error::Refused(_))));
        assert_eq!(std::fs::read(&input).unwrap(), b"unit_id");
    }

    fn names(dir: &Path) -> Vec<String> {
        listing(dir).into_iter().map(|(n, _)| n).collect()
    }

    #[test]
    fn a_folder_commit_replaces_the_set_and_removes_stale_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("mine.txt"), b"mine").unwrap();
        let a = vec![
            ("proposals.csv".to_string(), b"a1".to_vec()),
            ("alternatives.csv".to_string(), b"a2".to_vec()),
        ];
        commit_folder(dir.path(), &a, None).unwrap();
        let b = vec![("proposals.csv".to_string(), b"b1".to_vec())];
        commit_folder(dir.path(), &b, None).unwrap();
        // The stale alternatives.csv is gone; a file no run wrote stays.
        assert_eq!(
            names(dir.path()),
            vec![LOCK, MANIFEST, "mine.txt", "proposals.csv"]
        );
        assert_eq!(read_manifest(dir.path()), vec!["proposals.csv"]);
    }

    #[test]
    fn a_stop_before_the_commit_point_leaves_the_old_set() {
        let dir = tempfile::tempdir().unwrap();
        let a = vec![("p.csv".to_string(), b"a".to_vec())];
        commit_folder(dir.path(), &a, None).unwrap();
        let before = listing(dir.path());
        let b = vec![
            ("p.csv".to_string(), b"b".to_vec()),
            ("q.csv".to_string(), b"b".to_vec()),
        ];
        assert!(commit_folder(dir.path(), &b, Some(0)).is_err());
        // Staging is left (as after a kill) until the next run removes it.
        recover(dir.path()).unwrap();
        assert_eq!(listing(dir.path()), before);
    }

    #[test]
    fn a_stop_after_the_commit_point_is_completed_by_the_next_run() {
        let dir = tempfile::tempdir().unwrap();
        let a = vec![
            ("p.csv".to_string(), b"a".to_vec()),
            ("old.csv".to_string(), b"a".to_vec()),
        ];
        commit_folder(dir.path(), &a, None).unwrap();
        let b = vec![("p.csv".to_string(), b"b".to_vec())];
        assert!(commit_folder(dir.path(), &b, Some(1)).is_err());
        recover(dir.path()).unwrap();
        let after = listing(dir.path());
        assert_eq!(names(dir.path()), vec![LOCK, MANIFEST, "p.csv"]);
        assert!(after.contains(&("p.csv".to_string(), b"b".to_vec())));
    }

    #[test]
    fn a_stale_file_that_is_now_an_input_is_not_removed() {
        let dir = tempfile::tempdir().unwrap();
        let a = vec![
            ("p.csv".to_string(), b"a".to_vec()),
            ("alternatives.csv".to_string(), b"a".to_vec()),
        ];
        commit_folder(dir.path(), &a, None).unwrap();
        let input = dir.path().join("alternatives.csv");
        let run = Run {
            out: Some((dir.path(), vec![("p.csv".to_string(), b"b".to_vec())])),
            report: None,
        };
        assert!(matches!(run.commit(&[&input]), Err(Error::Refused(_))));
        assert_eq!(std::fs::read(&input).unwrap(), b"a");
    }

    #[test]
    fn a_new_folder_is_removed_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("new");
        let r = write_all_failing_at(&out, &[("a".into(), vec![])], &[], Some(0));
        assert!(r.is_err());
        assert!(!out.exists());
    }

    /// Windows' device names are refused as output names on every
    /// platform, whatever their case or extension; names that only begin
    /// like one are not.
    #[test]
    fn windows_device_names_are_refused_as_output_names() {
        let dir = tempfile::tempdir().unwrap();
        for bad in [
            "NUL",
            "nul.html",
            "Con",
            "aux.csv",
            "COM1.txt",
            "lpt9",
            "PRN.tar.gz",
        ] {
            let r = write_all(dir.path(), &[(bad.to_string(), b"x".to_vec())], &[]);
            let e = r.expect_err(bad).to_string();
            assert!(e.contains("device name on Windows"), "{bad}: {e}");
        }
        for ok in [
            "console.html",
            "nullable.csv",
            "COM10.txt",
            "com0",
            "auxiliary.csv",
            "LPT.csv",
        ] {
            write_all(dir.path(), &[(ok.to_string(), b"x".to_vec())], &[]).expect(ok);
        }
        assert!(!dir.path().join("nul.html").exists());
    }
}
