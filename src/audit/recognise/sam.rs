//! SAM's serverless resources: `AWS::Serverless::Api` properties (Cors, Auth,
//! GatewayResponses) and functions' `Api` / `HttpApi` events, which add
//! proxy methods and routes to the API they name.

use super::{cfn_ref, cors_config, loc, mappings, value};
use crate::audit::doc::Node;
use crate::audit::model::*;

/// SAM `AWS::Serverless::Api`: Cors (a quoted origin string or a map),
/// Auth (default authorizer, AddDefaultAuthorizerToCorsPreflight, default
/// true per the SAM reference), GatewayResponses (Headers become
/// `gatewayresponse.header.X`).
pub(super) fn sam_api(api: &mut Api, p: &Node, file: usize) {
    if let Some(c) = p.get("Cors") {
        api.sam_cors = Some(if c.get("AllowOrigin").is_some() {
            cors_config(
                c,
                file,
                [
                    "AllowOrigin",
                    "AllowMethods",
                    "AllowHeaders",
                    "ExposeHeaders",
                    "AllowCredentials",
                    "MaxAge",
                ],
            )
        } else {
            CorsConfig {
                loc: loc(file, c),
                origins: vec![value(c, file)],
                ..Default::default()
            }
        });
    }
    if let Some(auth) = p.get("Auth") {
        api.default_authorizer = auth.get("DefaultAuthorizer").map(|d| value(d, file));
        if api
            .default_authorizer
            .as_ref()
            .and_then(|d| d.text.as_deref())
            == Some("AWS_IAM")
            || api.default_authorizer.is_some()
        {
            api.authorizer_on_preflight = match auth.get("AddDefaultAuthorizerToCorsPreflight") {
                Some(v) if v.bool() == Some(false) => None,
                Some(v) => Some(value(v, file)),
                None => api.default_authorizer.clone(),
            };
        }
    }
    if let Some(k) = p
        .at(&["Auth", "ApiKeyRequired"])
        .filter(|k| k.bool() == Some(true))
    {
        // SAM ApiAuth: AddApiKeyRequiredToCorsPreflight defaults to true.
        api.api_key_required = true;
        api.api_key_on_preflight = match p.at(&["Auth", "AddApiKeyRequiredToCorsPreflight"]) {
            Some(v) if v.bool() == Some(false) => None,
            _ => Some(value(k, file)),
        };
    }
    if let Some(g) = p.get("GatewayResponses") {
        for e in g.entries() {
            let headers = e.value.at(&["ResponseParameters", "Headers"]);
            let mut ms = headers.map(|h| mappings(h, file)).unwrap_or_default();
            for m in &mut ms {
                m.key = format!("gatewayresponse.header.{}", m.key);
            }
            api.gateway_responses.push(GatewayResponse {
                response_type: e.key.clone(),
                loc: Loc {
                    file,
                    span: e.key_span.clone(),
                },
                mappings: ms,
            });
        }
    }
}

/// A SAM function's `Api` events are proxy methods of the API they name
/// (or of the implicit one); `HttpApi` events are routes.
pub(super) fn function_events(apis: &mut [(String, Api)], p: &Node, file: usize) {
    for e in p.get("Events").map(Node::entries).unwrap_or(&[]) {
        let ev = &e.value;
        let t = ev.get("Type").and_then(Node::text).unwrap_or("");
        let Some(ep) = ev.get("Properties") else {
            continue;
        };
        let target = ep
            .get("RestApiId")
            .or(ep.get("ApiId"))
            .and_then(cfn_ref)
            .or((t == "Api").then_some("ServerlessRestApi"));
        let Some((_, api)) = apis.iter_mut().find(|(id, a)| {
            Some(id.as_str()) == target && ((t == "Api") == (a.kind == ApiKind::Rest))
        }) else {
            continue;
        };
        let path = ep
            .get("Path")
            .and_then(Node::text)
            .unwrap_or("/")
            .to_string();
        let m = ep
            .get("Method")
            .and_then(Node::text)
            .unwrap_or("ANY")
            .to_ascii_uppercase();
        let at = Loc {
            file,
            span: e.key_span.clone(),
        };
        let auth = ep
            .at(&["Auth", "Authorizer"])
            .map(|a| value(a, file))
            .or(api.default_authorizer.clone());
        if t == "Api" {
            api.methods.push(Method {
                path,
                method: if m == "ANY" { "ANY".into() } else { m },
                loc: at.clone(),
                authorization: auth,
                integration: Some(Integration {
                    kind: "AWS_PROXY".into(),
                    loc: at,
                    content_handling: None,
                    responses: vec![],
                }),
                responses: vec![],
                authorizer: None,
                api_key: match ep.at(&["Auth", "ApiKeyRequired"]) {
                    Some(k) => (k.bool() == Some(true)).then(|| loc(file, k)),
                    None => api.api_key_required.then(|| api.loc.clone()),
                },
            });
        } else {
            api.http_routes.push(HttpRoute {
                key: format!("{m} {path}"),
                loc: at,
                authorized: auth
                    .as_ref()
                    .and_then(|a| a.text.as_deref())
                    .is_some_and(|a| a != "NONE"),
                kind: auth.and_then(|a| a.text).unwrap_or_else(|| "NONE".into()),
                integration: Some("AWS_PROXY".into()),
                authorizer: None,
            });
        }
    }
}
