//! The CI integration as shipped: `.pre-commit-hooks.yaml`'s hooks run the way
//! pre-commit runs them, and the GitHub Actions recipe in docs/book/src/guides/ci.md has its
//! `corsform` steps run, both against a scratch repository. pre-commit and
//! GitHub themselves are not on this machine; what they would do with these
//! files (select files, append them, run the entry, upload the SARIF file) is
//! done here by the rules they document.

use serde_yaml_ng::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_corsform");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn corsform(dir: &Path, args: &[&str]) -> i32 {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
        .status
        .code()
        .unwrap()
}

/// A repository with a policy, its generated code, and files that are not policies.
fn scratch_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(corsform(dir.path(), &["init"]), 0);
    assert_eq!(corsform(dir.path(), &["build", "-q"]), 0);
    std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
    std::fs::write(dir.path().join("README.md"), "hello\n").unwrap();
    dir
}

fn files_of(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

struct Hook {
    id: String,
    entry: Vec<String>,
    args: Vec<String>,
    files: regex::Regex,
    pass_filenames: bool,
}

fn hooks() -> Vec<Hook> {
    let text = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let doc: Value = serde_yaml_ng::from_str(&text).unwrap();
    doc.as_sequence()
        .expect("a list of hooks")
        .iter()
        .map(|h| {
            let s = |k: &str| h[k].as_str().unwrap_or_else(|| panic!("{k} in {h:?}"));
            assert!(!s("name").is_empty() && !s("description").is_empty());
            // language: rust builds the hook repository with cargo: it must be a
            // cargo package with the corsform binary at its root.
            assert_eq!(s("language"), "rust");
            Hook {
                id: s("id").to_string(),
                entry: s("entry").split_whitespace().map(String::from).collect(),
                args: h["args"]
                    .as_sequence()
                    .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
                    .unwrap_or_default(),
                files: regex::Regex::new(h["files"].as_str().unwrap_or("")).unwrap(),
                pass_filenames: h["pass_filenames"].as_bool().unwrap_or(true),
            }
        })
        .collect()
}

/// What pre-commit does with a hook for a set of changed files: nothing when
/// none matches `files`; else the entry, the args, and (with pass_filenames)
/// the matching files. `None` when skipped, else the exit code.
fn run_hook(hook: &Hook, dir: &Path, changed: &[String]) -> Option<i32> {
    let matched: Vec<&String> = changed.iter().filter(|f| hook.files.is_match(f)).collect();
    if matched.is_empty() {
        return None;
    }
    assert_eq!(hook.entry[0], "corsform", "{}", hook.id);
    let mut cmd = Command::new(BIN);
    cmd.args(&hook.entry[1..]).args(&hook.args).current_dir(dir);
    if hook.pass_filenames {
        cmd.args(matched);
    }
    Some(cmd.output().unwrap().status.code().unwrap())
}

#[test]
fn pre_commit_hooks_pass_clean_repos_and_catch_errors_and_drift() {
    let hooks = hooks();
    let ids: Vec<&str> = hooks.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["corsform-lint", "corsform-build-check"]);
    let (lint, check) = (&hooks[0], &hooks[1]);
    let repo = scratch_repo();
    let all = files_of(repo.path());

    assert_eq!(run_hook(lint, repo.path(), &all), Some(0));
    assert_eq!(run_hook(check, repo.path(), &all), Some(0));
    // A commit that touches neither the policy nor generated code runs neither.
    let unrelated = ["README.md".to_string(), "Cargo.toml".to_string()];
    assert_eq!(run_hook(lint, repo.path(), &unrelated), None);
    assert_eq!(run_hook(check, repo.path(), &unrelated), None);

    // The policy changed, the generated code did not: drift.
    let policy = repo.path().join("corsform.toml");
    let text = std::fs::read_to_string(&policy).unwrap();
    let origin = "http://localhost:5173";
    assert!(text.contains(origin), "the starter policy changed: {text}");
    std::fs::write(&policy, text.replace(origin, "http://localhost:5174")).unwrap();
    let changed = ["corsform.toml".to_string()];
    assert_eq!(run_hook(lint, repo.path(), &changed), Some(0));
    assert_eq!(run_hook(check, repo.path(), &changed), Some(1));
    // Hand-edited generated code is drift too.
    assert_eq!(corsform(repo.path(), &["build", "-q"]), 0);
    let main = repo
        .path()
        .join("generated")
        .read_dir()
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
        .join("terraform/main.tf");
    let tf = std::fs::read_to_string(&main).unwrap();
    std::fs::write(&main, format!("{tf}\n# edited\n")).unwrap();
    let edited = [format!(
        "{}",
        main.strip_prefix(repo.path()).unwrap().display()
    )];
    assert_eq!(run_hook(lint, repo.path(), &edited), None);
    assert_eq!(run_hook(check, repo.path(), &edited), Some(1));

    // A policy error fails both.
    std::fs::write(&policy, text.replace("allow_origins", "allow_origin")).unwrap();
    assert_eq!(run_hook(lint, repo.path(), &changed), Some(1));
    assert_ne!(run_hook(check, repo.path(), &changed), Some(0));
}

/// The first ```yaml block of docs/book/src/guides/ci.md: the workflow file.
fn workflow() -> Value {
    let doc = std::fs::read_to_string(root().join("docs/book/src/guides/ci.md")).unwrap();
    let start = doc.find("```yaml\n").expect("a yaml block") + 8;
    let len = doc[start..].find("```").unwrap();
    serde_yaml_ng::from_str(&doc[start..start + len]).unwrap()
}

/// A `run:` step as GitHub runs it (bash -eo pipefail), with corsform on PATH.
fn run_step(script: &str, dir: &Path) -> i32 {
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .env("PATH", path)
        .current_dir(dir)
        .status()
        .unwrap()
        .code()
        .unwrap()
}

#[test]
fn the_github_actions_recipe_runs_and_uploads_sarif_even_on_findings() {
    let wf = workflow();
    assert_eq!(wf["permissions"]["security-events"].as_str(), Some("write"));
    let jobs = wf["jobs"].as_mapping().unwrap();
    let steps = jobs.values().next().unwrap()["steps"]
        .as_sequence()
        .unwrap()
        .clone();
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("an upload-sarif step");
    assert!(
        upload["if"].as_str().unwrap_or("").contains("always()"),
        "the SARIF must be uploaded when lint fails"
    );
    let sarif_file = upload["with"]["sarif_file"].as_str().unwrap();
    let corsform_steps: Vec<&str> = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .filter(|r| r.trim_start().starts_with("corsform "))
        .collect();
    assert_eq!(corsform_steps.len(), 2, "lint and build --check");

    let repo = scratch_repo();
    for step in &corsform_steps {
        assert_eq!(run_step(step, repo.path()), 0, "{step}");
    }
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo.path().join(sarif_file)).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");

    // With an error in the policy, lint fails the job but still leaves the
    // SARIF file for the upload step, pointing into the repository.
    let policy = repo.path().join("corsform.toml");
    let text = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(
        &policy,
        text.replace("allow_credentials = true", "allow_credentials = \"yes\""),
    )
    .unwrap();
    assert_ne!(run_step(corsform_steps[0], repo.path()), 0);
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo.path().join(sarif_file)).unwrap()).unwrap();
    let loc = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "corsform.toml");
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
}

/// `cargo package` ships what the crate needs to build and what its users read,
/// and none of the tests, goldens, corpora, book or scripts (issue 30).
/// `cargo publish --dry-run --locked` passed with this list on 2026-12-07.
#[test]
fn the_package_holds_only_what_the_crate_needs() {
    let out = std::process::Command::new(env!("CARGO"))
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = String::from_utf8(out.stdout).unwrap();
    let files: Vec<&str> = list.lines().collect();
    for needed in [
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
        "README.md",
        "CHANGELOG.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "src/main.rs",
        "src/diagnostic/explanations/CF0903.md",
        "templates/init/http.toml",
    ] {
        assert!(
            files.contains(&needed),
            "{needed} missing from the package:\n{list}"
        );
    }
    for f in &files {
        let top = f.split('/').next().unwrap();
        assert!(
            matches!(top, "src" | "templates")
                || [
                    "Cargo.toml",
                    "Cargo.toml.orig",
                    "Cargo.lock",
                    "build.rs",
                    "README.md",
                    "CHANGELOG.md",
                    "LICENSE-MIT",
                    "LICENSE-APACHE",
                    ".cargo_vcs_info.json",
                ]
                .contains(f),
            "{f} should not be in the package"
        );
    }
    // Every template is shipped: build.rs embeds them all.
    let templates = walkdir::WalkDir::new(root().join("templates"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count();
    assert_eq!(
        files.iter().filter(|f| f.starts_with("templates/")).count(),
        templates
    );
}

/// action.yml's `run:` script of step `id` with its `env:` as GitHub gives
/// it: each `${{ inputs.X }}` from `inputs`, else the input's default.
fn action_step(id_or_name: &str, inputs: &[(&str, &str)]) -> (String, Vec<(String, String)>) {
    let action: Value =
        serde_yaml_ng::from_str(&std::fs::read_to_string(root().join("action.yml")).unwrap())
            .unwrap();
    let step = action["runs"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| s["id"].as_str() == Some(id_or_name) || s["name"].as_str() == Some(id_or_name))
        .unwrap_or_else(|| panic!("no step {id_or_name} in action.yml"))
        .clone();
    let script = step["run"].as_str().unwrap().to_string();
    assert!(
        !script.contains("${{"),
        "inputs reach the script through env, never spliced into it"
    );
    let value = |expr: &str| -> String {
        let name = expr
            .trim()
            .strip_prefix("${{")
            .and_then(|e| e.strip_suffix("}}"))
            .and_then(|e| e.trim().strip_prefix("inputs."))
            .unwrap_or_else(|| panic!("not an input expression: {expr}"));
        inputs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
            .unwrap_or_else(|| {
                action["inputs"][name]["default"]
                    .as_str()
                    .unwrap_or_else(|| panic!("input {name} has no default"))
                    .to_string()
            })
    };
    let env = step["env"]
        .as_mapping()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.as_str().unwrap().to_string(), value(v.as_str().unwrap())))
                .collect()
        })
        .unwrap_or_default();
    (script, env)
}

/// Runs a step's script as a composite action's `shell: bash` does, with
/// corsform on PATH; returns the exit code and what it wrote to GITHUB_OUTPUT.
fn run_action_step(script: &str, env: &[(String, String)], dir: &Path) -> (i32, String) {
    let bin_dir = Path::new(BIN).parent().unwrap();
    let output = dir.join("github-output");
    std::fs::write(&output, "").unwrap();
    let code = Command::new("bash")
        .args([
            "--noprofile",
            "--norc",
            "-e",
            "-o",
            "pipefail",
            "-c",
            script,
        ])
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin_dir.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("GITHUB_OUTPUT", &output)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .current_dir(dir)
        .status()
        .unwrap()
        .code()
        .unwrap();
    (code, std::fs::read_to_string(&output).unwrap())
}

/// The warning and error results of a SARIF file (notes are not findings).
fn sarif_results(path: &Path) -> usize {
    let sarif: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0", "{}", path.display());
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["level"] != "note")
        .count()
}

/// The composite action (action.yml, issue 30): its install step installs a
/// pinned corsform with --locked; its check step passes a clean repository,
/// and on drift, a policy error or an audit finding records status=1 while
/// still writing the SARIF the upload step sends; the last step fails the
/// job on that status, after the upload.
#[test]
fn the_composite_action_checks_a_repository_and_leaves_sarif_on_failure() {
    let (install, env) = action_step(
        "Install corsform",
        &[
            ("repository", "https://git.example/corsform.git"),
            ("ref", "v9"),
        ],
    );
    assert!(
        install.contains(
            "cargo install --locked --git \"$CORSFORM_REPOSITORY\" --rev \"$CORSFORM_REF\""
        )
    );
    assert!(env.contains(&("CORSFORM_REF".into(), "v9".into())));

    let repo = scratch_repo();
    let infra = repo.path().join("infra");
    std::fs::create_dir(&infra).unwrap();
    let (script, env) = action_step("check", &[("audit", "infra")]);
    // Clean: a policy that lints clean, its generated code current, IaC
    // without findings (an empty folder).
    let (code, out) = run_action_step(&script, &env, repo.path());
    assert_eq!((code, out.trim()), (0, "status=0"));
    assert_eq!(
        sarif_results(&repo.path().join("corsform-sarif/lint.sarif")),
        0
    );
    assert_eq!(
        sarif_results(&repo.path().join("corsform-sarif/audit.sarif")),
        0
    );

    // Drift in the generated code: status=1, the step itself still succeeds
    // so the upload runs.
    let main_tf = files_of(&repo.path().join("generated"))
        .into_iter()
        .find(|f| f.ends_with("main.tf"))
        .expect("a generated main.tf");
    let main_tf = repo.path().join("generated").join(main_tf);
    let text = std::fs::read_to_string(&main_tf).unwrap();
    std::fs::write(&main_tf, format!("{text}\n# edited by hand\n")).unwrap();
    let (code, out) = run_action_step(&script, &env, repo.path());
    assert_eq!((code, out.trim()), (0, "status=1"), "drift");
    std::fs::write(&main_tf, text).unwrap();

    // IaC with a CORS defect: audit's finding is in the SARIF.
    std::fs::copy(
        root().join("golden-audit/tf-rest-wildcard-credentials/main.tf"),
        infra.join("main.tf"),
    )
    .unwrap();
    let (code, out) = run_action_step(&script, &env, repo.path());
    assert_eq!((code, out.trim()), (0, "status=1"), "audit findings");
    assert!(sarif_results(&repo.path().join("corsform-sarif/audit.sarif")) > 0);

    // The last step fails the job on that status; the upload runs always.
    let action: Value =
        serde_yaml_ng::from_str(&std::fs::read_to_string(root().join("action.yml")).unwrap())
            .unwrap();
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    let upload = steps
        .iter()
        .position(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("an upload step");
    assert_eq!(steps[upload]["if"].as_str(), Some("always()"));
    let fail = steps.last().unwrap();
    assert!(upload < steps.len() - 1);
    assert_eq!(
        fail["if"].as_str(),
        Some("steps.check.outputs.status != '0'")
    );
    let (code, _) = run_action_step(fail["run"].as_str().unwrap(), &[], repo.path());
    assert_eq!(code, 1);
}
