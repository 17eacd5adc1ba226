//! `[api]`: name, type, description, stage, scope.

use super::{Findings, closed_set};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Api, ApiType, Scope};
use crate::policy::Sp;
use crate::policy::raw::RawApi;

pub fn validate(raw: &Sp<RawApi>, f: &mut Findings) -> Option<Api> {
    let api_type = match &raw.r#type {
        None => {
            f.missing("type", "[api]", raw.span());
            None
        }
        Some(t) => closed_set::parse(
            t,
            "type",
            &[("rest", ApiType::Rest), ("http", ApiType::Http)],
            f,
        ),
    };

    let name = match &raw.name {
        None => {
            f.missing("name", "[api]", raw.span());
            None
        }
        Some(n) if is_valid_name(n) => Some(n.to_string()),
        Some(n) => {
            let suggestion: String = n
                .to_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            f.push(
                Diagnostic::new(
                    Code::InvalidApiName,
                    format!("api name \"{}\" is not allowed", n.as_str()),
                    n.span(),
                )
                .label("1-64 of [a-z0-9-], starting with a letter")
                .help(format!(
                    "the name names every generated resource; try \"{}\"",
                    suggestion.trim_matches('-')
                )),
            );
            None
        }
    };

    let default_stage = match api_type {
        Some(ApiType::Http) => "$default",
        _ => "prod",
    };
    let stage = match &raw.stage {
        None => Some(default_stage.to_string()),
        Some(s) => {
            let ok_default = api_type == Some(ApiType::Http) && s.as_str() == "$default";
            if ok_default || is_valid_stage(s) {
                Some(s.to_string())
            } else {
                let help = if api_type == Some(ApiType::Http) {
                    "use 1-128 of [A-Za-z0-9_-], or \"$default\""
                } else {
                    "use 1-128 of [A-Za-z0-9_-]"
                };
                f.push(
                    Diagnostic::new(
                        Code::InvalidStage,
                        format!("stage name \"{}\" is not allowed", s.as_str()),
                        s.span(),
                    )
                    .label("API Gateway refuses this stage name")
                    .help(help),
                );
                None
            }
        }
    };

    // docs/design.md "Scope": the whole API (default) or only its CORS layer.
    let scope = match &raw.scope {
        None => Some(Scope::Api),
        Some(s) => closed_set::parse(s, "scope", &[("api", Scope::Api), ("cors", Scope::Cors)], f),
    };

    let description = raw.description.as_ref().map(|d| d.to_string());
    Some(Api {
        name: name?,
        api_type: api_type?,
        description,
        stage: stage?,
        scope: scope?,
        openapi: raw.openapi.as_ref().map(|p| p.to_string()),
    })
}

fn is_valid_name(n: &str) -> bool {
    let mut chars = n.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && n.len() <= 64
        && n.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// API Gateway stage names: letters, digits, `-` and `_`, at most 128.
fn is_valid_stage(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}
