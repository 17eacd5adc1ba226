//! `[api] scope = "cors"`: what the caller still owns. corsform builds only
//! the CORS layer (docs/design.md "Scope"), so the actual responses of the
//! caller's non-proxy methods (a MOCK or AWS integration's integration
//! responses) carry CORS headers only if the caller adds them, and an HTTP
//! API's cors_configuration is live only once the caller's API sets it. Said
//! once per policy, as a note at the `scope` value.

use super::Findings;
use super::routes::CheckedRoute;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Api, ApiType, Integration, Scope};
use crate::policy::raw::RawPolicy;

pub fn caller_owns_notes(api: &Api, routes: &[CheckedRoute], raw: &RawPolicy, f: &mut Findings) {
    if api.scope != Scope::Cors {
        return;
    }
    let at = raw
        .api
        .as_ref()
        .and_then(|a| a.scope.as_ref())
        .map_or(0..0, |s| s.span());
    match api.api_type {
        ApiType::Rest => {
            // Proxy routes are CF0602's: their backend sends the headers.
            let own: Vec<String> = routes
                .iter()
                .filter(|r| r.route.integration == Integration::Mock)
                .map(|r| format!("{} {}", r.route.methods.join(","), r.route.path.text))
                .collect();
            if own.is_empty() {
                return;
            }
            f.push(
                Diagnostic::new(
                    Code::CallerOwnsActualResponses,
                    format!(
                        "scope = \"cors\": your API's own methods answer actual requests, and corsform does not create the responses of its non-proxy route(s): {}",
                        own.join("; ")
                    ),
                    at,
                )
                .label("corsform builds only the preflights and gateway responses")
                .help("give those methods' method and integration responses the CORS headers: Access-Control-Allow-Origin (and Vary: Origin when it depends on the Origin), Allow-Credentials and Expose-Headers as the policy says; `corsform explain` shows the values"),
            );
        }
        ApiType::Http => f.push(
            Diagnostic::new(
                Code::CallerOwnsActualResponses,
                "scope = \"cors\": API Gateway applies this policy only once your API's cors_configuration is set from the generated module's output",
                at,
            )
            .label("corsform does not create the HTTP API")
            .help("in your aws_apigatewayv2_api: dynamic \"cors_configuration\" { for_each = [module.<name>.cors_configuration] ... } (README, \"The CORS layer of an API defined elsewhere\")"),
        ),
    }
}
