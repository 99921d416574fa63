//! Writing outputs atomically: every file is staged in a temporary file beside
//! its target, and only when all are staged are they renamed into place. A
//! failure leaves the folder as it was. Inputs are never overwritten.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `files` (name, bytes) into `dir`, all or nothing.
///
/// Refuses when a target is one of `inputs`, or is a folder.
pub fn write_all(dir: &Path, files: &[(String, Vec<u8>)], inputs: &[&Path]) -> Result<()> {
    write_all_failing_at(dir, files, inputs, None)
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
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
    for t in &targets {
        if inputs.iter().any(|i| same_file(i, t)) {
            return Err(Error::Refused(format!(
                "{} is an input file; choose another --out folder",
                t.display()
            )));
        }
        if t.is_dir() {
            return Err(Error::Refused(format!(
                "{} is a folder; it would be overwritten by an output file",
                t.display()
            )));
        }
    }
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

    #[test]
    fn a_new_folder_is_removed_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("new");
        let r = write_all_failing_at(&out, &[("a".into(), vec![])], &[], Some(0));
        assert!(r.is_err());
        assert!(!out.exists());
    }
}
