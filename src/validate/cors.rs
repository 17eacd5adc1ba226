//! `[cors]` and `[routes.cors]`: the effective CORS settings (per-route ones
//! resolved onto the checked routes, one per path), with every rule
//! that depends on how settings combine (credentials with `*`, `*` headers
//! without Authorization, route methods the browser would be refused). Facts
//! from the Fetch standard (CORS-preflight fetch, CORS check): with credentials,
//! `*` in Allow-Origin fails and `*` in the other lists is a literal name;
//! `Authorization` is never covered by `*`; GET, HEAD and POST are CORS-safelisted
//! methods and pass the preflight's method check whatever Allow-Methods says.

use super::routes::CheckedRoute;
use super::{Findings, closed_set, max_age, origins, tokens};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Api, ApiType, Authorization, Cors, Integration, METHODS, Owner};
use crate::policy::Sp;
use crate::policy::raw::{RawCors, RawPolicy};
use std::ops::Range;

const SAFELISTED_METHODS: &[&str] = &["GET", "HEAD", "POST"];

/// The API-wide `[cors]` table.
pub fn validate(
    raw: &Sp<RawCors>,
    api_type: Option<ApiType>,
    routes: &[CheckedRoute],
    document_methods: &[String],
    f: &mut Findings,
) -> Option<Cors> {
    if raw.allow_origins.is_none() {
        f.missing("allow_origins", "[cors]", raw.span());
    }
    let route_methods = routes.iter().flat_map(|r| r.route.methods.iter());
    let default_methods = union_of_route_methods(route_methods.chain(document_methods));
    let cors = effective(raw, None, api_type, &default_methods, f)?;
    let scoped: Vec<&CheckedRoute> = routes.iter().filter(|r| r.raw.cors.is_none()).collect();
    check_route_methods(raw, &cors, &scoped, f);
    check_route_headers(&cors, &scoped, f);
    Some(cors)
}

/// A route's `[routes.cors]`, merged over the API-wide settings.
pub fn validate_override(
    raw: &Sp<RawCors>,
    base: &Cors,
    api_type: Option<ApiType>,
    route: &CheckedRoute,
    f: &mut Findings,
) -> Option<Cors> {
    if let Some(owner) = &raw.owner {
        f.push(
            Diagnostic::new(
                Code::InvalidValue,
                "`owner` applies to the whole API, not to one route",
                owner.span(),
            )
            .label("per-route owner")
            .help("set owner in [cors], or remove it here"),
        );
    }
    let cors = effective(raw, Some(base), api_type, &base.allow_methods, f)?;
    check_route_methods(raw, &cors, &[route], f);
    check_route_headers(&cors, &[route], f);
    Some(cors)
}

fn effective(
    raw: &Sp<RawCors>,
    base: Option<&Cors>,
    api_type: Option<ApiType>,
    default_methods: &[String],
    f: &mut Findings,
) -> Option<Cors> {
    let credentials = raw
        .allow_credentials
        .as_ref()
        .map(|c| *c.get())
        .or(base.map(|b| b.allow_credentials))
        .unwrap_or(false);

    let allow_origins = match (&raw.allow_origins, base) {
        (Some(list), _) => origins::validate(list, api_type, credentials, f),
        (None, Some(b)) => {
            if credentials && b.allows_any_origin() {
                let at = raw
                    .allow_credentials
                    .as_ref()
                    .map_or(raw.span(), |c| c.span());
                f.push(
                    Diagnostic::new(Code::WildcardOriginWithCredentials, "credentials enabled here while [cors] allows origin `*`", at)
                        .label("credentials with an inherited `*` origin")
                        .help("list exact origins in this [routes.cors], or leave allow_credentials false"),
                );
            }
            b.allow_origins.clone()
        }
        (None, None) => vec![],
    };
    let allow_methods = match &raw.allow_methods {
        Some(list) => tokens::cors_methods(list, f),
        None => default_methods.to_vec(),
    };
    let allow_headers = match &raw.allow_headers {
        Some(list) => tokens::headers(list, "allow_headers", f),
        None => base.map(|b| b.allow_headers.clone()).unwrap_or_default(),
    };
    let expose_headers = match &raw.expose_headers {
        Some(list) => tokens::headers(list, "expose_headers", f),
        None => base.map(|b| b.expose_headers.clone()).unwrap_or_default(),
    };
    let max_age = match &raw.max_age {
        Some(m) => max_age::validate(m, api_type, f),
        None => base.and_then(|b| b.max_age),
    };
    let preflight_status = match &raw.preflight_status {
        Some(s) if api_type == Some(ApiType::Http) => {
            f.push(rest_only(
                s.span(),
                "preflight_status",
                "HTTP APIs answer preflights themselves with 204",
            ));
            204
        }
        Some(s) if matches!(*s.get(), 200 | 204) => *s.get() as u16,
        Some(s) => {
            f.push(
                Diagnostic::new(
                    Code::InvalidPreflightStatus,
                    format!("preflight_status {} is not allowed", s.get()),
                    s.span(),
                )
                .label("204 or 200")
                .help("use 204 (the default) or 200 for clients that need a 200"),
            );
            204
        }
        None => base.map_or(204, |b| b.preflight_status),
    };
    let owner = match &raw.owner {
        Some(o) if base.is_none() => {
            let owner = closed_set::parse(
                o,
                "owner",
                &[("gateway", Owner::Gateway), ("lambda", Owner::Lambda)],
                f,
            );
            if owner == Some(Owner::Lambda) && api_type == Some(ApiType::Rest) {
                f.push(
                    Diagnostic::new(Code::OwnerNotOnApiType, "owner = \"lambda\" applies to HTTP APIs", o.span())
                        .label("REST API")
                        .help("on REST APIs the gateway answers preflights and proxy functions add headers to their own responses; remove owner"),
                );
            }
            owner.unwrap_or(Owner::Gateway)
        }
        _ => base.map_or(Owner::Gateway, |b| b.owner),
    };

    let cors = Cors {
        allow_origins,
        allow_methods,
        allow_headers,
        expose_headers,
        allow_credentials: credentials,
        max_age,
        preflight_status,
        owner,
    };
    check_wildcards(raw, &cors, f);
    Some(cors)
}

fn rest_only(span: Range<usize>, key: &str, why: &str) -> Diagnostic {
    Diagnostic::new(
        Code::RestOnlySetting,
        format!("`{key}` applies to REST APIs only"),
        span,
    )
    .label("REST-only setting on an HTTP API")
    .help(format!("remove `{key}`: {why}"))
}

/// A list as the policy wrote it: each entry with its span.
type RawList = Option<Sp<Vec<Sp<String>>>>;

/// `*` in the header and method lists: a literal name under credentials, and
/// never a cover for Authorization.
pub(super) fn check_wildcards(raw: &Sp<RawCors>, cors: &Cors, f: &mut Findings) {
    let lists: [(&str, &RawList, &Vec<String>); 3] = [
        ("allow_headers", &raw.allow_headers, &cors.allow_headers),
        ("allow_methods", &raw.allow_methods, &cors.allow_methods),
        ("expose_headers", &raw.expose_headers, &cors.expose_headers),
    ];
    for (key, raw_list, values) in lists {
        if !values.iter().any(|v| v == "*") {
            continue;
        }
        let at = star_span(raw_list)
            .or_else(|| raw.allow_credentials.as_ref().map(|c| c.span()))
            .unwrap_or(raw.span());
        if cors.allow_credentials {
            f.push(
                Diagnostic::new(
                    Code::WildcardWithCredentials,
                    format!("`*` in {key} is not a wildcard when credentials are allowed"),
                    at,
                )
                .label("treated as a header or method literally named `*`")
                .help(format!("list the names explicitly in {key}")),
            );
        } else if key == "allow_headers" && !values.iter().any(|v| v == "authorization") {
            f.push(
                Diagnostic::new(Code::WildcardHeadersWithoutAuthorization, "`*` in allow_headers never covers the Authorization header", at)
                    .label("Authorization is not included")
                    .help("add \"authorization\" to allow_headers if clients send it (Chromium only tolerates it with a deprecation warning today)"),
            );
        }
    }
}

fn star_span(list: &Option<Sp<Vec<Sp<String>>>>) -> Option<Range<usize>> {
    list.as_ref()?
        .iter()
        .find(|i| i.as_str() == "*")
        .map(|i| i.span())
}

/// Route methods that need a preflight but are missing from an explicit allow_methods.
fn check_route_methods(raw: &Sp<RawCors>, cors: &Cors, routes: &[&CheckedRoute], f: &mut Findings) {
    if raw.allow_methods.is_none() || cors.allow_methods.iter().any(|m| m == "*") {
        return;
    }
    for r in routes {
        for (method, span) in &r.method_spans {
            let m = method.as_str();
            if m == "ANY"
                || m == "OPTIONS"
                || SAFELISTED_METHODS.contains(&m)
                || cors.allow_methods.iter().any(|a| a == m)
            {
                continue;
            }
            f.push(
                Diagnostic::new(
                    Code::MethodNotAllowed,
                    format!(
                        "{m} {} is not in allow_methods: browsers will block it",
                        r.route.path.text
                    ),
                    span.clone(),
                )
                .label(format!("{m} needs a preflight that allows it"))
                .help(format!("add \"{m}\" to allow_methods")),
            );
        }
    }
}

/// Request headers a route's authorization makes the page send, which the
/// preflight must allow (Fetch standard: neither is CORS-safelisted). SigV4
/// signs with Authorization and X-Amz-Date (a browser cannot set `Date`, a
/// forbidden header, so X-Amz-Date it is); JWT and Cognito read the bearer
/// token from Authorization. A custom authorizer's identity source is the
/// caller's, so nothing is claimed for it.
fn check_route_headers(cors: &Cors, routes: &[&CheckedRoute], f: &mut Findings) {
    let wildcard = !cors.allow_credentials && cors.allow_headers.iter().any(|h| h == "*");
    for r in routes {
        let needs: &[&str] = match r.route.authorization {
            Authorization::Iam => &["authorization", "x-amz-date"],
            Authorization::Jwt | Authorization::Cognito => &["authorization"],
            Authorization::None | Authorization::Custom => &[],
        };
        let missing: Vec<&str> = needs
            .iter()
            .copied()
            .filter(|h| {
                let listed = cors.allow_headers.iter().any(|a| a.eq_ignore_ascii_case(h));
                // `*` never covers Authorization (Fetch standard).
                let by_wildcard = wildcard && *h != "authorization";
                !(listed || by_wildcard)
            })
            .collect();
        if missing.is_empty() {
            continue;
        }
        let span = r
            .raw
            .authorization
            .as_ref()
            .map_or(r.raw.span(), |a| a.span());
        f.push(
            Diagnostic::new(
                Code::RequestHeaderNotAllowed,
                format!(
                    "{} needs {} on every request, which allow_headers does not list: browsers will block it",
                    r.route.path.text,
                    missing.join(" and ")
                ),
                span,
            )
            .label("this authorization reads those headers")
            .help(format!(
                "add {} to allow_headers",
                missing
                    .iter()
                    .map(|h| format!("\"{h}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        );
    }
}

/// The default allow_methods: every method the routes (and the `[api]
/// openapi` document's operations) use, in order of first use, `ANY` expanded
/// to every method API Gateway's ANY matches.
pub(crate) fn union_of_route_methods<'a>(methods: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in methods {
        let expanded: Vec<&str> = if m == "ANY" {
            METHODS.to_vec()
        } else {
            vec![m.as_str()]
        };
        for e in expanded {
            if !out.iter().any(|o| o == e) {
                out.push(e.to_string());
            }
        }
    }
    out
}

/// Per-route CORS (REST only) and the rules that need the API's CORS settings.
pub fn resolve_overrides<'a>(
    mut routes: Vec<CheckedRoute<'a>>,
    base: Option<&Cors>,
    api_type: Option<ApiType>,
    f: &mut Findings,
) -> Vec<CheckedRoute<'a>> {
    // By index: validate_override reads routes[i] and its result is stored back into it.
    #[allow(clippy::needless_range_loop)]
    for i in 0..routes.len() {
        let Some(raw_cors) = &routes[i].raw.cors else {
            continue;
        };
        if api_type == Some(ApiType::Http) {
            f.push(
                Diagnostic::new(
                    Code::RouteCorsOnHttpApi,
                    "HTTP APIs have one CORS configuration for the whole API",
                    raw_cors.span(),
                )
                .label("per-route [routes.cors] on an HTTP API")
                .help("move these settings to [cors], or use type = \"rest\""),
            );
            continue;
        }
        if let Some(base) = base {
            let o = validate_override(raw_cors, base, api_type, &routes[i], f);
            routes[i].route.cors_override = o;
        }
    }
    if api_type == Some(ApiType::Rest)
        && let Some(base) = base
    {
        check_one_cors_per_path(&routes, base, f);
    }
    routes
}

/// A REST path has one OPTIONS method, so every route on it must agree on CORS.
fn check_one_cors_per_path(routes: &[CheckedRoute], base: &Cors, f: &mut Findings) {
    // Path text -> the first route on it: one lookup per route, not a scan of
    // every earlier route (quadratic on large APIs).
    let mut first: std::collections::HashMap<&str, &CheckedRoute> =
        std::collections::HashMap::new();
    for r in routes {
        let mine = r.route.cors_override.as_ref().unwrap_or(base);
        let earlier = *first.entry(r.route.path.text.as_str()).or_insert(r);
        if !std::ptr::eq(earlier, r) {
            let o = earlier;
            let theirs = o.route.cors_override.as_ref().unwrap_or(base);
            if mine != theirs {
                let span = r
                    .raw
                    .cors
                    .as_ref()
                    .or(o.raw.cors.as_ref())
                    .map_or(r.raw.span(), |c| c.span());
                f.push(
                    Diagnostic::new(Code::ConflictingRouteCors, format!("routes on {} have different CORS settings, but a path has one preflight", r.route.path.text), span)
                        .label("differs from another route on the same path")
                        .help("give every route on this path the same [routes.cors], or merge them into one route"),
                );
            }
        }
    }
}

/// Who sends the CORS headers of actual responses, said once per policy.
pub fn ownership_notes(
    api: &Api,
    cors: &Cors,
    routes: &[CheckedRoute],
    raw: &RawPolicy,
    f: &mut Findings,
) {
    let proxied: Vec<&CheckedRoute> = routes
        .iter()
        .filter(|r| r.route.integration != Integration::Mock)
        .collect();
    let Some(first) = proxied.first() else { return };
    match (api.api_type, cors.owner) {
        (ApiType::Http, Owner::Gateway) => {
            let at = raw
                .api
                .as_ref()
                .and_then(|a| a.r#type.as_ref())
                .map_or(0..0, |t| t.span());
            f.push(
                Diagnostic::new(Code::GatewayOwnsCors, "API Gateway owns CORS on this HTTP API: it answers preflights and replaces CORS headers sent by integrations", at)
                    .label("cors_configuration is generated")
                    .help("do not set CORS headers in the backend; for dynamic origins set [cors] owner = \"lambda\""),
            );
        }
        (ApiType::Rest, _) => {
            let at = first
                .raw
                .integration
                .as_ref()
                .map_or(first.raw.span(), |i| i.span());
            f.push(
                Diagnostic::new(Code::BackendOwnsActualResponse, format!("{} proxy route(s): API Gateway adds no CORS headers to proxy responses", proxied.len()), at)
                    .label("the backend must send Allow-Origin on its responses")
                    .help("the function must add Access-Control-Allow-Origin (and Allow-Credentials, Expose-Headers, Vary: Origin as the policy says) to every response, errors included"),
            );
        }
        (ApiType::Http, Owner::Lambda) => {}
    }
}
