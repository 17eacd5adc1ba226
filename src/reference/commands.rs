//! The book's commands page: `corsform --help` and every command's `--help`,
//! rendered by clap from the same definition the binary parses with
//! ([`crate::cli::args::Cli`]), at a fixed width so the page does not depend on
//! the terminal it was generated in.

use crate::cli::args::Cli;
use clap::CommandFactory;
use std::fmt::Write;

/// Columns the page's help text is wrapped at (as tests/help.rs pins it).
const WIDTH: usize = 100;

/// The built clap command, wrapped at `width` columns when given (else as
/// clap decides from the terminal): subcommands know their full name
/// (`corsform build`) once built.
pub fn command(width: Option<usize>) -> clap::Command {
    let mut cmd = Cli::command();
    if let Some(w) = width {
        cmd = cmd.term_width(w);
    }
    cmd.build();
    cmd
}

/// What `corsform --help` (no name) or `corsform NAME --help` prints, as plain
/// text: asked of clap the way the flag asks it, so the layout (clap picks a
/// compact one when no argument has a long help) is the same.
pub fn long_help(name: Option<&str>, width: Option<usize>) -> Option<String> {
    let cmd = command(width);
    let mut argv = vec!["corsform"];
    if let Some(n) = name {
        cmd.find_subcommand(n)?;
        argv.push(n);
    }
    argv.push("--help");
    match cmd.try_get_matches_from(argv) {
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelp => Some(e.render().to_string()),
        _ => None,
    }
}

/// The book's page (`reference/commands.md`).
pub fn page() -> String {
    let mut out = String::from(super::GENERATED);
    out.push_str(
        "# Commands\n\nThe `--help` of every command, as `corsform help COMMAND` prints it.\n\n",
    );
    let _ = writeln!(
        out,
        "## corsform\n\n```text\n{}```\n",
        long_help(None, Some(WIDTH)).unwrap_or_default()
    );
    let cmd = command(Some(WIDTH));
    for sub in cmd.get_subcommands() {
        let name = sub.get_name();
        let Some(text) = long_help(Some(name), Some(WIDTH)) else {
            continue;
        };
        let _ = writeln!(out, "## corsform {name}\n\n```text\n{text}```\n");
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_command_has_its_section_with_full_usage() {
        let p = super::page();
        for name in [
            "build", "lint", "explain", "audit", "import", "rules", "help",
        ] {
            assert!(p.contains(&format!("## corsform {name}\n")), "{name}");
        }
        assert!(
            p.contains("Usage: corsform build [OPTIONS] [POLICY]..."),
            "{p}"
        );
    }
}
