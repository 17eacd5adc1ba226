//! `build` of a policy with `[api] openapi`: the one output is the team's
//! document with the CORS layer added (src/openapi/document.rs), written to
//! `<out>/<api>/openapi/openapi.yaml` (or `openapi.json` for a JSON input)
//! and checked by `--check` like any generated file. Every other target
//! would build the policy's own API instead of the team's, so they refuse.

use super::CliError;
use crate::diagnostic::{Diagnostic, SourceFile, has_errors};
use crate::model::Policy;
use crate::render::{RenderError, Target};
use std::path::{Path, PathBuf};

/// The merged document of `policy` (read from `policy_path`) with its
/// `document` (read and checked by [`super::read::check_policy`]) and its path
/// under `out`; refuses targets other than `openapi` and documents with errors.
pub fn output(
    policy_path: &Path,
    policy: &Policy,
    (doc, diags): &(SourceFile, Vec<Diagnostic>),
    targets: &[Target],
    out: &Path,
) -> Result<(PathBuf, String), CliError> {
    let Some(relative) = policy.api.openapi.as_ref() else {
        return Err(CliError::Render(RenderError::Template(
            "internal: no [api] openapi".into(),
        )));
    };
    let openapi = Target::ALL
        .iter()
        .copied()
        .find(|t| t.name() == "openapi")
        .ok_or_else(|| CliError::Render(RenderError::Template("no openapi target".into())))?;
    let refuse = |target: Target, reason: String| {
        CliError::Render(RenderError::Unsupported { target, reason })
    };
    if let Some(&other) = targets.iter().find(|t| **t != openapi) {
        return Err(refuse(
            other,
            "[api] openapi: the team's document defines the API, so only `--target openapi` (the document with the CORS layer added) builds it; remove `openapi` to build the policy's own routes".into(),
        ));
    }
    super::build::show_findings(doc, diags);
    if has_errors(diags) {
        return Err(refuse(
            openapi,
            format!(
                "{}: the document has errors (above), so nothing was written",
                doc.name
            ),
        ));
    }
    let dir = out.join(&policy.api.name).join("openapi");
    let source =
        super::relpath::relative(policy_path, &dir).unwrap_or_else(|| policy.source_name.clone());
    let text = crate::openapi::document::merged(policy, relative, &doc.text, &source)
        .map_err(|reason| refuse(openapi, reason))?;
    // The output is written elsewhere than the team's document: its
    // relative `$ref`s to other files are made to resolve from there.
    let document = policy_path.parent().unwrap_or(Path::new("")).join(relative);
    let text = crate::openapi::refs::for_output(&text, &document, &dir);
    Ok((
        dir.join(crate::openapi::document::output_name(relative)),
        text,
    ))
}
