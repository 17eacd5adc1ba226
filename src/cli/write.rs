//! Writing generated files safely, against crashes, concurrent builds and a
//! hostile output folder:
//! - every target path is checked first (an existing file must carry the
//!   corsform marker), and only then is anything written;
//! - each file goes to a temporary sibling, created exclusively (`create_new`:
//!   O_CREAT|O_EXCL, which fails on an existing name and never follows a
//!   symlink planted there, POSIX open(2)) under an unpredictable name, then is
//!   renamed over the target; the temporary file is removed on any failure;
//! - the output folder is locked for the whole write (an advisory lock, std's
//!   `File::lock`), so two builds into one folder run one after the other;
//!   holding it, any temporary file of ours still there is a leftover of a
//!   killed run, and is removed.

use super::CliError;
use crate::render::MARKER;
use std::fs::{self, File, OpenOptions};
use std::hash::{BuildHasher, Hasher, RandomState};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Temporary files are `.<name>.corsform-<16 hex digits>.tmp`.
const TMP_INFIX: &str = ".corsform-";
const TMP_SUFFIX: &str = ".tmp";
/// Where the lock lives when a folder itself cannot be locked.
const LOCK_FILE: &str = ".corsform.lock";

/// Check, lock, clean and write: what `build` does with its outputs. Returns,
/// per file in order, whether it changed (false: already current, left alone).
pub fn write_all(out: &Path, files: &[(PathBuf, String)]) -> Result<Vec<bool>, CliError> {
    fs::create_dir_all(out).map_err(|source| CliError::Write {
        path: out.to_path_buf(),
        source,
    })?;
    let _lock = lock_folder(out)?;
    let mut dirs: Vec<&Path> = files.iter().filter_map(|(p, _)| p.parent()).collect();
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        remove_stale_temporaries(dir);
    }
    check_overwritable(files)?;
    let mut written = Vec::with_capacity(files.len());
    for (path, contents) in files {
        let changed = !is_current(path, contents);
        if changed {
            write_atomic(path, contents)?;
        }
        written.push(changed);
    }
    Ok(written)
}

/// An exclusive lock on `dir`, held until the returned file is dropped. The
/// folder itself is locked where the platform allows (Linux flock on a
/// directory), so no lock file is left behind; otherwise `.corsform.lock`.
pub fn lock_folder(dir: &Path) -> Result<File, CliError> {
    let err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| CliError::Write { path, source }
    };
    if let Ok(f) = File::open(dir)
        && f.lock().is_ok()
    {
        return Ok(f);
    }
    let path = dir.join(LOCK_FILE);
    let f = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(err(&path))?;
    f.lock().map_err(err(&path))?;
    Ok(f)
}

/// Remove our temporary files from `dir`: called with the folder locked, so
/// none belongs to a running build.
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if is_temporary_name(&name) && e.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()) {
            let _ = fs::remove_file(e.path());
        }
    }
}

fn is_temporary_name(name: &str) -> bool {
    let Some(rest) = name
        .strip_prefix('.')
        .and_then(|n| n.strip_suffix(TMP_SUFFIX))
    else {
        return false;
    };
    let Some(at) = rest.rfind(TMP_INFIX) else {
        return false;
    };
    let hex = &rest[at + TMP_INFIX.len()..];
    hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

/// 64 unpredictable bits: std's per-process random hash keys, mixed with a
/// counter, the process id and the time (no extra crate needed for a name
/// that only has to be unguessable and unique).
fn random_hex() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u32(std::process::id());
    if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(t.as_nanos());
    }
    format!("{:016x}", h.finish())
}

/// Fail before writing anything if any target exists without the marker.
pub fn check_overwritable(files: &[(PathBuf, String)]) -> Result<(), CliError> {
    for (path, _) in files {
        if let Ok(existing) = fs::read_to_string(path) {
            let first = existing.lines().next().unwrap_or("");
            // JSON has no comments: a JSON output carries the marker as a
            // member (src/openapi/document.rs, JSON_MARKER_KEY).
            let json = path.extension().is_some_and(|e| e == "json");
            let marked = first.contains(MARKER) || (json && existing.contains(MARKER));
            if !marked {
                return Err(CliError::NotGenerated { path: path.clone() });
            }
        } else if path.is_dir() {
            return Err(CliError::NotGenerated { path: path.clone() });
        }
    }
    Ok(())
}

/// Removes the temporary file unless it was renamed into place.
struct Temporary<'a>(Option<&'a Path>);

impl Drop for Temporary<'_> {
    fn drop(&mut self) {
        if let Some(p) = self.0 {
            let _ = fs::remove_file(p);
        }
    }
}

/// Write one file atomically (exclusive temporary file in the same folder,
/// then rename).
pub fn write_atomic(path: &Path, contents: &str) -> Result<(), CliError> {
    let err = |source| CliError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(err)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let (tmp, mut f) = create_temporary(dir, &name).map_err(err)?;
    let mut guard = Temporary(Some(&tmp));
    let result = (|| {
        f.write_all(contents.as_bytes())?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)
    })();
    if result.is_ok() {
        guard.0 = None;
    }
    result.map_err(err)
}

/// A new file under a fresh random name; an existing name (a planted file or
/// symlink, or a collision) is never opened, another name is drawn.
fn create_temporary(dir: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    let mut last = None;
    for _ in 0..16 {
        let tmp = dir.join(format!(".{name}{TMP_INFIX}{}{TMP_SUFFIX}", random_hex()));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free temporary name")))
}

/// Unchanged files are not rewritten (keeps mtimes stable for build tools).
pub fn is_current(path: &Path, contents: &str) -> bool {
    fs::read_to_string(path).is_ok_and(|existing| existing == contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_are_unpredictable_and_recognised() {
        let a = random_hex();
        let b = random_hex();
        assert_ne!(a, b);
        assert!(is_temporary_name(&format!(
            ".main.tf{TMP_INFIX}{a}{TMP_SUFFIX}"
        )));
        assert!(!is_temporary_name("main.tf"));
        assert!(!is_temporary_name(".main.tf.corsform-123.tmp"));
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_at_the_old_predictable_name_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, "precious\n").unwrap();
        // The name the previous version used, planted by an attacker.
        let planted = dir
            .path()
            .join(format!(".main.tf.corsform-{}.tmp", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        let target = dir.path().join("main.tf");
        write_atomic(&target, "generated\n").unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
        assert_eq!(fs::read_to_string(&target).unwrap(), "generated\n");
        // Only the target and the planted link remain: no temporary file left.
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        assert_eq!(names.len(), 3, "{names:?}");
    }

    #[test]
    fn a_failed_write_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        // Renaming a file over a non-empty directory fails.
        let target = dir.path().join("main.tf");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("x"), "x").unwrap();
        assert!(write_atomic(&target, "generated\n").is_err());
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "{left:?}");
    }

    #[test]
    fn stale_temporaries_are_removed_and_others_kept() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".main.tf.corsform-0123456789abcdef.tmp");
        let other = dir.path().join(".keep.tmp");
        fs::write(&stale, "half").unwrap();
        fs::write(&other, "mine").unwrap();
        let files = vec![(dir.path().join("main.tf"), "x\n".to_string())];
        write_all(dir.path(), &files).unwrap();
        assert!(!stale.exists());
        assert!(other.exists());
    }
}
