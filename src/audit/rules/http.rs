//! HTTP APIs: `cors_configuration` / `CorsConfiguration` /
//! `x-amazon-apigateway-cors`, and authorizers on catch-all routes.

use super::allowed::{Allowed, check, literal_list};
use super::response::{max_age, origin_problem, wildcard_headers};
use super::templated::templated_origin;
use super::*;
use crate::browser::{self, Block, Request};

pub(super) fn http(api: &Api, out: &mut Vec<Finding>) {
    if let Some(c) = &api.cors {
        let creds = c.credentials.as_ref().and_then(|v| v.text.as_deref()) == Some("true");
        for o in &c.origins {
            let Some(v) = o.text.as_deref() else {
                templated_origin(o, out);
                continue;
            };
            let resp = Response::from_pairs(
                204,
                &[
                    (ALLOW_ORIGIN, v),
                    (
                        "Access-Control-Allow-Credentials",
                        if creds { "true" } else { "" },
                    ),
                ],
            );
            let req = Request {
                origin: v.split(',').next().unwrap_or("").trim().into(),
                method: "GET".into(),
                headers: vec![],
                credentials: creds,
            };
            match browser::cors_check(&req, &resp) {
                Err(Block::SeveralOrigins(_)) => out.push(at(
                    Code::SeveralOriginsInOneHeader,
                    &o.loc,
                    format!("`{v}` is several origins in one entry: API Gateway compares it as one string, so no origin matches"),
                    "list each origin as its own entry",
                )),
                // CORS-FACTS, HTTP API: the service rejects allow_credentials with `*`.
                Err(Block::WildcardWithCredentials) => out.push(at(
                    Code::WildcardOriginWithCredentials,
                    c.credentials.as_ref().map_or(&o.loc, |x| &x.loc),
                    "allow_credentials with the `*` origin: API Gateway refuses it (\"allow-credentials is not supported if 'allow-origin' is *\") and browsers would too",
                    "list the exact origins instead of `*`, or drop allow_credentials",
                )),
                _ if v != "*" => {
                    if let Some(help) = origin_problem(v) {
                        out.push(at(Code::OriginNotSerialized, &o.loc, format!("`{v}` is not an origin as browsers send it, so it never matches"), help));
                    }
                }
                _ => {}
            }
        }
        let names: Vec<&str> = c.headers.iter().filter_map(|h| h.text.as_deref()).collect();
        if let Some(first) = c.headers.first() {
            wildcard_headers(names.iter().copied(), &first.loc, out);
        }
        if let Some(m) = &c.max_age
            && let Some(t) = m.text.as_deref()
        {
            max_age(t, &m.loc, ApiKind::Http, out);
        }
    }
    // CORS-FACTS, HTTP API: an authorizer on $default or ANY /{proxy+} catches preflights.
    // Routes from resources/events, and from an OpenAPI body's operations.
    let from_body: Vec<HttpRoute> = api
        .methods
        .iter()
        .map(|m| HttpRoute {
            key: format!("{} {}", m.method, m.path),
            loc: m.loc.clone(),
            authorized: m.is_authorized(),
            kind: m
                .authorization
                .as_ref()
                .and_then(|a| a.text.clone())
                .unwrap_or_default(),
            integration: None,
            authorizer: m.authorizer.clone(),
        })
        .collect();
    let routes: Vec<&HttpRoute> = api.http_routes.iter().chain(&from_body).collect();
    if let Some(c) = &api.cors {
        // Judged only when the lists are written: what API Gateway answers
        // for an absent allow_methods / allow_headers is not confirmed.
        let needs: Vec<(String, String, Vec<String>)> = routes
            .iter()
            .filter_map(|r| {
                let (m, p) = r.key.split_once(' ')?;
                // Authorized, by an authorizer whose kind the files do not say.
                let kind = if r.authorized && (r.kind.is_empty() || r.kind == "NONE") {
                    "CUSTOM"
                } else {
                    r.kind.as_str()
                };
                Some((
                    p.to_string(),
                    m.to_ascii_uppercase(),
                    api.auth_headers(kind, r.authorizer.as_deref(), false),
                ))
            })
            .collect();
        let creds = c.credentials.as_ref().and_then(|v| v.text.as_deref()) == Some("true");
        check(
            &Allowed {
                methods: (!c.methods.is_empty())
                    .then(|| literal_list(&c.methods))
                    .flatten(),
                headers: (!c.headers.is_empty())
                    .then(|| literal_list(&c.headers))
                    .flatten(),
                credentials: creds,
                methods_at: c.methods.first().map_or(&c.loc, |v| &v.loc),
                headers_at: c.headers.first().map_or(&c.loc, |v| &v.loc),
                methods_key: "the CORS configuration's allow_methods (AllowMethods, allowMethods)",
                headers_key: "the CORS configuration's allow_headers (AllowHeaders, allowHeaders)",
            },
            &needs,
            out,
        );
    }
    let open_options = routes
        .iter()
        .any(|r| r.key.starts_with("OPTIONS ") && !r.authorized);
    for r in routes {
        let catch_all = r.key == "$default" || (r.key.starts_with("ANY ") && r.key.ends_with("+}"));
        if catch_all && r.authorized && !open_options {
            out.push(at(
                Code::PreflightBehindAuthorizer,
                &r.loc,
                format!("the authorizer on `{}` also catches OPTIONS preflights, which carry no credentials and fail", r.key),
                "add an `OPTIONS /{proxy+}` route with no authorizer",
            ));
        }
    }
}
