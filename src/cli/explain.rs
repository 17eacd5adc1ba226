//! `corsform explain`: validates the request description, checks the policy,
//! and prints the report. Exit 0 allowed, 1 blocked, 2 bad input.

use super::args::{ExplainArgs, ExplainFormat};
use super::read::read_valid_policy;
use super::{CliError, Outcome};
use crate::browser::Request;
use crate::explain::{default_path, explain, human};

pub fn run(args: ExplainArgs, quiet: bool) -> Result<Outcome, CliError> {
    let path = super::policy_path::one(args.policy.as_deref())?;
    let Some((file, policy)) = read_valid_policy(&path, "explain")? else {
        return Ok(Outcome::Failed);
    };
    let policy = super::env::choose(policy, args.env.as_deref(), "explain")?;
    if let Some(t) = args.target {
        crate::render::check(&policy, t).map_err(CliError::Render)?;
    }
    let method = crate::browser::normalize_method(&args.method);
    let headers = args
        .headers
        .iter()
        .map(|h| match h.split_once(':') {
            Some((n, v)) => (n.trim().to_ascii_lowercase(), Some(v.trim().to_string())),
            None => (h.trim().to_ascii_lowercase(), None),
        })
        .collect();
    let req = Request {
        origin: args.origin.clone(),
        method: method.clone(),
        headers,
        credentials: args.credentials,
    };
    let path = args
        .path
        .clone()
        .unwrap_or_else(|| default_path(&policy, &method));
    let report = explain(&policy, &req, &path);
    match args.format {
        // -q: an allowed request is no finding; a blocked one is, with its reasons.
        ExplainFormat::Human if quiet && report.allowed => {}
        ExplainFormat::Human => out!("{}", human(&file.name, &report)),
        ExplainFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&report).expect("report serializes")
        ),
    }
    Ok(if report.allowed {
        Outcome::Success
    } else {
        Outcome::Findings
    })
}
