//! Lambda helper plan: what a proxy function must send itself. With proxy
//! integrations API Gateway adds no CORS headers to actual responses (REST), or
//! the policy hands CORS to the function (`owner = "lambda"` on an HTTP API), so
//! the generated helper answers preflights and decorates every response,
//! errors included, exactly as the gateway would: the same origins, patterns
//! (the same anchored, escaped regex as the REST VTL; it means the same in
//! JavaScript and Python), credentials, Vary, Expose-Headers and Max-Age.

use super::vtl::pattern_regex;
use crate::model::{Cors, Origin, Policy};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
pub struct LambdaPlan {
    pub name: String,
    /// The API-wide rule.
    pub default: Rule,
    /// Per-path rules (REST `[routes.cors]`), matched on the route's resource path.
    pub routes: Vec<PathRule>,
    /// `[environments]`: each environment's own plan, by name; the helpers
    /// embed them all and pick one from `CORSFORM_ENVIRONMENT`. Absent (and
    /// the fields above used) without environments.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub environments: BTreeMap<String, LambdaPlan>,
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
    /// Subdomain patterns; the helpers receive them as anchored regexes.
    pub patterns: Vec<Pattern>,
    pub allow_methods: Vec<String>,
    pub allow_headers: Vec<String>,
    pub expose_headers: Vec<String>,
    pub allow_credentials: bool,
    pub max_age: Option<i64>,
    pub preflight_status: u16,
    /// Allow-Origin depends on the request's Origin: send `Vary: Origin`.
    pub vary: bool,
}

/// A one-label subdomain pattern. The helpers get it as an anchored regex,
/// one DNS label in place of `*` (the same regex as the REST VTL); `answer`
/// evaluates it with the model's matcher, which means the same (the Node and
/// Python tests and `answer`'s replay of tests/lambda/scenarios.json hold the
/// two to one expectation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern(Origin);

impl Pattern {
    pub fn matches(&self, origin: &str) -> bool {
        self.0.matches(origin)
    }
}

impl Serialize for Pattern {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Origin::Pattern { scheme, suffix, .. } => {
                s.serialize_str(&pattern_regex(scheme, suffix))
            }
            other => s.serialize_str(other.as_str()),
        }
    }
}

impl LambdaPlan {
    /// The rule the helper applies to a route declared on `path` (its
    /// `event.resource` / route key path).
    pub fn rule_for(&self, path: &str) -> &Rule {
        self.routes
            .iter()
            .find(|r| r.path == path)
            .map_or(&self.default, |r| &r.rule)
    }
}

impl Rule {
    /// The Access-Control-Allow-Origin value for a request from `origin`, or
    /// `None` when the origin is not allowed (what the helpers' `allowedOrigin` computes).
    pub fn allowed_origin(&self, origin: &str) -> Option<String> {
        if self.any_origin {
            return Some("*".into());
        }
        let granted = !origin.is_empty()
            && (self.origins.iter().any(|o| o == origin)
                || self.patterns.iter().any(|p| p.matches(origin)));
        granted.then(|| origin.to_string())
    }
}

pub fn plan(policy: &Policy) -> LambdaPlan {
    let routes = policy
        .paths()
        .into_iter()
        .filter(|g| g.routes.iter().any(|r| r.cors_override.is_some()))
        .map(|g| PathRule {
            path: g.path.text.clone(),
            rule: rule(g.cors),
        })
        .collect();
    LambdaPlan {
        name: policy.api.name.clone(),
        default: rule(&policy.cors),
        routes,
        environments: policy
            .environments
            .iter()
            .map(|e| (e.name.clone(), plan(&e.policy)))
            .collect(),
    }
}

fn rule(c: &Cors) -> Rule {
    Rule {
        any_origin: c.allows_any_origin(),
        origins: c.exact_origins().map(String::from).collect(),
        patterns: c
            .allow_origins
            .iter()
            .filter(|o| matches!(o, Origin::Pattern { .. }))
            .cloned()
            .map(Pattern)
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
