//! Which target can express which `[api] scope` (docs/design.md "Scope"), and what
//! a target says when it cannot: the registry entries point here, so every
//! refusal names the targets that can build the policy instead.
//!
//! `scope = "cors"` is the CORS layer of an API defined elsewhere: REST
//! preflights and gateway responses attached to the caller's RestApi, or an
//! HTTP API's `cors_configuration` handed to the caller's own API resource.

use super::registry::ALL;
use crate::model::{ApiType, Owner, Policy};

/// Why `target` cannot express the scope of `policy`, naming the targets that can.
pub fn refusal(target: &str, policy: &Policy) -> String {
    let scope = policy.api.scope;
    let can: Vec<&str> = ALL
        .iter()
        .map(|t| t.spec())
        // Scope first: a target refusing the scope would come back here.
        .filter(|s| s.scopes.contains(&scope) && s.unsupported(policy).is_none())
        .map(|s| s.name)
        .collect();
    let why = why_not(target);
    let instead = if can.is_empty() {
        String::new()
    } else {
        format!("; use --target {}", can.join(" or --target "))
    };
    format!(
        "scope \"{}\" is not supported by this target{why}{instead}",
        scope.name()
    )
}

fn why_not(target: &str) -> &'static str {
    match target {
        // A SAM Api (or HttpApi) resource is the API: its CORS lives in its
        // own definition, which another template cannot add to.
        "sam" => {
            " (a SAM template defines its own Api, and another template cannot add to its \
             definition; to add the CORS layer to a SAM API's DefinitionBody, drop scope and set [api] openapi \
             to its OpenAPI document and build --target openapi)"
        }
        _ => "",
    }
}

/// Terraform builds both scopes, except an HTTP API whose function owns CORS:
/// its layer would be OPTIONS routes to the caller's integration, which the
/// module cannot name.
pub fn terraform_refuses(policy: &Policy) -> Option<&'static str> {
    lambda_owned_http_layer(policy)
}

/// CloudFormation builds the REST layer from Parameters; an HTTP API's CORS is
/// the `CorsConfiguration` property of its `AWS::ApiGatewayV2::Api`, which
/// another template cannot set (and an Output cannot carry an object).
pub fn cloudformation_refuses(policy: &Policy) -> Option<&'static str> {
    (is_cors_layer(policy) && policy.api.api_type == ApiType::Http).then_some(
        "scope \"cors\" on an HTTP API: its CORS is the CorsConfiguration property of your \
         AWS::ApiGatewayV2::Api, which another template cannot set; copy the policy's values \
         into it, or use --target terraform (it outputs cors_configuration for your API)",
    )
}

fn lambda_owned_http_layer(policy: &Policy) -> Option<&'static str> {
    (is_cors_layer(policy)
        && policy.api.api_type == ApiType::Http
        && policy.cors.owner == Owner::Lambda)
        .then_some(
            "scope \"cors\" with owner = \"lambda\" on an HTTP API: the function answers CORS, \
             so there is no gateway layer to build; use --target lambda-node or --target \
             lambda-python and give your API an unauthorized OPTIONS route to the function",
        )
}

fn is_cors_layer(policy: &Policy) -> bool {
    policy.api.scope == crate::model::Scope::Cors
}
