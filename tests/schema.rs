//! The JSON Schema: the committed copy is current, every valid policy in the
//! repository satisfies it, and the policies that fail to load (wrong types,
//! unknown or missing keys, unsupported version) are rejected by it too, so
//! an editor using the schema agrees with `corsform lint`.
//! `SNAPSHOTS=overwrite cargo test --test schema` refreshes the committed copy.

mod snapshot_file;

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn committed_schema_is_current() {
    let path = root().join("schema/corsform.schema.json");
    let fresh = corsform::policy::schema::schema_json();
    snapshot_file::assert_file(&path, &fresh);
}

fn policies() -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for dir in ["policies", "golden"] {
        for entry in walkdir::WalkDir::new(root().join(dir)).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "toml") {
                let lint = entry.path().parent().unwrap().join("lint.txt");
                out.push((
                    entry.path().to_path_buf(),
                    std::fs::read_to_string(lint).unwrap_or_default(),
                ));
            }
        }
    }
    out
}

#[test]
fn policies_are_checked_against_the_schema() {
    let schema = corsform::policy::schema::schema_value();
    let validator = jsonschema::draft7::new(schema).expect("the schema is a valid draft-07 schema");
    let load_codes = ["[CF0002]", "[CF0003]", "[CF0004]", "[CF0005]"];
    let (mut accepted, mut rejected) = (0, 0);
    for (path, lint) in policies() {
        let text = std::fs::read_to_string(&path).unwrap();
        let Ok(json) = toml::from_str::<serde_json::Value>(&text) else {
            assert!(
                lint.contains("[CF0001]"),
                "{} is not TOML but its lint shows no CF0001",
                path.display()
            );
            continue;
        };
        let file = corsform::diagnostic::SourceFile::new("policy.toml", text);
        let (model, diags) = corsform::check(&file);
        let valid = validator.is_valid(&json);
        if model.is_some() {
            assert!(
                valid,
                "{} builds but the schema rejects it: {:?}",
                path.display(),
                validator
                    .iter_errors(&json)
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
            );
            accepted += 1;
        }
        let load_error = diags
            .iter()
            .any(|d| load_codes.contains(&format!("[{}]", d.code.id()).as_str()));
        if load_error {
            assert!(
                !valid,
                "{} has a load error ({lint}) but the schema accepts it",
                path.display()
            );
            rejected += 1;
        }
    }
    assert!(
        accepted >= 10 && rejected >= 4,
        "accepted {accepted}, rejected {rejected}"
    );
}
