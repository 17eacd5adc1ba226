//! `[api] scope = "cors"` (docs/book/src/background/design.md "Scope"): which targets build the CORS
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

fn layer_policy(case: &str) -> corsform::model::Policy {
    let text = std::fs::read_to_string(golden().join(case).join("policy.toml")).unwrap();
    let file = corsform::diagnostic::SourceFile::new("policy.toml", text);
    let (policy, diags) = corsform::check(&file);
    policy.unwrap_or_else(|| panic!("{diags:?}"))
}

fn request(method: &str, target: &str, headers: &[(&str, &str)]) -> corsform::serve::HttpRequest {
    corsform::serve::HttpRequest {
        method: method.into(),
        target: target.into(),
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body: vec![],
    }
}

/// serve answers a layer's policy like any other (the same CORS headers), and
/// its stub body says who answers the actual request once deployed: the
/// caller's own method, which corsform does not create.
#[test]
fn serve_answers_a_layer_and_names_the_callers_method() {
    let deployment = corsform::answer::Deployment::new(layer_policy("rest-cors-layer"));
    let origin = ("Origin", "https://app.example.com");
    let pre = corsform::serve::handle(
        &deployment,
        &request(
            "OPTIONS",
            "/orders/7",
            &[origin, ("Access-Control-Request-Method", "PUT")],
        ),
        None,
    );
    assert_eq!(pre.status, 204);
    let header = |r: &corsform::serve::HttpResponse, n: &str| {
        r.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| v.clone())
    };
    assert_eq!(
        header(&pre, "access-control-allow-origin").as_deref(),
        Some("https://app.example.com")
    );
    assert_eq!(
        header(&pre, "access-control-allow-methods").as_deref(),
        Some("GET,POST,PUT,DELETE")
    );
    let mock = corsform::serve::handle(&deployment, &request("GET", "/health", &[origin]), None);
    assert_eq!(mock.status, 200);
    let body: serde_json::Value = serde_json::from_slice(&mock.body).unwrap();
    let deployed = body["deployed"].as_str().unwrap();
    assert!(
        deployed.contains("your API's own non-proxy method"),
        "{deployed}"
    );
    let proxy = corsform::serve::handle(&deployment, &request("GET", "/orders", &[origin]), None);
    let body: serde_json::Value = serde_json::from_slice(&proxy.body).unwrap();
    assert!(
        body["deployed"]
            .as_str()
            .unwrap()
            .contains("your API's backend"),
        "{body}"
    );
}

/// explain on an HTTP layer: the preflight comes from the cors_configuration
/// the caller's API sets from the module's output.
#[test]
fn explain_says_an_http_layer_answers_through_the_callers_api() {
    let (code, text) = corsform(
        &golden(),
        &[
            "explain",
            "http-cors-layer/policy.toml",
            "--origin",
            "https://app.example.com",
            "--method",
            "PUT",
            "--path",
            "/a/b",
        ],
    );
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("the cors_configuration your API sets from the generated module's output"),
        "{text}"
    );
    assert!(text.contains("browser: allowed"), "{text}");
}

/// A whole API says nothing of a caller: the wording is the layer's alone.
#[test]
fn explain_of_a_whole_api_names_no_caller() {
    let (code, text) = corsform(
        &golden(),
        &[
            "explain",
            "rest-one-origin/policy.toml",
            "--origin",
            "https://app.example.com",
            "--method",
            "PUT",
            "--path",
            "/items/7",
        ],
    );
    assert_eq!(code, 0, "{text}");
    assert!(!text.contains("your API"), "{text}");
}

/// Who answers an HTTP API's actual request, in explain's words: the
/// caller's integration on a layer's routed path, API Gateway's 404 on an
/// unrouted one whatever the scope, and no caller on a whole API.
#[test]
fn http_answer_sources_name_the_caller_only_on_a_layers_routes() {
    let req = |method: &str| corsform::browser::Request {
        origin: "https://app.example.com".into(),
        method: method.into(),
        headers: vec![],
        credentials: false,
    };
    let layer = layer_policy("http-cors-layer-no-catch-all");
    let routed = corsform::answer::exchange(&layer, &req("GET"), "/items").actual;
    assert!(
        routed.source.starts_with("your API's integration"),
        "{}",
        routed.source
    );
    let unrouted = corsform::answer::exchange(&layer, &req("GET"), "/nope").actual;
    assert_eq!(unrouted.response.status, 404);
    assert!(unrouted.source.contains("404"), "{}", unrouted.source);
    let whole = layer_policy("http-public-readonly");
    let routed = corsform::answer::exchange(&whole, &req("GET"), "/products").actual;
    assert!(
        routed.source.starts_with("the integration"),
        "{}",
        routed.source
    );
}
