//! The promise of `[api] openapi` builds (docs/book/src/background/design.md "OpenAPI"): the
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

/// The last lines of the origin check the merge puts in front of a MOCK
/// operation's own response template.
const ORIGIN_CHECK_END: &str =
    "#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)\n#end\n#end\n";

/// What the CORS layer owns, removed: root CORS extensions and the JSON
/// marker, the gateway responses it added (the team's own are kept, less
/// their CORS headers), every `options` operation, CORS headers in `headers` and
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
        for k in ["x-amazon-apigateway-cors", "x-corsform-generated"] {
            map.remove(k);
        }
    }
    map.remove("options");
    // A MOCK operation's own response template gets the origin check in
    // front of its body; the body is the team's.
    if let Some(Value::Object(templates)) = map.get_mut("responseTemplates") {
        for t in templates.values_mut() {
            if let Some(body) = t.as_str().and_then(|t| t.split_once(ORIGIN_CHECK_END)) {
                *t = Value::String(body.1.to_string());
            }
        }
    }
    for key in ["headers", "responseParameters"] {
        if let Some(Value::Object(h)) = map.get_mut(key) {
            h.retain(|name, _| !is_cors_header(name));
            if h.is_empty() {
                map.remove(key);
            }
        }
    }
    map.values_mut().for_each(|x| without_cors(x, depth + 1));
    // The team's gateway responses stay, less their CORS headers; those the
    // layer added (nothing left in them now) go.
    if depth == 0
        && let Some(Value::Object(responses)) = map.get_mut("x-amazon-apigateway-gateway-responses")
    {
        responses.retain(|_, r| r.as_object().is_some_and(|o| !o.is_empty()));
        if responses.is_empty() {
            map.remove("x-amazon-apigateway-gateway-responses");
        }
    }
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

/// What corsform generates audits clean (docs/book/src/background/design.md "Judging IaC"):
/// the merged documents too.
#[test]
fn merged_documents_audit_clean() {
    for (_, output) in cases() {
        let dir = output.parent().unwrap();
        let name = output.file_name().unwrap().to_str().unwrap();
        // The team's own gateway responses are kept as they are: where lint
        // already names them (CF1006), audit may say the same, and only that.
        let lint = std::fs::read_to_string(dir.parent().unwrap().join("lint.txt")).unwrap();
        if lint.contains("[CF1006]") {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_corsform"))
                .args(["audit", name, "--format", "json"])
                .current_dir(dir)
                .output()
                .unwrap();
            let found: Value = serde_json::from_slice(&out.stdout).unwrap();
            let text = found.to_string();
            for rule in text.split("\"rule\":\"").skip(1) {
                let rule = rule.split('"').next().unwrap();
                assert!(
                    ["credentials-mismatch", "wildcard-origin-with-credentials"].contains(&rule),
                    "audit {}: {rule} is not what lint's CF1006 names\n{text}",
                    output.display()
                );
            }
            continue;
        }
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
        let policy = std::fs::read_to_string(input.with_file_name("policy.toml")).unwrap();
        let (policy, _) = corsform::check(&corsform::diagnostic::SourceFile::new("p", policy));
        let configured: Vec<String> = policy
            .and_then(|p| p.gateway_responses)
            .map(|g| g.types)
            .unwrap_or_default();
        let (mut in_responses, mut response) = (false, String::new());
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
            // A CORS header of a gateway response the policy configures is
            // replaced by the policy's value; those of the other types are
            // kept, and found below as every other line.
            if line.starts_with("x-amazon-apigateway-gateway-responses") {
                in_responses = true;
            } else if !line.starts_with(' ') {
                in_responses = false;
            }
            if in_responses && line.starts_with("  ") && !line.starts_with("   ") {
                response = line.trim().trim_end_matches(':').to_string();
            }
            if in_responses
                && configured.contains(&response)
                && line
                    .trim_start()
                    .starts_with("gatewayresponse.header.Access-Control-")
            {
                continue;
            }
            let mut ahead = out.clone();
            if ahead.any(|l| l == line) {
                out = ahead;
                continue;
            }
            // A MOCK operation's response template, rewritten with the origin
            // check in front of the team's body (the JSON test above and
            // merged_documents_keep_everything_that_is_not_cors check the body).
            let key = line.split_once(": ").map(|(k, _)| k.trim());
            let rewritten = key.is_some_and(|key| {
                out.any(|l| {
                    l.trim_start()
                        .trim_start_matches('"')
                        .starts_with(key.trim_matches('"'))
                        && l.contains("#set($origin")
                })
            });
            assert!(
                rewritten,
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

/// The team's document of the test below: PUT (not safelisted), ANY, a MOCK
/// operation with a body of the team's own, path parameters.
const SAME_AS_ROUTES_DOC: &str = r#"openapi: 3.0.1
info:
  title: items
  version: "1"
paths:
  /items/{id}:
    get:
      responses:
        "200":
          description: one item
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${stageVariables.fn}/invocations
    put:
      responses:
        "200":
          description: saved
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: PUT
        uri: https://${stageVariables.host}/items/{id}
  /files/{proxy+}:
    x-amazon-apigateway-any-method:
      responses:
        "200":
          description: any
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: ANY
        uri: https://${stageVariables.host}/files
  /status:
    get:
      responses:
        "200":
          description: up
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates:
          application/json: '{"statusCode": 200}'
        responses:
          default:
            statusCode: "200"
            responseTemplates:
              application/json: '{"up": true}'
"#;

const SAME_AS_ROUTES_CORS: &str = r#"[cors]
allow_origins = ["https://app.example.com", "https://*.preview.example.com"]
allow_headers = ["content-type"]
"#;

/// Issue 27: a policy with `[api] openapi` and no `allow_methods` behaves in
/// build, lint and explain as the same routes written as `[[routes]]`: the
/// preflights allow the document's methods (ANY expanded), the MOCK
/// operation checks the origin (pattern origins too) and keeps the team's
/// body, and explain finds the document's paths.
#[test]
fn a_document_policy_behaves_as_the_same_routes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("api.yaml"), SAME_AS_ROUTES_DOC).unwrap();
    let head = "version = 1\n[api]\nname = \"items\"\ntype = \"rest\"\n";
    std::fs::write(
        dir.join("doc.toml"),
        format!("{head}openapi = \"api.yaml\"\n{SAME_AS_ROUTES_CORS}"),
    )
    .unwrap();
    std::fs::write(
        dir.join("routes.toml"),
        format!(
            "{head}{SAME_AS_ROUTES_CORS}
[[routes]]
path = \"/items/{{id}}\"
methods = [\"GET\", \"PUT\"]
[[routes]]
path = \"/files/{{proxy+}}\"
methods = [\"ANY\"]
integration = \"http\"
[[routes]]
path = \"/status\"
methods = [\"GET\"]
integration = \"mock\"
"
        ),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_corsform"))
            .args(args)
            .current_dir(dir)
            .output()
            .expect("binary runs");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        (out.status.code().unwrap_or(-1), stdout, stderr)
    };
    let (code, out, err) = run(&["lint", "doc.toml"]);
    assert_eq!(code, 0, "{out}{err}");

    let built = |policy: &str| {
        let (code, out, err) = run(&["build", policy, "--target", "openapi", "--stdout"]);
        assert_eq!(code, 0, "{err}");
        let start = out.find("openapi:").expect("a document");
        let doc: Value = serde_yaml_ng::from_str(&out[start..]).unwrap();
        doc
    };
    let (merged, plain) = (built("doc.toml"), built("routes.toml"));
    let integration = |doc: &Value, path: &str, op: &str| {
        doc["paths"][path][op]["x-amazon-apigateway-integration"]["responses"]["default"].clone()
    };
    for path in ["/items/{id}", "/files/{proxy+}", "/status"] {
        let (m, p) = (
            integration(&merged, path, "options"),
            integration(&plain, path, "options"),
        );
        assert_eq!(
            m, p,
            "{path}: the merged preflight differs from the routes' one"
        );
    }
    let methods = |path: &str| {
        integration(&merged, path, "options")["responseParameters"]
            ["method.response.header.Access-Control-Allow-Methods"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        methods("/items/{id}"),
        "'GET,PUT,HEAD,POST,PATCH,DELETE,OPTIONS'"
    );
    let status = integration(&merged, "/status", "get");
    let template = status["responseTemplates"]["application/json"]
        .as_str()
        .unwrap();
    let ours = integration(&plain, "/status", "get")["responseTemplates"]["application/json"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        ours.contains(".matches("),
        "the plain target checks the pattern: {ours}"
    );
    assert_eq!(template, format!("{ours}{{\"up\": true}}"));

    for (method, path, origin) in [
        ("PUT", "/items/7", "https://pr-12.preview.example.com"),
        ("DELETE", "/files/a/b", "https://app.example.com"),
        ("GET", "/status", "https://pr-3.preview.example.com"),
    ] {
        let explain = |policy: &str| {
            run(&[
                "explain", policy, "--origin", origin, "--method", method, "--path", path,
            ])
        };
        let (code, doc_out, err) = explain("doc.toml");
        assert_eq!(code, 0, "{method} {path}: {doc_out}{err}");
        let (_, routes_out, _) = explain("routes.toml");
        assert_eq!(doc_out.replace("doc.toml", "routes.toml"), routes_out);
    }
}
