//! What in the team's own OpenAPI document (`[api] openapi`) conflicts with
//! the policy's CORS layer, each finding at the document's own position
//! (docs/design.md "OpenAPI"): an OPTIONS operation of its own (the layer's
//! preflight replaces it), an authorizer on OPTIONS (preflights carry no
//! credentials: Fetch standard, "CORS-preflight request"), a method outside
//! `allow_methods` and an `x-amazon-apigateway-cors` of its own.
//!
//! The document is read with audit's span-keeping YAML/JSON reader, so every
//! finding points at the key at fault. `$ref`s from `paths` to path items
//! inside the document (`#/components/pathItems/x`, `#/x-paths/y`) are
//! followed, and the finding points into the path item they name.

use crate::audit::doc::{Entry, Node};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Policy;

/// The operation keys of a path item, with the method each stands for
/// (OpenAPI "Path Item Object"; `x-amazon-apigateway-any-method` is API
/// Gateway's ANY).
pub(crate) const OPERATIONS: &[(&str, &str)] = &[
    ("get", "GET"),
    ("put", "PUT"),
    ("post", "POST"),
    ("delete", "DELETE"),
    ("options", "OPTIONS"),
    ("head", "HEAD"),
    ("patch", "PATCH"),
    ("trace", "TRACE"),
    ("x-amazon-apigateway-any-method", "ANY"),
];

/// Every conflict between `text` (the document) and `policy`.
pub fn conflicts(text: &str, policy: &Policy) -> Vec<Diagnostic> {
    let doc = match crate::audit::yaml::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let at = e.offset.min(text.len());
            return vec![
                Diagnostic::new(
                    Code::OpenapiUnreadable,
                    format!("not YAML or JSON: {}", e.message),
                    at..at,
                )
                .help("the document must be OpenAPI 3.0.x or Swagger 2.0, in YAML or JSON"),
            ];
        }
    };
    let version = doc.get("openapi").or_else(|| doc.get("swagger"));
    let supported = version
        .and_then(Node::text)
        .is_some_and(|v| v.starts_with("3.0") || v == "2.0");
    let Some(paths) = doc.get("paths").filter(|_| supported) else {
        let span = version.map_or(0..0, |v| v.span.clone());
        return vec![
            Diagnostic::new(
                Code::OpenapiUnreadable,
                "not an OpenAPI 3.0.x or Swagger 2.0 document with `paths`",
                span,
            )
            .help("corsform reads `openapi: 3.0.x` or `swagger: \"2.0\"` documents"),
        ];
    };
    let mut out = Vec::new();
    if let Some(cors) = doc.entry("x-amazon-apigateway-cors") {
        out.push(
            Diagnostic::new(
                Code::OpenapiOwnCors,
                "the document configures CORS itself (x-amazon-apigateway-cors)",
                cors.key_span.clone(),
            )
            .label("the policy's CORS settings replace this")
            .help("remove it and keep CORS in the policy"),
        );
    }
    let global_security = doc.get("security");
    for path in paths.entries() {
        if let Err(why) = crate::model::ApiPath::parse(&path.key) {
            out.push(
                Diagnostic::new(
                    Code::OpenapiPathNotUnderstood,
                    format!("{} is not an API Gateway resource path ({why}): the CORS layer adds no preflight to it", path.key),
                    path.key_span.clone(),
                )
                .label("no preflight for this path")
                .help("write it as API Gateway does: /segment, {param} or {proxy+} segments"),
            );
        }
        let item = resolve(&doc, &path.value);
        for op in item.entries() {
            let Some((_, method)) = OPERATIONS.iter().find(|(k, _)| *k == op.key) else {
                continue;
            };
            check_operation(&path.key, method, op, global_security, policy, &mut out);
        }
    }
    unknown_routes(&doc, policy, &mut out);
    gateway_responses(&doc, policy, &mut out);
    out
}

/// Whether a gateway response maps Access-Control-Allow-Credentials to `'true'`.
fn allows_credentials(response: &Node) -> bool {
    response.get("responseParameters").is_some_and(|p| {
        p.entries().iter().any(|e| {
            e.key
                .eq_ignore_ascii_case("gatewayresponse.header.Access-Control-Allow-Credentials")
                && e.value.text() == Some("'true'")
        })
    })
}

/// The document's own gateway responses that the layer leaves as they are
/// (their type is not in `[gateway_responses] types`, so the merge does not
/// replace their CORS mapping) and whose Allow-Origin contradicts the policy:
/// `'*'` where the policy lists origins or allows credentials (the browser
/// then refuses the error it carries), an origin the policy does not allow,
/// or an allowed one without Allow-Credentials when the policy allows them.
fn gateway_responses(doc: &Node, policy: &Policy, out: &mut Vec<Diagnostic>) {
    let Some(responses) = doc.get("x-amazon-apigateway-gateway-responses") else {
        return;
    };
    let ours: &[String] = policy
        .gateway_responses
        .as_ref()
        .map_or(&[], |g| g.types.as_slice());
    for response in responses.entries() {
        if ours.contains(&response.key) {
            continue;
        }
        let Some(header) = response.value.get("responseParameters").and_then(|p| {
            p.entries().iter().find(|e| {
                e.key
                    .eq_ignore_ascii_case("gatewayresponse.header.Access-Control-Allow-Origin")
            })
        }) else {
            continue;
        };
        // A static value is quoted ('https://a.example'); anything else maps
        // a request value, which this check cannot judge.
        let Some(value) = header
            .value
            .text()
            .and_then(|v| v.strip_prefix('\'')?.strip_suffix('\''))
        else {
            continue;
        };
        let cors = &policy.cors;
        let why = if value == "*" && cors.allow_credentials {
            format!(
                "{} sends Access-Control-Allow-Origin `*` while the policy allows credentials: the browser refuses the error",
                response.key
            )
        } else if value == "*" && !cors.allows_any_origin() {
            format!(
                "{} sends Access-Control-Allow-Origin `*` while the policy allows only its listed origins",
                response.key
            )
        } else if value != "*" && !cors.allow_origins.iter().any(|o| o.matches(value)) {
            format!(
                "{} sends Access-Control-Allow-Origin `{value}`, an origin the policy does not allow",
                response.key
            )
        } else if cors.allow_credentials && !allows_credentials(&response.value) {
            format!(
                "{} grants `{value}` without Access-Control-Allow-Credentials: true while the policy allows credentials: the browser hides this error from credentialed requests",
                response.key
            )
        } else {
            continue;
        };
        out.push(
            Diagnostic::new(Code::OpenapiGatewayResponseCors, why, header.key_span.clone())
                .label("the CORS layer leaves this gateway response as it is")
                .help(format!(
                    "add \"{}\" to [gateway_responses] types, so the layer writes its CORS headers, or remove this header",
                    response.key
                )),
        );
    }
}

/// With a document, `[[routes]]` only carry per-path CORS overrides: a path
/// the document does not have overrides nothing, most likely a typo.
fn unknown_routes(doc: &Node, policy: &Policy, out: &mut Vec<Diagnostic>) {
    let known = super::routes::paths(doc);
    let span = doc.entry("paths").map_or(0..0, |e| e.key_span.clone());
    for route in &policy.routes {
        let path = route.path.text.as_str();
        if known.contains(&path) {
            continue;
        }
        let mut d = Diagnostic::new(
            Code::OpenapiUnknownRoute,
            format!("[[routes]] path {path} is not in the document's paths"),
            span.clone(),
        )
        .label("the routes come from these paths");
        d = match crate::suggest::did_you_mean(path, known.iter().copied()) {
            Some(near) => d.help(format!("did you mean {near}?")),
            None => d.help("[[routes]] only override the CORS of the document's paths; remove it or add the path to the document"),
        };
        out.push(d);
    }
}

/// `node`, or the path item its `$ref` names inside the document.
pub(crate) fn resolve<'a>(doc: &'a Node, node: &'a Node) -> &'a Node {
    let Some(target) = node.get("$ref").and_then(Node::text) else {
        return node;
    };
    let Some(pointer) = target.strip_prefix("#/") else {
        return node;
    };
    // JSON Pointer (RFC 6901): `~1` is `/`, `~0` is `~`.
    let keys: Vec<String> = pointer
        .split('/')
        .map(|k| k.replace("~1", "/").replace("~0", "~"))
        .collect();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    doc.at(&keys).unwrap_or(node)
}

/// Whether a `security` value names any authorizer: `[]` and `[{}]` name none.
pub(crate) fn names_authorizer(security: &Node) -> bool {
    security.items().iter().any(|req| !req.entries().is_empty())
}

fn check_operation(
    path: &str,
    method: &str,
    op: &Entry,
    global_security: Option<&Node>,
    policy: &Policy,
    out: &mut Vec<Diagnostic>,
) {
    if method == "OPTIONS" {
        out.push(
            Diagnostic::new(
                Code::OpenapiOwnOptions,
                format!("{path} has an OPTIONS operation of its own"),
                op.key_span.clone(),
            )
            .label("the CORS layer's preflight replaces this")
            .help("remove it: corsform writes each path's preflight"),
        );
        let own = op.value.entry("security");
        let authorized = match own {
            Some(e) => names_authorizer(&e.value),
            None => global_security.is_some_and(names_authorizer),
        };
        if authorized {
            let span = own.map_or(op.key_span.clone(), |e| e.key_span.clone());
            out.push(
                Diagnostic::new(
                    Code::OpenapiAuthorizerOnOptions,
                    format!("OPTIONS {path} requires an authorizer"),
                    span,
                )
                .label("browsers send preflights without credentials")
                .help("give OPTIONS `security: []`, or remove the operation"),
            );
        }
        return;
    }
    let allowed = &policy.cors.allow_methods;
    if method != "ANY" && !allowed.is_empty() && !allowed.iter().any(|m| m == "*" || m == method) {
        out.push(
            Diagnostic::new(
                Code::OpenapiMethodNotAllowed,
                format!("{method} {path} is not in [cors] allow_methods"),
                op.key_span.clone(),
            )
            .label("browsers cannot call this cross-origin")
            .help(format!(
                "add \"{method}\" to [cors] allow_methods, or keep the route same-origin"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(methods: &str) -> Policy {
        let text = format!(
            "version = 1\n[api]\nname = \"t\"\ntype = \"rest\"\n[cors]\nallow_origins = [\"https://a.example\"]\nallow_methods = {methods}\n[[routes]]\npath = \"/a\"\nmethods = [\"GET\"]\n"
        );
        let (p, d) = crate::check(&crate::diagnostic::SourceFile::new("p.toml", text));
        p.unwrap_or_else(|| panic!("{d:?}"))
    }

    fn codes(doc: &str, methods: &str) -> Vec<(Code, String)> {
        conflicts(doc, &policy(methods))
            .into_iter()
            .map(|d| (d.code, doc[d.span.unwrap()].to_string()))
            .collect()
    }

    #[test]
    fn a_ref_with_escaped_slashes_reaches_its_path_item() {
        let doc = "openapi: 3.0.3\npaths:\n  /a:\n    $ref: '#/x-items/a~1b'\nx-items:\n  a/b:\n    put: {}\n";
        assert_eq!(
            codes(doc, "[\"GET\"]"),
            [(Code::OpenapiMethodNotAllowed, "put".to_string())]
        );
    }

    #[test]
    fn empty_security_requirements_name_no_authorizer() {
        for security in ["[]", "[{}]"] {
            let doc = format!(
                "swagger: \"2.0\"\nsecurity: [{{k: []}}]\npaths:\n  /a:\n    options:\n      security: {security}\n"
            );
            assert_eq!(
                codes(&doc, "[\"GET\"]"),
                [(Code::OpenapiOwnOptions, "options".to_string())],
                "{security}"
            );
        }
        // Without its own `security`, OPTIONS inherits the document's.
        let doc = "swagger: \"2.0\"\nsecurity: [{k: []}]\npaths:\n  /a:\n    options: {}\n";
        let found = codes(doc, "[\"GET\"]");
        assert!(found.contains(&(Code::OpenapiAuthorizerOnOptions, "options".to_string())));
    }

    #[test]
    fn any_and_wildcards_are_never_outside_allow_methods() {
        let doc = "openapi: 3.0.1\npaths:\n  /a:\n    x-amazon-apigateway-any-method: {}\n    delete: {}\n";
        assert_eq!(codes(doc, "[\"*\"]"), []);
        assert_eq!(
            codes(doc, "[\"GET\"]"),
            [(Code::OpenapiMethodNotAllowed, "delete".to_string())]
        );
    }

    #[test]
    fn unreadable_documents_say_where() {
        let found = codes("openapi: 3.0.1\npaths: [\n", "[\"GET\"]");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, Code::OpenapiUnreadable);
        assert_eq!(
            codes("openapi: 3.1.0\npaths: {}\n", "[\"GET\"]"),
            [(Code::OpenapiUnreadable, "3.1.0".to_string())]
        );
    }

    /// Issue 28: a path the CORS layer cannot read got no preflight, silently.
    #[test]
    fn paths_the_layer_cannot_read_are_named() {
        let doc = "openapi: 3.0.1\npaths:\n  /a: {}\n  /files/{name}.csv: {}\n  reports: {}\n";
        assert_eq!(
            codes(doc, "[\"GET\"]"),
            [
                (
                    Code::OpenapiPathNotUnderstood,
                    "/files/{name}.csv".to_string()
                ),
                (Code::OpenapiPathNotUnderstood, "reports".to_string()),
            ]
        );
    }
}
