//! A CloudFront behaviour in front of an API Gateway API.
//!
//! - `cloudfront-cache-key-ignores-origin` (CF0919): CloudFront does not
//!   honour `Vary` when it caches; only what the cache key holds tells two
//!   requests apart (CloudFront Developer Guide, "Cache content based on
//!   request headers": "Configure CloudFront to respect CORS settings", and
//!   "Understand the cache key"). An API whose Allow-Origin depends on Origin
//!   behind a key without Origin serves one origin's answer to the next.
//! - `cloudfront-options-not-allowed` (CF0920): a method outside the
//!   behaviour's allowed methods is refused by CloudFront itself (403), so
//!   the preflight never reaches the API.
//! - `response-headers-policy-overrides-cors` (CF0921): a response headers
//!   policy's CORS config or `Access-Control-*` custom headers. With
//!   `origin_override` CloudFront replaces the origin's headers with its own;
//!   without it, it adds its own where the origin sent none (API Reference,
//!   ResponseHeadersPolicyCorsConfig.OriginOverride,
//!   ResponseHeadersPolicyCustomHeader.Override).

use super::edge::ApiCors;
use super::*;
use crate::audit::model::edge::{Behaviour, CacheKey, ResponseHeadersPolicy};

fn where_(b: &Behaviour) -> String {
    if b.path == "*" {
        "the default behaviour".into()
    } else {
        format!("the behaviour for `{}`", b.path)
    }
}

pub(super) fn behaviour(b: &Behaviour, api: &Api, cors: &ApiCors, out: &mut Vec<Finding>) {
    let options = |l: &Option<(Vec<String>, Loc)>| {
        l.as_ref().map(|(ms, _)| ms.iter().any(|m| m == "OPTIONS"))
    };
    if cors.preflights
        && let Some((ms, loc)) = &b.allowed_methods
        && options(&b.allowed_methods) == Some(false)
    {
        // A page whose requests are all simple sends no preflight: then the
        // refusal harms nothing yet, a note (DESIGN: every finding is true
        // for the file as written).
        let before = out.len();
        out.push(at(
            Code::CloudfrontOptionsNotAllowed,
            loc,
            format!(
                "{} allows only {}{} in front of API `{}`, which answers preflights: CloudFront refuses the browser's OPTIONS preflight itself (403) and it never reaches the API, so every request that needs one fails",
                where_(b),
                ms.join(", "),
                if *loc == b.loc {
                    " (AllowedMethods is absent: CloudFormation's default)"
                } else {
                    ""
                },
                api.name
            ),
            "allow OPTIONS: [\"GET\", \"HEAD\", \"OPTIONS\"], or all seven methods when the page also sends POST, PUT, PATCH or DELETE",
        ));
        if !cors.needs_preflight {
            for (_, d) in &mut out[before..] {
                d.message.push_str(
                    "; as the files stand its requests are simple (GET or HEAD, safelisted headers, no authorizer), so none is preflighted yet",
                );
                *d = d.clone().as_note();
            }
        }
    }
    if let (
        Some(why),
        CacheKey::Headers {
            headers,
            at: key_at,
            what,
        },
    ) = (&cors.varies, &b.key)
        && !headers.iter().any(|h| h == "origin")
    {
        let preflights = if options(&b.cached_methods) == Some(true) {
            ", preflights included (OPTIONS is cached)"
        } else {
            ""
        };
        out.push(at(
            Code::CloudfrontCacheKeyIgnoresOrigin,
            key_at,
            format!(
                "{what} leaves Origin out of the cache key of {}, in front of API `{}` whose Allow-Origin varies by Origin ({why}): CloudFront does not honour Vary, so the answer cached for one origin is served to the next{preflights}, and the browser blocks it",
                where_(b),
                api.name
            ),
            "put Origin in the cache key (a cache policy whose headers_config whitelists Origin, plus Access-Control-Request-Method and Access-Control-Request-Headers when OPTIONS is cached), or use the managed CachingDisabled policy for the API",
        ));
    }
    if cors.has_cors
        && let Some(p) = &b.response_headers
    {
        policy(b, api, cors, p, out);
    }
}

fn policy(
    b: &Behaviour,
    api: &Api,
    cors: &ApiCors,
    p: &ResponseHeadersPolicy,
    out: &mut Vec<Finding>,
) {
    let help = "keep one owner of CORS: remove the policy's cors_config and Access-Control-* custom headers (the API answers CORS), or remove the API's CORS and let the policy answer";
    if let Some(c) = &p.cors {
        let list = c
            .origins
            .as_ref()
            .map_or_else(|| "computed".to_string(), |o| o.join(", "));
        if c.origin_override {
            out.push(at(
                Code::ResponseHeadersPolicyOverridesCors,
                &c.loc,
                format!(
                    "response headers policy {} on {} overrides the CORS headers API `{}` sends: with origin_override CloudFront replaces them with its own (origins: {list}), so the API's CORS settings never reach the browser",
                    p.name,
                    where_(b),
                    api.name
                ),
                help,
            ));
        } else if let Some(extra) = granted_beyond(c.origins.as_deref(), cors) {
            out.push(at(
                Code::ResponseHeadersPolicyOverridesCors,
                &c.loc,
                format!(
                    "response headers policy {} on {} adds its own CORS headers wherever API `{}` sends none (a refused origin, an API Gateway error): it allows {extra}, which the API does not, so CloudFront grants what the API refuses",
                    p.name,
                    where_(b),
                    api.name
                ),
                help,
            ));
        }
    }
    for (name, value, replace, loc) in &p.custom {
        let origin = name.eq_ignore_ascii_case(ALLOW_ORIGIN);
        if !replace && !origin {
            continue;
        }
        let value = value.as_deref().unwrap_or("a computed value");
        let how = if *replace {
            format!(
                "replaces the {name} API `{}` sends with `{value}`",
                api.name
            )
        } else {
            format!(
                "adds `{name}: {value}` wherever API `{}` sends none (a refused origin, an API Gateway error)",
                api.name
            )
        };
        out.push(at(
            Code::ResponseHeadersPolicyOverridesCors,
            loc,
            format!(
                "response headers policy {} on {}: its custom header {how}, the same value for every origin",
                p.name,
                where_(b)
            ),
            help,
        ));
    }
}

/// The origins a policy allows that the API does not: `*`, or one outside
/// the API's known list.
fn granted_beyond(policy: Option<&[String]>, cors: &ApiCors) -> Option<String> {
    let policy = policy?;
    if policy.iter().any(|o| o == "*")
        && !cors
            .origins
            .as_ref()
            .is_some_and(|a| a.iter().any(|o| o == "*"))
    {
        return Some("any origin (`*`)".into());
    }
    let api = cors.origins.as_ref()?;
    let extra: Vec<&str> = policy
        .iter()
        .filter(|o| !api.iter().any(|a| a.eq_ignore_ascii_case(o)))
        .map(String::as_str)
        .collect();
    (!extra.is_empty()).then(|| extra.join(", "))
}
