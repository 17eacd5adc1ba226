//! `[environments]` from files that deploy differently per environment
//! (issue 26): a Terraform module picking `local.environments[var.environment]`
//! or keying maps by `terraform.workspace`, a CloudFormation template picking
//! Mappings and conditions by an `Environment` parameter. Each environment is
//! read as its own deploy (the selector set to its name), imported as a
//! policy of its own, and the policies are compared: what differs in `[cors]`
//! and `api.stage` becomes that environment's overrides.
//!
//! Environments may only change `[cors]` keys and the stage (DESIGN.md,
//! "Environments"); when the views differ in anything else (routes, gateway
//! responses, a key one environment leaves out), the per-value reading of
//! mod.rs stands instead, which says each environment's origins.

use super::{env_name, policy};
use crate::audit::model::Api;
use crate::diagnostic::SourceFile;
use std::fmt::Write as _;
use toml::{Table, Value};

/// The policy with `[environments]` from per-environment views, or `None`
/// when the files choose no environment or the views cannot be said as
/// environment overrides.
pub(super) fn policy_per_environment(api: &Api, files: &[SourceFile]) -> Option<String> {
    let (selector, names) = crate::audit::environment_selector(files)?;
    // (policy environment name, the API as that deploy sees it, its policy).
    let mut views: Vec<(String, Api, Table)> = Vec::new();
    for name in &names {
        let env_name = env_name(name)?;
        let seen = crate::audit::apis_in_environment(files, &selector, name)
            .into_iter()
            .find(|a| a.name == api.name && a.kind == api.kind)?;
        let table: Table = toml::from_str(&policy(&seen, files, Some(""))).ok()?;
        views.push((env_name, seen, table));
    }
    let (_, first, base) = views.first()?;
    let mut tables = String::new();
    let mut differs = false;
    for (name, _, view) in &views {
        let overrides = overrides(base, view)?;
        differs |= !overrides.is_empty();
        let _ = write!(tables, "\n[environments.{name}]\n");
        let _ = writeln!(
            tables,
            "cors = {}",
            overrides
                .get("cors")
                .cloned()
                .unwrap_or_else(|| Value::Table(Table::new()))
        );
        if let Some(api) = overrides.get("api") {
            let _ = writeln!(tables, "api = {api}");
        }
    }
    if !differs {
        return None;
    }
    // The first environment's policy is the base; the tables say the rest.
    Some(policy(first, files, Some(&tables)))
}

/// What `view` changes of `base`: `cors.*` keys and `api.stage`; `None` when
/// it differs anywhere an environment cannot override, or leaves out a key
/// the base has.
fn overrides(base: &Table, view: &Table) -> Option<Table> {
    let keys = |t: &Table| t.keys().cloned().collect::<Vec<_>>();
    if keys(base) != keys(view) {
        return None;
    }
    let mut out = Table::new();
    for (k, b) in base {
        let v = &view[k];
        match k.as_str() {
            "cors" => {
                let (b, v) = (b.as_table()?, v.as_table()?);
                if b.keys().any(|k| !v.contains_key(k)) {
                    return None;
                }
                let changed: Table = v
                    .iter()
                    .filter(|(k, x)| b.get(*k) != Some(x))
                    .map(|(k, x)| (k.clone(), x.clone()))
                    .collect();
                if !changed.is_empty() {
                    out.insert("cors".into(), Value::Table(changed));
                }
            }
            "api" => {
                let (b, v) = (stage_said(b.as_table()?), stage_said(v.as_table()?));
                if keys(&b) != keys(&v) {
                    return None;
                }
                for (k, x) in &v {
                    if b.get(k) != Some(x) {
                        if k != "stage" {
                            return None;
                        }
                        let mut api = Table::new();
                        api.insert(k.clone(), x.clone());
                        out.insert("api".into(), Value::Table(api));
                    }
                }
            }
            _ if b != v => return None,
            _ => {}
        }
    }
    Some(out)
}

/// `[api]` with its stage written out: import leaves out the type's default
/// (DESIGN.md: REST "prod", HTTP "$default"), which one environment may
/// take and another not.
fn stage_said(api: &Table) -> Table {
    let mut t = api.clone();
    if !t.contains_key("stage") {
        let default = match t.get("type").and_then(Value::as_str) {
            Some("http") => "$default",
            _ => "prod",
        };
        t.insert("stage".into(), Value::String(default.into()));
    }
    t
}
