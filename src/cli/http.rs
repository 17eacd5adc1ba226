//! `probe`'s HTTP client: one request out, the status, every response header
//! and the start of the body back, as a [`Received`]. Only [`SafeMethod`]s can
//! be sent. Redirects are never followed (the 3xx comes back as it is, for the
//! report), 4xx and 5xx are answers, not errors, and only a failure to get any
//! answer (DNS, connect, TLS, timeout) is [`Failure::Unreachable`]. HTTPS uses
//! rustls with the bundled webpki roots; proxies come from the usual
//! environment variables. The client is shared by probe's worker threads
//! (`ureq::Agent` is a connection pool behind an `Arc`).
//!
//! A response whose header section ureq refuses (more than 128 header lines,
//! e.g. hundreds of `Set-Cookie`, or more than [`MAX_HEADER_BYTES`]) is an
//! answer too, not "cannot reach": it is read again by [`raw_get`], a minimal
//! HTTP/1.1 reader without those limits (rustls directly for `https://`, no
//! proxy); if that fails too it is [`Failure::Unreadable`], a finding.

use crate::browser::Response;
use crate::probe::Received;
use crate::probe::plan::SafeMethod;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// Bodies are read (so connections can be reused) up to this size, then dropped.
const MAX_BODY: u64 = 256 * 1024;
/// How much of a body is kept for [`crate::probe::attribution`].
const KEPT_BODY: usize = 4096;
/// The largest header section read: 4 times what a browser accepts
/// ([`crate::probe::BROWSER_HEADER_LIMIT`]), so an oversized one is measured
/// and reported rather than refused.
pub const MAX_HEADER_BYTES: usize = 4 * crate::probe::BROWSER_HEADER_LIMIT;

/// Why no judgeable response came back.
#[derive(Debug)]
pub enum Failure {
    /// No answer at all: DNS, connect, TLS, timeout.
    Unreachable(String),
    /// An answer whose header section cannot be read: a finding.
    Unreadable(String),
}

fn keep(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(KEPT_BODY)]).to_string()
}

fn header_bytes(status_line: usize, headers: &[(String, String)]) -> usize {
    status_line
        + headers
            .iter()
            .map(|(n, v)| n.len() + v.len() + 4)
            .sum::<usize>()
        + 2
}

pub struct Client {
    agent: ureq::Agent,
    timeout: Duration,
}

impl Client {
    pub fn new(timeout: Duration) -> Client {
        let config = ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .max_response_header_size(MAX_HEADER_BYTES)
            // The whole header section must fit in the input buffer.
            .input_buffer_size(MAX_HEADER_BYTES + 16 * 1024)
            .user_agent(concat!("corsform-probe/", env!("CARGO_PKG_VERSION")))
            .build();
        Client {
            agent: ureq::Agent::new_with_config(config),
            timeout,
        }
    }

    /// Send one request; `Err` says why no judgeable response came back.
    pub fn send(
        &self,
        method: SafeMethod,
        url: &str,
        headers: &[(&str, String)],
    ) -> Result<Received, Failure> {
        match self.send_ureq(method, url, headers) {
            Ok(r) => Ok(r),
            Err(e) if header_section_refused(&e) => raw_get(method, url, headers, self.timeout)
                .map_err(|why| {
                    Failure::Unreadable(format!(
                        "the header section cannot be read ({}; read directly: {why})",
                        self.describe(&e)
                    ))
                }),
            Err(e) => Err(Failure::Unreachable(self.describe(&e))),
        }
    }

    fn send_ureq(
        &self,
        method: SafeMethod,
        url: &str,
        headers: &[(&str, String)],
    ) -> Result<Received, ureq::Error> {
        let mut req = match method {
            SafeMethod::Options => self.agent.options(url),
            SafeMethod::Get => self.agent.get(url),
            SafeMethod::Head => self.agent.head(url),
        };
        for (name, value) in headers {
            req = req.header(*name, value.as_str());
        }
        let mut resp = req.call()?;
        let status = resp.status().as_u16();
        let headers = header_pairs(resp.headers());
        let mut body = Vec::new();
        if method != SafeMethod::Head {
            // Kept for attribution; a body that fails to read changes nothing.
            body = resp
                .body_mut()
                .with_config()
                .limit(MAX_BODY)
                .read_to_vec()
                .unwrap_or_default();
        }
        let header_bytes = header_bytes(17, &headers);
        Ok(Received {
            response: Response { status, headers },
            body: keep(&body),
            header_bytes,
        })
    }
}

/// ureq gave up on the header section (too many lines, too many bytes), not the connection.
fn header_section_refused(e: &ureq::Error) -> bool {
    match e {
        ureq::Error::LargeResponseHeader(..) => true,
        // Too many header lines, or a header section httparse rejects: an
        // answer came, in a form ureq does not read.
        ureq::Error::Protocol(_) => true,
        _ => false,
    }
}

/// One request on a fresh connection (`http://`, or `https://` through
/// rustls with the bundled webpki roots; proxies are not used), read without
/// ureq's header limits (up to [`MAX_HEADER_BYTES`]): for responses ureq refuses.
pub fn raw_get(
    method: SafeMethod,
    url: &str,
    headers: &[(&str, String)],
    timeout: Duration,
) -> Result<Received, String> {
    let (tls, rest) = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
        (Some(r), _) => (true, r),
        (_, Some(r)) => (false, r),
        _ => return Err("not an http(s):// URL".into()),
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, "/"),
    };
    let (host, port) = crate::model::origin::split_port(authority);
    let port = port.unwrap_or(if tls { "443" } else { "80" });
    // `--timeout` bounds the whole exchange (issue 28): connect, TLS, writing
    // the request and every read share one deadline, so a server that
    // trickles a byte at a time cannot keep probe waiting past it.
    let deadline = Instant::now() + timeout;
    let addr = format!("{host}:{port}")
        .to_socket_addrs()
        .map_err(|e| e.to_string())?
        .next()
        .ok_or_else(|| format!("{host} resolves to no address"))?;
    let tcp = TcpStream::connect_timeout(&addr, timeout).map_err(|e| e.to_string())?;
    let tcp = Deadline { tcp, deadline };
    let mut head = format!(
        "{} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nUser-Agent: corsform-probe/{}\r\n",
        method.as_str(),
        env!("CARGO_PKG_VERSION")
    );
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    if !tls {
        return exchange(tcp, &head, method);
    }
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| e.to_string())?
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from(
        host.trim_start_matches('[')
            .trim_end_matches(']')
            .to_string(),
    )
    .map_err(|e| e.to_string())?;
    let conn = rustls::ClientConnection::new(std::sync::Arc::new(config), name)
        .map_err(|e| e.to_string())?;
    exchange(rustls::StreamOwned::new(conn, tcp), &head, method)
}

/// A connection whose every read and write ends by one deadline: each sets
/// the socket's timeout to the time left, and none starts once it has passed.
struct Deadline {
    tcp: TcpStream,
    deadline: Instant,
}

impl Deadline {
    fn left(&self) -> std::io::Result<Duration> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "no whole answer within --timeout",
            ));
        }
        Ok(left)
    }
}

impl Read for Deadline {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.left()?;
        self.tcp.set_read_timeout(Some(left))?;
        self.tcp.read(buf)
    }
}

impl Write for Deadline {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let left = self.left()?;
        self.tcp.set_write_timeout(Some(left))?;
        self.tcp.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.tcp.flush()
    }
}

/// Send `head` on `stream` and read the answer's status, headers and the
/// start of its body.
fn exchange(
    mut stream: impl Read + Write,
    head: &str,
    method: SafeMethod,
) -> Result<Received, String> {
    stream
        .write_all(head.as_bytes())
        .map_err(|e| e.to_string())?;
    stream.flush().map_err(|e| e.to_string())?;
    let mut r = BufReader::new(stream);
    let mut total = 0;
    let mut line = String::new();
    r.read_line(&mut line).map_err(|e| e.to_string())?;
    total += line.len();
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status line: {:?}", line.trim_end()))?;
    let mut got = Vec::new();
    loop {
        line.clear();
        let n = r.read_line(&mut line).map_err(|e| e.to_string())?;
        total += n;
        if total > MAX_HEADER_BYTES {
            return Err(format!(
                "more than {} KiB of headers",
                MAX_HEADER_BYTES / 1024
            ));
        }
        let l = line.trim_end_matches(['\r', '\n']);
        if n == 0 || l.is_empty() {
            break;
        }
        if let Some((name, value)) = l.split_once(':') {
            got.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    let mut body = Vec::new();
    if method != SafeMethod::Head {
        let _ = r.take(KEPT_BODY as u64).read_to_end(&mut body);
    }
    Ok(Received {
        response: Response {
            status,
            headers: got,
        },
        body: keep(&body),
        header_bytes: total,
    })
}

impl Client {
    fn describe(&self, e: &ureq::Error) -> String {
        match e {
            ureq::Error::HostNotFound => "host not found (DNS lookup failed)".into(),
            ureq::Error::Timeout(_) => {
                format!("no answer within {} s (--timeout)", self.timeout.as_secs())
            }
            ureq::Error::Io(io) => io.to_string(),
            other => other.to_string(),
        }
    }
}

/// Check a base URL before any request: `http(s)://host[:port][/stage...]`,
/// no query or fragment (route paths are appended to it).
pub fn check_base_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| {
            format!("{url}: the API's URL starts with https:// or http:// (the stage URL)")
        })?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() {
        return Err(format!("{url}: no host"));
    }
    if url.contains(['?', '#'])
        || url
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err(format!(
            "{url}: give the base URL only, without query, fragment or spaces; probe appends each route's path"
        ));
    }
    url.parse::<ureq::http::Uri>()
        .map(|_| ())
        .map_err(|e| format!("{url}: not a valid URL ({e})"))
}

/// Every header of a response as `(name, value)` pairs, in order; a value
/// that is not UTF-8 is read lossily (probe and serve's upstream read them).
pub fn header_pairs(headers: &ureq::http::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 28: a server that sends its header section a byte every 200 ms
    /// kept a 1 s --timeout waiting for as long as it liked; the whole
    /// exchange now ends by the deadline.
    #[test]
    fn a_trickling_server_cannot_outlast_the_timeout() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            if let Ok((mut s, _)) = listener.accept() {
                let mut buf = [0u8; 1024];
                let _ = s.read(&mut buf);
                let answer = "HTTP/1.1 200 OK\r\nX-Slow: ".to_string() + &"a".repeat(100);
                for b in answer.bytes() {
                    if s.write_all(&[b]).is_err() {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(200));
                }
            }
        });
        let started = Instant::now();
        let got = raw_get(
            SafeMethod::Get,
            &format!("http://127.0.0.1:{port}/"),
            &[],
            Duration::from_secs(1),
        );
        assert!(got.is_err(), "{got:?}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "took {:?}",
            started.elapsed()
        );
    }

    #[test]
    fn base_urls() {
        assert!(check_base_url("https://abc.execute-api.eu-west-1.amazonaws.com/prod").is_ok());
        assert!(check_base_url("http://127.0.0.1:8787").is_ok());
        assert!(check_base_url("http://127.0.0.1:8787/").is_ok());
        for bad in [
            "abc.execute-api.eu-west-1.amazonaws.com",
            "ftp://x",
            "https://",
            "https:///prod",
            "https://x/prod?a=1",
            "https://x/prod#frag",
            "https://x/pr od",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
    }
}
