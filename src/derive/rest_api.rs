//! REST API (API Gateway v1) plan: the resource tree, every method with its
//! integration, and the CORS headers of each response API Gateway itself
//! produces: the preflight (an OPTIONS method with a MOCK integration per path),
//! the actual responses of MOCK routes, and the gateway responses. Facts
//! (docs/cors-facts.md, REST API section):
//! - header values in integration and gateway responses are mapping expressions:
//!   a static value is written as a single-quoted literal, `'value'`;
//! - a static header holds one origin, so with several origins the static value
//!   is the first exact origin and a VTL response template overrides it with
//!   the request's Origin when that Origin is allowed (exact match, or a full
//!   match of a one-label subdomain pattern; Java `String.matches`);
//! - proxy integrations have no integration response: the backend sends the
//!   headers of actual responses (lint note CF0602);
//! - gateway responses are not run through VTL: static, or `method.request.header.Origin`.
//!
//! Every target (Terraform, SAM, CloudFormation) renders this plan, so they
//! cannot disagree about a header.

use super::backends::BackendInput;
use super::header::{Header, HeaderValue};
use super::ids::IdAllocator;
use super::vtl;
use super::wiring::{Authorization, Authorizer, Integration};
use crate::model::{ApiType, Cors, GatewayOrigin, Origin, Policy};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone, Serialize)]
pub struct RestApiPlan {
    pub name: String,
    pub description: Option<String>,
    pub stage: String,
    /// Parents before children.
    pub resources: Vec<RestResource>,
    /// One entry per path that has routes, in policy order.
    pub paths: Vec<RestPath>,
    pub gateway_responses: Vec<GatewayResponse>,
    pub uses_lambda: bool,
    pub uses_http: bool,
    pub uses_cognito: bool,
    pub uses_custom: bool,
    /// `[backends]`, one input each; the `uses_lambda`/`uses_http` flags above
    /// then stay false (they stand for the single backend of a policy without
    /// `[backends]`). Skipped when empty so the content hash of such a policy
    /// is what it was; templates therefore test `{% if plan.backends %}`
    /// before looping.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub backends: Vec<BackendInput>,
    /// Hash of everything above: changes whenever the deployed API would.
    pub content_hash: String,
    /// `[environments]`: every environment's values (derive/environments.rs);
    /// absent without environments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environments: Option<super::environments::Environments>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RestResource {
    /// snake_case id, unique: `items_id`.
    pub id: String,
    /// `None` when the parent is the API's root resource.
    pub parent: Option<String>,
    pub path_part: String,
    pub path: String,
}

/// The CORS part of one response API Gateway produces itself.
#[derive(Debug, Clone, Serialize)]
pub struct CorsResponse {
    pub status: u16,
    pub headers: Vec<Header>,
    /// VTL response template that overrides Access-Control-Allow-Origin with the
    /// request's Origin when it is allowed; `None` when the value is static.
    pub template: Option<String>,
    /// The origins the template echoes (what its VTL tests), for evaluating
    /// this response without a VTL engine (`explain`, `serve`). Not rendered.
    #[serde(skip)]
    pub echo_origins: Vec<Origin>,
    /// With `[environments]`: each header's and the template's value per
    /// environment; `headers` is then the union over environments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<super::environments::ResponseValues>,
}

impl CorsResponse {
    /// A response no path has (status 0, nothing else): what stands in for a
    /// path's shared responses while the rest of the path is serialised on
    /// its own (render/context.rs, content_hash.rs).
    pub fn placeholder() -> Arc<CorsResponse> {
        Arc::new(CorsResponse {
            status: 0,
            headers: vec![],
            template: None,
            echo_origins: vec![],
            env: None,
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RestPath {
    pub path: String,
    /// The resource id, or `None` for the root path `/`.
    pub resource: Option<String>,
    /// The slug used to name this path's methods: the resource id or `root`.
    pub slug: String,
    /// Shared by every path with the same CORS (one allocation, not one per
    /// path: at 20,000 routes the copies were most of `build`'s memory).
    pub preflight: Arc<CorsResponse>,
    pub methods: Vec<RestMethod>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RestMethod {
    /// snake_case id, unique: `items_id_get`.
    pub id: String,
    pub method: String,
    pub authorization: Authorization,
    pub integration: Integration,
    /// HTTP_PROXY: the backend path with `{param}` placeholders, appended to the backend URL.
    pub backend_path: String,
    /// Path parameters the method declares and an HTTP proxy forwards.
    pub path_params: Vec<String>,
    /// MOCK routes only: the response API Gateway answers with.
    /// Shared like [`RestPath::preflight`].
    pub mock_response: Option<Arc<CorsResponse>>,
    /// The `[backends]` name this method's integration points at; absent
    /// without `[backends]` (and from the content hash then).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backend: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GatewayResponse {
    /// `default_4xx`.
    pub id: String,
    pub response_type: String,
    pub headers: Vec<Header>,
    /// With `[environments]`: each header's value per environment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<super::environments::ResponseValues>,
}

pub fn plan(policy: &Policy) -> RestApiPlan {
    let mut resource_ids = IdAllocator::default();
    // The root path's methods are named `root_*`: keep `/root` from taking it.
    resource_ids.take("root");
    let mut resources: Vec<RestResource> = Vec::new();
    let mut paths: Vec<RestPath> = Vec::new();
    let mut method_ids = IdAllocator::default();
    // Resource path -> id: a map, so finding a shared prefix does not scan
    // every resource made so far (quadratic on large APIs).
    let mut resource_by_path: HashMap<String, String> = HashMap::new();
    // Every path with the same CORS (usually all: they share the policy's
    // [cors]) answers alike: each response is built once per CORS and
    // copied, not rebuilt (the origin-echo template alone is a tenth of a
    // large build's work). Keyed by address: the policy outlives the plan.
    let mut preflights: HashMap<*const Cors, Arc<CorsResponse>> = HashMap::new();
    let mut actuals: HashMap<*const Cors, Arc<CorsResponse>> = HashMap::new();

    for group in policy.paths() {
        // The resource tree: one resource per prefix, shared prefixes once.
        let mut parent: Option<String> = None;
        for (prefix, part) in group.path.prefixes() {
            let id = match resource_by_path.get(&prefix) {
                Some(id) => id.clone(),
                None => {
                    let shaped = crate::model::ApiPath::parse(&prefix)
                        .expect("prefix of a valid path")
                        .slug();
                    let id = resource_ids.take(&shaped);
                    resource_by_path.insert(prefix.clone(), id.clone());
                    resources.push(RestResource {
                        id: id.clone(),
                        parent: parent.clone(),
                        path_part: part,
                        path: prefix,
                    });
                    id
                }
            };
            parent = Some(id);
        }

        let slug = parent.clone().unwrap_or_else(|| "root".into());
        let mut methods = Vec::new();
        for route in &group.routes {
            let integration = Integration::from_model(route.integration);
            let authorization = Authorization::from_model(route.authorization, ApiType::Rest)
                .expect("validation refuses jwt authorization on REST APIs");
            for m in &route.methods {
                methods.push(RestMethod {
                    id: method_ids.take(&format!("{slug}_{}", m.to_ascii_lowercase())),
                    method: m.clone(),
                    authorization,
                    integration,
                    backend_path: group.path.backend_path(),
                    path_params: if integration == Integration::Http {
                        group.path.params()
                    } else {
                        vec![]
                    },
                    mock_response: (integration == Integration::Mock).then(|| {
                        actuals
                            .entry(group.cors)
                            .or_insert_with(|| Arc::new(actual(group.cors)))
                            .clone()
                    }),
                    backend: route.backend.clone(),
                });
            }
        }
        paths.push(RestPath {
            path: group.path.text.clone(),
            resource: parent,
            preflight: preflights
                .entry(group.cors)
                .or_insert_with(|| Arc::new(preflight(group.cors)))
                .clone(),
            methods,
            slug,
        });
    }

    let gateway_responses = policy
        .gateway_responses
        .as_ref()
        .map(|g| {
            g.types
                .iter()
                .filter_map(|t| {
                    let headers = gateway_headers(&policy.cors, g.origin);
                    (!headers.is_empty()).then(|| GatewayResponse {
                        id: t.to_ascii_lowercase(),
                        response_type: t.clone(),
                        headers,
                        env: None,
                    })
                })
                .collect()
        })
        .unwrap_or_default();

    let all_methods = || paths.iter().flat_map(|p| p.methods.iter());
    let authorized_by =
        |a: Authorizer| all_methods().any(|m| m.authorization.authorizer() == Some(a));
    let mut plan = RestApiPlan {
        name: policy.api.name.clone(),
        description: policy.api.description.clone(),
        stage: policy.api.stage.clone(),
        uses_lambda: all_methods()
            .any(|m| m.integration == Integration::Lambda && m.backend.is_none()),
        uses_http: all_methods().any(|m| m.integration == Integration::Http && m.backend.is_none()),
        backends: super::backends::inputs(policy),
        uses_cognito: authorized_by(Authorizer::Cognito),
        uses_custom: authorized_by(Authorizer::Custom),
        resources,
        paths,
        gateway_responses,
        content_hash: String::new(),
        environments: None,
    };
    plan.content_hash = super::content_hash::of_rest(&mut plan);
    plan
}

fn header(name: &str, value: &str) -> Header {
    Header::fixed(name, value)
}

/// Whether Access-Control-Allow-Origin depends on the request's Origin.
pub fn origin_varies(cors: &Cors) -> bool {
    !cors.allows_any_origin()
        && (cors.allow_origins.len() > 1
            || cors
                .allow_origins
                .iter()
                .any(|o| matches!(o, Origin::Pattern { .. })))
}

/// Allow-Origin (static part), then Vary when the value depends on the Origin.
fn origin_headers(cors: &Cors, out: &mut Vec<Header>) {
    if cors.allows_any_origin() {
        out.push(header("Access-Control-Allow-Origin", "*"));
    } else if let Some(first) = cors.exact_origins().next() {
        out.push(header("Access-Control-Allow-Origin", first));
    }
}

fn origin_template(cors: &Cors) -> Option<String> {
    origin_varies(cors).then(|| vtl::origin_override(&cors.allow_origins))
}

fn echo_origins(cors: &Cors) -> Vec<Origin> {
    if origin_varies(cors) {
        cors.allow_origins.clone()
    } else {
        vec![]
    }
}

/// The preflight: what OPTIONS on a path answers.
fn preflight(cors: &Cors) -> CorsResponse {
    let mut headers = Vec::new();
    origin_headers(cors, &mut headers);
    if !cors.allow_methods.is_empty() {
        headers.push(header(
            "Access-Control-Allow-Methods",
            &cors.allow_methods.join(","),
        ));
    }
    if !cors.allow_headers.is_empty() {
        headers.push(header(
            "Access-Control-Allow-Headers",
            &cors.allow_headers.join(","),
        ));
    }
    if cors.allow_credentials {
        headers.push(header("Access-Control-Allow-Credentials", "true"));
    }
    if let Some(age) = cors.max_age {
        headers.push(header("Access-Control-Max-Age", &age.to_string()));
    }
    if origin_varies(cors) {
        headers.push(header("Vary", "Origin"));
    }
    let template = origin_template(cors);
    CorsResponse {
        status: cors.preflight_status,
        headers,
        template,
        echo_origins: echo_origins(cors),
        env: None,
    }
}

/// An actual response API Gateway produces (MOCK routes).
fn actual(cors: &Cors) -> CorsResponse {
    let mut headers = Vec::new();
    origin_headers(cors, &mut headers);
    if cors.allow_credentials {
        headers.push(header("Access-Control-Allow-Credentials", "true"));
    }
    if !cors.expose_headers.is_empty() {
        headers.push(header(
            "Access-Control-Expose-Headers",
            &cors.expose_headers.join(","),
        ));
    }
    if origin_varies(cors) {
        headers.push(header("Vary", "Origin"));
    }
    CorsResponse {
        status: 200,
        headers,
        template: origin_template(cors),
        echo_origins: echo_origins(cors),
        env: None,
    }
}

/// Gateway responses: no VTL, so one static origin or an unchecked reflection.
fn gateway_headers(cors: &Cors, origin: GatewayOrigin) -> Vec<Header> {
    let mut headers = Vec::new();
    let reflect = origin == GatewayOrigin::Reflect && !cors.allows_any_origin();
    if reflect {
        headers.push(Header {
            name: "Access-Control-Allow-Origin".into(),
            value: HeaderValue::RequestOrigin,
        });
    } else {
        origin_headers(cors, &mut headers);
    }
    if headers.is_empty() {
        return headers;
    }
    if cors.allow_credentials {
        headers.push(header("Access-Control-Allow-Credentials", "true"));
    }
    if !cors.expose_headers.is_empty() {
        headers.push(header(
            "Access-Control-Expose-Headers",
            &cors.expose_headers.join(","),
        ));
    }
    if reflect {
        headers.push(header("Vary", "Origin"));
    }
    headers
}
