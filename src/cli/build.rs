//! `corsform build`: check every policy first (nothing is written if any has an
//! error), render every target, then write, check (`--check`) or print
//! (`--stdout`). Diagnostics go to stderr, like a compiler's, and so does the
//! list of files written and left unchanged; `--check`'s diffs go to stdout.

use super::args::BuildArgs;
use super::read::{display_name, read_policy};
use super::write::write_all;
use super::{CliError, Outcome};
use crate::diagnostic::{Severity, has_errors, has_parse_errors, render};
use crate::render::{Target, default_targets};
use similar::TextDiff;
use std::collections::BTreeMap;
use std::path::PathBuf;

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

    // path -> (contents, policy that produced it)
    let mut outputs: BTreeMap<PathBuf, (String, String)> = BTreeMap::new();
    for (name, path, policy) in &policies {
        let targets: Vec<Target> = if args.targets.is_empty() {
            default_targets(policy)
        } else {
            dedup(&args.targets)
        };
        for target in targets {
            let dir = args.out.join(&policy.api.name).join(target.name());
            // The marker names the policy relative to the files (they are
            // written flat into `dir`), not as it was typed.
            let mut policy = policy.clone();
            if let Some(rel) = super::relpath::relative(path, &dir) {
                policy.source_name = rel;
            }
            let files = crate::render::render(&policy, target).map_err(CliError::Render)?;
            for (file, contents) in files {
                let path = dir.join(file);
                if let Some((_, first)) = outputs.get(&path) {
                    return Err(CliError::SameOutput {
                        path,
                        first: first.clone(),
                        second: name.clone(),
                    });
                }
                outputs.insert(path, (contents, name.clone()));
            }
        }
    }

    if args.stdout {
        let many = outputs.len() > 1;
        for (path, (contents, _)) in &outputs {
            if many {
                outln!("==> {} <==", display_name(path));
            }
            out!("{contents}");
        }
        return Ok(Outcome::Success);
    }

    if args.check {
        let mut drift = 0;
        for (path, (contents, _)) in &outputs {
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
            return Ok(Outcome::Findings);
        }
        if !quiet {
            errln!("{} generated file(s) are up to date", outputs.len());
        }
        return Ok(Outcome::Success);
    }

    let list: Vec<(PathBuf, String)> = outputs
        .iter()
        .map(|(p, (c, _))| (p.clone(), c.clone()))
        .collect();
    // Locks --out, removes leftovers of a killed run, checks, then writes.
    let changed = write_all(&args.out, &list)?;
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
            display_name(&args.out),
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
