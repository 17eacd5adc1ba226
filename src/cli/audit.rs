//! `corsform audit PATH...`: read every Terraform, CloudFormation, SAM and
//! OpenAPI file under the paths (directories recursively, skipping
//! `.terraform/`, `node_modules/` and `.git/`), judge them with
//! [`crate::audit`], print the findings as `lint` does, exit as `lint` does.

use super::args::{AuditArgs, AuditFormat as Format};
use super::read::{MAX_DOCUMENT_BYTES, display_name, read_text};
use super::{CliError, Outcome};
use crate::diagnostic::{Code, Diagnostic, SourceFile, Tally, render};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

const SKIPPED_DIRS: &[&str] = &[".terraform", "node_modules", ".git"];

/// What audit and import read under their paths: the files, in a stable
/// order, and those that could not be read (each with its diagnostic, so
/// one bad file never stops the others).
pub struct Collected {
    pub files: Vec<SourceFile>,
    pub unreadable: Vec<(SourceFile, Diagnostic)>,
}

/// The files audit reads under `paths`. Only regular files are read (a FIFO
/// would block, `/dev/zero` would never end), each up to
/// [`MAX_DOCUMENT_BYTES`]; directories are followed once each (a symlink loop
/// ends at the first repeat). A path that does not exist is an error.
pub fn collect(paths: &[PathBuf]) -> Result<Collected, CliError> {
    let mut found = Vec::new();
    let mut seen = HashSet::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|source| CliError::Read {
            path: p.clone(),
            source,
        })?;
        if meta.is_dir() {
            walk(p, &mut seen, &mut found);
        } else {
            found.push(p.clone());
        }
    }
    let mut out = Collected {
        files: Vec::new(),
        unreadable: Vec::new(),
    };
    for p in found {
        let kind = "audit reads Terraform, CloudFormation, SAM and OpenAPI files";
        match read_text(&p, MAX_DOCUMENT_BYTES, kind) {
            Ok(text) => out.files.push(SourceFile::new(display_name(&p), text)),
            Err(e) => {
                let d = Diagnostic::whole_file(Code::UnreadableIac, format!("cannot read: {e}"))
                    .help("fix or remove the file; the other files were audited");
                out.unreadable
                    .push((SourceFile::new(display_name(&p), String::new()), d));
            }
        }
    }
    Ok(out)
}

/// The audited files under `dir`, sorted; a directory already seen (by its
/// canonical path: symlink loops, two links to one tree) is not walked again.
fn walk(dir: &Path, seen: &mut HashSet<PathBuf>, out: &mut Vec<PathBuf>) {
    let Ok(canonical) = std::fs::canonicalize(dir) else {
        return;
    };
    if !seen.insert(canonical) {
        return;
    }
    let Ok(read) = std::fs::read_dir(dir) else {
        out.push(dir.to_path_buf()); // reported as unreadable by collect
        return;
    };
    let mut entries: Vec<PathBuf> = read.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if p.is_dir() {
            if !SKIPPED_DIRS.contains(&name.as_str()) {
                walk(&p, seen, out);
            }
        } else if crate::audit::language(&name).is_some() {
            out.push(p);
        }
    }
}

/// A handler source file a function names (`path` as the IaC file's folder
/// joined with what it writes), read only when it is a regular file under
/// one of the audited paths: audit never reads outside what it was given.
fn handler_source(roots: &[PathBuf], path: &str) -> Option<String> {
    let real = std::fs::canonicalize(path).ok()?;
    if !roots.iter().any(|r| real.starts_with(r)) || !std::fs::metadata(&real).ok()?.is_file() {
        return None;
    }
    read_text(&real, MAX_DOCUMENT_BYTES, "a handler source file").ok()
}

pub fn run(args: AuditArgs, quiet: bool) -> Result<Outcome, CliError> {
    let docs = super::docs_url::resolve(args.docs_url.as_deref())?;
    let Collected { files, unreadable } = collect(&args.paths)?;
    let roots: Vec<PathBuf> = args
        .paths
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    let diags = crate::audit::audit_with_sources(&files, &|path| handler_source(&roots, path));
    let mut results: Vec<(SourceFile, Vec<_>)> = files.into_iter().zip(diags).collect();
    results.extend(unreadable.into_iter().map(|(f, d)| (f, vec![d])));
    results.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    match args.format {
        Format::Human => {
            for (file, ds) in results.iter().filter(|(_, d)| !d.is_empty()) {
                out!("{}", render::human(file, ds));
                // -q: findings only, no summaries.
                if !quiet {
                    outln!("{}", render::summary_line(file, ds));
                }
            }
            if !quiet {
                let t = Tally::of(results.iter().flat_map(|(_, d)| d.iter()));
                outln!(
                    "audit: {} files read, {} errors, {} warnings, {} notes",
                    results.len(),
                    t.errors,
                    t.warnings,
                    t.notes
                );
            }
        }
        Format::Json => out!("{}", render::json(&results)),
        Format::Sarif => out!("{}", render::sarif(&results, docs.as_deref())),
        Format::Html => out!("{}", crate::audit::html::render(&results)),
        Format::Junit => out!("{}", crate::audit::junit::render(&results)),
    }
    let all = || results.iter().flat_map(|(_, d)| d.iter());
    if all().any(|d| d.code == Code::UnreadableIac) {
        return Ok(Outcome::Failed);
    }
    let t = Tally::of(all());
    if t.errors > 0 || (args.deny_warnings && t.warnings > 0) {
        return Ok(Outcome::Findings);
    }
    Ok(Outcome::Success)
}
