//! An HTTP API's policy: its CORS configuration and its routes (from route
//! resources, SAM events or an OpenAPI body).

use super::*;

pub(super) fn http(api: &Api, out: &mut String, given_environments: Option<&str>) {
    out.push_str("\n[cors]\n");
    match &api.cors {
        Some(c) => {
            // A value the files compute becomes its placeholder (lint names it, CF0109).
            let texts = |v: &[crate::audit::model::Value]| {
                v.iter()
                    .filter_map(|x| x.text.clone().or_else(|| super::rest::unquoted_placeholder(x)))
                    .flat_map(|x| split(&x))
                    .collect::<Vec<_>>()
            };
            let envs = origins_per_env(c.origins.iter());
            let mut origins = texts(&c.origins);
            if origins.is_empty()
                && let Some((_, first)) = envs.first()
            {
                origins = first.clone();
            }
            write_cors(
                out,
                &Cors {
                    origins,
                    methods: texts(&c.methods),
                    headers: texts(&c.headers),
                    expose: texts(&c.expose),
                    credentials: c.credentials.as_ref().and_then(|v| v.text.as_deref()) == Some("true"),
                    max_age: c.max_age.as_ref().and_then(|v| v.text.clone()),
                    status: None,
                },
                false,
            );
            write_environments(out, &envs, given_environments);
        }
        None => out.push_str("owner = \"lambda\"\nallow_origins = [\"https://app.example.com\"] # not in the files: the function owns CORS; set its origins here\n"),
    }
    // One route per path, authorization and integration.
    let mut routes: Vec<(String, Vec<String>, (&str, &str))> = Vec::new();
    let integ = |t: Option<&str>| {
        if t.is_some_and(|t| t.starts_with("HTTP")) {
            "http"
        } else {
            "lambda"
        }
    };
    let keys = api
        .http_routes
        .iter()
        .map(|r| {
            let how = (
                http_auth(r.authorized, &r.kind),
                integ(r.integration.as_deref()),
            );
            (r.key.clone(), how)
        })
        .chain(api.methods.iter().map(|m| {
            let kind = m
                .authorization
                .as_ref()
                .and_then(|a| a.text.as_deref())
                .unwrap_or("NONE");
            let i = m.integration.as_ref().map(|i| i.kind.as_str());
            (
                format!("{} {}", m.method, m.path),
                (http_auth(m.is_authorized(), kind), integ(i)),
            )
        }));
    for (key, how) in keys {
        let Some((m, p)) = key.split_once(' ') else {
            continue;
        };
        if m == "OPTIONS" && api.cors.is_none() {
            continue; // the function's preflight route, which owner = "lambda" recreates.
        }
        match routes
            .iter_mut()
            .find(|(path, _, h)| path == p && *h == how)
        {
            // A method declared twice (two files, a repeated route) is one.
            Some((_, ms, _)) if ms.iter().any(|x| x == m) => {}
            Some((_, ms, _)) => ms.push(m.to_string()),
            None => routes.push((p.to_string(), vec![m.to_string()], how)),
        }
    }
    // With [api] openapi the document gives the routes.
    if api.document.is_some() {
        return;
    }
    for (p, ms, (authorized, integration)) in routes {
        let _ = writeln!(
            out,
            "\n[[routes]]\npath = {}\nmethods = {}",
            q(&p),
            list(&ms)
        );
        if integration != "lambda" {
            let _ = writeln!(out, "integration = {}", q(integration));
        }
        if authorized != "none" {
            let _ = writeln!(out, "authorization = {}", q(authorized));
        }
    }
}

/// An HTTP API route's authorization as the policy names it. An OpenAPI
/// security scheme is known by its name only: `jwt`/`cognito` and
/// `iam`/`sigv4` in it are read as such, anything else as a Lambda authorizer.
pub(super) fn http_auth(authorized: bool, kind: &str) -> &'static str {
    let k = kind.to_ascii_lowercase();
    if !authorized {
        "none"
    } else if k.contains("jwt") || k.contains("cognito") {
        "jwt"
    } else if k.contains("iam") || k.contains("sigv4") {
        "iam"
    } else {
        "custom"
    }
}
