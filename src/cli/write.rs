//! Writing generated files safely: every target path is checked first (an
//! existing file must carry the corsform marker), then each file is written to a
//! temporary sibling and renamed over the target, so a crash or a full disk
//! never leaves a half-written file.

use super::CliError;
use crate::render::MARKER;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Fail before writing anything if any target exists without the marker.
pub fn check_overwritable(files: &[(PathBuf, String)]) -> Result<(), CliError> {
    for (path, _) in files {
        if let Ok(existing) = fs::read_to_string(path) {
            let first = existing.lines().next().unwrap_or("");
            if !first.contains(MARKER) {
                return Err(CliError::NotGenerated { path: path.clone() });
            }
        } else if path.is_dir() {
            return Err(CliError::NotGenerated { path: path.clone() });
        }
    }
    Ok(())
}

/// Write one file atomically (temporary file in the same folder, then rename).
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
    let tmp = dir.join(format!(".{name}.corsform-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(contents.as_bytes())?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(err)
}

/// Unchanged files are not rewritten (keeps mtimes stable for build tools).
pub fn is_current(path: &Path, contents: &str) -> bool {
    fs::read_to_string(path).is_ok_and(|existing| existing == contents)
}
