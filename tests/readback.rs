//! Every generated target read back and held to the policy's meaning, not to
//! its old bytes (issue 28): audit's parsers (`corsform::audit::apis`) read
//! the Terraform, SAM, CloudFormation and OpenAPI output of each golden case,
//! and for every allowed origin and lookalikes of each (a suffix, a prefix,
//! the other scheme, another port, a replaced dot, and `null`) the CORS
//! headers that configuration answers are compared with what `answer`
//! computes from the policy (what explain, serve and probe rely on).
//!
//! What the read-back configuration answers is evaluated here, from the
//! platform's rules and not from corsform's code:
//! - REST MOCK integration responses (every preflight, MOCK actual methods):
//!   the static `'value'` mappings, then the response template, which may
//!   set `$context.responseOverride.header.Access-Control-Allow-Origin` to
//!   the request Origin when it passes the template's test (`==` on a
//!   literal, or Java's `String.matches`, a full match: docs/cors-facts.md,
//!   REST). The evaluator knows only that shape and fails on any other
//!   template text, so an unexpected template cannot pass unseen.
//! - REST gateway responses (API Gateway's own errors): static values, or
//!   `method.request.header.Origin`, which echoes any origin.
//! - HTTP APIs' `cors_configuration`: Allow-Origin for an origin in the list
//!   (or `*`), nothing otherwise; Allow-Credentials with it.
//!
//! Only the CORS headers are compared (Access-Control-* and Vary), by name
//! case-insensitively. Proxy integrations are answered by the backend (the
//! Lambda helper: tests/lambda_scenarios.rs), so they are not read back here.
//! Cases with environments choose values per deployment input and are
//! skipped, as are SAM's own `Cors` (SAM writes the preflight at deploy time).

use corsform::answer::{Deployment, Exchange};
use corsform::audit::model::{Api, ApiKind, Mapping, Value};
use corsform::browser::{Request, Response};
use corsform::diagnostic::SourceFile;
use corsform::model::{Origin, Policy};
use std::path::{Path, PathBuf};

const TARGETS: &[&str] = &["terraform", "sam", "cloudformation", "openapi"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn files(dir: &Path) -> Vec<SourceFile> {
    let mut out: Vec<SourceFile> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_type().is_file()
                && corsform::audit::language(&e.file_name().to_string_lossy()).is_some()
        })
        .map(|e| {
            SourceFile::new(
                e.path().to_string_lossy(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The allowed origins of every rule of the policy (a pattern by one sample
/// host), then lookalikes of each: what a browser on another site may send.
fn origins(p: &Policy) -> Vec<String> {
    let lists = std::iter::once(&p.cors.allow_origins).chain(
        p.routes
            .iter()
            .filter_map(|r| r.cors_override.as_ref())
            .map(|c| &c.allow_origins),
    );
    let mut allowed: Vec<String> = Vec::new();
    for o in lists.flatten() {
        match o {
            Origin::Exact(s) => allowed.push(s.clone()),
            Origin::Pattern { scheme, suffix, .. } => {
                allowed.push(format!("{scheme}://sample{suffix}"))
            }
            Origin::Any => {}
        }
    }
    let mut out = vec!["https://unrelated.example.org".to_string(), "null".into()];
    for o in &allowed {
        out.push(o.clone());
        // `null` (lint warns on it) has no lookalikes.
        let Some((scheme, host)) = o.split_once("://") else {
            continue;
        };
        let other = if scheme == "https" { "http" } else { "https" };
        out.extend([
            format!("{o}.evil.net"),
            format!("{scheme}://evil{host}"),
            format!("{other}://{host}"),
            format!("{o}:8443"),
            format!("{scheme}://{}", host.replacen('.', "x", 1)),
        ]);
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|o| seen.insert(o.clone()));
    out
}

/// The CORS headers of a response, lower-case names, sorted.
fn cors(headers: &[(String, String)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
        .filter(|(k, _)| k.starts_with("access-control-") || k == "vary")
        .collect();
    out.sort();
    out
}

/// One term of an origin test: `$origin == 'x'` or `$origin.matches('re')`.
fn term(t: &str, origin: &str) -> Result<bool, String> {
    let t = t.trim();
    let quoted = |s: &str| -> Option<String> {
        let s = s.trim();
        s.strip_prefix('\'')?.strip_suffix('\'').map(str::to_string)
    };
    if let Some(lit) = t.strip_prefix("$origin ==").and_then(quoted) {
        return Ok(origin == lit);
    }
    if let Some(re) = t
        .strip_prefix("$origin.matches(")
        .and_then(|r| r.strip_suffix(')'))
        .and_then(quoted)
    {
        // Java's String.matches: the whole string must match.
        let re = regex::Regex::new(&format!("^(?:{re})$")).map_err(|e| e.to_string())?;
        return Ok(re.is_match(origin));
    }
    Err(format!("an origin test this evaluator does not know: {t}"))
}

/// The Allow-Origin a response template sets for `origin` (`None`: it
/// leaves the static value), or an error for template text it cannot read.
fn template_override(template: &str, origin: &str) -> Result<Option<String>, String> {
    const READ: &str = "#set($origin = $input.params().header.get('Origin'))";
    const READ_LOWER: &str =
        "#if(\"$!origin\" == \"\")#set($origin = $input.params().header.get('origin'))#end";
    const PRESENT: &str = "#if(\"$!origin\" != \"\")";
    const SET: &str =
        "#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)";
    let lines: Vec<&str> = template
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    match lines.as_slice() {
        // The origin check alone, or in front of a MOCK operation's own body
        // (the merge keeps the team's template after it), which sets no header.
        [read, lower, present, test, set, "#end", "#end", body @ ..]
            if *read == READ
                && *lower == READ_LOWER
                && *present == PRESENT
                && *set == SET
                && body
                    .iter()
                    .all(|l| !l.contains("$context") && !l.starts_with('#')) =>
        {
            let cond = test
                .strip_prefix("#if(")
                .and_then(|c| c.strip_suffix(')'))
                .ok_or_else(|| format!("not an #if line: {test}"))?;
            // Both spellings are read: the request has one Origin header.
            if origin.is_empty() {
                return Ok(None);
            }
            for t in cond.split(" || ") {
                if term(t, origin)? {
                    return Ok(Some(origin.to_string()));
                }
            }
            Ok(None)
        }
        _ if !template.contains("responseOverride") && !template.contains('#') => Ok(None),
        _ => Err(format!(
            "a template this evaluator does not know:\n{template}"
        )),
    }
}

/// The CORS headers API Gateway answers from these mappings and templates
/// for a request from `origin`.
fn mapped(
    ms: &[Mapping],
    templates: &[Value],
    origin: &str,
) -> Result<Vec<(String, String)>, String> {
    let mut headers: Vec<(String, String)> = Vec::new();
    for m in ms {
        let Some(name) = m.header() else { continue };
        let value = match (m.literal(), m.value.text.as_deref()) {
            (Some(v), _) => v.to_string(),
            // A gateway response's mapping of the request's Origin header.
            (None, Some(t)) if t.eq_ignore_ascii_case("method.request.header.Origin") => {
                if origin.is_empty() {
                    continue;
                }
                origin.to_string()
            }
            _ => {
                return Err(format!(
                    "a mapping this test cannot evaluate: {} = {:?}",
                    m.key, m.value.text
                ));
            }
        };
        headers.push((name.to_string(), value));
    }
    for t in templates {
        let text = t
            .text
            .as_deref()
            .ok_or("a template that is not a literal")?;
        if let Some(o) = template_override(text, origin)? {
            headers.retain(|(k, _)| !k.eq_ignore_ascii_case("Access-Control-Allow-Origin"));
            headers.push(("Access-Control-Allow-Origin".into(), o));
        }
    }
    Ok(cors(&headers))
}

/// What an HTTP API's cors_configuration adds for `origin` (API Gateway
/// developer guide, "Configuring CORS for an HTTP API": only for an allowed
/// origin). The preflight's own headers (methods, headers, max age) are
/// compared by the import differential; here the origin decision is.
fn http_answer(api: &Api, origin: &str) -> Vec<(String, String)> {
    let Some(c) = &api.cors else { return vec![] };
    let list: Vec<&str> = c.origins.iter().filter_map(|v| v.text.as_deref()).collect();
    let creds = c
        .credentials
        .as_ref()
        .and_then(|v| v.text.as_deref())
        .is_some_and(|t| t == "true");
    let granted = if list.contains(&"*") {
        Some("*".to_string())
    } else if list.contains(&origin) {
        Some(origin.to_string())
    } else {
        None
    };
    let mut h = Vec::new();
    if let Some(g) = granted {
        h.push(("access-control-allow-origin".to_string(), g));
        if creds {
            h.push(("access-control-allow-credentials".into(), "true".into()));
        }
    }
    h.sort();
    h
}

fn origin_only(h: &[(String, String)]) -> Vec<(String, String)> {
    h.iter()
        .filter(|(k, _)| {
            k == "access-control-allow-origin" || k == "access-control-allow-credentials"
        })
        .cloned()
        .collect()
}

fn request(origin: &str, method: &str) -> Request {
    Request {
        origin: origin.into(),
        method: method.into(),
        headers: vec![],
        credentials: false,
    }
}

fn answered(r: &Response) -> Vec<(String, String)> {
    cors(&r.headers)
}

/// The golden cases that build, with their policy.
fn cases() -> Vec<(PathBuf, Policy)> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("golden"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| TARGETS.iter().any(|t| p.join(t).is_dir()))
        .collect();
    dirs.sort();
    dirs.into_iter()
        .filter_map(|d| {
            let text = std::fs::read_to_string(d.join("policy.toml")).ok()?;
            let file = SourceFile::new("policy.toml", text);
            let loaded = corsform::policy::load(&file);
            // `[api] openapi`: the routes are the team's document's, as the CLI reads them.
            let p = match corsform::openapi_document_path(&loaded) {
                Some(doc) => {
                    let text = std::fs::read_to_string(d.join(&doc)).ok()?;
                    corsform::check_with_document(&file, loaded, &SourceFile::new(doc, text)).0
                }
                None => corsform::check_loaded(&file, loaded, None).0,
            };
            Some((d, p?))
        })
        .collect()
}

#[test]
fn every_target_read_back_answers_every_origin_as_answer_does() {
    let mut failures: Vec<String> = Vec::new();
    let mut compared = 0usize;
    let mut read_back: Vec<String> = Vec::new();
    for (dir, policy) in cases() {
        if !policy.environments.is_empty() {
            continue;
        }
        let case = dir.file_name().unwrap().to_string_lossy().to_string();
        let deployment = Deployment::new(policy.clone());
        let ask = |origin: &str, method: &str, path: &str| -> Exchange {
            deployment.exchange(&request(origin, method), path)
        };
        let origins = origins(&policy);
        for target in TARGETS {
            let target_dir = dir.join(target);
            if !target_dir.is_dir() {
                continue;
            }
            let (apis, _) = corsform::audit::apis(&files(&target_dir));
            let label = format!("{case}/{target}");
            // One API per generated target (a CORS layer's is the caller's,
            // declared elsewhere, holding the layer's methods).
            assert!(apis.len() <= 1, "{label}: {} APIs read back", apis.len());
            let Some(api) = apis.into_iter().next() else {
                continue;
            };
            if api.sam_cors.is_some() {
                continue;
            }
            let before = compared;
            for origin in &origins {
                match api.kind {
                    ApiKind::Http => {
                        if api.cors.is_none() {
                            continue; // the function owns CORS: the Lambda scenarios' matter
                        }
                        let Some(route) = policy.routes.first() else {
                            continue;
                        };
                        let method = route.methods.first().map(String::as_str).unwrap_or("GET");
                        let want = origin_only(&answered(
                            &ask(origin, method, &route.path.text).preflight.response,
                        ));
                        let got = http_answer(&api, origin);
                        compared += 1;
                        if got != want {
                            failures.push(format!("{label}: preflight from {origin}\n  read back {got:?}\n  answer    {want:?}"));
                        }
                    }
                    ApiKind::Rest => {
                        for m in &api.methods {
                            let Some(i) = &m.integration else { continue };
                            if i.kind != "MOCK" {
                                continue;
                            }
                            let Some(r) = i.responses.first() else {
                                continue;
                            };
                            let got = match mapped(&r.mappings, &r.templates, origin) {
                                Ok(h) => h,
                                Err(e) => {
                                    failures.push(format!("{label}: {} {}: {e}", m.method, m.path));
                                    continue;
                                }
                            };
                            let (what, want) = if m.method == "OPTIONS" {
                                let method = policy
                                    .routes
                                    .iter()
                                    .find(|rt| rt.path.text == m.path)
                                    .and_then(|rt| rt.methods.first())
                                    .cloned()
                                    .unwrap_or_else(|| "GET".into());
                                ("preflight", ask(origin, &method, &m.path).preflight)
                            } else {
                                ("MOCK response", ask(origin, &m.method, &m.path).actual)
                            };
                            compared += 1;
                            if got != answered(&want.response) {
                                failures.push(format!(
                                    "{label}: {what} of {} {} from {origin}\n  read back {got:?}\n  answer    {:?}",
                                    m.method, m.path, answered(&want.response)
                                ));
                            }
                        }
                        // API Gateway's own 401 (an authorizer's): UNAUTHORIZED
                        // when customised, else DEFAULT_4XX.
                        let error = ["UNAUTHORIZED", "DEFAULT_4XX"].iter().find_map(|t| {
                            api.gateway_responses.iter().find(|g| g.response_type == *t)
                        });
                        let route = policy
                            .routes
                            .iter()
                            .find(|r| r.authorization != corsform::model::Authorization::Iam);
                        if let (Some(g), Some(route)) = (error, route) {
                            let method = route.methods.first().map(String::as_str).unwrap_or("GET");
                            let want =
                                answered(&ask(origin, method, &route.path.text).error.response);
                            match mapped(&g.mappings, &[], origin) {
                                Ok(got) => {
                                    compared += 1;
                                    if got != want {
                                        failures.push(format!(
                                            "{label}: {} gateway response from {origin}\n  read back {got:?}\n  answer    {want:?}",
                                            g.response_type
                                        ));
                                    }
                                }
                                Err(e) => {
                                    failures.push(format!("{label}: {}: {e}", g.response_type))
                                }
                            }
                        }
                    }
                }
            }
            if compared > before {
                read_back.push(label);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {compared} read-back answers differ from answer:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Each kind of target was read back and compared, not skipped.
    for target in TARGETS {
        assert!(
            read_back.iter().any(|l| l.ends_with(&format!("/{target}"))),
            "no {target} output was compared: {read_back:?}"
        );
    }
    assert!(compared > 1000, "only {compared} answers compared");
    eprintln!(
        "readback: {compared} answers compared, {} targets read back",
        read_back.len()
    );
}

/// The evaluator itself, on corsform's template and on the lookalikes a
/// suffix-matching or unanchored check would let in: if it accepted them,
/// the comparison above would prove nothing.
#[test]
fn the_template_evaluator_refuses_lookalikes_and_unknown_text() {
    let t = corsform::derive::vtl::origin_override(&[
        Origin::Exact("https://app.example.com".into()),
        corsform::model::Origin::Pattern {
            scheme: "https".into(),
            suffix: ".preview.example.com".into(),
            text: "https://*.preview.example.com".into(),
        },
    ]);
    let ok = |o: &str| template_override(&t, o).unwrap();
    assert_eq!(
        ok("https://app.example.com"),
        Some("https://app.example.com".into())
    );
    assert_eq!(
        ok("https://pr-1.preview.example.com"),
        Some("https://pr-1.preview.example.com".into())
    );
    for bad in [
        "https://app.example.com.evil.net",
        "https://evilapp.example.com",
        "http://app.example.com",
        "https://app.example.com:8443",
        "https://a.b.preview.example.com",
        "https://pr-1.previewxexample.com",
        "",
    ] {
        assert_eq!(ok(bad), None, "{bad}");
    }
    let suffix_bug = t.replace(
        "$origin == 'https://app.example.com'",
        "$origin.endsWith('app.example.com')",
    );
    assert!(template_override(&suffix_bug, "https://app.example.com").is_err());
}
