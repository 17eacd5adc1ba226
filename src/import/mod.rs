//! `import`: the policy (TOML) that describes what IaC files deploy, read from
//! the same neutral model `audit` judges ([`crate::audit::model`]): origins
//! (the static Allow-Origin, then the exact origins and one-label patterns of
//! an origin-picking response template), methods, headers, credentials, max
//! age and preflight status from each path's preflight; routes with their
//! integration and authorization; gateway responses that carry CORS. A path
//! whose preflight differs from the API's most common one gets `[routes.cors]`.
//!
//! [`rest`] reads a REST API's preflights, routes and gateway responses;
//! [`http`] an HTTP API's CORS configuration and routes.

mod environments;
mod http;
mod layer;
mod rest;

use crate::audit::model::{Api, ApiKind, unquoted};
use crate::diagnostic::SourceFile;
use std::fmt::Write as _;

/// The CORS a path's responses carry.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Cors {
    pub(super) origins: Vec<String>,
    pub(super) methods: Vec<String>,
    pub(super) headers: Vec<String>,
    pub(super) expose: Vec<String>,
    pub(super) credentials: bool,
    pub(super) max_age: Option<String>,
    pub(super) status: Option<String>,
}

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
        [one] => Ok(environments::policy_per_environment(one, files)
            .unwrap_or_else(|| policy(one, files, None))),
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

pub(super) fn names(apis: &[Api]) -> String {
    apis.iter()
        .map(|a| a.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A policy `api.name`: 1-64 of [a-z0-9-], starting with a letter.
pub(super) fn slug(name: &str) -> String {
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

pub(super) fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A value read from the files as TOML: an integer when it is one as TOML
/// writes integers (no sign, no leading zero), otherwise a string, so any text
/// in the files (`026`, `10m`, a newline) gives a policy that parses and lint
/// judges, never TOML that breaks or keys the files injected.
pub(super) fn number_or_string(s: &str) -> String {
    let plain =
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    match s.parse::<i64>() {
        Ok(n) if plain => n.to_string(),
        _ => q(s),
    }
}

/// The origins each environment gets, from values the files choose per
/// environment (a stage parameter's mapping, a workspace-keyed map):
/// `(environment, origins)`, in the files' order, names made valid policy
/// environment names ([a-z][a-z0-9]{0,39}).
pub(super) fn origins_per_env<'a>(
    values: impl Iterator<Item = &'a crate::audit::model::Value>,
) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for v in values {
        for (env, text) in &v.per_env {
            let Some(name) = env_name(env) else {
                continue;
            };
            let t = unquoted(text);
            let slot = match out.iter().position(|(n, _)| *n == name) {
                Some(i) => &mut out[i].1,
                None => {
                    out.push((name, vec![]));
                    &mut out.last_mut().unwrap().1
                }
            };
            for o in split(t) {
                if !slot.contains(&o) {
                    slot.push(o);
                }
            }
        }
    }
    out
}

/// A policy environment name ([a-z][a-z0-9]{0,39}) for one the files use
/// (`Prod`, `staging-eu`), or `None` when none can be made of it.
pub(super) fn env_name(name: &str) -> Option<String> {
    let n: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .take(40)
        .collect();
    n.starts_with(|c: char| c.is_ascii_lowercase()).then_some(n)
}

/// `[environments.<name>]` tables giving each environment its origins, or
/// the tables the caller gives.
pub(super) fn write_environments(
    out: &mut String,
    envs: &[(String, Vec<String>)],
    given: Option<&str>,
) {
    if let Some(text) = given {
        out.push_str(text);
        return;
    }
    for (name, origins) in envs {
        let _ = writeln!(
            out,
            "\n[environments.{name}]\ncors = {{ allow_origins = {} }}",
            list(origins)
        );
    }
}

pub(super) fn list(v: &[String]) -> String {
    format!(
        "[{}]",
        v.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
    )
}

pub(super) use crate::audit::model::split_list as split;

/// `full`: a `[routes.cors]` override, which merges over `[cors]`, so every
/// list and the credentials flag are written even when empty or false.
pub(super) fn write_cors(out: &mut String, c: &Cors, full: bool) {
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
        let _ = writeln!(out, "max_age = {}", number_or_string(m));
    }
    if let Some(s) = &c.status {
        let _ = writeln!(out, "preflight_status = {}", number_or_string(s));
    }
}

/// `given_environments`: the `[environments]` tables to write, when the
/// caller computed them from per-environment views (environments.rs);
/// `None` reads them from the values the files choose per environment.
pub(super) fn policy(api: &Api, files: &[SourceFile], given_environments: Option<&str>) -> String {
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
    // The team's own Terraform API: the policy is its CORS layer (layer.rs).
    let layer = api
        .terraform
        .as_ref()
        .filter(|_| !api.methods.is_empty() || !api.http_routes.is_empty());
    // An API the files only add to (a module's var.rest_api_id, a template's
    // RestApiId parameter): what they hold is a CORS layer too.
    if layer.is_some() || api.declared_elsewhere {
        let _ = writeln!(out, "scope = \"cors\"");
    }
    // The team's own OpenAPI document: it stays the source of the routes and
    // build writes it back with the CORS layer added (DESIGN.md, "OpenAPI").
    let document = api
        .document
        .and_then(|i| files.get(i))
        .map(|f| f.name.as_str());
    if let Some(path) = document {
        let _ = writeln!(
            out,
            "openapi = {} # the team's document, relative to where this policy is saved: its paths are the routes",
            q(path)
        );
    }
    match api.kind {
        ApiKind::Rest => rest::rest(api, &mut out, given_environments),
        ApiKind::Http => http::http(api, &mut out, given_environments),
    }
    if let Some(tf) = layer {
        layer::module_block(api, tf, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 28: Max-Age and the preflight status were written as found; a
    /// newline injected keys, `026` and `10m` gave TOML that did not parse.
    #[test]
    fn imported_scalars_always_parse_as_toml() {
        for (found, written) in [
            ("600", "600"),
            ("0", "0"),
            ("026", "\"026\""),
            ("10m", "\"10m\""),
            ("-5", "\"-5\""),
            ("99999999999999999999", "\"99999999999999999999\""),
        ] {
            assert_eq!(number_or_string(found), written, "{found}");
        }
        let hostile = "600\n[api]\nname = \"evil\"";
        let line = format!("max_age = {}", number_or_string(hostile));
        let parsed: toml::Table = toml::from_str(&line).unwrap();
        assert_eq!(parsed.len(), 1, "{line}");
        assert_eq!(parsed["max_age"].as_str(), Some(hostile));
    }
}
