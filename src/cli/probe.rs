//! `corsform probe`: checks the arguments, plans the requests from the policy
//! ([`crate::probe::plan`]) or, without one, from `--route` and `--origin`,
//! sends them on `--concurrency` worker threads ([`super::http`]) (the
//! shared-cache check's last, on one), judges each answer and prints the
//! report in the plan's order. Exit 0 when
//! everything agrees, 1 on any difference or misconfiguration, or when the
//! API stopped answering part way (the answered checks are reported, the
//! others as unreachable), 2 on bad input or when no request got an answer.

use super::args::{ProbeArgs, ProbeFormat};
use super::http::{Client, Failure, check_base_url};
use super::read::read_valid_policy;
use super::{CliError, Outcome};
use crate::probe::origins::ARBITRARY;
use crate::probe::origins::check_extra;
use crate::probe::plan::{
    Check, Kind, Plan, SafeMethod, discovered_origin, plan, plan_without_policy, route_samples,
};
use crate::probe::report::{Report, join_url};
use crate::probe::{Verdict, judge, unanswered, unreadable};
use crate::suggest::did_you_mean;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub fn run(args: ProbeArgs, quiet: bool) -> Result<Outcome, CliError> {
    check_base_url(&args.url).map_err(CliError::Usage)?;
    for o in &args.origins {
        check_extra(o).map_err(CliError::Usage)?;
    }
    let policy = match &args.policy {
        Some(path) => match read_valid_policy(path, "probe")? {
            Some((file, p)) => Some((file, super::env::choose(p, args.env.as_deref(), "probe")?)),
            None => return Ok(Outcome::Failed),
        },
        None => None,
    };
    let plan = match &policy {
        Some((file, policy)) => {
            if let Some(t) = args.target {
                crate::render::check(policy, t).map_err(CliError::Render)?;
            }
            let mut plan = plan(policy, &args.origins);
            narrow(&mut plan, &args.routes, policy, &file.name)?;
            plan
        }
        None => {
            if args.routes.is_empty() {
                return Err(CliError::Usage(
                    "without --policy, name the paths to check with --route PATH (repeatable, \
                     e.g. --route /items); give the origins the API trusts with --origin"
                        .into(),
                ));
            }
            let client = Client::new(Duration::from_secs(args.timeout));
            let discovered = discover(&client, &args.url, &args.routes, &args.origins)?;
            plan_without_policy(&args.routes, &args.origins, &discovered)
                .map_err(CliError::Usage)?
        }
    };
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
    // The shared-cache check's requests come last in the plan and go out one
    // at a time, in order, after all the others (crate::probe::cache).
    let split = plan
        .checks
        .iter()
        .position(|c| c.cache.is_some())
        .unwrap_or(plan.checks.len());
    let (others, cached) = plan.checks.split_at(split);
    let mut verdicts = send_all(&client, &args.url, others, args.concurrency.into(), quiet)?;
    verdicts.extend(send_cache_checks(
        &client, &args.url, cached, &verdicts, quiet,
    )?);
    crate::probe::cache::judge(&plan.checks, &mut verdicts);
    let report = Report::new(
        &args.url,
        policy.as_ref().map(|(f, p)| (f.name.as_str(), p)),
        plan,
        verdicts,
    );
    match args.format {
        // -q: the differences only (the report's other lines are progress and summary).
        ProbeFormat::Human if quiet => out!("{}", report.findings()),
        ProbeFormat::Human => out!("{}", report.human()),
        ProbeFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&report.json()).expect("report serializes")
        ),
        ProbeFormat::Html => out!("{}", crate::probe::html::render(&report)),
        ProbeFormat::Junit => out!("{}", crate::probe::junit::render(&report)),
    }
    Ok(if report.all_ok() {
        Outcome::Success
    } else {
        Outcome::Findings
    })
}

/// Without a policy, one GET per route from the arbitrary origin first: an
/// Allow-Origin naming another origin reveals one the API trusts (a static
/// first origin), whose lookalikes are then tried as `--origin`'s are.
/// These requests count against nothing and are not in the report.
fn discover(
    client: &Client,
    url: &str,
    routes: &[String],
    given: &[String],
) -> Result<Vec<String>, CliError> {
    let mut found: Vec<String> = Vec::new();
    for (_, path) in route_samples(routes).map_err(CliError::Usage)? {
        let target = join_url(url, &path);
        let headers = [("Origin", ARBITRARY.to_string())];
        match client.send(SafeMethod::Get, &target, &headers) {
            Ok(got) => {
                if let Some(o) = discovered_origin(&got.response)
                    && !given.contains(&o)
                    && !found.contains(&o)
                {
                    found.push(o);
                }
            }
            Err(Failure::Unreadable(_)) => {}
            Err(Failure::Unreachable(reason)) => {
                return Err(CliError::Unreachable {
                    url: target,
                    reason,
                });
            }
        }
    }
    Ok(found)
}

/// How many times [`send_retrying`] sends a request that gets no answer.
const TRIES: usize = 3;

/// [`Client::send`], tried again on a fresh connection (twice, after 100 ms
/// and 400 ms) when no answer came: a server that closes or resets some
/// connections (issue 28) costs a retry, not the whole probe.
fn send_retrying(
    client: &Client,
    method: SafeMethod,
    url: &str,
    headers: &[(&str, String)],
) -> Result<crate::probe::Received, Failure> {
    let mut wait = Duration::from_millis(100);
    let mut result = client.send(method, url, headers);
    for _ in 1..TRIES {
        if !matches!(result, Err(Failure::Unreachable(_))) {
            break;
        }
        std::thread::sleep(wait);
        wait *= 4;
        result = client.send(method, url, headers);
    }
    result
}

/// Keep only the `--route` paths (each must be one of the policy's).
fn narrow(
    plan: &mut Plan,
    routes: &[String],
    policy: &crate::model::Policy,
    file: &str,
) -> Result<(), CliError> {
    if routes.is_empty() {
        return Ok(());
    }
    for r in routes {
        if !policy.routes.iter().any(|p| p.path.text == *r) {
            let known = policy.routes.iter().map(|p| p.path.text.as_str());
            let hint = match did_you_mean(r, known) {
                Some(s) => format!("; did you mean `{s}`?"),
                None => String::new(),
            };
            return Err(CliError::Usage(format!(
                "--route {r}: {file} has no route with that path{hint}"
            )));
        }
    }
    plan.checks
        .retain(|c| c.route.as_ref().is_none_or(|r| routes.contains(r)));
    plan.not_sent.retain(|(r, _)| routes.contains(r));
    Ok(())
}

/// The request headers of one check.
fn request_headers(check: &Check) -> Vec<(&'static str, String)> {
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
    headers
}

/// Progress on stderr, only when it is a terminal and the run has taken more
/// than a second: one line rewritten in place, cleared at the end.
struct Progress {
    start: Instant,
    total: usize,
    tty: bool,
    shown: AtomicBool,
}

impl Progress {
    fn tick(&self, done: usize) {
        if self.tty && self.start.elapsed() > Duration::from_secs(1) {
            self.shown.store(true, Ordering::Relaxed);
            eprint!("\rprobe: {done}/{} requests", self.total);
            let _ = std::io::stderr().flush();
        }
    }

    fn finish(&self) {
        if self.shown.load(Ordering::Relaxed) {
            eprint!("\r\x1b[2K");
        }
    }
}

/// The shared-cache check's requests, one at a time in plan order (the
/// order is the check). Not sent once the API stopped answering the others
/// (`before` holds their verdicts); if none of them is answered, each is
/// reported unanswered rather than turning the whole probe into exit 2.
fn send_cache_checks(
    client: &Client,
    url: &str,
    checks: &[Check],
    before: &[Verdict],
    quiet: bool,
) -> Result<Vec<Verdict>, CliError> {
    if let Some(why) = before.iter().find_map(|v| v.unreachable.as_ref()) {
        return Ok(checks
            .iter()
            .map(|c| {
                unanswered(
                    c,
                    format!("not sent: the API had stopped answering ({why})"),
                )
            })
            .collect());
    }
    match send_all(client, url, checks, 1, quiet) {
        Err(CliError::Unreachable { url, reason }) => Ok(checks
            .iter()
            .map(|c| unanswered(c, format!("{url}: {reason} (tried {TRIES} times)")))
            .collect()),
        other => other,
    }
}

/// What one slot of [`send_all`] holds: a verdict, or the URL and the reason
/// no answer came.
type Sent = Result<Verdict, (String, String)>;

/// Send every check, `concurrency` at a time (scoped threads taking the next
/// index from a shared counter), and judge each. Verdicts come back in plan
/// order whatever the concurrency. Once a request gets no answer (after
/// [`send_retrying`]'s tries) the workers stop taking work: that check and
/// every one not sent are reported unanswered next to those answered
/// (issue 28: no lost checks). Only when nothing was answered at all is it
/// the "cannot reach" error, for the first failure in plan order.
fn send_all(
    client: &Client,
    url: &str,
    checks: &[Check],
    concurrency: usize,
    quiet: bool,
) -> Result<Vec<Verdict>, CliError> {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let slots: Mutex<Vec<Option<Sent>>> = Mutex::new((0..checks.len()).map(|_| None).collect());
    let progress = Progress {
        start: Instant::now(),
        total: checks.len(),
        tty: !quiet && std::io::stderr().is_terminal(),
        shown: AtomicBool::new(false),
    };
    std::thread::scope(|s| {
        for _ in 0..concurrency.clamp(1, checks.len().max(1)) {
            s.spawn(|| {
                loop {
                    if failed.load(Ordering::Relaxed) {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(check) = checks.get(i) else { break };
                    let target = join_url(url, &check.path);
                    let result =
                        match send_retrying(client, check.method, &target, &request_headers(check))
                        {
                            Ok(got) => Ok(judge(check, &got)),
                            Err(Failure::Unreadable(why)) => Ok(unreadable(check, why)),
                            Err(Failure::Unreachable(reason)) => {
                                failed.store(true, Ordering::Relaxed);
                                Err((target, reason))
                            }
                        };
                    if let Ok(mut slots) = slots.lock() {
                        slots[i] = Some(result);
                    }
                    progress.tick(done.fetch_add(1, Ordering::Relaxed) + 1);
                }
            });
        }
    });
    progress.finish();
    let slots = slots.into_inner().unwrap_or_else(|e| e.into_inner());
    settle(checks, slots)
}

/// The verdicts of [`send_all`]'s slots, in plan order: unanswered checks
/// and checks never sent get [`unanswered`] verdicts, unless no check was
/// answered at all (then the API cannot be reached: exit 2).
fn settle(checks: &[Check], slots: Vec<Option<Sent>>) -> Result<Vec<Verdict>, CliError> {
    let first_failure = slots.iter().find_map(|s| match s {
        Some(Err(f)) => Some(f.clone()),
        _ => None,
    });
    let Some((failed_url, reason)) = first_failure else {
        // No failure: every slot was filled by a worker.
        return Ok(slots.into_iter().flatten().flatten().collect());
    };
    if !slots.iter().any(|s| matches!(s, Some(Ok(_)))) {
        return Err(CliError::Unreachable {
            url: failed_url,
            reason,
        });
    }
    Ok(checks
        .iter()
        .zip(slots)
        .map(|(check, slot)| match slot {
            Some(Ok(v)) => v,
            Some(Err((_, why))) => unanswered(check, format!("{why} (tried {TRIES} times)")),
            None => unanswered(
                check,
                format!("not sent: {failed_url} had stopped answering ({reason})"),
            ),
        })
        .collect())
}
