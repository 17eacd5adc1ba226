//! `corsform help policy` and the book's policy reference: every key of the
//! policy format, its type, whether it is required, and its description, read
//! from the JSON Schema ([`crate::policy::schema`]) that `corsform schema`
//! prints and the loader checks against. A key added to the raw policy types
//! appears here without touching this file.

use serde_json::{Map, Value};
use std::fmt::Write;

/// Sections in reading order; a top-level key not listed here still appears,
/// after these.
const ORDER: &[&str] = &[
    "version",
    "api",
    "cors",
    "gateway_responses",
    "routes",
    "backends",
    "environments",
    "cloudfront",
    "buckets",
    "function_urls",
];

/// The Markdown body, without the book's generated-page marker.
pub fn text() -> String {
    let schema = crate::policy::schema::schema_value();
    let empty = Map::new();
    let props = schema["properties"].as_object().unwrap_or(&empty);
    let required = required(schema);
    let mut keys: Vec<&String> = props.keys().collect();
    keys.sort_by_key(|k| ORDER.iter().position(|o| o == k).unwrap_or(ORDER.len()));

    let mut out = String::from(
        "# Policy keys\n\nA policy is one TOML file (`corsform.toml` by default). `corsform init` writes a commented \
starter; `corsform schema` prints the JSON Schema these lines are read from, for editors. Unknown keys are errors \
(CF0003).\n\n",
    );
    let mut top = String::new();
    let mut sections = String::new();
    for key in keys {
        let prop = resolve(schema, &props[key.as_str()]);
        if let Some(fields) = prop.get("properties").and_then(Value::as_object) {
            section(&mut sections, schema, &format!("[{key}]"), prop, fields);
        } else if let Some(item) = prop.get("items").map(|i| resolve(schema, i))
            && let Some(fields) = item.get("properties").and_then(Value::as_object)
        {
            section(
                &mut sections,
                schema,
                &format!("[[{key}]]"),
                &props[key.as_str()],
                fields,
            );
            // A nested table of each entry (`[routes.cors]`).
            for (name, field) in fields {
                let inner = resolve(schema, field);
                if let Some(nested) = inner.get("properties").and_then(Value::as_object) {
                    section(
                        &mut sections,
                        schema,
                        &format!("[{key}.{name}]"),
                        field,
                        nested,
                    );
                }
            }
        } else if let Some(entry) = prop.get("additionalProperties").map(|a| resolve(schema, a))
            && let Some(fields) = entry.get("properties").and_then(Value::as_object)
        {
            section(
                &mut sections,
                schema,
                &format!("[{key}.NAME]"),
                &props[key.as_str()],
                fields,
            );
        } else {
            line(
                &mut top,
                schema,
                key,
                &props[key.as_str()],
                required.contains(&key.as_str()),
            );
        }
    }
    if !top.is_empty() {
        let _ = writeln!(out, "## Top level\n\n{top}");
    }
    out.push_str(&sections);
    out
}

/// The book's page (`reference/policy.md`).
pub fn page() -> String {
    format!("{}{}", super::GENERATED, text())
}

fn section(
    out: &mut String,
    root: &Value,
    title: &str,
    holder: &Value,
    fields: &Map<String, Value>,
) {
    let _ = writeln!(out, "## `{title}`\n");
    if let Some(d) = holder.get("description").and_then(Value::as_str) {
        let _ = writeln!(out, "{}\n", one_paragraph(d));
    }
    let holder = resolve(root, holder);
    // The table whose keys are listed: the holder itself, an array's item, or
    // a map's entry (`additionalProperties: false` only closes a table).
    let object = holder
        .get("items")
        .or_else(|| holder.get("additionalProperties").filter(|a| a.is_object()))
        .map_or(holder, |i| resolve(root, i));
    let req = required(object);
    for (name, field) in fields {
        line(out, root, name, field, req.contains(&name.as_str()));
    }
    out.push('\n');
}

fn line(out: &mut String, root: &Value, name: &str, field: &Value, required: bool) {
    let kind = type_of(root, field);
    let need = if required { ", required" } else { "" };
    let desc = field
        .get("description")
        .or_else(|| resolve(root, field).get("description"))
        .and_then(Value::as_str)
        .map(one_paragraph)
        .unwrap_or_default();
    let _ = writeln!(out, "- `{name}` ({kind}{need}): {desc}");
}

/// A short type name: `string`, `array of strings`, `"rest" | "http"`, ...
fn type_of(root: &Value, field: &Value) -> String {
    let v = resolve(root, field);
    if let Some(values) = v.get("enum").and_then(Value::as_array) {
        let names: Vec<String> = values.iter().map(|x| x.to_string()).collect();
        return names.join(" | ");
    }
    if let Some(any) = v
        .get("anyOf")
        .or_else(|| v.get("oneOf"))
        .and_then(Value::as_array)
    {
        let kinds: Vec<String> = any.iter().map(|a| type_of(root, a)).collect();
        return kinds.join(" or ");
    }
    match v.get("type") {
        Some(Value::String(t)) if t == "array" => {
            let item = v.get("items").map(|i| type_of(root, i)).unwrap_or_default();
            match item.as_str() {
                "string" | "integer" | "boolean" | "number" | "table" => {
                    format!("array of {item}s")
                }
                _ => format!("array of ({item})"),
            }
        }
        Some(Value::String(t)) if t == "object" => "table".into(),
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "value".into(),
    }
}

/// A `$ref` (`#/definitions/X`) followed to its definition, once or more.
fn resolve<'a>(root: &'a Value, v: &'a Value) -> &'a Value {
    let mut v = v;
    for _ in 0..8 {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => match r
                .strip_prefix("#/definitions/")
                .and_then(|name| root.get("definitions")?.get(name))
            {
                Some(target) => v = target,
                None => return v,
            },
            None => return v,
        }
    }
    v
}

fn required(v: &Value) -> Vec<&str> {
    v.get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Schema descriptions keep the doc comments' line breaks; a list item is one line.
fn one_paragraph(d: &str) -> String {
    d.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_section_and_key_of_the_design_is_listed() {
        let t = super::text();
        for needle in [
            "`version`",
            "## `[api]`",
            "- `name` (string, required)",
            "## `[cors]`",
            "- `allow_origins` (array of strings)",
            "## `[gateway_responses]`",
            "## `[[routes]]`",
            "## `[routes.cors]`",
            "## `[backends.NAME]`",
            "## `[environments.NAME]`",
            "\"rest\" | \"http\"",
        ] {
            assert!(t.contains(needle), "{needle} missing from:\n{t}");
        }
    }
}
