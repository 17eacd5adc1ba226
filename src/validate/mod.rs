//! Stage 2: raw policy -> [`crate::model::Policy`], collecting every finding.
//! Each submodule owns one part of the format and the rules about it (docs/design.md
//! "Findings `lint` must raise"); they report into one [`Findings`] list and
//! return normalised values. A policy with any error-level finding yields no
//! model, so nothing can be built from it.

mod api;
mod backends;
mod closed_set;
pub(crate) mod cors;
mod environments;
mod free_text;
mod gateway_responses;
mod limits;
mod mapping_values;
mod max_age;
mod origins;
mod routes;
mod scope;
mod services;
mod tokens;

use crate::diagnostic::{Code, Diagnostic, has_errors};
use crate::model::{ApiType, Policy};
use crate::policy::raw::RawPolicy;
use std::ops::Range;

/// Names as a finding lists them: `"a", "b"`.
pub(crate) fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The findings of one policy, in the order they were found.
#[derive(Debug, Default)]
pub struct Findings(pub Vec<Diagnostic>);

impl Findings {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// A required key that is absent: reported at the table that should hold it.
    pub fn missing(&mut self, key: &str, table: &str, at: Range<usize>) {
        let help = match key {
            "version" => "add `version = 1` at the top of the file".to_string(),
            _ => format!(
                "add `{key} = ...` to {table}; the policy reference: {}",
                crate::diagnostic::render::POLICY_HELP
            ),
        };
        self.push(
            Diagnostic::new(
                Code::MissingKey,
                crate::diagnostic::missing_key_message(key, table),
                at,
            )
            .label(format!("`{key}` is required here"))
            .help(help),
        );
    }
}

/// Validate a loaded policy. `source_name` is recorded in the model for the
/// generated-file marker. A policy with `[environments]` is validated once
/// per environment (see [`environments`]). `document_methods`: the methods of
/// the `[api] openapi` document's routes (empty without one), which join the
/// `[[routes]]` methods in the default `allow_methods`.
pub fn validate(
    raw: &RawPolicy,
    source_name: &str,
    document_methods: &[String],
) -> (Option<Policy>, Vec<Diagnostic>) {
    let one = |raw: &RawPolicy, name: &str| validate_one(raw, name, document_methods);
    match &raw.environments {
        Some(envs) if !envs.is_empty() => environments::validate(raw, source_name, one),
        _ => one(raw, source_name),
    }
}

/// Validate a policy without environments (or one environment's view).
fn validate_one(
    raw: &RawPolicy,
    source_name: &str,
    document_methods: &[String],
) -> (Option<Policy>, Vec<Diagnostic>) {
    let mut f = Findings::default();
    let top = 0..0;

    match &raw.version {
        None => f.missing("version", "the top level", top.clone()),
        Some(v) if *v.get() != 1 => f.push(
            Diagnostic::new(
                Code::UnsupportedVersion,
                format!("policy version {} is not supported", v.get()),
                v.span(),
            )
            .label("this corsform reads version 1")
            .help("set `version = 1`"),
        ),
        Some(_) => {}
    }

    let api = match &raw.api {
        None => {
            f.missing("api", "the top level", top.clone());
            None
        }
        Some(a) => api::validate(a, &mut f),
    };
    let api_type = api.as_ref().map(|a| a.api_type);

    let mut routes = routes::validate(&raw.routes, api_type, &mut f);
    let backends = backends::validate(raw.backends.as_ref(), &mut f);
    backends::resolve_routes(raw.backends.as_ref(), &backends, &mut routes, &mut f);
    // With `[api] openapi` the routes are the document's paths (src/openapi/routes.rs).
    let routes_from_document = raw.api.as_ref().is_some_and(|a| a.openapi.is_some());
    if api_type == Some(ApiType::Rest) && raw.routes.is_empty() && !routes_from_document {
        let at = raw
            .api
            .as_ref()
            .and_then(|a| a.r#type.as_ref())
            .map_or(top.clone(), |t| t.span());
        f.push(
            Diagnostic::new(Code::NoRoutes, "a REST API needs at least one route", at)
                .label("REST API with no [[routes]]")
                .help("add a [[routes]] table; API Gateway refuses to deploy a REST API without methods (\"The REST API doesn't contain any methods\")"),
        );
    }

    let cors = match &raw.cors {
        None => {
            f.missing("cors", "the top level", top.clone());
            None
        }
        Some(c) => cors::validate(c, api_type, &routes, document_methods, &mut f),
    };

    let routes = cors::resolve_overrides(routes, cors.as_ref(), api_type, &mut f);
    if let (Some(api), Some(cors)) = (&api, &cors) {
        scope::catch_all_authorizers(api, cors, &routes, &mut f);
    }

    let gateway_responses = gateway_responses::validate(
        raw.gateway_responses.as_ref(),
        api_type,
        cors.as_ref(),
        raw.cors.as_ref().map(|c| c.span()),
        &mut f,
    );

    if let (Some(api), Some(cors)) = (&api, &cors) {
        cors::ownership_notes(api, cors, &routes, raw, &mut f);
    }
    if let Some(api) = &api {
        scope::caller_owns_notes(api, &routes, raw, &mut f);
    }

    let services = services::validate(raw, cors.as_ref(), &mut f);
    let cloudfront = services::cloudfront(raw);

    mapping_values::check(raw, api_type, &mut f);
    free_text::check(raw, &mut f);

    let mut diags = f.0;
    if has_errors(&diags) {
        return (None, diags);
    }
    match (api, cors) {
        (Some(api), Some(cors)) => {
            let routes = routes.into_iter().map(|r| r.route).collect();
            let policy = Policy {
                source_name: source_name.into(),
                api,
                cors,
                gateway_responses,
                routes,
                backends,
                environments: vec![],
                cloudfront,
                services,
            };
            // Limits need the whole model (counts, the effective CORS of each path).
            limits::check(&policy, raw, &mut diags);
            if has_errors(&diags) {
                return (None, diags);
            }
            (Some(policy), diags)
        }
        _ => (None, diags),
    }
}
