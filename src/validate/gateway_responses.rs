//! `[gateway_responses]` (REST only). API Gateway's own errors (authorizer
//! 401/403, throttling, missing route, timeouts) carry no CORS headers unless
//! configured, and their header values are static or a mapping of a request
//! header: no VTL, so no origin check (docs/cors-facts.md, REST API section).

use super::{Findings, closed_set};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{
    ApiType, Cors, GATEWAY_RESPONSE_TYPES, GatewayOrigin, GatewayResponses, Origin,
};
use crate::policy::Sp;
use crate::policy::raw::RawGatewayResponses;
use crate::suggest::did_you_mean;
use std::ops::Range;

pub fn validate(
    raw: Option<&Sp<RawGatewayResponses>>,
    api_type: Option<ApiType>,
    cors: Option<&Cors>,
    cors_span: Option<Range<usize>>,
    f: &mut Findings,
) -> Option<GatewayResponses> {
    if api_type == Some(ApiType::Http) {
        if let Some(raw) = raw {
            f.push(
                Diagnostic::new(Code::RestOnlySetting, "[gateway_responses] applies to REST APIs only", raw.span())
                    .label("REST-only table on an HTTP API")
                    .help("remove [gateway_responses]: HTTP APIs add the cors_configuration headers to their own errors"),
            );
        }
        return None;
    }

    let mut types: Vec<String> = Vec::new();
    match raw.and_then(|r| r.types.as_ref()) {
        None => types.extend(["DEFAULT_4XX", "DEFAULT_5XX"].map(String::from)),
        Some(list) => {
            for t in list.iter() {
                let upper = t.to_ascii_uppercase();
                if !GATEWAY_RESPONSE_TYPES.contains(&upper.as_str()) {
                    let d = Diagnostic::new(
                        Code::UnknownGatewayResponse,
                        format!("\"{}\" is not a gateway response type", t.as_str()),
                        t.span(),
                    )
                    .label("unknown type");
                    f.push(match did_you_mean(&upper, GATEWAY_RESPONSE_TYPES.iter().copied()) {
                        Some(s) => d.help(format!("did you mean \"{s}\"?")),
                        None => d.help(format!("gateway response types include DEFAULT_4XX, UNAUTHORIZED and THROTTLED; the full list: {}", crate::diagnostic::render::POLICY_HELP)),
                    });
                } else if types.contains(&upper) {
                    f.push(
                        Diagnostic::new(
                            Code::DuplicateHeader,
                            format!("\"{}\" appears twice in types", t.as_str()),
                            t.span(),
                        )
                        .label("duplicate")
                        .help("remove this entry"),
                    );
                } else {
                    types.push(upper);
                }
            }
        }
    }

    let origin_raw = raw.and_then(|r| r.origin.as_ref());
    let origin = match origin_raw {
        None => GatewayOrigin::First,
        Some(o) => closed_set::parse(
            o,
            "origin",
            &[
                ("first", GatewayOrigin::First),
                ("reflect", GatewayOrigin::Reflect),
            ],
            f,
        )
        .unwrap_or(GatewayOrigin::First),
    };

    if let Some(cors) = cors {
        if origin == GatewayOrigin::Reflect && cors.allow_credentials {
            let at = origin_raw.map_or(0..0, |o| o.span());
            f.push(
                Diagnostic::new(Code::ReflectWithCredentials, "reflecting any Origin on gateway errors with credentials grants every site credentialed reads of them", at)
                    .label("unchecked reflection with credentials")
                    .help("use origin = \"first\", or set allow_credentials = false"),
            );
        }
        let several = cors
            .allow_origins
            .iter()
            .filter(|o| !matches!(o, Origin::Any))
            .count()
            > 1
            || cors
                .allow_origins
                .iter()
                .any(|o| matches!(o, Origin::Pattern { .. }));
        if several && origin == GatewayOrigin::First && !types.is_empty() {
            let first = cors.exact_origins().next();
            let at = origin_raw
                .map(|o| o.span())
                .or(raw.map(|r| r.span()))
                .or(cors_span)
                .unwrap_or(0..0);
            let message = match first {
                Some(first) => format!(
                    "with several allowed origins, gateway error responses carry only the first: {first}"
                ),
                None => {
                    "no exact origin: gateway error responses carry no Access-Control-Allow-Origin"
                        .to_string()
                }
            };
            f.push(
                Diagnostic::new(Code::ErrorsReachFirstOrigin, message, at)
                    .label("gateway responses cannot check the Origin")
                    .help("other origins see API Gateway's own errors (401, 403, 429, 5xx) as CORS failures; origin = \"reflect\" echoes any origin (without credentials)"),
            );
        }
    }

    Some(GatewayResponses { types, origin })
}
