//! `[backends]` and `routes.backend` (docs/design.md "Named backends"): names and
//! types, each route's backend declared and fitting its integration, every
//! declared backend used. Runs after `routes`, whose checked routes it
//! completes with their backend.

use super::routes::CheckedRoute;
use super::{Findings, closed_set};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Backend, BackendType, Integration};
use crate::policy::Sp;
use crate::policy::raw::RawBackend;
use crate::suggest::did_you_mean;
use heck::ToUpperCamelCase;
use std::collections::BTreeMap;

type RawBackends = Sp<BTreeMap<String, Sp<RawBackend>>>;

/// `[a-z][a-z0-9_]{0,39}`: a backend name becomes part of a Terraform variable
/// (`backend_<name>_invoke_arn`) and, PascalCased, of CloudFormation logical
/// ids and Parameter names, so it must be valid in all of them.
pub fn valid_name(name: &str, extra: &[char]) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && name.len() <= 40
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || extra.contains(&c))
}

/// The declared backends, in name order.
pub fn validate(raw: Option<&RawBackends>, f: &mut Findings) -> Vec<Backend> {
    let Some(raw) = raw else { return vec![] };
    let mut out = Vec::new();
    for (name, b) in raw.iter() {
        if !valid_name(name, &['_']) {
            f.push(
                Diagnostic::new(Code::InvalidBackendName, format!("invalid backend name \"{name}\""), b.span())
                    .label("1-40 of [a-z0-9_], starting with a letter")
                    .help("backend names become Terraform variable names and CloudFormation Parameter names; use e.g. \"orders\" or \"user_profiles\""),
            );
            continue;
        }
        let backend_type = match &b.r#type {
            None => {
                f.missing("type", &format!("[backends.{name}]"), b.span());
                None
            }
            Some(t) => closed_set::parse(
                t,
                "type",
                &[("lambda", BackendType::Lambda), ("http", BackendType::Http)],
                f,
            ),
        };
        // CloudFormation and SAM name a backend's Parameter and resources after
        // its PascalCase form (the templates' `pascal` filter), where `a_1`
        // and `a1` are both `A1`: two such names would collide.
        let pascal = name.to_upper_camel_case();
        if let Some(other) = out
            .iter()
            .find(|o: &&Backend| o.name.to_upper_camel_case() == pascal)
        {
            f.push(
                Diagnostic::new(Code::InvalidBackendName, format!("backend names \"{}\" and \"{name}\" both become `{pascal}` in CloudFormation", other.name), b.span())
                    .label("same Parameter and resource names as another backend")
                    .help("rename one of them so they differ in more than underscores"),
            );
            continue;
        }
        if let Some(backend_type) = backend_type {
            out.push(Backend {
                name: name.clone(),
                backend_type,
            });
        }
    }
    out
}

/// Gives each route its backend and checks the routes against `[backends]`.
/// A route naming a backend takes its integration from the backend's type
/// unless it sets `integration` itself, which must then agree.
pub fn resolve_routes(
    raw: Option<&RawBackends>,
    backends: &[Backend],
    routes: &mut [CheckedRoute],
    f: &mut Findings,
) {
    let declared: Vec<&str> = raw
        .map(|r| r.keys().map(String::as_str).collect())
        .unwrap_or_default();
    for r in routes.iter_mut() {
        let explicit_integration = r.raw.integration.is_some();
        let Some(name) = &r.raw.backend else {
            if raw.is_some() && r.route.integration != Integration::Mock {
                let at = r.raw.path.as_ref().map_or(r.raw.span(), |p| p.span());
                f.push(
                    Diagnostic::new(
                        Code::RouteWithoutBackend,
                        format!("route {} names no backend", r.route.path.text),
                        at,
                    )
                    .label("every lambda or http route needs `backend` once [backends] exists")
                    .help(format!(
                        "add `backend = \"...\"` naming one of: {}",
                        super::quoted(&declared)
                    )),
                );
            }
            continue;
        };
        if explicit_integration && r.route.integration == Integration::Mock {
            f.push(
                Diagnostic::new(
                    Code::BackendOnMockRoute,
                    format!("route {} is a mock route and cannot have a backend", r.route.path.text),
                    name.span(),
                )
                .label("API Gateway answers a mock route itself")
                .help("remove `backend`, or remove `integration = \"mock\"` to send the route to the backend"),
            );
            continue;
        }
        if !declared.contains(&name.as_str()) {
            let help = match did_you_mean(name, declared.iter().copied()) {
                Some(s) => format!("did you mean \"{s}\"?"),
                None if declared.is_empty() => {
                    format!(
                        "declare it: add [backends.{}] with type = \"lambda\" or \"http\"",
                        name.as_str()
                    )
                }
                None => format!(
                    "declare it in [backends], or use one of: {}",
                    super::quoted(&declared)
                ),
            };
            f.push(
                Diagnostic::new(
                    Code::UndeclaredBackend,
                    format!("backend \"{}\" is not declared", name.as_str()),
                    name.span(),
                )
                .label("not in [backends]")
                .help(help),
            );
            continue;
        }
        // Declared but refused (bad name or type): already reported.
        let Some(backend) = backends.iter().find(|b| b.name == name.as_str()) else {
            continue;
        };
        let wanted = match backend.backend_type {
            BackendType::Lambda => Integration::Lambda,
            BackendType::Http => Integration::Http,
        };
        if explicit_integration && r.route.integration != wanted {
            let at = r.raw.integration.as_ref().map_or(name.span(), |i| i.span());
            f.push(
                Diagnostic::new(
                    Code::BackendTypeMismatch,
                    format!(
                        "backend \"{}\" has type \"{}\", the route's integration is \"{}\"",
                        backend.name,
                        backend.backend_type.name(),
                        r.raw.integration.as_ref().map_or("", |i| i.as_str())
                    ),
                    at,
                )
                .label("differs from the backend's type")
                .help(format!(
                    "remove `integration` (the backend decides it) or set it to \"{}\"",
                    backend.backend_type.name()
                )),
            );
            continue;
        }
        r.route.integration = wanted;
        r.route.backend = Some(backend.name.clone());
    }
    check_unused(raw, routes, f);
}

fn check_unused(raw: Option<&RawBackends>, routes: &[CheckedRoute], f: &mut Findings) {
    let Some(raw) = raw else { return };
    for (name, b) in raw.iter() {
        // A misspelt reference that "did you mean" points here was reported
        // as such; calling the backend unused as well would be one mistake twice.
        let used = routes.iter().any(|r| {
            r.raw
                .backend
                .as_ref()
                .is_some_and(|n| n.as_str() == name || did_you_mean(n, [name.as_str()]).is_some())
        });
        if !used && valid_name(name, &['_']) {
            f.push(
                Diagnostic::new(Code::UnusedBackend, format!("backend \"{name}\" is declared but no route uses it"), b.span())
                    .label("unused")
                    .help("remove it, or name it in a route's `backend`: the generated code would ask for an input nothing uses"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::{Code, SourceFile};

    #[test]
    fn names_that_collide_in_cloudformation_are_refused() {
        let text = r#"
version = 1
[api]
name = "shop"
type = "http"
[cors]
allow_origins = ["https://app.example.com"]
[backends.a_1]
type = "lambda"
[backends.a1]
type = "lambda"
[[routes]]
path = "/x"
methods = ["GET"]
backend = "a1"
[[routes]]
path = "/y"
methods = ["GET"]
backend = "a_1"
"#;
        let (policy, diags) = crate::check(&SourceFile::new("t.toml", text.to_string()));
        assert!(policy.is_none());
        assert!(
            diags
                .iter()
                .any(|d| d.code == Code::InvalidBackendName && d.message.contains("`A1`")),
            "{diags:?}"
        );
    }
}
