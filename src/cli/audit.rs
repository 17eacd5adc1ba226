//! `corsform audit PATH...`: read every Terraform, CloudFormation, SAM and
//! OpenAPI file under the paths (directories recursively, skipping
//! `.terraform/`, `node_modules/` and `.git/`), judge them with
//! [`crate::audit`], print the findings as `lint` does, exit as `lint` does.

use super::args::{AuditArgs, Format};
use super::read::display_name;
use super::{CliError, Outcome};
use crate::diagnostic::{Code, SourceFile, Tally, render};
use std::path::{Path, PathBuf};

const SKIPPED_DIRS: &[&str] = &[".terraform", "node_modules", ".git"];

/// The files audit reads under `paths`, in a stable order.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<SourceFile>, CliError> {
    let mut found = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut found)?;
        } else {
            found.push(p.clone());
        }
    }
    found
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).map_err(|source| CliError::Read {
                path: p.clone(),
                source,
            })?;
            Ok(SourceFile::new(display_name(p), text))
        })
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), CliError> {
    let err = |source| CliError::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(err)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if p.is_dir() {
            if !SKIPPED_DIRS.contains(&name.as_str()) {
                walk(&p, out)?;
            }
        } else if crate::audit::language(&name).is_some() {
            out.push(p);
        }
    }
    Ok(())
}

pub fn run(args: AuditArgs) -> Result<Outcome, CliError> {
    let files = collect(&args.paths)?;
    let diags = crate::audit::audit(&files);
    let results: Vec<(SourceFile, Vec<_>)> = files.into_iter().zip(diags).collect();
    match args.format {
        Format::Human => {
            for (file, ds) in results.iter().filter(|(_, d)| !d.is_empty()) {
                print!("{}", render::human(file, ds));
                println!("{}", render::summary_line(file, ds));
            }
            let t = Tally::of(results.iter().flat_map(|(_, d)| d.iter()));
            println!(
                "audit: {} files read, {} errors, {} warnings, {} notes",
                results.len(),
                t.errors,
                t.warnings,
                t.notes
            );
        }
        Format::Json => print!("{}", render::json(&results)),
        Format::Sarif => print!("{}", render::sarif(&results)),
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
