//! What a bucket or function URL answers (docs/design.md "The rest of the
//! browser's path"), so explain, serve and the matrix judge a request to one
//! as they judge a route. A request names one by an address in place of the
//! path: `bucket:uploads`, `function_url:thumbnails`, optionally followed by
//! an object key or a path (`bucket:uploads/photos/a.jpg`), with or without a
//! leading `/` (serve receives it as a URL path).
//!
//! - S3 (User Guide, "How does Amazon S3 evaluate the CORS configuration on a
//!   bucket?" and "Elements of a CORS configuration"): the first rule whose
//!   AllowedOrigins match the Origin (one `*` matching any characters), whose
//!   AllowedMethods hold the method (or Access-Control-Request-Method) and
//!   whose AllowedHeaders cover every requested header decides. A matching
//!   rule gives Allow-Origin (the request's origin, or `*` when the rule
//!   allows `*`), Allow-Credentials: true unless `*`, the rule's methods, the
//!   requested headers echoed, Expose-Headers, Max-Age and Vary. Without a
//!   match a preflight is refused with 403 and an actual response carries no
//!   CORS headers. S3 adds the headers to its error responses too (a 403 for
//!   an expired presigned URL). LocalStack's S3 CORS handler implements the
//!   same evaluation; the conformance tier checks the generated configuration
//!   against it.
//! - Lambda function URLs (Lambda developer guide, "Function URLs: CORS";
//!   API reference "Cors"): Lambda answers the preflight itself from the
//!   URL's cors block and adds Allow-Origin (the matched origin, or `*`),
//!   Allow-Credentials and Expose-Headers to the function's responses.

use super::{Answer, Exchange, answer, http_gateway};
use crate::browser::{Request, Response};
use crate::derive::http_api::CorsConfiguration;
use crate::model::{Cors, Origin, Policy, Service, ServiceKind};

/// The service `path` addresses, if it is an address.
pub fn addressed<'a>(policy: &'a Policy, path: &str) -> Option<&'a Service> {
    let path = path.strip_prefix('/').unwrap_or(path);
    let address = path.split('/').next().unwrap_or(path);
    policy.services.iter().find(|s| s.address() == address)
}

/// What `service` answers to `req`.
pub fn exchange(service: &Service, req: &Request) -> Exchange {
    let (preflight, actual, error) = match service.kind {
        ServiceKind::Bucket => bucket(&service.cors, req),
        ServiceKind::FunctionUrl => function_url(&service.cors, req),
    };
    Exchange {
        route: Some(service.address()),
        preflight,
        actual,
        error,
    }
}

/// S3's origin match: one `*` in an AllowedOrigin matches any characters,
/// dots included (so corsform's one-label pattern is wider here: lint CF1103).
fn s3_origin_matches(allowed: &Origin, origin: &str) -> bool {
    match allowed {
        Origin::Any => true,
        Origin::Exact(s) => s == origin,
        Origin::Pattern { .. } => {
            let text = allowed.as_str();
            let (before, after) = text.split_once('*').unwrap_or((text, ""));
            origin.len() > before.len() + after.len()
                && origin.starts_with(before)
                && origin.ends_with(after)
        }
    }
}

fn bucket(cors: &Cors, req: &Request) -> (Answer, Answer, Answer) {
    let origin = req.origin.as_str();
    let origin_ok = cors
        .allow_origins
        .iter()
        .any(|o| s3_origin_matches(o, origin));
    let method_ok = cors.allow_methods.contains(&req.method);
    let wildcard_headers = cors.allow_headers.iter().any(|h| h == "*");
    let headers_ok = req
        .headers
        .iter()
        .all(|(h, _)| wildcard_headers || cors.allow_headers.iter().any(|a| a == h));
    let any = cors.allows_any_origin();
    let granted = |preflight: bool| -> Vec<(String, String)> {
        let mut h = vec![(
            "Access-Control-Allow-Origin".to_string(),
            if any {
                "*".to_string()
            } else {
                origin.to_string()
            },
        )];
        if !any {
            h.push(("Access-Control-Allow-Credentials".into(), "true".into()));
        }
        h.push((
            "Vary".into(),
            "Origin, Access-Control-Request-Headers, Access-Control-Request-Method".into(),
        ));
        h.push((
            "Access-Control-Allow-Methods".into(),
            cors.allow_methods.join(", "),
        ));
        if preflight && !req.headers.is_empty() {
            let names: Vec<&str> = req.headers.iter().map(|(n, _)| n.as_str()).collect();
            h.push(("Access-Control-Allow-Headers".into(), names.join(", ")));
        }
        if !cors.expose_headers.is_empty() {
            h.push((
                "Access-Control-Expose-Headers".into(),
                cors.expose_headers.join(", "),
            ));
        }
        if let Some(m) = cors.max_age {
            h.push(("Access-Control-Max-Age".into(), m.to_string()));
        }
        h
    };
    let preflight = if origin_ok && method_ok && headers_ok {
        answer(
            Response {
                status: 200,
                headers: granted(true),
            },
            "S3 (the bucket's CORS rule answers the preflight)",
        )
    } else {
        answer(
            Response {
                status: 403,
                headers: vec![],
            },
            "S3: 403 \"This CORS request is not allowed\" (no rule matches the origin, method and headers)",
        )
    };
    let matched = origin_ok && method_ok;
    let with = |status: u16| Response {
        status,
        headers: if matched { granted(false) } else { vec![] },
    };
    let actual = answer(
        with(200),
        if matched {
            "S3, with the headers of the bucket's matching CORS rule"
        } else {
            "S3 (no CORS rule matches: no CORS headers)"
        },
    );
    let error = answer(
        with(403),
        "S3: 403 (an expired or wrongly signed presigned URL), with the matching rule's CORS headers",
    );
    (preflight, actual, error)
}

fn function_url(cors: &Cors, req: &Request) -> (Answer, Answer, Answer) {
    // Lambda fills in the same headers from the cors block as an HTTP API
    // from its cors_configuration (same fields, same joining), answers the
    // preflight 200, and adds Vary: Origin when it echoes the origin.
    let config = CorsConfiguration {
        allow_origins: cors.allow_origins.clone(),
        allow_methods: cors.allow_methods.clone(),
        allow_headers: cors.allow_headers.clone(),
        expose_headers: cors.expose_headers.clone(),
        allow_credentials: cors.allow_credentials,
        max_age: cors.max_age,
    };
    let respond = |preflight: bool, status: u16| {
        let mut r = http_gateway(&config, &req.origin, preflight, status);
        r.status = status;
        if !r.headers.is_empty() && !cors.allows_any_origin() {
            r.headers.push(("Vary".into(), "Origin".into()));
        }
        r
    };
    (
        answer(
            respond(true, 200),
            "Lambda (the function URL's cors block answers the preflight)",
        ),
        answer(
            respond(false, 200),
            "the function, with the headers Lambda adds from the function URL's cors block",
        ),
        answer(
            respond(false, 502),
            "Lambda: 502 (the function failed), with the cors block's headers",
        ),
    )
}
