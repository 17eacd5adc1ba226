//! Text -> [`RawPolicy`], collecting every diagnostic the file's shape allows:
//! a TOML syntax error stops here (nothing else can be read); otherwise all
//! unknown keys are reported, then serde reads the typed values. A value of the
//! wrong type is reported with its span, taken out, and the file read again,
//! so every wrong-type value is reported, and the rest of the policy is still
//! validated (its findings reported too; a policy with any such error never
//! builds, as [`crate::check`] returns no model when any finding is an error).

use super::keys::{Typo, table_name, unknown_keys};
use super::raw::RawPolicy;
use super::schema::schema_value;
use crate::diagnostic::{Code, Diagnostic, SourceFile};
use serde::Deserialize;
use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// More wrong-type values than this in one file are not looked for (each
/// costs one more deserialisation).
const MAX_TYPE_ERRORS: usize = 100;

/// What loading produced: the raw policy when the file could be read, and the
/// diagnostics found on the way.
#[derive(Debug)]
pub struct Loaded {
    pub raw: Option<RawPolicy>,
    pub diagnostics: Vec<Diagnostic>,
    /// Unknown keys that look like keys their table lacks (see [`super::keys`]).
    pub typos: Vec<Typo>,
}

pub fn load(file: &SourceFile) -> Loaded {
    let table = match DeTable::parse(&file.text) {
        Ok(t) => t,
        Err(e) => {
            let d = match e.span() {
                Some(span) => Diagnostic::new(Code::TomlSyntax, first_line(e.message()), span),
                None => Diagnostic::whole_file(Code::TomlSyntax, first_line(e.message())),
            };
            return Loaded {
                raw: None,
                typos: Vec::new(),
                diagnostics: vec![
                    d.label("TOML syntax error")
                        .help("fix the TOML syntax; see https://toml.io"),
                ],
            };
        }
    };
    let unknown = unknown_keys(table.get_ref(), schema_value());
    let mut diagnostics = unknown.diagnostics;
    let mut typos = unknown.typos;
    // The table is deserialised as it is, not a copy: at 20,000 routes a
    // copy was 21 MB, a third of the peak (issue 20). After a type error it
    // is parsed again, and every value removed so far is removed again.
    let mut table = Some(table);
    let mut removed_spans: Vec<Range<usize>> = Vec::new();
    let raw = loop {
        let attempt = match table.take() {
            Some(t) => t,
            None => reparsed(file, &removed_spans),
        };
        match RawPolicy::deserialize(toml::de::Deserializer::from(attempt)) {
            Ok(raw) => break Some(raw),
            Err(e) => {
                let (message, help) = explain_type_error(e.message());
                let d = match e.span() {
                    Some(span) => Diagnostic::new(Code::WrongType, message, span),
                    None => Diagnostic::whole_file(Code::WrongType, message),
                };
                diagnostics.push(d.label("wrong type").help(help));
                let mut t = reparsed(file, &removed_spans);
                let removed = e
                    .span()
                    .filter(|_| removed_spans.len() + 1 < MAX_TYPE_ERRORS)
                    .and_then(|span| {
                        let r = take_out(t.get_mut(), 0..0, "", &span)?;
                        removed_spans.push(span);
                        Some(r)
                    });
                match removed {
                    // The key is gone now, but it is not missing: the
                    // missing-key finding it would cause is dropped like a typo's.
                    Some(r) => {
                        typos.push(r);
                        table = Some(t);
                    }
                    None => break None,
                }
            }
        }
    };
    Loaded {
        raw,
        diagnostics,
        typos,
    }
}

/// `file`'s table (it parsed before) with the values at `removed` taken out
/// again, in order.
fn reparsed<'a>(file: &'a SourceFile, removed: &[Range<usize>]) -> toml::Spanned<DeTable<'a>> {
    let mut table = DeTable::parse(&file.text).expect("the file parsed before");
    for span in removed {
        take_out(table.get_mut(), 0..0, "", span);
    }
    table
}

/// Remove the key whose value is at `span` (or the array holding an element
/// at `span`) from `table`, searched depth first (a table's own span is its
/// header, so containment cannot guide the search). Returns what a
/// missing-key finding for it would say, as a [`Typo`] whose `span` is the
/// removed value's.
fn take_out(
    table: &mut DeTable<'_>,
    table_span: Range<usize>,
    path: &str,
    span: &Range<usize>,
) -> Option<Typo> {
    let mut hit = None;
    for (key, value) in table.iter_mut() {
        let name = key.get_ref().to_string();
        let full = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        let value_span = value.span();
        if value_span == *span {
            hit = Some((key.clone(), name, value_span));
            break;
        }
        match value.get_mut() {
            DeValue::Table(t) => {
                if let Some(found) = take_out(t, value_span, &full, span) {
                    return Some(found);
                }
            }
            DeValue::Array(items) => {
                // An element cannot be taken out alone: its array goes.
                if items.iter().any(|item| item.span() == *span) {
                    hit = Some((key.clone(), name, value_span));
                    break;
                }
                let item_path = format!("{full}[]");
                for item in items.iter_mut() {
                    let item_span = item.span();
                    if let DeValue::Table(t) = item.get_mut()
                        && let Some(found) = take_out(t, item_span, &item_path, span)
                    {
                        return Some(found);
                    }
                }
            }
            _ => {}
        }
    }
    let (key, name, value_span) = hit?;
    table.remove(&key)?;
    Some(Typo {
        table_span,
        table: table_name(path),
        meant: name,
        span: value_span,
    })
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).trim().to_string()
}

/// serde's wording names Rust types; say it in the policy's terms.
fn explain_type_error(msg: &str) -> (String, String) {
    let msg = first_line(msg);
    if msg.contains("RawDuration") {
        return (
            "max_age must be whole seconds or a duration string".into(),
            "write max_age = 3600 or max_age = \"1h\" (units: s, m, h, d)".into(),
        );
    }
    let msg = msg
        .replace("i64", "an integer")
        .replace("a sequence", "an array")
        .replace("struct Raw", "table ");
    (
        msg,
        format!(
            "the policy reference gives each key's type: {}",
            crate::diagnostic::render::POLICY_HELP
        ),
    )
}
