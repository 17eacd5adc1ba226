//! `corsform probe` over real sockets: against `corsform serve` of the same
//! policy (nothing may differ), of another policy (the differing header is
//! named), against tiny servers written for each case issue 18 found probe
//! misjudging (a reflecting server behind a policy with a `*` route, a strict
//! server that grants nothing to unlisted origins, an unescaped-dot regex, API
//! Gateway's own 403 for a missing method), against servers that redirect or
//! send hundreds of Set-Cookie lines or 301 KiB of headers, without a policy,
//! at several concurrencies (the same report), and against nothing at all
//! (exit 2). Nothing but OPTIONS, GET and HEAD is ever sent.
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
        // A policy with [environments]: serve and probe each environment (--env).
        let (checked, _) = corsform::check(&corsform::diagnostic::SourceFile::new(
            "policy.toml",
            text.clone(),
        ));
        let names: Vec<String> = checked
            .map(|p| {
                p.environment_names()
                    .into_iter()
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        let envs: Vec<Option<&str>> = if names.is_empty() {
            vec![None]
        } else {
            names.iter().map(|n| Some(n.as_str())).collect()
        };
        for env in envs {
            let env_args: Vec<&str> = env.map(|e| vec!["--env", e]).unwrap_or_default();
            let srv = serve(policy, &env_args);
            let url = format!("http://{}", srv.addr);
            let mut args = vec![
                url.as_str(),
                "--policy",
                policy.to_str().unwrap(),
                "--format",
                "json",
            ];
            args.extend(&env_args);
            let (code, out, err) = probe(&args);
            let label = format!("{} {}", policy.display(), env.unwrap_or(""));
            let v: serde_json::Value = match serde_json::from_str(&out) {
                Ok(v) => v,
                Err(e) => {
                    failures.push(format!("{label}: {e}: {out}{err}"));
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
                failures.push(format!("{label}: exit {code}, {summary}\n{diffs:#?}"));
            }
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

/// Issue 28: a server that closes some connections without an answer made
/// probe exit "cannot reach" and throw away every check already answered.
/// A lost connection is now tried again on a fresh one.
#[test]
fn a_server_that_drops_some_connections_is_still_judged() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let dropped = Arc::new(Mutex::new(0usize));
    let count = Arc::clone(&dropped);
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
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
            if n % 3 == 1 {
                *count.lock().unwrap() += 1;
                drop(s); // closed with no answer
                continue;
            }
            let origin = request_origin(&head);
            let allow = if origin == "https://app.example.com" {
                format!("Access-Control-Allow-Origin: {origin}\r\nVary: Origin\r\n")
            } else {
                String::new()
            };
            let _ = s.write_all(
                format!("HTTP/1.1 200 OK\r\n{allow}Content-Length: 0\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            );
        }
    });
    let (code, out, err) = probe(&[
        &format!("http://{addr}/prod"),
        "--policy",
        "rest-one-origin/policy.toml",
        "--concurrency",
        "1",
    ]);
    assert_ne!(code, 2, "probe gave up on the dropped connections: {err}");
    assert!(
        *dropped.lock().unwrap() > 0,
        "the server dropped no connection"
    );
    assert!(
        out.lines()
            .last()
            .is_some_and(|l| l.starts_with("summary: ")),
        "{out}{err}"
    );
}

/// A server answering its first `answers` connections as the drop test's
/// does, then gone for good: `refuse` closes the listener (connections are
/// refused), otherwise it accepts and closes every later connection unread.
fn server_that_stops_after(answers: usize, refuse: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut s) = stream else { continue };
            if n >= answers {
                if refuse {
                    return; // the listener goes with the thread
                }
                drop(s);
                continue;
            }
            let mut r = BufReader::new(s.try_clone().unwrap());
            let mut head = String::new();
            loop {
                let mut l = String::new();
                if r.read_line(&mut l).unwrap_or(0) == 0 || l == "\r\n" {
                    break;
                }
                head.push_str(&l);
            }
            let origin = request_origin(&head);
            let allow = if origin == "https://app.example.com" {
                format!("Access-Control-Allow-Origin: {origin}\r\nVary: Origin\r\n")
            } else {
                String::new()
            };
            let _ = s.write_all(
                format!("HTTP/1.1 200 OK\r\n{allow}Content-Length: 0\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            );
        }
    });
    addr
}

/// Issue 28, "no lost checks": a server that answers a few requests and then
/// refuses or drops every connection (past probe's retries) gets a report of
/// every check: those answered, judged as usual, and the rest UNREACHABLE,
/// in both formats, with exit 1 (not the "cannot reach" of exit 2).
#[test]
fn a_server_that_stops_answering_loses_no_checks() {
    const ANSWERS: usize = 4;
    let args = |addr: &str, format: &str| {
        probe(&[
            &format!("http://{addr}/prod"),
            "--policy",
            "rest-one-origin/policy.toml",
            "--concurrency",
            "1",
            "--format",
            format,
        ])
    };
    let full = server_that_stops_after(usize::MAX, false);
    let (_, out, err) = args(&full, "json");
    let full: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}{err}"));
    let total = full["checks"].as_array().unwrap().len();
    assert!(total > ANSWERS + 1, "too few checks to test: {total}");
    for refuse in [true, false] {
        let (code, out, err) = args(&server_that_stops_after(ANSWERS, refuse), "json");
        assert_eq!(code, 1, "refuse {refuse}: {out}{err}");
        let report: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}{err}"));
        let checks = report["checks"].as_array().unwrap();
        assert_eq!(checks.len(), total, "refuse {refuse}: a check was lost");
        for (i, c) in checks.iter().enumerate() {
            let answered = c["unreachable"].is_null();
            assert_eq!(answered, i < ANSWERS, "refuse {refuse}, check {i}: {c}");
            assert_eq!(c["status"] != 0, answered, "{c}");
            // What was answered is judged exactly as on the full server.
            if answered {
                assert_eq!(c["ok"], full["checks"][i]["ok"], "{c}");
            } else {
                assert_eq!(c["ok"], false, "{c}");
            }
        }
        assert_eq!(report["summary"]["unreachable"], total - ANSWERS);
        assert_eq!(report["summary"]["checks"], total);
    }
    let (code, out, err) = args(&server_that_stops_after(ANSWERS, true), "human");
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        out.lines()
            .filter(|l| l.trim_start().starts_with("UNREACHABLE"))
            .count(),
        total - ANSWERS,
        "{out}"
    );
    assert!(
        out.contains("(tried 3 times)") && out.contains("not sent: "),
        "{out}"
    );
    let last = out.lines().last().unwrap_or("");
    assert!(
        last.starts_with(&format!("summary: {total} checks"))
            && last.contains(&format!("{} UNREACHABLE", total - ANSWERS)),
        "{out}"
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

/// The request line's method and path.
fn request_line(head: &str) -> (String, String) {
    let mut parts = head.lines().next().unwrap_or("").split(' ');
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    (method, path)
}

/// An HTTP/1.1 response with these headers and body, closing the connection.
fn response(status: &str, headers: &[(String, String)], body: &str) -> String {
    let mut out = format!("HTTP/1.1 {status}\r\n");
    for (n, v) in headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    out
}

/// CORS headers granting `origin` as a careful server does: the origin
/// itself, credentials, the methods and headers of `POLICY_STRICT`.
fn grant(origin: &str, preflight: bool) -> Vec<(String, String)> {
    let mut h = vec![
        (
            "Access-Control-Allow-Origin".to_string(),
            origin.to_string(),
        ),
        ("Access-Control-Allow-Credentials".into(), "true".into()),
        ("Vary".into(), "Origin".into()),
    ];
    if preflight {
        h.push(("Access-Control-Allow-Methods".into(), "PUT, GET".into()));
        h.push(("Access-Control-Allow-Headers".into(), "Content-Type".into()));
    } else {
        h.push(("Access-Control-Expose-Headers".into(), "ETag".into()));
    }
    h
}

/// A REST API with two exact origins and credentials: what the strict,
/// lookalike and missing-method servers below are probed against.
const POLICY_STRICT: &str = r#"version = 1
[api]
name = "strict-api"
type = "rest"
[cors]
allow_origins = ["https://app.example.com", "https://b.example.com"]
allow_methods = ["GET", "PUT"]
allow_headers = ["content-type"]
expose_headers = ["etag"]
allow_credentials = true
max_age = 600
[[routes]]
path = "/items"
methods = ["GET", "PUT"]
"#;

fn write_policy(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.toml");
    std::fs::write(&path, text).unwrap();
    let p = path.to_str().unwrap().to_string();
    (dir, p)
}

/// A server that grants exactly the policy's origins on every response
/// (gateway errors included) and sends nothing CORS to any other origin: no
/// static first origin, other methods, no Max-Age.
fn strict(head: &str) -> String {
    let origin = request_origin(head);
    let (method, _) = request_line(head);
    let preflight = method == "OPTIONS";
    let h = if ["https://app.example.com", "https://b.example.com"].contains(&origin.as_str()) {
        grant(&origin, preflight)
    } else {
        vec![]
    };
    // 200 to preflights, where corsform's deployment answers 204: any 2xx
    // passes a browser's preflight check.
    response("200 OK", &h, "")
}

#[test]
fn a_strict_server_granting_nothing_to_unlisted_origins_agrees() {
    let (_dir, policy) = write_policy(POLICY_STRICT);
    let (addr, _) = tiny_server(strict);
    let (code, out, err) = probe(&[&format!("http://{addr}/prod"), "--policy", &policy]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(" 0 DIFF"), "{out}");
    assert!(
        out.contains("https://bXexample.com") && out.contains("attack: dot replaced"),
        "lookalikes are tried: {out}"
    );
}

/// The strict server without `Vary`: it echoes one of two origins, so a
/// cache keyed on the URL alone may hand one origin's answer to the other.
fn strict_without_vary(head: &str) -> String {
    strict(head).replace("Vary: Origin\r\n", "")
}

#[test]
fn an_echoed_origin_without_vary_is_a_difference() {
    let (_dir, policy) = write_policy(POLICY_STRICT);
    let (addr, _) = tiny_server(strict_without_vary);
    let (code, out, err) = probe(&[&format!("http://{addr}/prod"), "--policy", &policy]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("Vary"), "the Vary header is named: {out}");
    assert!(out.contains("cache"), "the reason says why: {out}");
}

/// Whether `^https://b.example.com$`, its dots unescaped, matches `origin`.
fn regex_like(origin: &str) -> bool {
    let want = "https://b.example.com";
    origin.len() == want.len()
        && origin
            .bytes()
            .zip(want.bytes())
            .all(|(o, w)| w == b'.' || o == w)
}

/// The same regex, and its first origin sent statically to everyone else
/// (as API Gateway's REST MOCK responses do).
fn static_or_unescaped_dot(head: &str) -> String {
    let origin = request_origin(head);
    let (method, _) = request_line(head);
    let shown = if regex_like(&origin) {
        origin.as_str()
    } else {
        "https://b.example.com"
    };
    response("200 OK", &grant(shown, method == "OPTIONS"), "")
}

/// Grants every origin an unescaped-dot regex `^https://b.example.com$`
/// accepts, and the listed app origin.
fn unescaped_dot(head: &str) -> String {
    let origin = request_origin(head);
    let (method, _) = request_line(head);
    let h = if regex_like(&origin) || origin == "https://app.example.com" {
        grant(&origin, method == "OPTIONS")
    } else {
        vec![]
    };
    response("200 OK", &h, "")
}

#[test]
fn an_unescaped_dot_is_named_without_origin_flags() {
    let (_dir, policy) = write_policy(POLICY_STRICT);
    let (addr, _) = tiny_server(unescaped_dot);
    let (code, out, err) = probe(&[&format!("http://{addr}"), "--policy", &policy]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains(
            "misconfiguration: unescaped dot in origin matching: https://bXexample.com was granted, with credentials"
        ),
        "{out}"
    );
    assert!(
        out.contains("https://b.exampleXcom was granted"),
        "every dot is tried: {out}"
    );
    assert!(
        !out.contains("reflected arbitrary origin"),
        "only what the server does is named: {out}"
    );
}

/// The preflight answers; GET is a method API Gateway does not have: its own
/// 403 Missing Authentication Token, without CORS headers.
fn missing_get(head: &str) -> String {
    let origin = request_origin(head);
    let (method, _) = request_line(head);
    if method == "OPTIONS" {
        let h = if ["https://app.example.com", "https://b.example.com"].contains(&origin.as_str()) {
            grant(&origin, true)
        } else {
            vec![]
        };
        return response("204 No Content", &h, "");
    }
    response(
        "403 Forbidden",
        &[
            (
                "x-amzn-ErrorType".into(),
                "MissingAuthenticationTokenException".into(),
            ),
            ("Content-Type".into(), "application/json".into()),
        ],
        r#"{"message":"Missing Authentication Token"}"#,
    )
}

#[test]
fn a_gateway_403_for_a_missing_method_is_attributed_to_api_gateway() {
    let (_dir, policy) = write_policy(POLICY_STRICT);
    let (addr, _) = tiny_server(missing_get);
    let (code, out, err) = probe(&[
        &format!("http://{addr}"),
        "--policy",
        &policy,
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let checks = v["checks"].as_array().unwrap();
    let get = checks
        .iter()
        .find(|c| {
            c["kind"] == "actual"
                && c["method"] == "GET"
                && c["origin"]["value"] == "https://app.example.com"
        })
        .unwrap();
    assert_eq!(get["ok"], false, "{get:#}");
    assert_eq!(get["answered_by"]["by"], "gateway_error", "{get:#}");
    assert!(
        get["answered_by"]["evidence"]
            .as_str()
            .unwrap()
            .contains("MissingAuthenticationTokenException"),
        "{get:#}"
    );
    assert_eq!(
        get["differences"][0]["header"],
        "Access-Control-Allow-Origin"
    );
    for c in checks {
        if c["ok"] == false {
            assert_ne!(c["answered_by"]["by"], "backend", "{c:#}");
        }
    }
    let pre = checks.iter().find(|c| c["kind"] == "preflight").unwrap();
    assert_eq!(pre["answered_by"]["by"], "preflight");
    assert_eq!(pre["ok"], true, "{pre:#}");
    let (_, human, _) = probe(&[&format!("http://{addr}"), "--policy", &policy]);
    assert!(
        human.contains("answered by: API Gateway's own error response (x-amzn-ErrorType: MissingAuthenticationTokenException)"),
        "{human}"
    );
    assert!(!human.contains("answered by: the backend"), "{human}");
    assert!(
        human.contains("note: API Gateway answered itself where the policy has the integration answer: is GET deployed on /items"),
        "{human}"
    );
}

fn reflect_with_credentials(head: &str) -> String {
    let origin = request_origin(head);
    response(
        "200 OK",
        &[
            ("Access-Control-Allow-Origin".into(), origin),
            ("Access-Control-Allow-Credentials".into(), "true".into()),
            // It varies by Origin as it should; what is wrong is whom it lets in.
            ("Vary".into(), "Origin".into()),
        ],
        "",
    )
}

#[test]
fn a_star_route_does_not_hide_a_reflecting_server_on_the_others() {
    let (addr, _) = tiny_server(reflect_with_credentials);
    let (code, out, err) = probe(&[
        &format!("http://{addr}"),
        "--policy",
        "rest-route-override/policy.toml",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let named = |route: &str| -> Vec<String> {
        let mut n: Vec<String> = v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["route"] == route)
            .filter_map(|c| c["misconfiguration"]["name"].as_str().map(String::from))
            .collect();
        n.sort();
        n.dedup();
        n
    };
    let account = named("/account");
    for name in [
        "reflected arbitrary origin",
        "`null` origin accepted",
        "prefix origin matching",
        "suffix origin matching",
        "http origin trusted",
        "unescaped dot in origin matching",
        "port ignored in origin matching",
    ] {
        assert!(account.iter().any(|n| n == name), "{name}: {account:?}");
    }
    assert!(
        named("/public/status")
            .iter()
            .any(|n| n == "reflected arbitrary origin"),
        "on the `*` route, a reflection with credentials is still named"
    );
    let on_account_from = |origin: &str| {
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| {
                c["route"] == "/account" && c["kind"] == "actual" && c["origin"]["value"] == origin
            })
            .unwrap()
            .clone()
    };
    assert_eq!(
        on_account_from("https://attacker.example")["origin"]["role"],
        "attack",
        "the `*` of /public/status does not make it allowed on /account"
    );
    assert_eq!(on_account_from("https://app.example.com")["ok"], true);
}

#[test]
fn without_a_policy_only_misconfigurations_are_checked() {
    let (code, _, err) = probe(&["https://api.example.com/prod"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("without --policy") && err.contains("--route"),
        "{err}"
    );

    let (addr, seen) = tiny_server(reflect_with_credentials);
    let url = format!("http://{addr}/prod");
    let (code, out, err) = probe(&[
        &url,
        "--route",
        "/items/{id}",
        "--origin",
        "https://b.example.com",
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("without a policy"), "{out}");
    for name in [
        "reflected arbitrary origin: https://attacker.example was granted, with credentials",
        "unescaped dot in origin matching: https://bXexample.com was granted",
        "`null` origin accepted",
    ] {
        assert!(out.contains(name), "{name}: {out}");
    }
    assert!(
        seen.lock()
            .unwrap()
            .iter()
            .any(|l| l.starts_with("OPTIONS /prod/items/corsform-probe ")),
        "the route's parameter is filled"
    );

    let (addr, _) = tiny_server(strict);
    let (code, out, err) = probe(&[
        &format!("http://{addr}"),
        "--route",
        "/items",
        "--origin",
        "https://b.example.com",
    ]);
    assert_eq!(code, 0, "a strict server has nothing to name: {out}{err}");

    // A public API (`*`, no credentials) has no misconfiguration; `*` with
    // credentials is one.
    let (addr, _) = tiny_server(|_| {
        response(
            "200 OK",
            &[("Access-Control-Allow-Origin".into(), "*".into())],
            "",
        )
    });
    let (code, out, err) = probe(&[&format!("http://{addr}"), "--route", "/items"]);
    assert_eq!(code, 0, "{out}{err}");
    let (addr, _) = tiny_server(|_| {
        response(
            "200 OK",
            &[
                ("Access-Control-Allow-Origin".into(), "*".into()),
                ("Access-Control-Allow-Credentials".into(), "true".into()),
            ],
            "",
        )
    });
    let (code, out, err) = probe(&[&format!("http://{addr}"), "--route", "/items"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("misconfiguration: `*` with credentials"),
        "{out}"
    );

    // No --origin: the static origin the API sends to anyone is trusted, and
    // its lookalikes are tried.
    let (addr, _) = tiny_server(static_or_unescaped_dot);
    let (code, out, err) = probe(&[&format!("http://{addr}"), "--route", "/items"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("https://b.example.com")
            && out.contains("trusted: seen in the API's Allow-Origin")
            && out.contains("unescaped dot in origin matching: https://bXexample.com was granted"),
        "{out}"
    );
    assert!(!out.contains("reflected arbitrary origin"), "{out}");
}

/// Hundreds of Set-Cookie lines (over ureq's 128-header limit), and the
/// policy's grant to allowed origins.
fn many_cookies(head: &str) -> String {
    let mut r = strict(head);
    let cookies: String = (0..300)
        .map(|i| format!("Set-Cookie: c{i}=v; Path=/\r\n"))
        .collect();
    r.insert_str(r.find("\r\n").unwrap() + 2, &cookies);
    r
}

/// More header bytes than a browser reads.
fn huge_headers(head: &str) -> String {
    let mut r = strict(head);
    let big = format!("X-Big: {}\r\n", "a".repeat(300 * 1024));
    r.insert_str(r.find("\r\n").unwrap() + 2, &big);
    r
}

#[test]
fn many_or_huge_headers_are_judged_not_unreachable() {
    let (_dir, policy) = write_policy(POLICY_STRICT);
    let (addr, _) = tiny_server(many_cookies);
    let (code, out, err) = probe(&[
        &format!("http://{addr}"),
        "--policy",
        &policy,
        "--route",
        "/items",
    ]);
    assert_eq!(
        code, 0,
        "300 Set-Cookie lines are read and judged: {out}{err}"
    );

    let (addr, _) = tiny_server(huge_headers);
    let (code, out, err) = probe(&[
        &format!("http://{addr}"),
        "--policy",
        &policy,
        "--route",
        "/items",
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(!err.contains("cannot reach"), "{err}");
    assert!(
        out.contains("response: the response's headers are 301 KiB: browsers fail"),
        "{out}"
    );
    assert!(out.contains("unreadable response"), "{out}");
}

#[test]
fn concurrency_does_not_change_the_report() {
    let (_dir, policy) = write_policy(POLICY_STRICT);
    let (addr, _) = tiny_server(unescaped_dot);
    let url = format!("http://{addr}");
    let (c1, one, _) = probe(&[&url, "--policy", &policy, "--concurrency", "1"]);
    let (c8, eight, _) = probe(&[&url, "--policy", &policy, "--concurrency", "8"]);
    assert_eq!((c1, c8), (1, 1));
    assert_eq!(one, eight);
    let (_, j1, _) = probe(&[
        &url,
        "--policy",
        &policy,
        "--concurrency",
        "1",
        "--format",
        "json",
    ]);
    let (_, j8, _) = probe(&[
        &url,
        "--policy",
        &policy,
        "--format",
        "json",
        "--concurrency",
        "8",
    ]);
    assert_eq!(j1, j8);
}

/// `-q` (issue 30): findings only. A probe where every check agrees prints
/// nothing; one with differences prints only the differing checks under their
/// route, without the title, the `ok` lines and the summary.
#[test]
fn quiet_prints_only_the_differences() {
    let (_dir, policy) = write_policy(POLICY_STRICT);
    let (addr, _) = tiny_server(strict);
    let (code, out, err) = probe(&[&format!("http://{addr}/prod"), "--policy", &policy, "-q"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));

    let (addr, _) = tiny_server(strict_without_vary);
    let url = format!("http://{addr}/prod");
    let (loud_code, loud, _) = probe(&[&url, "--policy", &policy]);
    let (code, out, err) = probe(&[&url, "--policy", &policy, "--quiet"]);
    assert_eq!((loud_code, code), (1, 1), "{out}{err}");
    assert_eq!(err, "");
    assert!(out.contains("DIFF") && out.contains("Vary"), "{out}");
    assert!(
        !out.contains("\n  ok ") && !out.starts_with("probe "),
        "{out}"
    );
    assert!(!out.contains(" DIFF ("), "no summary line: {out}");
    assert!(out.lines().count() < loud.lines().count(), "{out}");
    for line in out.lines().filter(|l| l.trim_start().starts_with("DIFF")) {
        assert!(loud.contains(line), "{line} is a line of the full report");
    }
}
