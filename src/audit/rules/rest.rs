//! REST APIs, path by path: the preflight (OPTIONS), the actual responses of
//! non-proxy methods, API Gateway's own error responses, redeployment.

use super::allowed::{Allowed, check};
use super::mappings::{mapping_checks, undeclared};
use super::response::{response_checks, unescaped_regex};
use super::sam::sam_cors;
use super::*;

pub(super) fn rest(api: &Api, out: &mut Vec<Finding>) {
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
            response_checks(&r.mappings, &r.templates, m.method == "OPTIONS", out);
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
        response_checks(&g.mappings, &[], false, out);
    }
    if let Some(c) = &api.sam_cors {
        sam_cors(api, c, out);
    }
    if let Redeploy::Static { loc, why, fix } = &api.redeploy {
        out.push(at(Code::NoRedeployOnChange, loc, why.clone(), fix.clone()));
    }
    if !cors_intended && api.declared_elsewhere {
        return; // the caller's API: its CORS may be added elsewhere.
    }
    if !cors_intended {
        // Said once, as a note: without a page on another origin nothing is wrong.
        if !api.methods.is_empty() {
            out.push(at(
                Code::NoCors,
                &api.loc,
                format!("`{}` answers no CORS headers at all (no OPTIONS method, no Access-Control-Allow-Origin): a page on another origin cannot call it", api.name),
                "if browsers on other origins call this API, write a policy (`corsform init`) and add its CORS layer (`scope = \"cors\"`); otherwise nothing to do",
            ));
        }
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
    if let (Some(key), Some(_)) = (&api.api_key_on_preflight, &api.sam_cors) {
        // SAM ApiAuth: AddApiKeyRequiredToCorsPreflight defaults to true.
        out.push(at(
            Code::PreflightBehindAuthorizer,
            &key.loc,
            "ApiKeyRequired also puts the API key on SAM's CORS preflights (AddApiKeyRequiredToCorsPreflight defaults to true): browsers send preflights without x-api-key, so every preflight gets 403",
            "add `AddApiKeyRequiredToCorsPreflight: false` under Auth",
        ));
    }
    for (path, methods) in api.methods_by_path() {
        let options = methods.iter().find(|m| m.method == "OPTIONS").copied();
        let actuals: Vec<&Method> = methods
            .into_iter()
            .filter(|m| m.method != "OPTIONS")
            .collect();
        match options {
            None if api.sam_cors.is_none() && needs_preflight(&actuals) => {
                if let Some(first) = actuals.first() {
                    out.push(at(
                        Code::PreflightWithoutCors,
                        &first.loc,
                        format!("`{path}` has no OPTIONS method: the preflight of any non-simple request (JSON body, Authorization, PUT, DELETE) gets API Gateway's 403, without CORS headers"),
                        format!("add an OPTIONS method on `{path}` with a MOCK integration answering the CORS headers, no authorizer"),
                    ));
                }
            }
            Some(o) => preflight(api, o, &actuals, out),
            None => {}
        }
        for m in &actuals {
            actual(m, out);
        }
    }
    if !api.declared_elsewhere {
        error_responses(api, out);
    }
}

/// Whether the browser preflights requests to a path with these methods, as
/// the file shows them (Fetch standard, "CORS-preflight request"): any method
/// but GET and HEAD (a POST to an API sends JSON, whose content type is not
/// safelisted), or an authorizer on any of them (its Authorization header,
/// or SigV4's, is never safelisted). A GET-only public path is simple.
fn needs_preflight(actuals: &[&Method]) -> bool {
    actuals
        .iter()
        .any(|m| !matches!(m.method.as_str(), "GET" | "HEAD") || m.is_authorized())
}

pub(super) fn preflight(api: &Api, o: &Method, actuals: &[&Method], out: &mut Vec<Finding>) {
    let binary_media_types = api.binary_media_types;
    if let Some(key) = &o.api_key {
        out.push(at(
            Code::PreflightBehindAuthorizer,
            key,
            format!("the OPTIONS method of `{}` requires an API key: browsers send preflights without x-api-key, so every preflight gets 403", o.path),
            "set api_key_required to false on the OPTIONS method (ApiKeyRequired)",
        ));
    }
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
        // CORS-FACTS, REST: with binary media types such as */*, the MOCK
        // OPTIONS returns 500. Only then is it a defect; without them, a note.
        let (file, d) = at(
            Code::MockWithoutConvertToText,
            &i.loc,
            if binary_media_types {
                format!(
                    "the MOCK preflight of `{}` has no content handling CONVERT_TO_TEXT: with the API's binary media types it answers 500",
                    o.path
                )
            } else {
                format!(
                    "the MOCK preflight of `{}` has no content handling CONVERT_TO_TEXT: it works today, and answers 500 once binary media types are set on the API",
                    o.path
                )
            },
            "set content_handling = \"CONVERT_TO_TEXT\" (contentHandling / ContentHandling)",
        );
        out.push((file, if binary_media_types { d } else { d.as_note() }));
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
    let pre_creds =
        header(&ms, "Access-Control-Allow-Credentials").and_then(Mapping::literal) == Some("true");
    let templates: Vec<Value> = i
        .responses
        .iter()
        .flat_map(|r| r.templates.iter().cloned())
        .collect();
    let answered_at = i.responses.first().map_or(&i.loc, |r| &r.loc);
    // A header set per request by a template, or mapped from an expression, is not judged.
    let list = |name: &str| -> (Option<Vec<String>>, &Loc) {
        let by_template = templates.iter().any(|t| {
            t.text
                .as_deref()
                .is_some_and(|s| s.contains(&format!("responseOverride.header.{name}")))
        });
        match all
            .iter()
            .find(|m| m.header().is_some_and(|h| h.eq_ignore_ascii_case(name)))
        {
            _ if by_template => (None, answered_at),
            Some(m) => (m.literal().map(split_list), &m.value.loc),
            None => (Some(vec![]), answered_at),
        }
    };
    let (methods, methods_at) = list("Access-Control-Allow-Methods");
    let (headers, headers_at) = list("Access-Control-Allow-Headers");
    let needs: Vec<(String, String, Vec<String>)> = actuals
        .iter()
        .map(|m| (m.path.clone(), m.method.clone(), api.method_headers(m)))
        .collect();
    check(
        &Allowed {
            methods,
            headers,
            credentials: pre_creds,
            methods_at,
            headers_at,
            methods_key: "the OPTIONS integration response's method.response.header.Access-Control-Allow-Methods",
            headers_key: "the OPTIONS integration response's method.response.header.Access-Control-Allow-Headers",
        },
        &needs,
        out,
    );
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

pub(super) fn actual(m: &Method, out: &mut Vec<Finding>) {
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

/// A gateway response that grants an origin whose pages send credentials
/// (a preflight allows credentials for that same origin, or SAM's
/// `Cors.AllowCredentials`) must allow them too, or the browser refuses the
/// error of a credentialed request (Fetch standard, "CORS check": each
/// response needs `Access-Control-Allow-Credentials: true`). An origin that
/// the gateway response does not grant is blocked anyway: CF0507's matter.
fn credentials_on_errors(api: &Api, with_origin: &[&GatewayResponse], out: &mut Vec<Finding>) {
    let mut credentialed: Vec<String> = Vec::new();
    if let Some(c) = &api.sam_cors
        && c.credentials
            .as_ref()
            .and_then(|v| v.text.as_deref())
            .is_some_and(|t| t == "true" || t == "'true'")
    {
        credentialed.extend(c.origins.iter().filter_map(quoted_literal));
    }
    for r in api
        .methods
        .iter()
        .filter(|m| m.method == "OPTIONS")
        .flat_map(|m| m.integration.iter())
        .flat_map(|i| &i.responses)
    {
        if header(&r.mappings, "Access-Control-Allow-Credentials").and_then(Mapping::literal)
            == Some("true")
            && let Some(origin) = header(&r.mappings, ALLOW_ORIGIN).and_then(Mapping::literal)
        {
            credentialed.push(origin.to_string());
        }
    }
    for g in with_origin {
        let Some(origin) = header(&g.mappings, ALLOW_ORIGIN).and_then(Mapping::literal) else {
            continue;
        };
        if origin == "*" && !credentialed.is_empty() {
            // Fetch standard, CORS check: `*` never passes a credentialed request.
            let at_origin = header(&g.mappings, ALLOW_ORIGIN).map_or(&g.loc, |m| &m.value.loc);
            out.push(at(
                Code::CredentialsMismatch,
                at_origin,
                format!("pages send credentials to this API (its preflight allows them), but the {} gateway response answers Access-Control-Allow-Origin `*`, which browsers refuse for credentialed requests: its errors reach the page as CORS errors", g.response_type),
                format!("send the exact origin ('{}') and Access-Control-Allow-Credentials: 'true' in this gateway response", credentialed[0]),
            ));
            continue;
        }
        if credentialed.iter().any(|c| c == origin)
            && header(&g.mappings, "Access-Control-Allow-Credentials").and_then(Mapping::literal)
                != Some("true")
        {
            out.push(at(
                Code::CredentialsMismatch,
                &g.loc,
                format!("pages on {origin} send credentials (its preflight allows them), but the {} gateway response grants {origin} without Access-Control-Allow-Credentials: true, so the browser hides that error from them", g.response_type),
                "map gatewayresponse.header.Access-Control-Allow-Credentials = \"'true'\" in this gateway response too",
            ));
        }
    }
}

/// CORS-FACTS, REST: gateway responses carry no CORS headers unless configured.
pub(super) fn error_responses(api: &Api, out: &mut Vec<Finding>) {
    let with_origin: Vec<&GatewayResponse> = api
        .gateway_responses
        .iter()
        .filter(|g| header(&g.mappings, ALLOW_ORIGIN).is_some())
        .collect();
    credentials_on_errors(api, &with_origin, out);
    if !with_origin.is_empty() {
        // A customised response type replaces the DEFAULT_4XX/5XX for its
        // errors (API Gateway developer guide, "Gateway responses"): without
        // Allow-Origin of its own, those errors reach the page as CORS errors.
        for g in api.gateway_responses.iter().filter(|g| {
            !g.response_type.starts_with("DEFAULT_") && header(&g.mappings, ALLOW_ORIGIN).is_none()
        }) {
            out.push(at(
                Code::ErrorResponsesWithoutCors,
                &g.loc,
                format!("the customised {} gateway response carries no Access-Control-Allow-Origin: it replaces the DEFAULT responses for its errors, so the page sees a CORS error instead of the status", g.response_type),
                "map gatewayresponse.header.Access-Control-Allow-Origin here too, as in the DEFAULT responses",
            ));
        }
    }
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
