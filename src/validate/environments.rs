//! `[environments]` (docs/design.md "Environments"): each environment is the whole
//! policy with its overrides applied (any `[cors]` key, `api.stage`) and is
//! validated as a policy of its own. A finding that every environment shares
//! is reported once, as it would be without environments; one that only some
//! environments have names them, and a policy that builds in some
//! environments and not in others says which.

use super::{Findings, backends};
use crate::diagnostic::{Code, Diagnostic, has_errors};
use crate::model::{Environment, Policy};
use crate::policy::Sp;
use crate::policy::raw::{RawCors, RawEnvironment, RawPolicy};
use std::ops::Range;

/// Validates every environment of `raw` with `validate_one` (the validation of
/// a policy without environments). `raw.environments` must be non-empty.
pub fn validate(
    raw: &RawPolicy,
    source_name: &str,
    validate_one: impl Fn(&RawPolicy, &str) -> (Option<Policy>, Vec<crate::diagnostic::Diagnostic>),
) -> (Option<Policy>, Vec<Diagnostic>) {
    let envs = raw.environments.as_ref().expect("caller checked");
    let mut f = Findings::default();
    let mut results: Vec<(&str, Range<usize>, Option<Policy>)> = Vec::new();
    // Each distinct finding with the environments it arose in.
    let mut seen: Vec<(Diagnostic, Vec<&str>)> = Vec::new();
    for (name, env) in envs.iter() {
        if !backends::valid_name(name, &[]) {
            f.push(
                Diagnostic::new(Code::InvalidBackendName, format!("invalid environment name \"{name}\""), env.span())
                    .label("1-40 of [a-z0-9], starting with a letter")
                    .help("environment names become CloudFormation Mappings keys, which are alphanumeric; use e.g. \"dev\" or \"prod\""),
            );
        }
        let merged = apply(raw, env);
        let (model, diags) = validate_one(&merged, source_name);
        for d in diags {
            match seen.iter_mut().find(|(s, _)| *s == d) {
                Some((_, names)) => names.push(name),
                None => seen.push((d, vec![name])),
            }
        }
        if is_production(name) {
            insecure_origins(name, &merged, &mut f);
        }
        results.push((name, env.span(), model));
    }
    let all = envs.len();
    let mut out: Vec<Diagnostic> = seen
        .into_iter()
        .map(|(mut d, names)| {
            if names.len() < all {
                d.message = format!("{} (in {})", d.message, environments(&names));
            }
            d
        })
        .collect();
    out.append(&mut f.0);

    let valid: Vec<&str> = results
        .iter()
        .filter(|r| r.2.is_some())
        .map(|r| r.0)
        .collect();
    if !valid.is_empty() && valid.len() < all {
        for (name, span, _) in results.iter().filter(|r| r.2.is_none()) {
            out.push(
                Diagnostic::new(
                    Code::ValidOnlyInSomeEnvironments,
                    format!("the policy is valid in {} but not in environment `{name}`", environments(&valid)),
                    span.clone(),
                )
                .label(format!("environment `{name}` has errors"))
                .help("fix the errors reported for this environment: one generated module serves every environment, so all must be valid"),
            );
        }
    }
    if has_errors(&out) {
        return (None, out);
    }
    let environments: Vec<Environment> = results
        .into_iter()
        .filter_map(|(name, _, model)| {
            model.map(|policy| Environment {
                name: name.to_string(),
                policy,
            })
        })
        .collect();
    let Some(first) = environments.first() else {
        return (None, out);
    };
    let mut policy = first.policy.clone();
    policy.environments = environments;
    (Some(policy), out)
}

/// The policy as one environment sees it: its `cors` keys over `[cors]`, its
/// `api.stage` over `[api] stage`.
fn apply(raw: &RawPolicy, env: &Sp<RawEnvironment>) -> RawPolicy {
    let mut merged = raw.clone();
    merged.environments = None;
    if let Some(over) = &env.cors {
        merged.cors = Some(match &raw.cors {
            None => over.clone(),
            Some(base) => {
                let mut c = base.clone();
                overlay(c.0.get_mut(), over);
                c
            }
        });
    }
    if let (Some(api), Some(stage)) = (
        merged.api.as_mut(),
        env.api.as_ref().and_then(|a| a.stage.clone()),
    ) {
        api.0.get_mut().stage = Some(stage);
    }
    merged
}

fn overlay(base: &mut RawCors, over: &RawCors) {
    macro_rules! take {
        ($($field:ident),*) => {$(
            if over.$field.is_some() {
                base.$field = over.$field.clone();
            }
        )*};
    }
    take!(
        allow_origins,
        allow_methods,
        allow_headers,
        expose_headers,
        allow_credentials,
        max_age,
        preflight_status,
        owner
    );
}

fn is_production(name: &str) -> bool {
    name == "prod" || name == "production"
}

/// Production answers real users: an http:// origin can be impersonated by
/// anyone on the network path, and a localhost origin is any developer's
/// machine (docs/cors-facts.md; Fetch standard, "origin" is scheme + host + port).
fn insecure_origins(name: &str, merged: &RawPolicy, f: &mut Findings) {
    let Some(list) = merged.cors.as_ref().and_then(|c| c.allow_origins.as_ref()) else {
        return;
    };
    for o in list.iter() {
        let s = o.as_str();
        let host = s.split("://").nth(1).unwrap_or("");
        let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
        let loopback = host == "localhost"
            || host.ends_with(".localhost")
            || host == "127.0.0.1"
            || host == "[::1]";
        if s.starts_with("http://") || loopback {
            f.push(
                Diagnostic::new(Code::InsecureOriginInProduction, format!("origin \"{s}\" is allowed in environment `{name}`"), o.span())
                    .label(if loopback { "a developer's machine" } else { "plain http" })
                    .help(format!("move it to a development environment's allow_origins; `{name}` should allow only its https sites")),
            );
        }
    }
}

fn environments(names: &[&str]) -> String {
    let list = names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() == 1 {
        format!("environment {list}")
    } else {
        format!("environments {list}")
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::SourceFile;
    use crate::model::{BackendType, Integration};

    const POLICY: &str = r#"
version = 1
[api]
name = "shop"
type = "rest"
[cors]
allow_origins = ["https://app.example.com"]
allow_headers = ["content-type"]
[backends.orders]
type = "lambda"
[backends.catalog]
type = "http"
[environments.dev]
cors = { allow_origins = ["http://localhost:5173"] }
api = { stage = "dev" }
[environments.prod]
cors = { max_age = "2h" }
[[routes]]
path = "/orders"
methods = ["GET"]
backend = "orders"
[[routes]]
path = "/catalog"
methods = ["GET"]
backend = "catalog"
"#;

    #[test]
    fn each_environment_is_the_policy_with_its_overrides() {
        let (policy, diags) = crate::check(&SourceFile::new("t.toml", POLICY.to_string()));
        let policy = policy.unwrap_or_else(|| panic!("{diags:?}"));
        assert_eq!(policy.environment_names(), ["dev", "prod"]);
        let dev = policy.environment("dev").unwrap();
        let prod = policy.environment("prod").unwrap();
        assert_eq!(dev.cors.origin_strings(), ["http://localhost:5173"]);
        assert_eq!(dev.api.stage, "dev");
        assert_eq!(dev.cors.max_age, None);
        // Keys an environment does not override come from [cors] and [api].
        assert_eq!(prod.cors.origin_strings(), ["https://app.example.com"]);
        assert_eq!(prod.cors.allow_headers, ["content-type"]);
        assert_eq!(prod.cors.max_age, Some(7200));
        assert_eq!(prod.api.stage, "prod");
        assert!(policy.environment("qa").is_none());
        // The backend decides each route's integration.
        assert_eq!(
            policy.backend("catalog").unwrap().backend_type,
            BackendType::Http
        );
        let integrations: Vec<_> = prod
            .routes
            .iter()
            .map(|r| (r.backend.as_deref(), r.integration))
            .collect();
        assert_eq!(
            integrations,
            [
                (Some("orders"), Integration::Lambda),
                (Some("catalog"), Integration::Http)
            ]
        );
    }
}
