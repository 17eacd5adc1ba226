//! corsform: one CORS policy in TOML, compiled into the API Gateway
//! infrastructure code that makes browsers succeed.
//!
//! The pipeline, one module per stage: [`policy`] (text -> raw policy with spans)
//! -> [`validate`] (raw -> [`model::Policy`], collecting [`diagnostic`]s) ->
//! [`derive`] (what API Gateway must be told, per target) -> [`render`] (Tera
//! templates -> `path -> contents`). Only [`cli`] touches the disk or prints.
//!
//! Beside it, [`answer`] says what a deployment of a policy answers to one
//! request; [`explain`] runs the browser's checks on that, [`serve`] sends it,
//! and [`probe`] compares a deployed API's real answers with it.

pub mod answer;
pub mod browser;
pub mod cli;
pub mod derive;
pub mod diagnostic;
pub mod explain;
pub mod markup;
pub mod matrix;
pub mod model;
pub mod openapi;
pub mod policy;
pub mod probe;
pub mod reference;
pub mod render;
pub mod serve;
pub mod suggest;
pub mod validate;

#[cfg(test)]
mod test_policies;

use diagnostic::{Diagnostic, SourceFile};
use model::Policy;

/// Load and validate one policy file. Returns the model when there is no
/// error-level finding, and every finding either way.
pub fn check(file: &SourceFile) -> (Option<Policy>, Vec<Diagnostic>) {
    check_loaded(file, policy::load(file), None)
}

/// [`check`] of a policy already loaded, with the routes of its `[api]
/// openapi` document when there is one (src/openapi/routes.rs): the default
/// `allow_methods` is then the document's methods too, as it would be for the
/// same routes written as `[[routes]]`. The model's routes stay the policy's
/// own `[[routes]]`; [`openapi::routes::attach`] puts the document's in their
/// place once the document's own findings are known.
pub fn check_loaded(
    file: &SourceFile,
    loaded: policy::Loaded,
    document: Option<&audit::doc::Node>,
) -> (Option<Policy>, Vec<Diagnostic>) {
    let mut diags = loaded.diagnostics;
    let Some(raw) = loaded.raw else {
        return (None, diags);
    };
    let document_methods = document.map(openapi::routes::methods).unwrap_or_default();
    let (model, more) = validate::validate(&raw, &file.name, &document_methods);
    diags.extend(more);
    // A misspelt required key is one finding (the typo), not two.
    policy::keys::fold_typos(&mut diags, &loaded.typos);
    sort(&mut diags);
    if diagnostic::has_errors(&diags) {
        return (None, diags);
    }
    (model, diags)
}

/// A policy with `[api] openapi` and its `document` (the file that names,
/// already read): the policy's findings, then the document's (its conflicts
/// with the policy, at its own positions), and the model with the document's
/// routes attached. What `build`, `lint`, `explain`, `serve` and `probe` all
/// read such a policy through (src/cli/read.rs), and the golden tests too.
pub fn check_with_document(
    file: &SourceFile,
    loaded: policy::Loaded,
    document: &SourceFile,
) -> (Option<Policy>, Vec<Diagnostic>, Vec<Diagnostic>) {
    let parsed = audit::yaml::parse(&document.text).ok();
    let (mut policy, diags) = check_loaded(file, loaded, parsed.as_ref());
    let doc_diags = match &policy {
        Some(p) => openapi::conflicts::conflicts(&document.text, p),
        None => Vec::new(),
    };
    if let (Some(p), Some(node)) = (&mut policy, &parsed) {
        openapi::routes::attach(p, node);
    }
    (policy, diags, doc_diags)
}

/// The document a loaded policy names in `[api] openapi`, relative to it.
pub fn openapi_document_path(loaded: &policy::Loaded) -> Option<String> {
    let api = loaded.raw.as_ref()?.api.as_ref()?;
    api.openapi.as_ref().map(|o| o.get().clone())
}

/// Findings in file order, so output reads top to bottom.
fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
}

// Audit and import of IaC corsform did not write (issue 17).
pub mod audit;
pub mod import;
