//! HTTP API (API Gateway v2) plan. With `owner = "gateway"` API Gateway owns
//! CORS: `cors_configuration` carries the policy's values, the service answers
//! preflights itself (no OPTIONS routes needed) and replaces CORS headers from
//! integrations (docs: http-api-cors). With `owner = "lambda"` there is no
//! cors_configuration and every path gets an unauthorized OPTIONS route to its
//! backend, which answers preflights itself.

use super::ids::IdAllocator;
use crate::model::{Authorization, Integration, Owner, Policy};
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
}

/// `cors_configuration` / `CorsConfiguration`: exactly the policy's values.
#[derive(Debug, Clone, Serialize)]
pub struct CorsConfiguration {
    pub allow_origins: Vec<String>,
    pub allow_methods: Vec<String>,
    pub allow_headers: Vec<String>,
    pub expose_headers: Vec<String>,
    pub allow_credentials: bool,
    pub max_age: Option<i64>,
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
    /// `lambda` or `http`: which integration the route targets.
    pub integration: &'static str,
    /// NONE, AWS_IAM, JWT or CUSTOM.
    pub authorization_type: &'static str,
    /// `jwt` or `custom` when an authorizer is attached.
    pub authorizer: Option<&'static str>,
}

pub fn plan(policy: &Policy) -> HttpApiPlan {
    let cors = (policy.cors.owner == Owner::Gateway).then(|| CorsConfiguration {
        allow_origins: policy.cors.origin_strings(),
        allow_methods: policy.cors.allow_methods.clone(),
        allow_headers: policy.cors.allow_headers.clone(),
        expose_headers: policy.cors.expose_headers.clone(),
        allow_credentials: policy.cors.allow_credentials,
        max_age: policy.cors.max_age,
    });

    let mut ids = IdAllocator::default();
    let mut routes = Vec::new();
    for r in &policy.routes {
        for m in &r.methods {
            routes.push(route(
                &mut ids,
                m,
                &r.path.text,
                &r.path.slug(),
                r.integration,
                r.authorization,
            ));
        }
    }
    if policy.cors.owner == Owner::Lambda {
        // Preflights must reach the function without an authorizer in the way.
        for r in &policy.routes {
            let shape = r.path.shape();
            let answered = policy.routes.iter().any(|o| {
                o.path.shape() == shape
                    && o.authorization == Authorization::None
                    && o.methods.iter().any(|m| m == "OPTIONS" || m == "ANY")
            });
            let already = routes
                .iter()
                .any(|x: &HttpRoute| x.method == "OPTIONS" && x.path == r.path.text);
            if !answered && !already {
                routes.push(route(
                    &mut ids,
                    "OPTIONS",
                    &r.path.text,
                    &r.path.slug(),
                    r.integration,
                    Authorization::None,
                ));
            }
        }
    }

    let has = |f: &dyn Fn(&HttpRoute) -> bool| routes.iter().any(f);
    HttpApiPlan {
        name: policy.api.name.clone(),
        description: policy.api.description.clone(),
        stage: policy.api.stage.clone(),
        uses_lambda: has(&|r| r.integration == "lambda"),
        uses_http: has(&|r| r.integration == "http"),
        uses_jwt: has(&|r| r.authorizer == Some("jwt")),
        uses_custom: has(&|r| r.authorizer == Some("custom")),
        uses_iam: has(&|r| r.authorization_type == "AWS_IAM"),
        cors,
        paths: group_by_path(&routes),
        routes,
    }
}

fn group_by_path(routes: &[HttpRoute]) -> Vec<PathGroup> {
    let mut groups: Vec<PathGroup> = Vec::new();
    for r in routes {
        match groups.iter_mut().find(|g| g.path == r.path) {
            Some(g) => g.routes.push(r.clone()),
            None => groups.push(PathGroup {
                path: r.path.clone(),
                routes: vec![r.clone()],
            }),
        }
    }
    groups
}

fn route(
    ids: &mut IdAllocator,
    method: &str,
    path: &str,
    slug: &str,
    integration: Integration,
    auth: Authorization,
) -> HttpRoute {
    let (authorization_type, authorizer) = match auth {
        Authorization::None => ("NONE", None),
        Authorization::Iam => ("AWS_IAM", None),
        Authorization::Jwt => ("JWT", Some("jwt")),
        Authorization::Custom => ("CUSTOM", Some("custom")),
        // Refused by validation on HTTP APIs.
        Authorization::Cognito => unreachable!("cognito is refused on HTTP APIs by validation"),
    };
    HttpRoute {
        id: ids.take(&format!("{}_{slug}", method.to_ascii_lowercase())),
        method: method.to_string(),
        path: path.to_string(),
        route_key: format!("{method} {path}"),
        integration: match integration {
            Integration::Http => "http",
            // MOCK is refused on HTTP APIs by validation; lambda is the default.
            _ => "lambda",
        },
        authorization_type,
        authorizer,
    }
}
