//! Stage 2's output: the validated, normalised, target-neutral policy. Every
//! string here has been checked (origins parsed, header names lower-cased and
//! de-duplicated, methods upper-cased, max_age in seconds, defaults filled in),
//! so the per-target derivations and the renderers never re-validate.

mod backend;
mod environment;
pub mod origin;
mod path;
mod service;

pub use backend::{Backend, BackendType};
pub use environment::Environment;
pub use origin::Origin;
pub use path::{ApiPath, Segment};
pub use service::{CLOUDFRONT_CACHE_KEY_HEADERS, Cloudfront, Service, ServiceKind};

use serde::Serialize;

/// API Gateway's gateway response types (API Gateway developer guide,
/// "Gateway response types").
pub const GATEWAY_RESPONSE_TYPES: &[&str] = &[
    "DEFAULT_4XX",
    "DEFAULT_5XX",
    "ACCESS_DENIED",
    "API_CONFIGURATION_ERROR",
    "AUTHORIZER_CONFIGURATION_ERROR",
    "AUTHORIZER_FAILURE",
    "BAD_REQUEST_PARAMETERS",
    "BAD_REQUEST_BODY",
    "EXPIRED_TOKEN",
    "INTEGRATION_FAILURE",
    "INTEGRATION_TIMEOUT",
    "INVALID_API_KEY",
    "INVALID_SIGNATURE",
    "MISSING_AUTHENTICATION_TOKEN",
    "QUOTA_EXCEEDED",
    "REQUEST_TOO_LARGE",
    "RESOURCE_NOT_FOUND",
    "THROTTLED",
    "UNAUTHORIZED",
    "UNSUPPORTED_MEDIA_TYPE",
    "WAF_FILTERED",
];

/// The methods API Gateway routes, in the order `ANY` expands to.
pub const METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiType {
    Rest,
    Http,
}

impl ApiType {
    /// As policies spell it, and as template folders are named.
    pub fn name(self) -> &'static str {
        match self {
            ApiType::Rest => "rest",
            ApiType::Http => "http",
        }
    }

    /// As people call it.
    pub fn label(self) -> &'static str {
        match self {
            ApiType::Rest => "REST",
            ApiType::Http => "HTTP",
        }
    }
}

/// What corsform creates (docs/design.md "Scope"): the whole API, or only the CORS
/// layer (preflights, gateway responses) of an API defined elsewhere, whose
/// own methods answer the actual requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Api,
    Cors,
}

impl Scope {
    /// As policies spell it.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Api => "api",
            Scope::Cors => "cors",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Api {
    pub name: String,
    pub api_type: ApiType,
    pub description: Option<String>,
    pub stage: String,
    pub scope: Scope,
    /// `[api] openapi`: the team's document, relative to the policy file.
    pub openapi: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Owner {
    Gateway,
    Lambda,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cors {
    pub allow_origins: Vec<Origin>,
    /// Upper case, de-duplicated; may hold `*`.
    pub allow_methods: Vec<String>,
    /// Lower case, de-duplicated, in the user's order; may hold `*`.
    pub allow_headers: Vec<String>,
    pub expose_headers: Vec<String>,
    pub allow_credentials: bool,
    /// Seconds; `None` sends no Max-Age (browsers then cache for 5 s).
    pub max_age: Option<i64>,
    /// REST preflight status: 204 or 200.
    pub preflight_status: u16,
    pub owner: Owner,
}

impl Cors {
    /// The exact origins, in the user's order (patterns and `*` left out).
    pub fn exact_origins(&self) -> impl Iterator<Item = &str> {
        self.allow_origins.iter().filter_map(|o| match o {
            Origin::Exact(s) => Some(s.as_str()),
            _ => None,
        })
    }

    pub fn allows_any_origin(&self) -> bool {
        self.allow_origins.iter().any(|o| matches!(o, Origin::Any))
    }

    /// The origins as strings, as a gateway's list-valued setting takes them.
    pub fn origin_strings(&self) -> Vec<String> {
        self.allow_origins
            .iter()
            .map(|o| o.as_str().to_string())
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GatewayOrigin {
    First,
    Reflect,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GatewayResponses {
    pub types: Vec<String>,
    pub origin: GatewayOrigin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Integration {
    Lambda,
    Http,
    Mock,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Authorization {
    None,
    Iam,
    Jwt,
    Cognito,
    Custom,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Route {
    pub path: ApiPath,
    /// Upper case, de-duplicated; `["ANY"]` stays `ANY`.
    pub methods: Vec<String>,
    pub integration: Integration,
    pub authorization: Authorization,
    /// REST only: the effective CORS of this route's path when `[routes.cors]`
    /// overrides the API's (the override merged over `[cors]`).
    pub cors_override: Option<Cors>,
    /// The `[backends]` name serving this route; `None` without `[backends]`
    /// and on mock routes.
    pub backend: Option<String>,
}

impl Route {
    /// The CORS this route's path answers with.
    pub fn cors<'a>(&'a self, api: &'a Cors) -> &'a Cors {
        self.cors_override.as_ref().unwrap_or(api)
    }
}

/// The routes declared on one path. A path has one preflight, so one CORS
/// setting (CF0409 refuses routes on one path that differ).
#[derive(Debug, Clone)]
pub struct PathRoutes<'a> {
    pub path: &'a ApiPath,
    pub cors: &'a Cors,
    /// In policy order.
    pub routes: Vec<&'a Route>,
}

impl PathRoutes<'_> {
    /// The route serving `method`: the one that lists it, else an `ANY` route.
    pub fn route_for(&self, method: &str) -> Option<&Route> {
        let has = |m: &str| {
            self.routes
                .iter()
                .copied()
                .find(|r| r.methods.iter().any(|x| x == m))
        };
        has(method).or_else(|| has("ANY"))
    }
}

/// A validated policy, ready for any target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// The policy file's name as the user gave it (it goes into the generated marker).
    pub source_name: String,
    pub api: Api,
    pub cors: Cors,
    /// REST only; `None` on HTTP APIs.
    pub gateway_responses: Option<GatewayResponses>,
    pub routes: Vec<Route>,
    /// `[backends]` in name order; empty without `[backends]`.
    pub backends: Vec<Backend>,
    /// `[environments]` in name order; empty without `[environments]`. When
    /// present, the fields above are the first environment's.
    pub environments: Vec<Environment>,
    /// `[cloudfront]`: the API is served through a distribution.
    pub cloudfront: Option<Cloudfront>,
    /// `[buckets]` then `[function_urls]`, each in name order.
    pub services: Vec<Service>,
}

impl Policy {
    /// The policy as environment `name` sees it; `None` when there is no such
    /// environment. A policy without environments is its own only view.
    pub fn environment(&self, name: &str) -> Option<&Policy> {
        self.environments
            .iter()
            .find(|e| e.name == name)
            .map(|e| &e.policy)
    }

    pub fn environment_names(&self) -> Vec<&str> {
        self.environments.iter().map(|e| e.name.as_str()).collect()
    }

    /// The bucket or function URL that `address` names (`bucket:uploads`,
    /// `function_url:thumbs`; a bare name when it is unique).
    pub fn service(&self, address: &str) -> Option<&Service> {
        self.services
            .iter()
            .find(|s| s.address() == address)
            .or_else(|| {
                let mut named = self.services.iter().filter(|s| s.name == address);
                let first = named.next();
                first.filter(|_| named.next().is_none())
            })
    }

    /// The services of one kind, in name order.
    pub fn services_of(&self, kind: ServiceKind) -> impl Iterator<Item = &Service> {
        self.services.iter().filter(move |s| s.kind == kind)
    }

    /// The backend named `name`.
    pub fn backend(&self, name: &str) -> Option<&Backend> {
        self.backends.iter().find(|b| b.name == name)
    }

    /// The routes grouped by path, paths in first-appearance order: the one
    /// grouping every plan and the answer evaluation use.
    pub fn paths(&self) -> Vec<PathRoutes<'_>> {
        let mut out: Vec<PathRoutes<'_>> = Vec::new();
        // Path text -> index in `out`: grouping stays linear in the routes.
        let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for r in &self.routes {
            match index.get(r.path.text.as_str()) {
                Some(&i) => out[i].routes.push(r),
                None => {
                    index.insert(&r.path.text, out.len());
                    out.push(PathRoutes {
                        path: &r.path,
                        cors: r.cors(&self.cors),
                        routes: vec![r],
                    });
                }
            }
        }
        out
    }

    /// The path API Gateway would route the concrete `path` to: the most
    /// specific matching template (the first written, among equals).
    /// Only that path's group is built: explain asks this once per request,
    /// and `explain --matrix` of a 200-route policy asks it 2,000 times
    /// (grouping every path each time made the matrix quadratic in clones).
    pub fn path_for(&self, path: &str) -> Option<PathRoutes<'_>> {
        let parts = path::request_parts(path);
        let mut best: Option<&Route> = None;
        for r in &self.routes {
            if best.is_some_and(|b| b.path.text == r.path.text) {
                continue;
            }
            if r.path.matches_parts(&parts)
                && best.is_none_or(|b| r.path.specificity() > b.path.specificity())
            {
                best = Some(r);
            }
        }
        // `best` is its path's first route: a later one of the same text was skipped.
        let first = best?;
        Some(PathRoutes {
            path: &first.path,
            cors: first.cors(&self.cors),
            routes: self
                .routes
                .iter()
                .filter(|r| r.path.text == first.path.text)
                .collect(),
        })
    }
}
