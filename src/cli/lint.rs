//! `corsform lint`: every finding of every policy, in the chosen format, on
//! stdout (the findings are this command's output).

use super::args::{Format, LintArgs};
use super::read::check_policy;
use super::{CliError, Outcome};
use crate::diagnostic::{Diagnostic, SourceFile, Tally, has_parse_errors, render};
use std::path::Path;

pub fn run(args: LintArgs, quiet: bool) -> Result<Outcome, CliError> {
    let docs = super::docs_url::resolve(args.docs_url.as_deref())?;
    let mut results = Vec::new();
    let mut unreadable = false;
    for path in &super::policy_path::many(&args.policies)? {
        match check_policy(path) {
            Ok(checked) => {
                results.push((checked.file, checked.diags));
                // The document only when the policy is valid: its findings
                // compare it with the policy's settings.
                let document = checked.document.filter(|_| checked.policy.is_some());
                match document {
                    Some(Ok(found)) => results.push(found),
                    Some(Err(e)) => {
                        err!("{}", super::out::error_line(&e.to_string()));
                        unreadable = true;
                    }
                    None => {}
                }
            }
            Err(e) => {
                err!("{}", super::out::error_line(&e.to_string()));
                unreadable = true;
            }
        }
    }
    match args.format {
        Format::Human => {
            for (file, diags) in &results {
                out!("{}", render::human_styled(file, diags));
                if !quiet {
                    outln!("{}", render::summary_line(file, diags));
                }
            }
        }
        Format::Json => out!("{}", render::json(&results)),
        Format::Sarif => out!(
            "{}",
            render::sarif(&for_sarif(results.clone()), docs.as_deref())
        ),
    }
    let all = results.iter().flat_map(|(_, d)| d.iter());
    let tally = Tally::of(all);
    if unreadable || results.iter().any(|(_, d)| has_parse_errors(d)) {
        return Ok(Outcome::Failed);
    }
    if tally.errors > 0 || (args.deny_warnings && tally.warnings > 0) {
        return Ok(Outcome::Findings);
    }
    Ok(Outcome::Success)
}

/// SARIF locations are relative to `%SRCROOT%`, the directory lint runs in: an
/// absolute path inside it (as CI runners often pass) is made relative, so
/// code scanning can match the file in the checkout.
fn for_sarif(
    mut results: Vec<(SourceFile, Vec<Diagnostic>)>,
) -> Vec<(SourceFile, Vec<Diagnostic>)> {
    let Ok(cwd) = std::env::current_dir() else {
        return results;
    };
    for (file, _) in &mut results {
        let path = Path::new(&file.name);
        if path.is_absolute()
            && let Some(rel) = super::relpath::relative(path, &cwd)
            && !rel.starts_with("../")
        {
            file.name = rel;
        }
    }
    results
}
