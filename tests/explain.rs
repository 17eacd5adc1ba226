//! `corsform explain`: verdicts, the stage that blocks, the suggested fix and
//! the exit code, on golden policies whose deployed headers are pinned
//! elsewhere.

use std::path::Path;
use std::process::Command;

fn explain(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_corsform"))
        .arg("explain")
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("golden"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn allowed_pattern_origin_with_credentials() {
    let (code, out) = explain(&[
        "rest-several-origins/policy.toml",
        "--origin",
        "https://pr-3.preview.example.com",
        "--method",
        "POST",
        "--header",
        "content-type",
        "--credentials",
        "--path",
        "/cart",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("verdict: allowed"), "{out}");
    assert!(
        out.contains("Access-Control-Allow-Origin: https://pr-3.preview.example.com"),
        "{out}"
    );
    assert!(
        out.contains("reflect"),
        "the error response only names the first origin: {out}"
    );
}

#[test]
fn missing_method_blocks_the_preflight_and_names_the_fix() {
    let (code, out) = explain(&[
        "warn-method-not-allowed/policy.toml",
        "--origin",
        "https://app.example.com",
        "--method",
        "PUT",
        "--path",
        "/items/1",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "verdict: BLOCKED at the preflight: PUT is not in Access-Control-Allow-Methods"
        ),
        "{out}"
    );
    assert!(
        out.contains("fix: add \"PUT\" to [cors] allow_methods"),
        "{out}"
    );
}

#[test]
fn authorization_under_a_wildcard_is_blocked_by_the_spec_and_flagged_for_chromium() {
    let (code, out) = explain(&[
        "warn-wildcard-headers/policy.toml",
        "--origin",
        "https://app.example.com",
        "--method",
        "GET",
        "--header",
        "authorization",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("never covered by `*`") && out.contains("Chromium still allows it today"),
        "{out}"
    );
    assert!(
        out.contains("fix: add \"authorization\" to [cors] allow_headers"),
        "{out}"
    );
}

#[test]
fn credentials_against_a_public_api_are_blocked() {
    let (code, out) = explain(&[
        "rest-public/policy.toml",
        "--origin",
        "https://x.example.org",
        "--method",
        "GET",
        "--credentials",
        "--path",
        "/",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["allowed"], false);
    assert!(
        v["stages"][1]["blocked"].as_str().unwrap().contains("`*`"),
        "{v}"
    );
}

#[test]
fn http_api_gateway_answers_and_simple_requests_skip_the_preflight() {
    let (code, out) = explain(&[
        "http-public-readonly/policy.toml",
        "--origin",
        "https://anyone.example.org",
        "--method",
        "GET",
        "--path",
        "/products",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("preflight: not sent"), "{out}");
    assert!(
        out.contains("script may also read: x-ratelimit-limit"),
        "{out}"
    );
}

#[test]
fn unrouted_paths_fail_with_the_gateway_403() {
    let (code, out) = explain(&[
        "rest-one-origin/policy.toml",
        "--origin",
        "https://app.example.com",
        "--method",
        "PUT",
        "--path",
        "/nope",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("status 403")
            && out.contains("add a [[routes]] entry whose path matches /nope"),
        "{out}"
    );
}

#[test]
fn lower_case_patch_is_sent_as_written_and_blocked() {
    // Found by the Chromium differential test: fetch() leaves "patch" lower-case.
    let (code, out) = explain(&[
        "rest-route-override/policy.toml",
        "--origin",
        "https://app.example.com",
        "--method",
        "patch",
        "--credentials",
        "--path",
        "/account",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("patch is not in Access-Control-Allow-Methods")
            && out.contains("send the method as \"PATCH\""),
        "{out}"
    );
    let (code, _) = explain(&[
        "rest-route-override/policy.toml",
        "--origin",
        "https://app.example.com",
        "--method",
        "PATCH",
        "--credentials",
        "--path",
        "/account",
    ]);
    assert_eq!(code, 0);
}

/// `--matrix`: every cell of the JSON is what `explain` says of that one
/// request, the table is plain text in a pipe, and the page fetches nothing.
#[test]
fn the_matrix_is_explain_for_every_route_method_and_origin() {
    let policy = "../policies/rest-preview-environments.toml";
    let (code, json) = explain(&[policy, "--matrix", "--format", "json"]);
    assert_eq!(code, 0, "{json}");
    let m: serde_json::Value = serde_json::from_str(&json).unwrap();
    let columns = m["columns"].as_array().unwrap();
    let kinds: Vec<&str> = columns
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["allowed", "allowed", "lookalike", "lookalike", "null"]
    );
    let rows = m["rows"].as_array().unwrap();
    assert_eq!(
        rows.len(),
        4,
        "GET and PUT /cart, GET /products/{{sku}}, GET /health"
    );
    assert_eq!(m["credentials"], true, "the policy allows credentials");
    let mut checked = 0;
    for cell in rows.iter().flat_map(|r| r.as_array().unwrap()) {
        let (code, _) = explain(&[
            policy,
            "--origin",
            cell["origin"].as_str().unwrap(),
            "--method",
            cell["method"].as_str().unwrap(),
            "--path",
            cell["path"].as_str().unwrap(),
            "--credentials",
        ]);
        let allowed = cell["allowed"].as_bool().unwrap();
        assert_eq!(code == 0, allowed, "{cell}");
        let lookalike = !cell["origin"].as_str().unwrap().ends_with("example.com")
            || cell["origin"].as_str().unwrap().contains("attacker");
        if lookalike {
            assert!(!allowed, "a lookalike is granted: {cell}");
        }
        checked += 1;
    }
    assert_eq!(checked, 20);

    let (code, table) = explain(&[policy, "--matrix"]);
    assert_eq!(code, 0);
    assert!(!table.contains('\x1b'), "no colour in a pipe");
    assert!(
        table.contains("PUT    /cart            ✓✓✓ ✓✓✗ ✗✗✗ ✗✗✗ ✗✗✗"),
        "{table}"
    );
    assert!(
        table.contains("20 requests: 8 allowed, 12 blocked"),
        "{table}"
    );

    let (code, page) = explain(&[policy, "--matrix", "--format", "html"]);
    assert_eq!(code, 0);
    assert!(page.starts_with("<!doctype html>"));
    assert_eq!(page.matches("<td ").count(), 20);
    for fetch in ["src=", "href=", "url(", "<script"] {
        assert!(
            !page.contains(fetch),
            "the page must fetch nothing: {fetch}"
        );
    }

    let (code, _) = explain(&[
        policy,
        "--origin",
        "https://a.example",
        "--method",
        "GET",
        "--format",
        "html",
    ]);
    assert_eq!(code, 2, "--format html needs --matrix");
}
