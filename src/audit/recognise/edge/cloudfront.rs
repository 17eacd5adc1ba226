//! CloudFront distributions (`aws_cloudfront_distribution`,
//! `AWS::CloudFront::Distribution`) whose behaviours send requests to an API
//! Gateway API of the same files, with the cache key each behaviour uses
//! (a cache policy, a managed one, or legacy forwarded values) and the
//! response headers policy attached to it.

use super::{Resource, Scope, api_of, at, each, get, texts};
use crate::audit::doc::Node;
use crate::audit::model::Api;
use crate::audit::model::edge::*;

/// Managed cache policies by id and by name (CloudFront Developer Guide,
/// "Use managed cache policies"): `Some(true)` caches with no header in the
/// key, `Some(false)` does not cache.
const MANAGED_CACHE: &[(&str, &str, bool)] = &[
    (
        "658327ea-f89d-4fab-a63d-7e88639e58f6",
        "Managed-CachingOptimized",
        true,
    ),
    (
        "b2884449-e4de-46a7-ac36-70bc7f1ddd6d",
        "Managed-CachingOptimizedForUncompressedObjects",
        true,
    ),
    (
        "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
        "Managed-CachingDisabled",
        false,
    ),
];

/// Managed response headers policies with CORS settings (CloudFront
/// Developer Guide, "Use managed response headers policies"): all allow any
/// origin (`*`) and do not override the origin's headers.
const MANAGED_RESPONSE: &[(&str, &str)] = &[
    ("60669652-455b-4ae9-85a4-c4c02393f86c", "SimpleCORS"),
    (
        "5cc3b908-e619-4b99-88e5-2cf7f45965bd",
        "CORS-With-Preflight",
    ),
    (
        "e61eb60c-9c35-4d20-a928-2b84e02af89c",
        "CORS-and-SecurityHeadersPolicy",
    ),
    (
        "eaab4381-ed33-4a86-88ca-d9558dc6cd63",
        "CORS-with-preflight-and-SecurityHeadersPolicy",
    ),
];

const STAGES: &[&str] = &[
    "aws_api_gateway_stage",
    "aws_apigatewayv2_stage",
    "aws_api_gateway_deployment",
    "AWS::ApiGateway::Stage",
    "AWS::ApiGatewayV2::Stage",
    "AWS::ApiGateway::Deployment",
];

/// The behaviours of every distribution of `scope` whose origin is an API
/// of `apis`.
pub fn distributions(scope: &Scope, apis: &[Api]) -> Vec<Distribution> {
    let mut out = Vec::new();
    for d in scope
        .of_type("aws_cloudfront_distribution")
        .chain(scope.of_type("AWS::CloudFront::Distribution"))
    {
        let cfn = d.ty.starts_with("AWS::");
        let config = if cfn {
            d.body.get("DistributionConfig")
        } else {
            Some(d.body)
        };
        let Some(config) = config else { continue };
        let origins: Vec<(String, usize)> = each(config, &["origin", "Origins"])
            .into_iter()
            .filter_map(|o| {
                let id = get(o, &["origin_id", "Id"])?.text()?.to_string();
                let domain = get(o, &["domain_name", "DomainName"])?;
                Some((id, api_behind(scope, domain, d, apis)?))
            })
            .collect();
        let mut behaviours = Vec::new();
        let defaults = each(config, &["default_cache_behavior", "DefaultCacheBehavior"]);
        let ordered = each(config, &["ordered_cache_behavior", "CacheBehaviors"]);
        for (b, default) in defaults
            .into_iter()
            .map(|b| (b, true))
            .chain(ordered.into_iter().map(|b| (b, false)))
        {
            let Some(target) = get(b, &["target_origin_id", "TargetOriginId"]).and_then(Node::text)
            else {
                continue;
            };
            let Some((_, api)) = origins.iter().find(|(id, _)| id == target) else {
                continue;
            };
            behaviours.push(behaviour(scope, d.file, b, default, *api, cfn));
        }
        if !behaviours.is_empty() {
            out.push(Distribution {
                loc: d.loc(),
                behaviours,
            });
        }
    }
    out
}

/// The API an origin's domain names: the API itself, a stage or deployment
/// of it, or SAM's implicit API.
fn api_behind(scope: &Scope, domain: &Node, dist: &Resource, apis: &[Api]) -> Option<usize> {
    for r in scope.referred(domain) {
        if let Some(i) = api_of(r, apis) {
            return Some(i);
        }
        if STAGES.contains(&r.ty) {
            let api = get(r.body, &["rest_api_id", "api_id", "RestApiId", "ApiId"])?;
            if let Some(i) = scope
                .referred(api)
                .into_iter()
                .find_map(|a| api_of(a, apis))
            {
                return Some(i);
            }
        }
    }
    let mut texts = Vec::new();
    domain.walk_text(&mut texts);
    ["ServerlessRestApi", "ServerlessHttpApi"]
        .into_iter()
        .find(|n| texts.iter().any(|t| super::names(t, n)))
        .and_then(|n| {
            apis.iter()
                .position(|a| a.name == n && a.loc.file == dist.file)
        })
}

fn behaviour(
    scope: &Scope,
    file: usize,
    b: &Node,
    default: bool,
    api: usize,
    cfn: bool,
) -> Behaviour {
    let methods = |keys: &[&str]| -> Option<(Vec<String>, crate::audit::model::Loc)> {
        match get(b, keys) {
            Some(n) => Some((
                texts(n)?.iter().map(|m| m.to_ascii_uppercase()).collect(),
                at(file, n),
            )),
            // CloudFormation's default for both lists is GET and HEAD
            // (AWS::CloudFront::Distribution CacheBehavior).
            None if cfn => Some((vec!["GET".into(), "HEAD".into()], at(file, b))),
            None => None,
        }
    };
    Behaviour {
        loc: at(file, b),
        path: if default {
            "*".into()
        } else {
            get(b, &["path_pattern", "PathPattern"])
                .and_then(Node::text)
                .unwrap_or("?")
                .to_string()
        },
        api,
        allowed_methods: methods(&["allowed_methods", "AllowedMethods"]),
        cached_methods: methods(&["cached_methods", "CachedMethods"]),
        key: cache_key(scope, file, b),
        response_headers: get(
            b,
            &["response_headers_policy_id", "ResponseHeadersPolicyId"],
        )
        .and_then(|p| response_policy(scope, file, p)),
    }
}

/// A literal `0` TTL: nothing stays in the cache.
fn zero_ttl(n: &Node, keys: &[&str]) -> bool {
    keys.iter().any(|k| {
        n.get(k)
            .and_then(Node::text)
            .is_some_and(|t| t.trim() == "0")
    })
}

fn lower(v: Vec<String>) -> Vec<String> {
    v.into_iter().map(|h| h.to_ascii_lowercase()).collect()
}

fn cache_key(scope: &Scope, file: usize, b: &Node) -> CacheKey {
    if let Some(id) = get(b, &["cache_policy_id", "CachePolicyId"]) {
        let managed = id
            .text()
            .and_then(|t| MANAGED_CACHE.iter().find(|m| m.0 == t));
        let managed = managed.or_else(|| {
            scope
                .referred(id)
                .into_iter()
                .find(|r| r.ty == "data.aws_cloudfront_cache_policy")
                .and_then(|r| r.body.get("name").and_then(Node::text))
                .and_then(|n| MANAGED_CACHE.iter().find(|m| m.1 == n))
        });
        if let Some((_, name, caches)) = managed {
            return if *caches {
                CacheKey::Headers {
                    headers: vec![],
                    at: at(file, id),
                    what: format!(
                        "the managed cache policy {}",
                        name.trim_start_matches("Managed-")
                    ),
                }
            } else {
                CacheKey::NotCached
            };
        }
        let policy = scope.referred(id).into_iter().find(|r| {
            r.ty == "aws_cloudfront_cache_policy" || r.ty == "AWS::CloudFront::CachePolicy"
        });
        return match policy {
            Some(p) => policy_key(p),
            None => CacheKey::Unknown,
        };
    }
    let Some(fv) = get(b, &["forwarded_values", "ForwardedValues"]) else {
        return CacheKey::Unknown;
    };
    if zero_ttl(b, &["default_ttl", "max_ttl", "DefaultTTL", "MaxTTL"]) {
        return CacheKey::NotCached;
    }
    let headers = get(fv, &["headers", "Headers"]);
    match headers.map(texts) {
        Some(None) => CacheKey::Unknown,
        Some(Some(h)) if h.iter().any(|h| h == "*") => CacheKey::NotCached,
        h => CacheKey::Headers {
            headers: lower(h.flatten().unwrap_or_default()),
            at: at(file, headers.unwrap_or(fv)),
            what: "forwarded_values".into(),
        },
    }
}

/// A cache policy of the files: the headers its key holds.
fn policy_key(p: &Resource) -> CacheKey {
    let config = p.body.get("CachePolicyConfig").unwrap_or(p.body);
    if zero_ttl(config, &["default_ttl", "max_ttl", "DefaultTTL", "MaxTTL"]) {
        return CacheKey::NotCached;
    }
    let params = get(
        config,
        &[
            "parameters_in_cache_key_and_forwarded_to_origin",
            "ParametersInCacheKeyAndForwardedToOrigin",
        ],
    );
    let hc = params.and_then(|x| get(x, &["headers_config", "HeadersConfig"]));
    let behavior = hc
        .and_then(|h| get(h, &["header_behavior", "HeaderBehavior"]))
        .and_then(Node::text)
        .unwrap_or("none");
    let items = hc.and_then(|h| h.get("Headers").or_else(|| h.at(&["headers", "items"])));
    let headers = match (behavior, items.map(texts)) {
        ("none", _) | (_, None) => vec![],
        (_, Some(Some(h))) => lower(h),
        (_, Some(None)) => return CacheKey::Unknown,
    };
    CacheKey::Headers {
        headers,
        at: hc.or(params).map_or_else(|| p.loc(), |n| at(p.file, n)),
        what: format!("the cache policy {}", p.name),
    }
}

/// The response headers policy a behaviour names, with its CORS parts.
fn response_policy(scope: &Scope, file: usize, id: &Node) -> Option<ResponseHeadersPolicy> {
    if let Some((_, name)) = id
        .text()
        .and_then(|t| MANAGED_RESPONSE.iter().find(|m| m.0 == t))
    {
        return Some(ResponseHeadersPolicy {
            name: format!("the managed policy {name}"),
            cors: Some(PolicyCors {
                loc: at(file, id),
                origins: Some(vec!["*".into()]),
                origin_override: false,
            }),
            custom: vec![],
        });
    }
    let p = scope.referred(id).into_iter().find(|r| {
        r.ty == "aws_cloudfront_response_headers_policy"
            || r.ty == "AWS::CloudFront::ResponseHeadersPolicy"
    })?;
    let config = p.body.get("ResponseHeadersPolicyConfig").unwrap_or(p.body);
    let flag = |n: &Node, keys: &[&str]| get(n, keys).and_then(Node::bool).unwrap_or(false);
    let cors = get(config, &["cors_config", "CorsConfig"]).map(|c| PolicyCors {
        loc: at(p.file, c),
        origins: get(
            c,
            &["access_control_allow_origins", "AccessControlAllowOrigins"],
        )
        .and_then(|o| get(o, &["items", "Items"]))
        .and_then(texts),
        origin_override: flag(c, &["origin_override", "OriginOverride"]),
    });
    let custom = get(config, &["custom_headers_config", "CustomHeadersConfig"])
        .map(|c| each(c, &["items", "Items"]))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|h| {
            let name = get(h, &["header", "Header"])?.text()?;
            name.to_ascii_lowercase()
                .starts_with("access-control-")
                .then(|| {
                    (
                        name.to_string(),
                        get(h, &["value", "Value"])
                            .and_then(Node::text)
                            .map(str::to_string),
                        flag(h, &["override", "Override"]),
                        at(p.file, h),
                    )
                })
        })
        .collect();
    Some(ResponseHeadersPolicy {
        name: p.name.clone(),
        cors,
        custom,
    })
}
