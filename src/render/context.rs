//! A plan as a Tera value, built so that what the plan shares stays shared.
//!
//! Tera copies whatever it is given: serialising a REST plan whole made one
//! copy of a path's preflight (headers, origin-echo template) per path, though
//! the plan holds one `Arc<CorsResponse>` per distinct CORS. At 20,000 routes
//! those copies were most of `build`'s memory (issue 20: under 100 MB there).
//! Here each distinct response becomes one Tera value, and every path and MOCK
//! method that shares it holds a clone of that value (a reference count, not a
//! copy); so do a method's integration and authorization (a handful of
//! distinct values, each a map of five fields, once per method before). Paths are turned into values one at a time, each Rust path freed as
//! soon as its value is made, so the plan and its value never both exist whole.
//!
//! Paths and methods are built by hand, each field once, rather than
//! serialised and then patched. The value is the same as plain serialisation
//! gives, key for key and in order (a test compares them on every golden and
//! example REST policy): the templates cannot tell.

use super::actual;
use super::registry::Plan;
use crate::derive::environments::EnvResponse;
use crate::derive::rest_api::{CorsResponse, RestMethod, RestPath};
use crate::derive::wiring::{Authorization, Integration};
use std::collections::HashMap;
use std::sync::Arc;
use tera::{Map, TeraResult, Value};

/// `plan` (planned from `policy`) as the value templates read as `plan`.
/// A REST path also gets `actual`, its actual response (actual.rs), which
/// plain serialisation does not have.
pub fn plan_value(mut plan: Plan, policy: &crate::model::Policy) -> TeraResult<Value> {
    let rest = match &mut plan {
        Plan::Rest(rest) => rest,
        Plan::RestLayer(layer) => &mut layer.api,
        _ => return Value::try_from_serializable(&plan),
    };
    let paths = std::mem::take(&mut rest.paths);
    let templates = OriginTemplates::of(&paths);
    let sources = actual::Sources::of(policy);
    // With [environments]: each environment's responses by key, for each
    // path's preflight (`<slug>_options`).
    let env_responses: Vec<HashMap<String, EnvResponse>> = rest
        .environments
        .as_ref()
        .map(|e| {
            e.rest
                .iter()
                .map(|env| {
                    env.responses
                        .iter()
                        .map(|r| (r.key.clone(), r.clone()))
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default();
    let base = Value::try_from_serializable(&plan)?;
    drop(plan);
    let base = with_field(&base, "origin_templates", templates.value());
    let mut shared = Shared {
        templates,
        responses: HashMap::new(),
        integrations: HashMap::new(),
        authorizations: HashMap::new(),
        actuals: HashMap::new(),
        sources,
        env_responses,
    };
    let mut values = Vec::with_capacity(paths.len());
    for (index, path) in paths.into_iter().enumerate() {
        values.push(shared.path(index, path)?);
    }
    Ok(with_field(&base, "paths", Value::from(values)))
}

/// One Tera value per distinct response, by the address of its `Arc`.
struct Shared {
    templates: OriginTemplates,
    responses: HashMap<*const CorsResponse, (Arc<CorsResponse>, Value)>,
    integrations: HashMap<Integration, Value>,
    authorizations: HashMap<Authorization, Value>,
    /// Each distinct preflight's actual response (without environments: the
    /// paths that share a preflight share their CORS, so their actual).
    actuals: HashMap<*const CorsResponse, Value>,
    sources: actual::Sources,
    /// Per environment, its responses by key; empty without environments.
    env_responses: Vec<HashMap<String, EnvResponse>>,
}

impl Shared {
    /// The value of `response`, made once.
    fn response(&mut self, response: &Arc<CorsResponse>) -> TeraResult<Value> {
        let key = Arc::as_ptr(response);
        if let Some((_, value)) = self.responses.get(&key) {
            return Ok(value.clone());
        }
        let mut value = Value::try_from_serializable(&**response)?;
        if let Some(name) = self.templates.name_of(response) {
            value = with_field(&value, "template_name", Value::from(name));
        }
        // The Arc is kept so its address cannot be reused by another response
        // while this map lives.
        self.responses
            .insert(key, (Arc::clone(response), value.clone()));
        Ok(value)
    }

    /// `method` as plain serialisation gives it, field for field and in
    /// order, its shared fields the shared values (a test compares the two).
    /// Made by hand: serialising the method and then replacing three of its
    /// fields made each method twice (issue 20).
    fn method(&mut self, m: RestMethod) -> TeraResult<Value> {
        let RestMethod {
            id,
            method,
            authorization,
            integration,
            backend_path,
            path_params,
            mock_response,
            backend,
        } = m;
        // Exactly as many as it holds: a map made for 8 keys has twice the
        // hash slots of one for 7, at 20,000 routes 10 MB more.
        let mut map = Map::with_capacity(7 + usize::from(backend.is_some()));
        map.insert("id".into(), Value::from(id));
        map.insert("method".into(), Value::from(method));
        map.insert(
            "authorization".into(),
            shared_value(&mut self.authorizations, authorization)?,
        );
        map.insert(
            "integration".into(),
            shared_value(&mut self.integrations, integration)?,
        );
        map.insert("backend_path".into(), Value::from(backend_path));
        map.insert("path_params".into(), Value::from(path_params));
        let mock = match mock_response {
            Some(r) => self.response(&r)?,
            None => Value::none(),
        };
        map.insert("mock_response".into(), mock);
        if let Some(b) = backend {
            map.insert("backend".into(), Value::from(b));
        }
        Ok(Value::from(map))
    }

    /// The value of path `index`'s actual response (actual.rs).
    fn actual(
        &mut self,
        index: usize,
        slug: &str,
        preflight: &Arc<CorsResponse>,
    ) -> TeraResult<Value> {
        if !self.env_responses.is_empty() {
            let key = format!("{slug}_options");
            let preflights: Vec<Option<&EnvResponse>> =
                self.env_responses.iter().map(|r| r.get(&key)).collect();
            return Value::try_from_serializable(&self.sources.per_environment(index, &preflights));
        }
        let key = Arc::as_ptr(preflight);
        if let Some(value) = self.actuals.get(&key) {
            return Ok(value.clone());
        }
        let value = Value::try_from_serializable(&self.sources.plain(index, preflight))?;
        self.actuals.insert(key, value.clone());
        Ok(value)
    }

    /// `path` as plain serialisation gives it, field for field and in order,
    /// its responses the shared values, and its `actual` response added.
    fn path(&mut self, index: usize, path: RestPath) -> TeraResult<Value> {
        let RestPath {
            path,
            resource,
            slug,
            preflight,
            methods,
        } = path;
        let mut map = Map::with_capacity(6);
        let actual = self.actual(index, &slug, &preflight)?;
        map.insert("path".into(), Value::from(path));
        map.insert(
            "resource".into(),
            resource.map_or_else(Value::none, Value::from),
        );
        map.insert("slug".into(), Value::from(slug));
        map.insert("preflight".into(), self.response(&preflight)?);
        let mut values = Vec::with_capacity(methods.len());
        for m in methods {
            values.push(self.method(m)?);
        }
        map.insert("methods".into(), Value::from(values));
        map.insert("actual".into(), actual);
        Ok(Value::from(map))
    }
}

/// The value of `key`, made once per distinct key.
fn shared_value<K>(values: &mut HashMap<K, Value>, key: K) -> TeraResult<Value>
where
    K: std::hash::Hash + Eq + serde::Serialize,
{
    if let Some(v) = values.get(&key) {
        return Ok(v.clone());
    }
    let v = Value::try_from_serializable(&key)?;
    values.insert(key, v.clone());
    Ok(v)
}

/// `map` with `key` set to `value`, in the key's place when it has one.
fn with_field(map: &Value, key: &'static str, value: Value) -> Value {
    match map.as_map() {
        Some(fields) => {
            let mut fields: Map = fields.clone();
            fields.insert(key.into(), value);
            Value::from(fields)
        }
        None => map.clone(),
    }
}

/// The distinct origin-echo templates of a REST plan, each with a name: the
/// Terraform target writes each once, as a local, and every response that
/// uses it refers to it (written out per preflight and MOCK response, a
/// template of 50 origins made the module 2.5 times larger). With one
/// template (one CORS setting) the name is `allow_origin_template`; with
/// more, each is named after the first path that uses it. Responses under
/// `[environments]` take theirs from the environment's locals instead.
struct OriginTemplates {
    /// (name, text), in order of first use.
    named: Vec<(String, String)>,
}

impl OriginTemplates {
    fn of(paths: &[RestPath]) -> Self {
        let mut firsts: Vec<(&str, &str)> = Vec::new();
        for p in paths {
            let mocks = p.methods.iter().filter_map(|m| m.mock_response.as_deref());
            for r in std::iter::once(&*p.preflight).chain(mocks) {
                if let Some(text) = Self::template(r)
                    && !firsts.iter().any(|(t, _)| *t == text)
                {
                    firsts.push((text, &p.slug));
                }
            }
        }
        let one = firsts.len() == 1;
        let named = firsts
            .into_iter()
            .map(|(text, slug)| {
                let name = if one {
                    "allow_origin_template".to_string()
                } else {
                    format!("allow_origin_template_{slug}")
                };
                (name, text.to_string())
            })
            .collect();
        OriginTemplates { named }
    }

    /// The template a response's Terraform refers to by name.
    fn template(r: &CorsResponse) -> Option<&str> {
        r.template.as_deref().filter(|_| r.env.is_none())
    }

    fn name_of(&self, r: &CorsResponse) -> Option<&str> {
        let text = Self::template(r)?;
        self.named
            .iter()
            .find(|(_, t)| t == text)
            .map(|(name, _)| name.as_str())
    }

    /// `[{name, text}, ...]`.
    fn value(&self) -> Value {
        let items: Vec<Value> = self
            .named
            .iter()
            .map(|(name, text)| {
                let mut m = Map::new();
                m.insert("name".into(), Value::from(name.as_str()));
                m.insert("text".into(), Value::from(text.as_str()));
                Value::from(m)
            })
            .collect();
        Value::from(items)
    }
}

#[cfg(test)]
mod tests {
    use super::Plan;
    use crate::render::{Target, render};
    use tera::Value;

    fn policy(text: &str) -> crate::model::Policy {
        let file = crate::diagnostic::SourceFile::new("t.toml", text.to_string());
        crate::check(&file).0.expect("valid policy")
    }

    /// `ours` is `plain` with only `template_name`, `origin_templates` and
    /// `actual` added: the same keys otherwise, in the same order, and the same values.
    fn same_but_added(plain: &Value, ours: &Value, at: &str) {
        match (plain.as_map(), ours.as_map()) {
            (Some(p), Some(o)) => {
                let added = |k: &&tera::value::Key| {
                    !matches!(
                        k.as_str(),
                        Some("template_name" | "origin_templates" | "actual")
                    )
                };
                let ours_keys: Vec<_> = o.keys().filter(added).collect();
                let plain_keys: Vec<_> = p.keys().collect();
                assert_eq!(ours_keys, plain_keys, "{at}");
                for (k, v) in p {
                    same_but_added(v, &o[k], &format!("{at}.{}", k.as_str().unwrap_or("?")));
                }
            }
            _ => match (plain.as_array(), ours.as_array()) {
                (Some(p), Some(o)) => {
                    assert_eq!(p.len(), o.len(), "{at}");
                    for (i, (p, o)) in p.iter().zip(o).enumerate() {
                        same_but_added(p, o, &format!("{at}[{i}]"));
                    }
                }
                _ => assert_eq!(plain, ours, "{at}"),
            },
        }
    }

    /// The value built by hand is the one plain serialisation gives, key for
    /// key and in order, on every golden and example REST policy, for every
    /// plan a REST target renders (whole API, CORS layer, environments).
    #[test]
    fn the_value_is_plain_serialisation() {
        let mut checked = 0;
        for (f, policy) in crate::test_policies::valid() {
            for target in crate::render::supported_targets(&policy) {
                let plan = (target.spec().plan)(&policy);
                if !matches!(plan, Plan::Rest(_) | Plan::RestLayer(_)) {
                    continue;
                }
                let plain = Value::try_from_serializable(&plan).unwrap();
                let ours = super::plan_value((target.spec().plan)(&policy), &policy).unwrap();
                same_but_added(&plain, &ours, &format!("{} {target}", f.display()));
                checked += 1;
            }
        }
        assert!(checked >= 40, "only {checked} REST plans");
    }

    /// Every path's `actual` response is the plan's MOCK response on every
    /// path that has a MOCK route (per environment too), on every golden and
    /// example REST policy: the app's own methods get what the policy's MOCK
    /// routes answer.
    #[test]
    fn the_actual_response_is_the_mock_response() {
        let mut compared = 0;
        for (f, policy) in crate::test_policies::valid() {
            for target in crate::render::supported_targets(&policy) {
                let plan = (target.spec().plan)(&policy);
                if !matches!(plan, Plan::Rest(_) | Plan::RestLayer(_)) {
                    continue;
                }
                let value =
                    serde_json::to_value(super::plan_value(plan, &policy).unwrap()).unwrap();
                let envs: Vec<serde_json::Value> = value
                    .get("environments")
                    .and_then(|e| e.get("rest"))
                    .and_then(serde_json::Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                for p in value["paths"].as_array().unwrap() {
                    let actual = &p["actual"];
                    assert_eq!(actual["status"], 200, "{}", f.display());
                    for m in p["methods"].as_array().unwrap() {
                        let mock = &m["mock_response"];
                        if mock.is_null() {
                            continue;
                        }
                        let at = format!("{} {} {}", f.display(), p["path"], m["method"]);
                        assert_eq!(actual["headers"], mock["headers"], "{at}");
                        if envs.is_empty() {
                            assert_eq!(actual.get("template"), mock.get("template"), "{at}");
                        }
                        for env in &envs {
                            let name = &env["name"];
                            let theirs = env["responses"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .find(|r| r["key"] == m["id"])
                                .unwrap();
                            let ours = actual["environments"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .find(|e| &e["name"] == name)
                                .unwrap();
                            assert_eq!(ours["headers"], theirs["headers"], "{at} {name}");
                            assert_eq!(ours["template"], theirs["template"], "{at} {name}");
                        }
                        compared += 1;
                    }
                }
            }
        }
        assert!(compared >= 20, "only {compared} MOCK responses compared");
    }

    /// Two CORS settings with several origins each: two locals, named after
    /// the first path that uses each, and every response refers to the one
    /// that holds its own origins.
    #[test]
    fn each_distinct_template_is_one_local_used_by_its_responses() {
        let p = policy(
            r#"version = 1
[api]
name = "t"
type = "rest"
[cors]
allow_origins = ["https://a.example.com", "https://b.example.com"]
[[routes]]
path = "/shop"
methods = ["GET"]
integration = "mock"
[[routes]]
path = "/admin"
methods = ["GET"]
integration = "mock"
[routes.cors]
allow_origins = ["https://c.example.com", "https://d.example.com"]
"#,
        );
        let files = render(&p, Target::named("terraform").unwrap()).unwrap();
        let main = &files["main.tf"];
        for (name, origin) in [
            ("allow_origin_template_shop", "https://a.example.com"),
            ("allow_origin_template_admin", "https://c.example.com"),
        ] {
            let local = main
                .split(&format!("  {name} = <<-EOT\n"))
                .nth(1)
                .unwrap_or_else(|| panic!("no local {name}:\n{main}"));
            let body = local.split("  EOT\n").next().unwrap();
            assert!(body.contains(origin), "{name}: {body}");
        }
        // Each path's preflight and its MOCK GET use their path's local.
        for slug in ["shop", "admin"] {
            for resource in [format!("{slug}_options"), format!("{slug}_get")] {
                let block = main
                    .split(&format!(
                        "resource \"aws_api_gateway_integration_response\" \"{resource}\""
                    ))
                    .nth(1)
                    .unwrap();
                let block = block.split("\n}\n").next().unwrap();
                assert!(
                    block.contains(&format!("= local.allow_origin_template_{slug}\n")),
                    "{resource}: {block}"
                );
            }
        }
        assert!(!main.contains("local.allow_origin_template\n"));
    }
}
