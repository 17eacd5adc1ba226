//! `--help` pinned (issue 28): the top-level help and every command's, as a
//! user reads them in a terminal that is not a TTY (no colours), each in
//! tests/snapshots/help/<command>.txt. A change to a flag, a default or an
//! example shows up as a diff to review; `SNAPSHOTS=overwrite cargo test
//! --test help` rewrites them. The commands are read from the top-level help,
//! so a new command gets its snapshot without touching this file.

mod snapshot_file;

use std::path::PathBuf;
use std::process::Command;

fn help(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_corsform"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "corsform {args:?} exited {:?}",
        out.status.code()
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn help_of_every_command_is_pinned() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/help");
    let top = help(&["--help"]);
    let commands: Vec<&str> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(
        commands.len() >= 10,
        "commands read from --help: {commands:?}"
    );
    let mut failures = Vec::new();
    if let Err(e) = snapshot_file::check(&dir.join("corsform.txt"), &top) {
        failures.push(e);
    }
    for c in &commands {
        if let Err(e) = snapshot_file::check(&dir.join(format!("{c}.txt")), &help(&[c, "--help"])) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
