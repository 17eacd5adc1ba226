//! Unknown keys. The set of keys each table may hold is read from the JSON
//! Schema generated from [`super::raw`], so adding a field to a raw type makes
//! it known here, and every unknown key is reported at once (not only the first,
//! as serde's `deny_unknown_fields` would), each with "did you mean".
//!
//! A misspelt required key (`allow_origin` for `allow_origins`) is one mistake:
//! every typo whose suggestion is absent from its table is recorded as a
//! [`Typo`], so that [`fold_typos`] can report it once, as the typo, when
//! validation then finds that key missing from the same table.

use crate::diagnostic::{Code, Diagnostic, missing_key_message};
use crate::suggest::did_you_mean;
use serde_json::Value;
use std::ops::Range;
use toml::de::{DeTable, DeValue};

#[derive(Debug, Default)]
pub struct UnknownKeys {
    pub diagnostics: Vec<Diagnostic>,
    pub typos: Vec<Typo>,
}

/// An unknown key that looks like a key its table lacks.
#[derive(Debug, Clone)]
pub struct Typo {
    /// The span of the table, where a missing-key finding would point.
    pub table_span: Range<usize>,
    /// How the table is written: `[cors]`, `[[routes]]`.
    pub table: String,
    /// The key it probably stands for.
    pub meant: String,
    /// The span of the misspelt key.
    pub span: Range<usize>,
}

/// Drops each missing-key finding that a typo in the same table explains, and
/// says in the typo's help that the key it stands for is required.
pub fn fold_typos(diags: &mut Vec<Diagnostic>, typos: &[Typo]) {
    let explained = |d: &Diagnostic| {
        typos.iter().find(|t| {
            d.code == Code::MissingKey
                && d.span.as_ref() == Some(&t.table_span)
                && d.message == missing_key_message(&t.meant, &t.table)
        })
    };
    let folded: Vec<Typo> = diags.iter().filter_map(explained).cloned().collect();
    diags.retain(|d| explained(d).is_none());
    for t in folded {
        if let Some(d) = diags
            .iter_mut()
            .find(|d| d.code == Code::UnknownKey && d.span.as_ref() == Some(&t.span))
        {
            d.help = Some(format!(
                "did you mean `{}`? it is required in {}",
                t.meant, t.table
            ));
        }
    }
}

/// Every key in `root` that the schema does not define.
pub fn unknown_keys(root: &DeTable<'_>, schema: &Value) -> UnknownKeys {
    let mut out = UnknownKeys::default();
    // The top level's missing keys are reported at 0..0 (validate::validate).
    walk_table(root, 0..0, schema, schema, "", &mut out);
    out
}

fn walk_table(
    table: &DeTable<'_>,
    span: Range<usize>,
    node: &Value,
    root: &Value,
    path: &str,
    out: &mut UnknownKeys,
) {
    let node = resolve(node, root);
    // A table of named entries ([backends.NAME], [environments.NAME]): any
    // name is a key, and each entry's own keys are checked against the entry's schema.
    if let Some(entry) = node.get("additionalProperties").filter(|e| e.is_object()) {
        for (key, value) in table.iter() {
            let full = format!("{path}.{}", key.get_ref());
            walk_value(value, entry, root, &full, out);
        }
        return;
    }
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
        if let Some(child) = props.get(name) {
            walk_value(value, child, root, &full, out);
            continue;
        }
        let where_ = table_name(path);
        let d = Diagnostic::new(
            Code::UnknownKey,
            format!("unknown key `{name}` in {where_}"),
            key.span(),
        )
        .label("not a key of the policy format");
        let d = match did_you_mean(name, props.keys().map(String::as_str)) {
            Some(s) => {
                if table.get(s).is_none() {
                    out.typos.push(Typo {
                        table_span: span.clone(),
                        table: where_.clone(),
                        meant: s.to_string(),
                        span: key.span(),
                    });
                }
                d.help(format!("did you mean `{s}`?"))
            }
            None => d.help(format!(
                "the keys of {where_} are: {}",
                props
                    .keys()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
        out.diagnostics.push(d);
    }
}

fn walk_value(
    value: &toml::Spanned<DeValue<'_>>,
    node: &Value,
    root: &Value,
    path: &str,
    out: &mut UnknownKeys,
) {
    match value.get_ref() {
        DeValue::Table(t) => walk_table(t, value.span(), node, root, path, out),
        DeValue::Array(items) => {
            let node = resolve(node, root);
            if let Some(item_node) = node.get("items") {
                let path = format!("{path}[]");
                for item in items.iter() {
                    walk_value(item, item_node, root, &path, out);
                }
            }
        }
        _ => {}
    }
}

/// How a table is written in TOML: `[api]`, `[[routes]]`, `[routes.cors]`.
pub(super) fn table_name(path: &str) -> String {
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
