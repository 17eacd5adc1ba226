//! Lambda helper plan: what a proxy function must send itself. With proxy
//! integrations API Gateway adds no CORS headers to actual responses (REST), or
//! the policy hands CORS to the function (`owner = "lambda"` on an HTTP API), so
//! the generated helper answers preflights and decorates every response,
//! errors included, exactly as the gateway would: the same origins, patterns
//! (the same anchored, escaped regex as the REST VTL; it means the same in
//! JavaScript and Python), credentials, Vary, Expose-Headers and Max-Age.

use super::vtl::pattern_regex;
use crate::model::{Cors, Origin, Policy};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct LambdaPlan {
    pub name: String,
    /// The API-wide rule.
    pub default: Rule,
    /// Per-path rules (REST `[routes.cors]`), matched on the route's resource path.
    pub routes: Vec<PathRule>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PathRule {
    pub path: String,
    pub rule: Rule,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    pub any_origin: bool,
    pub origins: Vec<String>,
    /// Anchored regexes, one DNS label in place of `*`.
    pub patterns: Vec<String>,
    pub allow_methods: Vec<String>,
    pub allow_headers: Vec<String>,
    pub expose_headers: Vec<String>,
    pub allow_credentials: bool,
    pub max_age: Option<i64>,
    pub preflight_status: u16,
    /// Allow-Origin depends on the request's Origin: send `Vary: Origin`.
    pub vary: bool,
}

pub fn plan(policy: &Policy) -> LambdaPlan {
    let mut routes: Vec<PathRule> = Vec::new();
    for r in &policy.routes {
        if let Some(c) = &r.cors_override
            && !routes.iter().any(|p| p.path == r.path.text)
        {
            routes.push(PathRule {
                path: r.path.text.clone(),
                rule: rule(c),
            });
        }
    }
    LambdaPlan {
        name: policy.api.name.clone(),
        default: rule(&policy.cors),
        routes,
    }
}

fn rule(c: &Cors) -> Rule {
    Rule {
        any_origin: c.allows_any_origin(),
        origins: c.exact_origins().map(String::from).collect(),
        patterns: c
            .allow_origins
            .iter()
            .filter_map(|o| match o {
                Origin::Pattern { scheme, suffix, .. } => Some(pattern_regex(scheme, suffix)),
                _ => None,
            })
            .collect(),
        allow_methods: c.allow_methods.clone(),
        allow_headers: c.allow_headers.clone(),
        expose_headers: c.expose_headers.clone(),
        allow_credentials: c.allow_credentials,
        max_age: c.max_age,
        preflight_status: c.preflight_status,
        vary: super::rest_api::origin_varies(c),
    }
}
