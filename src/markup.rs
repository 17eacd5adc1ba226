//! Escaping for the pages and reports corsform writes: HTML (explain's
//! matrix, probe's and audit's pages) and XML (JUnit reports), and the head
//! those pages share. One place, so every report escapes the same characters
//! the same way and every page fetches nothing.

/// The start of a self-contained page, through its `<h1>`: a Content Security
/// Policy that allows no fetch at all (inline style only), so the page opens
/// from a file or behind a firewall and requests nothing of its own.
pub fn page_head(title: &str, style: &str) -> String {
    page_head_csp(
        title,
        style,
        "default-src 'none'; style-src 'unsafe-inline'",
    )
}

/// [`page_head`] with another Content Security Policy (serve's try-it page
/// allows its own script and fetches to the API's origin, nothing else).
pub fn page_head_csp(title: &str, style: &str, csp: &str) -> String {
    let title = html(title);
    // Quotes of the policy's keywords stay as written; what could end the
    // attribute or start markup is escaped.
    let csp = csp
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n<title>{title}</title>\n<style>{style}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
    )
}

/// Text for HTML content and attribute values.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text for XML content and attribute values; characters XML 1.0 cannot hold
/// at all (control characters a server might send) become U+FFFD.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
