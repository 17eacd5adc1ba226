//! Every example in `policies/` is a policy users copy: it must lint without
//! errors or warnings and build every target its API type supports, and what it
//! builds must parse.

use corsform::diagnostic::{Severity, SourceFile};

#[test]
fn every_example_policy_lints_clean_and_builds() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let mut built = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let name = format!("policies/{}", path.file_name().unwrap().to_string_lossy());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with('#'),
            "{name}: an example starts with a comment saying what it shows"
        );
        let (model, diags) = corsform::check(&SourceFile::new(&name, text));
        let loud: Vec<_> = diags
            .iter()
            .filter(|d| d.severity() != Severity::Note)
            .collect();
        assert!(loud.is_empty(), "{name}: {loud:?}");
        let policy = model.unwrap();
        for target in corsform::render::default_targets(&policy) {
            let files =
                corsform::render::render(&policy, target).unwrap_or_else(|e| panic!("{name}: {e}"));
            for (file, contents) in files {
                if file.ends_with(".tf") {
                    hcl::parse(&contents).unwrap_or_else(|e| panic!("{name} {file}: {e}"));
                } else if file.ends_with(".yaml") {
                    serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&contents)
                        .unwrap_or_else(|e| panic!("{name} {file}: {e}"));
                }
                // JSON has no comments: a bucket's fragment carries the
                // marker as its rule's ID.
                if file.ends_with(".json") {
                    serde_json::from_str::<serde_json::Value>(&contents)
                        .unwrap_or_else(|e| panic!("{name} {file}: {e}"));
                    assert!(contents.contains(&name), "{name} {file}");
                } else {
                    assert!(contents.lines().next().unwrap().contains(&name));
                }
            }
        }
        built += 1;
    }
    assert!(
        built >= 3,
        "expected at least 3 example policies, found {built}"
    );
}
