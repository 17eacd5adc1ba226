//! `corsform lint`: every finding of every policy, in the chosen format, on
//! stdout (the findings are this command's output).

use super::args::{Format, LintArgs};
use super::read::read_policy;
use super::{CliError, Outcome};
use crate::diagnostic::{Tally, has_parse_errors, render};

pub fn run(args: LintArgs, quiet: bool) -> Result<Outcome, CliError> {
    let mut results = Vec::new();
    let mut unreadable = false;
    for path in &super::policy_path::many(&args.policies)? {
        match read_policy(path) {
            Ok(file) => {
                let (_, diags) = crate::check(&file);
                results.push((file, diags));
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
        Format::Sarif => out!("{}", render::sarif(&results)),
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
