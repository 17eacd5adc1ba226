//! The command line: the only part of corsform that reads arguments, touches the
//! disk or prints. [`args`] holds the raw clap types; each command module turns
//! them into work on the library and returns an [`Outcome`]; [`run`] is the one
//! place that prints a [`CliError`] and picks the exit code (DESIGN.md: 0
//! success; 1 findings at error level or drift; 2 usage, I/O or parse errors).

pub mod args;
mod build;
mod env;
mod error;
mod explain;
mod http;
mod init;
mod lint;
mod probe;
mod read;
mod serve;
mod write;

pub use error::CliError;

use args::{Cli, Command};
use clap::Parser;
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
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(Outcome::Success) => ExitCode::from(0),
        Ok(Outcome::Findings) => ExitCode::from(1),
        Ok(Outcome::Failed) => ExitCode::from(2),
        Err(e) => {
            eprintln!("error: {e}");
            if let Some(help) = e.help() {
                eprintln!("help: {help}");
            }
            ExitCode::from(2)
        }
    }
}

pub fn run(cli: Cli) -> Result<Outcome, CliError> {
    match cli.command {
        Command::Build(a) => build::run(a),
        Command::Lint(a) => lint::run(a),
        Command::Init(a) => init::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Probe(a) => probe::run(a),
        Command::Schema => {
            print!("{}", crate::policy::schema::schema_json());
            Ok(Outcome::Success)
        }
    }
}
