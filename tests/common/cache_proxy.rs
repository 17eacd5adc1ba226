//! A caching HTTP proxy for tests, standing in for CloudFront (which
//! LocalStack's free edition lacks): it forwards each request to an upstream
//! (such as `corsform serve` on loopback, which answers per origin) and
//! caches every response, OPTIONS included, under a key of the method, the
//! path and query, and the values of a given list of request headers, the
//! way a CloudFront cache policy's `headers_config` names them. Like
//! CloudFront it ignores `Vary` ("Caching content based on request headers",
//! CloudFront developer guide): only the listed headers are in the key.
//!
//! Every request header is forwarded, as CloudFront does with an origin
//! request policy that sends all viewer headers: the upstream sees `Origin`
//! even when the key leaves it out (the misconfiguration this stands in
//! for). A hit is answered from the cache, marked `X-Cache: Hit from
//! cache-proxy` (`Miss from cache-proxy` otherwise, as CloudFront marks its
//! own); [`CacheProxy::forwarded`] counts what reached the upstream, so a
//! test can show the proxy really caches.
//!
//! Built on the crate's own HTTP stack: hyper (server) and tokio on one
//! background thread, ureq (the client probe and serve use) to the upstream.
//! Included with `#[path]` by the tests that use it, so other test binaries
//! do not compile it.

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Headers that belong to one connection, never stored or forwarded.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "upgrade",
    "te",
    "trailer",
    "host",
    "content-length",
];

#[derive(Clone)]
struct Stored {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

struct State {
    upstream: String,
    /// Lower-case request header names in the key, in the given order.
    key_headers: Vec<String>,
    query_in_key: bool,
    cache: Mutex<HashMap<String, Stored>>,
    forwarded: AtomicUsize,
    agent: ureq::Agent,
}

/// A running proxy; it stops when the test process ends.
pub struct CacheProxy {
    /// `127.0.0.1:PORT`.
    pub addr: String,
    state: Arc<State>,
}

impl CacheProxy {
    /// How many requests were forwarded to the upstream (cache misses).
    pub fn forwarded(&self) -> usize {
        self.state.forwarded.load(Ordering::SeqCst)
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// A proxy on a free loopback port in front of `upstream` (`http://HOST:PORT`,
/// no trailing slash), keyed on method, path, query and the request headers
/// named in `key_headers` (case-insensitive; a header absent from the request
/// is part of the key as absent).
pub fn start(upstream: &str, key_headers: &[&str]) -> CacheProxy {
    start_with(upstream, key_headers, true)
}

/// [`start`], with the query string in the key or not (a CloudFront cache
/// policy's `query_strings_config`: `all` or `none`; the managed
/// CachingOptimized policy has `none`).
pub fn start_with(upstream: &str, key_headers: &[&str], query_in_key: bool) -> CacheProxy {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let config = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .proxy(None)
        .build();
    let state = Arc::new(State {
        upstream: upstream.trim_end_matches('/').to_string(),
        key_headers: key_headers.iter().map(|h| h.to_ascii_lowercase()).collect(),
        query_in_key,
        cache: Mutex::new(HashMap::new()),
        forwarded: AtomicUsize::new(0),
        agent: ureq::Agent::new_with_config(config),
    });
    let shared = Arc::clone(&state);
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let state = Arc::clone(&shared);
                tokio::spawn(async move {
                    let svc = service_fn(move |req| answer(req, Arc::clone(&state)));
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                });
            }
        });
    });
    CacheProxy { addr, state }
}

/// The cache key of a request: method, target (without its query unless
/// `query_in_key`), then each key header's value.
fn key(state: &State, method: &str, target: &str, headers: &[(String, String)]) -> String {
    let target = if state.query_in_key {
        target
    } else {
        target.split('?').next().unwrap_or(target)
    };
    let mut k = format!("{method} {target}");
    for name in &state.key_headers {
        let values: Vec<&str> = headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect();
        if values.is_empty() {
            k.push_str(&format!("\n{name}: (absent)"));
        } else {
            k.push_str(&format!("\n{name}: {}", values.join(",")));
        }
    }
    k
}

async fn answer(
    req: Request<Incoming>,
    state: Arc<State>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let method = req.method().as_str().to_string();
    let target = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .filter(|(n, _)| !HOP_BY_HOP.contains(&n.as_str()))
        .filter_map(|(n, v)| Some((n.as_str().to_string(), v.to_str().ok()?.to_string())))
        .collect();
    let k = key(&state, &method, &target, &headers);
    let cached = state.cache.lock().unwrap().get(&k).cloned();
    let (stored, hit) = match cached {
        Some(s) => (s, true),
        None => {
            let st = Arc::clone(&state);
            let (m, t) = (method.clone(), target.clone());
            let got = tokio::task::spawn_blocking(move || forward(&st, &m, &t, &headers))
                .await
                .unwrap_or_else(|e| Err(e.to_string()));
            match got {
                Ok(s) => {
                    state.forwarded.fetch_add(1, Ordering::SeqCst);
                    state.cache.lock().unwrap().insert(k, s.clone());
                    (s, false)
                }
                Err(e) => (
                    Stored {
                        status: 502,
                        headers: vec![],
                        body: format!("cache-proxy: {e}").into_bytes(),
                    },
                    false,
                ),
            }
        }
    };
    let body = if method == "HEAD" {
        Vec::new()
    } else {
        stored.body
    };
    let mut out = Response::new(Full::new(Bytes::from(body)));
    *out.status_mut() = hyper::StatusCode::from_u16(stored.status).unwrap();
    for (n, v) in &stored.headers {
        if let (Ok(n), Ok(v)) = (
            hyper::header::HeaderName::from_bytes(n.as_bytes()),
            hyper::header::HeaderValue::from_str(v),
        ) {
            out.headers_mut().append(n, v);
        }
    }
    let mark = if hit {
        "Hit from cache-proxy"
    } else {
        "Miss from cache-proxy"
    };
    out.headers_mut()
        .insert("x-cache", hyper::header::HeaderValue::from_static(mark));
    Ok(out)
}

/// One request to the upstream, every end-to-end header passed on.
fn forward(
    state: &State,
    method: &str,
    target: &str,
    headers: &[(String, String)],
) -> Result<Stored, String> {
    let mut b = ureq::http::Request::builder()
        .method(method)
        .uri(format!("{}{target}", state.upstream));
    for (n, v) in headers {
        b = b.header(n, v);
    }
    let req = b.body(()).map_err(|e| e.to_string())?;
    let mut resp = state.agent.run(req).map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .filter(|(n, _)| !HOP_BY_HOP.contains(&n.as_str()))
        .filter_map(|(n, v)| Some((n.as_str().to_string(), v.to_str().ok()?.to_string())))
        .collect();
    let body = if method == "HEAD" {
        Vec::new()
    } else {
        resp.body_mut().read_to_vec().unwrap_or_default()
    };
    Ok(Stored {
        status,
        headers,
        body,
    })
}
