//! Which policy a command reads when none is named: `corsform.toml` in the
//! current directory, the file `corsform init` writes (as `cargo` finds
//! `Cargo.toml` and `terraform` the `.tf` files where it runs).

use super::CliError;
use std::path::{Path, PathBuf};

pub const DEFAULT_POLICY: &str = "corsform.toml";

fn default_policy() -> Result<PathBuf, CliError> {
    let path = PathBuf::from(DEFAULT_POLICY);
    if path.is_file() {
        Ok(path)
    } else {
        Err(CliError::NoPolicy)
    }
}

/// The policies named, or the default one.
pub fn many(given: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    if given.is_empty() {
        Ok(vec![default_policy()?])
    } else {
        Ok(given.to_vec())
    }
}

/// The policy named, or the default one.
pub fn one(given: Option<&Path>) -> Result<PathBuf, CliError> {
    match given {
        Some(p) => Ok(p.to_path_buf()),
        None => default_policy(),
    }
}
