//! `corsform explain`: validates the request description, checks the policy,
//! and prints the report. Exit 0 allowed, 1 blocked, 2 bad input.
//! `--matrix` answers every route, method and origin at once
//! ([`crate::matrix`]); it is a report, so it exits 0.

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
    let headers: Vec<(String, Option<String>)> = args
        .headers
        .iter()
        .map(|h| match h.split_once(':') {
            Some((n, v)) => (n.trim().to_ascii_lowercase(), Some(v.trim().to_string())),
            None => (h.trim().to_ascii_lowercase(), None),
        })
        .collect();
    if args.matrix {
        // A credentialed API is called with credentials: that is the request
        // its pages send, unless --credentials says so for any API.
        let credentials = args.credentials || policy.cors.allow_credentials;
        let m = crate::matrix::matrix(&policy, &headers, credentials, args.env.as_deref());
        match args.format {
            ExplainFormat::Human if quiet => {}
            ExplainFormat::Human => out!(
                "{}",
                crate::matrix::table::render(&file.name, &m, width(), true)
            ),
            ExplainFormat::Json => outln!(
                "{}",
                serde_json::to_string_pretty(&m).expect("matrix serializes")
            ),
            ExplainFormat::Html => out!("{}", crate::matrix::html::render(&file.name, &m)),
        }
        return Ok(Outcome::Success);
    }
    if args.format == ExplainFormat::Html {
        return Err(CliError::Usage(
            "--format html is the matrix page: add --matrix".into(),
        ));
    }
    // clap requires both without --matrix.
    let (Some(origin), Some(method)) = (args.origin.clone(), args.method.as_deref()) else {
        return Err(CliError::Usage(
            "--origin and --method are required without --matrix".into(),
        ));
    };
    let method = crate::browser::normalize_method(method);
    let req = Request {
        origin,
        method: method.clone(),
        headers,
        credentials: args.credentials,
    };
    let path = args
        .path
        .clone()
        .unwrap_or_else(|| default_path(&policy, &method));
    check_service_address(&policy, &path)?;
    let report = explain(&policy, &req, &path);
    match args.format {
        // -q: an allowed request is no finding; a blocked one is, with its reasons.
        ExplainFormat::Human if quiet && report.allowed => {}
        ExplainFormat::Human => out!("{}", human(&file.name, &report)),
        ExplainFormat::Json | ExplainFormat::Html => outln!(
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

/// The terminal's width as the shell says it (`COLUMNS`), else 100.
fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w: &usize| *w >= 40)
        .unwrap_or(100)
}

/// `--path bucket:NAME` or `function_url:NAME` must name a declared one: a
/// typo would otherwise be explained as an API path no route matches.
fn check_service_address(policy: &crate::model::Policy, path: &str) -> Result<(), CliError> {
    let bare = path.strip_prefix('/').unwrap_or(path);
    let Some((kind, rest)) = bare.split_once(':') else {
        return Ok(());
    };
    if kind != "bucket" && kind != "function_url" {
        return Ok(());
    }
    if crate::answer::services::addressed(policy, path).is_some() {
        return Ok(());
    }
    let name = rest.split('/').next().unwrap_or(rest);
    let declared: Vec<String> = policy
        .services
        .iter()
        .filter(|s| s.address().starts_with(kind))
        .map(|s| s.address())
        .collect();
    let hint = match crate::suggest::did_you_mean(
        &format!("{kind}:{name}"),
        declared.iter().map(String::as_str),
    ) {
        Some(s) => format!("did you mean `{s}`?"),
        None if declared.is_empty() => format!(
            "the policy declares no [{kind}s.NAME] table",
            kind = if kind == "bucket" {
                "bucket"
            } else {
                "function_url"
            }
        ),
        None => format!("declared: {}", declared.join(", ")),
    };
    Err(CliError::Usage(format!(
        "--path {path}: no {kind} named \"{name}\" in the policy; {hint}"
    )))
}
