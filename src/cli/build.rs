//! `corsform build`: check every policy first (nothing is written if any has an
//! error), render every target, then write, check (`--check`) or print
//! (`--stdout`). Diagnostics go to stderr, like a compiler's, and so does the
//! list of files written and left unchanged; `--check`'s diffs go to stdout.
//! Each policy's plans are derived once for all its targets, files render in
//! parallel, and the big structures are not freed at exit.

use super::args::BuildArgs;
use super::read::{display_name, read_policy};
use super::write::write_all;
use super::{CliError, Outcome};
use crate::diagnostic::{Severity, has_errors, has_parse_errors, render};
use crate::render::{Prepared, Target, default_targets, parallel};
use similar::TextDiff;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn run(args: BuildArgs, quiet: bool) -> Result<Outcome, CliError> {
    let mut policies = Vec::new();
    let mut failed = Outcome::Success;
    for path in &super::policy_path::many(&args.policies)? {
        let file = read_policy(path)?;
        let (model, diags) = crate::check(&file);
        // Notes are for `lint`; a build shows what needs attention.
        let shown: Vec<_> = diags
            .iter()
            .filter(|d| d.severity() != Severity::Note)
            .cloned()
            .collect();
        if !shown.is_empty() {
            err!("{}", render::human_styled(&file, &shown));
        }
        if has_parse_errors(&diags) {
            failed = Outcome::Failed;
        } else if has_errors(&diags) && failed == Outcome::Success {
            failed = Outcome::Findings;
        }
        if has_errors(&diags) {
            errln!("{}", render::summary_line(&file, &diags));
        }
        if let Some(model) = model {
            policies.push((file.name.clone(), path.clone(), model));
        }
    }
    if failed != Outcome::Success {
        err!(
            "{}",
            super::out::error_line("nothing was written because a policy has errors")
        );
        return Ok(failed);
    }

    // Each policy prepared once for all its targets (plans derived once),
    // then one job per output file, rendered in parallel.
    let mut prepared = Vec::new();
    let mut jobs: Vec<Job> = Vec::new();
    let mut producer: BTreeMap<PathBuf, usize> = BTreeMap::new();
    // `[api] openapi`: the team's document with the CORS layer (i14).
    let mut documents = Vec::new();
    for (i, (name, path, policy)) in policies.iter().enumerate() {
        let targets: Vec<Target> = if policy.api.openapi.is_some() {
            documents.push(super::openapi_build::output(
                path,
                policy,
                &args.targets,
                &args.out,
            )?);
            Vec::new()
        } else if args.targets.is_empty() {
            default_targets(policy)
        } else {
            dedup(&args.targets)
        };
        let dir = |target: Target| args.out.join(&policy.api.name).join(target.name());
        // The marker names the policy relative to the files (they are written
        // flat into the target's folder), not as it was typed.
        let source_name = |target: Target| {
            super::relpath::relative(path, &dir(target))
                .unwrap_or_else(|| policy.source_name.clone())
        };
        let ready = Prepared::new(policy, &targets, source_name).map_err(CliError::Render)?;
        for &target in &targets {
            for (file, template) in ready.files(target) {
                let path = dir(target).join(file);
                if let Some(&first) = producer.get(&path) {
                    return Err(CliError::SameOutput {
                        path,
                        first: policies[first].0.clone(),
                        second: name.clone(),
                    });
                }
                producer.insert(path.clone(), i);
                jobs.push(Job {
                    policy: i,
                    target,
                    file,
                    template,
                    path,
                });
            }
        }
        prepared.push(ready);
    }
    jobs.sort_by(|a, b| a.path.cmp(&b.path));

    let rendered = parallel::map(&jobs, |job| {
        render_job(&prepared, job, Vec::new())
            .map(|b| (job.path.clone(), String::from_utf8_lossy(&b).into_owned()))
    })
    .into_iter()
    .collect::<Result<Vec<(PathBuf, String)>, CliError>>()?;
    let rendered: Vec<(PathBuf, String)> = rendered.into_iter().chain(documents).collect();
    let outcome = if args.stdout {
        print_all(&rendered)
    } else if args.check {
        check_all(&rendered, quiet)
    } else {
        write_every(&rendered, &args.out, quiet)?
    };
    // The plans, policies and outputs of a large build are many allocations;
    // the process ends right after this, so the OS reclaims them at once
    // instead of the allocator freeing each one.
    std::mem::forget(rendered);
    std::mem::forget(prepared);
    std::mem::forget(policies);
    Ok(outcome)
}

fn render_job<W: std::io::Write>(prepared: &[Prepared], job: &Job, out: W) -> Result<W, CliError> {
    prepared[job.policy]
        .render_file(job.target, job.file, &job.template, out)
        .map_err(CliError::Render)
}

/// One generated file: which policy and target, and where it goes.
struct Job {
    policy: usize,
    target: Target,
    file: &'static str,
    template: String,
    path: PathBuf,
}

fn print_all(outputs: &[(PathBuf, String)]) -> Outcome {
    let many = outputs.len() > 1;
    for (path, contents) in outputs {
        if many {
            outln!("==> {} <==", display_name(path));
        }
        out!("{contents}");
    }
    Outcome::Success
}

fn check_all(outputs: &[(PathBuf, String)], quiet: bool) -> Outcome {
    let mut drift = 0;
    for (path, contents) in outputs {
        let existing = std::fs::read_to_string(path).unwrap_or_default();
        let shown = display_name(path);
        if existing != *contents {
            drift += 1;
            let diff = TextDiff::from_lines(&existing, contents);
            out!(
                "{}",
                diff.unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{shown}"), &format!("b/{shown}"))
            );
            if !quiet {
                errln!("out of date  {shown}");
            }
        } else if !quiet {
            errln!("up to date   {shown}");
        }
    }
    if drift > 0 {
        err!(
            "{}",
            super::out::error_line(&format!(
                "{drift} of {} generated file(s) are out of date; run `corsform build` without --check",
                outputs.len()
            ))
        );
        return Outcome::Findings;
    }
    if !quiet {
        errln!("{} generated file(s) are up to date", outputs.len());
    }
    Outcome::Success
}

/// The write path stays [`super::write`]'s: locks --out, removes leftovers of
/// a killed run, checks every target is ours, then writes each atomically.
fn write_every(list: &[(PathBuf, String)], out: &Path, quiet: bool) -> Result<Outcome, CliError> {
    let changed = write_all(out, list)?;
    let written = changed.iter().filter(|c| **c).count();
    if !quiet {
        for ((path, _), changed) in list.iter().zip(&changed) {
            let shown = display_name(path);
            if *changed {
                errln!("wrote      {shown}");
            } else {
                errln!("unchanged  {shown}");
            }
        }
        errln!(
            "{} file(s) generated under {}: {written} written, {} unchanged",
            list.len(),
            display_name(out),
            list.len() - written
        );
    }
    Ok(Outcome::Success)
}

fn dedup(targets: &[Target]) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    for t in targets {
        if !out.contains(t) {
            out.push(*t);
        }
    }
    out
}
