//! The audit rules (DESIGN.md, "Judging IaC and deployments corsform did not
//! write"), run over the neutral [`Api`] model. Whether a response passes is
//! the browser's verdict ([`crate::browser::cors_check`], the Fetch standard's
//! CORS check that explain uses); whether an origin is written as browsers
//! serialize it is the policy validator's verdict ([`crate::check`]). Each
//! fact's source is CORS-FACTS.md, cited at the rule.

use super::model::*;
use crate::browser::{self, Block, Request, Response};
use crate::diagnostic::{Code, Diagnostic};

/// A finding and the file it is in.
pub type Finding = (usize, Diagnostic);

fn at(code: Code, loc: &Loc, msg: impl Into<String>, help: impl Into<String>) -> Finding {
    (
        loc.file,
        Diagnostic::new(code, msg, loc.span.clone()).help(help),
    )
}

const ALLOW_ORIGIN: &str = "Access-Control-Allow-Origin";

pub fn judge(api: &Api) -> Vec<Finding> {
    let mut out = Vec::new();
    match api.kind {
        ApiKind::Rest => rest(api, &mut out),
        ApiKind::Http => http(api, &mut out),
    }
    out
}

fn header<'a>(ms: &'a [Mapping], name: &str) -> Option<&'a Mapping> {
    ms.iter()
        .find(|m| m.header().is_some_and(|h| h.eq_ignore_ascii_case(name)))
}

/// The response API Gateway sends, as far as static mappings say.
fn static_response(ms: &[Mapping]) -> Response {
    Response {
        status: 200,
        headers: ms
            .iter()
            .filter_map(|m| Some((m.header()?.to_string(), m.literal()?.to_string())))
            .collect(),
    }
}

/// A template that sets Allow-Origin per request (CORS-FACTS: REST, several origins).
fn overrides_origin(templates: &[Value]) -> bool {
    templates.iter().any(|t| {
        t.text
            .as_deref()
            .is_some_and(|s| s.contains("responseOverride.header.Access-Control-Allow-Origin"))
    })
}

fn rest(api: &Api, out: &mut Vec<Finding>) {
    let has_origin = |ms: &[Mapping]| header(ms, ALLOW_ORIGIN).is_some();
    let cors_intended = api.sam_cors.is_some()
        || api.methods.iter().any(|m| m.method == "OPTIONS")
        || api
            .methods
            .iter()
            .flat_map(|m| m.integration.iter())
            .flat_map(|i| &i.responses)
            .any(|r| has_origin(&r.mappings))
        || api
            .gateway_responses
            .iter()
            .any(|g| has_origin(&g.mappings));

    for m in &api.methods {
        let Some(i) = &m.integration else { continue };
        for r in &i.responses {
            mapping_checks(&r.mappings, "method.response.header.", out);
            undeclared(m, r, out);
            response_checks(&r.mappings, &r.templates, out);
            if r.races_integration {
                out.push(at(
                    Code::IntegrationResponseRace,
                    &r.loc,
                    "this integration response does not reference its integration, so Terraform may create it first and the apply fails (\"No integration defined for method\")",
                    format!("add `depends_on = [aws_api_gateway_integration.<the {} {} integration>]`", m.method, m.path),
                ));
            }
            unescaped_regex(&r.templates, out);
        }
    }
    for g in &api.gateway_responses {
        mapping_checks(&g.mappings, "gatewayresponse.header.", out);
        response_checks(&g.mappings, &[], out);
    }
    if let Some(c) = &api.sam_cors {
        sam_cors(c, out);
    }
    if let Redeploy::Static { loc, why, fix } = &api.redeploy {
        out.push(at(Code::NoRedeployOnChange, loc, why.clone(), fix.clone()));
    }
    if !cors_intended {
        return;
    }
    if let (Some(auth), Some(_)) = (&api.authorizer_on_preflight, &api.sam_cors) {
        // CORS-FACTS, SAM: AddDefaultAuthorizerToCorsPreflight defaults to true.
        out.push(at(
            Code::PreflightBehindAuthorizer,
            &auth.loc,
            "the default authorizer is also put on SAM's CORS preflights (AddDefaultAuthorizerToCorsPreflight defaults to true): browsers send preflights without credentials, so every preflight is refused",
            "add `AddDefaultAuthorizerToCorsPreflight: false` under Auth",
        ));
    }
    // Other preflights allow request headers: clients send non-simple requests.
    let sends_headers = api
        .methods
        .iter()
        .filter(|m| m.method == "OPTIONS")
        .flat_map(|m| m.integration.iter())
        .flat_map(|i| &i.responses)
        .any(|r| header(&r.mappings, "Access-Control-Allow-Headers").is_some());
    for path in api.paths() {
        let options = api.method(path, "OPTIONS");
        let actuals: Vec<&Method> = api
            .methods
            .iter()
            .filter(|m| m.path == path && m.method != "OPTIONS")
            .collect();
        match options {
            None if api.sam_cors.is_none()
                && (actuals
                    .iter()
                    .any(|m| !browser::SAFELISTED_METHODS.contains(&m.method.as_str()))
                    || sends_headers) =>
            {
                if let Some(first) = actuals.first() {
                    out.push(at(
                        Code::PreflightWithoutCors,
                        &first.loc,
                        format!("`{path}` has no OPTIONS method: the preflight of any non-simple request (JSON body, Authorization, PUT, DELETE) gets API Gateway's 403, without CORS headers"),
                        format!("add an OPTIONS method on `{path}` with a MOCK integration answering the CORS headers, no authorizer"),
                    ));
                }
            }
            Some(o) => preflight(o, &actuals, out),
            None => {}
        }
        for m in &actuals {
            actual(m, out);
        }
    }
    error_responses(api, out);
}

fn preflight(o: &Method, actuals: &[&Method], out: &mut Vec<Finding>) {
    if o.is_authorized() {
        let a = o.authorization.as_ref().map_or(&o.loc, |a| &a.loc);
        out.push(at(
            Code::PreflightBehindAuthorizer,
            a,
            format!("the OPTIONS method of `{}` requires authorization: browsers send preflights without credentials, so the authorizer refuses every preflight", o.path),
            "set the OPTIONS method's authorization to NONE (and api_key_required to false)",
        ));
    }
    let Some(i) = &o.integration else { return };
    if i.is_proxy() {
        return; // the backend answers preflights itself.
    }
    if i.kind == "MOCK" && i.content_handling.as_deref() != Some("CONVERT_TO_TEXT") {
        // CORS-FACTS, REST: with binary media types such as */*, the MOCK OPTIONS returns 500.
        out.push(at(
            Code::MockWithoutConvertToText,
            &i.loc,
            format!("the MOCK preflight of `{}` has no content handling CONVERT_TO_TEXT: once binary media types are set on the API it answers 500", o.path),
            "set content_handling = \"CONVERT_TO_TEXT\" (contentHandling / ContentHandling)",
        ));
    }
    let all: Vec<&Mapping> = i.responses.iter().flat_map(|r| &r.mappings).collect();
    let ms: Vec<Mapping> = all.iter().map(|m| (*m).clone()).collect();
    if header(&ms, ALLOW_ORIGIN).is_none() {
        out.push(at(
            Code::PreflightWithoutCors,
            i.responses.first().map_or(&i.loc, |r| &r.loc),
            format!("the preflight of `{}` carries no Access-Control-Allow-Origin: the browser blocks every request that needs a preflight", o.path),
            "map method.response.header.Access-Control-Allow-Origin (and -Methods, -Headers) in the OPTIONS integration response, each declared in its method response",
        ));
        return;
    }
    if let Some(e) = header(&ms, "Access-Control-Expose-Headers") {
        let actual_has = actuals
            .iter()
            .filter_map(|m| m.integration.as_ref())
            .filter(|i| !i.is_proxy())
            .any(|i| {
                i.responses
                    .iter()
                    .any(|r| header(&r.mappings, "Access-Control-Expose-Headers").is_some())
            });
        if !actual_has {
            // CORS-FACTS, browsers: Expose-Headers is read from the actual response.
            out.push(at(
                Code::ExposeHeadersOnPreflightOnly,
                &e.key_loc,
                "Access-Control-Expose-Headers on the preflight is ignored by browsers: it is read from the actual response",
                "send Access-Control-Expose-Headers on the actual responses (integration responses of non-proxy methods, or from the backend of proxy ones)",
            ));
        }
    }
    let pre_creds =
        header(&ms, "Access-Control-Allow-Credentials").and_then(Mapping::literal) == Some("true");
    if pre_creds {
        for m in actuals {
            let Some(ai) = m.integration.as_ref().filter(|i| !i.is_proxy()) else {
                continue;
            };
            for r in &ai.responses {
                if header(&r.mappings, ALLOW_ORIGIN).is_some()
                    && header(&r.mappings, "Access-Control-Allow-Credentials").is_none()
                {
                    out.push(at(
                        Code::CredentialsMismatch,
                        &r.loc,
                        format!("the preflight of `{}` allows credentials but this {} response sends no Access-Control-Allow-Credentials: the browser blocks the credentialed response", o.path, m.method),
                        "map method.response.header.Access-Control-Allow-Credentials = \"'true'\" here too",
                    ));
                }
            }
        }
    }
}

fn actual(m: &Method, out: &mut Vec<Finding>) {
    let Some(i) = &m.integration else { return };
    if i.is_proxy() || i.kind.is_empty() {
        return; // proxy: the backend's headers, which audit cannot see.
    }
    let carries = i
        .responses
        .iter()
        .any(|r| header(&r.mappings, ALLOW_ORIGIN).is_some() || overrides_origin(&r.templates));
    // Reached only when the API means to serve browsers (some response carries CORS).
    if !carries {
        out.push(at(
            Code::ActualResponseWithoutCors,
            i.responses.first().map_or(&i.loc, |r| &r.loc),
            format!("the {} {} response ({} integration) carries no Access-Control-Allow-Origin: the browser blocks it and hides its status and body from the page", m.method, m.path, i.kind),
            "map method.response.header.Access-Control-Allow-Origin in this integration response and declare it in the method response",
        ));
    }
}

/// CORS-FACTS, REST: gateway responses carry no CORS headers unless configured.
fn error_responses(api: &Api, out: &mut Vec<Finding>) {
    let with_origin: Vec<&GatewayResponse> = api
        .gateway_responses
        .iter()
        .filter(|g| header(&g.mappings, ALLOW_ORIGIN).is_some())
        .collect();
    if with_origin
        .iter()
        .any(|g| g.response_type.starts_with("DEFAULT_4XX"))
    {
        return;
    }
    let loc = api
        .gateway_responses
        .iter()
        .find(|g| g.response_type == "DEFAULT_4XX")
        .map_or(&api.loc, |g| &g.loc);
    out.push(at(
        Code::ErrorResponsesWithoutCors,
        loc,
        format!("API Gateway's own errors of `{}` (authorizer 401/403, missing route 403, throttling 429) carry no Access-Control-Allow-Origin: the page sees a CORS error instead of the status", api.name),
        "add gateway responses DEFAULT_4XX and DEFAULT_5XX with gatewayresponse.header.Access-Control-Allow-Origin",
    ));
}

/// Keys API Gateway accepts, values it can evaluate (CORS-FACTS, REST:
/// unquoted values are mapping expressions).
fn mapping_checks(ms: &[Mapping], prefix: &str, out: &mut Vec<Finding>) {
    for m in ms {
        let Some(name) = m.key.strip_prefix(prefix) else {
            out.push(at(
                Code::InvalidMappingKey,
                &m.key_loc,
                format!("`{}` is not a response parameter key API Gateway accepts: the deploy fails or the header is never sent", m.key),
                format!("write the key as `{prefix}{}`", m.key.rsplit('.').next().unwrap_or(&m.key)),
            ));
            continue;
        };
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        {
            out.push(at(
                Code::InvalidMappingKey,
                &m.key_loc,
                format!("`{name}` is not a valid header name"),
                "use an HTTP token as the header name",
            ));
        }
        let Some(v) = m.value.text.as_deref() else {
            continue;
        };
        let expression = [
            "method.request.",
            "integration.response.",
            "context.",
            "stageVariables.",
        ]
        .iter()
        .any(|p| v.starts_with(p));
        let quoted = v.len() >= 2 && v.starts_with('\'') && v.ends_with('\'');
        if !(expression || quoted) {
            out.push(at(
                Code::MappingValueNotQuoted,
                &m.value.loc,
                format!("`{v}` is not single-quoted: API Gateway reads it as a mapping expression and refuses the deploy (\"Invalid mapping expression specified\")"),
                format!("write the static value as \"'{v}'\""),
            ));
        }
    }
}

fn undeclared(m: &Method, r: &IntegrationResponse, out: &mut Vec<Finding>) {
    if m.responses.is_empty()
        && m.integration
            .as_ref()
            .is_some_and(|i| i.loc.span.is_empty())
    {
        return;
    }
    let declared = m.responses.iter().find(|mr| mr.status == r.status);
    for map in r
        .mappings
        .iter()
        .filter(|x| x.key.starts_with("method.response.header."))
    {
        let ok = declared.is_some_and(|d| {
            d.headers.iter().any(|h| {
                h.eq_ignore_ascii_case(&map.key)
                    || map.header().is_some_and(|n| h.eq_ignore_ascii_case(n))
            })
        });
        if !ok {
            out.push(at(
                Code::HeaderNotDeclared,
                &map.key_loc,
                format!("`{}` is not declared in the {} {} method response for status {}: API Gateway refuses the mapping", map.key, m.method, m.path, r.status),
                format!("declare `{}` (= true) in the method response with status {}", map.key, r.status),
            ));
        }
    }
}

/// What the browser makes of one response's static CORS headers.
fn response_checks(ms: &[Mapping], templates: &[Value], out: &mut Vec<Finding>) {
    let resp = static_response(ms);
    if let Some(o) = header(ms, ALLOW_ORIGIN) {
        let creds = header(ms, "Access-Control-Allow-Credentials").and_then(Mapping::literal)
            == Some("true");
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
    if let Some(h) = header(ms, "Access-Control-Allow-Headers")
        && let Some(v) = h.literal()
    {
        wildcard_headers(v.split(',').map(str::trim), &h.value.loc, out);
    }
    if let Some(h) = header(ms, "Access-Control-Max-Age")
        && let Some(v) = h.literal()
    {
        max_age(v, &h.value.loc, 86400, out);
    }
}

fn wildcard_headers<'a>(
    mut names: impl Iterator<Item = &'a str> + Clone,
    loc: &Loc,
    out: &mut Vec<Finding>,
) {
    if names.clone().any(|n| n == "*") && !names.any(|n| n.eq_ignore_ascii_case("authorization")) {
        // CORS-FACTS, browsers: Authorization is never covered by `*`.
        out.push(at(
            Code::WildcardHeadersWithoutAuthorization,
            loc,
            "`*` in Allow-Headers never covers Authorization: requests that send it are blocked (Chromium only warns today)",
            "list `authorization` beside `*`, or list the headers by name",
        ));
    }
}

/// CORS-FACTS: HTTP API MaxAge -1..86400; browsers cap at 7200 (Chromium).
fn max_age(v: &str, loc: &Loc, max: i64, out: &mut Vec<Finding>) {
    match v.trim().parse::<i64>() {
        Ok(n) if (-1..=max).contains(&n) && n <= 7200 => {}
        Ok(n) if (-1..=max).contains(&n) => out.push(at(
            Code::MaxAgeOverBrowserCap,
            loc,
            format!("max age {n} s is above Chromium's 7200 s cap: browsers cache the preflight for 7200 s at most"),
            "use 7200 or less",
        )),
        _ => out.push(at(
            Code::MaxAgeOutOfRange,
            loc,
            format!("max age `{v}` is outside -1..{max}: API Gateway refuses it or browsers ignore it (5 s)"),
            "use whole seconds between 0 and 7200",
        )),
    }
}

/// An origin regex with an unescaped `.` matches other hosts
/// (`app.example.com` matches `appXexample.com`): CORS-FACTS, REST, Java regex.
fn unescaped_regex(templates: &[Value], out: &mut Vec<Finding>) {
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

fn in_class(re: &str, k: usize) -> bool {
    let before = &re[..k];
    before
        .rfind('[')
        .is_some_and(|o| before.rfind(']').is_none_or(|c| c < o))
}

/// SAM `Cors`: every value is a quoted literal; AllowOrigin is ONE origin
/// (CORS-FACTS, SAM; SAM issue 3769).
fn sam_cors(c: &CorsConfig, out: &mut Vec<Finding>) {
    let lit = |v: &Value| {
        v.text
            .as_deref()
            .and_then(|t| t.strip_prefix('\''))
            .and_then(|t| t.strip_suffix('\''))
            .map(str::to_string)
    };
    for v in c
        .origins
        .iter()
        .chain(&c.methods)
        .chain(&c.headers)
        .chain(&c.max_age)
    {
        if let Some(t) = v.text.as_deref()
            && lit(v).is_none()
        {
            out.push(at(
                Code::MappingValueNotQuoted,
                &v.loc,
                format!("SAM Cors values are mapping expressions: `{t}` is not single-quoted, so the deploy fails"),
                format!("write \"'{t}'\""),
            ));
        }
    }
    let creds = c
        .credentials
        .as_ref()
        .and_then(|v| v.text.as_deref())
        .is_some_and(|t| t == "true" || t == "'true'");
    for o in &c.origins {
        let Some(v) = lit(o) else { continue };
        let mut ms = vec![Mapping {
            key: "method.response.header.Access-Control-Allow-Origin".into(),
            key_loc: o.loc.clone(),
            value: Value {
                text: Some(format!("'{v}'")),
                loc: o.loc.clone(),
            },
        }];
        if creds {
            ms.push(Mapping {
                key: "method.response.header.Access-Control-Allow-Credentials".into(),
                key_loc: o.loc.clone(),
                value: Value {
                    text: Some("'true'".into()),
                    loc: o.loc.clone(),
                },
            });
        }
        response_checks(&ms, &[], out);
    }
    if let Some(h) = c.headers.first().and_then(lit) {
        wildcard_headers(h.split(',').map(str::trim), &c.headers[0].loc, out);
    }
    if let Some(m) = c.max_age.as_ref().and_then(lit) {
        max_age(
            &m,
            &c.max_age
                .as_ref()
                .map(|v| v.loc.clone())
                .unwrap_or_default(),
            86400,
            out,
        );
    }
}

fn http(api: &Api, out: &mut Vec<Finding>) {
    if let Some(c) = &api.cors {
        let creds = c.credentials.as_ref().and_then(|v| v.text.as_deref()) == Some("true");
        for o in &c.origins {
            let Some(v) = o.text.as_deref() else { continue };
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
            max_age(t, &m.loc, 86400, out);
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
            kind: String::new(),
            integration: None,
        })
        .collect();
    let routes: Vec<&HttpRoute> = api.http_routes.iter().chain(&from_body).collect();
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

/// The policy validator's verdict on an origin (CF0102), as its help line.
fn origin_problem(origin: &str) -> Option<String> {
    let quoted = toml::Value::String(origin.to_string()).to_string();
    let text = format!(
        "version = 1\n[api]\nname = \"audit\"\ntype = \"rest\"\n[cors]\nallow_origins = [{quoted}]\n[[routes]]\npath = \"/\"\nmethods = [\"GET\"]\n"
    );
    let (_, diags) = crate::check(&crate::diagnostic::SourceFile::new("audit", text));
    diags
        .into_iter()
        .find(|d| d.code == Code::MalformedOrigin)
        .map(|d| d.help.unwrap_or(d.message))
}
