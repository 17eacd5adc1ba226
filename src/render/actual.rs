//! Each REST path's *actual* response: the CORS headers API Gateway adds to a
//! response of a non-proxy method of that path (what the plan's MOCK routes
//! answer with), for every path, MOCK route or not. The CDK modules give it to
//! the app's own non-proxy methods on the policy's paths (issue 27: an app's
//! own MOCK, AWS or HTTP method answered with no CORS headers), so they need
//! it on paths that have no MOCK route too, where the plan has none.
//!
//! It is made from what the plan already holds, as the plan makes a MOCK
//! route's response (derive/rest_api.rs `actual`): the path's preflight
//! headers Allow-Origin, Allow-Credentials and Vary and its origin-echo
//! template, with the path's `expose_headers` (read from the policy: the
//! plan's preflight carries none) before Vary. A test checks that it equals
//! the plan's MOCK response on every path that has one.

use crate::derive::environments::EnvResponse;
use crate::derive::header::Header;
use crate::derive::rest_api::CorsResponse;
use crate::model::Policy;
use serde::Serialize;

/// The status of an actual response, as the plan's MOCK routes answer.
const STATUS: u16 = 200;
const ALLOW_ORIGIN: &str = "Access-Control-Allow-Origin";
const ALLOW_CREDENTIALS: &str = "Access-Control-Allow-Credentials";
const EXPOSE_HEADERS: &str = "Access-Control-Expose-Headers";
const VARY: &str = "Vary";

/// A path's actual response as the templates read it (`p.actual`): the shape
/// of a plan response (`status`, `headers`, `template`), and with
/// `[environments]` each environment's own headers and template
/// (`environments`, found by `name`; `headers` is then their union, the
/// headers a method response declares).
#[derive(Debug, Clone, Serialize)]
pub struct Actual {
    pub status: u16,
    pub headers: Vec<Header>,
    pub template: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub environments: Vec<EnvActual>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnvActual {
    pub name: String,
    pub headers: Vec<Header>,
    pub template: Option<String>,
}

/// The actual headers of a path whose preflight sends `preflight` and whose
/// CORS exposes `expose`: Allow-Origin, Allow-Credentials, Expose-Headers,
/// Vary, in that order (the order of the plan's MOCK responses).
pub fn headers(preflight: &[Header], expose: &[String]) -> Vec<Header> {
    let named = |name: &str| preflight.iter().find(|h| h.name == name).cloned();
    let mut out: Vec<Header> = [ALLOW_ORIGIN, ALLOW_CREDENTIALS]
        .iter()
        .filter_map(|n| named(n))
        .collect();
    if !expose.is_empty() {
        out.push(Header::fixed(EXPOSE_HEADERS, &expose.join(",")));
    }
    out.extend(named(VARY));
    out
}

/// The `expose_headers` of each path of `policy`, in plan order (the plan
/// has one path per group of `Policy::paths`, in that order).
pub fn expose_per_path(policy: &Policy) -> Vec<Vec<String>> {
    policy
        .paths()
        .iter()
        .map(|g| g.cors.expose_headers.clone())
        .collect()
}

/// What [`Actual`] is made from, per path: the expose headers of the policy
/// and of each environment (`(name, per path)`).
pub struct Sources {
    pub expose: Vec<Vec<String>>,
    pub environments: Vec<(String, Vec<Vec<String>>)>,
}

impl Sources {
    pub fn of(policy: &Policy) -> Self {
        Sources {
            expose: expose_per_path(policy),
            environments: policy
                .environments
                .iter()
                .map(|e| (e.name.clone(), expose_per_path(&e.policy)))
                .collect(),
        }
    }

    /// Path `index`'s actual response without environments.
    pub fn plain(&self, index: usize, preflight: &CorsResponse) -> Actual {
        let none = Vec::new();
        let expose = self.expose.get(index).unwrap_or(&none);
        Actual {
            status: STATUS,
            headers: headers(&preflight.headers, expose),
            template: preflight.template.clone(),
            environments: vec![],
        }
    }

    /// Path `index`'s actual response with environments: each environment's
    /// from its own preflight (`preflights`, by environment, in
    /// `environments` order), `headers` their union.
    pub fn per_environment(&self, index: usize, preflights: &[Option<&EnvResponse>]) -> Actual {
        let none = Vec::new();
        let mut environments = Vec::new();
        let mut union: Vec<Header> = Vec::new();
        for ((name, expose), preflight) in self.environments.iter().zip(preflights) {
            let expose = expose.get(index).unwrap_or(&none);
            let (hs, template) = match preflight {
                Some(p) => (headers(&p.headers, expose), p.template.clone()),
                None => (vec![], None),
            };
            for h in &hs {
                if !union.iter().any(|u| u.name == h.name) {
                    union.push(h.clone());
                }
            }
            environments.push(EnvActual {
                name: name.clone(),
                headers: hs,
                template,
            });
        }
        Actual {
            status: STATUS,
            headers: union,
            template: environments.iter().find_map(|e| e.template.clone()),
            environments,
        }
    }
}
