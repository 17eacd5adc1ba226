//! `probe`: check a deployed API against its policy with real requests, the
//! curl checks every CORS guide recommends, done for every route and origin.
//!
//! The library side is pure and network-free: [`plan`] says which requests to
//! send (safe methods only) and what each must get back, [`judge`] compares
//! one received response with that expectation ([`compare`] for headers,
//! [`misconfig`] for the classic origin-check mistakes), and [`report`] renders
//! the results. The CLI (`cli::probe`) owns the HTTP client and the exit code.

pub mod compare;
pub mod misconfig;
pub mod origins;
pub mod plan;
pub mod report;

use crate::browser::Response;
use compare::Difference;
use misconfig::Misconfiguration;
use plan::{Check, Kind};
use serde::Serialize;

/// What one response showed, against its check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// The status received.
    pub status: u16,
    /// The status the policy expects, when it is compared (preflights).
    pub want_status: Option<u16>,
    /// A 3xx answer: its `Location` (probe does not follow redirects, and a
    /// browser fails a redirected preflight). Headers are not compared then.
    pub redirect: Option<String>,
    pub differences: Vec<Difference>,
    pub misconfiguration: Option<Misconfiguration>,
    /// Who answers per the policy, for the expectation compared.
    pub compared_with: String,
    /// The route's authorizer refused the request (no credentials are sent),
    /// so the gateway's error response was compared.
    pub authorizer_refused: bool,
}

impl Verdict {
    pub fn ok(&self) -> bool {
        self.redirect.is_none()
            && self.want_status.is_none_or(|w| w == self.status)
            && self.differences.is_empty()
            && self.misconfiguration.is_none()
    }
}

/// Compare what came back for `check` with what the policy says.
pub fn judge(check: &Check, got: &Response) -> Verdict {
    let refused = matches!(got.status, 401 | 403) && check.want_if_refused.is_some();
    let (want, source) = match (&check.want_if_refused, refused) {
        (Some((r, s)), true) => (r, s),
        _ => (&check.want, &check.want_source),
    };
    let preflight = check.kind == Kind::Preflight;
    let redirect = (300..400).contains(&got.status).then(|| {
        compare::combined(got, "location").unwrap_or_else(|| "(no Location header)".into())
    });
    let (differences, misconfiguration) = if redirect.is_some() {
        (vec![], None)
    } else {
        (
            compare::differences(preflight, want, got),
            misconfig::detect(&check.origin, want, got),
        )
    };
    Verdict {
        status: got.status,
        want_status: preflight.then_some(want.status),
        redirect,
        differences,
        misconfiguration,
        compared_with: source.clone(),
        authorizer_refused: refused,
    }
}

#[cfg(test)]
mod tests {
    use super::origins::{ProbeOrigin, Role};
    use super::plan::SafeMethod;
    use super::*;

    fn resp(status: u16, h: &[(&str, &str)]) -> Response {
        Response {
            status,
            headers: h
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        }
    }

    fn check(kind: Kind, want: Response, refused: Option<Response>) -> Check {
        Check {
            route: Some("/a".into()),
            path: "/a".into(),
            kind,
            method: if kind == Kind::Preflight {
                SafeMethod::Options
            } else {
                SafeMethod::Get
            },
            request_method: None,
            request_headers: vec![],
            origin: ProbeOrigin {
                value: "https://app.example.com".into(),
                role: Role::Allowed,
            },
            want,
            want_source: "the model".into(),
            want_if_refused: refused.map(|r| (r, "the authorizer's error".into())),
        }
    }

    const GRANT: (&str, &str) = ("Access-Control-Allow-Origin", "https://app.example.com");

    #[test]
    fn preflight_status_is_compared_and_actual_status_is_not() {
        let c = check(Kind::Preflight, resp(204, &[GRANT]), None);
        assert!(judge(&c, &resp(204, &[GRANT])).ok());
        let v = judge(&c, &resp(200, &[GRANT]));
        assert!(!v.ok());
        assert_eq!(v.want_status, Some(204));
        let a = check(Kind::Actual, resp(200, &[GRANT]), None);
        assert!(judge(&a, &resp(500, &[GRANT])).ok());
    }

    #[test]
    fn redirects_are_findings_not_followed() {
        let c = check(Kind::Actual, resp(200, &[GRANT]), None);
        let v = judge(
            &c,
            &resp(301, &[("Location", "https://elsewhere.example/a")]),
        );
        assert!(!v.ok());
        assert_eq!(v.redirect.as_deref(), Some("https://elsewhere.example/a"));
        assert!(v.differences.is_empty());
    }

    #[test]
    fn an_authorizer_refusal_is_compared_with_the_gateway_error() {
        let error = resp(401, &[GRANT, ("Access-Control-Allow-Credentials", "true")]);
        let c = check(Kind::Actual, resp(200, &[GRANT]), Some(error));
        let v = judge(&c, &resp(401, &[GRANT]));
        assert!(v.authorizer_refused);
        assert_eq!(v.compared_with, "the authorizer's error");
        assert_eq!(v.differences.len(), 1, "{v:?}");
        assert!(judge(&c, &resp(200, &[GRANT])).ok());
        let open = check(Kind::Actual, resp(200, &[GRANT]), None);
        assert!(
            !judge(&open, &resp(403, &[])).authorizer_refused,
            "a route without an authorizer"
        );
    }
}
