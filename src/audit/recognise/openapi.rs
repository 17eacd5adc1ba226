//! OpenAPI 3.0 / Swagger 2.0 documents with API Gateway's extensions
//! (developer guide, "OpenAPI extensions to API Gateway"):
//! `x-amazon-apigateway-integration` (type, contentHandling, responses with
//! responseParameters and responseTemplates), operation `responses` headers
//! (the method responses), `security` (authorizers),
//! `x-amazon-apigateway-gateway-responses` and `x-amazon-apigateway-cors`.
//! Standalone files, SAM `DefinitionBody` and CloudFormation `Body` all come here.

use super::{cors_config, loc, mappings, value};
use crate::audit::doc::Node;
use crate::audit::model::*;

const METHODS: &[(&str, &str)] = &[
    ("get", "GET"),
    ("put", "PUT"),
    ("post", "POST"),
    ("delete", "DELETE"),
    ("options", "OPTIONS"),
    ("head", "HEAD"),
    ("patch", "PATCH"),
    ("x-amazon-apigateway-any-method", "ANY"),
];

/// Whether `doc` is an OpenAPI or Swagger document.
pub fn is_openapi(doc: &Node) -> bool {
    (doc.get("openapi").is_some() || doc.get("swagger").is_some()) && doc.get("paths").is_some()
}

/// The API a document describes. `kind` when the caller knows it (an
/// `AWS::Serverless::HttpApi` body), else guessed from HTTP-only extensions.
pub fn api(doc: &Node, file: usize, name: &str, kind: Option<ApiKind>) -> Api {
    let cors = doc.get("x-amazon-apigateway-cors");
    let kind = kind.unwrap_or(if cors.is_some() || has_payload_format_version(doc) {
        ApiKind::Http
    } else {
        ApiKind::Rest
    });
    let title = doc
        .at(&["info", "title"])
        .and_then(Node::text)
        .unwrap_or(name);
    let mut api = Api::new(title, kind, loc(file, doc));
    fill(&mut api, doc, file);
    super::name_authorizers(&mut api, None, Some(doc));
    api
}

/// Whether an operation's integration sets `payloadFormatVersion`, which only
/// HTTP APIs have (developer guide, "x-amazon-apigateway-integration
/// object"): an HTTP API whose CORS its functions own has no
/// `x-amazon-apigateway-cors` to tell it by.
fn has_payload_format_version(doc: &Node) -> bool {
    doc.get("paths").is_some_and(|paths| {
        paths.entries().iter().any(|path| {
            path.value.entries().iter().any(|op| {
                op.value
                    .at(&["x-amazon-apigateway-integration", "payloadFormatVersion"])
                    .is_some()
            })
        })
    })
}

/// Add a document's operations, gateway responses and CORS to `api`.
pub fn fill(api: &mut Api, doc: &Node, file: usize) {
    api.binary_media_types |=
        Api::sets_binary_media_types(doc.get("x-amazon-apigateway-binary-media-types"));
    if let Some(c) = doc.get("x-amazon-apigateway-cors") {
        api.cors = Some(cors_config(
            c,
            file,
            [
                "allowOrigins",
                "allowMethods",
                "allowHeaders",
                "exposeHeaders",
                "allowCredentials",
                "maxAge",
            ],
        ));
    }
    let default_security = doc.get("security").filter(|s| secured(s).is_some());
    if let Some(s) = default_security {
        api.default_authorizer = Some(Value {
            text: secured(s),
            loc: loc(file, s),
            template: None,
            per_env: vec![],
        });
    }
    for (ty, gr) in doc
        .get("x-amazon-apigateway-gateway-responses")
        .map(Node::entries)
        .unwrap_or(&[])
        .iter()
        .map(|e| (e, &e.value))
    {
        api.gateway_responses.push(GatewayResponse {
            response_type: ty.key.clone(),
            loc: Loc {
                file,
                span: ty.key_span.clone(),
            },
            mappings: gr
                .get("responseParameters")
                .map(|p| mappings(p, file))
                .unwrap_or_default(),
        });
    }
    let Some(paths) = doc.get("paths") else {
        return;
    };
    for p in paths.entries() {
        for op_entry in p.value.entries() {
            let Some((_, method)) = METHODS
                .iter()
                .find(|(k, _)| op_entry.key.eq_ignore_ascii_case(k))
            else {
                continue;
            };
            let op = &op_entry.value;
            let authorization = match op.get("security") {
                Some(s) => Some(Value {
                    text: Some(secured(s).unwrap_or_else(|| "NONE".into())),
                    loc: loc(file, s),
                    template: None,
                    per_env: vec![],
                }),
                None => default_security.map(|s| Value {
                    text: secured(s),
                    loc: loc(file, s),
                    template: None,
                    per_env: vec![],
                }),
            };
            let integration = op
                .get("x-amazon-apigateway-integration")
                .map(|i| Integration {
                    kind: i
                        .get("type")
                        .and_then(Node::text)
                        .unwrap_or("")
                        .to_ascii_uppercase(),
                    loc: loc(file, i.get("type").unwrap_or(i)),
                    content_handling: i
                        .get("contentHandling")
                        .and_then(Node::text)
                        .map(str::to_string),
                    responses: i
                        .get("responses")
                        .map(Node::entries)
                        .unwrap_or(&[])
                        .iter()
                        .map(|r| IntegrationResponse {
                            status: r
                                .value
                                .get("statusCode")
                                .and_then(Node::text)
                                .unwrap_or("200")
                                .to_string(),
                            loc: Loc {
                                file,
                                span: r.key_span.clone(),
                            },
                            mappings: r
                                .value
                                .get("responseParameters")
                                .map(|p| mappings(p, file))
                                .unwrap_or_default(),
                            templates: r
                                .value
                                .get("responseTemplates")
                                .map(|t| {
                                    t.entries().iter().map(|e| value(&e.value, file)).collect()
                                })
                                .unwrap_or_default(),
                            races_integration: false,
                        })
                        .collect(),
                });
            let responses = op
                .get("responses")
                .map(Node::entries)
                .unwrap_or(&[])
                .iter()
                .map(|r| MethodResponse {
                    status: r.key.clone(),
                    loc: Loc {
                        file,
                        span: r.key_span.clone(),
                    },
                    headers: r
                        .value
                        .get("headers")
                        .map(|h| h.entries().iter().map(|e| e.key.clone()).collect())
                        .unwrap_or_default(),
                })
                .collect();
            api.methods.push(Method {
                path: p.key.clone(),
                method: method.to_string(),
                loc: Loc {
                    file,
                    span: op_entry.key_span.clone(),
                },
                authorization,
                integration,
                responses,
                authorizer: None,
                api_key: None,
            });
        }
    }
}

/// The first scheme a `security` list requires, `None` for `[]` or `[{}]`.
fn secured(s: &Node) -> Option<String> {
    s.items()
        .iter()
        .flat_map(|r| r.entries())
        .next()
        .map(|e| e.key.clone())
}
