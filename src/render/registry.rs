//! The target registry: one entry per output target says which API types and
//! scopes it can express, what else it refuses, how it plans a policy, and
//! which template renders to which file. `render`, the default targets, the
//! supported targets and the CLI's support checks (explain, serve, probe) all
//! read it, so adding a target is one entry here plus its templates
//! (docs/adding-a-target.md).

use super::scope;
use super::target::Target;
use crate::derive::{cors_layer, environments, http_api, lambda, rest_api};
use crate::model::{ApiType, Owner, Policy, Scope};
use serde::Serialize;

/// What a target's templates receive as `plan`.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Plan {
    Rest(rest_api::RestApiPlan),
    Http(http_api::HttpApiPlan),
    /// `scope = "cors"`: the CORS layer of a REST or HTTP API defined elsewhere.
    RestLayer(cors_layer::RestCorsLayer),
    HttpLayer(cors_layer::HttpCorsLayer),
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
    /// The scopes it can express (docs/design.md `[api] scope`).
    pub scopes: &'static [Scope],
    /// Built by `build` when no `--target` is given.
    pub default: bool,
    /// A policy this target cannot express although its type and scope fit:
    /// the reason and what to do instead.
    pub refuses: fn(&Policy) -> Option<&'static str>,
    /// The API types for which it gives each `[backends]` entry its own input
    /// (docs/design.md "Named backends"); for the others it refuses policies that
    /// declare backends.
    pub named_backends: &'static [ApiType],
    /// It serves every `[environments]` entry from one output, chosen by one
    /// input; a target without it refuses policies with environments.
    pub environments: bool,
    /// The plan its templates render.
    pub plan: fn(&Policy) -> Plan,
    /// `(output file, template)`; `{module}` in an output file is the policy's
    /// Python module name ([`python_module`]); `{api}` in a template name is the API type
    /// (`rest`, `http`), followed by `/cors` for the CORS layer of `scope =
    /// "cors"` (`terraform/rest/cors/main.tf`), so each layer has its own
    /// template folder and a target without `{api}` serves both scopes.
    pub files: &'static [(&'static str, &'static str)],
}

/// The plan of an IaC target: the REST or the HTTP API plan.
/// With `scope = "cors"`, the plan of the CORS layer (docs/design.md "Scope").
fn api_plan(policy: &Policy) -> Plan {
    match (policy.api.api_type, policy.api.scope) {
        (ApiType::Rest, Scope::Api) if !policy.environments.is_empty() => {
            Plan::Rest(environments::rest(policy, rest_api::plan(policy)))
        }
        (ApiType::Http, Scope::Api) if !policy.environments.is_empty() => {
            Plan::Http(environments::http(policy, http_api::plan(policy)))
        }
        (ApiType::Rest, Scope::Api) => Plan::Rest(rest_api::plan(policy)),
        (ApiType::Http, Scope::Api) => Plan::Http(http_api::plan(policy)),
        (ApiType::Rest, Scope::Cors) => Plan::RestLayer(cors_layer::rest(policy)),
        (ApiType::Http, Scope::Cors) => Plan::HttpLayer(cors_layer::http(policy)),
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
/// The whole API, or the CORS layer of an API defined elsewhere.
const BOTH_SCOPES: &[Scope] = &[Scope::Api, Scope::Cors];

/// A template cannot change an existing bucket's CORS: per bucket (and
/// environment) the targets that cannot set it write the rule for
/// `aws s3api put-bucket-cors --cors-configuration file://...`
/// (`{bucket}` expands per bucket; render/mod.rs)...
const BUCKET_JSON: (&str, &str) = ("buckets/{bucket}-cors.json", "shared/buckets/cors.json");
/// ...and the CorsConfiguration to paste into the team's own AWS::S3::Bucket.
const BUCKET_YAML: (&str, &str) = ("buckets/{bucket}-cors.yaml", "shared/buckets/cors.yaml");

pub static TERRAFORM: TargetSpec = TargetSpec {
    name: "terraform",
    help: "A Terraform module: main.tf, variables.tf, outputs.tf, versions.tf",
    api_types: BOTH,
    scopes: BOTH_SCOPES,
    default: true,
    refuses: scope::terraform_refuses,
    named_backends: BOTH,
    environments: true,
    plan: api_plan,
    files: &[
        ("main.tf", "terraform/{api}/main.tf"),
        ("variables.tf", "terraform/{api}/variables.tf"),
        ("outputs.tf", "terraform/{api}/outputs.tf"),
        // One versions.tf serves both API types.
        ("versions.tf", "terraform/versions.tf"),
        // Made from variables.tf and outputs.tf, not from a template.
        ("README.md", super::module_readme::TEMPLATE),
    ],
};

pub static SAM: TargetSpec = TargetSpec {
    name: "sam",
    help: "A SAM template (template.yaml)",
    api_types: BOTH,
    // An Api resource's DefinitionBody is the whole API; see scope::refusal.
    scopes: API_SCOPE,
    default: true,
    refuses: refuses_nothing,
    named_backends: BOTH,
    environments: true,
    plan: api_plan,
    files: &[
        ("template.yaml", "sam/{api}/template.yaml"),
        BUCKET_JSON,
        BUCKET_YAML,
    ],
};

pub static CLOUDFORMATION: TargetSpec = TargetSpec {
    name: "cloudformation",
    help: "A plain CloudFormation template (template.yaml)",
    api_types: BOTH,
    scopes: BOTH_SCOPES,
    default: true,
    refuses: scope::cloudformation_refuses,
    named_backends: BOTH,
    environments: true,
    plan: api_plan,
    files: &[
        ("template.yaml", "cloudformation/{api}/template.yaml"),
        BUCKET_JSON,
        BUCKET_YAML,
    ],
};

pub static LAMBDA_NODE: TargetSpec = TargetSpec {
    name: "lambda-node",
    help: "CORS helper for a Node.js Lambda proxy function (cors.mjs)",
    api_types: BOTH,
    // A proxy function sends its own CORS headers whoever created the API.
    scopes: BOTH_SCOPES,
    default: false,
    refuses: refuses_gateway_owned_http,
    // The helpers run inside the function, whatever backend it is.
    named_backends: BOTH,
    environments: true,
    plan: lambda_plan,
    // The helpers do not depend on the API type.
    files: &[("cors.mjs", "lambda-node/cors.mjs")],
};

pub static LAMBDA_PYTHON: TargetSpec = TargetSpec {
    name: "lambda-python",
    help: "CORS helper for a Python Lambda proxy function (cors.py)",
    api_types: BOTH,
    scopes: BOTH_SCOPES,
    default: false,
    refuses: refuses_gateway_owned_http,
    // The helpers run inside the function, whatever backend it is.
    named_backends: BOTH,
    environments: true,
    plan: lambda_plan,
    files: &[("cors.py", "lambda-python/cors.py")],
};

pub static OPENAPI: TargetSpec = TargetSpec {
    name: "openapi",
    help: "An OpenAPI 3.0.1 document with API Gateway's extensions (openapi.yaml)",
    api_types: BOTH,
    // The document is the whole API definition.
    scopes: API_SCOPE,
    default: false,
    refuses: crate::openapi::refuses,
    // Each backend is bound through its own stage variables (openapi::stage_variables).
    named_backends: BOTH,
    environments: false,
    plan: api_plan,
    files: &[("openapi.yaml", "openapi/{api}/openapi.yaml")],
};

/// The CDK modules set an HTTP API's CORS configuration; with `owner =
/// "lambda"` there is none to set, and the OPTIONS routes to the function would
/// need the caller's integration.
fn cdk_refuses(policy: &Policy) -> Option<&'static str> {
    if policy.api.api_type == ApiType::Http && policy.cors.owner == Owner::Lambda {
        return Some(
            "owner = \"lambda\" on an HTTP API: the function answers CORS, so there is no gateway CORS to apply; \
             use --target lambda-node or --target lambda-python and give your HttpApi an unauthorized OPTIONS route \
             to the function",
        );
    }
    cdk_path_refused(policy).then_some(
        "a path segment that aws-cdk-lib refuses: its Resource path parts allow only letters, digits and `._-:` \
         (API Gateway allows `@` and `~` too), and a segment named `constructor` breaks its lookup of child \
         resources, so `cdk synth` throws; build the cloudformation target, whose template takes these paths",
    )
}

/// Whether a route's literal segment is one `cdk synth` throws on (issue 28):
/// a character outside aws-cdk-lib's path-part pattern, or `constructor`.
fn cdk_path_refused(policy: &Policy) -> bool {
    policy.routes.iter().any(|r| {
        r.path.segments.iter().any(|s| match s {
            crate::model::Segment::Literal(text) => {
                text == "constructor"
                    || !text
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"._-:".contains(&b))
            }
            _ => false,
        })
    })
}

/// AWS CDK v2 (aws-cdk-lib): `applyCorsPolicy(api)` adds the policy's CORS to a
/// `RestApi` or an `HttpApi` of the caller's app (docs/design.md "CDK"). It
/// renders the CloudFormation target's plans, so both deploy the same CORS.
pub static CDK_TYPESCRIPT: TargetSpec = TargetSpec {
    name: "cdk-typescript",
    help: "AWS CDK v2 TypeScript module: applyCorsPolicy(api) (cors.ts)",
    api_types: BOTH,
    scopes: BOTH_SCOPES,
    default: false,
    refuses: cdk_refuses,
    // Backends are the caller's: the module adds only CORS.
    named_backends: BOTH,
    environments: true,
    plan: api_plan,
    files: &[("cors.ts", "cdk-typescript/{api}/cors.ts"), BUCKET_JSON],
};

pub static CDK_PYTHON: TargetSpec = TargetSpec {
    name: "cdk-python",
    help: "AWS CDK v2 Python module: apply_cors_policy(api) (<api_name>_cors.py)",
    api_types: BOTH,
    scopes: BOTH_SCOPES,
    default: false,
    refuses: cdk_refuses,
    named_backends: BOTH,
    environments: true,
    plan: api_plan,
    // Named after the API, so `from shop_api_cors import apply_cors_policy`
    // works once the folder is on the module search path (the folders
    // `shop-api` and `cdk-python` are not Python names), and two APIs'
    // modules can be imported side by side.
    files: &[("{module}.py", "cdk-python/{api}/cors.py"), BUCKET_JSON],
};

/// The Python module name of a policy's CDK module: its API name in snake case
/// and `_cors` (`shop-api` -> `shop_api_cors`). API names are `[a-z][a-z0-9-]*`,
/// so this is always an identifier, and never a keyword (it ends in `_cors`).
pub fn python_module(api_name: &str) -> String {
    format!("{}_cors", heck::ToSnakeCase::to_snake_case(api_name))
}

/// Every target, in `--help` and build order.
pub static ALL: &[Target] = &[
    Target(&TERRAFORM),
    Target(&SAM),
    Target(&CLOUDFORMATION),
    Target(&LAMBDA_NODE),
    Target(&LAMBDA_PYTHON),
    Target(&OPENAPI),
    Target(&CDK_TYPESCRIPT),
    Target(&CDK_PYTHON),
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
            return Some(scope::refusal(self.name, policy));
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
        if policy.api.openapi.is_some() {
            return Some(
                "[api] openapi: the team's document defines the API; `--target openapi` writes it with the CORS layer added. Remove `openapi` to build the policy's own routes"
                    .into(),
            );
        }
        if let Some(why) = environments::refusal(policy) {
            return Some(why.into());
        }
        (self.refuses)(policy).map(String::from)
    }

    /// The templates to render for this API type and scope: `(output file,
    /// template name)`.
    pub fn templates(
        &self,
        api_type: ApiType,
        scope: Scope,
        module: &str,
    ) -> Vec<(String, String)> {
        let folder = match scope {
            Scope::Api => api_type.name().to_string(),
            Scope::Cors => format!("{}/cors", api_type.name()),
        };
        self.files
            .iter()
            .map(|(file, template)| {
                (
                    file.replace("{module}", module),
                    template.replace("{api}", &folder),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(api: ApiType, scope: Scope) -> Policy {
        let text = format!(
            "version = 1\n[api]\nname = \"t\"\ntype = \"{}\"\nscope = \"{}\"\n[cors]\nallow_origins = [\"https://a.example\"]\n[[routes]]\npath = \"/\"\nmethods = [\"GET\"]\n",
            api.name(),
            scope.name()
        );
        let (policy, diags) = crate::check(&crate::diagnostic::SourceFile::new("p.toml", text));
        policy.unwrap_or_else(|| panic!("{diags:?}"))
    }

    /// Issue 28: paths lint accepts but `cdk synth` throws on are refused by
    /// the CDK targets (with what to build instead), and only by them.
    #[test]
    fn cdk_refuses_the_paths_cdk_throws_on() {
        for (path, refused) in [
            ("/users/@me", true),
            ("/~home", true),
            ("/a/constructor/b", true),
            ("/v1.2/items_x-y/{id}", false),
            ("/files/{proxy+}", false),
        ] {
            let mut p = policy(ApiType::Rest, Scope::Api);
            p.routes[0].path = crate::model::ApiPath::parse(path).unwrap();
            assert_eq!(cdk_refuses(&p).is_some(), refused, "{path}");
            assert!(
                cdk_refuses(&p).is_none_or(|m| m.contains("cloudformation")),
                "{path}"
            );
            assert!(scope::cloudformation_refuses(&p).is_none(), "{path}");
        }
    }

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
                for scope in t.spec().scopes {
                    // A pair the entry refuses outright renders nothing.
                    if t.spec().unsupported(&policy(*api, *scope)).is_some() {
                        continue;
                    }
                    for (_, template) in t.spec().templates(*api, *scope, "m") {
                        // The module README is made from the module's files.
                        if template == super::super::module_readme::TEMPLATE {
                            continue;
                        }
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
}
