//! `probe --format html` and `--format junit` (issue 32) against `corsform
//! serve` of a golden policy: each page cell and each JUnit test case is one
//! of JSON's checks, with JSON's verdict; the page fetches nothing; the XML
//! parses and its counts are its elements'.

mod common;

use common::serve;
use std::path::Path;
use std::process::Command;

fn golden() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/golden"))
}

/// Probe `url` against `policy` in `format`: (exit code, stdout).
fn probe(url: &str, policy: &str, format: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_corsform"))
        .args(["probe", url, "--policy", policy, "--format", format])
        .current_dir(golden())
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

/// The `data-` attributes of every `<td` with a verdict, in page order.
fn cells(page: &str) -> Vec<std::collections::HashMap<String, String>> {
    let attr = regex::Regex::new(r#"data-([a-z]+)="([^"]*)""#).unwrap();
    page.split("<td ")
        .skip(1)
        .filter_map(|td| {
            let open = &td[..td.find('>')?];
            let m: std::collections::HashMap<String, String> = attr
                .captures_iter(open)
                .map(|c| (c[1].to_string(), c[2].to_string()))
                .collect();
            m.contains_key("verdict").then_some(m)
        })
        .collect()
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// A deployment of another origin than the policy's: some checks agree, some differ.
fn drifted() -> (tempfile::TempDir, common::Server) {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.toml");
    let text = std::fs::read_to_string(golden().join("rest-one-origin/policy.toml")).unwrap();
    let changed = text.replace("https://app.example.com", "https://new.example.com");
    assert_ne!(text, changed);
    std::fs::write(&other, changed).unwrap();
    let srv = serve(&other, &[]);
    (dir, srv)
}

#[test]
fn every_cell_is_a_check_with_the_json_verdict_and_the_page_fetches_nothing() {
    let (_dir, srv) = drifted();
    let url = format!("http://{}", srv.addr);
    let policy = "rest-one-origin/policy.toml";
    let (jcode, json) = probe(&url, policy, "json");
    let (hcode, page) = probe(&url, policy, "html");
    assert_eq!((jcode, hcode), (1, 1), "{page}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let checks = v["checks"].as_array().unwrap();
    let cells = cells(&page);
    assert_eq!(cells.len(), checks.len(), "one cell per check");
    let mut differing = 0;
    for c in checks {
        let kind = c["kind"].as_str().unwrap();
        let cell = cells
            .iter()
            .find(|m| {
                unescape(&m["origin"]) == c["origin"]["value"].as_str().unwrap()
                    && unescape(&m["path"]) == c["path"].as_str().unwrap()
                    && m["kind"] == kind
                    && m["method"] == c["method"].as_str().unwrap()
            })
            .unwrap_or_else(|| panic!("no cell for {c}"));
        assert_eq!(cell["ok"], c["ok"].to_string(), "{c}");
        if c["ok"] == false {
            differing += 1;
        }
        // The deployment grants new.example.com, never app.example.com.
        if kind == "preflight" {
            let want = if c["origin"]["value"] == "https://new.example.com" {
                "allowed"
            } else {
                "blocked"
            };
            if c["origin"]["value"] == "https://app.example.com"
                || c["origin"]["value"] == "https://new.example.com"
            {
                assert_eq!(cell["verdict"], want, "{c}");
            }
        }
    }
    assert!(differing > 0 && differing < checks.len(), "{differing}");
    assert_eq!(
        page.matches("differs from the policy").count(),
        differing,
        "each difference is marked in words"
    );
    for fetch in ["src=", "href=", "url(", "@import", "<script"] {
        assert!(!page.contains(fetch), "{fetch}");
    }
    assert!(page.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    assert!(page.contains("<th scope=\"col\"><code>https://app.example.com</code></th>"));
}

#[test]
fn junit_parses_and_has_a_test_case_per_check() {
    let (_dir, srv) = drifted();
    let url = format!("http://{}", srv.addr);
    let policy = "rest-one-origin/policy.toml";
    let (_, json) = probe(&url, policy, "json");
    let (code, xml) = probe(&url, policy, "junit");
    assert_eq!(code, 1, "{xml}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let checks = v["checks"].as_array().unwrap().len();
    let not_sent =
        v["not_sent"].as_array().unwrap().len() + usize::from(!v["no_route_skipped"].is_null());
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let count =
        |n: roxmltree::Node, tag: &str| n.descendants().filter(|d| d.has_tag_name(tag)).count();
    let num = |n: roxmltree::Node, a: &str| n.attribute(a).unwrap().parse::<usize>().unwrap();
    assert_eq!(count(root, "testcase"), checks + not_sent);
    assert_eq!(count(root, "skipped"), not_sent);
    assert_eq!(
        count(root, "failure"),
        v["summary"]["differ"].as_u64().unwrap() as usize
    );
    assert!(count(root, "failure") > 0);
    for n in std::iter::once(root).chain(root.children().filter(|c| c.has_tag_name("testsuite"))) {
        assert_eq!(num(n, "tests"), count(n, "testcase"));
        assert_eq!(num(n, "failures"), count(n, "failure"));
        assert_eq!(num(n, "errors"), count(n, "error"));
        assert_eq!(num(n, "skipped"), count(n, "skipped"));
    }
    for s in root.children().filter(|c| c.is_element()) {
        assert_eq!(s.tag_name().name(), "testsuite");
        for t in s.children().filter(|c| c.is_element()) {
            assert_eq!(t.tag_name().name(), "testcase");
            assert!(t.attribute("name").is_some() && t.attribute("classname").is_some());
        }
    }
}
