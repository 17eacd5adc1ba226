//! `probe`'s HTTP client: one request out, the status and every response
//! header back, as [`crate::browser::Response`]. Only [`SafeMethod`]s can be
//! sent. Redirects are never followed (the 3xx comes back as it is, for the
//! report), 4xx and 5xx are answers, not errors, and only a failure to get any
//! answer (DNS, connect, TLS, timeout) is an error. HTTPS uses rustls with the
//! bundled webpki roots; proxies come from the usual environment variables.

use crate::browser::Response;
use crate::probe::plan::SafeMethod;
use std::time::Duration;

/// Bodies are read (so connections can be reused) up to this size, then dropped.
const MAX_BODY: u64 = 256 * 1024;

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
            .user_agent(concat!("corsform-probe/", env!("CARGO_PKG_VERSION")))
            .build();
        Client {
            agent: ureq::Agent::new_with_config(config),
            timeout,
        }
    }

    /// Send one request; `Err` says why no response came back.
    pub fn send(
        &self,
        method: SafeMethod,
        url: &str,
        headers: &[(&str, String)],
    ) -> Result<Response, String> {
        let mut req = match method {
            SafeMethod::Options => self.agent.options(url),
            SafeMethod::Get => self.agent.get(url),
            SafeMethod::Head => self.agent.head(url),
        };
        for (name, value) in headers {
            req = req.header(*name, value.as_str());
        }
        let mut resp = req.call().map_err(|e| self.describe(&e))?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).to_string(),
                )
            })
            .collect();
        if method != SafeMethod::Head {
            // Only to finish the exchange; a body that fails to read changes nothing.
            let _ = resp.body_mut().with_config().limit(MAX_BODY).read_to_vec();
        }
        Ok(Response { status, headers })
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
