//! `corsform build`: check every policy first (nothing is written if any has an
//! error), render every target, then write, check (`--check`) or print
//! (`--stdout`). Diagnostics go to stderr, like a compiler's. Each policy's
//! plans are derived once for all its targets, files render in parallel, and
//! the big structures are not freed at exit.

use super::args::BuildArgs;
use super::read::read_policy;
use super::write::{check_overwritable, is_current, write_atomic};
use super::{CliError, Outcome};
use crate::diagnostic::{Severity, has_errors, has_parse_errors, render};
use crate::render::{Prepared, Target, default_targets, parallel};
use similar::TextDiff;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn run(args: BuildArgs) -> Result<Outcome, CliError> {
    let mut policies = Vec::new();
    let mut failed = Outcome::Success;
    for path in &args.policies {
        let file = read_policy(path)?;
        let (model, diags) = crate::check(&file);
        // Notes are for `lint`; a build shows what needs attention.
        let shown: Vec<_> = diags
            .iter()
            .filter(|d| d.severity() != Severity::Note)
            .cloned()
            .collect();
        if !shown.is_empty() {
            eprint!("{}", render::human(&file, &shown));
        }
        if has_parse_errors(&diags) {
            failed = Outcome::Failed;
        } else if has_errors(&diags) && failed == Outcome::Success {
            failed = Outcome::Findings;
        }
        if has_errors(&diags) {
            eprintln!("{}", render::summary_line(&file, &diags));
        }
        if let Some(model) = model {
            policies.push((file.name.clone(), model));
        }
    }
    if failed != Outcome::Success {
        eprintln!("error: nothing was written because a policy has errors");
        return Ok(failed);
    }

    // Each policy prepared once for all its targets (plans derived once),
    // then one job per output file, rendered in parallel.
    let mut prepared = Vec::new();
    let mut jobs: Vec<Job> = Vec::new();
    let mut producer: BTreeMap<PathBuf, usize> = BTreeMap::new();
    for (i, (name, policy)) in policies.iter().enumerate() {
        let targets: Vec<Target> = if args.targets.is_empty() {
            default_targets(policy)
        } else {
            dedup(&args.targets)
        };
        let ready = Prepared::new(policy, &targets).map_err(CliError::Render)?;
        for &target in &targets {
            let dir = args.out.join(&policy.api.name).join(target.name());
            for (file, template) in ready.files(target) {
                let path = dir.join(file);
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

    let outcome = if args.stdout || args.check {
        let outputs = parallel::map(&jobs, |job| {
            render_job(&prepared, job, Vec::new()).map(|b| String::from_utf8_lossy(&b).into_owned())
        })
        .into_iter()
        .collect::<Result<Vec<String>, CliError>>()?;
        let outputs: Vec<(&PathBuf, &String)> =
            jobs.iter().map(|j| &j.path).zip(&outputs).collect();
        if args.stdout {
            print_all(&outputs)
        } else {
            check_all(&outputs)
        }
    } else {
        write_all(&prepared, &jobs, &args.out)?
    };
    // The plans and policies of a large build are many small allocations;
    // the process ends right after this, so the OS reclaims them at once
    // instead of the allocator freeing each one.
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

fn print_all(outputs: &[(&PathBuf, &String)]) -> Outcome {
    let many = outputs.len() > 1;
    for (path, contents) in outputs {
        if many {
            println!("==> {} <==", path.display());
        }
        print!("{contents}");
    }
    Outcome::Success
}

fn check_all(outputs: &[(&PathBuf, &String)]) -> Outcome {
    let mut drift = 0;
    for (path, contents) in outputs {
        let existing = std::fs::read_to_string(path).unwrap_or_default();
        if existing != **contents {
            drift += 1;
            let old = path.display().to_string();
            let diff = TextDiff::from_lines(existing.as_str(), contents.as_str());
            print!(
                "{}",
                diff.unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{old}"), &format!("b/{old}"))
            );
        }
    }
    if drift > 0 {
        eprintln!(
            "error: {drift} generated file(s) are out of date; run `corsform build` without --check"
        );
        return Outcome::Findings;
    }
    eprintln!("{} generated file(s) are up to date", outputs.len());
    Outcome::Success
}

/// Every file rendered (in parallel), then checked and written as before: the
/// write path stays [`super::write`]'s (atomic, marker-checked).
fn write_all(prepared: &[Prepared], jobs: &[Job], out: &Path) -> Result<Outcome, CliError> {
    let list = parallel::map(jobs, |job| {
        render_job(prepared, job, Vec::new())
            .map(|b| (job.path.clone(), String::from_utf8_lossy(&b).into_owned()))
    })
    .into_iter()
    .collect::<Result<Vec<(PathBuf, String)>, CliError>>()?;
    check_overwritable(&list)?;
    let mut written = 0;
    for (path, contents) in &list {
        if !is_current(path, contents) {
            write_atomic(path, contents)?;
            written += 1;
        }
    }
    eprintln!(
        "{} file(s) generated under {} ({written} changed)",
        list.len(),
        out.display()
    );
    std::mem::forget(list);
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
