//! `audit --format html` (issue 32): the findings as one self-contained page,
//! in the style of `explain --matrix`'s ([`crate::matrix::html`]): no
//! script, style sheet, font or image is fetched (a CSP meta forbids it),
//! severity in words as well as colour, readable without JavaScript. One
//! section per file; each finding a table row with its rule, message, help
//! and the source lines of its span (the span itself in `<mark>`), built
//! from the diagnostics and the file text, not from the human rendering.

use crate::diagnostic::{Diagnostic, SourceFile, Tally};
use crate::markup::html as esc;
use std::fmt::Write as _;

/// Source lines shown per finding at most; a longer span is cut, saying so.
const MAX_LINES: usize = 12;

/// The page for `results` (each file with its findings).
pub fn render(results: &[(SourceFile, Vec<Diagnostic>)]) -> String {
    let t = Tally::of(results.iter().flat_map(|(_, d)| d.iter()));
    let mut out = String::with_capacity(4096);
    let title = "corsform audit";
    out.push_str(&crate::markup::page_head(title, STYLE));
    let _ = writeln!(
        out,
        "<p>{} files read: {} errors, {} warnings, {} notes.</p>",
        results.len(),
        t.errors,
        t.warnings,
        t.notes
    );
    for (file, ds) in results {
        let _ = writeln!(out, "<section>\n<h2><code>{}</code></h2>", esc(&file.name));
        if ds.is_empty() {
            out.push_str("<p>No findings.</p>\n</section>\n");
            continue;
        }
        let _ = writeln!(
            out,
            "<table>\n<caption>Findings in <code>{}</code></caption>\n<thead>\n<tr><th scope=\"col\">Severity</th><th scope=\"col\">Rule</th><th scope=\"col\">Line</th><th scope=\"col\">Finding</th></tr>\n</thead>\n<tbody>",
            esc(&file.name)
        );
        for d in ds {
            finding(&mut out, file, d);
        }
        out.push_str("</tbody>\n</table>\n</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn finding(out: &mut String, file: &SourceFile, d: &Diagnostic) {
    let sev = d.severity().as_str();
    let (start, _) = file.range(&d.span.clone().unwrap_or(0..0));
    let _ = write!(
        out,
        "<tr class=\"{sev}\" data-code=\"{}\" data-severity=\"{sev}\" data-line=\"{}\"><td class=\"sev\">{sev}</td><td><code>{}</code> {}</td><td>{}:{}</td><td><p>{}</p>",
        d.code.id(),
        start.line,
        d.code.id(),
        esc(d.code.name()),
        start.line,
        start.column,
        esc(&d.message)
    );
    if let Some(span) = &d.span {
        out.push_str("<pre>");
        source_lines(out, &file.text, span.clone());
        out.push_str("</pre>");
    }
    if let Some(label) = &d.label {
        let _ = write!(out, "<p>{}</p>", esc(label));
    }
    if let Some(help) = &d.help {
        let _ = write!(out, "<p>help: {}</p>", esc(help));
    }
    out.push_str("</td></tr>\n");
}

/// The lines `span` touches, numbered, the span's bytes inside `<mark>`.
fn source_lines(out: &mut String, text: &str, span: std::ops::Range<usize>) {
    let mut offset = 0;
    let mut shown = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let (from, to) = (offset, offset + line.len());
        offset = to;
        // A line is shown when the span overlaps it (an empty span: the line it is on).
        let touches = if span.is_empty() {
            span.start >= from && span.start < to.max(from + 1)
        } else {
            span.start < to && span.end > from
        };
        if !touches {
            continue;
        }
        if shown == MAX_LINES {
            out.push_str("     | ...\n");
            return;
        }
        shown += 1;
        let body = line.trim_end_matches(['\n', '\r']);
        let (a, b) = (
            span.start.clamp(from, from + body.len()) - from,
            span.end.clamp(from, from + body.len()) - from,
        );
        let _ = write!(out, "{:>4} | ", i + 1);
        match (body.get(..a), body.get(a..b), body.get(b..)) {
            (Some(pre), Some(mid), Some(post)) if !mid.is_empty() => {
                let _ = write!(out, "{}<mark>{}</mark>{}", esc(pre), esc(mid), esc(post));
            }
            _ => out.push_str(&esc(body)),
        }
        out.push('\n');
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#111}table{border-collapse:collapse;margin-bottom:1rem}th,td{border:1px solid #999;padding:.25rem .4rem;vertical-align:top;text-align:left}tr.error td.sev{background:#fbe3e3;color:#6b0000;font-weight:bold}tr.warning td.sev{background:#fff3cd;font-weight:bold}tr.note td.sev{background:#e8eef8}pre{white-space:pre-wrap;font-size:.8em;margin:.3rem 0}mark{background:#ffe08a}p{margin:.2rem 0}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_span_is_marked_on_its_numbered_lines() {
        let mut out = String::new();
        source_lines(&mut out, "a = 1\nb = \"<x>\"\nc = 3\n", 10..15);
        assert_eq!(out, "   2 | b = <mark>&quot;&lt;x&gt;&quot;</mark>\n");
    }
}
