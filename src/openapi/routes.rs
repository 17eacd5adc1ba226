//! The routes of a team's document (`[api] openapi`): its paths, methods and
//! security, with each operation's integration read from its
//! `x-amazon-apigateway-integration` (docs/design.md "OpenAPI"). `[[routes]]`
//! then only carries per-path CORS overrides, so a `[[routes]]` path the
//! document does not have is a mistake worth naming.

use super::conflicts::{OPERATIONS, names_authorizer, resolve};
use crate::audit::doc::Node;
use crate::model::{ApiPath, Authorization, Integration, Policy, Route};

/// What an operation's `x-amazon-apigateway-integration` `type` makes it
/// (API Gateway developer guide, "x-amazon-apigateway-integration object"):
/// `mock` answers at the gateway, `aws`/`aws_proxy` call a Lambda function,
/// anything else (or none) is an HTTP backend. Only MOCK matters to the CORS
/// layer: its responses need the CORS headers, a proxy's come from the backend.
fn integration(op: &Node) -> Integration {
    let kind = op
        .at(&["x-amazon-apigateway-integration", "type"])
        .and_then(Node::text)
        .map(str::to_ascii_lowercase);
    match kind.as_deref() {
        Some("mock") => Integration::Mock,
        Some("aws" | "aws_proxy") => Integration::Lambda,
        _ => Integration::Http,
    }
}

/// One route per operation of the document (OPTIONS excluded: the CORS
/// layer's preflight replaces it), in the document's order. An operation
/// whose `security` (or the document's) names an authorizer is authorized;
/// `Iam` stands for any authorizer here, since the layer only needs to know
/// that one is there (the document keeps its own). `[[routes]]` of the same
/// path give the path's CORS override.
pub fn from_document(doc: &Node, policy: &Policy) -> Vec<Route> {
    let global = doc.get("security");
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths") else {
        return out;
    };
    for path in paths.entries() {
        let Ok(api_path) = ApiPath::parse(&path.key) else {
            continue;
        };
        let cors_override = policy
            .routes
            .iter()
            .find(|r| r.path.text == path.key)
            .and_then(|r| r.cors_override.clone());
        for op in resolve(doc, &path.value).entries() {
            let Some((_, method)) = OPERATIONS.iter().find(|(k, _)| *k == op.key) else {
                continue;
            };
            if *method == "OPTIONS" {
                continue;
            }
            let authorized = match op.value.get("security") {
                Some(own) => names_authorizer(own),
                None => global.is_some_and(names_authorizer),
            };
            out.push(Route {
                path: api_path.clone(),
                methods: vec![method.to_string()],
                integration: integration(&op.value),
                authorization: if authorized {
                    Authorization::Iam
                } else {
                    Authorization::None
                },
                cors_override: cors_override.clone(),
                backend: None,
            });
        }
    }
    out
}

/// The methods of the document's operations, in the document's order
/// (`ANY` for `x-amazon-apigateway-any-method`, OPTIONS left out): what the
/// default `allow_methods` is made of, as `[[routes]]` methods would be.
pub fn methods(doc: &Node) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let Some(paths) = doc.get("paths") else {
        return out;
    };
    for path in paths.entries() {
        for op in resolve(doc, &path.value).entries() {
            if let Some((_, method)) = OPERATIONS.iter().find(|(k, _)| *k == op.key)
                && *method != "OPTIONS"
                && !out.iter().any(|m| m == method)
            {
                out.push(method.to_string());
            }
        }
    }
    out
}

/// The policy's routes (and each environment's) become the document's, each
/// path with its `[[routes]]` CORS override, so explain, serve and probe
/// answer for exactly the API the merged document deploys.
pub fn attach(policy: &mut Policy, doc: &Node) {
    policy.routes = from_document(doc, policy);
    for env in &mut policy.environments {
        attach(&mut env.policy, doc);
    }
}

/// The document's path keys.
pub fn paths(doc: &Node) -> Vec<&str> {
    doc.get("paths")
        .map(|p| p.entries().iter().map(|e| e.key.as_str()).collect())
        .unwrap_or_default()
}
