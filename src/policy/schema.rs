//! The JSON Schema of the policy format, generated from [`super::raw`]. Draft 07,
//! the draft TOML editor tooling (taplo, Even Better TOML) understands. The copy
//! committed at `schema/corsform.schema.json` is checked against this in tests.

use super::raw::RawPolicy;
use schemars::generate::SchemaSettings;
use serde_json::Value;
use std::sync::OnceLock;

/// The schema as a JSON value (built once; the loader walks it for every file).
pub fn schema_value() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let schema = SchemaSettings::draft07()
            .into_generator()
            .into_root_schema_for::<RawPolicy>();
        let mut value = schema.to_value();
        strip_null(&mut value);
        close_objects(&mut value);
        value
    })
}

/// The schema as printed by `corsform schema`.
pub fn schema_json() -> String {
    serde_json::to_string_pretty(schema_value()).expect("schema serializes") + "\n"
}

/// Unknown keys are errors (CF0003), so every table in the schema is closed:
/// editors then flag a misspelt key as the linter does.
fn close_objects(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map.contains_key("properties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            map.values_mut().for_each(close_objects);
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

/// TOML has no null: optional keys are simply absent, so drop the `null`
/// alternatives schemars adds for `Option` fields.
fn strip_null(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types[0].clone();
                    map.insert("type".into(), only);
                }
            }
            for key in ["anyOf", "oneOf"] {
                if let Some(Value::Array(variants)) = map.get_mut(key) {
                    variants.retain(|s| s.get("type").is_none_or(|t| t != "null"));
                    if variants.len() == 1 {
                        let only = variants.remove(0);
                        map.remove(key);
                        if let Value::Object(inner) = only {
                            for (k, val) in inner {
                                map.entry(k).or_insert(val);
                            }
                        }
                    }
                }
            }
            if let Some(Value::Array(en)) = map.get_mut("enum") {
                en.retain(|e| !e.is_null());
            }
            for (_, child) in map.iter_mut() {
                strip_null(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_null),
        _ => {}
    }
}
