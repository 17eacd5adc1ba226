//! `corsform probe`: checks the arguments, plans the requests from the policy
//! ([`crate::probe::plan`]), sends them one by one ([`super::http`]), judges
//! each answer and prints the report. Exit 0 when everything matches, 1 on
//! any difference or misconfiguration, 2 on bad input or when the API cannot
//! be reached (the first request without an answer stops the run).

use super::args::{ExplainFormat, ProbeArgs};
use super::http::{Client, check_base_url};
use super::read::read_valid_policy;
use super::{CliError, Outcome};
use crate::probe::judge;
use crate::probe::origins::check_extra;
use crate::probe::plan::{Kind, plan};
use crate::probe::report::{Report, join_url};
use crate::suggest::did_you_mean;
use std::time::Duration;

pub fn run(args: ProbeArgs) -> Result<Outcome, CliError> {
    check_base_url(&args.url).map_err(CliError::Usage)?;
    for o in &args.origins {
        check_extra(o).map_err(CliError::Usage)?;
    }
    let Some((file, policy)) = read_valid_policy(&args.policy, "probe")? else {
        return Ok(Outcome::Failed);
    };
    let policy = super::env::choose(policy, args.env.as_deref(), "probe")?;
    if let Some(t) = args.target {
        crate::render::check(&policy, t).map_err(CliError::Render)?;
    }

    let mut plan = plan(&policy, &args.origins);
    if !args.routes.is_empty() {
        for r in &args.routes {
            if !policy.routes.iter().any(|p| p.path.text == *r) {
                let known = policy.routes.iter().map(|p| p.path.text.as_str());
                let hint = match did_you_mean(r, known) {
                    Some(s) => format!("; did you mean `{s}`?"),
                    None => String::new(),
                };
                return Err(CliError::Usage(format!(
                    "--route {r}: {} has no route with that path{hint}",
                    file.name
                )));
            }
        }
        plan.checks
            .retain(|c| c.route.as_ref().is_none_or(|r| args.routes.contains(r)));
        plan.not_sent.retain(|(r, _)| args.routes.contains(r));
    }
    if plan.checks.len() > args.max_requests {
        let paths: std::collections::BTreeSet<&str> = plan
            .checks
            .iter()
            .filter_map(|c| c.route.as_deref())
            .collect();
        return Err(CliError::Usage(format!(
            "this probe would send {} requests to {} ({} route paths, every origin on each); \
             limit it with --route PATH, or allow it with --max-requests {}",
            plan.checks.len(),
            args.url,
            paths.len(),
            plan.checks.len()
        )));
    }
    let client = Client::new(Duration::from_secs(args.timeout));
    let mut verdicts = Vec::with_capacity(plan.checks.len());
    for check in &plan.checks {
        let url = join_url(&args.url, &check.path);
        let mut headers = vec![("Origin", check.origin.value.clone())];
        if check.kind == Kind::Preflight {
            if let Some(m) = &check.request_method {
                headers.push(("Access-Control-Request-Method", m.clone()));
            }
            if !check.request_headers.is_empty() {
                headers.push((
                    "Access-Control-Request-Headers",
                    check.request_headers.join(","),
                ));
            }
        }
        let got = client
            .send(check.method, &url, &headers)
            .map_err(|reason| CliError::Unreachable {
                url: url.clone(),
                reason,
            })?;
        verdicts.push(judge(check, &got));
    }

    let report = Report::new(&args.url, &file.name, &policy, plan, verdicts);
    match args.format {
        ExplainFormat::Human => print!("{}", report.human()),
        ExplainFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report.json()).expect("report serializes")
        ),
    }
    Ok(if report.all_ok() {
        Outcome::Success
    } else {
        Outcome::Findings
    })
}
