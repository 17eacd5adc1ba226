//! The rules: `corsform rules` (the table), `corsform help CF0903` (one rule's
//! long explanation), and the book's rule index and rule pages, all from
//! [`Code::ALL`] and each code's `explanations/<id>.md`.

use crate::diagnostic::Code;
use std::fmt::Write;

/// `corsform rules`: one line per rule, in table order.
pub fn table() -> String {
    let width = Code::ALL.iter().map(|c| c.name().len()).max().unwrap_or(0);
    let mut out = String::new();
    for c in Code::ALL {
        let _ = writeln!(
            out,
            "{}  {:<7}  {:<width$}  {}",
            c.id(),
            c.severity().as_str(),
            c.name(),
            c.summary()
        );
    }
    out.push_str(
        "\nEvery rule is explained, with a wrong and a right example: `corsform help CODE` (or `corsform rules CODE`).\n",
    );
    out
}

/// One rule's explanation as the terminal shows it: a title line, the level
/// and summary, then the Markdown body.
pub fn explain(code: Code) -> String {
    format!(
        "{}: {}\n\nLevel: {}. {}.\n\n{}",
        code.id(),
        code.name(),
        code.severity(),
        capitalise(code.summary()),
        code.explanation()
    )
}

/// The book's page for one rule (`reference/rules/CF0903.md`).
pub fn page(code: Code) -> String {
    format!(
        "{}# {}: {}\n\nLevel: **{}**. {}.\n\n{}",
        super::GENERATED,
        code.id(),
        code.name(),
        code.severity(),
        capitalise(code.summary()),
        code.explanation()
    )
}

/// The book's rule index (`reference/rules.md`): a table linking each page.
pub fn index_page() -> String {
    let mut out = String::from(super::GENERATED);
    out.push_str("# Rules\n\nEvery finding `lint` and `audit` report carries one of these codes. `corsform rules` prints this table and `corsform help CODE` a rule's page. Codes CF09xx are `audit`'s; CF0101, CF0204, CF0302 and CF0303 are shared by `lint` and `audit`.\n\n| Code | Name | Level | What it catches |\n|---|---|---|---|\n");
    for c in Code::ALL {
        let _ = writeln!(
            out,
            "| [{id}](rules/{id}.md) | `{}` | {} | {} |",
            c.name(),
            c.severity(),
            c.summary().replace('|', "\\|"),
            id = c.id()
        );
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_one_line_per_rule() {
        let t = table();
        for c in Code::ALL {
            assert!(
                t.lines()
                    .any(|l| l.starts_with(c.id()) && l.contains(c.name())),
                "{}",
                c.id()
            );
        }
    }

    #[test]
    fn a_page_carries_title_level_and_text() {
        let p = page(Code::ErrorResponsesWithoutCors);
        assert!(p.contains("# CF0903: error-responses-without-cors"), "{p}");
        assert!(p.contains("Level: **warning**"), "{p}");
        assert!(p.contains(Code::ErrorResponsesWithoutCors.explanation()));
    }
}
