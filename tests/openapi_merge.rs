//! The promise of `[api] openapi` builds (docs/design.md "OpenAPI"): the
//! output is the team's document with the CORS layer added and nothing else
//! changed. For every golden case with a merged output (`golden/*/openapi/`):
//! - every line of the input appears in the output, in order (insertions
//!   only: comments, quoting and key order survive), except what the layer
//!   replaces (the document's own x-amazon-apigateway-cors); for JSON, whose
//!   inserted members lengthen a line by a comma, the input is a byte
//!   subsequence of the output;
//! - parsed, the output minus what corsform adds equals the input minus the
//!   same, as values: no path, operation, component or extension is lost.

use serde_json::Value;
use std::path::{Path, PathBuf};

/// `(input, output)` of every merged golden case.
fn cases() -> Vec<(PathBuf, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden");
    let mut out = Vec::new();
    for dir in std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
    {
        for (input, output) in [("api.yaml", "openapi.yaml"), ("api.json", "openapi.json")] {
            let merged = dir.join("openapi").join(output);
            if dir.join(input).is_file() && merged.is_file() {
                out.push((dir.join(input), merged));
            }
        }
    }
    out.sort();
    out
}

fn parse(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn is_cors_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let n = n
        .strip_prefix("method.response.header.")
        .or_else(|| n.strip_prefix("gatewayresponse.header."))
        .unwrap_or(&n);
    n.starts_with("access-control-") || n == "vary"
}

/// What the CORS layer owns, removed: root CORS extensions and the JSON
/// marker, every `options` operation, CORS headers in `headers` and
/// `responseParameters` (and those maps when nothing else is left in them),
/// and the response a MOCK operation got only for its CORS headers.
fn without_cors(v: &mut Value, depth: usize) {
    let Value::Object(map) = v else {
        if let Value::Array(items) = v {
            items.iter_mut().for_each(|i| without_cors(i, depth + 1));
        }
        return;
    };
    if depth == 0 {
        for k in [
            "x-amazon-apigateway-cors",
            "x-amazon-apigateway-gateway-responses",
            "x-corsform-generated",
        ] {
            map.remove(k);
        }
    }
    map.remove("options");
    for key in ["headers", "responseParameters"] {
        if let Some(Value::Object(h)) = map.get_mut(key) {
            h.retain(|name, _| !is_cors_header(name));
            if h.is_empty() {
                map.remove(key);
            }
        }
    }
    map.values_mut().for_each(|x| without_cors(x, depth + 1));
    // A response left as only corsform's description: added for the headers.
    map.retain(|_, x| {
        !(x.as_object().is_some_and(|o| {
            o.len() == 1
                && o.get("description")
                    .and_then(Value::as_str)
                    .is_some_and(|d| d.starts_with("CORS headers, "))
        }))
    });
}

#[test]
fn merged_documents_keep_everything_that_is_not_cors() {
    let cases = cases();
    assert!(cases.len() >= 3, "merged golden cases: {cases:?}");
    for (input, output) in cases {
        let (mut a, mut b) = (parse(&input), parse(&output));
        without_cors(&mut a, 0);
        without_cors(&mut b, 0);
        assert_eq!(a, b, "{} vs {}", input.display(), output.display());
    }
}

/// What corsform generates audits clean (docs/design.md "Judging IaC"):
/// the merged documents too.
#[test]
fn merged_documents_audit_clean() {
    for (_, output) in cases() {
        let dir = output.parent().unwrap();
        let name = output.file_name().unwrap().to_str().unwrap();
        let (code, err) = corsform(dir, &["audit", name]);
        assert_eq!(code, 0, "audit {}: {err}", output.display());
    }
}

#[test]
fn every_input_line_is_in_the_output_in_order() {
    for (input, output) in cases() {
        let input_text = std::fs::read_to_string(&input).unwrap();
        let output_text = std::fs::read_to_string(&output).unwrap();
        if input.extension().is_some_and(|e| e == "json") {
            // JSON members are inserted after a value on its own line (a comma
            // first), so lines grow: the input must be a subsequence of the
            // output, byte for byte: nothing removed, nothing reordered.
            let mut out = output_text.bytes();
            let kept = input_text.bytes().all(|b| out.any(|o| o == b));
            assert!(
                kept,
                "{}: not an insertion-only edit of {}",
                output.display(),
                input.display()
            );
            continue;
        }
        let replaced = parse(&input).get("x-amazon-apigateway-cors").is_some();
        let mut out = output_text.lines();
        let mut skipping = false;
        for line in input_text.lines() {
            // The document's own x-amazon-apigateway-cors block is replaced.
            if replaced && line.starts_with("x-amazon-apigateway-cors") {
                skipping = true;
                continue;
            }
            if skipping && line.starts_with([' ', '-']) {
                continue;
            }
            skipping = false;
            assert!(
                out.any(|l| l == line),
                "{}: input line {line:?} missing or out of order in {}",
                input.display(),
                output.display()
            );
        }
    }
}

fn corsform(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_corsform"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `build` with no --target builds the merged document (it used to write
/// nothing and exit 0), `--check` sees the input change, other targets refuse.
#[test]
fn build_writes_checks_and_refuses() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/openapi-merge-rest-swagger-json");
    let tmp = tempfile::tempdir().unwrap();
    for f in ["policy.toml", "api.json"] {
        std::fs::copy(case.join(f), tmp.path().join(f)).unwrap();
    }
    let dir = tmp.path();
    let (code, err) = corsform(dir, &["build", "policy.toml", "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    let written = dir.join("out/users/openapi/openapi.json");
    let text = std::fs::read_to_string(&written).unwrap();
    let golden = std::fs::read_to_string(case.join("openapi/openapi.json")).unwrap();
    // Only the marker's source path differs from the golden (named from out/).
    assert_eq!(text.replace("../../../policy.toml", "policy.toml"), golden);
    let (code, err) = corsform(dir, &["build", "policy.toml", "--out", "out", "--check"]);
    assert_eq!(code, 0, "{err}");
    // A second build overwrites its own JSON output (marked by its member).
    let (code, err) = corsform(dir, &["build", "policy.toml", "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    let api = std::fs::read_to_string(dir.join("api.json")).unwrap();
    std::fs::write(
        dir.join("api.json"),
        api.replace("\"title\": \"users\"", "\"title\": \"people\""),
    )
    .unwrap();
    let (code, err) = corsform(dir, &["build", "policy.toml", "--out", "out", "--check"]);
    assert_ne!(code, 0, "drift must be reported: {err}");
    assert!(err.contains("out of date"), "{err}");
    let (code, err) = corsform(
        dir,
        &[
            "build",
            "policy.toml",
            "--out",
            "o2",
            "--target",
            "terraform",
        ],
    );
    assert_ne!(code, 0);
    assert!(err.contains("--target openapi"), "{err}");
    assert!(!dir.join("o2").exists());
}
