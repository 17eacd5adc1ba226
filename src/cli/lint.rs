//! `corsform lint`: every finding of every policy, in the chosen format, on
//! stdout (the findings are this command's output).

use super::args::{Format, LintArgs};
use super::read::read_policy;
use super::{CliError, Outcome};
use crate::diagnostic::{Tally, has_parse_errors, render};

pub fn run(args: LintArgs) -> Result<Outcome, CliError> {
    let mut results = Vec::new();
    let mut unreadable = false;
    for path in &args.policies {
        match read_policy(path) {
            Ok(file) => {
                let (_, diags) = crate::check(&file);
                results.push((file, diags));
            }
            Err(e) => {
                eprintln!("error: {e}");
                unreadable = true;
            }
        }
    }
    match args.format {
        Format::Human => {
            for (file, diags) in &results {
                print!("{}", render::human(file, diags));
                println!("{}", render::summary_line(file, diags));
            }
        }
        Format::Json => print!("{}", render::json(&results)),
        Format::Sarif => print!("{}", render::sarif(&results)),
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
