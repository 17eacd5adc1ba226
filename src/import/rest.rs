//! A REST API's policy: the CORS of each path's preflight (static headers and
//! the origins an origin-picking template accepts), the most common one as
//! `[cors]` and the others as `[routes.cors]`; routes; gateway responses.

use super::*;
use crate::audit::model::{Mapping, Method};

pub(super) fn literal<'a>(ms: &'a [Mapping], name: &str) -> Option<&'a str> {
    ms.iter()
        .find(|m| m.header().is_some_and(|h| h.eq_ignore_ascii_case(name)))
        .and_then(Mapping::literal)
}

/// A static value, or the placeholder of one the files compute
/// (`'${var.origin}'` -> `${var.origin}`), which lint names (CF0109):
/// import never drops a value it could not know.
pub(super) fn literal_or_placeholder(ms: &[Mapping], name: &str) -> Option<String> {
    let m = ms
        .iter()
        .find(|m| m.header().is_some_and(|h| h.eq_ignore_ascii_case(name)))?;
    match m.literal() {
        Some(l) => Some(l.to_string()),
        None => unquoted_placeholder(&m.value),
    }
}

/// A computed value's template without its mapping quotes, when it has an
/// unknown part.
pub(super) fn unquoted_placeholder(v: &crate::audit::model::Value) -> Option<String> {
    let t = v.template.as_deref()?;
    let t = t
        .strip_prefix('\'')
        .and_then(|x| x.strip_suffix('\''))
        .unwrap_or(t);
    t.contains("${").then(|| t.to_string())
}

/// SAM's `Cors` (AWS::Serverless::Api or Globals.Api): one quoted origin, or
/// an object of quoted strings. SAM writes a preflight for every path
/// (samtranslator swagger.add_cors), so it is the API-wide CORS.
fn sam_cors(c: &crate::audit::model::CorsConfig) -> Cors {
    use crate::audit::model::Value;
    let one = |v: &Value| -> Option<String> {
        match &v.text {
            Some(t) => Some(
                t.strip_prefix('\'')
                    .and_then(|x| x.strip_suffix('\''))
                    .unwrap_or(t)
                    .to_string(),
            ),
            None => unquoted_placeholder(v),
        }
    };
    let all = |vs: &[Value]| -> Vec<String> {
        vs.iter().filter_map(one).flat_map(|v| split(&v)).collect()
    };
    Cors {
        origins: all(&c.origins),
        methods: all(&c.methods),
        headers: all(&c.headers),
        expose: vec![],
        credentials: c
            .credentials
            .as_ref()
            .and_then(|v| v.text.as_deref())
            .is_some_and(|t| t == "true" || t == "'true'"),
        max_age: c.max_age.as_ref().and_then(one),
        status: None,
    }
}

/// Origins a corsform-style template accepts: `$origin == 'x'` and
/// `$origin.matches('^https://<label>\.a\.b$')` (the label regex of derive::vtl).
pub(super) fn template_origins(t: &str, out: &mut Vec<String>) {
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

pub(super) fn path_cors(api: &Api, path: &str) -> Option<Cors> {
    let o = api.method(path, "OPTIONS")?;
    let i = o.integration.as_ref()?;
    let r = i.responses.first()?;
    let ms = &r.mappings;
    let mut origins: Vec<String> = literal_or_placeholder(ms, "Access-Control-Allow-Origin")
        .map(|s| vec![s])
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

pub(super) fn integration(m: &Method) -> &'static str {
    match m.integration.as_ref().map(|i| i.kind.as_str()) {
        Some("MOCK") => "mock",
        Some("HTTP_PROXY") | Some("HTTP") => "http",
        _ => "lambda",
    }
}

pub(super) fn authorization(m: &Method) -> &'static str {
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

pub(super) fn rest(api: &Api, out: &mut String) {
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
    let mut base = match (&api.sam_cors, best) {
        (Some(c), None) => sam_cors(c),
        (_, best) => best.map(|(c, _)| c.clone()).unwrap_or_default(),
    };
    if base.origins.is_empty() {
        // No preflight anywhere (a GET-only API): the origins its actual and
        // error responses grant are the ones it serves; never drop them.
        let responses = api
            .methods
            .iter()
            .filter_map(|m| m.integration.as_ref())
            .flat_map(|i| &i.responses)
            .map(|r| &r.mappings)
            .chain(api.gateway_responses.iter().map(|g| &g.mappings));
        for ms in responses {
            if let Some(o) = literal_or_placeholder(ms, "Access-Control-Allow-Origin")
                && !o.starts_with("method.request.")
                && !base.origins.contains(&o)
            {
                base.origins.push(o);
            }
        }
    }
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
                // A method declared twice (two files, a repeated resource) is one.
                Some((_, ms)) if ms.contains(&m.method) => {}
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
