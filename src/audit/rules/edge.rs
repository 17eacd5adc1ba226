//! The rules for the rest of the browser's path (DESIGN, "The rest of the
//! browser's path"): [`cloudfront`] in front of an API, [`s3`] bucket CORS,
//! [`function_url`]s. They judge the [`Edge`] model with what the API behind
//! a distribution answers ([`ApiCors`]).

use super::*;
use crate::audit::model::edge::Edge;

/// What an API's CORS answer is, as far as a cache in front of it cares.
pub(super) struct ApiCors {
    /// The API answers CORS at all (a configuration, preflights, Allow-Origin).
    pub has_cors: bool,
    /// It has preflights to answer (OPTIONS methods, or a CORS configuration).
    pub preflights: bool,
    /// Pages send preflights to it, as the files show (the rule of
    /// [`super::rest`]'s `needs_preflight`): a method other than GET and HEAD,
    /// a request header that is not safelisted, or an authorizer.
    pub needs_preflight: bool,
    /// Why its Allow-Origin depends on the request's Origin, when it does.
    pub varies: Option<String>,
    /// The exact origins it allows, when the files state them all.
    pub origins: Option<Vec<String>>,
}

pub(super) fn api_cors(api: &Api) -> ApiCors {
    if let Some(c) = api.cors.as_ref().or(api.sam_cors.as_ref()) {
        let origins: Option<Vec<String>> = c
            .origins
            .iter()
            .map(|v| v.text.as_deref().map(|t| unquoted(t).to_string()))
            .collect();
        let varies = origins.as_ref().and_then(|os| {
            if os.iter().any(|o| o != "*" && o.contains('*')) {
                Some("a wildcard pattern origin is answered with the matching origin".to_string())
            } else if api.cors.is_some() && os.len() > 1 && !os.iter().any(|o| o == "*") {
                Some(format!(
                    "its CORS configuration answers each of its {} origins with that origin",
                    os.len()
                ))
            } else {
                None
            }
        });
        let listed = |vs: &[Value], simple: &[&str]| {
            vs.iter().any(|v| {
                v.text.as_deref().is_none_or(|t| {
                    split_list(unquoted(t))
                        .iter()
                        .any(|x| !simple.iter().any(|s| s.eq_ignore_ascii_case(x)))
                })
            })
        };
        let needs_preflight = listed(&c.methods, &["GET", "HEAD"])
            || listed(
                &c.headers,
                &["accept", "accept-language", "content-language"],
            )
            || authorized(api);
        return ApiCors {
            has_cors: true,
            preflights: true,
            needs_preflight,
            varies,
            origins,
        };
    }
    let preflights = api.methods.iter().any(|m| m.method == "OPTIONS");
    let responses: Vec<&IntegrationResponse> = api
        .methods
        .iter()
        .flat_map(|m| m.integration.iter().flat_map(|i| i.responses.iter()))
        .collect();
    let mappings = responses
        .iter()
        .flat_map(|r| r.mappings.iter())
        .chain(api.gateway_responses.iter().flat_map(|g| g.mappings.iter()));
    let origin_maps: Vec<&Mapping> = mappings
        .filter(|m| {
            m.header()
                .is_some_and(|h| h.eq_ignore_ascii_case(ALLOW_ORIGIN))
        })
        .collect();
    let reflected = origin_maps.iter().any(|m| {
        m.value
            .text
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("method.request.header.Origin"))
    });
    let templated = responses.iter().any(|r| overrides_origin(&r.templates));
    let varies = if templated {
        Some("a mapping template sets Allow-Origin from the request's Origin".to_string())
    } else if reflected {
        Some("it reflects the request's Origin".to_string())
    } else {
        None
    };
    let origins = if varies.is_some() {
        None
    } else {
        let mut os: Vec<String> = origin_maps
            .iter()
            .filter_map(|m| m.literal().map(str::to_string))
            .collect();
        os.sort();
        os.dedup();
        Some(os)
    };
    let needs_preflight = authorized(api)
        || api
            .methods
            .iter()
            .any(|m| !matches!(m.method.as_str(), "GET" | "HEAD" | "OPTIONS"));
    ApiCors {
        has_cors: preflights || !origin_maps.is_empty() || templated,
        preflights,
        needs_preflight,
        varies,
        origins,
    }
}

/// Whether pages must send credentials headers the API's authorization reads.
fn authorized(api: &Api) -> bool {
    api.methods
        .iter()
        .any(|m| m.method != "OPTIONS" && (m.is_authorized() || m.api_key.is_some()))
        || api.http_routes.iter().any(|r| r.authorized)
        || api.api_key_required
        || api.default_authorizer.is_some()
}

/// Every finding on the edge resources.
pub fn judge_edge(edge: &Edge, apis: &[Api]) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in &edge.distributions {
        for b in &d.behaviours {
            if let Some(api) = apis.get(b.api) {
                super::cloudfront::behaviour(b, api, &api_cors(api), &mut out);
            }
        }
    }
    for b in &edge.buckets {
        super::s3::bucket(b, &mut out);
    }
    for u in &edge.function_urls {
        super::function_url::url(u, &mut out);
    }
    out
}
