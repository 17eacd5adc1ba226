//! serve's HTTP side, on hyper (HTTP/1.1) and tokio: keep-alive, a cap on open
//! connections (past it a connection gets a 503 and is closed, rather than the
//! process running out of threads or memory), a cap on the request head's size
//! (431) and a deadline for it, which also ends idle keep-alive connections.
//! hyper answers `Expect: 100-continue` itself when the body is first read,
//! decodes chunked bodies, and sends no body in a response to HEAD.
//! Each request becomes a [`crate::serve::HttpRequest`] for the pure
//! [`crate::serve::handle`].

use super::live::Live;
use super::upstream::HttpUpstream;
use crate::serve::{Backend, HttpRequest, HttpResponse, handle};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

/// API Gateway's own payload limit is 10 MB (AWS docs, "Amazon API Gateway
/// quotas"); serve refuses larger bodies the same way, with a 413.
const MAX_BODY: usize = 10 * 1024 * 1024;
/// How long a client may take to send a request body once the head is in.
const BODY_DEADLINE: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_connections: usize,
    /// Deadline for a whole request head (and for an idle keep-alive connection).
    pub head_timeout: Duration,
    /// Request line plus headers, in bytes.
    pub max_head_bytes: usize,
}

pub struct State {
    pub live: Arc<Live>,
    pub backend: Option<Arc<HttpUpstream>>,
    /// No request log.
    pub quiet: bool,
    /// The policy file's name, for the matrix page's title.
    pub policy_name: String,
    /// `--env`, named on the matrix page.
    pub environment: Option<String>,
    /// On the API's listener: the try-it page's URL, linked from the page.
    pub try_url: Option<String>,
    /// Set on the page's own listener (the try-it origin): it answers the
    /// page and its script only, never the API.
    pub page_origin: Option<PageOrigin>,
}

/// What the try-it listener needs to know of the API's.
#[derive(Debug, Clone)]
pub struct PageOrigin {
    pub api_port: u16,
    /// The page's `host:port` when a request carries no usable Host header.
    pub fallback_host: String,
}

/// Accept connections until the process ends.
pub async fn serve(listener: TcpListener, state: Arc<State>, limits: Limits) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .keep_alive(true)
        .header_read_timeout(limits.head_timeout)
        .max_header_size(limits.max_head_bytes)
        // The read buffer bounds what one connection holds while a head arrives.
        .max_buf_size(limits.max_head_bytes.max(8192) + 8192);
    let http = Arc::new(http);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors, say: wait a little instead of spinning.
                eprintln!("corsform serve: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(permit) = Arc::clone(&slots).try_acquire_owned() else {
            tokio::spawn(refuse(stream, limits.max_connections));
            continue;
        };
        let (http, state) = (Arc::clone(&http), Arc::clone(&state));
        tokio::spawn(async move {
            let _permit = permit;
            let svc = service_fn(move |req| answer(req, Arc::clone(&state)));
            // Errors here are the client's (a reset, a malformed head hyper
            // already answered with 400 or 431, a head deadline): nothing to log.
            let _ = http.serve_connection(TokioIo::new(stream), svc).await;
        });
    }
}

/// Past the connection cap: a short 503, then close.
async fn refuse(mut stream: TcpStream, cap: usize) {
    let body = format!("{{\"message\":\"corsform serve: more than {cap} open connections\"}}");
    let head = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let write = async {
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body.as_bytes()).await?;
        stream.shutdown().await
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), write).await;
}

fn json(status: StatusCode, message: &str) -> Response<Full<Bytes>> {
    let body = serde_json::json!({ "message": message }).to_string();
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    r.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

async fn answer(
    req: Request<Incoming>,
    state: Arc<State>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    // A declared length past the limit is refused before any of the body is
    // waited for (slow senders of huge bodies held a connection each until
    // the deadline), and the connection is closed after the answer.
    let declared = parts
        .headers
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        let mut r = json(StatusCode::PAYLOAD_TOO_LARGE, "Request Too Long");
        r.headers_mut()
            .insert(hyper::header::CONNECTION, HeaderValue::from_static("close"));
        return Ok(r);
    }
    let body =
        match tokio::time::timeout(BODY_DEADLINE, Limited::new(body, MAX_BODY).collect()).await {
            Ok(Ok(collected)) => collected.to_bytes(),
            Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
                return Ok(json(StatusCode::PAYLOAD_TOO_LARGE, "Request Too Long"));
            }
            Ok(Err(_)) => return Ok(json(StatusCode::BAD_REQUEST, "Bad Request")),
            Err(_) => return Ok(json(StatusCode::REQUEST_TIMEOUT, "Request Timeout")),
        };
    let target = parts
        .uri
        .path_and_query()
        .map_or("/", |pq| pq.as_str())
        .to_string();
    let request = HttpRequest {
        method: parts.method.as_str().to_string(),
        target,
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.to_vec(),
    };
    let deployment = state.live.get();
    if let Some(o) = &state.page_origin {
        let page = crate::serve::page::answer_try(
            &deployment,
            &state.policy_name,
            state.environment.as_deref(),
            o.api_port,
            &o.fallback_host,
            &request,
        );
        if !state.quiet {
            eprintln!("{}", page.log);
        }
        return Ok(to_hyper(page));
    }
    if let Some(page) = crate::serve::page::answer(
        &deployment,
        &state.policy_name,
        state.environment.as_deref(),
        state.try_url.as_deref(),
        &request,
    ) {
        if !state.quiet {
            eprintln!("{}", page.log);
        }
        return Ok(to_hyper(page));
    }
    let resp = match &state.backend {
        // The upstream client blocks: keep it off the reactor's threads.
        Some(backend) => {
            let backend = Arc::clone(backend);
            let joined = tokio::task::spawn_blocking(move || {
                handle(&deployment, &request, Some(&*backend as &dyn Backend))
            })
            .await;
            match joined {
                Ok(r) => r,
                Err(_) => {
                    return Ok(json(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "corsform serve: the request failed",
                    ));
                }
            }
        }
        None => handle(&deployment, &request, None),
    };
    if !state.quiet {
        eprintln!("{}", resp.log);
    }
    Ok(to_hyper(resp))
}

fn to_hyper(resp: HttpResponse) -> Response<Full<Bytes>> {
    let mut out = Response::new(Full::new(Bytes::from(resp.body)));
    *out.status_mut() = StatusCode::from_u16(resp.status).unwrap_or(StatusCode::BAD_GATEWAY);
    for (n, v) in resp.headers {
        // Every name and value came from a parser or from corsform itself; a
        // value hyper would refuse is dropped rather than sent malformed.
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(n.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            out.headers_mut().append(n, v);
        }
    }
    out
}
