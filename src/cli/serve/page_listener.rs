//! serve's second listener, the matrix page's own origin (issue 32): the
//! try-it buttons' `fetch` comes from it, so it must differ from the API's.
//!
//! Which address: `--page-listen` when given, else the API's IP with a free
//! port. The default never takes a port the policy names: a loopback origin
//! the policy allows (`http://localhost:5173`) is the front end's dev server,
//! which needs that port. When the page's port is that of an allowed loopback
//! origin (the user asked for it), the page is announced under that origin's
//! own host name, so a browser opening the announced URL has that origin.

use super::super::CliError;
use crate::model::{Origin, Policy};
use std::net::{SocketAddr, TcpListener};

pub struct PageListener {
    pub listener: TcpListener,
    /// `host:port` of the page's origin, as announced.
    pub host: String,
}

/// Bind the page's listener next to the API's at `api`.
pub fn open(
    page_listen: Option<&str>,
    api: SocketAddr,
    policy: &Policy,
) -> Result<PageListener, CliError> {
    let wanted = page_listen
        .map(str::to_string)
        .unwrap_or_else(|| SocketAddr::new(api.ip(), 0).to_string());
    let listener = TcpListener::bind(&wanted)
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
        .map_err(|e| {
            CliError::Serve(format!(
                "cannot listen on {wanted} for the matrix page's origin (--page-listen): {e}"
            ))
        })?;
    let at = listener
        .local_addr()
        .map_err(|e| CliError::Serve(e.to_string()))?;
    if at.port() == api.port() && at.ip() == api.ip() {
        return Err(CliError::Serve(
            "--page-listen must differ from --listen: the page's origin must not be the API's"
                .into(),
        ));
    }
    let host = allowed_loopback_host(policy, at.port()).unwrap_or_else(|| {
        let ip = if at.ip().is_unspecified() {
            match at {
                SocketAddr::V4(_) => "127.0.0.1".to_string(),
                SocketAddr::V6(_) => "[::1]".to_string(),
            }
        } else {
            match at {
                SocketAddr::V4(a) => a.ip().to_string(),
                SocketAddr::V6(a) => format!("[{}]", a.ip()),
            }
        };
        format!("{ip}:{}", at.port())
    });
    Ok(PageListener { listener, host })
}

/// The `host:port` of an allowed `http://` loopback origin on `port`.
fn allowed_loopback_host(policy: &Policy, port: u16) -> Option<String> {
    let overrides = policy
        .routes
        .iter()
        .filter_map(|r| r.cors_override.as_ref())
        .flat_map(|c| c.allow_origins.iter());
    policy
        .cors
        .allow_origins
        .iter()
        .chain(overrides)
        .find_map(|o| match o {
            Origin::Exact(s) => {
                let rest = s.strip_prefix("http://")?;
                let (host, p) = rest.rsplit_once(':')?;
                let loopback = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
                (loopback && p.parse::<u16>().ok() == Some(port)).then(|| rest.to_string())
            }
            _ => None,
        })
}
