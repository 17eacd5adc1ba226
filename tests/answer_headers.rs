//! What `answer` says a deployment sends, pinned header by header for each
//! branch a browser can tell apart: the REST preflight, MOCK and proxy
//! responses, API Gateway's own errors, and an HTTP API's cors_configuration,
//! each for an allowed origin, a refused one and no route at all.
//!
//! Expected values are written from the policy and the platform's rules, not
//! read from the code: REST static mappings do not look at the Origin, the
//! VTL override echoes an allowed one (docs/book/src/background/cors-facts.md, REST section); an
//! HTTP API adds its headers only for an allowed origin and sends no Vary
//! (API Gateway developer guide, "Configuring CORS for an HTTP API"); the
//! Lambda helper answers as tests/lambda/scenarios.json says. The cargo-mutants
//! run of issue 11 (src/answer.rs, src/derive/http_api.rs) found branches
//! here that no other test told apart; each test names the branch it pins.

use corsform::answer::{Exchange, exchange};
use corsform::browser::{Request, Response};
use corsform::diagnostic::SourceFile;
use corsform::model::Policy;

fn policy(text: &str) -> Policy {
    let file = SourceFile::new("policy.toml", text.to_string());
    let (policy, diags) = corsform::check(&file);
    policy.unwrap_or_else(|| panic!("{diags:?}"))
}

fn ask(p: &Policy, origin: &str, method: &str, path: &str) -> Exchange {
    let req = Request {
        origin: origin.into(),
        method: method.into(),
        headers: vec![],
        credentials: false,
    };
    exchange(p, &req, path)
}

/// The response as (status, headers sorted by lower-case name): browsers read
/// headers by name, so their order is not part of the answer.
fn seen(r: &Response) -> (u16, Vec<(String, String)>) {
    let mut h: Vec<(String, String)> = r
        .headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
        .collect();
    h.sort();
    (r.status, h)
}

fn want(status: u16, headers: &[(&str, &str)]) -> (u16, Vec<(String, String)>) {
    let mut h: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.to_string()))
        .collect();
    h.sort();
    (status, h)
}

const APP: &str = "https://app.example.com";
const PREVIEW: &str = "https://pr-7.preview.example.com";
const EVIL: &str = "https://evil.example.net";

const REST: &str = r#"version = 1
[api]
name = "t"
type = "rest"

[cors]
allow_origins = ["https://app.example.com", "https://*.preview.example.com"]
allow_methods = ["GET", "PUT"]
allow_headers = ["content-type"]
expose_headers = ["etag"]
allow_credentials = true
max_age = 600

[[routes]]
path = "/mock"
methods = ["GET"]
integration = "mock"

[[routes]]
path = "/any"
methods = ["ANY"]
integration = "mock"

[[routes]]
path = "/fn"
methods = ["GET", "PUT"]
authorization = "custom"

[[routes]]
path = "/public"
methods = ["GET"]
integration = "mock"
[routes.cors]
allow_origins = ["*"]
allow_credentials = false
"#;

fn rest_preflight(origin: &str) -> (u16, Vec<(String, String)>) {
    want(
        204,
        &[
            ("Access-Control-Allow-Origin", origin),
            ("Access-Control-Allow-Methods", "GET,PUT"),
            ("Access-Control-Allow-Headers", "content-type"),
            ("Access-Control-Allow-Credentials", "true"),
            ("Access-Control-Max-Age", "600"),
            ("Vary", "Origin"),
        ],
    )
}

/// eval_rest: the VTL override replaces the static Allow-Origin only for an
/// allowed origin; a refused one keeps the static first origin, which the
/// browser then rejects as another origin.
#[test]
fn rest_preflight_echoes_allowed_origins_and_keeps_the_static_one_otherwise() {
    let p = policy(REST);
    assert_eq!(
        seen(&ask(&p, PREVIEW, "PUT", "/mock").preflight.response),
        rest_preflight(PREVIEW)
    );
    assert_eq!(
        seen(&ask(&p, EVIL, "PUT", "/mock").preflight.response),
        rest_preflight(APP)
    );
}

/// Deployment::rest picks the preflight of the request's own path: /public
/// overrides the origins with `*` and no credentials.
#[test]
fn rest_preflight_is_the_paths_own() {
    let p = policy(REST);
    assert_eq!(
        seen(&ask(&p, EVIL, "GET", "/public").preflight.response),
        want(
            204,
            &[
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Allow-Methods", "GET,PUT"),
                ("Access-Control-Allow-Headers", "content-type"),
                ("Access-Control-Max-Age", "600"),
            ],
        )
    );
}

fn rest_mock(origin: &str) -> (u16, Vec<(String, String)>) {
    want(
        200,
        &[
            ("Access-Control-Allow-Origin", origin),
            ("Access-Control-Allow-Credentials", "true"),
            ("Access-Control-Expose-Headers", "etag"),
            ("Vary", "Origin"),
        ],
    )
}

/// A MOCK route's actual response is its integration response (static
/// mappings plus the override), found by its method or by ANY.
#[test]
fn rest_mock_responses_are_found_by_method_and_by_any() {
    let p = policy(REST);
    assert_eq!(
        seen(&ask(&p, PREVIEW, "GET", "/mock").actual.response),
        rest_mock(PREVIEW)
    );
    assert_eq!(
        seen(&ask(&p, EVIL, "GET", "/mock").actual.response),
        rest_mock(APP)
    );
    assert_eq!(
        seen(&ask(&p, APP, "DELETE", "/any").actual.response),
        rest_mock(APP)
    );
}

/// A proxy route's actual response is the backend's (the Lambda helper): no
/// Allow-Origin at all for a refused origin, where a MOCK route would send
/// the static one.
#[test]
fn rest_proxy_responses_come_from_the_helper_not_a_mock() {
    let p = policy(REST);
    assert_eq!(
        seen(&ask(&p, EVIL, "GET", "/fn").actual.response),
        want(200, &[("Vary", "Origin")])
    );
    assert_eq!(
        seen(&ask(&p, PREVIEW, "PUT", "/fn").actual.response),
        rest_mock(PREVIEW)
    );
}

/// API Gateway's own errors: an authorizer's 401 and an unknown path's 403
/// carry the DEFAULT_4XX gateway response (the static first origin).
#[test]
fn rest_errors_are_the_gateway_responses() {
    let p = policy(REST);
    let gateway = |status| {
        want(
            status,
            &[
                ("Access-Control-Allow-Origin", APP),
                ("Access-Control-Allow-Credentials", "true"),
                ("Access-Control-Expose-Headers", "etag"),
            ],
        )
    };
    assert_eq!(
        seen(&ask(&p, PREVIEW, "GET", "/fn").error.response),
        gateway(401)
    );
    let unknown = ask(&p, APP, "GET", "/nope");
    assert_eq!(seen(&unknown.preflight.response), gateway(403));
    assert_eq!(seen(&unknown.actual.response), gateway(403));
}

const HTTP: &str = r#"version = 1
[api]
name = "t"
type = "http"

[cors]
allow_origins = ["https://app.example.com"]
allow_methods = ["GET", "POST"]
allow_headers = ["content-type"]
expose_headers = ["etag"]
allow_credentials = true
max_age = 600

[[routes]]
path = "/items"
methods = ["GET", "POST"]
"#;

/// http_gateway: cors_configuration's headers for an allowed origin (no
/// Vary), nothing for a refused one; preflights 204 on any path.
#[test]
fn http_api_preflight_is_the_cors_configuration() {
    let p = policy(HTTP);
    assert_eq!(
        seen(&ask(&p, APP, "POST", "/items").preflight.response),
        want(
            204,
            &[
                ("Access-Control-Allow-Origin", APP),
                ("Access-Control-Allow-Credentials", "true"),
                ("Access-Control-Allow-Methods", "GET,POST"),
                ("Access-Control-Allow-Headers", "content-type"),
                ("Access-Control-Max-Age", "600"),
            ],
        )
    );
    assert_eq!(
        seen(&ask(&p, EVIL, "POST", "/items").preflight.response),
        want(204, &[])
    );
}

/// Actual responses and errors get Allow-Origin, Credentials and Expose for
/// an allowed origin; an unrouted path is API Gateway's 404, with them too.
#[test]
fn http_api_actual_and_error_responses() {
    let p = policy(HTTP);
    let with = |status| {
        want(
            status,
            &[
                ("Access-Control-Allow-Origin", APP),
                ("Access-Control-Allow-Credentials", "true"),
                ("Access-Control-Expose-Headers", "etag"),
            ],
        )
    };
    let ex = ask(&p, APP, "GET", "/items");
    assert_eq!(seen(&ex.actual.response), with(200));
    assert_eq!(seen(&ex.error.response), with(401));
    assert_eq!(
        seen(&ask(&p, APP, "GET", "/nope").actual.response),
        with(404)
    );
    let refused = ask(&p, EVIL, "GET", "/items");
    assert_eq!(seen(&refused.actual.response), want(200, &[]));
    assert_eq!(seen(&refused.error.response), want(401, &[]));
}

/// A request without an Origin is not a CORS request: no Allow-Origin, even
/// though the empty string is "listed" nowhere.
#[test]
fn http_api_sends_nothing_without_an_origin() {
    let p = policy(HTTP);
    assert_eq!(
        seen(&ask(&p, "", "GET", "/items").actual.response),
        want(200, &[])
    );
}

/// With `*`, every origin gets `*` (and credentials cannot be on, by lint).
#[test]
fn http_api_wildcard_answers_star() {
    let p = policy(
        &HTTP
            .replace(
                "allow_origins = [\"https://app.example.com\"]",
                "allow_origins = [\"*\"]",
            )
            .replace("allow_credentials = true", "allow_credentials = false"),
    );
    assert_eq!(
        seen(&ask(&p, EVIL, "GET", "/items").actual.response),
        want(
            200,
            &[
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Expose-Headers", "etag"),
            ],
        )
    );
}
