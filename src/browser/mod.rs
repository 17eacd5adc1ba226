//! The browser's side of CORS, after the Fetch standard (fetch.spec.whatwg.org):
//! when a request needs a preflight (§4.1 main fetch, "CORS-preflight flag";
//! §2.2.2 CORS-safelisted method; §2.2.2 CORS-safelisted request-header and
//! "CORS-unsafe request-header names"), the CORS check of a response (§4.10),
//! the CORS-preflight fetch's checks of Allow-Methods and Allow-Headers (§4.8,
//! with `*` as a wildcard only without credentials and `Authorization` never
//! covered by it), and which response headers script may read (§2.2.2
//! CORS-safelisted response-header name, Access-Control-Expose-Headers).
//!
//! Chromium (as of 156) deviates in one place: it lets `Authorization` through
//! a `*` Allow-Headers without credentials and logs a deprecation warning.
//! [`Block::AuthorizationNotCoveredByWildcard`] reports the spec's verdict and
//! [`Block::chromium_allows_today`] says what Chromium does now.

use std::fmt;

/// A request as a page would make it with `fetch()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The page's serialized origin.
    pub origin: String,
    pub method: String,
    /// Author request headers: lower-case name and, when known, value.
    pub headers: Vec<(String, Option<String>)>,
    /// `credentials: "include"`.
    pub credentials: bool,
}

/// Response headers as received: names compared case-insensitively.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
}

impl Response {
    /// A response from literal `(name, value)` pairs.
    pub fn from_pairs(status: u16, headers: &[(&str, &str)]) -> Self {
        Response {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub const SAFELISTED_METHODS: &[&str] = &["GET", "HEAD", "POST"];

/// Fetch "normalize a method": only DELETE, GET, HEAD, OPTIONS, POST and PUT
/// are upper-cased; `fetch(url, { method: "patch" })` sends `patch`, which a
/// `PATCH` in Access-Control-Allow-Methods does not match.
pub fn normalize_method(method: &str) -> String {
    let upper = method.to_ascii_uppercase();
    if ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"].contains(&upper.as_str()) {
        upper
    } else {
        method.to_string()
    }
}
pub const SAFELISTED_RESPONSE_HEADERS: &[&str] = &[
    "cache-control",
    "content-language",
    "content-length",
    "content-type",
    "expires",
    "last-modified",
    "pragma",
];
const SAFELISTED_CONTENT_TYPES: &[&str] = &[
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "text/plain",
];

/// Why a request header is not CORS-safelisted, or `None` when it is. A header
/// given without a value is judged by its name alone (for Content-Type that
/// means "not one of the three form types").
pub fn unsafe_reason(name: &str, value: Option<&str>) -> Option<String> {
    let v = value.unwrap_or("");
    if v.len() > 128 {
        return Some(format!("`{name}` is longer than 128 bytes"));
    }
    match name {
        "accept" | "accept-language" | "content-language" => None,
        "content-type" => {
            let essence = v
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if SAFELISTED_CONTENT_TYPES.contains(&essence.as_str()) {
                None
            } else if value.is_none() {
                Some("`content-type` other than a form or text/plain type".into())
            } else {
                Some(format!(
                    "`content-type: {v}` is not a form or text/plain type"
                ))
            }
        }
        "range" if is_simple_range(v) => None,
        _ => Some(format!("`{name}` is not a CORS-safelisted request header")),
    }
}

fn is_simple_range(v: &str) -> bool {
    let Some(rest) = v.strip_prefix("bytes=") else {
        return false;
    };
    let Some((a, b)) = rest.split_once('-') else {
        return false;
    };
    !a.is_empty() && a.bytes().all(|c| c.is_ascii_digit()) && b.bytes().all(|c| c.is_ascii_digit())
}

/// The non-safelisted request header names (lower case, sorted, unique), as the
/// preflight's Access-Control-Request-Headers lists them.
pub fn unsafe_header_names(req: &Request) -> Vec<String> {
    let mut names: Vec<String> = req
        .headers
        .iter()
        .filter(|(n, v)| unsafe_reason(n, v.as_deref()).is_some())
        .map(|(n, _)| n.clone())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Why the request needs a preflight; empty when it is a simple request.
pub fn preflight_reasons(req: &Request) -> Vec<String> {
    let mut reasons = Vec::new();
    if !SAFELISTED_METHODS.contains(&req.method.as_str()) {
        reasons.push(format!(
            "{} is not a CORS-safelisted method (GET, HEAD, POST)",
            req.method
        ));
    }
    for (n, v) in &req.headers {
        if let Some(r) = unsafe_reason(n, v.as_deref()) {
            reasons.push(r);
        }
    }
    reasons
}

/// Why the browser refuses a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    PreflightStatus(u16),
    NoAllowOrigin,
    SeveralOrigins(String),
    OriginMismatch { sent: String, expected: String },
    WildcardWithCredentials,
    CredentialsNotTrue(Option<String>),
    MethodNotAllowed(String),
    HeaderNotAllowed(String),
    AuthorizationNotCoveredByWildcard,
}

impl Block {
    /// Chromium still lets this one through (with a deprecation issue).
    pub fn chromium_allows_today(&self) -> bool {
        matches!(self, Block::AuthorizationNotCoveredByWildcard)
    }
}

impl fmt::Display for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Block::PreflightStatus(s) => write!(f, "the preflight answered {s}; it must be 2xx"),
            Block::NoAllowOrigin => write!(f, "no Access-Control-Allow-Origin header"),
            Block::SeveralOrigins(v) => write!(
                f,
                "Access-Control-Allow-Origin holds several values ({v}); it must be one origin"
            ),
            Block::OriginMismatch { sent, expected } => {
                write!(
                    f,
                    "Access-Control-Allow-Origin is {sent}, not the page's origin {expected}"
                )
            }
            Block::WildcardWithCredentials => write!(
                f,
                "Access-Control-Allow-Origin is `*`, which is refused for credentialed requests"
            ),
            Block::CredentialsNotTrue(None) => write!(
                f,
                "credentialed request, but no Access-Control-Allow-Credentials: true"
            ),
            Block::CredentialsNotTrue(Some(v)) => write!(
                f,
                "credentialed request, but Access-Control-Allow-Credentials is {v:?}, not \"true\""
            ),
            Block::MethodNotAllowed(m) => write!(f, "{m} is not in Access-Control-Allow-Methods"),
            Block::HeaderNotAllowed(h) => write!(
                f,
                "request header `{h}` is not in Access-Control-Allow-Headers"
            ),
            Block::AuthorizationNotCoveredByWildcard => {
                write!(
                    f,
                    "`authorization` is never covered by `*` in Access-Control-Allow-Headers"
                )
            }
        }
    }
}

fn list(value: Option<&str>) -> Vec<String> {
    value
        .map(|v| {
            v.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// Fetch §4.10 CORS check, for any response the page reads (preflight included).
pub fn cors_check(req: &Request, resp: &Response) -> Result<(), Block> {
    let Some(origin) = resp.get("access-control-allow-origin") else {
        return Err(Block::NoAllowOrigin);
    };
    if origin.contains(',') {
        return Err(Block::SeveralOrigins(origin.to_string()));
    }
    if origin == "*" {
        return if req.credentials {
            Err(Block::WildcardWithCredentials)
        } else {
            Ok(())
        };
    }
    if origin != req.origin {
        return Err(Block::OriginMismatch {
            sent: origin.to_string(),
            expected: req.origin.clone(),
        });
    }
    if !req.credentials {
        return Ok(());
    }
    match resp.get("access-control-allow-credentials") {
        Some("true") => Ok(()),
        other => Err(Block::CredentialsNotTrue(other.map(String::from))),
    }
}

/// Fetch §4.8: the preflight response's CORS check, status, methods and headers.
/// The spec needs both the CORS check and an ok status; when both fail, the
/// CORS check is named, as the spec lists it first and Chromium's console
/// reports it: tests/browser compares the reasons, and with the status named
/// first 1,296 credentialed preflights to unrouted paths (403, no
/// Allow-Credentials) disagreed with Chromium.
pub fn preflight_check(req: &Request, resp: &Response) -> Result<(), Block> {
    cors_check(req, resp)?;
    if !(200..300).contains(&resp.status) {
        return Err(Block::PreflightStatus(resp.status));
    }
    let methods = list(resp.get("access-control-allow-methods"));
    let wildcard_methods = !req.credentials && methods.iter().any(|m| m == "*");
    if !methods.contains(&req.method)
        && !SAFELISTED_METHODS.contains(&req.method.as_str())
        && !wildcard_methods
    {
        return Err(Block::MethodNotAllowed(req.method.clone()));
    }
    let allowed = list(resp.get("access-control-allow-headers"));
    let wildcard_headers = !req.credentials && allowed.iter().any(|h| h == "*");
    for name in unsafe_header_names(req) {
        if allowed.iter().any(|a| a.eq_ignore_ascii_case(&name)) {
            continue;
        }
        if wildcard_headers {
            if name == "authorization" {
                return Err(Block::AuthorizationNotCoveredByWildcard);
            }
            continue;
        }
        return Err(Block::HeaderNotAllowed(name));
    }
    Ok(())
}

/// Response headers script can read (beyond the safelisted ones).
pub fn exposed_headers(req: &Request, resp: &Response) -> Vec<String> {
    let exposed = list(resp.get("access-control-expose-headers"));
    if !req.credentials && exposed.iter().any(|h| h == "*") {
        return resp
            .headers
            .iter()
            .map(|(n, _)| n.to_ascii_lowercase())
            .collect();
    }
    exposed
        .into_iter()
        .map(|h| h.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: &str, headers: &[&str], credentials: bool) -> Request {
        Request {
            origin: "https://app.example.com".into(),
            method: method.into(),
            headers: headers.iter().map(|h| (h.to_string(), None)).collect(),
            credentials,
        }
    }

    fn resp(h: &[(&str, &str)]) -> Response {
        Response::from_pairs(204, h)
    }

    #[test]
    fn simple_requests_need_no_preflight() {
        assert!(preflight_reasons(&req("GET", &[], true)).is_empty());
        let mut r = req("POST", &[], false);
        r.headers.push((
            "content-type".into(),
            Some("text/plain;charset=utf-8".into()),
        ));
        assert!(preflight_reasons(&r).is_empty());
        assert_eq!(preflight_reasons(&req("PUT", &[], false)).len(), 1);
        assert_eq!(
            preflight_reasons(&req("GET", &["authorization"], false)).len(),
            1
        );
        assert_eq!(
            preflight_reasons(&req("POST", &["content-type"], false)).len(),
            1,
            "name only: assumed JSON"
        );
    }

    #[test]
    fn cors_check_follows_the_spec() {
        let r = req("GET", &[], false);
        assert_eq!(cors_check(&r, &resp(&[])), Err(Block::NoAllowOrigin));
        assert_eq!(
            cors_check(&r, &resp(&[("Access-Control-Allow-Origin", "*")])),
            Ok(())
        );
        assert!(matches!(
            cors_check(
                &r,
                &resp(&[(
                    "access-control-allow-origin",
                    "https://a.example.com, https://app.example.com"
                )])
            ),
            Err(Block::SeveralOrigins(_))
        ));
        let c = req("GET", &[], true);
        assert_eq!(
            cors_check(&c, &resp(&[("Access-Control-Allow-Origin", "*")])),
            Err(Block::WildcardWithCredentials)
        );
        assert_eq!(
            cors_check(
                &c,
                &resp(&[("Access-Control-Allow-Origin", "https://app.example.com")])
            ),
            Err(Block::CredentialsNotTrue(None))
        );
        assert_eq!(
            cors_check(
                &c,
                &resp(&[
                    ("Access-Control-Allow-Origin", "https://app.example.com"),
                    ("Access-Control-Allow-Credentials", "true")
                ])
            ),
            Ok(())
        );
    }

    #[test]
    fn preflight_names_the_cors_check_before_the_status() {
        let mut forbidden = resp(&[("Access-Control-Allow-Origin", "https://app.example.com")]);
        forbidden.status = 403;
        // Credentialed: the missing Allow-Credentials is named, as Chromium does.
        assert_eq!(
            preflight_check(&req("PUT", &[], true), &forbidden),
            Err(Block::CredentialsNotTrue(None))
        );
        // CORS check passes: then the status is what blocks.
        assert_eq!(
            preflight_check(&req("PUT", &[], false), &forbidden),
            Err(Block::PreflightStatus(403))
        );
    }

    #[test]
    fn preflight_wildcards_and_authorization() {
        let star = resp(&[
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Methods", "*"),
            ("Access-Control-Allow-Headers", "*"),
        ]);
        assert_eq!(
            preflight_check(&req("DELETE", &["x-trace"], false), &star),
            Ok(())
        );
        let e = preflight_check(&req("GET", &["authorization"], false), &star).unwrap_err();
        assert_eq!(e, Block::AuthorizationNotCoveredByWildcard);
        assert!(e.chromium_allows_today());
        let exact = resp(&[
            ("Access-Control-Allow-Origin", "https://app.example.com"),
            ("Access-Control-Allow-Credentials", "true"),
            ("Access-Control-Allow-Methods", "*"),
            ("Access-Control-Allow-Headers", "*"),
        ]);
        assert_eq!(
            preflight_check(&req("DELETE", &[], true), &exact),
            Err(Block::MethodNotAllowed("DELETE".into()))
        );
        assert_eq!(
            preflight_check(&req("GET", &["x-trace"], true), &exact),
            Err(Block::HeaderNotAllowed("x-trace".into()))
        );
        let listed = resp(&[
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Methods", "GET,PUT"),
            ("Access-Control-Allow-Headers", "Content-Type"),
        ]);
        assert_eq!(
            preflight_check(&req("PUT", &["content-type"], false), &listed),
            Ok(())
        );
        assert_eq!(
            preflight_check(&req("POST", &[], false), &listed),
            Ok(()),
            "POST is safelisted"
        );
        let mut bad = listed.clone();
        bad.status = 403;
        assert_eq!(
            preflight_check(&req("PUT", &[], false), &bad),
            Err(Block::PreflightStatus(403))
        );
    }
}
