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
    let t = unquoted(v.template.as_deref()?);
    t.contains("${").then(|| t.to_string())
}

/// SAM's `Cors` (AWS::Serverless::Api or Globals.Api): one quoted origin, or
/// an object of quoted strings. SAM writes a preflight for every path
/// (samtranslator swagger.add_cors), so it is the API-wide CORS.
fn sam_cors(c: &crate::audit::model::CorsConfig) -> Cors {
    use crate::audit::model::Value;
    let one = |v: &Value| -> Option<String> {
        match &v.text {
            Some(t) => Some(unquoted(t).to_string()),
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

/// Origins an origin-picking template accepts: `$origin == 'x'` and
/// `$origin.matches('regex')`, with either quote (corsform writes `'`, CDK
/// `"`). A regex becomes exact origins when it is an escaped origin or an
/// alternation of them (`https://(app|admin)\.example\.com`), or a
/// one-label pattern when it is corsform's label regex (derive::vtl).
pub(super) fn template_origins(t: &str, out: &mut Vec<String>) {
    for part in t.split("$origin").skip(1) {
        let part = part.trim_start();
        let (rest, regex) = if let Some(r) = part.strip_prefix("==") {
            (r.trim_start(), false)
        } else if let Some(r) = part.strip_prefix(".matches(") {
            (r.trim_start(), true)
        } else {
            continue;
        };
        let Some(quote) = rest.chars().next().filter(|c| *c == '\'' || *c == '"') else {
            continue;
        };
        let Some(end) = rest[1..].find(quote) else {
            continue;
        };
        let value = &rest[1..1 + end];
        if regex {
            out.extend(regex_origins(value));
        } else if !value.is_empty() {
            out.push(value.to_string());
        }
    }
}

/// The origins a full-match origin regex stands for, when it is one that
/// import can say as policy origins; none otherwise.
fn regex_origins(re: &str) -> Vec<String> {
    let re = re.trim_start_matches('^').trim_end_matches('$');
    let label = crate::derive::vtl::LABEL_REGEX;
    if let Some((scheme, tail)) = re.split_once("://")
        && let Some(suffix) = tail.strip_prefix(label)
    {
        return vec![format!("{scheme}://*{}", suffix.replace("\\.", "."))];
    }
    // One alternation group at most: expand it.
    let variants: Vec<String> = match (re.find('('), re.find(')')) {
        (Some(open), Some(close)) if open < close => re[open + 1..close]
            .split('|')
            .map(|alt| format!("{}{alt}{}", &re[..open], &re[close + 1..]))
            .collect(),
        (None, None) => vec![re.to_string()],
        _ => return vec![],
    };
    let mut out = Vec::new();
    for v in variants {
        let plain = v.replace("\\.", ".").replace("\\-", "-");
        // Anything left that a regex reads as special: not an exact origin.
        // An unescaped `.` is read as the dot the team meant (audit reports
        // the looser match, CF0916).
        if plain.contains([
            '\\', '*', '+', '?', '[', ']', '(', ')', '|', '{', '}', '^', '$',
        ]) {
            return vec![];
        }
        out.push(plain);
    }
    out
}

pub(super) fn path_cors(api: &Api, path: &str) -> Option<Cors> {
    let o = api.method(path, "OPTIONS")?;
    let i = o.integration.as_ref()?;
    let r = i.responses.first()?;
    let ms = &r.mappings;
    // A preflight whose response maps nothing (an export that left its
    // integration response out) says nothing about the path's CORS.
    if ms.is_empty() && r.templates.is_empty() {
        return None;
    }
    // A comma-joined value (which browsers refuse, audit's CF0904) is the
    // origins the team meant: each becomes its own.
    let mut origins: Vec<String> = literal_or_placeholder(ms, "Access-Control-Allow-Origin")
        .map(|s| split(&s))
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

pub(super) fn rest(api: &Api, out: &mut String, given_environments: Option<&str>) {
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
            {
                for o in split(&o) {
                    if !base.origins.contains(&o) {
                        base.origins.push(o);
                    }
                }
            }
        }
    }
    // Origins the files choose per environment become [environments].
    let envs = origins_per_env(
        api.methods
            .iter()
            .filter(|m| m.method == "OPTIONS")
            .flat_map(|m| m.integration.iter())
            .flat_map(|i| &i.responses)
            .flat_map(|r| &r.mappings)
            .filter(|m| {
                m.header()
                    .is_some_and(|h| h.eq_ignore_ascii_case("Access-Control-Allow-Origin"))
            })
            .map(|m| &m.value)
            .chain(api.sam_cors.iter().flat_map(|c| &c.origins)),
    );
    if base.origins.is_empty()
        && let Some((_, first)) = envs.first()
    {
        // No default environment: the first one's origins stand for [cors].
        base.origins = first.clone();
    }
    write_cors(out, &base, false);
    write_environments(out, &envs, given_environments);
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
        let overrides = c.as_ref().is_some_and(|c| *c != base);
        // A path with only its preflight here (a CORS layer whose API's
        // methods live elsewhere): its methods are the ones the preflight
        // allows, the only ones these files say the path has.
        let preflight_only = groups.is_empty() && api.document.is_none();
        if preflight_only && let Some(c) = c {
            let ms: Vec<String> = c
                .methods
                .iter()
                .filter(|m| !m.eq_ignore_ascii_case("OPTIONS"))
                .cloned()
                .collect();
            if !ms.is_empty() {
                let _ = writeln!(
                    out,
                    "\n[[routes]] # only the preflight is in these files: methods as it allows them\npath = {}\nmethods = {}",
                    q(path),
                    list(&ms)
                );
                if overrides {
                    out.push_str("\n[routes.cors]\n");
                    write_cors(out, c, true);
                }
            }
        }
        for ((integ, auth), ms) in groups {
            // With [api] openapi the document gives the routes: a route is
            // written only to carry its path's own CORS.
            if api.document.is_some() && !overrides {
                continue;
            }
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
