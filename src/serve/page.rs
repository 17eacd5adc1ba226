//! The matrix page serve hosts next to the API (issue 32): `GET /__corsform/`
//! answers `explain --matrix --format html` for the policy (and environment)
//! serve answers with, built per request so `--watch` keeps it current.
//!
//! The page never shadows the API: when a route of the policy answers
//! `/__corsform` or anything under it (a route written there, or a greedy
//! `{proxy+}` that reaches it), serve hosts no page and those requests go to
//! the policy's route like any other; serve says so when it starts.

use super::{HttpRequest, HttpResponse};
use crate::answer::Deployment;

/// Where the page is hosted.
pub const PATH: &str = "/__corsform/";

/// The policy route that answers a path under `/__corsform`, which turns the
/// page off. Checked with two paths: the page's own and one below it (a route
/// `/__corsform/{x}` does not answer the page's path, but a page there would
/// still sit inside the API's namespace).
pub fn shadowed_by(deployment: &Deployment) -> Option<String> {
    deployment
        .policy
        .routes
        .iter()
        .find(|r| {
            r.path.text == "/__corsform"
                || r.path.text.starts_with("/__corsform/")
                || r.path.matches(PATH)
                || r.path.matches("/__corsform/x")
        })
        .map(|r| r.path.text.clone())
}

/// The page, when `req` asks for it and the policy leaves the path free.
/// `policy_name` is the file name the page's title shows.
/// `environment` is the `--env` serve answers as, named on the page.
pub fn answer(
    deployment: &Deployment,
    policy_name: &str,
    environment: Option<&str>,
    req: &HttpRequest,
) -> Option<HttpResponse> {
    if req.path() != PATH || !matches!(req.method.as_str(), "GET" | "HEAD") {
        return None;
    }
    if shadowed_by(deployment).is_some() {
        return None;
    }
    let policy = &deployment.policy;
    // The request a page of this API sends: with credentials when the API
    // allows them, as `explain --matrix` does.
    let credentials = policy.cors.allow_credentials;
    let m = crate::matrix::matrix_in(deployment, &[], credentials, environment);
    let body = crate::matrix::html::render(policy_name, &m).into_bytes();
    Some(HttpResponse {
        status: 200,
        headers: vec![
            ("Content-Type".into(), "text/html; charset=utf-8".into()),
            ("Cache-Control".into(), "no-store".into()),
        ],
        body,
        log: format!("{} {PATH} -> 200 matrix page", req.method),
    })
}
