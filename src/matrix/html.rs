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
    render_with(policy_name, m, &Extras::default())
}

/// What serve adds to the page ([`crate::serve::page`]): a paragraph after
/// the title, and the try-it column.
#[derive(Debug, Default)]
pub struct Extras<'a> {
    /// HTML, already escaped, shown before the matrix.
    pub intro: Option<String>,
    pub try_it: Option<&'a TryIt>,
}

/// The page is hosted on a second origin of serve's: each row gets a try-it
/// cell that sends the row's request from that origin, the only origin a
/// page's own `fetch` can have, next to explain's verdict for that origin.
#[derive(Debug)]
pub struct TryIt {
    /// The page's origin (`http://127.0.0.1:PORT`): the try-it requests'.
    pub page_origin: String,
    /// The API's base URL the requests go to.
    pub api_base: String,
    /// Explain's verdict on each row's request from `page_origin`, in row order.
    pub predictions: Vec<Cell>,
    /// The Content Security Policy of the page: scripts from the page's
    /// origin only, fetches to the API's only.
    pub csp: String,
}

/// The try-it script's path, on the page's origin.
pub const TRY_SCRIPT: &str = "/__corsform/try.js";

/// [`render`] with serve's additions.
pub fn render_with(policy_name: &str, m: &Matrix, extras: &Extras) -> String {
    let try_it = extras.try_it;
    let mut out = String::with_capacity(4096 + m.rows.len() * m.columns.len() * 2048);
    let title = format!("CORS matrix: {policy_name}");
    match try_it {
        // The script in the head, deferred: fetched while the table is
        // parsed, run once it is (at the end of the body, the parser stalled
        // on its fetch and laid the 2,000-cell table out first: 0.5 s more).
        Some(t) => out.push_str(
            &crate::markup::page_head_csp(&title, STYLE, &t.csp).replacen(
                "</head>",
                &format!("<script src=\"{TRY_SCRIPT}\" defer></script>\n</head>"),
                1,
            ),
        ),
        None => out.push_str(&crate::markup::page_head(&title, STYLE)),
    }
    if let Some(intro) = &extras.intro {
        out.push_str(intro);
        out.push('\n');
    }
    if let Some(t) = try_it {
        let _ = writeln!(
            out,
            "<p>Try it: a browser's <code>fetch</code> can only come from the page's own origin, so the Try it column sends each row's request from <code>{}</code> (this page) to the API at <code>{}</code> and shows the browser's own verdict next to corsform's for that origin. <button type=\"button\" id=\"try-all\" data-api=\"{}\" hidden>Try every row</button></p>",
            esc(&t.page_origin),
            esc(&t.api_base),
            esc(&t.api_base)
        );
    }
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
    if let Some(t) = try_it {
        let _ = write!(
            out,
            "<th scope=\"col\" class=\"try\">Try it from <code>{}</code><br><small>this page's origin</small></th>",
            esc(&t.page_origin)
        );
    }
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
    for (i, row) in m.rows.iter().enumerate() {
        let Some(first) = row.first() else { continue };
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><th scope=\"row\"><code>{}</code></th>",
            esc(&first.method),
            esc(&first.route)
        );
        if let Some(p) = try_it.and_then(|t| t.predictions.get(i)) {
            try_cell(&mut out, p, m.credentials);
        }
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

/// A row's try-it cell: explain's verdict for the page's origin in words,
/// and a button (shown by the script) whose result goes in the `<output>`.
fn try_cell(out: &mut String, p: &Cell, credentials: bool) {
    let predicted = if p.allowed { "allowed" } else { "blocked" };
    let _ = write!(
        out,
        "<td class=\"try\" data-try-origin=\"{}\" data-try-method=\"{}\" data-try-path=\"{}\" data-credentials=\"{credentials}\" data-predicted=\"{predicted}\"><span class=\"k\">corsform: <b>{predicted}</b></span> <button type=\"button\" class=\"try\" hidden>try it</button> <output></output></td>",
        esc(&p.origin),
        esc(&p.method),
        esc(&p.path),
    );
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

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#111}table{border-collapse:collapse}th,td{border:1px solid #999;padding:.25rem .4rem;vertical-align:top;text-align:left}thead th{position:sticky;top:0;background:#f4f4f4}td.ok{background:#e6f4e6}td.no{background:#fbe3e3}th.lookalike,th.null{color:#6b0000}.v{font-weight:bold}.k{font-size:.8em;display:block}pre{white-space:pre-wrap;max-width:60ch;font-size:.8em}summary{cursor:pointer}td.try{background:#f4f4ff}output{display:block;font-size:.8em}output.agree{color:#064}output.disagree{color:#a00;font-weight:bold}";

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

    #[test]
    fn the_try_it_column_names_its_origin_and_loads_only_its_script() {
        let p = crate::check(&SourceFile::new(
            "p.toml",
            "version = 1\n[api]\nname = \"shop\"\ntype = \"http\"\n[cors]\nallow_origins = [\"http://localhost:5173\"]\n[[routes]]\npath = \"/a\"\nmethods = [\"GET\", \"PUT\"]\n",
        ))
        .0
        .unwrap();
        let m = super::super::matrix(&p, &[], false, None);
        let t = TryIt {
            page_origin: "http://localhost:5173".into(),
            api_base: "http://localhost:8787".into(),
            predictions: m.rows.iter().map(|r| r[0].clone()).collect(),
            csp: "default-src 'none'; script-src 'self'; connect-src http://localhost:8787".into(),
        };
        let extras = Extras {
            intro: None,
            try_it: Some(&t),
        };
        let page = render_with("p.toml", &m, &extras);
        assert!(page.contains(
            "content=\"default-src 'none'; script-src 'self'; connect-src http://localhost:8787\""
        ));
        assert_eq!(page.matches("<td class=\"try\"").count(), m.rows.len());
        assert_eq!(page.matches("<script").count(), 1);
        assert!(page.contains("<script src=\"/__corsform/try.js\" defer></script>\n</head>"));
        // The buttons need the script: hidden until it runs.
        assert_eq!(page.matches("hidden>").count(), m.rows.len() + 1);
        // The matrix cells are the same as without try-it.
        assert_eq!(
            page.matches("data-verdict=").count(),
            render("p.toml", &m).matches("data-verdict=").count()
        );
    }
}
