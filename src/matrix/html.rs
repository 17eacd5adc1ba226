//! The matrix as one self-contained HTML page: no script, style sheet, font
//! or image is fetched from anywhere (the page must open from a file, behind
//! a firewall, and make no request of its own). Semantic table markup; each
//! verdict is written in text as well as colour; a cell is a `<details>`
//! whose summary is the three verdicts and whose body is explain's own text
//! for that request, so reading needs no JavaScript.

use super::{Cell, Matrix, Verdict};
use crate::markup::html as esc;
use std::fmt::Write as _;

/// The page for `m`, built from the policy named `policy_name`.
pub fn render(policy_name: &str, m: &Matrix) -> String {
    let mut out = String::with_capacity(4096 + m.rows.len() * m.columns.len() * 2048);
    let title = format!("CORS matrix: {policy_name}");
    out.push_str(&crate::markup::page_head(&title, STYLE));
    let _ = writeln!(
        out,
        "<p>Every route and method, from every origin{}: requests {}, {}. Each cell gives the browser's verdict on the preflight, the actual response and an error response of API Gateway; open a cell for explain's reasoning.</p>",
        m.environment
            .as_deref()
            .map(|e| format!(" (environment <code>{}</code>)", esc(e)))
            .unwrap_or_default(),
        if m.credentials {
            "with credentials"
        } else {
            "without credentials"
        },
        if m.headers.is_empty() {
            "with no author headers".to_string()
        } else {
            format!("with headers <code>{}</code>", esc(&m.headers.join(", ")))
        }
    );
    out.push_str("<table>\n<caption>Browser verdicts per route, method and origin</caption>\n<thead>\n<tr><th scope=\"col\">Method</th><th scope=\"col\">Route</th>");
    for c in &m.columns {
        let note = match (c.kind, &c.of) {
            ("allowed", Some(p)) => format!("allowed: sample of {p}"),
            ("lookalike", Some(o)) => format!("refused lookalike of {o}"),
            ("null", _) => "the null origin".into(),
            (k, _) => k.into(),
        };
        let _ = write!(
            out,
            "<th scope=\"col\" class=\"{}\"><code>{}</code><br><small>{}</small></th>",
            c.kind,
            esc(&c.origin),
            esc(&note)
        );
    }
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    for row in &m.rows {
        let Some(first) = row.first() else { continue };
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><th scope=\"row\"><code>{}</code></th>",
            esc(&first.method),
            esc(&first.route)
        );
        for c in row {
            cell(&mut out, policy_name, c);
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    let cells: Vec<&Cell> = m.rows.iter().flatten().collect();
    let allowed = cells.iter().filter(|c| c.allowed).count();
    let _ = writeln!(
        out,
        "<p>{} requests: {allowed} allowed, {} blocked.</p>\n</body>\n</html>",
        cells.len(),
        cells.len() - allowed
    );
    out
}

fn word(v: Verdict) -> &'static str {
    match v {
        Verdict::Allowed => "allowed",
        Verdict::Blocked => "blocked",
    }
}

fn cell(out: &mut String, policy_name: &str, c: &Cell) {
    let pre = if c.preflight_sent {
        word(c.preflight)
    } else {
        "not sent"
    };
    let _ = write!(
        out,
        "<td class=\"{}\" data-origin=\"{}\" data-method=\"{}\" data-path=\"{}\" data-verdict=\"{}\"><details><summary><span class=\"v {}\">{}</span> <span class=\"k\">preflight {pre}, actual {}, error {}</span></summary><pre>{}</pre></details></td>",
        if c.allowed { "ok" } else { "no" },
        esc(&c.origin),
        esc(&c.method),
        esc(&c.path),
        if c.allowed { "allowed" } else { "blocked" },
        if c.allowed { "ok" } else { "no" },
        if c.allowed { "allowed" } else { "blocked" },
        word(c.actual),
        word(c.error),
        esc(&crate::explain::human(policy_name, &c.report))
    );
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#111}table{border-collapse:collapse}th,td{border:1px solid #999;padding:.25rem .4rem;vertical-align:top;text-align:left}thead th{position:sticky;top:0;background:#f4f4f4}td.ok{background:#e6f4e6}td.no{background:#fbe3e3}th.lookalike,th.null{color:#6b0000}.v{font-weight:bold}.k{font-size:.8em;display:block}pre{white-space:pre-wrap;max-width:60ch;font-size:.8em}summary{cursor:pointer}";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::SourceFile;

    #[test]
    fn the_page_fetches_nothing_and_escapes_what_it_shows() {
        let p = crate::check(&SourceFile::new(
            "p.toml",
            "version = 1\n[api]\nname = \"shop\"\ntype = \"http\"\n[cors]\nallow_origins = [\"https://app.example.com\"]\n[[routes]]\npath = \"/a\"\nmethods = [\"GET\", \"PUT\"]\n",
        ))
        .0
        .unwrap();
        let m = super::super::matrix(&p, &[], false, None);
        let page = render("<p>.toml", &m);
        for fetch in ["src=", "href=", "url(", "@import", "<script"] {
            assert!(!page.contains(fetch), "{fetch}");
        }
        assert!(page.contains("&lt;p&gt;.toml"));
        assert!(!page.contains("<p>.toml"));
        assert_eq!(page.matches("<td ").count(), 2 * m.columns.len());
        assert!(page.contains("data-verdict=\"allowed\""));
        assert!(page.contains("data-verdict=\"blocked\""));
    }
}
