//! Findings in `cdk synth` output said in CDK's terms (issue 26): a template
//! CDK wrote carries each resource's construct path in its
//! `Metadata."aws:cdk:path"` (`ItemsStack/ItemsApi/Default/items/GET/Resource`),
//! which names the construct a team edits; the JSON line alone does not.
//! A finding inside such a resource is labelled with that path, and its help
//! gains the fix written as aws-cdk-lib's aws_apigateway API takes it.

use super::doc::Node;
use crate::diagnostic::{Code, Diagnostic};
use std::ops::Range;

/// Each resource's span and construct path, when the template has them.
pub fn construct_paths(doc: &Node) -> Vec<(Range<usize>, String)> {
    doc.get("Resources")
        .map(Node::entries)
        .unwrap_or(&[])
        .iter()
        .filter_map(|e| {
            let path = e.value.at(&["Metadata", "aws:cdk:path"])?.text()?;
            let path = path.strip_suffix("/Resource").unwrap_or(path);
            Some((e.key_span.start..e.value.span.end, path.to_string()))
        })
        .collect()
}

/// The fix in aws-cdk-lib terms, for the rules whose fix CDK spells its own way.
fn cdk_fix(code: Code) -> Option<&'static str> {
    Some(match code {
        Code::PreflightWithoutCors => {
            "in CDK: `defaultCorsPreflightOptions: { allowOrigins: [...], allowHeaders: [...] }` on the RestApi or this resource"
        }
        Code::ActualResponseWithoutCors => {
            "in CDK: the integration's `integrationResponses` map `'method.response.header.Access-Control-Allow-Origin'`, and the method's `methodResponses` declare it"
        }
        Code::ErrorResponsesWithoutCors => {
            "in CDK: `api.addGatewayResponse('Default4xx', { type: ResponseType.DEFAULT_4XX, responseHeaders: { 'Access-Control-Allow-Origin': \"'https://…'\" } })`, and DEFAULT_5XX"
        }
        Code::PreflightBehindAuthorizer => {
            "in CDK: `defaultMethodOptions` put the authorizer on the OPTIONS method too; give the preflight `authorizationType: AuthorizationType.NONE`"
        }
        Code::MockWithoutConvertToText => {
            "in CDK: `new MockIntegration({ contentHandling: ContentHandling.CONVERT_TO_TEXT, ... })`"
        }
        Code::NoRedeployOnChange => {
            "in CDK: keep the Deployment the RestApi makes (`deploy: true`), whose logical ID hashes the API"
        }
        Code::MethodNotAllowed | Code::RequestHeaderNotAllowed => {
            "in CDK: `allowMethods` / `allowHeaders` of `defaultCorsPreflightOptions` (Cors.DEFAULT_HEADERS lists Authorization and X-Amz-Date)"
        }
        _ => return None,
    })
}

/// Label each finding inside a CDK resource with its construct path and
/// add the CDK fix.
pub fn annotate(ds: &mut [Diagnostic], paths: &[(Range<usize>, String)]) {
    for d in ds {
        let Some(at) = d.span.as_ref().map(|s| s.start) else {
            continue;
        };
        let Some((_, path)) = paths.iter().find(|(r, _)| r.contains(&at)) else {
            continue;
        };
        d.label = Some(match &d.label {
            Some(l) => format!("{l} (construct {path})"),
            None => format!("construct {path}"),
        });
        if let Some(fix) = cdk_fix(d.code) {
            d.help = Some(match &d.help {
                Some(h) => format!("{h}; {fix}"),
                None => fix.to_string(),
            });
        }
    }
}
