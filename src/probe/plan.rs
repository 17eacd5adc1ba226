//! Which requests `probe` sends, and what the policy says each must get back.
//! Pure: the policy in, a list of [`Check`]s out; the CLI sends them.
//!
//! For every route path (parameters and `{proxy+}` filled with a sample
//! segment), from every probe origin ([`super::origins`], its role decided by
//! the route's own allowed origins):
//! - a preflight: `OPTIONS` with `Origin`, `Access-Control-Request-Method`
//!   (the path's first method that is not CORS-safelisted, else its first
//!   method) and `Access-Control-Request-Headers` (the path's allowed headers
//!   that are not CORS-safelisted, as a browser lists them);
//! - an actual request, only with a safe method: `GET` when the path serves
//!   GET (or ANY), `HEAD` when it lists HEAD. Never POST, PUT, PATCH or DELETE:
//!   those could change data on a deployed API. [`SafeMethod`] has no others.
//!
//! Then one `GET` of a path no route matches, from the first allowed origin and
//! from the arbitrary attack origin, to see API Gateway's own error response.
//! Last, per route, the shared-cache check's requests ([`super::cache`]): the
//! route's preflight and actual request from two origins in both orders.
//!
//! The expected responses come from [`crate::answer::exchange`], the model
//! `explain` and `serve` use; [`super::judge`] reads them as a browser would
//! (does this origin get in, with credentials, for this method and these
//! headers), so a deployment that answers differently but to the same effect
//! agrees.
//!
//! Without a policy ([`plan_without_policy`]) the routes come from `--route`,
//! the trusted origins from `--origin`, and nothing is expected but that no
//! lookalike, `null` or arbitrary origin is granted.

use super::cache::{self, CacheStep};
use super::origins::{
    ARBITRARY, Attack, Candidate, ProbeOrigin, Role, SAMPLE_LABEL, candidates, on_route,
};
use crate::answer;
use crate::browser::{self, Request, Response};
use crate::model::{ApiPath, Authorization, METHODS, Origin, Policy, Route, Segment};
use serde::Serialize;

/// The path probe requests to see a "no such route" error.
pub const MISSING_PATH: &str = "/corsform-probe-no-such-route";

/// The only methods probe sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SafeMethod {
    #[serde(rename = "OPTIONS")]
    Options,
    #[serde(rename = "GET")]
    Get,
    #[serde(rename = "HEAD")]
    Head,
}

impl SafeMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            SafeMethod::Options => "OPTIONS",
            SafeMethod::Get => "GET",
            SafeMethod::Head => "HEAD",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Preflight,
    /// An actual request to a route.
    Actual,
    /// A request to a path the API does not have: API Gateway's own error.
    NoRoute,
}

/// One request to send and the response the policy expects.
#[derive(Debug, Clone)]
pub struct Check {
    /// The route template probed; `None` for the no-such-route request.
    pub route: Option<String>,
    /// The concrete path, appended to the base URL.
    pub path: String,
    pub kind: Kind,
    pub method: SafeMethod,
    /// Preflight only: `Access-Control-Request-Method`.
    pub request_method: Option<String>,
    /// Preflight only: `Access-Control-Request-Headers` (lower case, sorted).
    pub request_headers: Vec<String>,
    pub origin: ProbeOrigin,
    /// The lookalike the origin is, kept where the route allows it (`*`).
    pub attack: Option<Attack>,
    /// The route allows this origin (without a policy: it is a trusted `--origin`).
    pub allowed: bool,
    /// The route allows credentials: the browser's checks are run for a
    /// credentialed request then, as the policy's pages make them.
    pub credentials: bool,
    /// What the policy's deployment sends; `None` without a policy.
    pub want: Option<Response>,
    /// Who answers, per the policy ("API Gateway: the path's OPTIONS method ...").
    pub want_source: String,
    /// Routes behind an authorizer: probe sends no credentials, so the
    /// authorizer may refuse with 401/403; then this is what must come back.
    pub want_if_refused: Option<(Response, String)>,
    /// Part of the shared-cache check ([`super::cache`]): sent after every
    /// other check, one at a time and in order, and judged only for an
    /// answer a cache served to the wrong origin.
    pub cache: Option<CacheStep>,
}

/// Everything probe sends, in order, and what it leaves out.
#[derive(Debug, Clone)]
pub struct Plan {
    pub checks: Vec<Check>,
    /// Per route path, the methods never sent as actual requests (all but GET and HEAD).
    pub not_sent: Vec<(String, Vec<String>)>,
    /// Why the no-such-route request is skipped, when it is.
    pub no_route_skipped: Option<String>,
}

/// A route path with its parameters filled in: `/items/{id}` -> `/items/corsform-probe`.
pub fn sample_path(segments: &[Segment]) -> String {
    if segments.is_empty() {
        return "/".into();
    }
    segments
        .iter()
        .map(|s| match s {
            Segment::Literal(l) => format!("/{l}"),
            Segment::Param(_) | Segment::Greedy(_) => format!("/{SAMPLE_LABEL}"),
        })
        .collect()
}

/// One route path and every route on it (`[[routes]]` entries may share a path).
struct RoutePath<'a> {
    routes: Vec<&'a Route>,
    /// The union of their methods, `ANY` expanded (OPTIONS left out).
    methods: Vec<String>,
}

impl RoutePath<'_> {
    fn template(&self) -> &ApiPath {
        &self.routes[0].path
    }

    /// Whether the route serving `method` has an authorizer.
    fn authorized(&self, method: &str) -> bool {
        self.routes
            .iter()
            .find(|r| r.methods.iter().any(|m| m == method))
            .or_else(|| {
                self.routes
                    .iter()
                    .find(|r| r.methods.iter().any(|m| m == "ANY"))
            })
            .is_some_and(|r| r.authorization != Authorization::None)
    }
}

/// The route paths in policy order.
fn route_paths(policy: &Policy) -> Vec<RoutePath<'_>> {
    let mut out: Vec<RoutePath> = Vec::new();
    for r in &policy.routes {
        let idx = match out.iter().position(|p| p.template().text == r.path.text) {
            Some(i) => i,
            None => {
                out.push(RoutePath {
                    routes: vec![],
                    methods: vec![],
                });
                out.len() - 1
            }
        };
        let p = &mut out[idx];
        p.routes.push(r);
        for m in &r.methods {
            let expanded: Vec<&str> = if m == "ANY" {
                METHODS
                    .iter()
                    .copied()
                    .filter(|m| *m != "OPTIONS")
                    .collect()
            } else {
                vec![m.as_str()]
            };
            for m in expanded {
                if !p.methods.iter().any(|x| x == m) {
                    p.methods.push(m.to_string());
                }
            }
        }
    }
    out
}

fn request(origin: &str, method: &str, headers: &[String]) -> Request {
    Request {
        origin: origin.to_string(),
        method: method.to_string(),
        headers: headers.iter().map(|h| (h.clone(), None)).collect(),
        credentials: false,
    }
}

/// The origins `policy` allows on any route, `[cors]` first.
fn policy_origins(policy: &Policy) -> Vec<&Origin> {
    std::iter::once(&policy.cors)
        .chain(
            policy
                .routes
                .iter()
                .filter_map(|r| r.cors_override.as_ref()),
        )
        .flat_map(|c| c.allow_origins.iter())
        .collect()
}

/// A check from `c` on a route allowing `route_origins`; `want` etc. filled by the caller.
fn origin_on(c: &Candidate, route_origins: &[Origin]) -> (ProbeOrigin, Option<Attack>, bool) {
    let (origin, allowed) = on_route(c, route_origins);
    (origin, c.attack, allowed)
}

pub fn plan(policy: &Policy, extras: &[String]) -> Plan {
    let origins = candidates(&policy_origins(policy), extras, false);
    let deployment = answer::Deployment::new(policy.clone());
    let mut checks = Vec::new();
    let mut not_sent = Vec::new();
    let mut cache_checks = Vec::new();

    for rp in route_paths(policy) {
        let first = checks.len();
        let route = rp.routes[0];
        let methods = &rp.methods;
        let path = sample_path(&route.path.segments);
        let cors = route.cors_override.as_ref().unwrap_or(&policy.cors);
        let request_method = methods
            .iter()
            .find(|m| !browser::SAFELISTED_METHODS.contains(&m.as_str()))
            .or(methods.first())
            .cloned()
            .unwrap_or_else(|| "GET".into());
        let mut request_headers: Vec<String> = cors
            .allow_headers
            .iter()
            .filter(|h| *h != "*" && browser::unsafe_reason(h, None).is_some())
            .cloned()
            .collect();
        request_headers.sort();
        let actual: Vec<SafeMethod> = [("GET", SafeMethod::Get), ("HEAD", SafeMethod::Head)]
            .into_iter()
            .filter(|(m, _)| methods.iter().any(|x| x == m))
            // ANY expands to GET and HEAD: GET alone says the same.
            .filter(|(m, _)| *m == "GET" || !methods.iter().any(|x| x == "GET"))
            .map(|(_, s)| s)
            .collect();
        let unsent: Vec<String> = methods
            .iter()
            .filter(|m| !["GET", "HEAD"].contains(&m.as_str()))
            .cloned()
            .collect();
        if !unsent.is_empty() {
            not_sent.push((route.path.text.clone(), unsent));
        }

        for c in &origins {
            let (origin, attack, allowed) = origin_on(c, &cors.allow_origins);
            let pre = request(&c.value, &request_method, &request_headers);
            let ex = deployment.exchange(&pre, &path);
            checks.push(Check {
                route: Some(route.path.text.clone()),
                path: path.clone(),
                kind: Kind::Preflight,
                method: SafeMethod::Options,
                request_method: Some(request_method.clone()),
                request_headers: request_headers.clone(),
                origin: origin.clone(),
                attack,
                allowed,
                credentials: cors.allow_credentials,
                want: Some(ex.preflight.response),
                want_source: ex.preflight.source,
                want_if_refused: None,
                cache: None,
            });
            for m in &actual {
                let req = request(&c.value, m.as_str(), &[]);
                let ex = deployment.exchange(&req, &path);
                checks.push(Check {
                    route: Some(route.path.text.clone()),
                    path: path.clone(),
                    kind: Kind::Actual,
                    method: *m,
                    request_method: None,
                    request_headers: vec![],
                    origin: origin.clone(),
                    attack,
                    allowed,
                    credentials: cors.allow_credentials,
                    want: Some(ex.actual.response),
                    want_source: ex.actual.source,
                    want_if_refused: rp
                        .authorized(m.as_str())
                        .then_some((ex.error.response, ex.error.source)),
                    cache: None,
                });
            }
        }
        cache_checks.extend(cache::checks_for_route(
            &checks[first..],
            &route.path.segments,
        ));
    }

    let catch_all = policy
        .routes
        .iter()
        .find(|r| answer::path_matches(&r.path, MISSING_PATH));
    let no_route_skipped = catch_all.map(|r| {
        format!(
            "{} matches every path, so the API has no missing path to request",
            r.path.text
        )
    });
    if catch_all.is_none() {
        for c in no_route_origins(&origins) {
            let (origin, attack, allowed) = origin_on(c, &policy.cors.allow_origins);
            let req = request(&c.value, "GET", &[]);
            let ex = deployment.exchange(&req, MISSING_PATH);
            checks.push(Check {
                route: None,
                path: MISSING_PATH.into(),
                kind: Kind::NoRoute,
                method: SafeMethod::Get,
                request_method: None,
                request_headers: vec![],
                origin,
                attack,
                allowed,
                credentials: policy.cors.allow_credentials,
                want: Some(ex.actual.response),
                want_source: ex.actual.source,
                want_if_refused: None,
                cache: None,
            });
        }
    }
    checks.extend(cache_checks);
    Plan {
        checks,
        not_sent,
        no_route_skipped,
    }
}

/// The no-such-route request goes out from the first allowed (or trusted)
/// origin and from the arbitrary one.
fn no_route_origins(origins: &[Candidate]) -> impl Iterator<Item = &Candidate> {
    let first = origins.iter().find(|o| o.attack.is_none());
    let arbitrary = origins.iter().find(|o| o.value == ARBITRARY);
    first.into_iter().chain(arbitrary)
}

/// The paths probed without a policy: each `--route` template with its
/// parameters filled, once.
pub fn route_samples(routes: &[String]) -> Result<Vec<(String, String)>, String> {
    let mut paths: Vec<(String, String)> = Vec::new();
    for r in routes {
        let parsed = ApiPath::parse(r).map_err(|e| format!("--route {r}: {e}"))?;
        if !paths.iter().any(|(t, _)| *t == parsed.text) {
            paths.push((parsed.text.clone(), sample_path(&parsed.segments)));
        }
    }
    Ok(paths)
}

/// A static origin in an answer to the arbitrary origin: the Allow-Origin of
/// a server that sends its (first) allowed origin to everyone, as API
/// Gateway's REST MOCK responses do. `*`, `null` and the sent origin are not.
pub fn discovered_origin(got: &Response) -> Option<String> {
    let v = got.get("access-control-allow-origin")?.trim();
    (v != "*" && v != "null" && v != ARBITRARY && super::origins::check_extra(v).is_ok())
        .then(|| v.to_string())
}

/// Without a policy: the `--route` paths (templates as a policy writes them),
/// each sent a preflight (asking for GET, no headers: the request any CORS
/// setup answers) and a GET, from the trusted origins and every lookalike;
/// nothing is expected but that no origin other than a trusted one is
/// granted. The no-such-route request is sent too, to see the gateway's error.
///
/// `discovered`: origins the API sent in Allow-Origin to the arbitrary origin
/// ([`discovered_origin`]), trusted like `--origin` so their lookalikes are tried.
pub fn plan_without_policy(
    routes: &[String],
    given: &[String],
    discovered: &[String],
) -> Result<Plan, String> {
    let trusted: Vec<String> = given.iter().chain(discovered).cloned().collect();
    let mut origins = candidates(&[], &trusted, true);
    for c in &mut origins {
        if c.role == Role::Extra && !given.contains(&c.value) {
            c.role = Role::Discovered;
        }
    }
    let trusted_origins: Vec<Origin> = trusted.iter().map(|t| Origin::Exact(t.clone())).collect();
    let mut checks = Vec::new();
    let paths = route_samples(routes)?;
    let unexpected = "no policy: only whether origins other than --origin are granted";
    let check = |route: Option<&String>, path: &str, kind, method, c: &Candidate| {
        let (origin, attack, allowed) = origin_on(c, &trusted_origins);
        Check {
            route: route.cloned(),
            path: path.to_string(),
            kind,
            method,
            request_method: (kind == Kind::Preflight).then(|| "GET".to_string()),
            request_headers: vec![],
            origin,
            attack,
            allowed,
            credentials: false,
            want: None,
            want_source: unexpected.into(),
            want_if_refused: None,
            cache: None,
        }
    };
    let mut cache_checks = Vec::new();
    for (template, path) in &paths {
        let first = checks.len();
        for c in &origins {
            checks.push(check(
                Some(template),
                path,
                Kind::Preflight,
                SafeMethod::Options,
                c,
            ));
            checks.push(check(
                Some(template),
                path,
                Kind::Actual,
                SafeMethod::Get,
                c,
            ));
        }
        if let Ok(parsed) = ApiPath::parse(template) {
            cache_checks.extend(cache::checks_for_route(&checks[first..], &parsed.segments));
        }
    }
    let catch_all = paths
        .iter()
        .find(|(t, _)| ApiPath::parse(t).is_ok_and(|p| answer::path_matches(&p, MISSING_PATH)));
    let no_route_skipped = catch_all
        .map(|(t, _)| format!("{t} matches every path, so the API has no missing path to request"));
    if catch_all.is_none() {
        for c in no_route_origins(&origins) {
            checks.push(check(None, MISSING_PATH, Kind::NoRoute, SafeMethod::Get, c));
        }
    }
    checks.extend(cache_checks);
    Ok(Plan {
        checks,
        not_sent: vec![],
        no_route_skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(text: &str) -> Policy {
        let file = crate::diagnostic::SourceFile::new("t.toml", text.to_string());
        let (model, diags) = crate::check(&file);
        model.unwrap_or_else(|| panic!("{diags:?}"))
    }

    const REST: &str = r#"version = 1
[api]
name = "t"
type = "rest"
[cors]
allow_origins = ["https://app.example.com"]
allow_headers = ["authorization", "content-type", "accept"]
[[routes]]
path = "/items/{id}"
methods = ["GET", "PUT", "DELETE"]
[[routes]]
path = "/orders"
methods = ["POST"]
[[routes]]
path = "/files/{proxy+}"
methods = ["HEAD"]
authorization = "iam"
"#;

    #[test]
    fn fills_parameters_with_a_sample_segment() {
        let p = crate::model::ApiPath::parse("/v1/{id}/files/{proxy+}").unwrap();
        assert_eq!(
            sample_path(&p.segments),
            "/v1/corsform-probe/files/corsform-probe"
        );
        assert_eq!(sample_path(&[]), "/");
    }

    #[test]
    fn never_sends_an_unsafe_method() {
        let plan = plan(&policy(REST), &[]);
        assert!(!plan.checks.is_empty());
        for c in &plan.checks {
            assert!(
                matches!(
                    c.method,
                    SafeMethod::Options | SafeMethod::Get | SafeMethod::Head
                ),
                "{c:?}"
            );
            assert_eq!(c.method == SafeMethod::Options, c.kind == Kind::Preflight);
        }
        let actual_on = |route: &str| -> Vec<SafeMethod> {
            let mut m: Vec<SafeMethod> = plan
                .checks
                .iter()
                .filter(|c| c.kind == Kind::Actual && c.route.as_deref() == Some(route))
                .map(|c| c.method)
                .collect();
            m.dedup();
            m
        };
        assert_eq!(actual_on("/items/{id}"), vec![SafeMethod::Get]);
        assert_eq!(actual_on("/orders"), vec![], "POST is never sent");
        assert_eq!(actual_on("/files/{proxy+}"), vec![SafeMethod::Head]);
        assert_eq!(
            plan.not_sent,
            vec![
                (
                    "/items/{id}".to_string(),
                    vec!["PUT".to_string(), "DELETE".to_string()]
                ),
                ("/orders".to_string(), vec!["POST".to_string()])
            ]
        );
    }

    #[test]
    fn preflights_ask_for_an_unsafe_method_and_the_unsafe_allowed_headers() {
        let plan = plan(&policy(REST), &[]);
        let pre = |route: &str| {
            plan.checks
                .iter()
                .find(|c| c.kind == Kind::Preflight && c.route.as_deref() == Some(route))
                .unwrap()
        };
        let items = pre("/items/{id}");
        assert_eq!(items.path, "/items/corsform-probe");
        assert_eq!(items.request_method.as_deref(), Some("PUT"));
        assert_eq!(
            items.request_headers,
            vec!["authorization", "content-type"],
            "accept is safelisted; sorted as browsers send them"
        );
        assert_eq!(pre("/orders").request_method.as_deref(), Some("POST"));
        assert_eq!(
            pre("/files/{proxy+}").request_method.as_deref(),
            Some("HEAD")
        );
    }

    #[test]
    fn expectations_come_from_the_deployment_model() {
        let plan = plan(&policy(REST), &[]);
        let from = |origin: &str, kind: Kind| {
            plan.checks
                .iter()
                .find(|c| c.kind == kind && c.origin.value == origin)
                .unwrap()
        };
        let ok = from("https://app.example.com", Kind::Preflight);
        assert_eq!(ok.want.as_ref().unwrap().status, 204);
        assert_eq!(
            ok.want.as_ref().unwrap().get("access-control-allow-origin"),
            Some("https://app.example.com")
        );
        let missing = from("https://app.example.com", Kind::NoRoute);
        assert_eq!(missing.path, MISSING_PATH);
        assert_eq!(
            missing.want.as_ref().unwrap().status,
            403,
            "REST: Missing Authentication Token"
        );
        assert!(
            plan.checks
                .iter()
                .any(|c| c.kind == Kind::NoRoute && c.origin.value == ARBITRARY)
        );
        let head = plan
            .checks
            .iter()
            .find(|c| c.method == SafeMethod::Head)
            .unwrap();
        assert!(
            head.want_if_refused.is_some(),
            "an IAM route may answer with the authorizer's error"
        );
        assert!(
            from("https://app.example.com", Kind::Actual)
                .want_if_refused
                .is_none()
        );
    }

    #[test]
    fn the_authorizer_of_the_route_serving_the_method_counts() {
        let p = policy(
            "version = 1\n[api]\nname = \"t\"\ntype = \"rest\"\n[cors]\nallow_origins = [\"https://app.example.com\"]\n[[routes]]\npath = \"/a\"\nmethods = [\"GET\"]\n[[routes]]\npath = \"/a\"\nmethods = [\"DELETE\"]\nauthorization = \"iam\"\n[[routes]]\npath = \"/b\"\nmethods = [\"ANY\"]\nauthorization = \"iam\"\n",
        );
        let plan = plan(&p, &[]);
        let get = |route: &str| {
            plan.checks
                .iter()
                .find(|c| c.kind == Kind::Actual && c.route.as_deref() == Some(route))
                .unwrap()
        };
        assert!(
            get("/a").want_if_refused.is_none(),
            "GET /a has no authorizer"
        );
        assert!(get("/b").want_if_refused.is_some(), "ANY /b has one");
        assert_eq!(
            plan.checks
                .iter()
                .filter(|c| c.kind == Kind::Preflight && c.route.as_deref() == Some("/a"))
                .map(|c| c.request_method.as_deref())
                .next(),
            Some(Some("DELETE")),
            "one path, the methods of all its routes"
        );
    }

    #[test]
    fn a_root_catch_all_leaves_no_missing_path() {
        let p = policy(
            "version = 1\n[api]\nname = \"t\"\ntype = \"http\"\n[cors]\nallow_origins = [\"*\"]\n[[routes]]\npath = \"/{proxy+}\"\nmethods = [\"ANY\"]\n",
        );
        let plan = plan(&p, &[]);
        assert!(plan.checks.iter().all(|c| c.kind != Kind::NoRoute));
        assert!(plan.no_route_skipped.unwrap().contains("/{proxy+}"));
        let actual: Vec<_> = plan
            .checks
            .iter()
            .filter(|c| c.kind == Kind::Actual)
            .map(|c| c.method)
            .collect();
        assert!(
            !actual.is_empty() && actual.iter().all(|m| *m == SafeMethod::Get),
            "ANY is probed with GET only"
        );
        let pre = plan
            .checks
            .iter()
            .find(|c| c.kind == Kind::Preflight)
            .unwrap();
        assert_eq!(
            pre.request_method.as_deref(),
            Some("PUT"),
            "ANY: the first method a browser preflights"
        );
    }

    #[test]
    fn origins_are_allowed_per_route() {
        let p = policy(
            "version = 1\n[api]\nname = \"t\"\ntype = \"rest\"\n[cors]\nallow_origins = [\"https://app.example.com\"]\nallow_credentials = true\n[[routes]]\npath = \"/private\"\nmethods = [\"GET\"]\nintegration = \"mock\"\n[[routes]]\npath = \"/public\"\nmethods = [\"GET\"]\nintegration = \"mock\"\n[routes.cors]\nallow_origins = [\"*\"]\nallow_credentials = false\n",
        );
        let plan = plan(&p, &[]);
        let on = |route: &str, origin: &str| {
            plan.checks
                .iter()
                .find(|c| c.route.as_deref() == Some(route) && c.origin.value == origin)
                .unwrap()
        };
        let private = on("/private", ARBITRARY);
        assert!(!private.allowed && private.credentials);
        assert_eq!(private.origin.role.attack(), Some(Attack::Arbitrary));
        let public = on("/public", ARBITRARY);
        assert!(public.allowed && !public.credentials);
        assert_eq!(public.origin.role, Role::Allowed);
        assert_eq!(
            public.attack,
            Some(Attack::Arbitrary),
            "kept for naming a credentialed grant"
        );
        assert!(
            plan.checks
                .iter()
                .any(|c| c.origin.value == "https://appXexample.com"),
            "lookalikes of every allowed origin"
        );
    }

    #[test]
    fn without_a_policy_the_routes_and_trusted_origins_are_given() {
        let plan = plan_without_policy(
            &["/items/{id}".into(), "/items/{id}".into()],
            &["https://b.example.com".into()],
            &["https://static.example.com".into()],
        )
        .unwrap();
        assert!(plan.checks.iter().all(|c| c.want.is_none()));
        let routed: Vec<&Check> = plan
            .checks
            .iter()
            .filter(|c| c.route.is_some() && c.cache.is_none())
            .collect();
        assert!(
            routed.iter().all(|c| c.path == "/items/corsform-probe"),
            "one route, filled"
        );
        let cache: Vec<(&str, &str)> = plan
            .checks
            .iter()
            .filter(|c| c.cache.is_some())
            .map(|c| (c.origin.value.as_str(), c.path.as_str()))
            .collect();
        assert_eq!(
            cache[..2],
            [
                ("https://b.example.com", "/items/corsform-probe-cache-1"),
                (
                    "https://static.example.com",
                    "/items/corsform-probe-cache-1"
                )
            ],
            "the trusted origins, on a key of their own"
        );
        let role = |v: &str| {
            routed
                .iter()
                .find(|c| c.origin.value == v)
                .map(|c| (c.origin.role.clone(), c.allowed))
        };
        assert_eq!(role("https://b.example.com"), Some((Role::Extra, true)));
        assert_eq!(
            role("https://static.example.com"),
            Some((Role::Discovered, true))
        );
        assert_eq!(
            role("https://bXexample.com"),
            Some((
                Role::Attack {
                    attack: Attack::UnescapedDot
                },
                false
            ))
        );
        assert!(plan.checks.iter().any(|c| c.kind == Kind::NoRoute));
        assert!(plan_without_policy(&["items".into()], &[], &[]).is_err());
    }
}
