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
//!
//! [`write_streamed`] does the same for files too large to hold in memory:
//! each is rendered straight into its temporary file, and only when every one
//! rendered are they compared with what is there and renamed into place.

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

/// Check, lock, clean and write: what `build` does with its outputs, each
/// produced by `render(i, out)` (the i-th of `paths`) rather than held in
/// memory. Locks `out`, removes leftovers of a killed run, checks every path
/// is ours, then renders each file (in parallel) into an exclusive temporary
/// sibling. Only when all rendered is each compared with
/// the existing file: an equal one is left alone (its temporary removed),
/// others are synced and renamed over. On any failure every temporary is
/// removed, so a failed render writes nothing. Returns, per file, whether it
/// changed.
pub fn write_streamed<F>(out: &Path, paths: &[PathBuf], render: F) -> Result<Vec<bool>, CliError>
where
    F: Fn(usize, &mut dyn Write) -> Result<(), CliError> + Sync,
{
    fs::create_dir_all(out).map_err(|source| CliError::Write {
        path: out.to_path_buf(),
        source,
    })?;
    let _lock = lock_folder(out)?;
    let mut dirs: Vec<&Path> = paths.iter().filter_map(|p| p.parent()).collect();
    dirs.sort();
    dirs.dedup();
    for dir in &dirs {
        remove_stale_temporaries(dir);
    }
    check_overwritable_paths(paths.iter().map(PathBuf::as_path))?;
    let indices: Vec<usize> = (0..paths.len()).collect();
    let temporaries = crate::render::parallel::map(&indices, |&i| {
        render_to_temporary(&paths[i], |w| render(i, w))
    });
    // Every temporary still here is removed when this returns, however.
    let mut pending: Vec<Option<PathBuf>> = temporaries
        .iter()
        .map(|t| t.as_ref().ok().cloned())
        .collect();
    let _cleanup = RemoveAll(&mut pending);
    let mut ready = Vec::with_capacity(paths.len());
    for t in temporaries {
        ready.push(t?);
    }
    let mut changed = Vec::with_capacity(paths.len());
    for (i, (path, tmp)) in paths.iter().zip(&ready).enumerate() {
        let err = |source| CliError::Write {
            path: path.clone(),
            source,
        };
        let differs = !same_contents(path, tmp);
        if differs {
            File::open(tmp).and_then(|f| f.sync_all()).map_err(err)?;
            fs::rename(tmp, path).map_err(err)?;
        } else {
            let _ = fs::remove_file(tmp);
        }
        _cleanup.0[i] = None;
        changed.push(differs);
    }
    Ok(changed)
}

/// Removes every temporary file still listed.
struct RemoveAll<'a>(&'a mut [Option<PathBuf>]);

impl Drop for RemoveAll<'_> {
    fn drop(&mut self) {
        for p in self.0.iter().flatten() {
            let _ = fs::remove_file(p);
        }
    }
}

/// `render` written into a fresh exclusive temporary beside `path` (flushed,
/// not synced); the temporary's path. Removed again if `render` fails.
fn render_to_temporary(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> Result<(), CliError>,
) -> Result<PathBuf, CliError> {
    let err = |source| CliError::Write {
        path: path.to_path_buf(),
        source,
    };
    let (tmp, f) = temporary_beside(path).map_err(err)?;
    let guard = Temporary(Some(&tmp));
    let mut w = io::BufWriter::with_capacity(1 << 16, f);
    render(&mut w)?;
    w.flush().map_err(err)?;
    drop(w);
    std::mem::forget(guard);
    Ok(tmp)
}

/// Whether two files hold the same bytes (false if either cannot be read),
/// read in blocks: neither is held whole.
fn same_contents(a: &Path, b: &Path) -> bool {
    let (Ok(fa), Ok(fb)) = (File::open(a), File::open(b)) else {
        return false;
    };
    match (fa.metadata(), fb.metadata()) {
        (Ok(ma), Ok(mb)) if ma.len() == mb.len() => {}
        _ => return false,
    }
    let (mut ra, mut rb) = (io::BufReader::new(fa), io::BufReader::new(fb));
    loop {
        let (Ok(x), Ok(y)) = (
            io::BufRead::fill_buf(&mut ra),
            io::BufRead::fill_buf(&mut rb),
        ) else {
            return false;
        };
        if x.is_empty() || y.is_empty() {
            return x.is_empty() && y.is_empty();
        }
        let n = x.len().min(y.len());
        if x[..n] != y[..n] {
            return false;
        }
        io::BufRead::consume(&mut ra, n);
        io::BufRead::consume(&mut rb, n);
    }
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
fn check_overwritable_paths<'a>(paths: impl Iterator<Item = &'a Path>) -> Result<(), CliError> {
    for path in paths {
        if let Ok(f) = File::open(path)
            && !path.is_dir()
        {
            // Only the first line is read: generated files can be large.
            // JSON has no comments: a JSON output carries the marker as a
            // member (src/openapi/document.rs, JSON_MARKER_KEY), so a JSON
            // file (a team's OpenAPI document: small) is read whole.
            let json = path.extension().is_some_and(|e| e == "json");
            let mut head = Vec::new();
            let mut reader = io::BufReader::new(f);
            let _ = if json {
                io::Read::read_to_end(&mut reader, &mut head)
            } else {
                io::BufRead::read_until(&mut reader, b'\n', &mut head)
            };
            if !String::from_utf8_lossy(&head).contains(MARKER) {
                return Err(CliError::NotGenerated {
                    path: path.to_path_buf(),
                });
            }
        } else if path.is_dir() {
            return Err(CliError::NotGenerated {
                path: path.to_path_buf(),
            });
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
    let (tmp, mut f) = temporary_beside(path).map_err(err)?;
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

/// A fresh exclusive temporary in `path`'s folder (created when missing).
fn temporary_beside(path: &Path) -> io::Result<(PathBuf, File)> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    create_temporary(dir, &name)
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
        let files = [dir.path().join("main.tf")];
        write_streamed(dir.path(), &files, |_, w| text(w, "x\n")).unwrap();
        assert!(!stale.exists());
        assert!(other.exists());
    }

    fn text(w: &mut dyn Write, s: &str) -> Result<(), CliError> {
        w.write_all(s.as_bytes()).map_err(|source| CliError::Write {
            path: PathBuf::from("test"),
            source,
        })
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        names
    }

    /// One file failing to render renames none into place and leaves no
    /// temporary behind, though the others rendered.
    #[test]
    fn a_failed_render_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<PathBuf> = ["a.tf", "b.tf", "c.tf"]
            .iter()
            .map(|n| dir.path().join(n))
            .collect();
        let result = write_streamed(dir.path(), &files, |i, w| {
            text(w, &format!("# {MARKER}\n"))?;
            if i == 1 {
                return Err(CliError::Render(crate::render::RenderError::Template(
                    "boom".into(),
                )));
            }
            Ok(())
        });
        assert!(matches!(result, Err(CliError::Render(_))));
        assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
    }

    /// Equal contents leave the existing file itself in place (same inode,
    /// so build tools watching mtimes see nothing); different ones replace it.
    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_left_alone() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let files = [dir.path().join("a.tf"), dir.path().join("b.tf")];
        let body = |i: usize| format!("# {MARKER}\nfile {i}\n");
        let first = write_streamed(dir.path(), &files, |i, w| text(w, &body(i))).unwrap();
        assert_eq!(first, [true, true]);
        let inode = |p: &Path| fs::metadata(p).unwrap().ino();
        let before = (inode(&files[0]), inode(&files[1]));
        let again = write_streamed(dir.path(), &files, |i, w| {
            text(w, &if i == 0 { body(0) } else { body(9) })
        })
        .unwrap();
        assert_eq!(again, [false, true]);
        assert_eq!(inode(&files[0]), before.0);
        assert_ne!(inode(&files[1]), before.1);
        assert_eq!(fs::read_to_string(&files[1]).unwrap(), body(9));
        assert_eq!(names(dir.path()), ["a.tf", "b.tf"]);
    }

    /// A file without the marker (text or not) is never replaced.
    #[test]
    fn files_without_the_marker_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mine = dir.path().join("main.tf");
        fs::write(&mine, b"\xff\xfe not text, not ours\n").unwrap();
        let err = write_streamed(dir.path(), std::slice::from_ref(&mine), |_, w| {
            text(w, "x\n")
        });
        assert!(matches!(err, Err(CliError::NotGenerated { .. })));
        assert_eq!(fs::read(&mine).unwrap(), b"\xff\xfe not text, not ours\n");
    }
}
