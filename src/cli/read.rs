//! Reading policy files: the path as the user typed it becomes the name in
//! messages and in the generated marker (with `./` and backslashes normalised,
//! so the same file gives the same bytes however it was named).

use super::CliError;
use crate::diagnostic::{SourceFile, render};
use crate::model::Policy;
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

/// Read and check a policy for a command that needs a valid one (`explain`,
/// `serve`). `Ok(None)` means it has errors, already printed to stderr.
pub fn read_valid_policy(
    path: &Path,
    command: &str,
) -> Result<Option<(SourceFile, Policy)>, CliError> {
    let file = read_policy(path)?;
    let (model, diags) = crate::check(&file);
    match model {
        Some(policy) => Ok(Some((file, policy))),
        None => {
            eprint!("{}", render::human(&file, &diags));
            eprintln!("error: {command} needs a policy without errors");
            Ok(None)
        }
    }
}
