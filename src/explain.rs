//! `explain`: would the browser allow this request against what `build`
//! deploys, and if not, why and what to change in the policy. It runs the
//! browser model ([`crate::browser`]) on the responses the deployment gives
//! ([`crate::answer`]) for the preflight, the actual response and an error
//! response of API Gateway itself, and maps each block to a policy change.

use crate::answer::{self, Answer};
use crate::browser::{self, Block, Request};
use crate::model::{Policy, Service};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Stage {
    pub name: &'static str,
    /// False only for a preflight the browser does not send.
    pub sent: bool,
    pub source: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// `None` when the browser lets script read the response.
    pub blocked: Option<String>,
    /// Spec says blocked, Chromium still allows it today (with a deprecation warning).
    pub chromium_allows_today: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub origin: String,
    pub method: String,
    pub path: String,
    pub route: Option<String>,
    pub credentials: bool,
    pub preflight_reasons: Vec<String>,
    pub stages: Vec<Stage>,
    /// The preflight (when sent) and the actual response both pass.
    pub allowed: bool,
    /// Response headers script may read beyond the safelisted ones.
    pub readable_headers: Vec<String>,
    pub fixes: Vec<String>,
}

/// The path to try when none is given: the first route serving the method,
/// parameters filled with a sample value.
pub fn default_path(policy: &Policy, method: &str) -> String {
    let route = policy
        .routes
        .iter()
        .find(|r| r.methods.iter().any(|m| m == method || m == "ANY"))
        .or(policy.routes.first());
    route.map_or_else(|| "/".into(), |r| r.path.sample("example"))
}

fn stage(
    name: &'static str,
    sent: bool,
    a: &Answer,
    verdict: Result<(), Block>,
) -> (Stage, Option<Block>) {
    let block = verdict.err();
    (
        Stage {
            name,
            sent,
            source: a.source.clone(),
            status: a.response.status,
            headers: a.response.headers.clone(),
            blocked: block.as_ref().map(|b| b.to_string()),
            chromium_allows_today: block.as_ref().is_some_and(Block::chromium_allows_today),
        },
        block,
    )
}

pub fn explain(policy: &Policy, req: &Request, path: &str) -> Report {
    explain_in(&answer::Deployment::new(policy.clone()), req, path)
}

/// [`explain`] against a deployment built once: building one costs time in
/// the number of routes, so callers explaining many requests of one policy
/// (the matrix, serve's page) build it once rather than per request.
pub fn explain_in(deployment: &answer::Deployment, req: &Request, path: &str) -> Report {
    let ex = deployment.exchange(req, path);
    let reasons = browser::preflight_reasons(req);
    let needs_preflight = !reasons.is_empty();

    let (pre, pre_block) = if needs_preflight {
        stage(
            "preflight",
            true,
            &ex.preflight,
            browser::preflight_check(req, &ex.preflight.response),
        )
    } else {
        stage("preflight", false, &ex.preflight, Ok(()))
    };
    let (act, act_block) = stage(
        "actual response",
        true,
        &ex.actual,
        browser::cors_check(req, &ex.actual.response),
    );
    let (err, err_block) = stage(
        "error response",
        true,
        &ex.error,
        browser::cors_check(req, &ex.error.response),
    );

    let spec_allowed = pre_block.is_none() && act_block.is_none();
    let mut fixes = Vec::new();
    for (where_, block) in [
        ("preflight", &pre_block),
        ("actual response", &act_block),
        ("error response", &err_block),
    ] {
        if let Some(b) = block {
            let fix = match answer::services::addressed(&deployment.policy, path) {
                Some(service) => {
                    let inherits =
                        service.cors.allow_origins == deployment.policy.cors.allow_origins;
                    service_fix(service, inherits, req, where_, b)
                }
                None => fix_for(&deployment.policy, req, path, where_, b, ex.route.is_some()),
            };
            if !fixes.contains(&fix) {
                fixes.push(fix);
            }
        }
    }
    let readable_headers = if act_block.is_none() {
        browser::exposed_headers(req, &ex.actual.response)
    } else {
        vec![]
    };
    Report {
        origin: req.origin.clone(),
        method: req.method.clone(),
        path: path.to_string(),
        route: ex.route,
        credentials: req.credentials,
        preflight_reasons: reasons,
        stages: vec![pre, act, err],
        allowed: spec_allowed,
        readable_headers,
        fixes,
    }
}

fn origin_allowed(policy: &Policy, origin: &str) -> bool {
    policy.cors.allow_origins.iter().any(|o| o.matches(origin))
}

fn fix_for(
    policy: &Policy,
    req: &Request,
    path: &str,
    where_: &str,
    block: &Block,
    routed: bool,
) -> String {
    let origin = &req.origin;
    match block {
        Block::PreflightStatus(_) if !routed => format!("add a [[routes]] entry whose path matches {path}"),
        Block::PreflightStatus(s) => format!("the preflight answered {s}; make sure no authorizer or API key guards OPTIONS on {path}"),
        Block::NoAllowOrigin | Block::OriginMismatch { .. } if !origin_allowed(policy, origin) => {
            format!("add \"{origin}\" to [cors] allow_origins (or a pattern such as \"https://*.example.com\" on REST APIs)")
        }
        Block::NoAllowOrigin | Block::OriginMismatch { .. } if where_ == "error response" => {
            "API Gateway's own errors can carry only one static origin: list the most used origin first, or set [gateway_responses] origin = \"reflect\" (without credentials)".into()
        }
        Block::NoAllowOrigin | Block::OriginMismatch { .. } if where_ == "actual response" => {
            format!("the backend must send Access-Control-Allow-Origin: {origin}; use `corsform build --target lambda-node` or `lambda-python` in the function")
        }
        Block::NoAllowOrigin | Block::OriginMismatch { .. } | Block::SeveralOrigins(_) => {
            format!("make sure {} is routed and deployed from this policy", req.method)
        }
        Block::WildcardWithCredentials => "list the exact origins in [cors] allow_origins instead of \"*\" (credentials need them)".into(),
        Block::CredentialsNotTrue(_) => "set [cors] allow_credentials = true (or send the request without credentials)".into(),
        Block::MethodNotAllowed(m) if *m != m.to_ascii_uppercase() => format!(
            "send the method as \"{}\": fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT, so \"{m}\" goes out as written",
            m.to_ascii_uppercase()
        ),
        Block::MethodNotAllowed(m) => format!("add \"{m}\" to [cors] allow_methods"),
        Block::HeaderNotAllowed(h) => format!("add \"{h}\" to [cors] allow_headers"),
        Block::AuthorizationNotCoveredByWildcard => "add \"authorization\" to [cors] allow_headers: `*` never covers it".into(),
    }
}

/// A block on a bucket or function URL: the change goes in its own table
/// (its origins, credentials and max age come from [cors] unless set there).
fn service_fix(
    service: &Service,
    inherits_origins: bool,
    req: &Request,
    where_: &str,
    block: &Block,
) -> String {
    let table = format!("[{}.{}]", service.kind.table(), service.name);
    let cors = &service.cors;
    let origin = &req.origin;
    // The service decides on origin, method and headers together (S3 refuses
    // the preflight outright), so the first of them it lacks is the fix.
    if !cors.allows_any_origin() && !cors.allow_origins.iter().any(|o| o.matches(origin)) {
        return if inherits_origins {
            format!(
                "add \"{origin}\" to [cors] allow_origins, which {table} inherits (or give {table} allow_origins of its own)"
            )
        } else {
            format!("add \"{origin}\" to {table} allow_origins")
        };
    }
    if !cors
        .allow_methods
        .iter()
        .any(|m| *m == req.method || m == "*")
    {
        return format!("add \"{}\" to {table} methods", req.method);
    }
    let missing: Vec<&str> = req
        .headers
        .iter()
        .map(|(h, _)| h.as_str())
        .filter(|h| !cors.allow_headers.iter().any(|a| a == h || a == "*"))
        .collect();
    if !missing.is_empty() {
        return format!(
            "add {} to {table} allow_headers",
            crate::validate::quoted(&missing)
        );
    }
    match block {
        Block::WildcardWithCredentials => format!(
            "list the exact origins in {table} allow_origins instead of \"*\" (credentials need them)"
        ),
        Block::CredentialsNotTrue(_) => format!(
            "set allow_credentials = true in {table} (or send the request without credentials)"
        ),
        Block::AuthorizationNotCoveredByWildcard => {
            format!("add \"authorization\" to {table} allow_headers: `*` never covers it")
        }
        other => format!(
            "the {} blocks the {where_} ({other}): check {table}",
            service.kind.label()
        ),
    }
}

/// Who answers the request: API Gateway, or the bucket's or function URL's service.
fn answerer(r: &Report) -> &'static str {
    match r.route.as_deref() {
        Some(a) if a.starts_with("bucket:") => "S3",
        Some(a) if a.starts_with("function_url:") => "Lambda",
        _ => "API Gateway",
    }
}

/// The human rendering.
pub fn human(policy_name: &str, r: &Report) -> String {
    let mut out = String::new();
    let creds = if r.credentials {
        " with credentials"
    } else {
        ""
    };
    out.push_str(&format!(
        "{} {} from {}{creds}, against {policy_name}\n",
        r.method, r.path, r.origin
    ));
    out.push_str(&format!(
        "route: {}\n",
        r.route.as_deref().unwrap_or("none matches")
    ));
    for (i, s) in r.stages.iter().enumerate() {
        out.push('\n');
        if s.name == "preflight" && !s.sent {
            out.push_str(&format!(
                "{}. preflight: not sent (a simple request: safelisted method and headers)\n",
                i + 1
            ));
            continue;
        }
        if s.name == "preflight" {
            out.push_str(&format!(
                "{}. preflight: sent because {}\n",
                i + 1,
                r.preflight_reasons.join("; ")
            ));
        } else if s.name == "error response" {
            out.push_str(&format!(
                "{}. error response (what the page gets when {} itself fails the request)\n",
                i + 1,
                answerer(r)
            ));
        } else {
            out.push_str(&format!("{}. actual response\n", i + 1));
        }
        out.push_str(&format!(
            "   answered by {}\n   status {}\n",
            s.source, s.status
        ));
        if s.headers.is_empty() {
            out.push_str("   (no CORS headers)\n");
        }
        for (n, v) in &s.headers {
            out.push_str(&format!("   {n}: {v}\n"));
        }
        match &s.blocked {
            None => out.push_str("   browser: allowed\n"),
            Some(why) if s.chromium_allows_today => {
                out.push_str(&format!("   browser: blocked by the Fetch standard: {why}\n   (Chromium still allows it today and logs a deprecation warning)\n"))
            }
            Some(why) => out.push_str(&format!("   browser: blocked: {why}\n")),
        }
    }
    out.push('\n');
    if r.allowed {
        out.push_str("verdict: allowed");
        if !r.readable_headers.is_empty() {
            out.push_str(&format!(
                " (script may also read: {})",
                r.readable_headers.join(", ")
            ));
        }
        out.push('\n');
        if r.stages[2].blocked.is_some() {
            out.push_str(&format!(
                "note: error responses from {} itself would reach the page as a CORS error\n",
                answerer(r)
            ));
        }
    } else {
        let first = r
            .stages
            .iter()
            .find(|s| s.blocked.is_some() && s.name != "error response")
            .expect("blocked");
        out.push_str(&format!(
            "verdict: BLOCKED at the {}: {}\n",
            first.name,
            first.blocked.as_deref().unwrap_or("")
        ));
    }
    for f in &r.fixes {
        out.push_str(&format!("fix: {f}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Block, Request, default_path, fix_for};

    const POLICY: &str = "version = 1\n[api]\nname = \"t\"\ntype = \"rest\"\n[cors]\nallow_origins = [\"https://a.example\"]\n[[routes]]\npath = \"/a\"\nmethods = [\"GET\"]\n";

    #[test]
    fn each_block_gets_the_fix_for_where_it_happened() {
        let (policy, diags) = crate::check(&crate::diagnostic::SourceFile::new(
            "p.toml",
            POLICY.to_string(),
        ));
        let policy = policy.unwrap_or_else(|| panic!("{diags:?}"));
        let req = |origin: &str| Request {
            origin: origin.to_string(),
            method: "GET".into(),
            headers: vec![],
            credentials: false,
        };
        let (listed, other) = (req("https://a.example"), req("https://b.example"));
        let fix = |r: &Request, where_: &str, b: &Block, routed: bool| {
            fix_for(&policy, r, "/a", where_, b, routed)
        };
        let status = Block::PreflightStatus(403);
        assert!(fix(&listed, "preflight", &status, false).contains("add a [[routes]] entry"));
        assert!(fix(&listed, "preflight", &status, true).contains("authorizer or API key"));
        let none = Block::NoAllowOrigin;
        // An origin the policy does not list: the fix is to list it, wherever it failed.
        assert!(fix(&other, "error response", &none, true).contains("to [cors] allow_origins"));
        // A listed origin: the fix depends on which response lacked it.
        let error = fix(&listed, "error response", &none, true);
        assert!(error.contains("API Gateway's own errors"), "{error}");
        let actual = fix(&listed, "actual response", &none, true);
        assert!(actual.contains("the backend must send"), "{actual}");
        let preflight = fix(&listed, "preflight", &none, true);
        assert!(preflight.contains("is routed and deployed"), "{preflight}");
    }

    #[test]
    fn the_default_path_is_the_first_route_serving_the_method() {
        let text = "version = 1\n[api]\nname = \"t\"\ntype = \"rest\"\n[cors]\nallow_origins = [\"https://a.example\"]\n\
                    [[routes]]\npath = \"/a\"\nmethods = [\"GET\"]\n\
                    [[routes]]\npath = \"/b/{id}\"\nmethods = [\"POST\"]\n\
                    [[routes]]\npath = \"/c\"\nmethods = [\"ANY\"]\n";
        let (policy, diags) = crate::check(&crate::diagnostic::SourceFile::new(
            "p.toml",
            text.to_string(),
        ));
        let policy = policy.unwrap_or_else(|| panic!("{diags:?}"));
        assert_eq!(default_path(&policy, "GET"), "/a");
        assert_eq!(default_path(&policy, "POST"), "/b/example");
        // Only the ANY route serves DELETE.
        assert_eq!(default_path(&policy, "DELETE"), "/c");
    }
}
