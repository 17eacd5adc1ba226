//! `import`: the policy (TOML) that describes what IaC files deploy, read from
//! the same neutral model `audit` judges ([`crate::audit::model`]): origins
//! (the static Allow-Origin, then the exact origins and one-label patterns of
//! an origin-picking response template), methods, headers, credentials, max
//! age and preflight status from each path's preflight; routes with their
//! integration and authorization; gateway responses that carry CORS. A path
//! whose preflight differs from the API's most common one gets `[routes.cors]`.

use crate::audit::model::{Api, ApiKind, Mapping, Method};
use crate::diagnostic::SourceFile;
use std::fmt::Write as _;

/// The policy text for the one API in `files` (or the one named `api`).
pub fn import(files: &[SourceFile], api: Option<&str>) -> Result<String, String> {
    let (apis, parse) = crate::audit::apis(files);
    if let Some((f, d)) = files
        .iter()
        .zip(&parse)
        .find_map(|(f, ds)| ds.first().map(|d| (f, d)))
    {
        let at = f.line_col(d.span.as_ref().map_or(0, |s| s.start));
        return Err(format!(
            "{}:{}:{}: {}",
            f.name, at.line, at.column, d.message
        ));
    }
    let chosen: Vec<&Api> = apis
        .iter()
        .filter(|a| api.is_none_or(|n| a.name == n || slug(&a.name) == n))
        .collect();
    match chosen.as_slice() {
        [one] => Ok(policy(one)),
        [] if apis.is_empty() => Err("no API Gateway API found in these files".into()),
        [] => Err(format!(
            "no API named `{}`; found: {}",
            api.unwrap_or(""),
            names(&apis)
        )),
        _ => Err(format!(
            "these files declare several APIs ({}); choose one with --api NAME",
            names(&apis)
        )),
    }
}

fn names(apis: &[Api]) -> String {
    apis.iter()
        .map(|a| a.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A policy `api.name`: 1-64 of [a-z0-9-], starting with a letter.
fn slug(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    s = s.trim_matches('-').to_string();
    if !s.starts_with(|c: char| c.is_ascii_lowercase()) {
        s = format!("api-{s}");
    }
    s.truncate(64);
    s.trim_end_matches('-').to_string()
}

fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn list(v: &[String]) -> String {
    format!(
        "[{}]",
        v.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
    )
}

fn split(v: &str) -> Vec<String> {
    v.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The CORS a path's responses carry.
#[derive(Debug, Clone, PartialEq, Default)]
struct Cors {
    origins: Vec<String>,
    methods: Vec<String>,
    headers: Vec<String>,
    expose: Vec<String>,
    credentials: bool,
    max_age: Option<String>,
    status: Option<String>,
}

fn literal<'a>(ms: &'a [Mapping], name: &str) -> Option<&'a str> {
    ms.iter()
        .find(|m| m.header().is_some_and(|h| h.eq_ignore_ascii_case(name)))
        .and_then(Mapping::literal)
}

/// Origins a corsform-style template accepts: `$origin == 'x'` and
/// `$origin.matches('^https://<label>\.a\.b$')` (the label regex of derive::vtl).
fn template_origins(t: &str, out: &mut Vec<String>) {
    for part in t.split("$origin") {
        if let Some(rest) = part.trim_start().strip_prefix("== '")
            && let Some(end) = rest.find('\'')
        {
            out.push(rest[..end].to_string());
        }
        if let Some(rest) = part.strip_prefix(".matches('")
            && let Some(end) = rest.find('\'')
        {
            let re = &rest[..end];
            let label = crate::derive::vtl::LABEL_REGEX;
            if let Some((scheme, tail)) = re
                .trim_start_matches('^')
                .trim_end_matches('$')
                .split_once("://")
                && let Some(suffix) = tail.strip_prefix(label)
            {
                out.push(format!("{scheme}://*{}", suffix.replace("\\.", ".")));
            }
        }
    }
}

fn path_cors(api: &Api, path: &str) -> Option<Cors> {
    let o = api.method(path, "OPTIONS")?;
    let i = o.integration.as_ref()?;
    let r = i.responses.first()?;
    let ms = &r.mappings;
    let mut origins: Vec<String> = literal(ms, "Access-Control-Allow-Origin")
        .map(|s| vec![s.to_string()])
        .unwrap_or_default();
    for t in r.templates.iter().filter_map(|t| t.text.as_deref()) {
        template_origins(t, &mut origins);
    }
    let mut seen = Vec::new();
    origins.retain(|o| {
        !seen.contains(o) && {
            seen.push(o.clone());
            true
        }
    });
    let mut expose = literal(ms, "Access-Control-Expose-Headers")
        .map(split)
        .unwrap_or_default();
    if expose.is_empty() {
        let actual = api
            .methods
            .iter()
            .filter(|m| m.path == path && m.method != "OPTIONS")
            .filter_map(|m| m.integration.as_ref())
            .flat_map(|i| i.responses.first())
            .find_map(|r| literal(&r.mappings, "Access-Control-Expose-Headers"));
        expose = actual.map(split).unwrap_or_default();
    }
    Some(Cors {
        origins,
        methods: literal(ms, "Access-Control-Allow-Methods")
            .map(split)
            .unwrap_or_default(),
        headers: literal(ms, "Access-Control-Allow-Headers")
            .map(split)
            .unwrap_or_default(),
        expose,
        credentials: literal(ms, "Access-Control-Allow-Credentials") == Some("true"),
        max_age: literal(ms, "Access-Control-Max-Age").map(str::to_string),
        status: Some(r.status.clone()).filter(|s| s == "200"),
    })
}

/// `full`: a `[routes.cors]` override, which merges over `[cors]`, so every
/// list and the credentials flag are written even when empty or false.
fn write_cors(out: &mut String, c: &Cors, full: bool) {
    let _ = writeln!(out, "allow_origins = {}", list(&c.origins));
    if full || !c.methods.is_empty() {
        let _ = writeln!(out, "allow_methods = {}", list(&c.methods));
    }
    if full || !c.headers.is_empty() {
        let _ = writeln!(out, "allow_headers = {}", list(&c.headers));
    }
    if full || !c.expose.is_empty() {
        let _ = writeln!(out, "expose_headers = {}", list(&c.expose));
    }
    if full || c.credentials {
        let _ = writeln!(out, "allow_credentials = {}", c.credentials);
    }
    if let Some(m) = &c.max_age {
        let _ = writeln!(out, "max_age = {m}");
    }
    if let Some(s) = &c.status {
        let _ = writeln!(out, "preflight_status = {s}");
    }
}

fn integration(m: &Method) -> &'static str {
    match m.integration.as_ref().map(|i| i.kind.as_str()) {
        Some("MOCK") => "mock",
        Some("HTTP_PROXY") | Some("HTTP") => "http",
        _ => "lambda",
    }
}

fn authorization(m: &Method) -> &'static str {
    let a = m
        .authorization
        .as_ref()
        .and_then(|a| a.text.as_deref())
        .unwrap_or("NONE");
    match a.to_ascii_uppercase().as_str() {
        "NONE" => "none",
        "AWS_IAM" | "SIGV4" => "iam",
        "COGNITO_USER_POOLS" | "COGNITO" => "cognito",
        "JWT" => "jwt",
        _ => "custom",
    }
}

fn policy(api: &Api) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Imported by `corsform import` from what the files deploy; review it, then\n# `corsform build --check` guards it from now on.\nversion = 1\n\n[api]\nname = {}",
        q(&slug(&api.name))
    );
    let _ = writeln!(
        out,
        "type = {}",
        q(if api.kind == ApiKind::Rest {
            "rest"
        } else {
            "http"
        })
    );
    // A stage name the policy accepts ($default is the HTTP default already).
    let stage = api.stage.as_ref().filter(|st| {
        !st.is_empty()
            && st
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    });
    if let Some(st) = stage {
        let _ = writeln!(out, "stage = {}", q(st));
    }
    match api.kind {
        ApiKind::Rest => rest(api, &mut out),
        ApiKind::Http => http(api, &mut out),
    }
    out
}

fn rest(api: &Api, out: &mut String) {
    out.push_str("\n[cors]\n");
    let paths = api.paths();
    let per_path: Vec<(&str, Option<Cors>)> =
        paths.iter().map(|p| (*p, path_cors(api, p))).collect();
    // The API-wide CORS: the most common preflight.
    let mut best: Option<(&Cors, usize)> = None;
    for (_, c) in per_path.iter() {
        let Some(c) = c else { continue };
        let n = per_path
            .iter()
            .filter(|(_, o)| o.as_ref() == Some(c))
            .count();
        if best.is_none_or(|(_, b)| n > b) {
            best = Some((c, n));
        }
    }
    let base = best.map(|(c, _)| c.clone()).unwrap_or_default();
    write_cors(out, &base, false);
    let with_cors: Vec<&str> = api
        .gateway_responses
        .iter()
        .filter(|g| {
            g.mappings
                .iter()
                .any(|m| m.header() == Some("Access-Control-Allow-Origin"))
        })
        .map(|g| g.response_type.as_str())
        .collect();
    let reflect = api
        .gateway_responses
        .iter()
        .flat_map(|g| &g.mappings)
        .any(|m| {
            m.header() == Some("Access-Control-Allow-Origin")
                && m.value
                    .text
                    .as_deref()
                    .is_some_and(|v| v.starts_with("method.request.header."))
        });
    let _ = writeln!(
        out,
        "\n[gateway_responses]\ntypes = {}\norigin = {}",
        list(&with_cors.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
        q(if reflect { "reflect" } else { "first" })
    );
    for (path, c) in &per_path {
        let methods: Vec<&Method> = api
            .methods
            .iter()
            .filter(|m| m.path == *path && m.method != "OPTIONS")
            .collect();
        // One route per (integration, authorization) on the path.
        let mut groups: Vec<((&str, &str), Vec<String>)> = Vec::new();
        for m in &methods {
            let key = (integration(m), authorization(m));
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, ms)) => ms.push(m.method.clone()),
                None => groups.push((key, vec![m.method.clone()])),
            }
        }
        for ((integ, auth), ms) in groups {
            let _ = writeln!(
                out,
                "\n[[routes]]\npath = {}\nmethods = {}",
                q(path),
                list(&ms)
            );
            if integ != "lambda" {
                let _ = writeln!(out, "integration = {}", q(integ));
            }
            if auth != "none" {
                let _ = writeln!(out, "authorization = {}", q(auth));
            }
            if let Some(c) = c.as_ref().filter(|c| **c != base) {
                out.push_str("\n[routes.cors]\n");
                write_cors(out, c, true);
            }
        }
    }
}

fn http(api: &Api, out: &mut String) {
    out.push_str("\n[cors]\n");
    match &api.cors {
        Some(c) => {
            let texts = |v: &[crate::audit::model::Value]| v.iter().filter_map(|x| x.text.clone()).collect::<Vec<_>>();
            write_cors(
                out,
                &Cors {
                    origins: texts(&c.origins),
                    methods: texts(&c.methods),
                    headers: texts(&c.headers),
                    expose: texts(&c.expose),
                    credentials: c.credentials.as_ref().and_then(|v| v.text.as_deref()) == Some("true"),
                    max_age: c.max_age.as_ref().and_then(|v| v.text.clone()),
                    status: None,
                },
                false,
            );
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
            Some((_, ms, _)) => ms.push(m.to_string()),
            None => routes.push((p.to_string(), vec![m.to_string()], how)),
        }
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
fn http_auth(authorized: bool, kind: &str) -> &'static str {
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
