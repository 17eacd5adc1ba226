//! Terraform (hashicorp/aws): `aws_api_gateway_rest_api` and the resources
//! that reference it (resource, method, integration, method_response,
//! integration_response, gateway_response, deployment), and
//! `aws_apigatewayv2_api` with `cors_configuration` and its routes. Resources
//! are joined by the references between them (`aws_api_gateway_resource.x.id`),
//! as Terraform's graph joins them.

use super::{cors_config, identity_headers_of, loc, mappings, openapi, value};
use crate::audit::doc::{Kind, Node};
use crate::audit::hcl::TfBlock;
use crate::audit::model::*;
use std::collections::{HashMap, HashSet};

type Res<'a> = (usize, &'a TfBlock);

/// `aws_api_gateway_resource.cart.id` -> `aws_api_gateway_resource.cart`.
fn target(n: Option<&Node>) -> Option<String> {
    let Kind::Expr(e) = &n?.kind else { return None };
    let mut parts = e.split('.');
    Some(format!("{}.{}", parts.next()?, parts.next()?))
}

/// The module's locals whose value is a literal string (`name = "..."` or a
/// heredoc without interpolation): a VTL template is often kept in one and
/// referred to from every integration response (corsform's own Terraform does).
fn literal_locals<'a>(blocks: &[Res<'a>]) -> HashMap<&'a str, &'a str> {
    blocks
        .iter()
        .filter(|(_, b)| b.ident == "locals")
        .flat_map(|(_, b)| b.body.entries())
        .filter_map(|e| Some((e.key.as_str(), e.value.text()?)))
        .collect()
}

/// `v` with the text of the literal local that `node` names (`local.x`), when
/// it is only such a reference; the location stays the reference's.
fn with_local(mut v: Value, node: &Node, locals: &HashMap<&str, &str>) -> Value {
    if v.text.is_none()
        && let Kind::Expr(e) = &node.kind
        && let Some(text) = e.trim().strip_prefix("local.").and_then(|n| locals.get(n))
    {
        v.text = Some(text.to_string());
    }
    v
}

/// `cors_configuration`'s keys, in cors_config's order (origins, methods,
/// headers, expose, credentials, max age).
pub(crate) const CORS_CONFIGURATION_KEYS: [&str; 6] = [
    "allow_origins",
    "allow_methods",
    "allow_headers",
    "expose_headers",
    "allow_credentials",
    "max_age",
];

pub fn apis(blocks: &[Res]) -> Vec<Api> {
    let resources: Vec<(String, Res)> = blocks
        .iter()
        .filter(|(_, b)| b.ident == "resource" && b.labels.len() == 2)
        .map(|r| (format!("{}.{}", r.1.labels[0], r.1.labels[1]), *r))
        .collect();
    let by_addr: HashMap<&str, Res> = resources.iter().map(|(a, r)| (a.as_str(), *r)).collect();
    let of_type = |t: &'static str| resources.iter().filter(move |(_, (_, b))| b.labels[0] == t);
    let at = |(f, b): Res| Loc {
        file: f,
        span: b.header.clone(),
    };

    let locals = literal_locals(blocks);
    let mut apis: Vec<(String, Api)> = Vec::new();
    for (addr, r) in of_type("aws_api_gateway_rest_api") {
        let name =
            r.1.body
                .get("name")
                .and_then(Node::text)
                .unwrap_or(&r.1.labels[1])
                .to_string();
        let mut api = Api::new(name, ApiKind::Rest, at(*r));
        api.binary_media_types = Api::sets_binary_media_types(r.1.body.get("binary_media_types"));
        api.body_file = r.1.body.get("body").and_then(body_file);
        api.body_vars =
            r.1.body
                .get("body")
                .map(|b| template_vars(b, blocks))
                .unwrap_or_default();
        if let Some(body) = r.1.body.get("body").filter(|b| openapi::is_openapi(b)) {
            openapi::fill(&mut api, body, r.0);
            super::name_authorizers(&mut api, None, Some(body));
        }
        apis.push((addr.clone(), api));
    }
    for (addr, r) in of_type("aws_apigatewayv2_api") {
        let b = &r.1.body;
        if b.get("protocol_type").and_then(Node::text) == Some("WEBSOCKET") {
            continue;
        }
        let name = b
            .get("name")
            .and_then(Node::text)
            .unwrap_or(&r.1.labels[1])
            .to_string();
        let mut api = Api::new(name, ApiKind::Http, at(*r));
        if let Some(c) = b.get("cors_configuration") {
            api.cors = Some(cors_config(c, r.0, CORS_CONFIGURATION_KEYS));
        }
        apis.push((addr.clone(), api));
    }
    let api_of = |b: &TfBlock| target(b.body.get("rest_api_id").or(b.body.get("api_id")));
    // A module that adds methods to an API declared elsewhere
    // (`rest_api_id = var.rest_api_id`): its resources that name the same
    // unknown API are judged together, as one API named after the reference.
    for (_, r) in &resources {
        let t = r.1.labels[0].as_str();
        let kind = if t.starts_with("aws_api_gateway_") {
            ApiKind::Rest
        } else if t.starts_with("aws_apigatewayv2_") {
            ApiKind::Http
        } else {
            continue;
        };
        let Some(a) = api_of(r.1).filter(|a| !a.starts_with("aws_")) else {
            continue;
        };
        if !apis.iter().any(|(x, _)| *x == a) {
            let mut api = Api::new(a.clone(), kind, at(*r));
            api.declared_elsewhere = true;
            apis.push((a.clone(), api));
        }
    }

    // corsform's own HTTP CORS layer (scope = "cors") hands its
    // cors_configuration to the team's API as an output: the one HTTP API
    // these files add to, with no CORS of its own here, gets it.
    let layer_outputs: Vec<(Res, &Node)> = blocks
        .iter()
        .filter(|(_, b)| b.ident == "output")
        .filter_map(|r| Some((*r, r.1.body.get("value")?)))
        .filter(|(_, v)| v.get("allow_origins").is_some())
        .collect();
    if let [(output, value)] = layer_outputs.as_slice() {
        let file = output.0;
        // A layer with no route of its own still is for one API: the one its
        // `api_id` variable names, or, with none, the one it is used for.
        if !apis.iter().any(|(_, a)| a.kind == ApiKind::Http) {
            let has_var = blocks.iter().any(|(_, b)| {
                b.ident == "variable" && b.labels.first().is_some_and(|l| l == "api_id")
            });
            let name = if has_var {
                "var.api_id"
            } else {
                "the-api-using-this-module"
            };
            let mut api = Api::new(name, ApiKind::Http, at(*output));
            api.declared_elsewhere = true;
            apis.push((name.to_string(), api));
        }
        let mut elsewhere = apis
            .iter_mut()
            .filter(|(_, a)| a.declared_elsewhere && a.kind == ApiKind::Http && a.cors.is_none());
        if let (Some((_, api)), None) = (elsewhere.next(), elsewhere.next()) {
            api.cors = Some(cors_config(value, file, CORS_CONFIGURATION_KEYS));
        }
    }

    // Resource paths, by following parent_id.
    let path_of = |addr: Option<String>| -> String {
        // `var.resource_ids["/orders/{id}"]`: the map's key is the path.
        if let Some(key) = addr
            .as_deref()
            .and_then(|a| a.split_once("[\"/"))
            .and_then(|(_, k)| k.split_once("\"]"))
        {
            return format!("/{}", key.0);
        }
        let mut parts = Vec::new();
        let mut cur = addr;
        while let Some(a) = cur.filter(|a| a.starts_with("aws_api_gateway_resource.")) {
            let Some((_, b)) = by_addr.get(a.as_str()) else {
                break;
            };
            parts.push(
                b.body
                    .get("path_part")
                    .and_then(Node::text)
                    .unwrap_or("?")
                    .to_string(),
            );
            cur = target(b.body.get("parent_id"));
            if parts.len() > 64 {
                break;
            }
        }
        parts.reverse();
        format!("/{}", parts.join("/"))
    };
    // A method's key (path, HTTP method), from its own block or the method it references.
    let key_of = |b: &TfBlock| -> (String, String) {
        let path = path_of(target(b.body.get("resource_id")));
        let m = match b.body.get("http_method") {
            Some(n) => match n.text() {
                Some(t) => t.to_ascii_uppercase(),
                None => target(Some(n))
                    .and_then(|a| by_addr.get(a.as_str()).copied())
                    .and_then(|(_, mb)| mb.body.get("http_method").and_then(Node::text))
                    .unwrap_or("?")
                    .to_ascii_uppercase(),
            },
            None => "?".into(),
        };
        (path, m)
    };

    let mut triggers_of: Vec<(String, Loc, &Node)> = Vec::new();
    // (API, path, the resource_id expression its methods use).
    let mut method_ids: Vec<(String, String, String)> = Vec::new();
    for (addr, r) in &resources {
        let (f, b) = *r;
        let Some(api_addr) = api_of(b) else { continue };
        let Some((_, api)) = apis.iter_mut().find(|(a, _)| *a == api_addr) else {
            continue;
        };
        let body = &b.body;
        match b.labels[0].as_str() {
            "aws_api_gateway_authorizer" => {
                // hashicorp/aws: identity_source defaults to
                // method.request.header.Authorization; a REQUEST authorizer has none by default.
                let kind = body.get("type").and_then(Node::text).unwrap_or("TOKEN");
                let headers = match body.get("identity_source") {
                    Some(s) => identity_headers_of(Some(s)),
                    None if kind.eq_ignore_ascii_case("REQUEST") => vec![],
                    None => vec!["Authorization".into()],
                };
                api.authorizers.push(Authorizer {
                    id: addr.clone(),
                    headers,
                });
            }
            "aws_apigatewayv2_authorizer" => api.authorizers.push(Authorizer {
                id: addr.clone(),
                headers: identity_headers_of(body.get("identity_sources")),
            }),
            "aws_api_gateway_method" => {
                let (path, method) = key_of(b);
                if let Some(Kind::Expr(id)) = body.get("resource_id").map(|n| &n.kind) {
                    method_ids.push((api_addr.clone(), path.clone(), id.trim().to_string()));
                }
                api.methods.push(Method {
                    path,
                    method,
                    loc: at(*r),
                    authorization: body.get("authorization").map(|a| value(a, f)),
                    integration: None,
                    responses: vec![],
                    authorizer: target(body.get("authorizer_id")),
                    api_key: body
                        .get("api_key_required")
                        .filter(|k| k.bool() == Some(true))
                        .map(|k| loc(f, k)),
                });
            }
            "aws_api_gateway_gateway_response" => api.gateway_responses.push(GatewayResponse {
                response_type: body
                    .get("response_type")
                    .and_then(Node::text)
                    .unwrap_or("")
                    .to_string(),
                loc: at(*r),
                mappings: body
                    .get("response_parameters")
                    .map(|m| mappings(m, f))
                    .unwrap_or_default(),
            }),
            "aws_api_gateway_deployment" => {
                if let Some(t) = body.get("triggers") {
                    triggers_of.push((api_addr.clone(), loc(f, t), t));
                }
                let triggers = body.get("triggers").is_some();
                let cbd = body
                    .at(&["lifecycle", "create_before_destroy"])
                    .and_then(Node::bool)
                    == Some(true);
                api.redeploy = if triggers && cbd {
                    Redeploy::OnChange
                } else {
                    let why = match (triggers, cbd) {
                        (false, false) => "no `triggers` and no `create_before_destroy`",
                        (false, true) => "no `triggers`",
                        _ => "no `lifecycle { create_before_destroy = true }`",
                    };
                    Redeploy::Static {
                        loc: at(*r),
                        why: format!("this deployment has {why}: later changes to the API are applied but never deployed to the stage"),
                        fix: "add `triggers = { redeployment = sha1(jsonencode([...every method, integration and response...])) }` and `lifecycle { create_before_destroy = true }`".into(),
                    }
                };
            }
            "aws_apigatewayv2_route" => api.http_routes.push(HttpRoute {
                // `target = "integrations/${aws_apigatewayv2_integration.x.id}"`.
                integration: body.get("target").and_then(|t| {
                    let text = match &t.kind {
                        Kind::Expr(e) => e.as_str(),
                        _ => t.text()?,
                    };
                    let i = text.find("aws_apigatewayv2_integration.")?;
                    let mut parts = text[i..].split('.');
                    let addr = format!("{}.{}", parts.next()?, parts.next()?);
                    let (_, ib) = by_addr.get(addr.as_str())?;
                    ib.body
                        .get("integration_type")
                        .and_then(Node::text)
                        .map(str::to_string)
                }),
                key: body
                    .get("route_key")
                    .and_then(Node::text)
                    .unwrap_or("")
                    .to_string(),
                loc: at(*r),
                authorized: body
                    .get("authorization_type")
                    .and_then(Node::text)
                    .is_some_and(|a| a != "NONE")
                    || body.get("authorizer_id").is_some(),
                kind: body
                    .get("authorization_type")
                    .and_then(Node::text)
                    .unwrap_or("NONE")
                    .to_string(),
                authorizer: target(body.get("authorizer_id")),
            }),
            "aws_api_gateway_stage" => {
                api.stage = body
                    .get("stage_name")
                    .and_then(Node::text)
                    .map(str::to_string);
            }
            "aws_apigatewayv2_stage" => {
                api.stage = body.get("name").and_then(Node::text).map(str::to_string);
                if body.get("auto_deploy").and_then(Node::bool) == Some(true) {
                    api.redeploy = Redeploy::Managed;
                }
            }
            _ => {}
        }
    }
    // Integrations and responses attach to the method with the same key
    // (the first one, in file order), found through an index: a search of
    // the methods per resource was quadratic in the routes (issue 28).
    let mut method_at: HashMap<(String, String, String), (usize, usize)> = HashMap::new();
    for (a, (addr, api)) in apis.iter().enumerate() {
        for (i, m) in api.methods.iter().enumerate() {
            method_at
                .entry((addr.clone(), m.path.clone(), m.method.clone()))
                .or_insert((a, i));
        }
    }
    for (_, r) in &resources {
        let (f, b) = *r;
        if !matches!(
            b.labels[0].as_str(),
            "aws_api_gateway_integration"
                | "aws_api_gateway_method_response"
                | "aws_api_gateway_integration_response"
        ) {
            continue;
        }
        let Some(api_addr) = api_of(b) else { continue };
        let (path, m) = key_of(b);
        let Some(&(a, i)) = method_at.get(&(api_addr, path, m)) else {
            continue;
        };
        let method = &mut apis[a].1.methods[i];
        let body = &b.body;
        match b.labels[0].as_str() {
            "aws_api_gateway_integration" => {
                let responses = method
                    .integration
                    .take()
                    .map(|i| i.responses)
                    .unwrap_or_default();
                method.integration = Some(Integration {
                    kind: body
                        .get("type")
                        .and_then(Node::text)
                        .unwrap_or("")
                        .to_ascii_uppercase(),
                    loc: at(*r),
                    content_handling: body
                        .get("content_handling")
                        .and_then(Node::text)
                        .map(str::to_string),
                    responses,
                });
            }
            "aws_api_gateway_method_response" => method.responses.push(MethodResponse {
                status: body
                    .get("status_code")
                    .and_then(Node::text)
                    .unwrap_or("200")
                    .to_string(),
                loc: at(*r),
                headers: body
                    .get("response_parameters")
                    .map(|m| m.entries().iter().map(|e| e.key.clone()).collect())
                    .unwrap_or_default(),
            }),
            "aws_api_gateway_integration_response" => {
                // `status_code = aws_api_gateway_method_response.x.status_code` names its status.
                let status = body.get("status_code").and_then(|n| {
                    n.text().or_else(|| {
                        let (_, mr) = by_addr.get(target(Some(n))?.as_str())?;
                        mr.body.get("status_code").and_then(Node::text)
                    })
                });
                let resp = IntegrationResponse {
                    status: status.unwrap_or("200").to_string(),
                    loc: at(*r),
                    mappings: body
                        .get("response_parameters")
                        .map(|m| mappings(m, f))
                        .unwrap_or_default(),
                    templates: body
                        .get("response_templates")
                        .map(|t| {
                            t.entries()
                                .iter()
                                .map(|e| with_local(value(&e.value, f), &e.value, &locals))
                                .collect()
                        })
                        .unwrap_or_default(),
                    // Only a reference to the integration orders it first
                    // (hashicorp/terraform-provider-aws: "No integration defined for method").
                    races_integration: !body.mentions("aws_api_gateway_integration."),
                };
                let i = method.integration.get_or_insert_with(|| Integration {
                    kind: String::new(),
                    loc: loc(f, body),
                    content_handling: None,
                    responses: vec![],
                });
                i.responses.push(resp);
            }
            _ => {}
        }
    }
    // The addresses import's module block names, for APIs written resource
    // by resource (an OpenAPI `body` is imported as a document instead).
    for (api_addr, api) in apis.iter_mut() {
        // An API declared elsewhere (a module's var.rest_api_id): its id and
        // resource ids are the expressions the methods here use.
        let declared = by_addr.get(api_addr.as_str());
        if declared.is_some_and(|(_, rb)| rb.body.get("body").is_some()) {
            continue;
        }
        let mine = |b: &TfBlock| api_of(b).as_deref() == Some(api_addr.as_str());
        let mut ids = if declared.is_some() {
            vec![("/".to_string(), format!("{api_addr}.root_resource_id"))]
        } else {
            let mut seen: HashSet<&str> = HashSet::new();
            let mut v: Vec<(String, String)> = Vec::new();
            for (_, path, id) in method_ids.iter().filter(|(a, _, _)| a == api_addr) {
                if seen.insert(path) {
                    v.push((path.clone(), id.clone()));
                }
            }
            v
        };
        let mut listed: HashSet<String> = ids.iter().map(|(p, _)| p.clone()).collect();
        for (a, (_, b)) in resources
            .iter()
            .filter(|(_, (_, b))| b.labels[0] == "aws_api_gateway_resource" && mine(b))
        {
            let path = path_of(Some(a.clone()));
            if b.body.get("for_each").is_none()
                && b.body.get("count").is_none()
                && listed.insert(path.clone())
            {
                ids.push((path, format!("{a}.id")));
            }
        }
        let replaced = resources
            .iter()
            .filter(|(_, (_, b))| mine(b))
            .filter(|(_, (_, b))| {
                let t = b.labels[0].as_str();
                // An actual method's own CORS headers stay: the caller still answers it.
                let preflight_part = !matches!(
                    t,
                    "aws_api_gateway_integration_response" | "aws_api_gateway_method_response"
                ) || key_of(b).1 == "OPTIONS";
                let gateway = t == "aws_api_gateway_gateway_response"
                    && b.body.mentions("Access-Control-Allow-Origin");
                preflight_part && (carries_cors(b, &key_of) || gateway)
            })
            .map(|(a, _)| a.clone())
            .collect();
        let deployment = resources
            .iter()
            .find(|(_, (_, b))| b.labels[0] == "aws_api_gateway_deployment" && mine(b))
            .map(|(a, _)| a.clone());
        api.terraform = Some(TfAddresses {
            api: api_addr.clone(),
            id: if declared.is_some() {
                format!("{api_addr}.id")
            } else {
                api_addr.clone()
            },
            resource_ids: if api.kind == ApiKind::Rest {
                ids
            } else {
                vec![]
            },
            replaced,
            deployment,
        });
    }
    for (api_addr, at_triggers, t) in triggers_of {
        let Some((_, api)) = apis.iter_mut().find(|(a, _)| *a == api_addr) else {
            continue;
        };
        let mut cors: Vec<&str> = resources
            .iter()
            .filter(|(_, (_, b))| api_of(b).as_deref() == Some(api_addr.as_str()))
            .filter(|(_, (_, b))| carries_cors(b, &key_of))
            .map(|(a, _)| a.as_str())
            .collect();
        // The integration responses hold the header values: name them first.
        cors.sort_by_key(|a| !a.starts_with("aws_api_gateway_integration_response."));
        if let Some(why) = triggers_leave_out(t, &cors)
            && api.redeploy == Redeploy::OnChange
        {
            api.redeploy = Redeploy::Static {
                loc: at_triggers,
                why,
                fix: "hash the whole CORS resources in the trigger (`aws_api_gateway_integration_response.x`, not `.x.id`), or their response_parameters".into(),
            };
        }
    }
    apis.into_iter().map(|(_, a)| a).collect()
}

/// The file a `body = file("x")` / `templatefile("x", ...)` reads, relative
/// to the module (`${path.module}/` dropped).
fn body_file(n: &Node) -> Option<String> {
    let Kind::Expr(e) = &n.kind else { return None };
    let e = e.trim();
    let args = e
        .strip_prefix("file(")
        .or_else(|| e.strip_prefix("templatefile("))?;
    let quoted = args.trim_start().strip_prefix('"')?;
    let name = &quoted[..quoted.find('"')?];
    let name = name
        .strip_prefix("${path.module}/")
        .or_else(|| name.strip_prefix("./"))
        .unwrap_or(name);
    (!name.contains("${")).then(|| name.to_string())
}

/// The variables a `templatefile(path, { k = v })` passes whose values are
/// known here: literal strings, and `var.x` with a literal default.
fn template_vars(n: &Node, blocks: &[Res]) -> Vec<(String, String)> {
    let Kind::Expr(e) = &n.kind else {
        return vec![];
    };
    // The map is the second argument: after the path's closing quote.
    let Some(path_end) = e.find("\",") else {
        return vec![];
    };
    let Some(open) = e[path_end..].find('{').map(|i| i + path_end) else {
        return vec![];
    };
    let Some(close) = e.rfind('}') else {
        return vec![];
    };
    let Ok(parsed) =
        crate::audit::hcl::parse(&format!("locals {{\n  v = {}\n}}\n", &e[open..=close]))
    else {
        return vec![];
    };
    let default = |name: &str| {
        blocks
            .iter()
            .find(|(_, b)| {
                b.ident == "variable" && b.labels.first().map(String::as_str) == Some(name)
            })
            .and_then(|(_, b)| b.body.get("default"))
            .and_then(Node::text)
            .map(str::to_string)
    };
    let Some(map) = parsed.first().and_then(|b| b.body.get("v")) else {
        return vec![];
    };
    map.entries()
        .iter()
        .filter_map(|e| {
            let v = match &e.value.kind {
                Kind::Str(s) => Some(s.clone()),
                Kind::Expr(x) => default(x.trim().strip_prefix("var.")?),
                _ => None,
            }?;
            Some((e.key.clone(), v))
        })
        .collect()
}

/// Whether a resource is part of the API's CORS: every piece of an OPTIONS
/// method, and any integration or method response that maps an
/// `Access-Control-*` header.
fn carries_cors(b: &TfBlock, key_of: &dyn Fn(&TfBlock) -> (String, String)) -> bool {
    match b.labels[0].as_str() {
        "aws_api_gateway_method" | "aws_api_gateway_integration" => key_of(b).1 == "OPTIONS",
        "aws_api_gateway_method_response" | "aws_api_gateway_integration_response" => {
            key_of(b).1 == "OPTIONS"
                || b.body
                    .get("response_parameters")
                    .is_some_and(|p| p.mentions("Access-Control-"))
        }
        _ => false,
    }
}

/// Why a deployment's `triggers` miss every change to the CORS resources:
/// they name API Gateway resources one by one (so they are a list, not a hash
/// of the whole body or of the files) and none of them is a CORS resource.
/// A change to a CORS header then changes no trigger, and Terraform applies
/// it without deploying it (hashicorp/aws, aws_api_gateway_deployment:
/// "triggers ... to force a redeployment").
/// A trigger that names a CORS integration response only by its `.id` does
/// not change when its headers are edited in place (the id stays), so it
/// misses the change too; the whole resource, or its response_parameters,
/// must be hashed.
fn triggers_leave_out(t: &Node, cors: &[&str]) -> Option<String> {
    let carriers: Vec<&str> = match cors
        .iter()
        .copied()
        .filter(|a| a.starts_with("aws_api_gateway_integration_response."))
        .collect::<Vec<_>>()
    {
        v if v.is_empty() => cors.to_vec(),
        v => v,
    };
    let mut texts = Vec::new();
    t.walk_text(&mut texts);
    let hashed = |a: &str| {
        // `x.name["k"]` / `x.name[0]` of a for_each or count: the trigger may
        // hash them all as `x.name`.
        let a = a.split('[').next().unwrap_or(a);
        texts.iter().any(|text| {
            text.match_indices(a).any(|(i, _)| {
                let rest = &text[i + a.len()..];
                // `x.name` is not `x.name_2`; `x.name.id` is only the id.
                !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                    && !rest.starts_with(".id")
            })
        })
    };
    // A string in the trigger may be a content hash of the CORS (corsform's
    // own trigger holds one) or a file's: then the trigger is not judged.
    let has_literal = texts.iter().any(|s| s.contains('"'))
        || matches!(t.kind, Kind::Map(ref es) if es.iter().any(|e| matches!(e.value.kind, Kind::Str(_))));
    if cors.is_empty()
        || has_literal
        || !t.mentions("aws_api_gateway_")
        || (t.mentions("aws_api_gateway_rest_api.") && t.mentions(".body"))
        || carriers.iter().any(|a| hashed(a))
    {
        return None;
    }
    let only_ids = carriers
        .iter()
        .any(|a| t.mentions(a.split('[').next().unwrap_or(a)));
    Some(if only_ids {
        format!(
            "this deployment's `triggers` hash only the ids of its CORS resources ({}): editing a CORS header keeps the id, so the change is applied but never deployed to the stage",
            some(&carriers)
        )
    } else {
        format!(
            "this deployment's `triggers` name API resources but none of its CORS resources ({}): a change to a CORS header is applied but never deployed to the stage",
            some(&carriers)
        )
    })
}

/// The first few addresses, and how many more.
fn some(addrs: &[&str]) -> String {
    let shown: Vec<String> = addrs.iter().take(3).map(|a| format!("`{a}`")).collect();
    match addrs.len() {
        n if n > 3 => format!("{} and {} more", shown.join(", "), n - 3),
        _ => shown.join(", "),
    }
}
