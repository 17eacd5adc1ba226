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
//! The value is the same as plain serialisation gives, field for field: the
//! templates cannot tell (the goldens pin it).

use super::registry::Plan;
use crate::derive::rest_api::{CorsResponse, RestMethod, RestPath};
use crate::derive::wiring::{Authorization, Integration};
use std::collections::HashMap;
use std::sync::Arc;
use tera::{Map, TeraResult, Value};

/// `plan` as the value templates read as `plan`.
pub fn plan_value(mut plan: Plan) -> TeraResult<Value> {
    let rest = match &mut plan {
        Plan::Rest(rest) => rest,
        Plan::RestLayer(layer) => &mut layer.api,
        _ => return Value::try_from_serializable(&plan),
    };
    let paths = std::mem::take(&mut rest.paths);
    let templates = OriginTemplates::of(&paths);
    let base = Value::try_from_serializable(&plan)?;
    drop(plan);
    let base = with_field(&base, "origin_templates", templates.value());
    let mut shared = Shared {
        templates,
        responses: HashMap::new(),
        integrations: HashMap::new(),
        authorizations: HashMap::new(),
        placeholder: CorsResponse::placeholder(),
    };
    let mut values = Vec::with_capacity(paths.len());
    for path in paths {
        values.push(shared.path(path)?);
    }
    Ok(with_field(&base, "paths", Value::from(values)))
}

/// One Tera value per distinct response, by the address of its `Arc`.
struct Shared {
    templates: OriginTemplates,
    responses: HashMap<*const CorsResponse, (Arc<CorsResponse>, Value)>,
    integrations: HashMap<Integration, Value>,
    authorizations: HashMap<Authorization, Value>,
    /// Stands in for a path's preflight while the rest of the path is
    /// serialised (it is replaced right after), so no response is serialised
    /// per path.
    placeholder: Arc<CorsResponse>,
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

    /// The shared values of `method`'s fields; its mock response is taken out
    /// (the method is serialised next, and is dropped after).
    fn method_fields(&mut self, method: &mut RestMethod) -> TeraResult<Vec<(&'static str, Value)>> {
        let integration = shared_value(&mut self.integrations, method.integration)?;
        let authorization = shared_value(&mut self.authorizations, method.authorization)?;
        let mut fields = vec![
            ("integration", integration),
            ("authorization", authorization),
        ];
        if let Some(r) = method.mock_response.take() {
            fields.push(("mock_response", self.response(&r)?));
        }
        Ok(fields)
    }

    /// `path` as plain serialisation gives it, its responses replaced by the
    /// shared values.
    fn path(&mut self, mut path: RestPath) -> TeraResult<Value> {
        let own = std::mem::replace(&mut path.preflight, Arc::clone(&self.placeholder));
        let preflight = self.response(&own)?;
        let mut shared_fields = Vec::with_capacity(path.methods.len());
        for m in &mut path.methods {
            shared_fields.push(self.method_fields(m)?);
        }
        let plain = Value::try_from_serializable(&path)?;
        let Some(fields) = plain.as_map() else {
            return Ok(plain);
        };
        let mut fields: Map = fields.clone();
        fields.insert("preflight".into(), preflight);
        if let Some(methods) = fields
            .get(&tera::value::Key::from("methods"))
            .and_then(Value::as_array)
        {
            let methods: Vec<Value> = methods
                .iter()
                .zip(shared_fields)
                .map(|(method, fields)| with_fields(method, fields))
                .collect();
            fields.insert("methods".into(), Value::from(methods));
        }
        Ok(Value::from(fields))
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
    with_fields(map, vec![(key, value)])
}

/// `map` with each key set to its value, in the key's place when it has one.
fn with_fields(map: &Value, values: Vec<(&'static str, Value)>) -> Value {
    match map.as_map() {
        Some(fields) => {
            let mut fields: Map = fields.clone();
            for (key, value) in values {
                fields.insert(key.into(), value);
            }
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
    use crate::render::{Target, render};

    fn policy(text: &str) -> crate::model::Policy {
        let file = crate::diagnostic::SourceFile::new("t.toml", text.to_string());
        crate::check(&file).0.expect("valid policy")
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
