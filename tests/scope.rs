//! `[api] scope = "cors"` (docs/design.md "Scope"): which targets build the CORS
//! layer of an API defined elsewhere, what the others say instead, and that the
//! layer's redeployment trigger follows the policy. The layers' files are
//! pinned by golden/rest-cors-layer and golden/http-cors-layer.

use std::path::Path;
use std::process::Command;

fn corsform(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_corsform"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn golden() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("golden")
}

#[test]
fn sam_refuses_the_cors_layer_and_names_the_targets_that_build_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (code, text) = corsform(
        &golden(),
        &[
            "build",
            "rest-cors-layer/policy.toml",
            "--target",
            "sam",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_ne!(code, 0, "{text}");
    assert!(text.contains("scope \"cors\""), "{text}");
    assert!(text.contains("openapi"), "{text}");
    assert!(text.contains("--target terraform"), "{text}");
    assert!(text.contains("--target cloudformation"), "{text}");
    assert!(!out.exists(), "a refused build wrote files");
}

#[test]
fn cloudformation_refuses_an_http_layer_and_names_terraform() {
    let (code, text) = corsform(
        &golden(),
        &[
            "build",
            "http-cors-layer/policy.toml",
            "--target",
            "cloudformation",
            "--stdout",
        ],
    );
    assert_ne!(code, 0, "{text}");
    assert!(text.contains("CorsConfiguration"), "{text}");
    assert!(text.contains("--target terraform"), "{text}");
}

#[test]
fn default_build_of_a_rest_layer_is_terraform_and_cloudformation() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, text) = corsform(
        &golden(),
        &[
            "build",
            "rest-cors-layer/policy.toml",
            "--out",
            tmp.path().to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{text}");
    // build writes <out>/<api name>/<target>/.
    let mut built: Vec<String> = std::fs::read_dir(tmp.path().join("orders-api"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    built.sort();
    assert_eq!(built, ["cloudformation", "terraform"]);
}

/// The trigger's first entry is the content hash: another origin, another
/// trigger, so the caller's deployment is replaced and the origin goes live.
#[test]
fn the_redeployment_trigger_changes_with_the_policy() {
    let tmp = tempfile::tempdir().unwrap();
    let policy = std::fs::read_to_string(golden().join("rest-cors-layer/policy.toml")).unwrap();
    let changed = policy.replace("https://app.example.com", "https://new.example.com");
    assert_ne!(policy, changed);
    let outputs = |name: &str, text: &str| {
        std::fs::write(tmp.path().join(name), text).unwrap();
        let (code, out) = corsform(
            tmp.path(),
            &["build", name, "--target", "terraform", "--stdout"],
        );
        assert_eq!(code, 0, "{out}");
        let start = out
            .find("output \"redeployment_trigger\"")
            .expect("trigger output");
        out[start..].to_string()
    };
    let before = outputs("a.toml", &policy);
    let after = outputs("b.toml", &changed);
    assert_ne!(before, after, "the trigger must change with the origins");
    assert!(before.contains("var.rest_api_id"), "{before}");
}

#[test]
fn explain_says_the_callers_method_answers_actual_requests() {
    let (code, text) = corsform(
        &golden(),
        &[
            "explain",
            "rest-cors-layer/policy.toml",
            "--origin",
            "https://app.example.com",
            "--method",
            "GET",
            "--path",
            "/health",
        ],
    );
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("your API's own non-proxy method"), "{text}");
    assert!(text.contains("scope = \"cors\""), "{text}");
}
