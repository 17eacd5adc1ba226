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
    let text = read_text(path, MAX_POLICY_BYTES, "a policy is a TOML file").map_err(|source| {
        CliError::Read {
            path: path.to_path_buf(),
            source,
        }
    })?;
    Ok(SourceFile::new(display_name(path), text))
}

/// The largest OpenAPI document or IaC file read: 16 MiB (API Gateway imports
/// OpenAPI definitions of up to 6 MB; CloudFormation templates are at most 1 MB).
pub const MAX_DOCUMENT_BYTES: u64 = 16 * 1024 * 1024;

/// A team's OpenAPI document (`[api] openapi`).
pub fn read_document(path: &Path) -> Result<SourceFile, CliError> {
    let kind = "an OpenAPI document is a YAML or JSON file";
    let text = read_text(path, MAX_DOCUMENT_BYTES, kind).map_err(|source| CliError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(SourceFile::new(display_name(path), text))
}

/// The UTF-8 text of the regular file at `path`, at most `max` bytes; `kind`
/// ends the message for a path that is not a regular file ("a policy is a
/// TOML file"). Shared by policies, documents and the files audit reads.
pub fn read_text(path: &Path, max: u64, kind: &str) -> io::Result<String> {
    // Refuse before opening: opening a FIFO blocks until a writer appears.
    regular_file(&std::fs::metadata(path)?, kind)?;
    let file = std::fs::File::open(path)?;
    // The same check on what was opened, in case the path changed meanwhile.
    regular_file(&file.metadata()?, kind)?;
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("larger than the {} MiB limit", max >> 20),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "not UTF-8 text (byte {} is not; Latin-1?): save it as UTF-8",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// `Ok` for a regular file (symlinks are followed), otherwise an error that
/// says what the path is instead.
fn regular_file(meta: &std::fs::Metadata, kind: &str) -> io::Result<()> {
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
        format!("it is {what}, not a regular file; {kind}"),
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
    let Some(relative) = crate::openapi_document_path(&loaded) else {
        let (policy, diags) = crate::check_loaded(&file, loaded, None);
        return Ok(Checked {
            file,
            policy,
            diags,
            document: None,
        });
    };
    let doc_path = path.parent().unwrap_or(Path::new("")).join(&relative);
    let doc = match read_document(&doc_path) {
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
    let (policy, diags, doc_diags) = crate::check_with_document(&file, loaded, &doc);
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
