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
//!
//! Per proxied request (issue 28): ureq resolves the host before it looks in
//! its pool, and with a timeout set its resolver starts a thread per lookup;
//! [`OnceResolver`] keeps the answer for a while instead. The pool keeps as
//! many idle connections as serve has blocking workers in use at once, not
//! ureq's default of 3, so a busy upstream is not reconnected to per request.

use crate::serve::{Backend, HttpRequest, Upstream};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

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

/// How long a resolved upstream address is used before it is looked up
/// again: the upstream is one host, usually local; a DNS change is seen
/// within this.
const RESOLVE_TTL: Duration = Duration::from_secs(30);

/// The most proxied requests in flight at once: each holds one of serve's
/// blocking threads while ureq waits for the upstream.
pub const BLOCKING_THREADS: usize = 64;

/// Idle keep-alive connections kept to the upstream: one per request that
/// can be in flight, so none is closed only to be opened again.
const IDLE_CONNECTIONS: usize = BLOCKING_THREADS;

/// ureq's resolver, asked once per [`RESOLVE_TTL`] per scheme and authority.
#[derive(Debug, Default)]
struct OnceResolver {
    inner: DefaultResolver,
    last: Mutex<Option<(String, Instant, ResolvedSocketAddrs)>>,
}

impl Resolver for OnceResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let key = format!(
            "{}://{}",
            uri.scheme_str().unwrap_or(""),
            uri.authority().map_or("", |a| a.as_str())
        );
        if let Ok(last) = self.last.lock()
            && let Some((k, at, addrs)) = last.as_ref()
            && *k == key
            && at.elapsed() < RESOLVE_TTL
        {
            return Ok(addrs.clone());
        }
        let addrs = self.inner.resolve(uri, config, timeout)?;
        if let Ok(mut last) = self.last.lock() {
            *last = Some((key, Instant::now(), addrs.clone()));
        }
        Ok(addrs)
    }
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
            .max_idle_connections(IDLE_CONNECTIONS)
            .max_idle_connections_per_host(IDLE_CONNECTIONS)
            .build();
        Ok(HttpUpstream {
            base: url.trim_end_matches('/').to_string(),
            agent: ureq::Agent::with_parts(
                config,
                DefaultConnector::default(),
                OnceResolver::default(),
            ),
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

    /// The second lookup within the TTL is the first one's answer (ureq's
    /// resolver is not asked, so no thread is started); an old one is not.
    #[test]
    fn the_upstream_is_resolved_once_per_ttl() {
        let r = OnceResolver::default();
        let uri: ureq::http::Uri = "http://localhost:9/x".parse().unwrap();
        let config = ureq::config::Config::default();
        let timeout = NextTimeout {
            after: ureq::unversioned::transport::time::Duration::NotHappening,
            reason: ureq::Timeout::Resolve,
            per_read: None,
            per_write: None,
        };
        let real = r.resolve(&uri, &config, timeout).unwrap();
        assert!(real.iter().all(|a| a.ip().is_loopback()), "{real:?}");
        // What the cache says is what comes back while it is fresh.
        let mut planted = r.empty();
        planted.push("10.9.9.9:9".parse().unwrap());
        let fresh = Instant::now();
        *r.last.lock().unwrap() = Some(("http://localhost:9".into(), fresh, planted.clone()));
        assert_eq!(r.resolve(&uri, &config, timeout).unwrap()[..], planted[..]);
        // Another authority, or an expired entry, is looked up again.
        let other: ureq::http::Uri = "http://127.0.0.1:9/x".parse().unwrap();
        assert_ne!(
            r.resolve(&other, &config, timeout).unwrap()[..],
            planted[..]
        );
        let old = Instant::now() - RESOLVE_TTL - Duration::from_secs(1);
        *r.last.lock().unwrap() = Some(("http://localhost:9".into(), old, planted.clone()));
        assert_ne!(r.resolve(&uri, &config, timeout).unwrap()[..], planted[..]);
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
