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
