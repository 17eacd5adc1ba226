//! For tests: every policy of the repository that validates (the goldens'
//! and the examples'), so a test can hold a property over all of them.

use crate::diagnostic::SourceFile;
use crate::model::Policy;
use std::path::PathBuf;

/// `golden/*/policy.toml` and `policies/*.toml` that validate, by path.
pub fn valid() -> Vec<(PathBuf, Policy)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("golden"))
        .unwrap()
        .map(|e| e.unwrap().path().join("policy.toml"))
        .chain(
            std::fs::read_dir(root.join("policies"))
                .unwrap()
                .map(|e| e.unwrap().path()),
        )
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.exists())
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|f| {
            let text = std::fs::read_to_string(&f).unwrap();
            let file = SourceFile::new(f.display().to_string(), text);
            crate::check(&file).0.map(|p| (f, p))
        })
        .collect()
}
