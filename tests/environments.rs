//! `--env` of explain (serve and probe share its selection, src/cli/env.rs):
//! each environment answers with its own origins and refuses the other's, and
//! a policy with environments is never answered for a guessed one.

use std::process::Command;

const POLICY: &str = r#"version = 1

[api]
name = "shop"
type = "http"

[cors]
allow_origins = ["https://app.example.com"]
allow_methods = ["GET"]

[environments.dev]
cors = { allow_origins = ["http://localhost:5173"] }

[environments.prod]
api = { stage = "prod" }

[[routes]]
path = "/orders"
methods = ["GET"]
"#;

fn explain(extra: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy.toml"), POLICY).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_corsform"))
        .args([
            "explain",
            "policy.toml",
            "--method",
            "GET",
            "--path",
            "/orders",
        ])
        .args(extra)
        .current_dir(dir.path())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn each_environment_allows_its_own_origins_only() {
    let dev_local = explain(&["--env", "dev", "--origin", "http://localhost:5173"]);
    assert_eq!(dev_local.0, 0, "{dev_local:?}");
    let dev_app = explain(&["--env", "dev", "--origin", "https://app.example.com"]);
    assert_eq!(dev_app.0, 1, "{dev_app:?}");
    let prod_app = explain(&["--env", "prod", "--origin", "https://app.example.com"]);
    assert_eq!(prod_app.0, 0, "{prod_app:?}");
    let prod_local = explain(&["--env", "prod", "--origin", "http://localhost:5173"]);
    assert_eq!(prod_local.0, 1, "{prod_local:?}");
}

#[test]
fn without_env_the_command_names_the_environments() {
    let (code, _, stderr) = explain(&["--origin", "https://app.example.com"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`dev`, `prod`") && stderr.contains("--env"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_environment_is_refused_with_a_suggestion() {
    let (code, _, stderr) = explain(&["--env", "prd", "--origin", "https://app.example.com"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean `prod`"), "{stderr}");
}
