//! The stage variables through which the `openapi` target's document reaches
//! its backends. The document is used unchanged as Terraform's `body`,
//! CloudFormation's `Body` or SAM's `DefinitionBody`, none of which can fill
//! in an ARN or a URL, so each integration URI names stage variables and the
//! caller sets them on the stage (README "The openapi target").
//!
//! API Gateway substitutes `${stageVariables.NAME}` in the path of an AWS
//! integration URI and in an HTTP integration URL ("API Gateway stage
//! variables reference" for REST and for HTTP APIs, developer guide). Names
//! are `[A-Za-z0-9_]+`; backend names are `[a-z][a-z0-9_]*`, so every name
//! below is valid, and the `backend_` prefix keeps a named backend's variables
//! apart from the default ones whatever it is called.

/// The region of the API: the only part of a Lambda invocation URI that is
/// not the function's ARN.
pub const REGION: &str = "region";

/// The stage variable holding the Lambda function ARN of `backend` (the
/// policy's default Lambda when `None`).
pub fn function_arn(backend: Option<&str>) -> String {
    match backend {
        Some(name) => format!("backend_{name}_function_arn"),
        None => "function_arn".into(),
    }
}

/// The stage variable holding the host (and base path, no scheme) of the
/// HTTP backend `backend` (the policy's default HTTP backend when `None`).
pub fn host(backend: Option<&str>) -> String {
    match backend {
        Some(name) => format!("backend_{name}_host"),
        None => "backend_host".into(),
    }
}

/// A Lambda proxy integration's URI: API Gateway's invocation ARN with the
/// region and the function ARN taken from the stage.
pub fn lambda_uri(backend: Option<&str>) -> String {
    format!(
        "arn:aws:apigateway:${{stageVariables.{REGION}}}:lambda:path/2015-03-31/functions/${{stageVariables.{}}}/invocations",
        function_arn(backend)
    )
}

/// An HTTP proxy integration's base URL: HTTPS to the host the stage names.
pub fn http_base(backend: Option<&str>) -> String {
    format!("https://${{stageVariables.{}}}", host(backend))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_backends_never_share_a_default_variable() {
        // A backend may be called anything `[a-z][a-z0-9_]*`, even "backend".
        for name in ["backend", "function", "host", "region", "a_function"] {
            assert_ne!(function_arn(Some(name)), function_arn(None));
            assert_ne!(host(Some(name)), host(None));
            assert_ne!(function_arn(Some(name)), REGION);
        }
    }

    #[test]
    fn uris_name_the_variables() {
        assert_eq!(
            lambda_uri(Some("orders")),
            "arn:aws:apigateway:${stageVariables.region}:lambda:path/2015-03-31/functions/${stageVariables.backend_orders_function_arn}/invocations"
        );
        assert_eq!(http_base(None), "https://${stageVariables.backend_host}");
    }
}
