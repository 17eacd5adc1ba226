//! `--env NAME` of explain, serve and probe (docs/design.md "Environments"): a
//! policy with `[environments]` answers differently per environment, so these
//! commands must be told which one; they never pick one themselves.

use super::CliError;
use crate::model::Policy;
use crate::suggest::did_you_mean;

/// The policy as `env` sees it. Required when the policy has environments,
/// refused when it has none.
pub fn choose(policy: Policy, env: Option<&str>, command: &str) -> Result<Policy, CliError> {
    let names = policy.environment_names();
    let list = names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match env {
        None if names.is_empty() => Ok(policy),
        Some(name) if names.is_empty() => Err(CliError::Usage(format!(
            "`--env {name}`: the policy has no [environments]; run `corsform {command}` without --env"
        ))),
        None => Err(CliError::Usage(format!(
            "the policy has environments {list}: choose one with `--env NAME`"
        ))),
        Some(name) => match policy.environment(name) {
            Some(p) => Ok(p.clone()),
            None => {
                let hint = did_you_mean(name, names.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                Err(CliError::Usage(format!(
                    "`--env {name}`: no such environment{hint}; the policy has {list}"
                )))
            }
        },
    }
}
