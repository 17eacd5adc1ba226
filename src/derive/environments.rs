//! Per-environment planning (docs/design.md "Environments"): one generated
//! module or template serves every `[environments]` entry, chosen by one input
//! (Terraform `var.environment`, CloudFormation/SAM `Environment`).
//!
//! Each environment is planned on its own with the plan of a policy without
//! environments, so no target can disagree with `explain --env` about what an
//! environment answers. The plans share their structure (environments override
//! only `[cors]` keys and `api.stage`, never routes), so they are walked side
//! by side and every value that differs becomes a lookup:
//! - Terraform: `local.environments[var.environment]`, a map holding each
//!   response's whole parameter and template maps (a header one environment
//!   does not send is simply absent from its map);
//! - CloudFormation and SAM: `Fn::FindInMap` on a Mapping keyed by environment
//!   when every environment has a string or list value (Mappings hold only
//!   those; CloudFormation User Guide, "Mappings"), otherwise a chain of
//!   `Fn::If` on one Condition per environment ending in `AWS::NoValue` where
//!   an environment sends nothing.
//!
//! What a single input cannot switch is refused ([`refusal`]).

use super::header::Header;
use super::http_api::{self, CorsConfiguration};
use super::rest_api::{self, CorsResponse, RestApiPlan};
use crate::model::{Owner, Policy, Scope};
use serde::Serialize;
use serde_json::Value;

/// A value that may differ per environment, as CloudFormation spells it
/// (rendered by the `cfn` filter).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EnvValue {
    /// The same in every environment.
    Literal(Value),
    /// `Fn::FindInMap: [Environments, !Ref Environment, key]`.
    FindInMap(String),
    /// `Fn::If` on each environment's condition in turn; `None`: not sent there.
    IfChain(Vec<(String, Option<Value>)>),
}

/// One row of the `Environments` Mapping: a key and its value per environment.
#[derive(Debug, Clone, Serialize)]
pub struct MappingRow {
    pub key: String,
    pub values: Vec<Value>,
}

/// The environments as every target's templates see them (`plan.environments`).
#[derive(Debug, Clone, Serialize)]
pub struct Environments {
    /// Declared names, in name order.
    pub names: Vec<String>,
    /// `(condition, environment)`, only those an `Fn::If` uses.
    pub conditions: Vec<(String, String)>,
    /// The `Environments` Mapping's rows; empty: no Mapping.
    pub mappings: Vec<MappingRow>,
    /// The stage name, per environment when it differs.
    pub stage: EnvValue,
    /// REST: each environment's values for Terraform's locals.
    pub rest: Vec<RestEnvironment>,
    /// HTTP API with `owner = "gateway"`: each environment's cors_configuration.
    pub http: Vec<HttpEnvironment>,
    /// HTTP API: cors_configuration's fields as CloudFormation spells them.
    pub http_cors: Option<HttpCorsValues>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RestEnvironment {
    pub name: String,
    pub stage: String,
    /// This environment's content hash: the deployment's trigger.
    pub content_hash: String,
    /// Every response API Gateway produces itself, keyed as its Terraform
    /// resource (`root_options`, `health_get`), in plan order.
    pub responses: Vec<EnvResponse>,
    /// Gateway responses by id (`default_4xx`); an empty map where this
    /// environment sends no header.
    pub gateway_responses: Vec<EnvResponse>,
}

/// One response's headers (`name`, mapping expression) and VTL template.
#[derive(Debug, Clone, Serialize)]
pub struct EnvResponse {
    pub key: String,
    pub headers: Vec<Header>,
    pub template: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HttpEnvironment {
    pub name: String,
    pub stage: String,
    pub cors: CorsConfiguration,
}

#[derive(Debug, Clone, Serialize)]
pub struct HttpCorsValues {
    pub allow_origins: EnvValue,
    pub allow_methods: EnvValue,
    pub allow_headers: EnvValue,
    pub expose_headers: EnvValue,
    pub allow_credentials: EnvValue,
    pub max_age: EnvValue,
}

/// A response's headers and template as CloudFormation spells them in env mode.
#[derive(Debug, Clone, Serialize)]
pub struct ResponseValues {
    /// `(header name, value)`: the union of every environment's headers.
    pub headers: Vec<(String, EnvValue)>,
    /// The VTL template; `None` when no environment has one.
    pub template: Option<EnvValue>,
}

/// Why one generated output cannot serve these environments, or `None`.
pub fn refusal(policy: &Policy) -> Option<&'static str> {
    let first = policy.environments.first()?;
    if policy.api.scope == Scope::Cors {
        return Some(
            "[environments] with scope = \"cors\" are not supported yet: build the CORS layer from one policy per environment without [environments]",
        );
    }
    let differs = |f: &dyn Fn(&Policy) -> String| {
        policy
            .environments
            .iter()
            .any(|e| f(&e.policy) != f(&first.policy))
    };
    if differs(&|p| format!("{:?}", p.cors.owner)) {
        return Some(
            "[cors] owner differs between environments: whether API Gateway or the function answers CORS changes the API's resources, \
             which one input cannot switch; set owner in [cors] only",
        );
    }
    if differs(&|p| p.cors.preflight_status.to_string()) {
        return Some(
            "preflight_status differs between environments: it is part of every preflight's method response; set it in [cors] only",
        );
    }
    None
}

/// Builds values that differ per environment, collecting Mapping rows and
/// the conditions the `Fn::If` chains use.
struct Table<'a> {
    names: &'a [String],
    rows: Vec<(String, Vec<Value>)>,
    used_conditions: Vec<bool>,
}

/// `dev` -> `IsDev`: the Condition that selects environment `dev`.
pub fn condition(name: &str) -> String {
    format!("Is{}", heck::AsUpperCamelCase(name))
}

impl<'a> Table<'a> {
    /// No rows yet, no Condition used yet.
    fn new(names: &'a [String]) -> Self {
        Table {
            names,
            rows: vec![],
            used_conditions: vec![false; names.len()],
        }
    }

    fn value(&mut self, hint: &str, per_env: Vec<Option<Value>>) -> EnvValue {
        if let Some(Some(first)) = per_env.first()
            && per_env.iter().all(|v| v.as_ref() == Some(first))
        {
            return EnvValue::Literal(first.clone());
        }
        if per_env.iter().all(Option::is_none) {
            // Sent in no environment: the `cfn` filter spells it AWS::NoValue.
            return EnvValue::Literal(Value::Null);
        }
        let mappable = per_env.iter().all(|v| match v {
            Some(Value::String(_)) => true,
            Some(Value::Array(a)) => !a.is_empty() && a.iter().all(Value::is_string),
            _ => false,
        });
        if mappable {
            let values: Vec<Value> = per_env.into_iter().flatten().collect();
            if let Some((key, _)) = self.rows.iter().find(|(_, v)| *v == values) {
                return EnvValue::FindInMap(key.clone());
            }
            let base = heck::AsUpperCamelCase(hint).to_string();
            let mut key = base.clone();
            let mut n = 1;
            while self.rows.iter().any(|(k, _)| *k == key) {
                n += 1;
                key = format!("{base}{n}");
            }
            self.rows.push((key.clone(), values));
            return EnvValue::FindInMap(key);
        }
        // The last environment is what remains when no earlier condition
        // holds (Environment has AllowedValues), so its condition is unused.
        let last = per_env.len().saturating_sub(1);
        for used in &mut self.used_conditions[..last] {
            *used = true;
        }
        EnvValue::IfChain(
            self.names
                .iter()
                .map(|n| condition(n))
                .zip(per_env)
                .collect(),
        )
    }

    fn finish(self, mut out: Environments) -> Environments {
        let Table {
            names,
            rows,
            used_conditions,
        } = self;
        out.conditions = names
            .iter()
            .zip(used_conditions)
            .filter(|(_, used)| *used)
            .map(|(n, _)| (condition(n), n.clone()))
            .collect();
        out.mappings = rows
            .into_iter()
            .map(|(key, values)| MappingRow { key, values })
            .collect();
        out
    }
}

fn start(policy: &Policy) -> (Vec<String>, Vec<&Policy>) {
    let names = policy.environments.iter().map(|e| e.name.clone()).collect();
    let policies = policy.environments.iter().map(|e| &e.policy).collect();
    (names, policies)
}

fn empty(names: &[String], stage: EnvValue) -> Environments {
    Environments {
        names: names.to_vec(),
        conditions: vec![],
        mappings: vec![],
        stage,
        rest: vec![],
        http: vec![],
        http_cors: None,
    }
}

/// The REST plan of a policy with environments: the first environment's
/// plan, with every response's headers the union over environments, each
/// response's per-environment values, and `environments` set.
pub fn rest(policy: &Policy, mut base: RestApiPlan) -> RestApiPlan {
    let (names, policies) = start(policy);
    let plans: Vec<RestApiPlan> = policies.iter().map(|p| rest_api::plan(p)).collect();
    let mut table = Table::new(&names);
    let stage = table.value(
        "stage",
        plans
            .iter()
            .map(|p| Some(Value::from(p.stage.clone())))
            .collect(),
    );

    // Each environment's responses, walked side by side (same paths and methods).
    let mut per_env: Vec<RestEnvironment> = plans
        .iter()
        .zip(&names)
        .map(|(p, n)| RestEnvironment {
            name: n.clone(),
            stage: p.stage.clone(),
            content_hash: p.content_hash.clone(),
            responses: vec![],
            gateway_responses: vec![],
        })
        .collect();
    for (pi, path) in base.paths.iter_mut().enumerate() {
        let key = format!("{}_options", path.slug);
        let views: Vec<Option<&CorsResponse>> = plans
            .iter()
            .map(|p| Some(&*p.paths[pi].preflight))
            .collect();
        let values = merge(&mut table, &key, &views, &mut per_env, false);
        let preflight = std::sync::Arc::make_mut(&mut path.preflight);
        preflight.headers = union(&views);
        preflight.env = Some(values);
        for (mi, m) in path.methods.iter_mut().enumerate() {
            let Some(resp) = m.mock_response.as_mut().map(std::sync::Arc::make_mut) else {
                continue;
            };
            let views: Vec<Option<&CorsResponse>> = plans
                .iter()
                .map(|p| p.paths[pi].methods[mi].mock_response.as_deref())
                .collect();
            let values = merge(&mut table, &m.id, &views, &mut per_env, false);
            resp.headers = union(&views);
            resp.env = Some(values);
        }
    }

    // Gateway responses: the union of every environment's, by id.
    let mut ids: Vec<(String, String)> = Vec::new();
    for p in &plans {
        for g in &p.gateway_responses {
            if !ids.iter().any(|(id, _)| *id == g.id) {
                ids.push((g.id.clone(), g.response_type.clone()));
            }
        }
    }
    base.gateway_responses = ids
        .into_iter()
        .map(|(id, response_type)| {
            let views: Vec<Option<CorsResponse>> = plans
                .iter()
                .map(|p| {
                    p.gateway_responses
                        .iter()
                        .find(|g| g.id == id)
                        .map(|g| CorsResponse {
                            status: 0,
                            headers: g.headers.clone(),
                            template: None,
                            echo_origins: vec![],
                            env: None,
                        })
                })
                .collect();
            let views: Vec<Option<&CorsResponse>> = views.iter().map(Option::as_ref).collect();
            let values = merge(&mut table, &id, &views, &mut per_env, true);
            rest_api::GatewayResponse {
                headers: union(&views),
                env: Some(values),
                id,
                response_type,
            }
        })
        .collect();

    let mut out = empty(&names, stage);
    out.rest = per_env;
    base.environments = Some(table.finish(out));
    // CloudFormation's Deployment logical ID: it changes when any
    // environment's plan does.
    base.content_hash = super::content_hash::of_rest(&mut base);
    base
}

/// The headers of a response across environments: each name once, in first
/// appearance order (a method response declares every header any
/// environment's integration response maps).
fn union(views: &[Option<&CorsResponse>]) -> Vec<Header> {
    let mut out: Vec<Header> = Vec::new();
    for r in views.iter().flatten() {
        for h in &r.headers {
            if !out.iter().any(|o| o.name == h.name) {
                out.push(h.clone());
            }
        }
    }
    out
}

fn merge(
    table: &mut Table,
    key: &str,
    views: &[Option<&CorsResponse>],
    per_env: &mut [RestEnvironment],
    gateway: bool,
) -> ResponseValues {
    for (env, view) in per_env.iter_mut().zip(views) {
        let r = EnvResponse {
            key: key.to_string(),
            headers: view.map(|v| v.headers.clone()).unwrap_or_default(),
            template: view.and_then(|v| v.template.clone()),
        };
        if gateway {
            env.gateway_responses.push(r);
        } else {
            env.responses.push(r);
        }
    }
    let headers = union(views)
        .into_iter()
        .map(|h| {
            let values = views
                .iter()
                .map(|v| {
                    v.and_then(|v| v.headers.iter().find(|x| x.name == h.name))
                        .map(|x| Value::from(x.value.mapping()))
                })
                .collect();
            let hint = h.name.trim_start_matches("Access-Control-").to_string();
            let v = table.value(&hint, values);
            (h.name, v)
        })
        .collect();
    let templates: Vec<Option<Value>> = views
        .iter()
        .map(|v| v.and_then(|v| v.template.clone()).map(Value::from))
        .collect();
    let template = templates
        .iter()
        .any(Option::is_some)
        .then(|| table.value("OriginTemplate", templates));
    ResponseValues { headers, template }
}

/// The HTTP API plan of a policy with environments: the first environment's
/// plan with `environments` set.
pub fn http(policy: &Policy, mut base: http_api::HttpApiPlan) -> http_api::HttpApiPlan {
    let (names, policies) = start(policy);
    let plans: Vec<http_api::HttpApiPlan> = policies.iter().map(|p| http_api::plan(p)).collect();
    let mut table = Table::new(&names);
    let stage = table.value(
        "stage",
        plans
            .iter()
            .map(|p| Some(Value::from(p.stage.clone())))
            .collect(),
    );
    let gateway = policy.cors.owner == Owner::Gateway;
    let http: Vec<HttpEnvironment> = if gateway {
        plans
            .iter()
            .zip(&names)
            .filter_map(|(p, n)| {
                Some(HttpEnvironment {
                    name: n.clone(),
                    stage: p.stage.clone(),
                    cors: p.cors.clone()?,
                })
            })
            .collect()
    } else {
        vec![]
    };
    let http_cors = gateway.then(|| {
        let list =
            |table: &mut Table, hint: &str, f: &dyn Fn(&CorsConfiguration) -> Vec<String>| {
                let values = http
                    .iter()
                    .map(|e| {
                        let v = f(&e.cors);
                        (!v.is_empty()).then(|| Value::from(v))
                    })
                    .collect();
                table.value(hint, values)
            };
        HttpCorsValues {
            allow_origins: list(&mut table, "AllowOrigins", &|c| {
                c.allow_origins
                    .iter()
                    .map(|o| o.as_str().to_string())
                    .collect()
            }),
            allow_methods: list(&mut table, "AllowMethods", &|c| c.allow_methods.clone()),
            allow_headers: list(&mut table, "AllowHeaders", &|c| c.allow_headers.clone()),
            expose_headers: list(&mut table, "ExposeHeaders", &|c| c.expose_headers.clone()),
            allow_credentials: table.value(
                "AllowCredentials",
                http.iter()
                    .map(|e| Some(Value::from(e.cors.allow_credentials)))
                    .collect(),
            ),
            max_age: table.value(
                "MaxAge",
                http.iter()
                    .map(|e| e.cors.max_age.map(Value::from))
                    .collect(),
            ),
        }
    });
    let mut out = empty(&names, stage);
    out.http = if gateway {
        http
    } else {
        plans
            .iter()
            .zip(&names)
            .map(|(p, n)| HttpEnvironment {
                name: n.clone(),
                stage: p.stage.clone(),
                cors: CorsConfiguration {
                    allow_origins: vec![],
                    allow_methods: vec![],
                    allow_headers: vec![],
                    expose_headers: vec![],
                    allow_credentials: false,
                    max_age: None,
                },
            })
            .collect()
    };
    out.http_cors = http_cors;
    base.environments = Some(table.finish(out));
    base
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(names: &[String]) -> Table<'_> {
        Table::new(names)
    }

    #[test]
    fn equal_values_stay_literal_and_strings_that_differ_share_a_mapping_row() {
        let names = vec!["dev".to_string(), "prod".to_string()];
        let mut t = table(&names);
        let same = t.value(
            "Allow-Methods",
            vec![Some("'GET'".into()), Some("'GET'".into())],
        );
        assert_eq!(same, EnvValue::Literal("'GET'".into()));
        let a = t.value("Allow-Origin", vec![Some("'a'".into()), Some("'b'".into())]);
        let again = t.value("Allow-Origin", vec![Some("'a'".into()), Some("'b'".into())]);
        let other = t.value("Allow-Origin", vec![Some("'c'".into()), Some("'b'".into())]);
        assert_eq!(a, EnvValue::FindInMap("AllowOrigin".into()));
        assert_eq!(again, a);
        assert_eq!(other, EnvValue::FindInMap("AllowOrigin2".into()));
        let out = t.finish(empty(&names, EnvValue::Literal(Value::Null)));
        assert_eq!(out.mappings.len(), 2);
        assert!(out.conditions.is_empty(), "no Fn::If, no Condition");
    }

    #[test]
    fn a_value_absent_somewhere_or_not_a_string_is_an_if_chain_on_all_but_the_last_environment() {
        let names = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let mut t = table(&names);
        let v = t.value("Vary", vec![Some("'Origin'".into()), None, None]);
        assert_eq!(
            v,
            EnvValue::IfChain(vec![
                ("IsA".into(), Some("'Origin'".into())),
                ("IsB".into(), None),
                ("IsC".into(), None),
            ])
        );
        let n = t.value(
            "MaxAge",
            vec![Some(600.into()), Some(600.into()), Some(7200.into())],
        );
        assert!(matches!(n, EnvValue::IfChain(_)));
        assert_eq!(
            t.value("X", vec![None, None, None]),
            EnvValue::Literal(Value::Null)
        );
        let out = t.finish(empty(&names, EnvValue::Literal(Value::Null)));
        let conds: Vec<&str> = out.conditions.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(conds, ["IsA", "IsB"]);
    }

    fn policy(extra: &str) -> Policy {
        let text = format!(
            "version = 1\n[api]\nname = \"t\"\ntype = \"rest\"\n{extra}\n[cors]\nallow_origins = [\"https://a.example\"]\n\
             [environments.dev]\ncors = {{ allow_origins = [\"https://dev.example\"] }}\n\
             [environments.prod]\ncors = {{ allow_origins = [\"https://app.example\"] }}\n\
             [gateway_responses]\ntypes = [\"DEFAULT_4XX\"]\n\
             [[routes]]\npath = \"/\"\nmethods = [\"GET\"]\nintegration = \"mock\"\n"
        );
        let (policy, diags) = crate::check(&crate::diagnostic::SourceFile::new("p.toml", text));
        policy.unwrap_or_else(|| panic!("{diags:?}"))
    }

    #[test]
    fn an_empty_list_or_a_list_of_non_strings_is_never_a_mapping_row() {
        // The Mapping holds only strings and non-empty lists of strings; any
        // other value goes through Fn::If (see Table::value).
        let names = vec!["dev".to_string(), "prod".to_string()];
        let mut t = table(&names);
        let empty = t.value(
            "Expose",
            vec![Some(Value::Array(vec![])), Some(Value::from(vec!["X-Id"]))],
        );
        assert!(matches!(empty, EnvValue::IfChain(_)), "{empty:?}");
        let numbers = t.value(
            "N",
            vec![Some(Value::from(vec![1])), Some(Value::from(vec!["a"]))],
        );
        assert!(matches!(numbers, EnvValue::IfChain(_)), "{numbers:?}");
    }

    #[test]
    fn a_single_gateway_response_carries_each_environments_origin() {
        let p = policy("");
        let plan = rest(&p, rest_api::plan(&p));
        let envs = plan.environments.expect("a plan per environment");
        for (env, origin) in [
            ("dev", "https://dev.example"),
            ("prod", "https://app.example"),
        ] {
            let e = envs.rest.iter().find(|e| e.name == env).expect(env);
            let gr = e.gateway_responses.first().expect("DEFAULT_4XX");
            let headers = format!("{:?}", gr.headers);
            assert!(headers.contains(origin), "{env}: {headers}");
        }
    }

    #[test]
    fn what_one_output_cannot_switch_is_refused() {
        assert_eq!(refusal(&policy("")), None);
        let layer = refusal(&policy("scope = \"cors\""));
        assert!(layer.is_some_and(|w| w.contains("scope")), "{layer:?}");
        let mut owner = policy("");
        owner.environments[0].policy.cors.owner = crate::model::Owner::Lambda;
        let why = refusal(&owner);
        assert!(why.is_some_and(|w| w.contains("owner")), "{why:?}");
    }
}
