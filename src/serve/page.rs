//! The matrix page serve hosts next to the API (issue 32): `GET /__corsform/`
//! answers `explain --matrix --format html` for the policy (and environment)
//! serve answers with, built per request so `--watch` keeps it current.
//!
//! The page never shadows the API: when a route of the policy answers
//! `/__corsform` or anything under it (a route written there, or a greedy
//! `{proxy+}` that reaches it), serve hosts no page and those requests go to
//! the policy's route like any other; serve says so when it starts.
//!
//! Try it: a page's `fetch` always comes from the page's own origin, so serve
//! also listens on a second loopback port, the page's origin
//! ([`answer_try`]). There the page gets a try-it column: each row's request
//! sent by the browser from that origin to the API's, its verdict shown next
//! to explain's verdict for that same origin. That origin answers the page
//! and its script only, never the API. The page on the API's own origin
//! links to it (a fetch from there would be same-origin, no CORS at all).

use super::{HttpRequest, HttpResponse};
use crate::answer::Deployment;
use crate::browser::Request;
use crate::explain::explain_in;
use crate::markup::html as esc;
use crate::matrix::html::{Extras, TRY_SCRIPT, TryIt};

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
    try_url: Option<&str>,
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
    let extras = Extras {
        intro: try_url.map(|u| {
            format!(
                "<p>Try it: the same page on serve's second origin, <a href=\"{0}\">{0}</a>, sends each row's request to this API with the browser's own <code>fetch</code> and shows its verdict next to corsform's.</p>",
                esc(u)
            )
        }),
        try_it: None,
    };
    let body = crate::matrix::html::render_with(policy_name, &m, &extras).into_bytes();
    Some(html_response(req, body, "matrix page"))
}

fn html_response(req: &HttpRequest, body: Vec<u8>, what: &str) -> HttpResponse {
    HttpResponse {
        status: 200,
        headers: vec![
            ("Content-Type".into(), "text/html; charset=utf-8".into()),
            ("Cache-Control".into(), "no-store".into()),
        ],
        body,
        log: format!("{} {} -> 200 {what}", req.method, req.path()),
    }
}

/// The try-it script, served from the page's origin.
const SCRIPT: &str = include_str!("try.js");

/// What serve's second origin (the page's) answers: the try-it page at
/// [`PATH`], its script, and a 404 for anything else (it is not the API).
/// `api_port` is the API listener's port; the API is addressed with the same
/// host name the browser used for the page, so both resolve alike.
pub fn answer_try(
    deployment: &Deployment,
    policy_name: &str,
    environment: Option<&str>,
    api_port: u16,
    fallback_host: &str,
    req: &HttpRequest,
) -> HttpResponse {
    let not_found = |why: &str| HttpResponse {
        status: 404,
        headers: vec![("Content-Type".into(), "text/plain; charset=utf-8".into())],
        body: format!("{why}\n").into_bytes(),
        log: format!(
            "{} {} -> 404 (the try-it origin hosts only {PATH})",
            super::escape_for_log(&req.method),
            super::escape_for_log(req.path())
        ),
    };
    if !matches!(req.method.as_str(), "GET" | "HEAD") || shadowed_by(deployment).is_some() {
        return not_found("corsform serve: this origin hosts the matrix page only");
    }
    if req.path() == TRY_SCRIPT {
        return HttpResponse {
            status: 200,
            headers: vec![
                (
                    "Content-Type".into(),
                    "text/javascript; charset=utf-8".into(),
                ),
                ("Cache-Control".into(), "no-store".into()),
            ],
            body: SCRIPT.as_bytes().to_vec(),
            log: format!("{} {TRY_SCRIPT} -> 200 try-it script", req.method),
        };
    }
    if req.path() != PATH {
        return not_found("corsform serve: this origin hosts the matrix page only");
    }
    let host = req
        .header("host")
        .map(str::to_ascii_lowercase)
        .filter(|h| host_is_plain(h))
        .unwrap_or_else(|| fallback_host.to_string());
    let page_origin = format!("http://{host}");
    let api_base = format!("http://{}:{api_port}", host_name(&host));
    let policy = &deployment.policy;
    let credentials = policy.cors.allow_credentials;
    let m = crate::matrix::matrix_in(deployment, &[], credentials, environment);
    let predictions = m
        .rows
        .iter()
        .filter_map(|row| row.first())
        .map(|c| {
            let req = Request {
                origin: page_origin.clone(),
                method: c.method.clone(),
                headers: vec![],
                credentials,
            };
            crate::matrix::cell_of(&c.route, &c.path, explain_in(deployment, &req, &c.path))
        })
        .collect();
    let t = TryIt {
        csp: format!(
            "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; connect-src {api_base}"
        ),
        page_origin,
        api_base,
        predictions,
    };
    let extras = Extras {
        intro: None,
        try_it: Some(&t),
    };
    let body = crate::matrix::html::render_with(policy_name, &m, &extras).into_bytes();
    html_response(req, body, "matrix page with try-it")
}

/// A Host header fit to build an origin from: a host name or IP literal and
/// an optional port, nothing that could break out of the page's markup or CSP.
fn host_is_plain(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 255
        && h.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

/// `host[:port]` without the port (`[::1]:80` keeps its brackets).
fn host_name(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map_or(host, |i| &host[..=i]);
    }
    host.split(':').next().unwrap_or(host)
}
