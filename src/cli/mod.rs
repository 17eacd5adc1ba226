//! The command line: the only part of corsform that reads arguments, touches the
//! disk or prints. [`args`] holds the raw clap types; each command module turns
//! them into work on the library and returns an [`Outcome`]; [`run`] is the one
//! place that prints a [`CliError`] and picks the exit code (docs/design.md: 0
//! success; 1 findings at error level or drift; 2 usage, I/O or parse errors).
//! Output goes through [`out`] (colour on terminals, quiet on closed pipes).

#[macro_use]
mod out;
pub mod args;
mod build;
mod docs_url;
mod env;
mod error;
mod explain;
mod help;
mod http;
mod init;
mod lint;
mod policy_path;
mod probe;
mod read;
pub mod relpath;
mod serve;
mod write;
// audit and import (issue 17)
mod audit;
mod import;
mod openapi_build;

pub use error::CliError;

use args::{Cli, Command};
use clap::{CommandFactory, Parser};
use std::process::ExitCode;

/// How a command ended when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: error-level findings, drift under `--check`.
    Findings,
    /// Exit 2: a policy could not be read or parsed (already reported).
    Failed,
}

pub fn main() -> ExitCode {
    out::quiet_broken_pipe_panics();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let code = match run(cli) {
        Ok(Outcome::Success) => 0,
        Ok(Outcome::Findings) => 1,
        Ok(Outcome::Failed) => 2,
        Err(e) => {
            let mut text = out::error_line(&e.to_string());
            if let Some(help) = e.help() {
                text.push_str(&out::help_line(&help));
            }
            out::stderr(&text);
            2
        }
    };
    if let Some(failure) = out::failure() {
        // stdout was cut short (not by a closed pipe): the output is incomplete.
        out::stderr(&out::error_line(&failure));
        return ExitCode::from(2);
    }
    ExitCode::from(code)
}

pub fn run(cli: Cli) -> Result<Outcome, CliError> {
    let quiet = cli.quiet;
    match cli.command {
        Command::Build(a) => build::run(a, quiet),
        Command::Lint(a) => lint::run(a, quiet),
        Command::Init(a) => init::run(a, quiet),
        Command::Explain(a) => explain::run(a, quiet),
        Command::Serve(a) => serve::run(a, quiet),
        Command::Probe(a) => probe::run(a, quiet),
        Command::Audit(a) => audit::run(a, quiet),
        Command::Import(a) => import::run(a),
        Command::Schema => {
            out!("{}", crate::policy::schema::schema_json());
            Ok(Outcome::Success)
        }
        Command::Rules(a) => help::rules(a.code.as_deref()),
        Command::Help(a) => help::topic(a.topic.as_deref()),
        Command::Completions(a) => {
            let mut script = Vec::new();
            clap_complete::generate(a.shell, &mut Cli::command(), "corsform", &mut script);
            out!("{}", String::from_utf8_lossy(&script));
            Ok(Outcome::Success)
        }
    }
}
