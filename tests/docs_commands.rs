//! Every shell block of README.md and of the book's guides (docs/book/src,
//! except the generated reference/ pages, which have their own staleness
//! test) is either run here or listed as not run, the way trycmd runs cargo's
//! examples: the commands, their output and their exit codes.
//!
//! The format, also described in docs/book/src/contributing/docs-tests.md:
//! - A ```console block holds `$ command` lines, each followed by the output
//!   it prints (stdout and stderr together, as a terminal shows them) and, when
//!   it is not 0, its exit code on a line of its own: `? 1`. A line `...`
//!   stands for any number of lines; `[..]` inside a line for any text.
//!   A command ending in ` \` continues on the next line. A command ending in
//!   ` &` starts in the background (a server): the test waits for its first
//!   line of output, and stops it when the page ends.
//! - A block whose info string carries `file=PATH` (```toml file=api.toml) is
//!   written to PATH before the page's later blocks run: what the reader is
//!   told to create, the test creates from the same text.
//! - ```sh, ```bash and ```shell blocks are not run (an install, terraform
//!   against AWS, a CI step): the test counts them and prints where they are.
//!
//! Each page runs in its own temporary folder holding a copy of the folders
//! of this repository it names (policies/, golden/, golden-audit/), with the
//! binary under test first on PATH as `corsform`. Commands run under bash,
//! so pipes and redirections work as the reader types them.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_corsform");
const TIMEOUT: Duration = Duration::from_secs(60);
/// The repository folders a page may use, copied into its workspace.
const FIXTURE_DIRS: &[&str] = &["policies", "golden", "golden-audit"];
const SKIPPED_LANGS: &[&str] = &["sh", "bash", "shell"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The pages whose shell blocks must hold: README.md and every book page
/// except the reference pages `corsform` generates.
fn pages() -> Vec<PathBuf> {
    let mut pages = vec![root().join("README.md")];
    let src = root().join("docs/book/src");
    let reference = src.join("reference");
    for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "md") && !path.starts_with(&reference) {
            pages.push(path.to_path_buf());
        }
    }
    pages
}

enum Block {
    Console { line: usize, body: Vec<String> },
    File { path: String, body: String },
    Skipped { line: usize, lang: String },
}

/// The fenced blocks of a Markdown page, in order.
fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        let trimmed = line.trim_start();
        let Some(info) = trimmed.strip_prefix("```") else {
            continue;
        };
        let indent = line.len() - trimmed.len();
        let mut body = Vec::new();
        for (_, l) in lines.by_ref() {
            if l.trim_start().starts_with("```") {
                break;
            }
            body.push(l.get(indent..).unwrap_or(l.trim_start()).to_string());
        }
        let mut words = info.split([' ', ',']).filter(|w| !w.is_empty());
        let lang = words.next().unwrap_or("").to_string();
        let file = words.find_map(|w| w.strip_prefix("file=").map(str::to_string));
        let line = i + 1;
        if let Some(path) = file {
            let mut body = body.join("\n");
            body.push('\n');
            out.push(Block::File { path, body });
        } else if lang == "console" {
            out.push(Block::Console { line, body });
        } else if SKIPPED_LANGS.contains(&lang.as_str()) {
            out.push(Block::Skipped { line, lang });
        }
    }
    out
}

struct Step {
    line: usize,
    command: String,
    expected: Vec<String>,
    code: i32,
}

/// A console block's commands, each with the output and exit code it expects.
fn steps(block_line: usize, body: &[String]) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut i = 0;
    while i < body.len() {
        let line = &body[i];
        if let Some(cmd) = line.strip_prefix("$ ") {
            let mut command = cmd.to_string();
            let start = i;
            while command.ends_with(" \\") && i + 1 < body.len() {
                command.truncate(command.len() - 1);
                i += 1;
                command.push_str(body[i].trim_start());
            }
            steps.push(Step {
                line: block_line + 1 + start + 1,
                command,
                expected: Vec::new(),
                code: 0,
            });
        } else {
            let step = steps.last_mut().unwrap_or_else(|| {
                panic!("console block at line {block_line}: output before any `$ ` line: {line:?}")
            });
            match line.strip_prefix("? ").and_then(|c| c.trim().parse().ok()) {
                Some(code) => step.code = code,
                None => step.expected.push(line.clone()),
            }
        }
        i += 1;
    }
    steps
}

/// Does `actual` match `expected`, where a whole line `...` is any number of
/// lines and `[..]` inside a line is any text?
fn lines_match(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((e, rest)) if e.trim() == "..." => {
            (0..=actual.len()).any(|skip| lines_match(rest, &actual[skip..]))
        }
        Some((e, rest)) => match actual.split_first() {
            Some((a, arest)) => line_matches(e, a) && lines_match(rest, arest),
            None => false,
        },
    }
}

fn line_matches(expected: &str, actual: &str) -> bool {
    let (expected, actual) = (expected.trim_end(), actual.trim_end());
    let parts: Vec<&str> = expected.split("[..]").collect();
    if parts.len() == 1 {
        return expected == actual;
    }
    let mut rest = actual;
    for (n, part) in parts.iter().enumerate() {
        if n == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if n == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

fn trim_blank_tail(mut lines: Vec<String>) -> Vec<String> {
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    lines
}

fn shell(workspace: &Path, script: &str) -> Command {
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("bash");
    cmd.args(["--noprofile", "--norc", "-c"])
        .arg(format!("exec 2>&1\n{script}"))
        .current_dir(workspace)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env("TERM", "dumb")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CORSFORM_ENVIRONMENT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped());
    cmd
}

/// Runs one command to its end (or TIMEOUT): its output and exit code.
fn run(workspace: &Path, command: &str) -> (String, Option<i32>) {
    let mut child = shell(workspace, command).spawn().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        stdout.read_to_end(&mut buf).ok();
        String::from_utf8_lossy(&buf).into_owned()
    });
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if start.elapsed() > TIMEOUT {
            child.kill().ok();
            child.wait().ok();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    (reader.join().unwrap(), status.and_then(|s| s.code()))
}

/// Starts a server in the background; returns once it printed its first line.
fn start_background(workspace: &Path, command: &str) -> Result<Child, String> {
    let mut child = shell(workspace, &format!("exec {command}"))
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        tx.send(lines.next()).ok();
        for _ in lines {} // keep draining, so a chatty server never blocks
    });
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(Some(Ok(_))) => Ok(child),
        other => {
            child.kill().ok();
            child.wait().ok();
            Err(format!("did not start: {other:?}"))
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[derive(Default)]
struct Tally {
    commands: usize,
    files: usize,
    skipped: Vec<String>,
    failures: Vec<String>,
}

fn check_page(page: &Path, tally: &mut Tally) {
    let text = std::fs::read_to_string(page).unwrap();
    let name = page.strip_prefix(root()).unwrap().display().to_string();
    let blocks = blocks(&text);
    if !blocks.iter().any(|b| !matches!(b, Block::Skipped { .. })) {
        for b in &blocks {
            if let Block::Skipped { line, lang } = b {
                tally.skipped.push(format!("{name}:{line} ({lang})"));
            }
        }
        return;
    }
    let workspace = tempfile::tempdir().unwrap();
    for dir in FIXTURE_DIRS {
        if text.contains(&format!("{dir}/")) {
            copy_dir(&root().join(dir), &workspace.path().join(dir));
        }
    }
    let mut background: Vec<Child> = Vec::new();
    for block in blocks {
        match block {
            Block::Skipped { line, lang } => tally.skipped.push(format!("{name}:{line} ({lang})")),
            Block::File { path, body, .. } => {
                let target = workspace.path().join(&path);
                std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                std::fs::write(target, body).unwrap();
                tally.files += 1;
            }
            Block::Console { line, body } => {
                for step in steps(line, &body) {
                    tally.commands += 1;
                    if let Some(cmd) = step.command.strip_suffix(" &") {
                        match start_background(workspace.path(), cmd) {
                            Ok(child) => background.push(child),
                            Err(e) => tally
                                .failures
                                .push(format!("{name}:{}: `{cmd}` {e}", step.line)),
                        }
                        continue;
                    }
                    let (output, code) = run(workspace.path(), &step.command);
                    let actual: Vec<String> =
                        trim_blank_tail(output.lines().map(str::to_string).collect());
                    let actual: Vec<&str> = actual.iter().map(String::as_str).collect();
                    let expected = trim_blank_tail(step.expected.clone());
                    let output_ok = lines_match(&expected, &actual);
                    if !output_ok || code != Some(step.code) {
                        let mut msg = format!(
                            "{name}:{}: `{}`\n  exit code: expected {}, got {}\n",
                            step.line,
                            step.command,
                            step.code,
                            code.map_or("none (timed out or killed)".into(), |c| c.to_string())
                        );
                        if !output_ok {
                            msg.push_str("  output differs; expected:\n");
                            for l in &expected {
                                msg.push_str(&format!("    |{l}\n"));
                            }
                            msg.push_str("  actual:\n");
                            for l in &actual {
                                msg.push_str(&format!("    |{l}\n"));
                            }
                        }
                        tally.failures.push(msg);
                    }
                }
            }
        }
    }
    for mut child in background {
        child.kill().ok();
        child.wait().ok();
    }
}

#[test]
fn every_shell_block_of_the_readme_and_the_book_runs_as_written() {
    let mut tally = Tally::default();
    let pages = pages();
    assert!(pages.len() > 5, "the book's pages are missing: {pages:?}");
    for page in &pages {
        check_page(page, &mut tally);
    }
    // Written to the process's stderr, past libtest's capture, so every
    // `cargo test` run shows what was run and what was not.
    let mut report = format!(
        "docs: {} commands run and {} files written from {} pages; {} blocks not run (sh/bash/shell):\n",
        tally.commands,
        tally.files,
        pages.len(),
        tally.skipped.len()
    );
    for s in &tally.skipped {
        report.push_str(&format!("  not run: {s}\n"));
    }
    std::io::stderr().write_all(report.as_bytes()).unwrap();
    assert!(
        tally.commands > 20,
        "too few commands ran: {}",
        tally.commands
    );
    assert!(
        tally.failures.is_empty(),
        "{} command(s) of the docs do not do what the docs say:\n\n{}",
        tally.failures.len(),
        tally.failures.join("\n")
    );
}

/// The README keeps a console block that runs corsform's main job on an
/// example policy, and names the test command exactly.
#[test]
fn the_readme_keeps_its_two_commands() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let console: Vec<Step> = blocks(&readme)
        .into_iter()
        .filter_map(|b| match b {
            Block::Console { line, body } => Some(steps(line, &body)),
            _ => None,
        })
        .flatten()
        .collect();
    assert!(
        console
            .iter()
            .any(|s| s.command.starts_with("corsform build policies/") && s.code == 0),
        "README.md must run `corsform build` on an example policy in a console block"
    );
    assert!(
        readme.contains("\n./scripts/test\n"),
        "README.md must name `./scripts/test` as the test command (CI's .ci/run calls it)"
    );
}

/// The book lists one rule page per rule code (the pages themselves are
/// generated from the same table, with a staleness test of their own), and
/// no page for a code that does not exist.
#[test]
fn the_summary_lists_one_page_per_rule_code() {
    let summary = std::fs::read_to_string(root().join("docs/book/src/SUMMARY.md")).unwrap();
    let listed: std::collections::BTreeSet<String> = summary
        .split("](reference/rules/")
        .skip(1)
        .map(|rest| rest.split(".md)").next().unwrap().to_string())
        .collect();
    let codes: std::collections::BTreeSet<String> = corsform::diagnostic::Code::ALL
        .iter()
        .map(|c| c.id().to_string())
        .collect();
    assert_eq!(
        listed, codes,
        "docs/book/src/SUMMARY.md must list reference/rules/CODE.md for exactly the codes of src/diagnostic/codes.rs"
    );
}

#[test]
fn the_matcher_elides_and_compares() {
    let exp = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(lines_match(&exp(&["a", "...", "z"]), &["a", "b", "c", "z"]));
    assert!(lines_match(&exp(&["a", "...", "z"]), &["a", "z"]));
    assert!(!lines_match(&exp(&["a", "...", "z"]), &["a", "b"]));
    assert!(lines_match(&exp(&["wrote [..] files"]), &["wrote 4 files"]));
    assert!(!lines_match(&exp(&["wrote [..] files"]), &["wrote 4 dirs"]));
    assert!(!lines_match(&exp(&["a"]), &["a", "b"]));
    assert!(line_matches("[..]end", "the end"));
    assert!(!line_matches("start[..]", "no start"));
}
