//! `probe --format html` (issue 32): the deployment's real answers as one
//! self-contained page, in the style of `explain --matrix`'s
//! ([`crate::matrix::html`]): no script, style sheet, font or image is
//! fetched (a CSP meta forbids it), semantic table markup, every verdict in
//! words as well as colour, and a `<details>` per cell holding the human
//! report's own lines for that check, so reading needs no JavaScript.
//!
//! Rows are probe's checks grouped by route and method (a preflight, an
//! actual GET or HEAD, the no-such-route request, and each pair of the
//! shared-cache check, whose row says which origin went first); columns are the origins
//! probe sent, in the order it first sent them. A cell shows what a browser
//! makes of the deployment's answer (allowed, blocked, no answer) and, with
//! a policy, whether that answer agrees with it.

use super::Verdict;
use super::plan::{Check, Kind};
use super::report::{Report, check_lines, summary_line};
use crate::markup::html as esc;
use std::fmt::Write as _;

/// A row's key (see [`row_key`]).
type RowKey = (String, Kind, &'static str, String, Option<u8>);

/// The row a check belongs to: route (or path, for the no-such-route
/// request), kind, method, the preflight's asked method and headers, and
/// the pair of the shared-cache check ([`crate::probe::cache`]) it is in.
fn row_key(c: &Check) -> RowKey {
    let asks = match &c.request_method {
        Some(m) if c.request_headers.is_empty() => m.clone(),
        Some(m) => format!("{m} with {}", c.request_headers.join(", ")),
        None => String::new(),
    };
    (
        c.route.clone().unwrap_or_else(|| c.path.clone()),
        c.kind,
        c.method.as_str(),
        asks,
        c.cache.as_ref().map(|s| s.pair),
    )
}

/// The words a cell shows for the deployment's answer.
pub fn deployment_verdict(v: &Verdict) -> &'static str {
    if v.unreachable.is_some() {
        "no answer"
    } else if v.browser_allows {
        "allowed"
    } else {
        "blocked"
    }
}

/// The words for the finding: with a policy, agreement with it; without,
/// whether a misconfiguration was found.
pub fn finding(v: &Verdict, with_policy: bool) -> &'static str {
    match (v.ok(), with_policy) {
        (true, true) => "as the policy",
        (false, true) => "differs from the policy",
        (true, false) => "no finding",
        (false, false) => "finding",
    }
}

/// The page for `r`.
pub fn render(r: &Report) -> String {
    let mut out = String::with_capacity(4096 + r.results.len() * 1024);
    let title = match &r.policy {
        Some((file, name, _)) => format!("CORS probe of {} against {file} ({name})", r.url),
        None => format!("CORS probe of {} (no policy)", r.url),
    };
    out.push_str(&crate::markup::page_head(&title, STYLE));
    let _ = writeln!(
        out,
        "<p>Each cell is what a browser makes of the deployment's real answer to that request (allowed, blocked, or no answer){}. Open a cell for the response's details.</p>",
        if r.policy.is_some() {
            ", and whether the answer agrees with the policy"
        } else {
            ", and whether probe found a misconfiguration there"
        }
    );
    let mut origins: Vec<&str> = Vec::new();
    let mut rows: Vec<(RowKey, Vec<&(Check, Verdict)>)> = Vec::new();
    for rv in &r.results {
        let o = rv.0.origin.value.as_str();
        if !origins.contains(&o) {
            origins.push(o);
        }
        let key = row_key(&rv.0);
        match rows.iter_mut().find(|(k, _)| *k == key) {
            Some((_, checks)) => checks.push(rv),
            None => rows.push((key, vec![rv])),
        }
    }
    out.push_str("<table>\n<caption>The deployment's answers per route, request and origin</caption>\n<thead>\n<tr><th scope=\"col\">Route</th><th scope=\"col\">Request</th>");
    for o in &origins {
        let _ = write!(out, "<th scope=\"col\"><code>{}</code></th>", esc(o));
    }
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    let width = origins.iter().map(|o| o.len()).max().unwrap_or(0);
    for ((route, kind, method, asks, pair), checks) in &rows {
        let mut request = match kind {
            Kind::Preflight if asks.is_empty() => format!("{method} (preflight)"),
            Kind::Preflight => format!("{method} (preflight asking for {asks})"),
            Kind::Actual => (*method).to_string(),
            Kind::NoRoute => format!("{method} (no such route)"),
        };
        if let Some(pair) = pair {
            let order: Vec<&str> = checks
                .iter()
                .map(|(c, _)| c.origin.value.as_str())
                .collect();
            request.push_str(&format!(
                ", cache check {pair}: {} (a cache keyed without Origin hands the first answer to the second)",
                order.join(" then ")
            ));
        }
        let _ = write!(
            out,
            "<tr><th scope=\"row\"><code>{}</code></th><th scope=\"row\">{}</th>",
            esc(route),
            esc(&request)
        );
        for o in &origins {
            let here: Vec<&&(Check, Verdict)> = checks
                .iter()
                .filter(|(c, _)| c.origin.value == *o)
                .collect();
            if here.is_empty() {
                out.push_str("<td class=\"none\">not sent</td>");
                continue;
            }
            for (c, v) in here {
                cell(&mut out, c, v, r.policy.is_some(), width);
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    let _ = writeln!(
        out,
        "<p>{}</p>\n</body>\n</html>",
        esc(summary_line(&r.summary()).trim_end())
    );
    out
}

fn cell(out: &mut String, c: &Check, v: &Verdict, with_policy: bool, width: usize) {
    let verdict = deployment_verdict(v);
    let class = if v.ok() { "ok" } else { "diff" };
    let _ = write!(
        out,
        "<td class=\"{class}\" data-origin=\"{}\" data-path=\"{}\" data-kind=\"{}\" data-method=\"{}\" data-request-method=\"{}\" data-request-headers=\"{}\" data-verdict=\"{verdict}\" data-ok=\"{}\"><details><summary><span class=\"v\">{verdict}</span> <span class=\"k\">{}: {}, {}</span></summary><pre>{}</pre></details></td>",
        esc(&c.origin.value),
        esc(&c.path),
        kind_word(c.kind),
        c.method.as_str(),
        esc(c.request_method.as_deref().unwrap_or("")),
        esc(&c.request_headers.join(",")),
        v.ok(),
        finding(v, with_policy),
        v.status,
        esc(&c.origin.role.describe()),
        esc(&check_lines(c, v, width))
    );
}

fn kind_word(k: Kind) -> &'static str {
    match k {
        Kind::Preflight => "preflight",
        Kind::Actual => "actual",
        Kind::NoRoute => "no_route",
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#111}table{border-collapse:collapse}th,td{border:1px solid #999;padding:.25rem .4rem;vertical-align:top;text-align:left}thead th{position:sticky;top:0;background:#f4f4f4}td.ok{background:#e6f4e6}td.diff{background:#fbe3e3;outline:2px solid #a00}td.none{color:#666}.v{font-weight:bold}.k{font-size:.8em;display:block}pre{white-space:pre-wrap;max-width:70ch;font-size:.8em}summary{cursor:pointer}";
