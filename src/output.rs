//! Writing outputs atomically: every file is staged in a temporary file beside
//! its target, and only when all are staged are they renamed into place. A
//! failure leaves the folder as it was. Inputs are never overwritten.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

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
                return Err(Error::Refused(format!(
                    "--out {}: is a file, not a folder; choose a folder",
                    dir.display()
                )));
            }
            targets.extend(files.iter().map(|(n, _)| dir.join(n)));
        }
        if let Some((path, _)) = &self.report {
            if path.file_name().is_none() {
                return Err(Error::Refused(format!(
                    "--report {}: not a file name",
                    path.display()
                )));
            }
            let report = resolve(path);
            if let Some(t) = targets.iter().find(|t| resolve(t) == report) {
                return Err(Error::Refused(format!(
                    "--report {} is one of the --out files ({}); choose another report file",
                    path.display(),
                    t.display()
                )));
            }
            targets.push(path.to_path_buf());
        }
        check_targets(&targets, inputs)?;
        if let Some((dir, files)) = &self.out {
            write_all_failing_at(dir, files, inputs, None)?;
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
        }
    }
    Ok(())
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
