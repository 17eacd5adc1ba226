//! The upstream client of `serve --upstream`: one blocking request per call
//! through ureq (the client `probe` already uses: maintained, HTTPS through
//! rustls, keep-alive pooling, interim 1xx responses consumed rather than
//! returned). Its responses are parsed by a real HTTP parser, so a header line
//! ending in a bare LF is a header like any other and reaches the CORS
//! stripping in [`crate::serve::handle`] by its name.
//!
//! What is not end-to-end is dropped both ways: the hop-by-hop headers of
//! RFC 9110 section 7.6.1 (and any named in `Connection`), `Host` (the
//! upstream's own), the framing headers (the body is re-framed) and `Expect`
//! (the body has already been received; serve answered the 100 itself).

use crate::serve::{Backend, HttpRequest, Upstream};
use std::time::Duration;

/// Upstream bodies above this are refused (502), not buffered.
const MAX_UPSTREAM_BODY: u64 = 16 * 1024 * 1024;

/// RFC 9110 section 7.6.1, plus the pre-standard `Proxy-Connection`.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// Headers also listed in a message's own `Connection` header.
fn connection_tokens(headers: &[(String, String)]) -> Vec<String> {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("connection"))
        .flat_map(|(_, v)| v.split(','))
        .map(|t| t.trim().to_ascii_lowercase())
        .filter(|t| !t.is_empty())
        .collect()
}

fn end_to_end(headers: &[(String, String)], also_drop: &[&str]) -> Vec<(String, String)> {
    let named = connection_tokens(headers);
    headers
        .iter()
        .filter(|(n, _)| {
            let l = n.to_ascii_lowercase();
            !HOP_BY_HOP.contains(&l.as_str())
                && !also_drop.contains(&l.as_str())
                && !named.contains(&l)
        })
        .cloned()
        .collect()
}

pub struct HttpUpstream {
    /// `scheme://authority/prefix`, without a trailing slash.
    base: String,
    agent: ureq::Agent,
}

impl HttpUpstream {
    /// `url` must be `http://` or `https://` with a host, and no query or
    /// fragment; its path is kept as a prefix of every forwarded path.
    pub fn new(url: &str) -> Result<HttpUpstream, String> {
        let uri: ureq::http::Uri = url
            .parse()
            .map_err(|e| format!("--upstream {url}: not a URL ({e})"))?;
        match uri.scheme_str() {
            Some("http" | "https") => {}
            _ => {
                return Err(format!(
                    "--upstream {url}: use an http:// or https:// URL, such as http://127.0.0.1:3000"
                ));
            }
        }
        if uri.host().is_none_or(str::is_empty) {
            return Err(format!("--upstream {url}: no host"));
        }
        if uri.query().is_some() || url.contains('#') {
            return Err(format!(
                "--upstream {url}: a query or fragment cannot prefix every request; give the base URL only"
            ));
        }
        let config = ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .allow_non_standard_methods(true)
            .timeout_global(Some(Duration::from_secs(60)))
            .build();
        Ok(HttpUpstream {
            base: url.trim_end_matches('/').to_string(),
            agent: ureq::Agent::new_with_config(config),
        })
    }

    /// The URL a request target (`/path?query`) is forwarded to.
    pub fn url_for(&self, target: &str) -> String {
        format!("{}{target}", self.base)
    }
}

impl Backend for HttpUpstream {
    fn forward(&self, req: &HttpRequest) -> Result<Upstream, String> {
        let url = self.url_for(&req.target);
        let mut builder = ureq::http::Request::builder()
            .method(req.method.as_str())
            .uri(&url);
        for (n, v) in end_to_end(&req.headers, &["host", "content-length", "expect"]) {
            builder = builder.header(n, v);
        }
        // A request with no body is sent without one (no `Content-Length: 0` on a GET).
        let sent = if req.body.is_empty() {
            builder
                .body(())
                .map_err(|e| e.to_string())
                .and_then(|r| self.agent.run(r).map_err(|e| e.to_string()))
        } else {
            builder
                .body(req.body.clone())
                .map_err(|e| e.to_string())
                .and_then(|r| self.agent.run(r).map_err(|e| e.to_string()))
        };
        let mut resp = sent.map_err(|e| format!("{url}: {e}"))?;
        let status = resp.status().as_u16();
        let headers = crate::cli::http::header_pairs(resp.headers());
        // A HEAD answer keeps the upstream's Content-Length: it describes the
        // body a GET would get, and there is no body to re-frame.
        let framing: &[&str] = if req.method == "HEAD" {
            &[]
        } else {
            &["content-length"]
        };
        let headers = end_to_end(&headers, framing);
        let body = resp
            .body_mut()
            .with_config()
            .limit(MAX_UPSTREAM_BODY)
            .read_to_vec()
            .map_err(|e| format!("{url}: reading the body: {e}"))?;
        Ok(Upstream {
            status,
            headers,
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn hop_by_hop_and_connection_named_headers_are_dropped() {
        let kept = end_to_end(
            &h(&[
                ("Connection", "keep-alive, X-Secret"),
                ("Keep-Alive", "timeout=5"),
                ("x-secret", "1"),
                ("Transfer-Encoding", "chunked"),
                ("Content-Type", "text/plain"),
                ("Host", "a"),
            ]),
            &["host"],
        );
        assert_eq!(kept, h(&[("Content-Type", "text/plain")]));
    }

    #[test]
    fn the_upstream_path_is_a_prefix() {
        let u = HttpUpstream::new("http://127.0.0.1:9/api/").unwrap();
        assert_eq!(u.url_for("/items?x=1"), "http://127.0.0.1:9/api/items?x=1");
        assert!(HttpUpstream::new("https://example.com").is_ok());
        assert!(HttpUpstream::new("ftp://example.com").is_err());
        assert!(HttpUpstream::new("http://example.com/?a=1").is_err());
        assert!(HttpUpstream::new("127.0.0.1:3000").is_err());
    }
}
