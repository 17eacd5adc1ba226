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

/// The file `name` out of `build --stdout`'s `==> path <==` sections.
fn stdout_file<'a>(text: &'a str, name: &str) -> &'a str {
    let start = text
        .find(&format!("/{name} <==\n"))
        .unwrap_or_else(|| panic!("no {name} in:\n{text}"));
    let body = &text[start..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body.find("\n==> ").map_or(body, |end| &body[..end])
}

/// The lines of the block that starts with `head` (up to its closing `}` at
/// the same indentation).
fn block(text: &str, head: &str) -> Vec<String> {
    let start = text
        .find(head)
        .unwrap_or_else(|| panic!("no {head} in:\n{text}"));
    let indent = text[..start].rsplit('\n').next().unwrap().len();
    let close = format!("\n{}}}", " ".repeat(indent));
    let end = start + text[start..].find(&close).unwrap();
    text[start..end].lines().skip(1).map(String::from).collect()
}

fn layer_and_whole_api(cors: &str) -> (String, String, String) {
    let tmp = tempfile::tempdir().unwrap();
    let routes = "[[routes]]\npath = \"/a\"\nmethods = [\"GET\", \"PUT\"]\nintegration = \"mock\"\n\n[[routes]]\npath = \"/b/{id}\"\nmethods = [\"GET\"]\nintegration = \"mock\"\n\n[[routes]]\npath = \"/c\"\nmethods = [\"GET\"]\n";
    let policy = |scope: &str| {
        format!(
            "version = 1\n\n[api]\nname = \"t\"\ntype = \"rest\"\n{scope}\n[cors]\n{cors}\n\n{routes}"
        )
    };
    std::fs::write(tmp.path().join("layer.toml"), policy("scope = \"cors\"\n")).unwrap();
    std::fs::write(tmp.path().join("api.toml"), policy("")).unwrap();
    let build = |file: &str| {
        let (code, text) = corsform(
            tmp.path(),
            &["build", file, "--target", "terraform", "--stdout"],
        );
        assert_eq!(code, 0, "{text}");
        text
    };
    let (_, lint) = corsform(tmp.path(), &["lint", "layer.toml"]);
    (build("layer.toml"), build("api.toml"), lint)
}

/// The layer's outputs for the team's own MOCK methods hold, for exactly the
/// paths CF0603 names, the headers and origin check the whole-API target
/// gives the same MOCK methods' integration responses.
#[test]
fn the_layers_non_proxy_outputs_are_the_whole_apis_mock_responses() {
    let (layer, api, lint) = layer_and_whole_api(
        "allow_origins = [\"https://app.example.com\", \"https://*.preview.example.com\"]\nallow_credentials = true\nexpose_headers = [\"etag\"]",
    );
    assert!(lint.contains("GET,PUT /a; GET /b/{id}"), "{lint}");
    assert!(lint.contains("actual_response_parameters"), "{lint}");
    let outputs = stdout_file(&layer, "outputs.tf");
    let whole = stdout_file(&api, "main.tf");
    for (path, method) in [("/a", "a_get"), ("/a", "a_put"), ("/b/{id}", "b_id_get")] {
        let mock = block(
            whole,
            &format!("resource \"aws_api_gateway_integration_response\" \"{method}\""),
        );
        let mock_params = block(&mock.join("\n"), "response_parameters = {");
        let out = block(outputs, "output \"actual_response_parameters\"");
        let out_params = block(&out.join("\n"), &format!("\"{path}\" = {{"));
        let trimmed = |v: &[String]| v.iter().map(|l| l.trim().to_string()).collect::<Vec<_>>();
        assert_eq!(
            trimmed(&out_params),
            trimmed(&mock_params),
            "{path} ({method})"
        );
        assert!(
            out_params.iter().any(|l| l.contains("Vary")),
            "{out_params:?}"
        );
        let declared = block(outputs, "output \"method_response_parameters\"");
        let declared = block(&declared.join("\n"), &format!("\"{path}\" = {{"));
        assert_eq!(declared.len(), out_params.len(), "{declared:?}");
        assert!(
            declared.iter().all(|l| l.trim_end().ends_with("= true")),
            "{declared:?}"
        );
    }
    let templates = block(outputs, "output \"actual_response_templates\"");
    let templates = block(&templates.join("\n"), "value = {");
    assert_eq!(
        templates.len(),
        2,
        "only the non-proxy paths: {templates:?}"
    );
    assert!(
        templates
            .iter()
            .all(|l| l.contains("= local.allow_origin_template")),
        "{templates:?}"
    );
    assert!(
        !outputs.contains("\"/c\""),
        "a proxy path has no outputs:\n{outputs}"
    );
}

/// One exact origin: Allow-Origin is static, so the origin check is empty
/// (the team's template is their body alone), and no Vary.
#[test]
fn a_static_origin_needs_no_origin_check() {
    let (layer, _, _) = layer_and_whole_api("allow_origins = [\"https://app.example.com\"]");
    let outputs = stdout_file(&layer, "outputs.tf");
    let templates = block(outputs, "output \"actual_response_templates\"");
    let templates = block(&templates.join("\n"), "value = {");
    assert!(
        templates.iter().all(|l| l.trim_end().ends_with("= \"\"")),
        "{templates:?}"
    );
    assert!(!outputs.contains("Vary"), "{outputs}");
}

/// A policy without non-proxy routes still declares the outputs (empty), so
/// the team's wiring does not break when its last MOCK route goes.
#[test]
fn without_non_proxy_routes_the_outputs_are_empty() {
    let (code, text) = corsform(
        &golden(),
        &[
            "build",
            "http-cors-layer/policy.toml",
            "--target",
            "terraform",
            "--stdout",
        ],
    );
    assert_eq!(code, 0, "{text}");
    assert!(
        !text.contains("actual_response_parameters"),
        "an HTTP layer has nothing to wire: API Gateway adds the headers itself"
    );
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("p.toml"),
        "version = 1\n[api]\nname = \"t\"\ntype = \"rest\"\nscope = \"cors\"\n[cors]\nallow_origins = [\"https://app.example.com\"]\n[[routes]]\npath = \"/c\"\nmethods = [\"GET\"]\n",
    )
    .unwrap();
    let (code, text) = corsform(
        tmp.path(),
        &["build", "p.toml", "--target", "terraform", "--stdout"],
    );
    assert_eq!(code, 0, "{text}");
    let outputs = stdout_file(&text, "outputs.tf");
    for name in [
        "method_response_parameters",
        "actual_response_parameters",
        "actual_response_templates",
    ] {
        let b = block(outputs, &format!("output \"{name}\""));
        assert!(
            b.iter()
                .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["value", "=", "{}"]),
            "{name}: {b:?}"
        );
    }
    assert!(
        stdout_file(&text, "README.md").contains("the outputs are empty maps"),
        "{text}"
    );
}
