//! The audit rules (docs/design.md, "Judging IaC and deployments corsform did not
//! write"), run over the neutral [`Api`] model. Whether a response passes is
//! the browser's verdict ([`crate::browser::cors_check`], the Fetch standard's
//! CORS check that explain uses); whether an origin is written as browsers
//! serialize it is the policy validator's verdict ([`crate::check`]). Each
//! fact's source is docs/cors-facts.md, cited at the rule.
//!
//! One file per part: [`rest`] (preflights, actual and error responses, per
//! path), [`mappings`] (response parameter keys and values), [`response`]
//! (what the browser makes of one response's headers), [`sam`] (SAM `Cors`),
//! [`http`] (HTTP APIs); [`edge`] judges what else is on the browser's path
//! ([`cloudfront`], [`s3`], [`function_url`]).

mod allowed;
mod cloudfront;
pub mod edge;
mod function_url;
mod http;
mod lint;
mod mappings;
mod response;
mod rest;
mod s3;
mod sam;
mod templated;

use super::model::*;
use crate::browser::Response;
use crate::diagnostic::{Code, Diagnostic};

/// A finding and the file it is in.
pub type Finding = (usize, Diagnostic);

pub(super) fn at(
    code: Code,
    loc: &Loc,
    msg: impl Into<String>,
    help: impl Into<String>,
) -> Finding {
    (
        loc.file,
        Diagnostic::new(code, msg, loc.span.clone()).help(help),
    )
}

pub(super) const ALLOW_ORIGIN: &str = "Access-Control-Allow-Origin";

/// The text of a single-quoted mapping literal (`'https://a.example'`), as
/// SAM's Cors values and static header mappings are written.
pub(super) fn quoted_literal(v: &Value) -> Option<String> {
    v.text
        .as_deref()
        .and_then(|t| t.strip_prefix('\''))
        .and_then(|t| t.strip_suffix('\''))
        .map(str::to_string)
}

/// Every finding on `api`; lint's verdict on each distinct value is computed
/// once for the whole API ([`lint::judged_once`]).
pub fn judge(api: &Api) -> Vec<Finding> {
    lint::judged_once(|| judge_api(api))
}

fn judge_api(api: &Api) -> Vec<Finding> {
    let mut out = Vec::new();
    match api.kind {
        ApiKind::Rest => rest::rest(api, &mut out),
        ApiKind::Http => http::http(api, &mut out),
    }
    // Where an authorizer is known to need Authorization (CF0918), the
    // general "`*` never covers Authorization" (CF0204) at the same value
    // says the same thing less precisely: one finding a defect.
    let specific: Vec<(usize, Option<std::ops::Range<usize>>)> = out
        .iter()
        .filter(|(_, d)| d.code == Code::RequestHeaderNotAllowed)
        .map(|(f, d)| (*f, d.span.clone()))
        .collect();
    out.retain(|(f, d)| {
        d.code != Code::WildcardHeadersWithoutAuthorization
            || !specific.contains(&(*f, d.span.clone()))
    });
    // `*` leaves Authorization out, which harms only pages that send it: with
    // no authorization anywhere in the files, that is a note.
    if !sends_authorization(api) {
        for (_, d) in out.iter_mut() {
            if d.code == Code::WildcardHeadersWithoutAuthorization {
                *d = d.clone().as_note();
            }
        }
    }
    out
}

/// Whether anything in the API makes pages send an Authorization header.
fn sends_authorization(api: &Api) -> bool {
    !api.authorizers.is_empty()
        || api.default_authorizer.is_some()
        || api.methods.iter().any(Method::is_authorized)
        || api.http_routes.iter().any(|r| r.authorized)
}

pub(super) fn header<'a>(ms: &'a [Mapping], name: &str) -> Option<&'a Mapping> {
    ms.iter()
        .find(|m| m.header().is_some_and(|h| h.eq_ignore_ascii_case(name)))
}

/// The response API Gateway sends, as far as static mappings say.
pub(super) fn static_response(ms: &[Mapping]) -> Response {
    Response {
        status: 200,
        headers: ms
            .iter()
            .filter_map(|m| Some((m.header()?.to_string(), m.literal()?.to_string())))
            .collect(),
    }
}

/// A template that sets Allow-Origin per request (CORS-FACTS: REST, several origins).
pub(super) fn overrides_origin(templates: &[Value]) -> bool {
    templates.iter().any(|t| {
        t.text
            .as_deref()
            .is_some_and(|s| s.contains("responseOverride.header.Access-Control-Allow-Origin"))
    })
}
