//! `audit --format html` (issue 32): the findings as one self-contained page,
//! in the style of `explain --matrix`'s ([`crate::matrix::html`]): no
//! script, style sheet, font or image is fetched (a CSP meta forbids it),
//! severity in words as well as colour, readable without JavaScript. One
//! section per API and a table per file in it; each finding a table row with
//! its rule, message, help and the source lines of its span (the span itself
//! in `<mark>`), built from the diagnostics and the file text, not from the
//! human rendering. Findings do not record their API: the grouping asks
//! [`crate::audit::api_of_findings`].

use crate::diagnostic::{Diagnostic, SourceFile, Tally};
use crate::markup::html as esc;
use std::fmt::Write as _;

/// Source lines shown per finding at most; a longer span is cut, saying so.
const MAX_LINES: usize = 12;

/// The page for `results` (each file with its findings): one section per API
/// the files declare ([`crate::audit::api_of_findings`]), one table per file
/// inside it; findings of no API (a file that does not parse) and the files
/// without findings come last.
pub fn render(results: &[(SourceFile, Vec<Diagnostic>)]) -> String {
    let t = Tally::of(results.iter().flat_map(|(_, d)| d.iter()));
    let mut out = String::with_capacity(4096);
    let title = "corsform audit";
    out.push_str(&crate::markup::page_head(title, STYLE));
    let _ = writeln!(
        out,
        "<p>{} files read: {} errors, {} warnings, {} notes, grouped by the API they concern.</p>",
        results.len(),
        t.errors,
        t.warnings,
        t.notes
    );
    let groups = group_by_api(results);
    for (api, files) in &groups {
        let heading = match api {
            Some(a) => esc(a),
            None => "Findings outside any API".to_string(),
        };
        let _ = writeln!(
            out,
            "<section class=\"api\" data-api=\"{}\">\n<h2>{heading}</h2>",
            esc(api.as_deref().unwrap_or(""))
        );
        for (i, ds) in files {
            let file = &results[*i].0;
            let _ = writeln!(
                out,
                "<h3><code>{0}</code></h3>\n<table>\n<caption>Findings in <code>{0}</code></caption>\n<thead>\n<tr><th scope=\"col\">Severity</th><th scope=\"col\">Rule</th><th scope=\"col\">Line</th><th scope=\"col\">Finding</th></tr>\n</thead>\n<tbody>",
                esc(&file.name)
            );
            for d in ds {
                finding(&mut out, file, d);
            }
            out.push_str("</tbody>\n</table>\n");
        }
        out.push_str("</section>\n");
    }
    let clean: Vec<&str> = results
        .iter()
        .filter(|(_, ds)| ds.is_empty())
        .map(|(f, _)| f.name.as_str())
        .collect();
    if !clean.is_empty() {
        out.push_str("<section>\n<h2>Files without findings</h2>\n<ul>\n");
        for f in clean {
            let _ = writeln!(out, "<li><code>{}</code></li>", esc(f));
        }
        out.push_str("</ul>\n</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// A group: the API's label (`None`: no API), then per file index its findings.
type Group<'a> = (Option<String>, Vec<(usize, Vec<&'a Diagnostic>)>);

/// The findings grouped by API in the order the APIs first appear (files in
/// `results` order), each finding once: a finding two APIs raise at one
/// place (a shared file) goes to the first.
fn group_by_api(results: &[(SourceFile, Vec<Diagnostic>)]) -> Vec<Group<'_>> {
    let files: Vec<SourceFile> = results.iter().map(|(f, _)| f.clone()).collect();
    let owners = crate::audit::api_of_findings(&files);
    let mut groups: Vec<Group> = Vec::new();
    for (i, (_, ds)) in results.iter().enumerate() {
        for d in ds {
            let api = owners
                .get(i)
                .and_then(|list| list.iter().find(|o| o.code == d.code && o.span == d.span))
                .map(|o| o.api.clone());
            let g = match groups.iter().position(|(a, _)| *a == api) {
                Some(g) => g,
                None => {
                    groups.push((api, Vec::new()));
                    groups.len() - 1
                }
            };
            let files = &mut groups[g].1;
            match files.iter_mut().find(|(f, _)| *f == i) {
                Some((_, list)) => list.push(d),
                None => files.push((i, vec![d])),
            }
        }
    }
    // Findings of no API last.
    groups.sort_by_key(|(a, _)| a.is_none());
    groups
}

fn finding(out: &mut String, file: &SourceFile, d: &Diagnostic) {
    let sev = d.severity().as_str();
    let (start, _) = file.range(&d.span.clone().unwrap_or(0..0));
    let _ = write!(
        out,
        "<tr class=\"{sev}\" data-code=\"{}\" data-severity=\"{sev}\" data-line=\"{}\" data-column=\"{}\" data-file=\"{}\"><td class=\"sev\">{sev}</td><td><code>{}</code> {}</td><td>{}:{}</td><td><p class=\"msg\">{}</p>",
        d.code.id(),
        start.line,
        start.column,
        esc(&file.name),
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
        let _ = write!(out, "<p class=\"help\">help: {}</p>", esc(help));
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

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#111}table{border-collapse:collapse;margin-bottom:1rem}th,td{border:1px solid #999;padding:.25rem .4rem;vertical-align:top;text-align:left}tr.error td.sev{background:#fbe3e3;color:#6b0000;font-weight:bold}tr.warning td.sev{background:#fff3cd;font-weight:bold}tr.note td.sev{background:#e8eef8}pre{white-space:pre-wrap;font-size:.8em;margin:.3rem 0}mark{background:#ffe08a}p{margin:.2rem 0}section.api{border-top:3px solid #446;margin-top:1.5rem}h3{font-size:1rem;margin:.8rem 0 .3rem}";

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
