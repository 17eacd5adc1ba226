//! Reading policy files: the path as the user typed it becomes the name in
//! messages and in the generated marker (with `./` and backslashes normalised,
//! so the same file gives the same bytes however it was named).

use super::CliError;
use crate::diagnostic::SourceFile;
use std::path::Path;

pub fn read_policy(path: &Path) -> Result<SourceFile, CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(SourceFile::new(display_name(path), text))
}

pub fn display_name(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let mut s = s.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}
