//! Which response a finding came from: API Gateway's own error (a gateway
//! response: no route, no such method, an IAM or authorizer refusal,
//! throttling), the preflight, or the backend. A policy says who should
//! answer; this reads who did, from what API Gateway's own errors look like,
//! so a 403 for a method that was never deployed is not blamed on a backend.
//!
//! The signs, each documented by AWS ("Gateway response types for API
//! Gateway", "API Gateway authentication token errors" in the knowledge
//! center): every gateway response carries `x-amzn-ErrorType` (REST APIs:
//! `MissingAuthenticationTokenException`, `AccessDeniedException`,
//! `UnauthorizedException`, ...); a missing resource or method answers 403
//! with the body `{"message":"Missing Authentication Token"}`; an HTTP API
//! answers its own 404/401/403/5xx with a `{"message":"Not Found"}`-style
//! body beside an `apigw-requestid` header.

use super::Received;
use super::plan::Kind;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum AnsweredBy {
    /// API Gateway answered itself; `evidence` says how that was told.
    GatewayError { evidence: String },
    /// The preflight's answer (an OPTIONS method, a CORS configuration or a backend's OPTIONS route).
    Preflight,
    /// The route's integration (a backend, or a MOCK integration).
    Backend,
}

impl AnsweredBy {
    pub fn describe(&self) -> String {
        match self {
            AnsweredBy::GatewayError { evidence } => {
                format!("API Gateway's own error response ({evidence})")
            }
            AnsweredBy::Preflight => "the preflight response".into(),
            AnsweredBy::Backend => "the backend (the route's integration)".into(),
        }
    }
}

/// Bodies API Gateway's HTTP APIs send with their own errors.
const HTTP_API_MESSAGES: &[&str] = &[
    "Not Found",
    "Unauthorized",
    "Forbidden",
    "Internal Server Error",
    "Service Unavailable",
    "Too Many Requests",
];

/// `{"message":"..."}` and nothing else: the message.
fn lone_message(body: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body.trim()).ok()?;
    let obj = v.as_object()?;
    (obj.len() == 1)
        .then(|| obj.get("message")?.as_str().map(String::from))
        .flatten()
}

/// Who produced `got`, for a check of `kind`.
pub fn answered_by(kind: Kind, got: &Received) -> AnsweredBy {
    let r = &got.response;
    if let Some(t) = r.get("x-amzn-errortype") {
        return AnsweredBy::GatewayError {
            evidence: format!("x-amzn-ErrorType: {}", t.trim()),
        };
    }
    if got.body.contains("MissingAuthenticationTokenException") {
        return AnsweredBy::GatewayError {
            evidence: "MissingAuthenticationTokenException in the body".into(),
        };
    }
    if r.status >= 400 {
        match lone_message(&got.body) {
            Some(m) if m == "Missing Authentication Token" => {
                return AnsweredBy::GatewayError {
                    evidence: format!(
                        "{} {{\"message\":\"{m}\"}}: no such resource or method",
                        r.status
                    ),
                };
            }
            Some(m)
                if HTTP_API_MESSAGES.contains(&m.as_str())
                    && r.get("apigw-requestid").is_some() =>
            {
                return AnsweredBy::GatewayError {
                    evidence: format!("{} {{\"message\":\"{m}\"}} with apigw-requestid", r.status),
                };
            }
            _ => {}
        }
    }
    match kind {
        Kind::Preflight => AnsweredBy::Preflight,
        Kind::Actual | Kind::NoRoute => AnsweredBy::Backend,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::browser::Response;

    fn got(status: u16, h: &[(&str, &str)], body: &str) -> Received {
        Received {
            response: Response::from_pairs(status, h),
            body: body.into(),
            header_bytes: 0,
        }
    }

    #[test]
    fn gateway_errors_are_told_by_their_header_or_body() {
        let e = answered_by(
            Kind::Actual,
            &got(
                403,
                &[("x-amzn-ErrorType", "MissingAuthenticationTokenException")],
                "",
            ),
        );
        assert!(
            matches!(&e, AnsweredBy::GatewayError { evidence } if evidence.contains("MissingAuthenticationTokenException"))
        );
        let body = answered_by(
            Kind::Preflight,
            &got(403, &[], r#"{"message":"Missing Authentication Token"}"#),
        );
        assert!(matches!(body, AnsweredBy::GatewayError { .. }), "{body:?}");
        let http = got(
            404,
            &[("apigw-requestid", "x")],
            r#"{"message":"Not Found"}"#,
        );
        assert!(matches!(
            answered_by(Kind::NoRoute, &http),
            AnsweredBy::GatewayError { .. }
        ));
    }

    #[test]
    fn anything_else_is_the_preflight_or_the_backend() {
        let backend_404 = got(404, &[], r#"{"message":"Not Found"}"#);
        assert_eq!(answered_by(Kind::Actual, &backend_404), AnsweredBy::Backend);
        let ok = got(200, &[], r#"{"message":"Missing Authentication Token"}"#);
        assert_eq!(
            answered_by(Kind::Actual, &ok),
            AnsweredBy::Backend,
            "a 200 is never the gateway's error"
        );
        assert_eq!(
            answered_by(Kind::Preflight, &got(204, &[], "")),
            AnsweredBy::Preflight
        );
    }
}
