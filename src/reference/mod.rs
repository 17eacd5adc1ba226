//! The reference text corsform prints (`corsform help policy|targets|rules|CODE`,
//! `corsform rules`) and the book's generated reference pages
//! (docs/book/src/reference/), rendered from the definitions themselves: the
//! policy keys from the JSON Schema, the commands from clap, the targets from
//! the target registry, the rules from the code table. One renderer serves the
//! terminal and the book, so neither can drift from the code;
//! tests/book_reference.rs fails when a committed page is stale.
//!
//! Everything here is Markdown: readable as plain text in a terminal (as
//! `rustc --explain` prints it) and rendered by mdBook.

pub mod commands;
pub mod policy;
pub mod rules;
pub mod targets;

/// Every generated page: `(path under docs/book/src/reference/, contents)`.
pub fn pages() -> Vec<(String, String)> {
    let mut pages = vec![
        ("policy.md".to_string(), policy::page()),
        ("commands.md".to_string(), commands::page()),
        ("targets.md".to_string(), targets::page()),
        ("rules.md".to_string(), rules::index_page()),
    ];
    for code in crate::diagnostic::Code::ALL {
        pages.push((format!("rules/{}.md", code.id()), rules::page(*code)));
    }
    pages
}

/// The first line of every generated page: how to regenerate it, so nobody
/// edits it by hand (an HTML comment: mdBook does not show it).
pub const GENERATED: &str = "<!-- generated from the code by tests/book_reference.rs; do not edit: SNAPSHOTS=overwrite cargo test --test book_reference -->\n";
