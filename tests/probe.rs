//! `corsform probe` over real sockets: against `corsform serve` of the same
//! policy (nothing may differ), of another policy (the differing header is
//! named), against tiny servers that reflect any origin or redirect (the
//! misconfiguration and the redirect are reported, and nothing but OPTIONS,
//! GET and HEAD is ever sent), and against nothing at all (exit 2).
//!
//! The human output of one case is pinned in `tests/snapshots/`;
//! `SNAPSHOTS=overwrite cargo test --test probe` rewrites it (review the diff).

mod common;
mod snapshot_file;

use common::serve;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs probe from `golden/`; (exit code, stdout, stderr).
fn probe(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_corsform"))
        .arg("probe")
        .args(args)
        .current_dir(root().join("golden"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// Golden policies that build (they have generated targets), as `golden/<case>/policy.toml`.
fn buildable_goldens() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join("golden"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("terraform").is_dir())
        .map(|p| p.join("policy.toml"))
        .collect();
    out.sort();
    out
}

/// A one-thread HTTP server answering every request with `respond(request head)`;
/// it records each request line.
fn tiny_server(respond: fn(&str) -> String) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut r = BufReader::new(s.try_clone().unwrap());
            let mut head = String::new();
            loop {
                let mut l = String::new();
                if r.read_line(&mut l).unwrap_or(0) == 0 || l == "\r\n" {
                    break;
                }
                head.push_str(&l);
            }
            log.lock()
                .unwrap()
                .push(head.lines().next().unwrap_or("").to_string());
            let _ = s.write_all(respond(&head).as_bytes());
        }
    });
    (addr, seen)
}

fn request_origin(head: &str) -> String {
    head.lines()
        .find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case("origin")
                .then(|| v.trim().to_string())
        })
        .unwrap_or_default()
}

#[test]
fn serve_of_the_same_policy_matches_on_every_check() {
    let goldens = buildable_goldens();
    let (mut rest, mut http) = (0, 0);
    let mut failures = Vec::new();
    for policy in &goldens {
        let text = std::fs::read_to_string(policy).unwrap();
        if text.contains("type = \"rest\"") {
            rest += 1;
        } else {
            http += 1;
        }
        let srv = serve(policy, &[]);
        let (code, out, err) = probe(&[
            &format!("http://{}", srv.addr),
            "--policy",
            policy.to_str().unwrap(),
            "--format",
            "json",
        ]);
        let v: serde_json::Value = match serde_json::from_str(&out) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{}: {e}: {out}{err}", policy.display()));
                continue;
            }
        };
        let summary = &v["summary"];
        if code != 0 || summary["differ"] != 0 || summary["checks"].as_u64().unwrap_or(0) == 0 {
            let diffs: Vec<&serde_json::Value> = v["checks"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["ok"] == false)
                .collect();
            failures.push(format!(
                "{}: exit {code}, {summary}\n{diffs:#?}",
                policy.display()
            ));
        }
    }
    assert!(
        rest >= 3 && http >= 3,
        "REST and HTTP cases: {rest} REST, {http} HTTP"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_human_report_is_pinned() {
    let srv = serve(root().join("golden/rest-several-origins/policy.toml"), &[]);
    let url = format!("http://{}", srv.addr);
    let (code, out, err) = probe(&[&url, "--policy", "rest-several-origins/policy.toml"]);
    assert_eq!(code, 0, "{out}{err}");
    let out = out.replace(&url, "http://127.0.0.1:PORT");
    let snapshot = root().join("tests/snapshots/probe-rest-several-origins.txt");
    snapshot_file::assert_file(&snapshot, &out);
}

#[test]
fn serve_of_another_policy_differs_and_the_header_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.toml");
    let golden =
        std::fs::read_to_string(root().join("golden/rest-one-origin/policy.toml")).unwrap();
    let changed = golden.replace("https://app.example.com", "https://new.example.com");
    assert_ne!(golden, changed);
    std::fs::write(&other, changed).unwrap();
    let srv = serve(&other, &[]);
    let (code, out, err) = probe(&[
        &format!("http://{}", srv.addr),
        "--policy",
        "rest-one-origin/policy.toml",
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("DIFF  OPTIONS 204  https://app.example.com")
            && out.contains(
                "Access-Control-Allow-Origin: got \"https://new.example.com\", want \"https://app.example.com\""
            ),
        "{out}"
    );
    assert!(
        !out.contains("misconfiguration:"),
        "a static other origin is drift, not a misconfiguration: {out}"
    );
    assert!(out.contains(" DIFF ("), "{out}");
}

#[test]
fn a_server_reflecting_any_origin_with_credentials_is_named() {
    let (addr, seen) = tiny_server(|head| {
        let origin = request_origin(head);
        format!(
            "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: {origin}\r\nAccess-Control-Allow-Credentials: true\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
    });
    let (code, out, err) = probe(&[
        &format!("http://{addr}/prod"),
        "--policy",
        "rest-several-origins/policy.toml",
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains(
            "misconfiguration: reflected arbitrary origin: https://attacker.example was granted, with credentials"
        ),
        "{out}"
    );
    for name in [
        "`null` origin accepted",
        "prefix origin matching",
        "suffix origin matching",
        "http origin trusted",
    ] {
        assert!(out.contains(name), "{name}: {out}");
    }
    let last = out.lines().last().unwrap();
    assert!(
        last.starts_with("summary: ") && last.contains("reflected arbitrary origin"),
        "{last}"
    );
    let seen = seen.lock().unwrap();
    assert!(!seen.is_empty());
    for line in seen.iter() {
        let method = line.split(' ').next().unwrap();
        assert!(
            ["OPTIONS", "GET", "HEAD"].contains(&method),
            "probe sent {line}"
        );
        assert!(line.contains(" /prod/"), "stage path kept: {line}");
    }
    assert!(
        seen.iter().any(|l| l.starts_with("OPTIONS /prod/cart "))
            && seen.iter().any(|l| l.starts_with("GET /prod/cart "))
    );
}

#[test]
fn redirects_are_reported_not_followed() {
    let (addr, seen) = tiny_server(|_| {
        "HTTP/1.1 301 Moved Permanently\r\nLocation: https://elsewhere.example/prod\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into()
    });
    let (code, out, err) = probe(&[
        &format!("http://{addr}"),
        "--policy",
        "rest-one-origin/policy.toml",
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("redirected (301) to https://elsewhere.example/prod: not followed"),
        "{out}"
    );
    assert!(
        seen.lock()
            .unwrap()
            .iter()
            .all(|l| !l.contains("elsewhere")),
        "the redirect was followed"
    );
}

#[test]
fn an_unreachable_api_exits_2_naming_the_url() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    // Nothing listens there any more: make sure before relying on it.
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
    let url = format!("http://127.0.0.1:{port}/prod");
    let (code, out, err) = probe(&[&url, "--policy", "rest-one-origin/policy.toml"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains(&format!("error: cannot reach {url}/")) && err.contains("help: check the URL"),
        "{err}"
    );
    assert!(
        out.is_empty(),
        "no report for an API that never answered: {out}"
    );
}

#[test]
fn bad_arguments_exit_2_before_any_request() {
    let (code, _, err) = probe(&[
        "api.example.com/prod",
        "--policy",
        "rest-one-origin/policy.toml",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("api.example.com/prod") && err.contains("https://"),
        "{err}"
    );
    let (code, _, err) = probe(&[
        "https://api.example.com/prod",
        "--policy",
        "rest-one-origin/policy.toml",
        "--origin",
        "https://a.example.com/",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--origin https://a.example.com/"), "{err}");
    let (code, _, err) = probe(&[
        "https://api.example.com/prod",
        "--policy",
        "err-wildcard-origin-credentials/policy.toml",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("probe needs a policy without errors"), "{err}");
    let (code, _, err) = probe(&["https://api.example.com/prod", "--policy", "nope.toml"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read `nope.toml`"), "{err}");
}

#[test]
fn large_probes_are_refused_unless_allowed_and_routes_narrow_them() {
    // Refused before any request: the URL is never contacted.
    let (code, _, err) = probe(&[
        "https://api.example.com/prod",
        "--policy",
        "rest-several-origins/policy.toml",
        "--max-requests",
        "10",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("this probe would send") && err.contains("--max-requests"),
        "{err}"
    );
    let (code, _, err) = probe(&[
        "https://api.example.com/prod",
        "--policy",
        "rest-several-origins/policy.toml",
        "--route",
        "/crat",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `/cart`?"), "{err}");

    let srv = serve(root().join("golden/rest-several-origins/policy.toml"), &[]);
    let url = format!("http://{}", srv.addr);
    let policy = root().join("golden/rest-several-origins/policy.toml");
    let policy = policy.to_str().unwrap();
    let (code, out, err) = probe(&[&url, "--policy", policy, "--route", "/cart"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("/cart ") && !out.contains("/status "), "{out}");
}

#[test]
fn help_says_unsafe_methods_are_never_sent() {
    let (code, out, _) = probe(&["--help"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("never sends POST, PUT, PATCH or DELETE"),
        "{out}"
    );
}
