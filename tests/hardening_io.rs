//! The CLI's input and output under hostile or unlucky conditions (issue 12):
//! inputs that are not regular files are refused at once (a FIFO used to hang
//! `lint`, /dev/zero to exhaust memory), oversized policies are refused with
//! the limit named, two builds into one folder take turns, and leftovers of a
//! killed build are cleaned. The symlink and failure cases of the temporary
//! file are unit tests in src/cli/write.rs.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const POLICY: &str = "version = 1\n[api]\nname = \"io-api\"\ntype = \"http\"\n[cors]\nallow_origins = [\"https://app.example.com\"]\n[[routes]]\npath = \"/items\"\nmethods = [\"GET\"]\n";

fn spawn(dir: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_corsform"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs")
}

/// The output, or `None` if the process was still running after `limit`
/// (it is killed then).
fn finish_within(mut child: Child, limit: Duration) -> Option<Output> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if child.try_wait().unwrap().is_some() {
            return Some(child.wait_with_output().unwrap());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

fn refused_at_once(dir: &Path, command: &str, input: &str, expect: &str) {
    let out = finish_within(spawn(dir, &[command, input]), Duration::from_secs(10))
        .unwrap_or_else(|| panic!("`{command} {input}` hung"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(expect), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("policy.toml");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        assert!(std::env::var("CI").is_err(), "mkfifo is missing under CI");
        eprintln!("SKIPPED: mkfifo is not available");
        return;
    }
    for command in ["lint", "build"] {
        refused_at_once(
            dir.path(),
            command,
            "policy.toml",
            "a FIFO (named pipe), not a regular file",
        );
    }
}

#[cfg(unix)]
#[test]
fn dev_zero_and_directories_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["lint", "build"] {
        refused_at_once(
            dir.path(),
            command,
            "/dev/zero",
            "a device, not a regular file",
        );
        refused_at_once(dir.path(), command, ".", "a directory, not a regular file");
    }
}

#[test]
fn an_oversized_policy_is_refused_with_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from(POLICY);
    while text.len() <= 1024 * 1024 {
        text.push_str("# padding padding padding padding padding padding padding\n");
    }
    std::fs::write(dir.path().join("policy.toml"), text).unwrap();
    refused_at_once(
        dir.path(),
        "lint",
        "policy.toml",
        "larger than the 1 MiB limit",
    );
    // Just under the limit is read.
    let mut ok = String::from(POLICY);
    while ok.len() < 1024 * 1024 - 100 {
        ok.push_str("# padding padding padding padding padding padding padding\n");
    }
    std::fs::write(dir.path().join("ok.toml"), ok).unwrap();
    let out = finish_within(
        spawn(dir.path(), &["lint", "ok.toml"]),
        Duration::from_secs(30),
    )
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A build waits while another holds the output folder's lock, then writes,
/// and removes the temporary files a killed build left behind.
#[cfg(unix)]
#[test]
fn builds_into_one_folder_take_turns_and_clean_leftovers() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy.toml"), POLICY).unwrap();
    let out = dir.path().join("out");
    let tf = out.join("io-api").join("terraform");
    std::fs::create_dir_all(&tf).unwrap();
    let leftover = tf.join(".main.tf.corsform-00112233445566ff.tmp");
    std::fs::write(&leftover, "half-written by a killed build").unwrap();

    // Another build holds the lock (the same lock a build takes).
    let held = std::fs::File::open(&out).unwrap();
    held.lock().unwrap();
    let child = spawn(dir.path(), &["build", "policy.toml", "--out", "out"]);
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        !tf.join("main.tf").exists(),
        "the build wrote while another held the folder's lock"
    );
    drop(held);
    let done = finish_within(child, Duration::from_secs(30))
        .expect("build finishes once the lock is free");
    assert_eq!(
        done.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(tf.join("main.tf").exists());
    assert!(
        !leftover.exists(),
        "the killed build's temporary file is still there"
    );

    // Two builds started together both succeed and leave exactly the files of one.
    let a = spawn(dir.path(), &["build", "policy.toml", "--out", "out"]);
    let b = spawn(dir.path(), &["build", "policy.toml", "--out", "out"]);
    for c in [a, b] {
        let o = finish_within(c, Duration::from_secs(30)).unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let stray: Vec<_> = walk(&out)
        .into_iter()
        .filter(|p| p.ends_with(".tmp"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p.to_string_lossy().to_string());
        }
    }
    out
}
