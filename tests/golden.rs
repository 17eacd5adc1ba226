//! End-to-end golden cases: every folder under `golden/` holds a `policy.toml`
//! and what corsform must produce from it:
//! - `lint.txt`: the full output of `corsform lint policy.toml` (every finding);
//! - for a policy with errors, `stderr.txt`: what `corsform build` prints, and
//!   the build must write nothing and exit non-zero;
//! - otherwise `<target>/<file>` for every target the API type builds.
//!
//! Outputs are compared byte for byte and also parsed: every `.tf` with hcl-rs,
//! every `.yaml` with serde_yaml_ng. `SNAPSHOTS=overwrite cargo test --test golden`
//! rewrites the expected files (then review the diff before committing).
//!
//! One test per case, named after its folder in snake_case, so one case runs
//! alone: `cargo test --test golden -- rest_public` (libtest-mimic; see
//! Cargo.toml).

mod snapshot_file;

use corsform::diagnostic::SourceFile;
use libtest_mimic::{Arguments, Failed, Trial};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("golden/ exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("policy.toml").is_file())
        .collect();
    out.sort();
    out
}

fn corsform(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_corsform"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// What a case folder must contain: relative path -> contents.
fn expected_outputs(dir: &Path, failures: &mut Vec<String>) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let policy = std::fs::read_to_string(dir.join("policy.toml")).unwrap();
    let file = SourceFile::new("policy.toml", policy);
    let (lint_code, lint_out, _) = corsform(dir, &["lint", "policy.toml"]);
    files.insert("lint.txt".to_string(), lint_out);
    // As every command reads it: with its `[api] openapi` document, whose
    // methods are the default allow_methods and whose routes are the model's.
    let loaded = corsform::policy::load(&file);
    let document = corsform::openapi_document_path(&loaded).and_then(|input| {
        let text = std::fs::read_to_string(dir.join(&input)).ok()?;
        Some(SourceFile::new(input, text))
    });
    let (model, doc_diags) = match &document {
        Some(doc) => {
            let (model, _, doc_diags) = corsform::check_with_document(&file, loaded, doc);
            (model, doc_diags)
        }
        None => (corsform::check_loaded(&file, loaded, None).0, vec![]),
    };
    match model {
        None => {
            let tmp = tempfile::tempdir().unwrap();
            let out_dir = tmp.path().join("out");
            let (code, _, stderr) = corsform(
                dir,
                &["build", "policy.toml", "--out", out_dir.to_str().unwrap()],
            );
            if code == 0 || lint_code == 0 {
                failures.push(format!("{}: a policy with errors must fail build and lint (build {code}, lint {lint_code})", dir.display()));
            }
            if out_dir.exists() {
                failures.push(format!("{}: a failing build wrote files", dir.display()));
            }
            files.insert(
                "stderr.txt".to_string(),
                stderr.replace(out_dir.to_str().unwrap(), "<out>"),
            );
        }
        Some(policy) => {
            if let Some(doc) = &document {
                merged_document(dir, &policy, doc, &doc_diags, &mut files, failures);
            }
            for target in corsform::render::supported_targets(&policy) {
                match corsform::render::render(&policy, target) {
                    Ok(rendered) => {
                        for (name, contents) in rendered {
                            files.insert(format!("{}/{name}", target.name()), contents);
                        }
                    }
                    Err(corsform::render::RenderError::Unsupported { .. }) => {}
                    Err(e) => failures.push(format!("{}: {e}", dir.display())),
                }
            }
        }
    }
    files
}

/// `[api] openapi`: the team's document with the CORS layer, as `build
/// --target openapi` writes it, unless lint finds errors in the document.
fn merged_document(
    dir: &Path,
    policy: &corsform::model::Policy,
    doc: &SourceFile,
    doc_diags: &[corsform::diagnostic::Diagnostic],
    files: &mut BTreeMap<String, String>,
    failures: &mut Vec<String>,
) {
    if corsform::diagnostic::has_errors(doc_diags) {
        return;
    }
    let name = corsform::openapi::document::output_name(&doc.name);
    match corsform::openapi::document::merged(policy, &doc.name, &doc.text, "policy.toml") {
        Ok(out) => {
            // As build writes it: relative $refs resolve from openapi/.
            let out = corsform::openapi::refs::for_output(
                &out,
                &dir.join(&doc.name),
                &dir.join("openapi"),
            );
            files.insert(format!("openapi/{name}"), out);
        }
        Err(e) => failures.push(format!("{}: {e}", dir.display())),
    }
}

fn actual_files(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "policy.toml" || rel.starts_with('.') || rel.contains("/.") {
            continue;
        }
        files.insert(rel, std::fs::read_to_string(entry.path()).unwrap());
    }
    files
}

/// The document a case's policy reads (`[api] openapi`), relative to the case.
fn input_document(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("policy.toml")).ok()?;
    let (policy, _) = corsform::check(&SourceFile::new("policy.toml", text));
    policy?.api.openapi
}

fn check_parses(case: &str, name: &str, contents: &str, failures: &mut Vec<String>) {
    if name.ends_with(".tf") {
        if let Err(e) = hcl::parse(contents) {
            failures.push(format!("{case}/{name}: not valid HCL: {e}"));
        }
    } else if name.ends_with(".json")
        && let Err(e) = serde_json::from_str::<serde_json::Value>(contents)
    {
        failures.push(format!("{case}/{name}: not valid JSON: {e}"));
    } else if name.ends_with(".yaml")
        && let Err(e) = serde_yaml_ng::from_str::<serde_yaml_ng::Value>(contents)
    {
        failures.push(format!("{case}/{name}: not valid YAML: {e}"));
    }
}

/// One case: every file corsform produces equals the committed one, parses,
/// and no committed file is stale.
fn golden_case(dir: &Path) -> Result<(), Failed> {
    let case = dir.file_name().unwrap().to_string_lossy().to_string();
    let mut failures = Vec::new();
    let expected = expected_outputs(dir, &mut failures);
    let mut actual = actual_files(dir);
    // An input beside the policy (`[api] openapi = "api.yaml"`) is not an output.
    if let Some(input) = input_document(dir) {
        actual.remove(&input);
    }
    // Files the document refers to (its `$ref`s) live under input/.
    actual.retain(|name, _| !name.starts_with("input/"));
    for (name, contents) in &expected {
        check_parses(&case, name, contents, &mut failures);
        if let Err(e) = snapshot_file::check(&dir.join(name), contents) {
            failures.push(e);
        }
    }
    for name in actual.keys().filter(|n| !expected.contains_key(*n)) {
        if snapshot_file::overwriting() {
            std::fs::remove_file(dir.join(name)).unwrap();
        } else {
            failures.push(format!(
                "{case}/{name}: stale file, corsform no longer produces it"
            ));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} failure(s):\n\n{}",
            failures.len(),
            failures.join("\n\n")
        )
        .into())
    }
}

fn main() {
    let args = Arguments::from_args();
    let cases = cases();
    let mut trials = vec![
        Trial::test("golden_cases_exist", {
            let n = cases.len();
            move || {
                if n >= 10 {
                    Ok(())
                } else {
                    Err(format!("expected the golden cases under golden/, found {n}").into())
                }
            }
        }),
        Trial::test("every_code_has_a_golden_case", every_code_has_a_golden_case),
    ];
    for dir in cases {
        let name = dir.file_name().unwrap().to_string_lossy().replace('-', "_");
        trials.push(Trial::test(name, move || golden_case(&dir)));
    }
    libtest_mimic::run(&args, trials).exit();
}

/// Every finding code has at least one golden case that shows it.
fn every_code_has_a_golden_case() -> Result<(), Failed> {
    let mut seen = std::collections::HashSet::new();
    for dir in cases() {
        let lint = std::fs::read_to_string(dir.join("lint.txt")).unwrap_or_default();
        for code in corsform::diagnostic::Code::ALL {
            if lint.contains(&format!("[{}]", code.id())) {
                seen.insert(code.id());
            }
        }
    }
    // `audit`'s codes are pinned by golden-audit/<case>/audit.txt (tests/audit.rs).
    let audit = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden-audit");
    for dir in std::fs::read_dir(audit).into_iter().flatten().flatten() {
        let text = std::fs::read_to_string(dir.path().join("audit.txt")).unwrap_or_default();
        for code in corsform::diagnostic::Code::ALL {
            if text.contains(&format!("[{}]", code.id())) {
                seen.insert(code.id());
            }
        }
    }
    let missing: Vec<&str> = corsform::diagnostic::Code::ALL
        .iter()
        .map(|c| c.id())
        .filter(|id| !seen.contains(id))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("codes with no golden case: {missing:?}").into())
    }
}
