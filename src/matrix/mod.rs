//! `explain --matrix` (DESIGN.md, Commands; issue 32): every route and method
//! of a policy against every origin that matters at once, each cell explain's
//! own verdict ([`crate::explain::explain`]) on the preflight, the actual
//! response and an error response of API Gateway. One model, three views:
//! a terminal table ([`table`]), JSON (this model, serialized) and one
//! self-contained HTML page ([`html`]).
//!
//! Columns: each allowed origin (a pattern as a sample host), one refused
//! lookalike of each (the classic origin-check mistakes: a suffix after an
//! exact origin, a parent domain before a pattern) and `null` (sandboxed
//! frames, `file:` pages). Rows: each route and method (`ANY` expanded as API
//! Gateway expands it, OPTIONS left out: it is the preflight), then each
//! bucket and function URL's methods, addressed as `bucket:NAME`.

pub mod html;
pub mod table;

use crate::answer::Deployment;
use crate::browser::Request;
use crate::explain::{Report, explain_in};
use crate::model::{Origin, Policy};
use serde::Serialize;

/// A column: the origin a page would have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    pub origin: String,
    /// `allowed` (by some route of the policy), `lookalike` or `null`.
    pub kind: &'static str,
    /// For a lookalike: the allowed origin it imitates; for a pattern's
    /// sample: the pattern.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub of: Option<String>,
}

/// The browser's verdict on one response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Allowed,
    Blocked,
}

/// One request: a route's method from one origin.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub route: String,
    pub method: String,
    pub origin: String,
    /// The request path sent (the route's parameters filled in).
    pub path: String,
    /// False when the browser sends no preflight (a simple request); its
    /// verdict is then `allowed`: nothing stops the request there.
    pub preflight_sent: bool,
    pub preflight: Verdict,
    pub actual: Verdict,
    pub error: Verdict,
    /// The whole request: the preflight (when sent) and the actual response.
    pub allowed: bool,
    #[serde(skip)]
    pub report: Report,
}

/// The matrix: columns, then rows of cells in column order.
#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    /// The environment it answers for, when the policy has several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    pub credentials: bool,
    pub headers: Vec<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

/// The matrix of `policy` for requests with `headers` and `credentials`.
pub fn matrix(
    policy: &Policy,
    headers: &[(String, Option<String>)],
    credentials: bool,
    environment: Option<&str>,
) -> Matrix {
    matrix_in(
        &Deployment::new(policy.clone()),
        headers,
        credentials,
        environment,
    )
}

/// [`matrix`] of a deployment already built (serve's): one deployment answers
/// every cell, which keeps a large policy's matrix linear in its cells.
pub fn matrix_in(
    deployment: &Deployment,
    headers: &[(String, Option<String>)],
    credentials: bool,
    environment: Option<&str>,
) -> Matrix {
    let policy = &deployment.policy;
    let columns = columns(policy);
    // Each request to `path` from every column, as one row.
    let row = |target: &str, path: &str, method: &str| -> Vec<Cell> {
        columns
            .iter()
            .map(|c| {
                let req = Request {
                    origin: c.origin.clone(),
                    method: method.to_string(),
                    headers: headers.to_vec(),
                    credentials,
                };
                cell(target, path, explain_in(deployment, &req, path))
            })
            .collect()
    };
    let mut rows = Vec::new();
    for route in &policy.routes {
        let path = route.path.sample("example");
        for method in route_methods(&route.methods) {
            rows.push(row(&route.path.text, &path, &method));
        }
    }
    // Buckets and function URLs are rows too, addressed as explain's --path
    // takes them; `*` in a function URL's methods is every method.
    for service in &policy.services {
        let address = service.address();
        let path = format!("{address}/example");
        let methods: Vec<String> = if service.cors.allow_methods.iter().any(|m| m == "*") {
            route_methods(&["ANY".to_string()])
        } else {
            route_methods(&service.cors.allow_methods)
        };
        for method in methods {
            rows.push(row(&address, &path, &method));
        }
    }
    Matrix {
        environment: environment.map(str::to_string),
        credentials,
        headers: headers.iter().map(|(h, _)| h.clone()).collect(),
        columns,
        rows,
    }
}

/// `ANY` as API Gateway serves it (lint's default allow_methods expands it
/// the same way); OPTIONS is the preflight, not a row.
fn route_methods(methods: &[String]) -> Vec<String> {
    crate::validate::cors::union_of_route_methods(methods.iter())
        .into_iter()
        .filter(|m| m != "OPTIONS")
        .collect()
}

/// The cell of a route's request from explain's report on it (serve's try-it
/// column builds its cells for the page's origin with it).
pub fn cell_of(route: &str, path: &str, report: Report) -> Cell {
    cell(route, path, report)
}

fn cell(route: &str, path: &str, report: Report) -> Cell {
    let verdict = |i: usize| match report.stages.get(i).and_then(|s| s.blocked.as_ref()) {
        Some(_) => Verdict::Blocked,
        None => Verdict::Allowed,
    };
    Cell {
        route: route.to_string(),
        method: report.method.clone(),
        origin: report.origin.clone(),
        path: path.to_string(),
        preflight_sent: report.stages.first().is_some_and(|s| s.sent),
        preflight: verdict(0),
        actual: verdict(1),
        error: verdict(2),
        allowed: report.allowed,
        report,
    }
}

/// The allowed origins of every route (`[cors]` first), a lookalike of each,
/// and `null`; each origin once.
fn columns(policy: &Policy) -> Vec<Column> {
    let mut allowed: Vec<&Origin> = policy.cors.allow_origins.iter().collect();
    let overrides = policy
        .routes
        .iter()
        .filter_map(|r| r.cors_override.as_ref());
    let services = policy.services.iter().map(|s| &s.cors);
    for c in overrides.chain(services) {
        for o in &c.allow_origins {
            if !allowed.contains(&o) {
                allowed.push(o);
            }
        }
    }
    let mut out: Vec<Column> = Vec::new();
    let mut push = |c: Column| {
        if !out.iter().any(|x| x.origin == c.origin) {
            out.push(c);
        }
    };
    let mut lookalikes = Vec::new();
    for o in &allowed {
        let (origin, of) = match o {
            Origin::Any => (
                "https://any-site.example".to_string(),
                Some("*".to_string()),
            ),
            Origin::Exact(s) => (s.clone(), None),
            Origin::Pattern {
                text,
                scheme,
                suffix,
            } => (
                crate::probe::origins::pattern_sample(scheme, suffix),
                Some(text.clone()),
            ),
        };
        push(Column {
            origin,
            kind: "allowed",
            of,
        });
        if let Some(l) = crate::probe::origins::lookalike(o) {
            lookalikes.push(Column {
                origin: l,
                kind: "lookalike",
                of: Some(o.as_str().to_string()),
            });
        }
    }
    lookalikes.into_iter().for_each(&mut push);
    push(Column {
        origin: "null".into(),
        kind: "null",
        of: None,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::SourceFile;
    use crate::explain::explain;

    fn policy(text: &str) -> Policy {
        crate::check(&SourceFile::new("p.toml", text.to_string()))
            .0
            .expect("valid policy")
    }

    #[test]
    fn every_cell_is_explains_verdict() {
        let p = policy(
            r#"version = 1
[api]
name = "shop"
type = "rest"
[cors]
allow_origins = ["https://app.example.com", "https://*.preview.example.com"]
allow_headers = ["content-type"]
[[routes]]
path = "/orders/{id}"
methods = ["GET", "DELETE"]
[[routes]]
path = "/any"
methods = ["ANY"]
integration = "mock"
"#,
        );
        let m = matrix(&p, &[], false, None);
        let origins: Vec<&str> = m.columns.iter().map(|c| c.origin.as_str()).collect();
        assert_eq!(origins[0], "https://app.example.com");
        assert!(origins[1].ends_with(".preview.example.com"));
        assert_eq!(
            m.columns.iter().filter(|c| c.kind == "lookalike").count(),
            2
        );
        assert_eq!(*origins.last().unwrap(), "null");
        // GET, DELETE, then ANY's six (OPTIONS is the preflight).
        assert_eq!(m.rows.len(), 2 + 6);
        for row in &m.rows {
            for (c, col) in row.iter().zip(&m.columns) {
                let req = Request {
                    origin: col.origin.clone(),
                    method: c.method.clone(),
                    headers: vec![],
                    credentials: false,
                };
                let r = explain(&p, &req, &c.path);
                assert_eq!(c.allowed, r.allowed, "{} {} {}", c.method, c.path, c.origin);
                assert_eq!(
                    c.allowed,
                    col.kind == "allowed",
                    "{} {} {}",
                    c.method,
                    c.path,
                    c.origin
                );
            }
        }
        let delete = &m.rows[1][0];
        assert!(delete.preflight_sent && delete.preflight == Verdict::Allowed);
        let get = &m.rows[0][0];
        assert!(!get.preflight_sent);
    }
}
