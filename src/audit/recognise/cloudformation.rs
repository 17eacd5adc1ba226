//! CloudFormation and SAM templates: `AWS::ApiGateway::*` (RestApi, Resource,
//! Method with its Integration and responses, GatewayResponse, Deployment),
//! `AWS::ApiGatewayV2::*` (Api with CorsConfiguration, Route), and SAM's
//! `AWS::Serverless::Api` (Cors, Auth, GatewayResponses, DefinitionBody),
//! `AWS::Serverless::HttpApi` (CorsConfiguration) and functions' Api events
//! (those two in [`super::sam`]).

use super::sam::{function_events, sam_api};
use super::{
    cfn_ref, cors_config, identity_headers_of, loc, mappings, name_authorizers, openapi, value,
};
use crate::audit::doc::{Kind, Node};
use crate::audit::model::*;
use std::collections::HashMap;

pub fn apis(doc: &Node, file: usize) -> Vec<Api> {
    let Some(resources) = doc.get("Resources") else {
        return vec![];
    };
    let mut apis: Vec<(String, Api)> = Vec::new();
    let ty = |r: &Node| r.get("Type").and_then(Node::text).unwrap_or("").to_string();
    let props = |r: &'_ Node| {
        r.get("Properties")
            .cloned()
            .unwrap_or(Node::new(r.span.clone(), Kind::Map(vec![])))
    };
    // APIs first, so the other resources can attach to them.
    for e in resources.entries() {
        let p = props(&e.value);
        let at = Loc {
            file,
            span: e.key_span.clone(),
        };
        let name = p
            .get("Name")
            .and_then(Node::text)
            .unwrap_or(&e.key)
            .to_string();
        let mut api = match ty(&e.value).as_str() {
            "AWS::ApiGateway::RestApi" | "AWS::Serverless::Api" => {
                Api::new(name, ApiKind::Rest, at)
            }
            "AWS::ApiGatewayV2::Api"
                if p.get("ProtocolType").and_then(Node::text) != Some("WEBSOCKET") =>
            {
                Api::new(name, ApiKind::Http, at)
            }
            "AWS::Serverless::HttpApi" => Api::new(name, ApiKind::Http, at),
            _ => continue,
        };
        api.binary_media_types = Api::sets_binary_media_types(p.get("BinaryMediaTypes"));
        if let Some(body) = p.get("Body").or(p.get("DefinitionBody")) {
            openapi::fill(&mut api, body, file);
        }
        if let Some(c) = p
            .get("CorsConfiguration")
            .filter(|c| !matches!(c.kind, Kind::Bool(_)))
        {
            let keys = [
                "AllowOrigins",
                "AllowMethods",
                "AllowHeaders",
                "ExposeHeaders",
                "AllowCredentials",
                "MaxAge",
            ];
            api.cors = Some(cors_config(c, file, keys));
        }
        // SAM HttpApi `CorsConfiguration: true` (samtranslator
        // http_api_generator: a bool gives AllowOrigins ['*']).
        if let Some(c) = p
            .get("CorsConfiguration")
            .filter(|c| c.bool() == Some(true))
        {
            api.cors = Some(CorsConfig {
                loc: loc(file, c),
                origins: vec![Value {
                    text: Some("*".into()),
                    loc: loc(file, c),
                    template: None,
                    per_env: vec![],
                }],
                ..Default::default()
            });
        }
        if ty(&e.value) == "AWS::Serverless::Api" {
            sam_api(&mut api, &p, file);
        }
        if ty(&e.value) == "AWS::Serverless::HttpApi" {
            // Its events' routes take the default authorizer (SAM HttpApi Auth).
            api.default_authorizer = p.at(&["Auth", "DefaultAuthorizer"]).map(|d| value(d, file));
        }
        api.stage = p.get("StageName").and_then(Node::text).map(str::to_string);
        if ty(&e.value).starts_with("AWS::Serverless::") {
            api.redeploy = Redeploy::Managed;
        }
        apis.push((e.key.clone(), api));
    }
    // A template that adds methods to a REST API given as a Parameter (a
    // CORS layer, corsform's scope = "cors" among them): the methods naming
    // the same parameter are one API, named after it, declared elsewhere.
    let parameters = doc.get("Parameters");
    for e in resources.entries() {
        if ty(&e.value) != "AWS::ApiGateway::Method" {
            continue;
        }
        let Some(param) = props(&e.value)
            .get("RestApiId")
            .and_then(|r| match r.intrinsic() {
                Some(("Ref", a)) => a.text().map(str::to_string),
                _ => None,
            })
            .filter(|p| parameters.and_then(|ps| ps.get(p)).is_some())
        else {
            continue;
        };
        if !apis.iter().any(|(id, _)| *id == param) {
            let mut api = Api::new(
                param.clone(),
                ApiKind::Rest,
                Loc {
                    file,
                    span: e.key_span.clone(),
                },
            );
            api.declared_elsewhere = true;
            apis.push((param, api));
        }
    }
    // SAM: `Globals.Api` applies to every AWS::Serverless::Api, and to the
    // implicit `ServerlessRestApi` that Api events without RestApiId create.
    let globals = doc.at(&["Globals", "Api"]);
    let implicit = resources.entries().iter().any(|e| {
        e.value.at(&["Properties", "Events"]).is_some_and(|evs| {
            evs.entries().iter().any(|ev| {
                ev.value.get("Type").and_then(Node::text) == Some("Api")
                    && ev.value.at(&["Properties", "RestApiId"]).is_none()
            })
        })
    });
    if implicit {
        let at = globals.map_or(
            Loc {
                file,
                span: resources.span.start..resources.span.start,
            },
            |g| loc(file, g),
        );
        let mut api = Api::new("ServerlessRestApi", ApiKind::Rest, at);
        api.redeploy = Redeploy::Managed;
        apis.push(("ServerlessRestApi".into(), api));
    }
    if let Some(g) = globals {
        for (_, api) in apis.iter_mut().filter(|(id, _)| {
            id == "ServerlessRestApi"
                || resources
                    .get(id)
                    .and_then(|r| r.get("Type"))
                    .and_then(Node::text)
                    == Some("AWS::Serverless::Api")
        }) {
            let own = (
                api.sam_cors.take(),
                api.default_authorizer.take(),
                api.authorizer_on_preflight.take(),
            );
            let own_key = (api.api_key_on_preflight.take(), api.api_key_required);
            sam_api(api, g, file);
            api.api_key_on_preflight = own_key.0.or(api.api_key_on_preflight.take());
            api.api_key_required |= own_key.1;
            api.binary_media_types |= Api::sets_binary_media_types(g.get("BinaryMediaTypes"));
            api.sam_cors = own.0.or(api.sam_cors.take());
            api.default_authorizer = own.1.or(api.default_authorizer.take());
            api.authorizer_on_preflight = own.2.or(api.authorizer_on_preflight.take());
        }
    }
    // Resource tree of plain REST APIs: logical id -> (parent, path part).
    let mut tree: HashMap<&str, (Option<&str>, &str)> = HashMap::new();
    for e in resources
        .entries()
        .iter()
        .filter(|e| ty(&e.value) == "AWS::ApiGateway::Resource")
    {
        let p = e.value.get("Properties");
        let parent = p
            .and_then(|p| p.get("ParentId"))
            .and_then(|n| match n.intrinsic() {
                Some(("Ref", a)) => a.text(),
                _ => None,
            });
        let part = p
            .and_then(|p| p.get("PathPart"))
            .and_then(Node::text)
            .unwrap_or("");
        tree.insert(&e.key, (parent, part));
    }
    let path_of = |id: Option<&str>| -> String {
        let mut parts = Vec::new();
        let mut cur = id;
        while let Some(c) = cur {
            let Some((parent, part)) = tree.get(c) else {
                break;
            };
            parts.push(*part);
            cur = *parent;
            if parts.len() > 64 {
                break;
            }
        }
        parts.reverse();
        format!("/{}", parts.join("/"))
    };
    for e in resources.entries() {
        let p = props(&e.value);
        let api_ref = p
            .get("RestApiId")
            .or(p.get("ApiId"))
            .and_then(cfn_ref)
            .unwrap_or("");
        let t = ty(&e.value);
        if t == "AWS::Serverless::Function" {
            function_events(&mut apis, &p, file);
            continue;
        }
        let Some((_, api)) = apis.iter_mut().find(|(id, _)| id == api_ref) else {
            continue;
        };
        let at = Loc {
            file,
            span: e.key_span.clone(),
        };
        match t.as_str() {
            "AWS::ApiGateway::Authorizer" | "AWS::ApiGatewayV2::Authorizer" => {
                // CloudFormation: IdentitySource is required for TOKEN and
                // COGNITO_USER_POOLS (a string on REST, a list on HTTP APIs).
                api.authorizers.push(Authorizer {
                    id: e.key.clone(),
                    headers: identity_headers_of(p.get("IdentitySource")),
                });
            }
            "AWS::ApiGateway::Method" => {
                let res = p.get("ResourceId").and_then(cfn_ref);
                let path = if res.is_some_and(|r| tree.contains_key(r)) {
                    path_of(res)
                } else if let Some(path) = res.and_then(|r| parameter_path(parameters?.get(r)?)) {
                    path
                } else {
                    "/".into()
                };
                api.methods.push(method(&p, path, at, file));
            }
            "AWS::ApiGateway::GatewayResponse" => api.gateway_responses.push(GatewayResponse {
                response_type: p
                    .get("ResponseType")
                    .and_then(Node::text)
                    .unwrap_or("")
                    .to_string(),
                loc: at,
                mappings: p
                    .get("ResponseParameters")
                    .map(|m| mappings(m, file))
                    .unwrap_or_default(),
            }),
            "AWS::ApiGateway::Deployment" => {
                // A `Transform:` line changes nothing here: SAM leaves plain
                // Deployments as written (it hashes only the ones it generates).
                api.redeploy = if hashed(&e.key) {
                    Redeploy::OnChange
                } else {
                    Redeploy::Static {
                        loc: at,
                        why: format!("the Deployment's logical ID `{}` never changes, so a stack update that changes the API does not deploy it", e.key),
                        fix: "give the Deployment a logical ID that carries a hash of the API's definition (as SAM and CDK do), or use SAM's AWS::Serverless::Api".into(),
                    }
                }
            }
            "AWS::ApiGatewayV2::Route" => api.http_routes.push(HttpRoute {
                // `Target: !Sub "integrations/${LambdaIntegration}"`.
                integration: p.get("Target").and_then(|t| {
                    let (_, arg) = t.intrinsic()?;
                    let text = arg.text()?;
                    let name = text.split("${").nth(1)?.split('}').next()?;
                    let r = resources.get(name)?;
                    r.at(&["Properties", "IntegrationType"])
                        .and_then(Node::text)
                        .map(str::to_string)
                }),
                key: p
                    .get("RouteKey")
                    .and_then(Node::text)
                    .unwrap_or("")
                    .to_string(),
                loc: at,
                authorized: p
                    .get("AuthorizationType")
                    .and_then(Node::text)
                    .is_some_and(|a| a != "NONE"),
                kind: p
                    .get("AuthorizationType")
                    .and_then(Node::text)
                    .unwrap_or("NONE")
                    .to_string(),
                authorizer: p.get("AuthorizerId").and_then(cfn_ref).map(str::to_string),
            }),
            "AWS::ApiGateway::Stage" | "AWS::ApiGatewayV2::Stage" => {
                api.stage = p.get("StageName").and_then(Node::text).map(str::to_string);
                if p.get("AutoDeploy").and_then(Node::bool) == Some(true) {
                    api.redeploy = Redeploy::Managed;
                }
            }
            _ => {}
        }
    }
    for (id, api) in &mut apis {
        let p = resources.get(id).and_then(|r| r.get("Properties"));
        let body = p.and_then(|p| p.get("Body").or(p.get("DefinitionBody")));
        name_authorizers(
            api,
            p.and_then(|p| p.get("Auth"))
                .or(globals.and_then(|g| g.get("Auth"))),
            body,
        );
    }
    apis.into_iter().map(|(_, a)| a).collect()
}

/// A logical ID that carries a content hash (CDK's `Deployment3F2A9C1B`,
/// corsform's `Deployment8bc2423583`): a trailing run of hex with a digit.
fn hashed(id: &str) -> bool {
    let tail: String = id
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    tail.len() >= 8 && tail.chars().any(|c| c.is_ascii_digit())
}

fn method(p: &Node, path: String, at: Loc, file: usize) -> Method {
    let integration = p.get("Integration").map(|i| Integration {
        kind: i
            .get("Type")
            .and_then(Node::text)
            .unwrap_or("")
            .to_ascii_uppercase(),
        loc: loc(file, i.get("Type").unwrap_or(i)),
        content_handling: i
            .get("ContentHandling")
            .and_then(Node::text)
            .map(str::to_string),
        responses: i
            .get("IntegrationResponses")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .map(|r| IntegrationResponse {
                status: r
                    .get("StatusCode")
                    .and_then(Node::text)
                    .unwrap_or("")
                    .to_string(),
                loc: loc(file, r),
                mappings: r
                    .get("ResponseParameters")
                    .map(|m| mappings(m, file))
                    .unwrap_or_default(),
                templates: r
                    .get("ResponseTemplates")
                    .map(|t| t.entries().iter().map(|e| value(&e.value, file)).collect())
                    .unwrap_or_default(),
                races_integration: false,
            })
            .collect(),
    });
    Method {
        path,
        method: p
            .get("HttpMethod")
            .and_then(Node::text)
            .unwrap_or("")
            .to_ascii_uppercase(),
        loc: at,
        authorization: Some(match p.get("AuthorizationType") {
            Some(a) => value(a, file),
            None => Value {
                text: Some("NONE".into()),
                loc: loc(file, p),
                template: None,
                per_env: vec![],
            },
        }),
        integration,
        responses: p
            .get("MethodResponses")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .map(|r| MethodResponse {
                status: r
                    .get("StatusCode")
                    .and_then(Node::text)
                    .unwrap_or("")
                    .to_string(),
                loc: loc(file, r),
                headers: r
                    .get("ResponseParameters")
                    .map(|m| m.entries().iter().map(|e| e.key.clone()).collect())
                    .unwrap_or_default(),
            })
            .collect(),
        authorizer: p.get("AuthorizerId").and_then(cfn_ref).map(str::to_string),
        api_key: p
            .get("ApiKeyRequired")
            .filter(|k| k.bool() == Some(true))
            .map(|k| loc(file, k)),
    }
}

/// The resource path a resource-id Parameter says it is for, in its
/// Description: corsform's CORS layer writes "ID of the resource of /orders
/// (...)" and "ID of the root resource / (...)". A template gives its
/// resources as parameters only when they live in another stack, so this
/// description is the one place the path is written.
fn parameter_path(param: &Node) -> Option<String> {
    let d = param.get("Description").and_then(Node::text)?;
    let rest = d
        .strip_prefix("ID of the resource of ")
        .or_else(|| d.strip_prefix("ID of the root resource "))?;
    let path = rest.split_whitespace().next()?;
    (path.starts_with('/') && crate::model::ApiPath::parse(path).is_ok()).then(|| path.to_string())
}
