//! HTTP API (API Gateway v2) plan. With `owner = "gateway"` API Gateway owns
//! CORS: `cors_configuration` carries the policy's values, the service answers
//! preflights itself (no OPTIONS routes needed) and replaces CORS headers from
//! integrations (docs: http-api-cors). With `owner = "lambda"` there is no
//! cors_configuration and every path gets an unauthorized OPTIONS route to its
//! backend, which answers preflights itself.

use super::backends::BackendInput;
use super::ids::IdAllocator;
use super::wiring::{Authorization, Authorizer, Integration};
use crate::model::{self, ApiType, Origin, Owner, Policy};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct HttpApiPlan {
    pub name: String,
    pub description: Option<String>,
    pub stage: String,
    /// `None` when the backend owns CORS.
    pub cors: Option<CorsConfiguration>,
    pub routes: Vec<HttpRoute>,
    /// The routes grouped by path, in first-appearance order (OpenAPI's `paths`).
    pub paths: Vec<PathGroup>,
    pub uses_lambda: bool,
    pub uses_http: bool,
    pub uses_jwt: bool,
    pub uses_custom: bool,
    pub uses_iam: bool,
    /// `[backends]`, one integration each; `uses_lambda`/`uses_http` above
    /// stand only for the single backend of a policy without `[backends]`.
    pub backends: Vec<BackendInput>,
    /// `[environments]`: every environment's values (derive/environments.rs);
    /// absent without environments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environments: Option<super::environments::Environments>,
}

/// `cors_configuration` / `CorsConfiguration`: exactly the policy's values.
#[derive(Debug, Clone, Serialize)]
pub struct CorsConfiguration {
    /// Serialized as the policy's strings; `*` or exact origins (validation
    /// refuses subdomain patterns on HTTP APIs).
    pub allow_origins: Vec<Origin>,
    pub allow_methods: Vec<String>,
    pub allow_headers: Vec<String>,
    pub expose_headers: Vec<String>,
    pub allow_credentials: bool,
    pub max_age: Option<i64>,
}

impl CorsConfiguration {
    /// The Access-Control-Allow-Origin API Gateway sends for a request from
    /// `origin`: `*` when configured, the origin when listed, else none.
    pub fn allowed_origin(&self, origin: &str) -> Option<String> {
        if self.allow_origins.contains(&Origin::Any) {
            return Some("*".into());
        }
        (!origin.is_empty() && self.allow_origins.iter().any(|o| o.matches(origin)))
            .then(|| origin.to_string())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PathGroup {
    pub path: String,
    pub routes: Vec<HttpRoute>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HttpRoute {
    /// snake_case id, unique in the plan: `get_items_id`.
    pub id: String,
    pub method: String,
    pub path: String,
    /// `GET /items/{id}`.
    pub route_key: String,
    /// Lambda or HTTP proxy (validation refuses MOCK on HTTP APIs).
    pub integration: Integration,
    pub authorization: Authorization,
    /// The `[backends]` name whose integration this route targets; `None`
    /// without `[backends]`.
    pub backend: Option<String>,
}

pub fn plan(policy: &Policy) -> HttpApiPlan {
    let cors = (policy.cors.owner == Owner::Gateway).then(|| CorsConfiguration {
        allow_origins: policy.cors.allow_origins.clone(),
        allow_methods: policy.cors.allow_methods.clone(),
        allow_headers: policy.cors.allow_headers.clone(),
        expose_headers: policy.cors.expose_headers.clone(),
        allow_credentials: policy.cors.allow_credentials,
        max_age: policy.cors.max_age,
    });

    let mut ids = IdAllocator::default();
    let mut routes = Vec::new();
    let groups = policy.paths();
    for r in &policy.routes {
        let auth = Authorization::from_model(r.authorization, ApiType::Http)
            .expect("validation refuses cognito authorization on HTTP APIs");
        for m in &r.methods {
            routes.push(route(
                &mut ids,
                m,
                &r.path,
                r.integration,
                auth,
                r.backend.clone(),
            ));
        }
    }
    if policy.cors.owner == Owner::Lambda {
        // Preflights must reach the function without an authorizer in the way.
        for g in &groups {
            let shape = g.path.shape();
            let answered = policy.routes.iter().any(|o| {
                o.path.shape() == shape
                    && o.authorization == model::Authorization::None
                    && o.methods.iter().any(|m| m == "OPTIONS" || m == "ANY")
            });
            let declared = routes
                .iter()
                .any(|x| x.method == "OPTIONS" && x.path == g.path.text);
            if !answered && !declared {
                let integration = g.routes[0].integration;
                routes.push(route(
                    &mut ids,
                    "OPTIONS",
                    g.path,
                    integration,
                    Authorization::None,
                    g.routes[0].backend.clone(),
                ));
            }
        }
    }

    let has = |f: &dyn Fn(&HttpRoute) -> bool| routes.iter().any(f);
    let authorized_by = |a: Authorizer| has(&|r| r.authorization.authorizer() == Some(a));
    HttpApiPlan {
        name: policy.api.name.clone(),
        description: policy.api.description.clone(),
        stage: policy.api.stage.clone(),
        uses_lambda: has(&|r| r.integration == Integration::Lambda && r.backend.is_none()),
        uses_http: has(&|r| r.integration == Integration::Http && r.backend.is_none()),
        backends: super::backends::inputs(policy),
        uses_jwt: authorized_by(Authorizer::Jwt),
        uses_custom: authorized_by(Authorizer::Custom),
        uses_iam: has(&|r| r.authorization == Authorization::Iam),
        cors,
        paths: group_by_path(&routes),
        routes,
        environments: None,
    }
}

fn group_by_path(routes: &[HttpRoute]) -> Vec<PathGroup> {
    let mut groups: Vec<PathGroup> = Vec::new();
    // Path -> index in `groups`: linear in the routes, not quadratic.
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for r in routes {
        match index.get(r.path.as_str()) {
            Some(&i) => groups[i].routes.push(r.clone()),
            None => {
                index.insert(&r.path, groups.len());
                groups.push(PathGroup {
                    path: r.path.clone(),
                    routes: vec![r.clone()],
                });
            }
        }
    }
    groups
}

fn route(
    ids: &mut IdAllocator,
    method: &str,
    path: &model::ApiPath,
    integration: model::Integration,
    authorization: Authorization,
    backend: Option<String>,
) -> HttpRoute {
    HttpRoute {
        id: ids.take(&format!("{}_{}", method.to_ascii_lowercase(), path.slug())),
        method: method.to_string(),
        path: path.text.clone(),
        route_key: format!("{method} {}", path.text),
        integration: match integration {
            model::Integration::Http => Integration::Http,
            // MOCK is refused on HTTP APIs by validation; lambda is the default.
            _ => Integration::Lambda,
        },
        authorization,
        backend,
    }
}
