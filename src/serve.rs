//! `serve`: a local stand-in for the deployed gateway. Each request is answered
//! with exactly the CORS headers the deployment sends ([`crate::answer`]):
//! preflights as the gateway (or the function's helper) answers them, actual
//! responses proxied to an upstream or stubbed, and API Gateway's own errors.
//! This module is the pure request -> response step, with no I/O, so it is
//! tested without sockets; the CLI (`src/cli/serve/`) owns the HTTP server,
//! the upstream client and the policy reload.
//!
//! To see what a page gets when API Gateway itself fails a request (an
//! authorizer's 401, say), add `__corsform_error=1` to the query string: the
//! response is the deployment's error response for that path.
//!
//! A bucket or function URL the policy declares is served at its address as
//! a path, `/bucket:uploads/a.jpg` or `/function_url:thumbnails/x`, answered
//! as S3 or Lambda answers ([`crate::answer::services`]); the upstream never
//! sees those requests, since the real ones do not go through the API.

pub mod page;

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
        Some((_, v)) => format!("grants {}", escape_for_log(v)),
        None if origin.is_empty() => "no Origin".into(),
        None => format!("no CORS grant for {}", escape_for_log(origin)),
    }
}

/// Control characters (C0, DEL and C1, which include the terminal's escape
/// introducers ESC and CSI) written as Rust escapes, so a request cannot forge a
/// log line or drive the terminal that shows the log.
pub fn escape_for_log(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() || c == '\\' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// The answer to one request: the deployment's CORS decision, and the body
/// from the backend, the stub, or API Gateway's own error.
pub fn handle(
    deployment: &Deployment,
    req: &HttpRequest,
    backend: Option<&dyn Backend>,
) -> HttpResponse {
    let origin = req.header("origin").unwrap_or("").to_string();
    let path = req.path().to_string();
    let (log_origin, log_path) = (escape_for_log(&origin), escape_for_log(&path));
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
            "OPTIONS {log_path} (preflight for {}) origin={log_origin} -> {} {}",
            escape_for_log(&method),
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
            "{} {log_path} (simulated gateway error) origin={log_origin} -> {} {}",
            escape_for_log(&method),
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
    let backend =
        backend.filter(|_| crate::answer::services::addressed(&deployment.policy, &path).is_none());
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
                // `deployed`: who answers this request once deployed (with
                // scope = "cors", the caller's own method or backend).
                serde_json::json!({ "route": ex.route, "method": method, "path": path, "served_by": "corsform serve (stub)", "deployed": ex.actual.source }),
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
        "{} {log_path} origin={log_origin} -> {status} {}",
        escape_for_log(&method),
        decision(&origin, &a.headers)
    );
    HttpResponse {
        status,
        headers,
        body,
        log,
    }
}

#[cfg(test)]
mod tests {
    use super::escape_for_log;

    #[test]
    fn log_escaping_neutralises_control_characters() {
        assert_eq!(
            escape_for_log("https://a.example\r\nGET / forged"),
            "https://a.example\\r\\nGET / forged"
        );
        assert_eq!(
            escape_for_log("\u{1b}[31mred\u{9b}"),
            "\\u{1b}[31mred\\u{9b}"
        );
        assert_eq!(escape_for_log("caf\u{e9} \\"), "caf\u{e9} \\\\");
    }
}
