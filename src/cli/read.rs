//! Reading policy files: the path as the user typed it becomes the name in
//! messages and in the generated marker (with `./` and backslashes normalised,
//! so the same file gives the same bytes however it was named).
//!
//! Only regular files are read (a FIFO would block `lint` forever, `/dev/zero`
//! would fill memory, a directory is a mistake), and at most
//! [`MAX_POLICY_BYTES`]: a policy that size is already far past every AWS limit
//! lint knows about (CF0707: a 300 KB mapping template is ~7,000 origins).

use super::CliError;
use crate::diagnostic::{SourceFile, render};
use crate::model::Policy;
use std::io::{self, Read};
use std::path::Path;

/// The largest policy file read: 1 MiB.
pub const MAX_POLICY_BYTES: u64 = 1024 * 1024;

pub fn read_policy(path: &Path) -> Result<SourceFile, CliError> {
    let err = |source| CliError::Read {
        path: path.to_path_buf(),
        source,
    };
    // Refuse before opening: opening a FIFO blocks until a writer appears.
    regular_file(&std::fs::metadata(path).map_err(err)?).map_err(err)?;
    let file = std::fs::File::open(path).map_err(err)?;
    // The same check on what was opened, in case the path changed meanwhile.
    regular_file(&file.metadata().map_err(err)?).map_err(err)?;
    let mut bytes = Vec::new();
    file.take(MAX_POLICY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(err)?;
    if bytes.len() as u64 > MAX_POLICY_BYTES {
        return Err(err(io::Error::new(
            io::ErrorKind::InvalidData,
            "larger than the 1 MiB limit for policy files",
        )));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        err(io::Error::new(
            io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        ))
    })?;
    Ok(SourceFile::new(display_name(path), text))
}

/// `Ok` for a regular file (symlinks are followed), otherwise an error that
/// says what the path is instead.
fn regular_file(meta: &std::fs::Metadata) -> io::Result<()> {
    let t = meta.file_type();
    if t.is_file() {
        return Ok(());
    }
    let what = if t.is_dir() {
        "a directory".to_string()
    } else {
        special_kind(&t)
    };
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("it is {what}, not a regular file; a policy is a TOML file"),
    ))
}

#[cfg(unix)]
fn special_kind(t: &std::fs::FileType) -> String {
    use std::os::unix::fs::FileTypeExt;
    if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
    .to_string()
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> String {
    "not a file".to_string()
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
