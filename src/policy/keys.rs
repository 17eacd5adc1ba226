//! Unknown keys. The set of keys each table may hold is read from the JSON
//! Schema generated from [`super::raw`], so adding a field to a raw type makes
//! it known here, and every unknown key is reported at once (not only the first,
//! as serde's `deny_unknown_fields` would), each with "did you mean".

use crate::diagnostic::{Code, Diagnostic};
use crate::suggest::did_you_mean;
use serde_json::Value;
use toml::de::{DeTable, DeValue};

/// Every key in `root` that the schema does not define.
pub fn unknown_keys(root: &DeTable<'_>, schema: &Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    walk_table(root, schema, schema, "", &mut out);
    out
}

fn walk_table(
    table: &DeTable<'_>,
    node: &Value,
    root: &Value,
    path: &str,
    out: &mut Vec<Diagnostic>,
) {
    let node = resolve(node, root);
    let Some(props) = node.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (key, value) in table.iter() {
        let name: &str = key.get_ref();
        let full = if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        };
        match props.get(name) {
            Some(child) => walk_value(value.get_ref(), child, root, &full, out),
            None => {
                let where_ = table_name(path);
                let mut d = Diagnostic::new(
                    Code::UnknownKey,
                    format!("unknown key `{name}` in {where_}"),
                    key.span(),
                )
                .label("not a key of the policy format");
                d = match did_you_mean(name, props.keys().map(String::as_str)) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!(
                        "the keys of {where_} are: {}",
                        props
                            .keys()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                };
                out.push(d);
            }
        }
    }
}

fn walk_value(
    value: &DeValue<'_>,
    node: &Value,
    root: &Value,
    path: &str,
    out: &mut Vec<Diagnostic>,
) {
    match value {
        DeValue::Table(t) => walk_table(t, node, root, path, out),
        DeValue::Array(items) => {
            let node = resolve(node, root);
            if let Some(item_node) = node.get("items") {
                let path = format!("{path}[]");
                for item in items.iter() {
                    walk_value(item.get_ref(), item_node, root, &path, out);
                }
            }
        }
        _ => {}
    }
}

/// How a table is written in TOML: `[api]`, `[[routes]]`, `[routes.cors]`.
fn table_name(path: &str) -> String {
    if path.is_empty() {
        return "the top level".into();
    }
    match path.strip_suffix("[]") {
        Some(array) => format!("[[{}]]", array.replace("[]", "")),
        None => format!("[{}]", path.replace("[]", "")),
    }
}

/// Follow `$ref`s and step into the object or array variant of `anyOf`/`oneOf`.
fn resolve<'a>(node: &'a Value, root: &'a Value) -> &'a Value {
    if let Some(r) = node.get("$ref").and_then(Value::as_str) {
        let pointer = r.trim_start_matches('#');
        if let Some(target) = root.pointer(pointer) {
            return resolve(target, root);
        }
    }
    for combinator in ["anyOf", "oneOf", "allOf"] {
        if let Some(variants) = node.get(combinator).and_then(Value::as_array) {
            for v in variants {
                let r = resolve(v, root);
                if r.get("properties").is_some() || r.get("items").is_some() {
                    return r;
                }
            }
        }
    }
    node
}
