//! The matrix as a terminal table: a numbered legend of the origins, then one
//! line per route and method with three symbols per origin (preflight, actual
//! response, error response). Origins are long, so columns are numbered; when
//! they do not fit `width`, the table repeats in blocks of columns that do.

use super::{Cell, Matrix, Verdict};
use std::fmt::Write as _;

const ALLOWED: char = '✓';
const BLOCKED: char = '✗';
const NOT_SENT: char = '·';
/// Three symbols and a space.
const CELL: usize = 4;

/// The table, at most `width` columns wide where the route labels allow.
pub fn render(policy_name: &str, m: &Matrix, width: usize, colour: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{policy_name}: every route and method, from every origin{}",
        m.environment
            .as_deref()
            .map(|e| format!(" (environment {e})"))
            .unwrap_or_default()
    );
    let _ = writeln!(
        out,
        "request: {}, {}",
        if m.credentials {
            "with credentials"
        } else {
            "without credentials"
        },
        if m.headers.is_empty() {
            "no author headers".to_string()
        } else {
            format!("headers {}", m.headers.join(", "))
        }
    );
    out.push_str("\norigins:\n");
    let digits = m.columns.len().to_string().len();
    let origin_width = m
        .columns
        .iter()
        .map(|c| c.origin.chars().count())
        .max()
        .unwrap_or(0);
    for (i, c) in m.columns.iter().enumerate() {
        let what = match (c.kind, &c.of) {
            ("allowed", Some(p)) => format!("allowed ({p})"),
            ("lookalike", Some(o)) => format!("refused lookalike of {o}"),
            ("null", _) => "sandboxed frames, file: pages".into(),
            (k, _) => k.into(),
        };
        let _ = writeln!(
            out,
            "  {:>digits$}  {:<origin_width$}  {what}",
            i + 1,
            c.origin
        );
    }
    let _ = writeln!(
        out,
        "\neach cell: preflight, actual response, error response; {ALLOWED} allowed, {BLOCKED} blocked, {NOT_SENT} no preflight (a simple request)\n"
    );
    let labels: Vec<String> = m
        .rows
        .iter()
        .map(|row| {
            row.first()
                .map(|c| format!("{:<7}{}", c.method, c.route))
                .unwrap_or_default()
        })
        .collect();
    let label_width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) + 2;
    let per_block = (width.saturating_sub(label_width) / CELL).max(1);
    let n = m.columns.len();
    let mut start = 0;
    while start < n {
        let end = (start + per_block).min(n);
        let _ = write!(out, "{:label_width$}", "");
        for i in start..end {
            let _ = write!(out, "{:<CELL$}", i + 1);
        }
        let trimmed = out.trim_end_matches(' ').len();
        out.truncate(trimmed);
        out.push('\n');
        for (label, row) in labels.iter().zip(&m.rows) {
            let _ = write!(out, "{label:label_width$}");
            for c in &row[start..end] {
                let _ = write!(out, "{} ", symbols(c, colour));
            }
            // No trailing spaces.
            let trimmed = out.trim_end_matches(' ').len();
            out.truncate(trimmed);
            out.push('\n');
        }
        start = end;
        if start < n {
            out.push('\n');
        }
    }
    let cells: Vec<&Cell> = m.rows.iter().flatten().collect();
    let allowed = cells.iter().filter(|c| c.allowed).count();
    let _ = writeln!(
        out,
        "\n{} requests: {allowed} allowed, {} blocked",
        cells.len(),
        cells.len() - allowed
    );
    out
}

fn symbol(v: Verdict) -> char {
    match v {
        Verdict::Allowed => ALLOWED,
        Verdict::Blocked => BLOCKED,
    }
}

/// The three symbols of a cell; `colour`: green where the whole request is
/// allowed, red where it is not (ANSI; stripped from pipes by the caller's
/// writer), the symbols saying the same without colour.
pub fn symbols(c: &Cell, colour: bool) -> String {
    let pre = if c.preflight_sent {
        symbol(c.preflight)
    } else {
        NOT_SENT
    };
    let text: String = [pre, symbol(c.actual), symbol(c.error)].iter().collect();
    match (colour, c.allowed) {
        (false, _) => text,
        (true, true) => format!("\x1b[32m{text}\x1b[0m"),
        (true, false) => format!("\x1b[31m{text}\x1b[0m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::SourceFile;

    #[test]
    fn the_table_fits_the_width_and_wraps_columns() {
        let mut text = String::from(
            "version = 1\n[api]\nname = \"shop\"\ntype = \"rest\"\n[cors]\nallow_origins = [",
        );
        let origins: Vec<String> = (0..30)
            .map(|i| format!("\"https://app{i}.example.com\""))
            .collect();
        text.push_str(&origins.join(", "));
        text.push_str("]\n[[routes]]\npath = \"/orders/{id}\"\nmethods = [\"GET\", \"PUT\"]\n");
        let p = crate::check(&SourceFile::new("p.toml", text)).0.unwrap();
        let m = super::super::matrix(&p, &[], false, None);
        let t = render("p.toml", &m, 100, false);
        let table: Vec<&str> = t
            .lines()
            .filter(|l| l.starts_with("GET") || l.starts_with("PUT") || l.starts_with(' '))
            .filter(|l| !l.starts_with("  ") || l.trim_start().starts_with(char::is_numeric))
            .collect();
        for l in t
            .lines()
            .filter(|l| l.starts_with("GET") || l.starts_with("PUT"))
        {
            assert!(l.chars().count() <= 100, "{l}");
        }
        // 61 origins (30 allowed, 30 lookalikes, null) do not fit one block.
        assert!(
            t.lines().filter(|l| l.starts_with("PUT")).count() >= 2,
            "{t}"
        );
        assert!(!table.is_empty());
        // PUT from the first origin: preflight and actual allowed; from a
        // lookalike: blocked at the preflight.
        let put = t.lines().find(|l| l.starts_with("PUT")).unwrap();
        assert!(put.contains("✓✓✓"), "{put}");
        assert!(
            t.contains("61 requests") || t.contains("122 requests"),
            "{t}"
        );
    }
}
