//! `corsform build`: check every policy first (nothing is written if any has an
//! error), render every target, then write, check (`--check`) or print
//! (`--stdout`). Diagnostics go to stderr, like a compiler's, and so does the
//! list of files written and left unchanged; `--check`'s diffs go to stdout.
//! Each policy's plans are derived once for all its targets, files render in
//! parallel, and the big structures are not freed at exit.

use super::args::BuildArgs;
use super::read::{check_policy, display_name};
use super::write::write_streamed;
use super::{CliError, Outcome};
use crate::diagnostic::{Severity, has_errors, has_parse_errors, render};
use crate::render::{Prepared, RenderError, Target, default_targets, parallel};
use similar::TextDiff;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn run(args: BuildArgs, quiet: bool) -> Result<Outcome, CliError> {
    let mut policies = Vec::new();
    // Each policy's `[api] openapi` document (or why it could not be read).
    let mut documents = Vec::new();
    let mut failed = Outcome::Success;
    for path in &super::policy_path::many(&args.policies)? {
        let super::read::Checked {
            file,
            policy: model,
            diags,
            document,
        } = check_policy(path)?;
        show_findings(&file, &diags);
        if has_parse_errors(&diags) {
            failed = Outcome::Failed;
        } else if has_errors(&diags) && failed == Outcome::Success {
            failed = Outcome::Findings;
        }
        if has_errors(&diags) && !quiet {
            errln!("{}", render::summary_line(&file, &diags));
        }
        if let Some(model) = model {
            policies.push((file.name.clone(), path.clone(), model));
            documents.push(document);
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
    for (i, (name, path, policy)) in policies.iter().enumerate() {
        // `[api] openapi`: the team's document with the CORS layer added,
        // made whole in memory (documents are small) by openapi_build.
        let targets: Vec<Target> = if let Some(document) = documents[i].take() {
            let document = document?;
            let (path, contents) =
                super::openapi_build::output(path, policy, &document, &args.targets, &args.out)?;
            claim(&mut producer, &path, i, |first| {
                (policies[first].0.clone(), name.clone())
            })?;
            jobs.push(Job {
                source: Source::Document(contents),
                path,
            });
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
                let path = dir(target).join(&file);
                claim(&mut producer, &path, i, |first| {
                    (policies[first].0.clone(), name.clone())
                })?;
                jobs.push(Job {
                    source: Source::Template {
                        policy: i,
                        target,
                        file,
                        template,
                    },
                    path,
                });
            }
        }
        prepared.push(ready);
    }
    jobs.sort_by(|a, b| a.path.cmp(&b.path));

    let outcome = if args.stdout {
        print_all(&render_all(&prepared, &jobs)?)
    } else if args.check {
        check_all(&prepared, &jobs, quiet)?
    } else {
        write_every(&prepared, &jobs, &args.out, quiet)?
    };
    // The plans and policies of a large build are many small allocations;
    // the process ends right after this, so the OS reclaims them at once
    // instead of the allocator freeing each one.
    std::mem::forget(prepared);
    std::mem::forget(policies);
    Ok(outcome)
}

/// Every file in memory, in path order (for `--stdout`).
fn render_all(prepared: &[Prepared], jobs: &[Job]) -> Result<Vec<(PathBuf, String)>, CliError> {
    parallel::map(jobs, |job| {
        render_job(prepared, job, Vec::new())
            .map(|b| (job.path.clone(), String::from_utf8_lossy(&b).into_owned()))
    })
    .into_iter()
    .collect()
}

/// Prints the findings a build shows (notes are for `lint`; a build shows
/// what needs attention).
pub(super) fn show_findings(
    file: &crate::diagnostic::SourceFile,
    diags: &[crate::diagnostic::Diagnostic],
) {
    let shown: Vec<_> = diags
        .iter()
        .filter(|d| d.severity() != Severity::Note)
        .cloned()
        .collect();
    if !shown.is_empty() {
        err!("{}", render::human_styled(file, &shown));
    }
}

/// Records that policy `i` writes `path`; two policies writing one file is an
/// error naming both (`names(first)`: the first policy's name and this one's).
fn claim(
    producer: &mut BTreeMap<PathBuf, usize>,
    path: &std::path::Path,
    i: usize,
    names: impl Fn(usize) -> (String, String),
) -> Result<(), CliError> {
    if let Some(&first) = producer.get(path) {
        let (first, second) = names(first);
        return Err(CliError::SameOutput {
            path: path.to_path_buf(),
            first,
            second,
        });
    }
    producer.insert(path.to_path_buf(), i);
    Ok(())
}

fn render_job<W: std::io::Write>(
    prepared: &[Prepared],
    job: &Job,
    mut out: W,
) -> Result<W, CliError> {
    match &job.source {
        Source::Template {
            policy,
            target,
            file,
            template,
        } => prepared[*policy]
            .render_file(*target, file, template, out)
            .map_err(CliError::Render),
        Source::Document(contents) => {
            out.write_all(contents.as_bytes())
                .map_err(|source| CliError::Write {
                    path: job.path.clone(),
                    source,
                })?;
            Ok(out)
        }
    }
}

/// One generated file: where its contents come from, and where it goes.
struct Job {
    source: Source,
    path: PathBuf,
}

enum Source {
    /// One template of one prepared policy's target.
    Template {
        policy: usize,
        target: Target,
        file: String,
        template: String,
    },
    /// A team's OpenAPI document with the CORS layer added (`[api] openapi`).
    Document(String),
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

/// `--check`: each file rendered and compared with what is on disk, one at a
/// time per worker (only a drifted file's diff is kept), then reported in
/// path order.
fn check_all(prepared: &[Prepared], jobs: &[Job], quiet: bool) -> Result<Outcome, CliError> {
    let verdicts = parallel::map(jobs, |job| {
        let bytes = render_job(prepared, job, Vec::new())?;
        let contents = String::from_utf8_lossy(&bytes);
        let existing = std::fs::read_to_string(&job.path).unwrap_or_default();
        if existing == contents {
            return Ok(None);
        }
        let shown = display_name(&job.path);
        let diff = TextDiff::from_lines(existing.as_str(), contents.as_ref());
        Ok(Some(
            diff.unified_diff()
                .context_radius(3)
                .header(&format!("a/{shown}"), &format!("b/{shown}"))
                .to_string(),
        ))
    })
    .into_iter()
    .collect::<Result<Vec<Option<String>>, CliError>>()?;
    let mut drift = 0;
    for (job, verdict) in jobs.iter().zip(&verdicts) {
        let shown = display_name(&job.path);
        if let Some(diff) = verdict {
            drift += 1;
            out!("{diff}");
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
                jobs.len()
            ))
        );
        return Ok(Outcome::Findings);
    }
    if !quiet {
        errln!("{} generated file(s) are up to date", jobs.len());
    }
    Ok(Outcome::Success)
}

/// The write path is [`super::write`]'s (locks --out, removes leftovers of a
/// killed run, checks every target is ours, nothing renamed into place
/// unless every file rendered), with each file rendered straight into its
/// temporary file: no output is ever held whole in memory.
fn write_every(
    prepared: &[Prepared],
    jobs: &[Job],
    out: &Path,
    quiet: bool,
) -> Result<Outcome, CliError> {
    let paths: Vec<PathBuf> = jobs.iter().map(|j| j.path.clone()).collect();
    let changed = write_streamed(out, &paths, |i, w| {
        render_job(prepared, &jobs[i], w)
            .map(|_| ())
            .map_err(|e| match e {
                // A full disk or a failing device: say which file.
                CliError::Render(RenderError::Output { kind, message }) => CliError::Write {
                    path: jobs[i].path.clone(),
                    source: std::io::Error::new(kind, message),
                },
                e => e,
            })
    })?;
    let written = changed.iter().filter(|c| **c).count();
    if !quiet {
        for (path, changed) in paths.iter().zip(&changed) {
            let shown = display_name(path);
            if *changed {
                errln!("wrote      {shown}");
            } else {
                errln!("unchanged  {shown}");
            }
        }
        errln!(
            "{} file(s) generated under {}: {written} written, {} unchanged",
            paths.len(),
            display_name(out),
            paths.len() - written
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
