//! OpenAPI: what the `openapi` target's document needs beyond the shared
//! path-item partials (`templates/shared/openapi/`), namely how a backend is
//! bound to a document nobody edits: through stage variables
//! ([`stage_variables`]); and what in a team's own document (`[api]
//! openapi`) conflicts with the policy ([`conflicts`]). docs/design.md "OpenAPI".

pub mod conflicts;
pub mod document;
pub mod emit;
pub mod refs;
pub mod routes;
pub mod splice;
pub mod stage_variables;

use crate::model::{Authorization, Policy};

/// What the `openapi` target cannot express: an authorizer needs a user pool
/// ARN, an issuer or a function ARN in its `x-amazon-apigateway-authorizer`,
/// where API Gateway substitutes no stage variables, so the document could not
/// be used unchanged. IAM (`sigv4`) needs nothing and is kept.
pub fn refuses(policy: &Policy) -> Option<&'static str> {
    policy
        .routes
        .iter()
        .any(|r| {
            matches!(
                r.authorization,
                Authorization::Cognito | Authorization::Jwt | Authorization::Custom
            )
        })
        .then_some(
            "an OpenAPI document used unchanged cannot name an authorizer's ARN or issuer; \
             build the sam, cloudformation or terraform target, which take them as inputs, \
             or keep `authorization = \"iam\"`",
        )
}
