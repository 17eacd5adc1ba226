//! What the browser makes of one response's static CORS headers (the Fetch
//! CORS check of [`crate::browser`]), and the values behind them: origins,
//! credentials, Allow-Headers wildcards, Max-Age, origin-picking regexes.

use super::lint;
use super::templated::templated_origin;
use super::*;
use crate::browser::{self, Block, Request};

/// What the browser makes of one response's static CORS headers.
/// `preflight`: Allow-Headers is read from the preflight only (Fetch
/// standard, CORS-preflight fetch), so only there is its `*` judged.
pub(super) fn response_checks(
    ms: &[Mapping],
    templates: &[Value],
    preflight: bool,
    out: &mut Vec<Finding>,
) {
    let resp = static_response(ms);
    if let Some(o) = header(ms, ALLOW_ORIGIN) {
        let creds = header(ms, "Access-Control-Allow-Credentials").and_then(Mapping::literal)
            == Some("true");
        if o.literal().is_none() {
            templated_origin(&o.value, out);
        }
        if let Some(value) = o.literal() {
            let first = value.split(',').next().unwrap_or("").trim().to_string();
            let req = Request {
                origin: first,
                method: "GET".into(),
                headers: vec![],
                credentials: creds,
            };
            match browser::cors_check(&req, &resp) {
                Err(Block::SeveralOrigins(v)) => out.push(at(
                    Code::SeveralOriginsInOneHeader,
                    &o.value.loc,
                    format!("Access-Control-Allow-Origin holds several origins ({v}): browsers accept exactly one, so every origin is refused"),
                    "send one origin: the first statically and the request's Origin through a response template that checks it against the list (or let corsform generate it)",
                )),
                Err(Block::WildcardWithCredentials) => out.push(at(
                    Code::WildcardOriginWithCredentials,
                    &o.value.loc,
                    "Access-Control-Allow-Origin `*` with Access-Control-Allow-Credentials: true: browsers refuse credentialed responses with `*`",
                    "send the exact origin (and Vary: Origin) instead of `*`, or drop credentials",
                )),
                // CORS-FACTS, browsers: Allow-Origin is compared with the
                // request's origin as a string; `https://*.x` is never equal.
                _ if value != "*" && value.contains('*') => out.push(at(
                    Code::OriginNotSerialized,
                    &o.value.loc,
                    format!("`{value}` is a pattern, but browsers compare Access-Control-Allow-Origin with their origin as a string: no origin ever matches"),
                    "send one exact origin here, and pick the request's Origin in a response template after matching it against an escaped, anchored regex",
                )),
                _ if value != "*" => {
                    if let Some(help) = origin_problem(value) {
                        out.push(at(
                            Code::OriginNotSerialized,
                            &o.value.loc,
                            format!("`{value}` is not an origin as browsers send it, so it never equals the request's Origin"),
                            help,
                        ));
                    }
                }
                _ => {}
            }
        }
        let reflects = o
            .value
            .text
            .as_deref()
            .is_some_and(|v| v.starts_with("method.request.header."))
            || overrides_origin(templates);
        if reflects
            && header(ms, "Vary")
                .and_then(Mapping::literal)
                .is_none_or(|v| !v.to_ascii_lowercase().contains("origin"))
        {
            // CORS-FACTS, browsers: Vary: Origin whenever Allow-Origin depends on the Origin.
            out.push(at(
                Code::VaryMissing,
                &o.key_loc,
                "Allow-Origin here depends on the request's Origin but the response has no Vary: Origin: a cache can serve one origin's answer to another",
                "map the Vary header to \"'Origin'\" on this response",
            ));
        }
    }
    if let Some(c) = header(ms, "Access-Control-Allow-Credentials")
        && let Some(v) = c.literal()
        && v != "true"
    {
        out.push(at(
            Code::CredentialsMismatch,
            &c.value.loc,
            format!(
                "Access-Control-Allow-Credentials is `{v}`: browsers accept only exactly `true`"
            ),
            "send 'true', or leave the header out when credentials are not allowed",
        ));
    }
    if let Some(h) = header(ms, "Access-Control-Allow-Headers").filter(|_| preflight)
        && let Some(v) = h.literal()
    {
        wildcard_headers(v.split(',').map(str::trim), &h.value.loc, out);
    }
    if let Some(h) = header(ms, "Access-Control-Max-Age")
        && let Some(v) = h.literal()
    {
        max_age(v, &h.value.loc, ApiKind::Rest, out);
    }
}

/// Lint's CF0204 on an Allow-Headers list (CORS-FACTS, browsers:
/// Authorization is never covered by `*`).
pub(super) fn wildcard_headers<'a>(
    names: impl Iterator<Item = &'a str>,
    loc: &Loc,
    out: &mut Vec<Finding>,
) {
    let list: Vec<String> = names
        .map(|n| toml::Value::String(n.to_string()).to_string())
        .collect();
    let line = format!("allow_headers = [{}]", list.join(", "));
    restate(
        lint::verdict(ApiKind::Http, &line),
        &[Code::WildcardHeadersWithoutAuthorization],
        loc,
        out,
    );
}

/// Lint's max_age rules (CF0302, CF0303) on a Max-Age written in IaC: HTTP
/// APIs accept -1..86400, browsers cap at 7200 (Chromium). A value that is
/// not whole seconds is ignored by browsers (5 s).
pub(super) fn max_age(v: &str, loc: &Loc, kind: ApiKind, out: &mut Vec<Finding>) {
    match v.trim().parse::<i64>() {
        Ok(n) => {
            let codes = [Code::MaxAgeOutOfRange, Code::MaxAgeOverBrowserCap];
            restate(lint::verdict(kind, &format!("max_age = {n}")), &codes, loc, out);
        }
        Err(_) => out.push(at(
            Code::MaxAgeOutOfRange,
            loc,
            format!("max age `{v}` is not whole seconds: browsers ignore it and cache the preflight for 5 s"),
            "use whole seconds between 0 and 7200",
        )),
    }
}

/// Lint's findings with these codes, at `loc`.
fn restate(
    diags: Vec<crate::diagnostic::Diagnostic>,
    codes: &[Code],
    loc: &Loc,
    out: &mut Vec<Finding>,
) {
    for d in diags.into_iter().filter(|d| codes.contains(&d.code)) {
        let help = d.help.clone().unwrap_or_default();
        out.push(at(d.code, loc, d.message, help));
    }
}

/// An origin regex with an unescaped `.` matches other hosts
/// (`app.example.com` matches `appXexample.com`): CORS-FACTS, REST, Java regex.
pub(super) fn unescaped_regex(templates: &[Value], out: &mut Vec<Finding>) {
    for t in templates {
        let Some(s) = t.text.as_deref() else { continue };
        for (i, _) in s.match_indices(".matches(") {
            let rest = &s[i + 9..];
            let Some(q) = rest.chars().next().filter(|c| *c == '\'' || *c == '"') else {
                continue;
            };
            let Some(end) = rest[1..].find(q) else {
                continue;
            };
            let re = &rest[1..1 + end];
            let b = re.as_bytes();
            let bad = (0..b.len()).any(|k| {
                b[k] == b'.'
                    && (k == 0 || b[k - 1] != b'\\')
                    && !matches!(b.get(k + 1), Some(b'*' | b'+' | b'?' | b'{'))
                    && !in_class(re, k)
            });
            if bad {
                out.push(at(
                    Code::UnescapedOriginRegex,
                    &t.loc,
                    format!("the origin regex `{re}` has an unescaped `.`, which matches any character: other hosts pass the check"),
                    "escape every literal dot (`\\\\.` inside a quoted VTL string), or compare exact origins with ==",
                ));
            }
        }
    }
}

pub(super) fn in_class(re: &str, k: usize) -> bool {
    let before = &re[..k];
    before
        .rfind('[')
        .is_some_and(|o| before.rfind(']').is_none_or(|c| c < o))
}

/// The policy validator's verdict on an origin (CF0102), as its help line.
pub(super) fn origin_problem(origin: &str) -> Option<String> {
    let line = format!(
        "allow_origins = [{}]",
        toml::Value::String(origin.to_string())
    );
    lint::verdict(ApiKind::Rest, &line)
        .into_iter()
        .find(|d| d.code == Code::MalformedOrigin)
        .map(|d| d.help.unwrap_or(d.message))
}
