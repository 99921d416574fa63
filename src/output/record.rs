//! The one file a command changes in place (the offers record): under its
//! lock, atomically, keeping the file's mode; the copies a killed run left
//! removed. Re-exported by [`super`].

use super::{delay_for_tests, io, lock_file, sync_dir, write_synced};
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// How long [`update_locked`] waits for another process's lock.
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Updates the one file a command may change in place (the offers record):
/// under a lock (a sibling `.NAME.lock`, waited for up to [`LOCK_WAIT`]),
/// reads the current bytes (`None` if the file does not exist yet), lets
/// `change` compute the new content, and replaces the file atomically
/// (temporary sibling, fsync, rename, fsync of the folder). If the file
/// changed on disk between the read and the rename (an edit that did not
/// take the lock), nothing is written and the error says so.
pub fn update_locked(
    path: &Path,
    change: impl FnOnce(Option<&[u8]>) -> Result<Vec<u8>>,
) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "record".into());
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if !meta.file_type().is_file() {
            return Err(Error::Refused(format!(
                "{} is not a regular file; the record must be a plain CSV file",
                path.display()
            )));
        }
    }
    refuse_read_only(path)?;
    let lock_path = dir.join(format!(".{name}.lock"));
    let lock = lock_file(&lock_path)?;
    let started = std::time::Instant::now();
    loop {
        match lock.try_lock() {
            Ok(()) => break,
            Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < LOCK_WAIT => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::Refused(format!(
                    "{} is being written by another boligmatch (waited {} s for {}); try again when it has finished",
                    path.display(),
                    LOCK_WAIT.as_secs(),
                    lock_path.display()
                )))
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(&lock_path)(e)),
        }
    }
    let read = |p: &Path| -> Result<Option<Vec<u8>>> {
        match std::fs::read(p) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(p)(e)),
        }
    };
    // A run killed while writing left its copy: under the lock, no run is
    // writing one now.
    remove_stale_copies(&dir, &name);
    let before = read(path)?;
    let after = change(before.as_deref())?;
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    write_synced(&tmp, &after, mode_of(path))?;
    delay_for_tests();
    if read(path)? != before {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::Refused(format!(
            "{} changed on disk while boligmatch updated it (an edit that did not wait for the lock?); nothing was written — run the command again",
            path.display()
        )));
    }
    std::fs::rename(&tmp, path).map_err(io(path))?;
    sync_dir(&dir)?;
    drop(lock);
    Ok(())
}

/// Refuses a file that exists and is read-only: the office made it so, and
/// replacing it would undo that. Nothing is written.
fn refuse_read_only(path: &Path) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.permissions().readonly() => Err(Error::Refused(format!(
            "{} is read-only; nothing was written — make it writable (Properties > untick Read-only, or chmod u+w) and run the command again",
            path.display()
        ))),
        _ => Ok(()),
    }
}

/// The permission bits of a file that exists (Unix), kept when it is
/// replaced; `None`: a new file (0644) or a system without them.
fn mode_of(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path)
            .ok()
            .map(|m| m.permissions().mode() & 0o7777)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Removes the temporary copies a run killed while changing the record at
/// `path` left beside it, for the commands that only read the record: only
/// when its lock (`.NAME.lock`, which such a run made first) is free at
/// once; otherwise a run is writing and its copy is left to it. Never
/// creates a file, never waits, never fails.
pub fn remove_record_copies(path: &Path) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let lock_path = dir.join(format!(".{name}.lock"));
    let Ok(lock) = std::fs::OpenOptions::new().write(true).open(&lock_path) else {
        return;
    };
    if lock.try_lock().is_ok() {
        remove_stale_copies(&dir, &name);
    }
}

/// Removes the temporary copies `.NAME.tmp-PID` that runs killed while
/// writing `NAME` left in `dir` (called under the lock, when no run writes
/// one).
fn remove_stale_copies(dir: &Path, name: &str) {
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name();
        let file = file.to_string_lossy();
        let is_copy = file
            .strip_prefix(&prefix)
            .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()));
        if is_copy && e.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}
