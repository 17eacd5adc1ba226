//! `[api] scope = "cors"`: what the caller still owns. corsform builds only
//! the CORS layer (docs/design.md "Scope"), so the actual responses of the
//! caller's non-proxy methods (a MOCK or AWS integration's integration
//! responses) carry CORS headers only if the caller wires in the module's
//! outputs for them (a Terraform module cannot change another module's
//! resources; templates/terraform/rest/cors/outputs.tf.tera), and an HTTP
//! API's cors_configuration is live only once the caller's API sets it. Said
//! once per policy, as a note at the `scope` value.
//!
//! An authorizer on an HTTP API's `ANY` route catches preflights (CF0404). A
//! `scope = "cors"` layer adds the unauthorized OPTIONS route that fixes it
//! (derive/cors_layer.rs), so for the paths it covers the warning would ask
//! for a route the module already makes; a note says what makes it happen
//! (CF0604) instead.

use super::Findings;
use super::routes::{self, CheckedRoute};
use crate::derive::cors_layer;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Api, ApiType, Cors, Integration, Owner, Scope};
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
                        "scope = \"cors\": your API's own methods answer actual requests, and a module cannot change their responses; wire the layer's outputs into those of its non-proxy route(s): {}",
                        own.join("; ")
                    ),
                    at,
                )
                .label("corsform builds only the preflights and gateway responses")
                .help("give each of those methods' method responses response_parameters = module.<name>.method_response_parameters[\"<path>\"], and each integration response actual_response_parameters[\"<path>\"] and its application/json template \"${module.<name>.actual_response_templates[\"<path>\"]}<your body>\" (the generated module's README, \"Your own non-proxy methods\")"),
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

/// CF0404 on an HTTP API whose gateway owns CORS, but for the paths a `scope
/// = "cors"` layer gives an OPTIONS route of its own: CF0604 there.
pub fn catch_all_authorizers(api: &Api, cors: &Cors, checked: &[CheckedRoute], f: &mut Findings) {
    if api.api_type != ApiType::Http || cors.owner != Owner::Gateway {
        return;
    }
    let layer_routes = match api.scope {
        Scope::Api => Vec::new(),
        Scope::Cors => cors_layer::open_options_routes(checked.iter().map(|c| &c.route)),
    };
    let covered: Vec<&str> = layer_routes.iter().map(|r| r.path.text.as_str()).collect();
    routes::check_catch_all_authorizer(checked, &covered, f);
    for route in layer_routes {
        // The checked route the layer's list came from, for its spans.
        let Some(c) = checked.iter().find(|c| std::ptr::eq(&c.route, route)) else {
            continue;
        };
        let at = c
            .raw
            .authorization
            .as_ref()
            .map_or(c.raw.span(), |a| a.span());
        let path = &route.path.text;
        f.push(
            Diagnostic::new(
                Code::LayerAddsPreflightRoute,
                format!("scope = \"cors\": the generated module adds OPTIONS {path} without authorizer, which keeps preflights from the authorizer on ANY {path}, once you pass it api_id"),
                at,
            )
            .label("this authorizer would otherwise receive the preflights")
            .help(format!("pass api_id = aws_apigatewayv2_api.<name>.id to the module (without it, add a route OPTIONS {path} with authorization_type = \"NONE\" yourself)")),
        );
    }
}
