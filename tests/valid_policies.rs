//! Property: every policy lint accepts renders, in every target it supports,
//! to files that parse: HCL with hcl-rs, YAML with serde_yaml_ng, JSON with
//! serde_json, and (on a sample, they are slow) JavaScript with `node --check`
//! and Python with `python3 -m py_compile`; and every Terraform name and
//! CloudFormation logical ID is valid and unique. Policies come from the
//! structure-aware generator in examples/random_policies.rs (the same file the
//! conformance tier runs through terraform validate, cfn-lint and the SAM
//! translator); proptest draws the seeds and reports a failing one.

#[path = "../examples/random_policies.rs"]
mod random_policies;

use corsform::diagnostic::SourceFile;
use corsform::render::{self, Target};
use proptest::prelude::*;
use std::collections::HashSet;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A target by its `--target` name (targets live in the registry).
fn tgt(name: &str) -> Target {
    Target::named(name).expect("a registered target")
}

static ACCEPTED: AtomicUsize = AtomicUsize::new(0);
static REFUSED: AtomicUsize = AtomicUsize::new(0);

/// Render one policy and check every file; `Err` names the file and why.
fn check_policy(text: &str) -> Result<bool, String> {
    let (model, _) = corsform::check(&SourceFile::new("policy.toml", text.to_string()));
    let Some(model) = model else {
        return Ok(false);
    };
    for target in render::supported_targets(&model) {
        let files = render::render(&model, target).map_err(|e| format!("{target:?}: {e:?}"))?;
        for (name, contents) in &files {
            let at = format!("{}/{name}", target.name());
            if name.ends_with(".tf") {
                let body: hcl::Body = hcl::from_str(contents).map_err(|e| format!("{at}: {e}"))?;
                if name == "main.tf" {
                    terraform_names(&body).map_err(|e| format!("{at}: {e}"))?;
                }
            } else if name.ends_with(".yaml") {
                serde_yaml_ng::from_str::<serde_yaml_ng::Value>(contents)
                    .map_err(|e| format!("{at}: {e}"))?;
                if target == tgt("cloudformation") || target == tgt("sam") {
                    logical_ids(contents).map_err(|e| format!("{at}: {e}"))?;
                }
            } else if name.ends_with(".json") {
                serde_json::from_str::<serde_json::Value>(contents)
                    .map_err(|e| format!("{at}: {e}"))?;
            }
        }
    }
    Ok(true)
}

fn terraform_names(body: &hcl::Body) -> Result<(), String> {
    let mut seen = HashSet::new();
    for b in body.blocks().filter(|b| b.identifier() == "resource") {
        let l: Vec<&str> = b.labels().iter().map(|l| l.as_str()).collect();
        let name = l[1];
        if !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(format!("invalid Terraform name {name}"));
        }
        if !seen.insert((l[0], name)) {
            return Err(format!("duplicate {}.{name}", l[0]));
        }
    }
    Ok(())
}

/// Logical IDs under `Resources:`, read by line so duplicates are seen.
fn logical_ids(template: &str) -> Result<(), String> {
    let mut seen = HashSet::new();
    let mut inside = false;
    for line in template.lines() {
        if !line.starts_with(' ') && !line.is_empty() {
            inside = line == "Resources:";
        } else if inside
            && let Some(key) = line.strip_prefix("  ").and_then(|l| l.strip_suffix(':'))
            && !key.starts_with(' ')
        {
            if key.len() > 255 || !key.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(format!("invalid logical ID {key}"));
            }
            if !seen.insert(key) {
                return Err(format!("duplicate logical ID {key}"));
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn every_accepted_policy_renders_to_files_that_parse(seed in any::<u64>()) {
        for (_, text) in random_policies::generate(seed, 3) {
            match check_policy(&text) {
                Ok(true) => { ACCEPTED.fetch_add(1, Ordering::Relaxed); }
                Ok(false) => { REFUSED.fetch_add(1, Ordering::Relaxed); }
                Err(e) => prop_assert!(false, "{e}\n--- policy (seed {seed}) ---\n{text}"),
            }
        }
    }
}

/// The generator must produce mostly valid policies, or the property above
/// proves little. Fixed seeds, so the numbers are stable.
#[test]
fn the_generator_mostly_produces_valid_policies() {
    let mut ok = 0;
    let all = random_policies::generate(12, 100);
    for (_, text) in &all {
        if check_policy(text).unwrap_or_else(|e| panic!("{e}\n{text}")) {
            ok += 1;
        }
    }
    assert!(
        ok * 100 >= all.len() * 80,
        "only {ok} of {} accepted",
        all.len()
    );
    // Deterministic per seed.
    assert_eq!(
        random_policies::generate(12, 3),
        random_policies::generate(12, 3)
    );
}

fn tool(cmd: &str, arg: &str) -> bool {
    let ok = Command::new(cmd)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").is_err(),
            "{cmd} is missing under CI=true"
        );
        eprintln!("SKIPPED: {cmd} is not installed; JavaScript/Python outputs not compiled");
    }
    ok
}

/// JavaScript and Python outputs of a sample, through the real parsers.
#[test]
fn lambda_helpers_of_a_sample_compile() {
    let node = tool("node", "--version");
    let python = tool("python3", "--version");
    if !node && !python {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for (name, text) in random_policies::generate(99, 40) {
        let (Some(model), _) = corsform::check(&SourceFile::new("policy.toml", text.clone()))
        else {
            continue;
        };
        for target in [tgt("lambda-node"), tgt("lambda-python")] {
            if !render::supported_targets(&model).contains(&target) {
                continue;
            }
            for (file, contents) in render::render(&model, target).unwrap() {
                let path = dir.path().join(format!("{name}-{file}"));
                std::fs::write(&path, &contents).unwrap();
                let out = if file.ends_with(".mjs") && node {
                    Command::new("node")
                        .arg("--check")
                        .arg(&path)
                        .output()
                        .unwrap()
                } else if file.ends_with(".py") && python {
                    Command::new("python3")
                        .args(["-m", "py_compile"])
                        .arg(&path)
                        .output()
                        .unwrap()
                } else {
                    continue;
                };
                assert!(
                    out.status.success(),
                    "{}: {}\n--- policy ---\n{text}",
                    path.display(),
                    String::from_utf8_lossy(&out.stderr)
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "only {checked} helpers compiled");
}
