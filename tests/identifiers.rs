//! Property: any set of distinct valid paths gets distinct, valid identifiers
//! in every output language (issue 12: `/2fa` gave an invalid Terraform name,
//! `/` and `/root` shared one, `/x1`, `/x/1` and `/x-1` one logical ID).
//! Checked on the rendered files themselves, not on the plan, so a template
//! that builds a name its own way is caught too.

use corsform::diagnostic::SourceFile;
use corsform::render::{self, Target};
use proptest::prelude::*;
use std::collections::HashSet;

/// A target by its `--target` name (targets live in the registry).
fn tgt(name: &str) -> Target {
    Target::named(name).expect("a registered target")
}

/// Literal segments built from the characters that collide after case
/// conversion: digits, `-`, `.`, `_`, `~`, and words that are ids already.
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z0-9][a-z0-9._~-]{0,4}",
        1 => Just("root".to_string()),
        1 => Just("x1".to_string()),
        1 => Just("1".to_string()),
        1 => "\\{[a-z][a-zA-Z0-9]{0,3}\\}",
    ]
}

fn path() -> impl Strategy<Value = String> {
    prop::collection::vec(segment(), 0..4).prop_map(|segs| {
        let mut seen = HashSet::new();
        // One parameter name once per path, as API Gateway requires.
        let segs: Vec<String> = segs
            .into_iter()
            .map(|s| {
                if s.starts_with('{') && !seen.insert(s.clone()) {
                    format!("{}x}}", &s[..s.len() - 1])
                } else {
                    s
                }
            })
            .collect();
        format!("/{}", segs.join("/"))
    })
}

fn policy(kind: &str, paths: &[String]) -> String {
    let mut out = format!(
        "version = 1\n[api]\nname = \"p\"\ntype = \"{kind}\"\n[cors]\nallow_origins = [\"https://a.example\"]\n"
    );
    for p in paths {
        out.push_str(&format!(
            "[[routes]]\npath = \"{p}\"\nmethods = [\"GET\", \"POST\"]\n"
        ));
    }
    out
}

/// `resource "type" "name"` pairs of a Terraform file.
fn terraform_names(main: &str) -> Vec<(String, String)> {
    let body: hcl::Body = hcl::from_str(main).expect("main.tf parses");
    body.blocks()
        .filter(|b| b.identifier() == "resource")
        .map(|b| {
            let l: Vec<&str> = b.labels().iter().map(|l| l.as_str()).collect();
            (l[0].to_string(), l[1].to_string())
        })
        .collect()
}

/// The logical IDs under `Resources:`, read line by line so a duplicate key
/// is seen even where a YAML parser would keep only the last.
fn logical_ids(template: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut inside = false;
    for line in template.lines() {
        if !line.starts_with(' ') && !line.is_empty() {
            inside = line == "Resources:";
        } else if inside
            && let Some(key) = line.strip_prefix("  ").and_then(|l| l.strip_suffix(':'))
            && !key.starts_with(' ')
        {
            ids.push(key.to_string());
        }
    }
    ids
}

fn check(kind: &str, paths: &[String]) -> Result<(), TestCaseError> {
    let text = policy(kind, paths);
    let (model, diags) = corsform::check(&SourceFile::new("p.toml", text.clone()));
    // Paths that API Gateway would see as one (`/a/{x}`, `/a/{y}`) are
    // refused by lint; the property is about the policies lint accepts.
    let Some(model) = model else {
        return Ok(());
    };
    let _ = diags;
    let tf = render::render(&model, tgt("terraform")).expect("terraform renders");
    let names = terraform_names(&tf["main.tf"]);
    let mut seen = HashSet::new();
    for (ty, name) in &names {
        prop_assert!(
            name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
            "invalid Terraform name {name} for {text}"
        );
        prop_assert!(seen.insert((ty, name)), "duplicate {ty}.{name} for {text}");
    }
    for target in [tgt("cloudformation"), tgt("sam")] {
        let files = render::render(&model, target).expect("renders");
        let ids = logical_ids(&files["template.yaml"]);
        prop_assert!(!ids.is_empty());
        let mut seen = HashSet::new();
        for id in &ids {
            prop_assert!(
                !id.is_empty() && id.len() <= 255 && id.chars().all(|c| c.is_ascii_alphanumeric()),
                "invalid logical ID {id} for {text}"
            );
            prop_assert!(seen.insert(id), "duplicate logical ID {id} for {text}");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn rest_ids_are_unique_and_valid(paths in prop::collection::btree_set(path(), 1..12)) {
        check("rest", &paths.into_iter().collect::<Vec<_>>())?;
    }

    #[test]
    fn http_ids_are_unique_and_valid(paths in prop::collection::btree_set(path(), 1..12)) {
        check("http", &paths.into_iter().collect::<Vec<_>>())?;
    }
}

/// The reproducers of issue 12, pinned whatever the generator draws.
#[test]
fn issue_reproducers() {
    for kind in ["rest", "http"] {
        for set in [
            vec!["/2fa"],
            vec!["/", "/root"],
            vec!["/x1", "/x/1"],
            vec!["/x-1", "/x1"],
            vec!["/a-b", "/a_b", "/a.b", "/a/b"],
        ] {
            let set: Vec<String> = set.into_iter().map(String::from).collect();
            check(kind, &set).unwrap();
        }
    }
}
