//! Text -> [`RawPolicy`], collecting every diagnostic the file's shape allows:
//! a TOML syntax error stops here (nothing else can be read); otherwise all
//! unknown keys are reported, then serde reads the typed values (a value of the
//! wrong type is reported with its span).

use super::keys::{Typo, unknown_keys};
use super::raw::RawPolicy;
use super::schema::schema_value;
use crate::diagnostic::{Code, Diagnostic, SourceFile};
use serde::Deserialize;
use toml::de::DeTable;

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
    let raw = match RawPolicy::deserialize(toml::de::Deserializer::from(table)) {
        Ok(raw) => Some(raw),
        Err(e) => {
            let (message, help) = explain_type_error(e.message());
            let d = match e.span() {
                Some(span) => Diagnostic::new(Code::WrongType, message, span),
                None => Diagnostic::whole_file(Code::WrongType, message),
            };
            diagnostics.push(d.label("wrong type").help(help));
            None
        }
    };
    Loaded {
        raw,
        diagnostics,
        typos: unknown.typos,
    }
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
        "see the policy reference in README.md for the type of this key".into(),
    )
}
