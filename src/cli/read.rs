//! Reading policy files: the path as the user typed it becomes the name in
//! messages and in the generated marker (with `./` and backslashes normalised,
//! so the same file gives the same bytes however it was named).
//!
//! Only regular files are read (a FIFO would block `lint` forever, `/dev/zero`
//! would fill memory, a directory is a mistake), and at most
//! [`MAX_POLICY_BYTES`]: a policy that size is already far past every AWS limit
//! lint knows about (CF0707: a 300 KB mapping template is ~7,000 origins).

use super::CliError;
use crate::diagnostic::{Diagnostic, SourceFile, render};
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

/// A policy read and checked, with its `[api] openapi` document when it has
/// one: every command reads policies through [`check_policy`], so a policy
/// with a document behaves everywhere as the same routes written as
/// `[[routes]]` would (docs/design.md "OpenAPI").
pub struct Checked {
    pub file: SourceFile,
    /// The model, with the document's routes attached; `None` with errors.
    pub policy: Option<Policy>,
    pub diags: Vec<Diagnostic>,
    /// The document and its findings (conflicts with the policy), or why it
    /// could not be read.
    pub document: Option<Result<(SourceFile, Vec<Diagnostic>), CliError>>,
}

/// Read and check the policy at `path`, and its document: the document's
/// methods join the default `allow_methods`, its conflicts with the policy
/// are found, and its routes become the model's.
pub fn check_policy(path: &Path) -> Result<Checked, CliError> {
    let file = read_policy(path)?;
    let loaded = crate::policy::load(&file);
    let relative = loaded
        .raw
        .as_ref()
        .and_then(|r| r.api.as_ref())
        .and_then(|a| a.openapi.as_ref())
        .map(|o| o.get().clone());
    let Some(relative) = relative else {
        let (policy, diags) = crate::check_loaded(&file, loaded, None);
        return Ok(Checked {
            file,
            policy,
            diags,
            document: None,
        });
    };
    let dir = path.parent().unwrap_or(Path::new(""));
    let doc = match read_policy(&dir.join(&relative)) {
        Ok(doc) => doc,
        Err(e) => {
            let (policy, diags) = crate::check_loaded(&file, loaded, None);
            return Ok(Checked {
                file,
                policy,
                diags,
                document: Some(Err(e)),
            });
        }
    };
    let parsed = crate::audit::yaml::parse(&doc.text).ok();
    let (mut policy, diags) = crate::check_loaded(&file, loaded, parsed.as_ref());
    let doc_diags = match &policy {
        Some(p) => crate::openapi::conflicts::conflicts(&doc.text, p),
        None => Vec::new(),
    };
    if let (Some(p), Some(node)) = (&mut policy, &parsed) {
        crate::openapi::routes::attach(p, node);
    }
    Ok(Checked {
        file,
        policy,
        diags,
        document: Some(Ok((doc, doc_diags))),
    })
}

/// Read and check a policy for a command that needs a valid one (`explain`,
/// `serve`, `probe`). `Ok(None)` means it or its document has errors, already
/// printed to stderr.
pub fn read_valid_policy(
    path: &Path,
    command: &str,
) -> Result<Option<(SourceFile, Policy)>, CliError> {
    let checked = check_policy(path)?;
    let document = checked.document.transpose()?;
    let doc_errors = document
        .as_ref()
        .is_some_and(|(_, d)| crate::diagnostic::has_errors(d));
    match checked.policy {
        Some(policy) if !doc_errors => Ok(Some((checked.file, policy))),
        _ => {
            eprint!("{}", render::human(&checked.file, &checked.diags));
            if let Some((doc, diags)) = &document {
                eprint!("{}", render::human(doc, diags));
            }
            eprintln!("error: {command} needs a policy without errors");
            Ok(None)
        }
    }
}
