//! `build --target openapi` with `[api] openapi`: the team's document with the
//! CORS layer added and everything else kept byte for byte (docs/design.md
//! "OpenAPI"). The layer is what the `openapi` target writes for the routes
//! the document defines ([`super::routes`]), read back and spliced in
//! ([`super::splice`]):
//! - each path item gets the `options` operation (the MOCK preflight with the
//!   VTL origin check on REST; on HTTP only where an authorizer needs one),
//!   replacing one of its own;
//! - each MOCK operation gets the CORS response headers (declared on its
//!   method response, mapped in its integration response);
//! - the root gets `x-amazon-apigateway-gateway-responses` (REST) or
//!   `x-amazon-apigateway-cors` (HTTP, replacing one of its own).
//!
//! YAML stays YAML and JSON stays JSON: the output is the input's text with
//! insertions only (and the replacements named above).

use super::conflicts::resolve;
use super::splice::{self, Edit};
use crate::audit::doc::{Entry, Kind, Node};
use crate::model::Policy;
use crate::render::{MARKER, Target};

/// The root member that marks a JSON output as generated (JSON has no
/// comments); YAML outputs start with the marker comment like every target.
pub const JSON_MARKER_KEY: &str = "x-corsform-generated";

/// The output file for an input document: JSON in, JSON out.
pub fn output_name(input: &str) -> &'static str {
    if input.to_ascii_lowercase().ends_with(".json") {
        "openapi.json"
    } else {
        "openapi.yaml"
    }
}

/// The document `text` (read as `input`) with `policy`'s CORS layer added.
/// `source_name` goes into the marker. Errors say what could not be done.
pub fn merged(
    policy: &Policy,
    input: &str,
    text: &str,
    source_name: &str,
) -> Result<String, String> {
    // A byte order mark stays first, before the marker; the rest is merged.
    let (bom, text) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    let doc = crate::audit::yaml::parse(text)
        .map_err(|e| format!("{input}: the document is not YAML or JSON: {}", e.message))?;
    let swagger2 = doc.get("swagger").is_some();
    let json = output_name(input).ends_with(".json");
    let mut derived = policy.clone();
    derived.api.openapi = None;
    derived.routes = super::routes::from_document(&doc, policy);
    derived.source_name = source_name.to_string();
    let generated = layer(&derived)?;

    let mut edits: Vec<Edit> = Vec::new();
    let ours_paths = generated.get("paths");
    // A path item that two paths share (both `$ref` it) is edited once: a
    // second `options` in it would be a duplicate key.
    let mut edited: Vec<std::ops::Range<usize>> = Vec::new();
    if let Some(paths) = doc.get("paths") {
        for path in paths.entries() {
            let item = resolve(&doc, &path.value);
            if !std::ptr::eq(item, &path.value) {
                if edited.contains(&item.span) {
                    continue;
                }
                edited.push(item.span.clone());
            }
            if let Some(target) = item.get("$ref").and_then(Node::text) {
                // A path item in another file: its preflight cannot be added here.
                return Err(format!(
                    "{input}: path {} is a $ref to {target}, outside the document; corsform adds preflights only to path items inside it",
                    path.key
                ));
            }
            let Some(ours) = ours_paths.and_then(|p| p.get(&path.key)) else {
                continue;
            };
            let mut add = path_additions(item, ours, swagger2);
            declare_path_parameters(&path.key, item, swagger2, &mut add);
            splice::merge(
                text,
                item,
                &add,
                &replace_in_path_item,
                &mut vec![],
                &mut edits,
            );
        }
    }
    let mut root: Vec<Entry> = generated
        .entries()
        .iter()
        .filter(|e| {
            e.key == "x-amazon-apigateway-gateway-responses" || e.key == "x-amazon-apigateway-cors"
        })
        .cloned()
        .collect();
    let marker = format!("{MARKER} (source: {source_name})");
    if json {
        root.push(Entry {
            key: JSON_MARKER_KEY.into(),
            key_span: 0..0,
            value: Node::new(0..0, Kind::Str(marker.clone())),
        });
    }
    splice::merge(text, &doc, &root, &replace_at_root, &mut vec![], &mut edits);
    // A document with CRLF (or old Mac CR-only) line ends keeps them in what
    // is added too.
    let newline = if text.contains("\r\n") {
        "\r\n"
    } else if text.contains('\r') {
        "\r"
    } else {
        "\n"
    };
    if newline != "\n" {
        edits
            .iter_mut()
            .for_each(|e| e.text = e.text.replace('\n', newline));
    }
    let body = splice::apply(text, edits);
    let out = if json {
        format!("{bom}{body}")
    } else {
        format!("{bom}# {marker}{newline}{body}")
    };
    // The text splice cannot foresee every way YAML can be written (an alias
    // as a replaced value, a flow mapping ending in an empty value): what it
    // writes must read back, with the layer in it, or nothing is written.
    let back = crate::audit::yaml::parse(out.trim_start_matches('\u{feff}')).map_err(|e| {
        format!(
            "{input}: adding the CORS layer to this document would make it unreadable ({} at byte {}); \
             write the part around there in plain block style (no aliases or flow mappings) and build again",
            e.message, e.offset
        )
    })?;
    let lost = ours_paths
        .into_iter()
        .flat_map(|p| p.entries())
        .find(|ours| {
            ours.value.get("options").is_some()
                && back
                    .at(&["paths", ours.key.as_str()])
                    .is_none_or(|item| resolve(&back, item).get("options").is_none())
        });
    if let Some(path) = lost {
        return Err(format!(
            "{input}: the preflight of {} could not be added to the document as written; \
             write its path item in plain block style and build again",
            path.key
        ));
    }
    Ok(out)
}

/// The `openapi` target's document for `derived`, read back.
fn layer(derived: &Policy) -> Result<Node, String> {
    let target = Target::ALL
        .iter()
        .copied()
        .find(|t| t.name() == "openapi")
        .ok_or("internal: no openapi target")?;
    let files = crate::render::render(derived, target).map_err(|e| e.to_string())?;
    let text = files
        .get("openapi.yaml")
        .ok_or("the openapi target wrote no openapi.yaml")?;
    crate::audit::yaml::parse(text)
        .map_err(|e| format!("internal: generated document: {}", e.message))
}

/// What goes into one path item: our `options`, and for each MOCK operation
/// its CORS response headers, keyed by the team's own status and integration
/// response (so their mapping is extended, not duplicated).
fn path_additions(item: &Node, ours: &Node, swagger2: bool) -> Vec<Entry> {
    let mut out = Vec::new();
    for e in ours.entries() {
        let is_mock = e
            .value
            .at(&["x-amazon-apigateway-integration", "type"])
            .and_then(Node::text)
            == Some("mock");
        if e.key == "options" {
            // The target's own document declares every path parameter on its
            // `options`; in the team's document that is declare_path_parameters'
            // job (only those their path item leaves out, so their own
            // path-level declarations are not shadowed).
            let mut options = e.clone();
            if let Kind::Map(fields) = &mut options.value.kind {
                fields.retain(|f| f.key != "parameters");
            }
            out.push(options);
        } else if is_mock && item.get(&e.key).is_some() {
            out.push(mock_headers(e, item.get(&e.key).unwrap_or(&e.value)));
        }
    }
    if swagger2 {
        out.iter_mut().for_each(|e| swagger2_headers(&mut e.value));
    }
    out
}

/// The path's template parameters (`{id}`, `{proxy+}`) that the path item
/// does not declare for all its operations (a path-level `parameters` entry
/// `in: path`), declared on our added `options`: OpenAPI requires every
/// operation of a templated path to declare each of them (OpenAPI 3.0.3 and
/// Swagger 2.0, "Path Templating"), so validators refused a merged document
/// whose input they accepted.
fn declare_path_parameters(key: &str, item: &Node, swagger2: bool, add: &mut [Entry]) {
    let Ok(path) = crate::model::ApiPath::parse(key) else {
        return;
    };
    let declared: Vec<&str> = item
        .get("parameters")
        .map(|ps| {
            ps.items()
                .iter()
                .filter(|p| p.get("in").and_then(Node::text) == Some("path"))
                .filter_map(|p| p.get("name").and_then(Node::text))
                .collect()
        })
        .unwrap_or_default();
    let missing: Vec<Node> = path
        .params()
        .into_iter()
        .filter(|p| !declared.contains(&p.as_str()))
        .map(|name| {
            let string = || Node::new(0..0, Kind::Str("string".into()));
            let mut fields = vec![
                entry("name", Node::new(0..0, Kind::Str(name))),
                entry("in", Node::new(0..0, Kind::Str("path".into()))),
                entry("required", Node::new(0..0, Kind::Bool(true))),
            ];
            fields.push(if swagger2 {
                entry("type", string())
            } else {
                entry("schema", map(vec![entry("type", string())]))
            });
            map(fields)
        })
        .collect();
    if missing.is_empty() {
        return;
    }
    if let Some(options) = add.iter_mut().find(|e| e.key == "options")
        && let Kind::Map(fields) = &mut options.value.kind
    {
        fields.insert(0, entry("parameters", Node::new(0..0, Kind::List(missing))));
    }
}

/// Of our MOCK operation, only the CORS headers: the method response's
/// `headers` and the integration response's `responseParameters`, under the
/// team's status code and integration response key where they have them.
fn mock_headers(ours: &Entry, theirs: &Node) -> Entry {
    let their_response = theirs
        .at(&["x-amazon-apigateway-integration", "responses"])
        .and_then(|r| r.entries().first());
    let key = their_response.map_or("default".to_string(), |r| r.key.clone());
    let status = their_response
        .and_then(|r| r.value.get("statusCode"))
        .and_then(Node::text)
        .map(str::to_string);
    let our_response = ours
        .value
        .get("responses")
        .and_then(|r| r.entries().first());
    let status = status
        .or_else(|| our_response.map(|r| r.key.clone()))
        .unwrap_or_else(|| "200".into());
    let mut responses = Vec::new();
    if let Some(r) = our_response {
        responses.push(entry(&status, map(r.value.entries().to_vec())));
    }
    let mut integration = Vec::new();
    if let Some(params) = ours.value.at(&[
        "x-amazon-apigateway-integration",
        "responses",
        "default",
        "responseParameters",
    ]) {
        let mut response = vec![entry("responseParameters", params.clone())];
        if let Some(templates) = origin_check_templates(ours, their_response) {
            response.push(entry("responseTemplates", templates));
        }
        if their_response.is_none() {
            response.insert(
                0,
                entry("statusCode", Node::new(0..0, Kind::Str(status.clone()))),
            );
        }
        integration.push(entry("responses", map(vec![entry(&key, map(response))])));
    }
    entry(
        &ours.key,
        map(vec![
            entry("responses", map(responses)),
            entry("x-amazon-apigateway-integration", map(integration)),
        ]),
    )
}

/// The origin check of our MOCK operation (the VTL that overrides
/// Allow-Origin with the request's Origin when it is allowed, as the plain
/// `openapi` target writes it) in front of each of the team's response
/// templates, so their body is kept and several origins (and patterns) are
/// answered as in every other target. Without templates of their own, ours.
fn origin_check_templates(ours: &Entry, their_response: Option<&Entry>) -> Option<Node> {
    let our_templates = ours.value.at(&[
        "x-amazon-apigateway-integration",
        "responses",
        "default",
        "responseTemplates",
    ])?;
    let check = our_templates.entries().first()?.value.text()?.to_string();
    let theirs = their_response.and_then(|r| r.value.get("responseTemplates"));
    let Some(theirs) = theirs.filter(|t| !t.entries().is_empty()) else {
        return Some(our_templates.clone());
    };
    let merged = theirs
        .entries()
        .iter()
        .map(|t| {
            let body = t.value.text().unwrap_or("");
            let text = if body.starts_with(&check) {
                body.to_string()
            } else {
                format!("{check}{body}")
            };
            entry(&t.key, Node::new(0..0, Kind::Str(text)))
        })
        .collect();
    Some(map(merged))
}

fn entry(key: &str, value: Node) -> Entry {
    Entry {
        key: key.into(),
        key_span: 0..0,
        value,
    }
}

fn map(entries: Vec<Entry>) -> Node {
    Node::new(0..0, Kind::Map(entries))
}

/// Swagger 2.0 declares a header's type directly (`type: string`), OpenAPI
/// 3.0 under `schema` (OpenAPI 2.0 and 3.0, "Header Object").
fn swagger2_headers(node: &mut Node) {
    let Kind::Map(entries) = &mut node.kind else {
        return;
    };
    for e in entries.iter_mut() {
        if e.key == "headers"
            && let Kind::Map(headers) = &mut e.value.kind
        {
            for h in headers.iter_mut() {
                if let Some(schema) = h.value.get("schema").cloned() {
                    h.value = schema;
                }
            }
        } else {
            swagger2_headers(&mut e.value);
        }
    }
}

/// In a path item, ours replaces: the `options` operation, and a CORS
/// header's mapping and a response template (ours is theirs behind the origin
/// check) in a MOCK integration response. The team keeps the rest.
fn replace_in_path_item(keys: &[&str]) -> bool {
    keys == ["options"]
        || (keys.len() == 6 && (keys[4] == "responseParameters" || keys[4] == "responseTemplates"))
}

/// At the root, ours replaces `x-amazon-apigateway-cors`, the marker and a
/// gateway response's CORS header mapping.
fn replace_at_root(keys: &[&str]) -> bool {
    keys == ["x-amazon-apigateway-cors"]
        || keys == [JSON_MARKER_KEY]
        || (keys.len() == 4
            && keys[0] == "x-amazon-apigateway-gateway-responses"
            && keys[2] == "responseParameters")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(api_type: &str) -> Policy {
        let text = format!(
            "version = 1\n[api]\nname = \"t\"\ntype = \"{api_type}\"\nopenapi = \"api.yaml\"\n[cors]\nallow_origins = [\"https://a.example\"]\n"
        );
        let (p, d) = crate::check(&crate::diagnostic::SourceFile::new("p.toml", text));
        p.unwrap_or_else(|| panic!("{d:?}"))
    }

    fn value(text: &str) -> serde_json::Value {
        serde_yaml_ng::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    /// Issue 28: documents the text splice used to turn into invalid YAML
    /// with exit 0. Each now merges into a document that parses (with every
    /// path's preflight in it), or is refused with a message naming the
    /// document; never invalid output.
    #[test]
    fn hostile_documents_merge_validly_or_are_refused() {
        let op = "responses: {\"200\": {description: ok}}";
        let cases = [
            (
                "alias as a replaced value",
                format!(
                    "openapi: 3.0.1\ninfo: {{title: t, version: '1'}}\nx-shared: &opts {{responses: {{}}}}\npaths:\n  /a:\n    get: {{{op}}}\n    options: *opts\n"
                ),
            ),
            (
                "flow mapping ending in an empty value",
                format!(
                    "openapi: 3.0.1\ninfo: {{title: t, version: '1'}}\npaths:\n  /a: {{get: {{{op}}}, x-note: }}\n"
                ),
            ),
            (
                "byte order mark",
                format!(
                    "\u{feff}openapi: 3.0.1\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get: {{{op}}}\n"
                ),
            ),
            (
                "CR-only line ends",
                format!(
                    "openapi: 3.0.1\rinfo: {{title: t, version: '1'}}\rpaths:\r  /a:\r    get: {{{op}}}\r"
                ),
            ),
            (
                "one path item shared by two paths",
                format!(
                    "openapi: 3.0.1\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    $ref: '#/x-items/shared'\n  /b:\n    $ref: '#/x-items/shared'\nx-items:\n  shared:\n    get: {{{op}}}\n"
                ),
            ),
        ];
        for (what, text) in cases {
            match merged(&policy("rest"), "api.yaml", &text, "p.toml") {
                Ok(out) => {
                    let body = out.trim_start_matches('\u{feff}');
                    let doc = crate::audit::yaml::parse(body)
                        .unwrap_or_else(|e| panic!("{what}: unreadable output: {e:?}\n{out}"));
                    let v = value(&body.replace('\r', "\n"));
                    for path in ["/a", "/b"] {
                        let Some(item) = doc.at(&["paths", path]) else {
                            continue;
                        };
                        assert!(
                            resolve(&doc, item).get("options").is_some(),
                            "{what}: {path} has no preflight\n{out}"
                        );
                    }
                    assert!(v.get("paths").is_some(), "{what}\n{out}");
                    assert_eq!(
                        out.starts_with('\u{feff}'),
                        text.starts_with('\u{feff}'),
                        "{what}"
                    );
                }
                Err(e) => assert!(e.contains("document"), "{what}: {e}"),
            }
        }
    }

    #[test]
    fn an_own_options_operation_is_replaced_by_the_mock_preflight() {
        let doc = "openapi: 3.0.1\npaths:\n  /a:\n    options:\n      security: []\n      responses: {\"200\": {description: own}}\n    get:\n      responses: {}\n";
        let out = merged(&policy("rest"), "api.yaml", doc, "p.toml").unwrap();
        let v = value(&out);
        let options = &v["paths"]["/a"]["options"];
        assert_eq!(
            options["x-amazon-apigateway-integration"]["type"], "mock",
            "{out}"
        );
        assert!(options["responses"].get("200").is_none(), "{out}");
        assert!(v["paths"]["/a"]["get"].is_object());
        assert!(out.starts_with("# generated by corsform; do not edit (source: p.toml)\n"));
    }

    #[test]
    fn crlf_documents_keep_crlf() {
        let doc = "openapi: 3.0.1\r\npaths:\r\n  /a:\r\n    get:\r\n      responses: {}\r\n";
        let out = merged(&policy("rest"), "api.yaml", doc, "p.toml").unwrap();
        assert!(!out.replace("\r\n", "").contains('\n'), "{out:?}");
        assert!(value(&out)["paths"]["/a"]["options"].is_object());
    }

    #[test]
    fn a_path_item_in_another_file_is_refused() {
        let doc = "openapi: 3.0.1\npaths:\n  /a:\n    $ref: 'other.yaml#/a'\n";
        let e = merged(&policy("rest"), "api.yaml", doc, "p.toml").unwrap_err();
        assert!(e.contains("/a") && e.contains("other.yaml#/a"), "{e}");
    }

    #[test]
    fn http_apis_get_only_x_amazon_apigateway_cors() {
        let doc = "{\"openapi\": \"3.0.1\", \"paths\": {\"/a\": {\"get\": {}}}}";
        let out = merged(&policy("http"), "api.json", doc, "p.toml").unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            v["x-amazon-apigateway-cors"]["allowOrigins"],
            serde_json::json!(["https://a.example"])
        );
        assert!(v["paths"]["/a"].get("options").is_none(), "{out}");
        assert!(v[JSON_MARKER_KEY].as_str().unwrap().contains(MARKER));
    }
}
