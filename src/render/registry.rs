//! The target registry: one entry per output target says which API types and
//! scopes it can express, what else it refuses, how it plans a policy, and
//! which template renders to which file. `render`, the default targets, the
//! supported targets and the CLI's support checks (explain, serve, probe) all
//! read it, so adding a target is one entry here plus its templates
//! (docs/adding-a-target.md).

use super::target::Target;
use crate::derive::{http_api, lambda, rest_api};
use crate::model::{ApiType, Owner, Policy, Scope};
use serde::Serialize;

/// What a target's templates receive as `plan`.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Plan {
    Rest(rest_api::RestApiPlan),
    Http(http_api::HttpApiPlan),
    Lambda(lambda::LambdaPlan),
}

/// One output target.
#[derive(Debug)]
pub struct TargetSpec {
    /// The `--target` value and the output folder's name.
    pub name: &'static str,
    /// One line for `--help`.
    pub help: &'static str,
    /// The API types it can express.
    pub api_types: &'static [ApiType],
    /// The scopes it can express (DESIGN.md `[api] scope`).
    pub scopes: &'static [Scope],
    /// Built by `build` when no `--target` is given.
    pub default: bool,
    /// A policy this target cannot express although its type and scope fit:
    /// the reason and what to do instead.
    pub refuses: fn(&Policy) -> Option<&'static str>,
    /// The API types for which it gives each `[backends]` entry its own input
    /// (DESIGN.md "Named backends"); for the others it refuses policies that
    /// declare backends.
    pub named_backends: &'static [ApiType],
    /// It serves every `[environments]` entry from one output, chosen by one
    /// input; a target without it refuses policies with environments.
    pub environments: bool,
    /// The plan its templates render.
    pub plan: fn(&Policy) -> Plan,
    /// `(output file, template)`; `{api}` in a template name is the API type
    /// (`rest`, `http`).
    pub files: &'static [(&'static str, &'static str)],
}

/// The plan of an API-creating IaC target: the REST or the HTTP API plan.
fn api_plan(policy: &Policy) -> Plan {
    match policy.api.api_type {
        ApiType::Rest => Plan::Rest(rest_api::plan(policy)),
        ApiType::Http => Plan::Http(http_api::plan(policy)),
    }
}

fn lambda_plan(policy: &Policy) -> Plan {
    Plan::Lambda(lambda::plan(policy))
}

fn refuses_nothing(_: &Policy) -> Option<&'static str> {
    None
}

/// HTTP API `cors_configuration` replaces the CORS headers integrations send
/// (API Gateway developer guide, "Configuring CORS for an HTTP API").
fn refuses_gateway_owned_http(policy: &Policy) -> Option<&'static str> {
    (policy.api.api_type == ApiType::Http && policy.cors.owner == Owner::Gateway).then_some(
        "this HTTP API has cors_configuration, so API Gateway owns CORS and drops the headers a function sends; \
         set [cors] owner = \"lambda\" to let the function answer CORS",
    )
}

const BOTH: &[ApiType] = &[ApiType::Rest, ApiType::Http];
const API_SCOPE: &[Scope] = &[Scope::Api];

pub static TERRAFORM: TargetSpec = TargetSpec {
    name: "terraform",
    help: "A Terraform module: main.tf, variables.tf, outputs.tf, versions.tf",
    api_types: BOTH,
    scopes: API_SCOPE,
    default: true,
    refuses: refuses_nothing,
    named_backends: BOTH,
    environments: false,
    plan: api_plan,
    files: &[
        ("main.tf", "terraform/{api}/main.tf"),
        ("variables.tf", "terraform/{api}/variables.tf"),
        ("outputs.tf", "terraform/{api}/outputs.tf"),
        // One versions.tf serves both API types.
        ("versions.tf", "terraform/versions.tf"),
    ],
};

pub static SAM: TargetSpec = TargetSpec {
    name: "sam",
    help: "A SAM template (template.yaml)",
    api_types: BOTH,
    scopes: API_SCOPE,
    default: true,
    refuses: refuses_nothing,
    named_backends: BOTH,
    environments: false,
    plan: api_plan,
    files: &[("template.yaml", "sam/{api}/template.yaml")],
};

pub static CLOUDFORMATION: TargetSpec = TargetSpec {
    name: "cloudformation",
    help: "A plain CloudFormation template (template.yaml)",
    api_types: BOTH,
    scopes: API_SCOPE,
    default: true,
    refuses: refuses_nothing,
    named_backends: BOTH,
    environments: false,
    plan: api_plan,
    files: &[("template.yaml", "cloudformation/{api}/template.yaml")],
};

pub static LAMBDA_NODE: TargetSpec = TargetSpec {
    name: "lambda-node",
    help: "CORS helper for a Node.js Lambda proxy function (cors.mjs)",
    api_types: BOTH,
    scopes: API_SCOPE,
    default: false,
    refuses: refuses_gateway_owned_http,
    // The helpers run inside the function, whatever backend it is.
    named_backends: BOTH,
    environments: false,
    plan: lambda_plan,
    // The helpers do not depend on the API type.
    files: &[("cors.mjs", "lambda-node/cors.mjs")],
};

pub static LAMBDA_PYTHON: TargetSpec = TargetSpec {
    name: "lambda-python",
    help: "CORS helper for a Python Lambda proxy function (cors.py)",
    api_types: BOTH,
    scopes: API_SCOPE,
    default: false,
    refuses: refuses_gateway_owned_http,
    // The helpers run inside the function, whatever backend it is.
    named_backends: BOTH,
    environments: false,
    plan: lambda_plan,
    files: &[("cors.py", "lambda-python/cors.py")],
};

/// Every target, in `--help` and build order.
pub static ALL: &[Target] = &[
    Target(&TERRAFORM),
    Target(&SAM),
    Target(&CLOUDFORMATION),
    Target(&LAMBDA_NODE),
    Target(&LAMBDA_PYTHON),
];

impl TargetSpec {
    /// Why this target cannot express `policy`, or `None` when it can.
    pub fn unsupported(&self, policy: &Policy) -> Option<String> {
        let api_type = policy.api.api_type;
        if !self.api_types.contains(&api_type) {
            return Some(format!(
                "{} APIs are not supported by this target",
                api_type.label()
            ));
        }
        if !self.scopes.contains(&policy.api.scope) {
            return Some(format!(
                "scope \"{}\" is not supported by this target",
                policy.api.scope.name()
            ));
        }
        if !self.named_backends.contains(&api_type) && !policy.backends.is_empty() {
            return Some(
                "named [backends] are not supported by this target yet; remove [backends] and routes' `backend` to build it"
                    .into(),
            );
        }
        if !self.environments && !policy.environments.is_empty() {
            return Some(
                "[environments] are not supported by this target yet; build one policy per environment without [environments]"
                    .into(),
            );
        }
        (self.refuses)(policy).map(String::from)
    }

    /// The templates to render for this API type: `(output file, template name)`.
    pub fn templates(&self, api_type: ApiType) -> Vec<(&'static str, String)> {
        self.files
            .iter()
            .map(|(file, template)| (*file, template.replace("{api}", api_type.name())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_every_template_exists() {
        let mut names: Vec<&str> = ALL.iter().map(|t| t.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
        let known: Vec<&str> = super::super::templates::ALL
            .iter()
            .map(|(n, _)| *n)
            .collect();
        for t in ALL {
            for api in t.spec().api_types {
                for (_, template) in t.spec().templates(*api) {
                    assert!(
                        known.contains(&template.as_str()),
                        "{}: {template}",
                        t.name()
                    );
                }
            }
        }
    }
}
