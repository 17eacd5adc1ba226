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

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_corsform"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// `help COMMAND` is the command's `--help`, word for word, as with clap's own.
#[test]
fn help_of_a_command_is_its_help_flag() {
    // `help rules` is the rules topic (the table), not `rules --help`.
    for c in ["build", "lint", "audit", "import", "init"] {
        assert_eq!(help(&["help", c]), help(&[c, "--help"]), "{c}");
    }
    assert_eq!(help(&["help"]), help(&["--help"]));
}

/// `help CF0903`, `rules CF0903` and the rule's name all print its explanation:
/// what happens, a wrong and a right example, the fix (issue 30).
#[test]
fn help_explains_a_rule_by_code_or_name() {
    let by_code = help(&["help", "CF0903"]);
    assert!(
        by_code.starts_with("CF0903: error-responses-without-cors\n"),
        "{by_code}"
    );
    for part in [
        "Level: warning.",
        "## Wrong",
        "## Right",
        "## Fix",
        "gateway response",
    ] {
        assert!(by_code.contains(part), "{part} missing:\n{by_code}");
    }
    assert_eq!(help(&["help", "cf0903"]), by_code);
    assert_eq!(help(&["help", "error-responses-without-cors"]), by_code);
    assert_eq!(help(&["rules", "CF0903"]), by_code);
}

#[test]
fn rules_lists_every_code() {
    let table = help(&["rules"]);
    assert_eq!(help(&["help", "rules"]), table);
    let codes: Vec<&str> = table
        .lines()
        .filter(|l| l.starts_with("CF"))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert!(codes.len() > 80, "{table}");
    for c in ["CF0001", "CF0101", "CF0903", "CF1007"] {
        assert!(codes.contains(&c), "{c}");
    }
    // Every listed code has its own explanation.
    for c in codes {
        let text = help(&["help", c]);
        assert!(text.starts_with(&format!("{c}: ")), "{c}: {text}");
    }
}

#[test]
fn help_topics_policy_and_targets() {
    let policy = help(&["help", "policy"]);
    for needle in [
        "## `[cors]`",
        "`allow_origins`",
        "`max_age`",
        "## `[[routes]]`",
    ] {
        assert!(policy.contains(needle), "{needle}:\n{policy}");
    }
    let targets = help(&["help", "targets"]);
    for t in [
        "terraform (default)",
        "sam (default)",
        "cloudformation (default)",
        "openapi\n",
        "lambda-node\n",
        "cdk-python\n",
    ] {
        assert!(targets.contains(&format!("## {t}")), "{t}:\n{targets}");
    }
}

#[test]
fn an_unknown_topic_is_a_usage_error_with_a_suggestion() {
    let (code, out, err) = run(&["help", "CF0930"]);
    assert_eq!(code, 2);
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("no command, rule or help topic named `CF0930`"),
        "{err}"
    );
    // CF0900 and CF0903 are one edit away; the first in table order is named.
    assert!(err.contains("did you mean `CF0900`?"), "{err}");
    let (code, _, err) = run(&["help", "polcy"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `policy`?"), "{err}");
    let (code, _, err) = run(&["rules", "wildcard-origin-with-credential"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("did you mean `wildcard-origin-with-credentials`?"),
        "{err}"
    );
    let (code, _, err) = run(&["help", "zzzzzzzz"]);
    assert_eq!(code, 2);
    assert!(!err.contains("did you mean"), "{err}");
}

/// `build --help` names the default targets the registry builds, and lists
/// every target in its Targets section (issue 30: openapi was left out).
#[test]
fn build_help_names_the_default_targets_and_every_target() {
    let defaults: Vec<&str> = corsform::render::Target::ALL
        .iter()
        .filter(|t| t.spec().default)
        .map(|t| t.name())
        .collect();
    assert_eq!(defaults, ["terraform", "sam", "cloudformation"]);
    let h = help(&["build", "--help"]);
    assert!(
        h.contains("Default: terraform, sam and cloudformation"),
        "{h}"
    );
    let section = h
        .split("\nTargets (default: terraform, sam and cloudformation")
        .nth(1)
        .unwrap();
    for t in corsform::render::Target::ALL {
        assert!(
            section
                .lines()
                .any(|l| l.starts_with(&format!("  {} ", t.name()))),
            "{} missing from build --help's Targets",
            t.name()
        );
    }
}

/// `corsform --version` names the version and, built from a git checkout, the
/// commit and its date (issue 30): `corsform 0.1.0 (a88c988 2026-12-06)`.
#[test]
fn version_names_the_version_and_the_commit() {
    let v = help(&["--version"]);
    let rest = v
        .strip_prefix(&format!("corsform {}", env!("CARGO_PKG_VERSION")))
        .unwrap_or_else(|| panic!("{v:?}"));
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    if !manifest.join(".git").exists() {
        assert_eq!(rest, "\n", "a packaged crate has no commit to name");
        return;
    }
    let inner = rest
        .strip_prefix(" (")
        .and_then(|r| r.strip_suffix(")\n"))
        .unwrap_or_else(|| panic!("{v:?}"));
    let (hash, date) = inner.split_once(' ').unwrap();
    assert!(
        hash.len() >= 7 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        "{v:?}"
    );
    let d: Vec<&str> = date.split('-').collect();
    assert!(
        d.len() == 3 && [4, 2, 2] == [d[0].len(), d[1].len(), d[2].len()],
        "{v:?}"
    );
    assert!(
        date.chars().all(|c| c.is_ascii_digit() || c == '-'),
        "{v:?}"
    );
    if let Ok(out) = Command::new("git")
        .arg("-C")
        .arg(manifest)
        .args(["rev-parse", "HEAD"])
        .output()
        && out.status.success()
    {
        let head = String::from_utf8(out.stdout).unwrap();
        assert!(
            head.starts_with(hash),
            "--version names {hash}, HEAD is {head}"
        );
    }
}
