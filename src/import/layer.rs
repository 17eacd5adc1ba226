//! The CORS layer on the team's own Terraform API (issue 26): when the files
//! declare the API resource by resource, the imported policy has
//! `scope = "cors"`, so `build` writes the layer's module and not a second
//! API, and it ends with the `module` block that wires the layer to that API
//! (its id, each path's resource id, the trigger for its deployment) and the
//! hand-written preflight resources the layer replaces. DESIGN.md, "Scope".

use super::*;
use crate::audit::model::TfAddresses;

/// The comment block that follows an imported `scope = "cors"` policy.
pub(super) fn module_block(api: &Api, tf: &TfAddresses, out: &mut String) {
    let name = slug(&api.name);
    let c = |out: &mut String, line: &str| {
        let _ = writeln!(out, "{}", format!("# {line}").trim_end());
    };
    out.push('\n');
    c(
        out,
        &format!(
            "scope = \"cors\": `{}` stays the team's own; corsform adds only its CORS layer.",
            tf.api
        ),
    );
    c(
        out,
        "After `corsform build corsform.toml --out infra/generated`, call the layer from the module",
    );
    // A module on an API declared elsewhere (var.rest_api_id) is replaced by
    // the layer where it is called; otherwise the layer sits beside the API.
    let whose = if tf.api.starts_with("aws_") {
        format!("that declares `{}`", tf.api)
    } else {
        format!(
            "where these files are used (their API comes in as `{}`)",
            tf.api
        )
    };
    c(
        out,
        &format!("{whose} (the source is where build wrote it, relative to that module):"),
    );
    c(out, "");
    c(out, "module \"cors\" {");
    c(out, &format!("  source = \"./generated/{name}/terraform\""));
    c(out, "");
    match api.kind {
        ApiKind::Rest => {
            c(out, &format!("  rest_api_id = {}", tf.id));
            c(out, "  resource_ids = {");
            let width = tf
                .resource_ids
                .iter()
                .filter(|(p, _)| api.paths().contains(&p.as_str()))
                .map(|(p, _)| q(p).len())
                .max()
                .unwrap_or(0);
            for (path, id) in tf
                .resource_ids
                .iter()
                .filter(|(p, _)| api.paths().contains(&p.as_str()))
            {
                c(out, &format!("    {:width$} = {id}", q(path)));
            }
            c(out, "  }");
        }
        // The module takes api_id only when an authorized catch-all route
        // would catch preflights (derive::cors_layer, open_options_routes).
        ApiKind::Http if catches_preflights(api) => c(out, &format!("  api_id = {}", tf.id)),
        ApiKind::Http => {}
    }
    c(out, "}");
    c(out, "");
    match (api.kind, &tf.deployment) {
        (ApiKind::Rest, Some(d)) => c(
            out,
            &format!(
                "and add `module.cors.redeployment_trigger` to the triggers of `{d}`, so a CORS change is deployed."
            ),
        ),
        (ApiKind::Rest, None) => c(
            out,
            "and add `module.cors.redeployment_trigger` to the triggers of the API's deployment, so a CORS change is deployed.",
        ),
        (ApiKind::Http, _) => {
            c(
                out,
                &format!(
                    "and in `{}`, replace the cors_configuration block with",
                    tf.api
                ),
            );
            c(out, "  dynamic \"cors_configuration\" {");
            c(out, "    for_each = [module.cors.cors_configuration]");
            c(out, "    content {");
            for k in crate::audit::recognise::terraform::CORS_CONFIGURATION_KEYS {
                c(out, &format!("      {k:17} = cors_configuration.value.{k}"));
            }
            c(out, "    }");
            c(out, "  }");
        }
    }
    // The team's MOCK methods answer from their own responses, which the
    // layer (a module) cannot change: it outputs their headers instead.
    let mocks: Vec<String> = api
        .methods
        .iter()
        .filter(|m| m.method != "OPTIONS" && rest::integration(m) == "mock")
        .map(|m| format!("{} {}", m.method, m.path))
        .collect();
    if api.kind == ApiKind::Rest && !mocks.is_empty() {
        c(out, "");
        c(
            out,
            &format!(
                "Your MOCK methods ({}) answer from your own responses: give each method response",
                mocks.join(", ")
            ),
        );
        c(
            out,
            "  response_parameters = module.cors.method_response_parameters[\"<path>\"], each integration response",
        );
        c(
            out,
            "  module.cors.actual_response_parameters[\"<path>\"] and, in front of its body template, the origin check",
        );
        c(
            out,
            "  module.cors.actual_response_templates[\"<path>\"] (the generated README, \"Your own non-proxy methods\").",
        );
    }
    if !tf.replaced.is_empty() {
        c(out, "");
        c(
            out,
            "The layer creates these itself; remove the hand-written ones, or the apply conflicts:",
        );
        for r in &tf.replaced {
            c(out, &format!("  {r}"));
        }
    }
}

/// An authorized ANY route (or `$default`): it catches OPTIONS preflights.
fn catches_preflights(api: &Api) -> bool {
    api.http_routes
        .iter()
        .any(|r| (r.key.starts_with("ANY ") || r.key == "$default") && r.authorized)
        || api
            .methods
            .iter()
            .any(|m| m.method == "ANY" && m.is_authorized())
}
