//! `corsform serve`: the socket side of [`crate::serve`]. One thread per
//! connection, one request per connection (`Connection: close`), bounded reads.
//! The upstream client speaks plain HTTP/1.1 to `http://` URLs, which is what a
//! local backend offers; TLS upstreams are refused with a clear message.

use super::args::ServeArgs;
use super::read::read_valid_policy;
use super::{CliError, Outcome};
use crate::serve::{Backend, HttpRequest, Upstream, handle, parse_head, reason};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 10 * 1024 * 1024;

struct HttpUpstream {
    host: String,
}

impl Backend for HttpUpstream {
    fn forward(&self, req: &HttpRequest) -> Result<Upstream, String> {
        let mut s = TcpStream::connect(&self.host).map_err(|e| format!("{}: {e}", self.host))?;
        s.set_read_timeout(Some(Duration::from_secs(30))).ok();
        let mut head = format!(
            "{} {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            req.method, req.target, self.host
        );
        for (n, v) in &req.headers {
            let l = n.to_ascii_lowercase();
            if l != "host" && l != "connection" && l != "content-length" {
                head.push_str(&format!("{n}: {v}\r\n"));
            }
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", req.body.len()));
        s.write_all(head.as_bytes())
            .and_then(|_| s.write_all(&req.body))
            .map_err(|e| e.to_string())?;
        let mut raw = Vec::new();
        s.take(MAX_BODY as u64 + MAX_HEAD as u64)
            .read_to_end(&mut raw)
            .map_err(|e| e.to_string())?;
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .ok_or("malformed upstream response")?;
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        let mut body = raw[split + 4..].to_vec();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|c| c.parse().ok())
            .ok_or("malformed upstream status line")?;
        let mut headers: Vec<(String, String)> = Vec::new();
        for l in lines {
            if let Some((n, v)) = l.split_once(':') {
                headers.push((n.trim().to_string(), v.trim().to_string()));
            }
        }
        if headers.iter().any(|(n, v)| {
            n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
        }) {
            body = dechunk(&body);
        }
        headers.retain(|(n, _)| {
            !["transfer-encoding", "content-length", "connection"]
                .contains(&n.to_ascii_lowercase().as_str())
        });
        Ok(Upstream {
            status,
            headers,
            body,
        })
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&data[..eol])
                .split(';')
                .next()
                .unwrap_or("")
                .trim(),
            16,
        )
        .unwrap_or(0);
        data = &data[eol + 2..];
        if size == 0 || data.len() < size {
            break;
        }
        out.extend_from_slice(&data[..size]);
        data = data.get(size + 2..).unwrap_or(&[]);
    }
    out
}

fn parse_upstream(url: &str) -> Result<HttpUpstream, CliError> {
    let Some(rest) = url.strip_prefix("http://") else {
        return Err(CliError::Serve(format!(
            "--upstream {url}: only http:// upstreams are supported (a local backend); put a TLS backend behind a local proxy"
        )));
    };
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() {
        return Err(CliError::Serve(format!("--upstream {url}: no host")));
    }
    let host = if host.contains(':') {
        host.to_string()
    } else {
        format!("{host}:80")
    };
    Ok(HttpUpstream { host })
}

fn serve_connection(
    mut stream: TcpStream,
    deployment: &crate::answer::Deployment,
    backend: Option<&dyn Backend>,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || head.len() > MAX_HEAD {
            return Ok(());
        }
        if line == "\r\n" || line == "\n" {
            break;
        }
        head.push_str(line.trim_end_matches(['\r', '\n']));
        head.push_str("\r\n");
    }
    let Some(mut req) = parse_head(head.trim_end()) else {
        return stream.write_all(
            b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
    };
    let len: usize = req
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
        .min(MAX_BODY);
    let mut body = vec![0; len];
    reader.read_exact(&mut body)?;
    req.body = body;
    let resp = handle(deployment, &req, backend);
    eprintln!("{}", resp.log);
    let mut out = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    for (n, v) in &resp.headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        resp.body.len()
    ));
    stream.write_all(out.as_bytes())?;
    stream.write_all(&resp.body)?;
    stream.flush()
}

pub fn run(args: ServeArgs) -> Result<Outcome, CliError> {
    let Some((file, policy)) = read_valid_policy(&args.policy, "serve")? else {
        return Ok(Outcome::Failed);
    };
    let policy = super::env::choose(policy, args.env.as_deref(), "serve")?;
    if let Some(t) = args.target {
        crate::render::check(&policy, t).map_err(CliError::Render)?;
    }
    let backend: Option<Arc<HttpUpstream>> = args
        .upstream
        .as_deref()
        .map(parse_upstream)
        .transpose()?
        .map(Arc::new);
    let listener = TcpListener::bind(&args.listen)
        .map_err(|e| CliError::Serve(format!("cannot listen on {}: {e}", args.listen)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| CliError::Serve(e.to_string()))?;
    eprintln!(
        "corsform serve: {} ({}) on http://{addr}",
        file.name, policy.api.name
    );
    let deployment = Arc::new(crate::answer::Deployment::new(policy));
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let deployment = Arc::clone(&deployment);
        let backend = backend.clone();
        std::thread::spawn(move || {
            let b: Option<&dyn Backend> = backend.as_deref().map(|b| b as &dyn Backend);
            if let Err(e) = serve_connection(stream, &deployment, b) {
                eprintln!("connection error: {e}");
            }
        });
    }
    Ok(Outcome::Success)
}
