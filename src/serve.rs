//! `serve`: a local stand-in for the deployed gateway. Each request is answered
//! with exactly the CORS headers the deployment sends ([`crate::answer`]):
//! preflights as the gateway (or the function's helper) answers them, actual
//! responses proxied to an upstream or stubbed, and API Gateway's own errors.
//! This module is the pure request -> response step; the CLI owns the socket.
//!
//! To see what a page gets when API Gateway itself fails a request (an
//! authorizer's 401, say), add `__corsform_error=1` to the query string: the
//! response is the deployment's error response for that path.

use crate::answer::{Deployment, Exchange};
use crate::browser::Request;

/// A parsed HTTP request.
#[derive(Debug, Clone, Default)]
pub struct HttpRequest {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("/")
    }
    pub fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }
}

#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// One line for the request log: what was answered and the CORS decision.
    pub log: String,
}

/// What the upstream returned, for the actual response.
pub struct Upstream {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// How an actual request reaches the backend when `--upstream` is given.
pub trait Backend {
    fn forward(&self, req: &HttpRequest) -> Result<Upstream, String>;
}

fn is_cors_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("access-control-") || n == "vary"
}

fn json_body(v: serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(&v).expect("JSON serializes")
}

fn decision(origin: &str, headers: &[(String, String)]) -> String {
    match headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("access-control-allow-origin"))
    {
        Some((_, v)) => format!("grants {v}"),
        None if origin.is_empty() => "no Origin".into(),
        None => format!("no CORS grant for {origin}"),
    }
}

pub fn handle(
    deployment: &Deployment,
    req: &HttpRequest,
    backend: Option<&dyn Backend>,
) -> HttpResponse {
    let origin = req.header("origin").unwrap_or("").to_string();
    let path = req.path().to_string();
    let preflight_method = req
        .header("access-control-request-method")
        .filter(|_| req.method == "OPTIONS");
    let method = preflight_method
        .map(crate::browser::normalize_method)
        .unwrap_or_else(|| req.method.clone());
    let breq = Request {
        origin: origin.clone(),
        method: method.clone(),
        headers: req
            .header("access-control-request-headers")
            .map(|h| {
                h.split(',')
                    .map(|s| (s.trim().to_ascii_lowercase(), None))
                    .filter(|(n, _)| !n.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        credentials: false,
    };
    let ex: Exchange = deployment.exchange(&breq, &path);

    if preflight_method.is_some() {
        let r = &ex.preflight.response;
        let log = format!(
            "OPTIONS {path} (preflight for {method}) origin={origin} -> {} {}",
            r.status,
            decision(&origin, &r.headers)
        );
        return HttpResponse {
            status: r.status,
            headers: r.headers.clone(),
            body: vec![],
            log,
        };
    }
    if req
        .query()
        .split('&')
        .any(|kv| kv == "__corsform_error=1" || kv.starts_with("__corsform_error="))
    {
        let r = &ex.error.response;
        let log = format!(
            "{method} {path} (simulated gateway error) origin={origin} -> {} {}",
            r.status,
            decision(&origin, &r.headers)
        );
        let mut headers = r.headers.clone();
        headers.push(("Content-Type".into(), "application/json".into()));
        return HttpResponse {
            status: r.status,
            headers,
            body: json_body(serde_json::json!({ "message": "Unauthorized" })),
            log,
        };
    }

    let a = &ex.actual.response;
    let routed = a.status < 400;
    let (status, mut headers, body) = match (routed, backend) {
        (true, Some(b)) => match b.forward(req) {
            Ok(up) => (
                up.status,
                up.headers
                    .into_iter()
                    .filter(|(n, _)| !is_cors_header(n))
                    .collect(),
                up.body,
            ),
            Err(e) => (
                502,
                vec![("Content-Type".to_string(), "application/json".to_string())],
                json_body(serde_json::json!({ "message": format!("upstream failed: {e}") })),
            ),
        },
        (true, None) => (
            a.status,
            vec![("Content-Type".to_string(), "application/json".to_string())],
            json_body(
                serde_json::json!({ "route": ex.route, "method": method, "path": path, "served_by": "corsform serve (stub)" }),
            ),
        ),
        (false, _) => {
            let message = if a.status == 403 {
                "Missing Authentication Token"
            } else {
                "Not Found"
            };
            (
                a.status,
                vec![("Content-Type".to_string(), "application/json".to_string())],
                json_body(serde_json::json!({ "message": message })),
            )
        }
    };
    headers.extend(a.headers.iter().cloned());
    let log = format!(
        "{method} {path} origin={origin} -> {status} {}",
        decision(&origin, &a.headers)
    );
    HttpResponse {
        status,
        headers,
        body,
        log,
    }
}

/// Parse one HTTP/1.1 request head; `None` when it is malformed.
pub fn parse_head(head: &str) -> Option<HttpRequest> {
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let target = first.next()?.to_string();
    if !first.next()?.starts_with("HTTP/1.") || !target.starts_with('/') {
        return None;
    }
    let mut headers = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let (n, v) = line.split_once(':')?;
        headers.push((n.trim().to_string(), v.trim().to_string()));
    }
    Some(HttpRequest {
        method,
        target,
        headers,
        body: vec![],
    })
}

pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        _ => "",
    }
}
