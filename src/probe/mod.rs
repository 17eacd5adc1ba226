//! `probe`: check a deployed API against its policy with real requests, the
//! curl checks every CORS guide recommends, done for every route and origin,
//! and judged as a browser concludes, not by corsform's way of answering.
//!
//! The library side is pure and network-free: [`plan`] says which requests to
//! send (safe methods only), from which origins ([`origins`]: allowed ones and
//! their lookalikes, each with its role on each route) and what the policy's
//! deployment sends back; [`judge`] runs the browser's checks
//! ([`crate::browser`]) on what came back ([`compare`] names the header at
//! fault, [`misconfig`] the classic origin-check mistakes, [`attribution`]
//! the response that produced it, [`cache`] an answer a shared cache served
//! to the wrong origin), and [`report`] renders the results. The
//! CLI (`cli::probe`) owns the HTTP client, the worker threads and the exit code.

pub mod attribution;
pub mod cache;
pub mod compare;
pub mod html;
pub mod junit;
pub mod misconfig;
pub mod origins;
pub mod plan;
pub mod report;

use crate::browser::{self, Request, Response};
use attribution::AnsweredBy;
use compare::Difference;
use misconfig::Misconfiguration;
use plan::{Check, Kind};
use serde::Serialize;

/// The most header bytes Chromium reads before failing a response with
/// ERR_RESPONSE_HEADERS_TOO_BIG (net/http/http_stream_parser.cc,
/// `kMaxHeaderBufSize`, 256 KiB). A response over it is a finding: no page
/// can read it, whatever its CORS headers say.
pub const BROWSER_HEADER_LIMIT: usize = 256 * 1024;

/// What came back for one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Received {
    pub response: Response,
    /// The start of the body (a few KiB, lossy UTF-8): enough to tell API
    /// Gateway's own errors ([`attribution`]).
    pub body: String,
    /// The size of the status line and header section, in bytes.
    pub header_bytes: usize,
}

/// What one response showed, against its check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// The status received (0 when the response could not be read at all).
    pub status: u16,
    /// The status the policy's deployment sends, on preflights (shown; a
    /// browser only needs a 2xx there, which `status_differs` says).
    pub want_status: Option<u16>,
    /// A preflight the policy lets in came back with a status a browser fails.
    pub status_differs: bool,
    /// A 3xx answer: its `Location` (probe does not follow redirects, and a
    /// browser fails a redirected preflight). Headers are not compared then.
    pub redirect: Option<String>,
    pub differences: Vec<Difference>,
    pub misconfiguration: Option<Misconfiguration>,
    /// A response no browser reads (headers over [`BROWSER_HEADER_LIMIT`], or
    /// a header section probe could not parse), in words.
    pub response_problem: Option<String>,
    /// Who answers, per the policy, for the expectation compared.
    pub compared_with: String,
    /// Who did answer: the response every finding of this check comes from.
    pub answered_by: AnsweredBy,
    /// The route's authorizer refused the request (no credentials are sent),
    /// so the gateway's error response was compared.
    pub authorizer_refused: bool,
    /// No answer came (after the retries), or the request was not sent once
    /// the API had stopped answering: why, in words. Nothing else is judged.
    pub unreachable: Option<String>,
    /// A browser reads this response as letting the origin in (the
    /// deployment's own verdict, whatever the policy says): what probe's
    /// page shows in each cell. False for a redirect, an unreadable response
    /// or no answer. Not in the JSON: `ok` is the finding there.
    #[serde(skip)]
    pub browser_allows: bool,
    /// The Access-Control-Allow-Origin received (its values joined, as a
    /// browser reads them): what [`cache`] compares between origins.
    #[serde(skip)]
    pub allow_origin: Option<String>,
    /// The response says a cache served it: `X-Cache: Hit ...` (CloudFront,
    /// most CDNs) or an `Age` header, in words ([`cache`]).
    #[serde(skip)]
    pub cache_hit: Option<String>,
}

impl Verdict {
    pub fn ok(&self) -> bool {
        self.unreachable.is_none()
            && self.redirect.is_none()
            && !self.status_differs
            && self.differences.is_empty()
            && self.misconfiguration.is_none()
            && self.response_problem.is_none()
    }
}

/// The browser's request for `check`: the preflight's method and headers,
/// credentials as `credentials` says.
fn browser_request(check: &Check, credentials: bool) -> Request {
    Request {
        origin: check.origin.value.clone(),
        method: check
            .request_method
            .clone()
            .unwrap_or_else(|| check.method.as_str().to_string()),
        headers: check
            .request_headers
            .iter()
            .map(|h| (h.clone(), None))
            .collect(),
        credentials,
    }
}

/// The browser's checks for this kind of response.
fn passes(check: &Check, req: &Request, resp: &Response) -> Result<(), browser::Block> {
    let resp = compare::as_browser_reads(resp);
    if check.kind == Kind::Preflight {
        browser::preflight_check(req, &resp)
    } else {
        browser::cors_check(req, &resp)
    }
}

/// Compare what came back for `check` with what a browser concludes the
/// policy allows.
pub fn judge(check: &Check, got: &Received) -> Verdict {
    let resp = &got.response;
    let refused = matches!(resp.status, 401 | 403) && check.want_if_refused.is_some();
    let (want, source) = match (&check.want_if_refused, refused) {
        (Some((r, s)), true) => (Some(r), s),
        _ => (check.want.as_ref(), &check.want_source),
    };
    let preflight = check.kind == Kind::Preflight;
    let mut v = Verdict {
        status: resp.status,
        want_status: if preflight { want.map(|w| w.status) } else { None },
        status_differs: false,
        redirect: None,
        differences: vec![],
        misconfiguration: None,
        response_problem: (got.header_bytes > BROWSER_HEADER_LIMIT).then(|| {
            format!(
                "the response's headers are {} KiB: browsers fail a response with more than {} KiB of headers",
                got.header_bytes.div_ceil(1024),
                BROWSER_HEADER_LIMIT / 1024
            )
        }),
        compared_with: source.clone(),
        answered_by: attribution::answered_by(check.kind, got),
        authorizer_refused: refused,
        unreachable: None,
        browser_allows: false,
        allow_origin: compare::combined(resp, compare::ALLOW_ORIGIN),
        cache_hit: cache::hit(resp),
    };
    if (300..400).contains(&resp.status) {
        v.redirect = Some(
            compare::combined(resp, "location").unwrap_or_else(|| "(no Location header)".into()),
        );
        return v;
    }
    let as_policy = browser_request(check, check.credentials);
    v.browser_allows = v.response_problem.is_none() && passes(check, &as_policy, resp).is_ok();
    let want_grants = want.is_some_and(|w| passes(check, &as_policy, w).is_ok());
    let must_grant = check.allowed && want_grants;
    let may_grant = check.allowed || want_grants;
    if must_grant {
        match passes(check, &as_policy, resp) {
            Err(block) => match compare::blocked(&block, want, resp) {
                Some(d) => v.differences.push(d),
                None => v.status_differs = true,
            },
            Ok(()) => {
                if !preflight
                    && let Some(d) = want.and_then(|w| compare::expose_difference(w, resp))
                {
                    v.differences.push(d);
                }
                if let Some(d) = want.and_then(|w| compare::vary_difference(w, resp)) {
                    v.differences.push(d);
                }
            }
        }
    } else if !may_grant
        && check.want.is_some()
        && passes(check, &browser_request(check, false), resp).is_ok()
    {
        // Without a policy nothing is expected: a public API's `*` is no
        // finding there, only the misconfigurations below are.
        v.differences.push(compare::granted(resp));
    }
    v.misconfiguration = misconfig::detect(check, may_grant, resp);
    v
}

/// The verdict for a response whose header section could not be read.
pub fn unreadable(check: &Check, why: String) -> Verdict {
    Verdict {
        response_problem: Some(why),
        ..unjudged(check)
    }
}

/// The verdict for a check that got no answer (`why`): kept in the report,
/// so the checks answered before the API stopped answering are not lost
/// (issue 28), and never `ok`.
pub fn unanswered(check: &Check, why: String) -> Verdict {
    Verdict {
        unreachable: Some(why),
        ..unjudged(check)
    }
}

/// A verdict with nothing received, for [`unreadable`] and [`unanswered`].
fn unjudged(check: &Check) -> Verdict {
    Verdict {
        status: 0,
        want_status: None,
        status_differs: false,
        redirect: None,
        differences: vec![],
        misconfiguration: None,
        response_problem: None,
        compared_with: check.want_source.clone(),
        answered_by: match check.kind {
            Kind::Preflight => AnsweredBy::Preflight,
            _ => AnsweredBy::Backend,
        },
        authorizer_refused: false,
        unreachable: None,
        browser_allows: false,
        allow_origin: None,
        cache_hit: None,
    }
}

#[cfg(test)]
mod tests {
    use super::origins::{Attack, ProbeOrigin, Role};
    use super::plan::SafeMethod;
    use super::*;

    fn resp(status: u16, h: &[(&str, &str)]) -> Received {
        Received {
            response: Response::from_pairs(status, h),
            ..Received::default()
        }
    }

    fn check(kind: Kind, allowed: bool, want: Received, refused: Option<Received>) -> Check {
        Check {
            route: Some("/a".into()),
            path: "/a".into(),
            kind,
            method: if kind == Kind::Preflight {
                SafeMethod::Options
            } else {
                SafeMethod::Get
            },
            request_method: (kind == Kind::Preflight).then(|| "PUT".into()),
            request_headers: if kind == Kind::Preflight {
                vec!["content-type".into()]
            } else {
                vec![]
            },
            origin: ProbeOrigin {
                value: "https://app.example.com".into(),
                role: Role::Allowed,
            },
            attack: None,
            allowed,
            credentials: true,
            want: Some(want.response),
            want_source: "the model".into(),
            want_if_refused: refused.map(|r| (r.response, "the authorizer's error".into())),
            cache: None,
        }
    }

    const GRANT: (&str, &str) = ("Access-Control-Allow-Origin", "https://app.example.com");
    const CREDS: (&str, &str) = ("Access-Control-Allow-Credentials", "true");
    const METHODS: (&str, &str) = ("Access-Control-Allow-Methods", "GET,PUT");
    const HEADERS: (&str, &str) = ("Access-Control-Allow-Headers", "content-type");

    #[test]
    fn an_allowed_origin_must_get_in_as_a_browser_checks_it() {
        let c = check(
            Kind::Preflight,
            true,
            resp(
                204,
                &[
                    GRANT,
                    CREDS,
                    METHODS,
                    HEADERS,
                    ("Access-Control-Max-Age", "600"),
                ],
            ),
            None,
        );
        let other_way = resp(
            200,
            &[
                GRANT,
                CREDS,
                ("access-control-allow-methods", "PUT"),
                ("access-control-allow-headers", "Content-Type, X-Other"),
            ],
        );
        assert!(
            judge(&c, &other_way).ok(),
            "same effect, other values: no difference"
        );
        let v = judge(&c, &resp(204, &[GRANT, METHODS, HEADERS]));
        assert_eq!(v.differences.len(), 1, "{v:?}");
        assert_eq!(v.differences[0].header, compare::ALLOW_CREDENTIALS);
        let v = judge(
            &c,
            &resp(
                204,
                &[
                    GRANT,
                    CREDS,
                    ("Access-Control-Allow-Methods", "GET"),
                    HEADERS,
                ],
            ),
        );
        assert_eq!(v.differences[0].header, compare::ALLOW_METHODS);
        let v = judge(&c, &resp(403, &[GRANT, CREDS, METHODS, HEADERS]));
        assert!(v.status_differs && !v.ok());
        assert_eq!(v.want_status, Some(204));
    }

    #[test]
    fn a_refused_origin_may_get_nothing_or_another_origin_but_not_itself_or_star() {
        let mut c = check(
            Kind::Actual,
            false,
            resp(
                200,
                &[
                    ("Access-Control-Allow-Origin", "https://first.example.com"),
                    ("Vary", "Origin"),
                ],
            ),
            None,
        );
        c.credentials = false;
        assert!(judge(&c, &resp(403, &[])).ok(), "nothing at all");
        assert!(
            judge(
                &c,
                &resp(
                    200,
                    &[
                        ("Access-Control-Allow-Origin", "https://other.example.com"),
                        ("Access-Control-Allow-Methods", "GET")
                    ]
                )
            )
            .ok()
        );
        let v = judge(&c, &resp(200, &[("Access-Control-Allow-Origin", "*")]));
        assert_eq!(v.differences[0].header, compare::ALLOW_ORIGIN);
        assert!(v.misconfiguration.is_none(), "not a lookalike");
        c.attack = Some(Attack::Arbitrary);
        c.origin.role = Role::Attack {
            attack: Attack::Arbitrary,
        };
        let v = judge(&c, &resp(200, &[GRANT]));
        assert_eq!(
            v.misconfiguration.unwrap().name,
            "reflected arbitrary origin"
        );
    }

    #[test]
    fn expose_headers_are_read_on_actual_responses() {
        let mut c = check(
            Kind::Actual,
            true,
            resp(
                200,
                &[GRANT, CREDS, ("Access-Control-Expose-Headers", "ETag")],
            ),
            None,
        );
        assert!(
            judge(
                &c,
                &resp(
                    200,
                    &[GRANT, CREDS, ("access-control-expose-headers", "etag")]
                )
            )
            .ok()
        );
        let v = judge(&c, &resp(200, &[GRANT, CREDS]));
        assert_eq!(v.differences[0].header, compare::EXPOSE_HEADERS);
        c.credentials = false;
        let star = judge(
            &c,
            &resp(
                200,
                &[
                    ("Access-Control-Allow-Origin", "*"),
                    ("Access-Control-Expose-Headers", "ETag"),
                ],
            ),
        );
        assert!(
            star.ok(),
            "`*` lets a page without credentials in: {star:?}"
        );
    }

    #[test]
    fn redirects_and_huge_headers_are_findings() {
        let c = check(Kind::Actual, true, resp(200, &[GRANT, CREDS]), None);
        let v = judge(
            &c,
            &resp(301, &[("Location", "https://elsewhere.example/a")]),
        );
        assert!(!v.ok());
        assert_eq!(v.redirect.as_deref(), Some("https://elsewhere.example/a"));
        assert!(v.differences.is_empty());
        let mut huge = resp(200, &[GRANT, CREDS]);
        huge.header_bytes = BROWSER_HEADER_LIMIT + 1;
        let v = judge(&c, &huge);
        assert!(!v.ok() && v.response_problem.unwrap().contains("257 KiB"));
    }

    #[test]
    fn an_authorizer_refusal_is_compared_with_the_gateway_error() {
        let error = resp(401, &[GRANT, CREDS]);
        let c = check(Kind::Actual, true, resp(200, &[GRANT, CREDS]), Some(error));
        let v = judge(&c, &resp(401, &[GRANT]));
        assert!(v.authorizer_refused);
        assert_eq!(v.compared_with, "the authorizer's error");
        assert_eq!(v.differences.len(), 1, "{v:?}");
        assert!(judge(&c, &resp(200, &[GRANT, CREDS])).ok());
        let open = check(Kind::Actual, true, resp(200, &[GRANT]), None);
        assert!(
            !judge(&open, &resp(403, &[])).authorizer_refused,
            "a route without an authorizer"
        );
    }
}
