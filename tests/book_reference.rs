//! The book's reference pages (docs/book/src/reference/) are generated from
//! the code, so they cannot drift (issue 30): policy keys from the JSON Schema,
//! commands from clap, targets from the registry, rules from the code table
//! and each rule's explanation ([`corsform::reference::pages`]). This test
//! fails when a committed page differs from what the code renders, or when a
//! page exists that the code no longer renders (a removed rule);
//! `SNAPSHOTS=overwrite cargo test --test book_reference` rewrites them.

mod snapshot_file;

use std::collections::BTreeSet;
use std::path::PathBuf;

const REGENERATE: &str =
    "regenerate with `SNAPSHOTS=overwrite cargo test --test book_reference` and review the diff";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/book/src/reference")
}

#[test]
fn reference_pages_match_the_code() {
    let pages = corsform::reference::pages();
    let mut failures = Vec::new();
    for (path, contents) in &pages {
        if let Err(e) = snapshot_file::check(&root().join(path), contents) {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "stale reference pages; {REGENERATE}:\n{}",
        failures.join("\n")
    );
}

#[test]
fn no_rule_page_without_its_rule() {
    let rendered: BTreeSet<String> = corsform::reference::pages()
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    let dir = root().join("rules");
    let mut stale = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let rel = format!("rules/{name}");
        if !rendered.contains(&rel) {
            if snapshot_file::overwriting() {
                std::fs::remove_file(dir.join(&name)).unwrap();
            } else {
                stale.push(rel);
            }
        }
    }
    assert!(
        stale.is_empty(),
        "pages of rules that no longer exist: {stale:?}; {REGENERATE}"
    );
}

/// Every link of the rule index reaches a page, and every rule is linked.
#[test]
fn the_rule_index_links_every_rule_page() {
    let index = corsform::reference::rules::index_page();
    for code in corsform::diagnostic::Code::ALL {
        let link = format!("(rules/{}.md)", code.id());
        assert!(index.contains(&link), "{link} missing from rules.md");
    }
    let pages: BTreeSet<String> = corsform::reference::pages()
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    for link in index.split("](").skip(1) {
        let target = link.split(')').next().unwrap();
        assert!(
            pages.contains(target),
            "rules.md links {target}, which is not generated"
        );
    }
}
