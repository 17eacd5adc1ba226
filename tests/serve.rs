//! `corsform serve` over real sockets: preflight, stubbed and proxied actual
//! responses (upstream CORS headers replaced), simulated gateway errors, and
//! the request log; then HTTP itself as browsers, proxies and attackers use it:
//! keep-alive, HEAD, `Expect: 100-continue`, chunked bodies, the upstream's
//! path prefix, odd upstream header spellings and bare LFs, size, time and
//! connection limits, log escaping, and `--watch`.

mod common;

use common::serve;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const POLICY: &str = "rest-several-origins/policy.toml";
const SHOP: &str = "https://shop.example.com";

/// One request on a fresh connection that asks to be closed, read to the end.
fn send(addr: &str, raw: &str) -> String {
    let raw = raw.replacen("\r\n", "\r\nConnection: close\r\n", 1);
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    String::from_utf8_lossy(&out).to_string()
}

/// A response read off a kept-alive connection: the head, and the body its
/// Content-Length announces (none for HEAD or an interim 1xx).
struct Resp {
    head: String,
    body: String,
}

impl Resp {
    fn status(&self) -> u16 {
        self.head[9..12].parse().unwrap()
    }
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

fn read_resp(r: &mut BufReader<TcpStream>, head_request: bool) -> Resp {
    let mut head = String::new();
    loop {
        let mut l = String::new();
        assert!(r.read_line(&mut l).unwrap() > 0, "closed mid-head: {head}");
        if l == "\r\n" {
            break;
        }
        head.push_str(&l);
    }
    let mut resp = Resp {
        head,
        body: String::new(),
    };
    if head_request || resp.status() < 200 || resp.status() == 204 || resp.status() == 304 {
        return resp;
    }
    assert!(
        resp.header("transfer-encoding").is_none(),
        "serve frames bodies with Content-Length: {}",
        resp.head
    );
    let len: usize = resp.header("content-length").unwrap().parse().unwrap();
    let mut body = vec![0; len];
    r.read_exact(&mut body).unwrap();
    resp.body = String::from_utf8(body).unwrap();
    resp
}

fn connect(addr: &str) -> (TcpStream, BufReader<TcpStream>) {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let r = BufReader::new(s.try_clone().unwrap());
    (s, r)
}

/// What a test upstream received: the request head and the body.
#[derive(Debug)]
struct Seen {
    head: String,
    body: Vec<u8>,
}

/// A one-connection-at-a-time upstream that answers every request with
/// `reply` (raw bytes, so tests control the exact framing and spelling).
fn upstream(reply: &'static str) -> (String, mpsc::Receiver<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut s) = conn else { return };
            let mut r = BufReader::new(s.try_clone().unwrap());
            loop {
                let mut head = String::new();
                loop {
                    let mut l = String::new();
                    if r.read_line(&mut l).unwrap_or(0) == 0 {
                        break;
                    }
                    if l == "\r\n" {
                        break;
                    }
                    head.push_str(&l);
                }
                if head.is_empty() {
                    break;
                }
                let len = head
                    .lines()
                    .find_map(|l| {
                        let (n, v) = l.split_once(':')?;
                        n.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse::<usize>().unwrap())
                    })
                    .unwrap_or(0);
                let mut body = vec![0; len];
                r.read_exact(&mut body).unwrap();
                let _ = tx.send(Seen { head, body });
                if s.write_all(reply.as_bytes()).is_err() {
                    break;
                }
            }
        }
    });
    (addr, rx)
}

#[test]
fn answers_like_the_deployment() {
    let srv = serve(POLICY, &[]);
    let pre = send(
        &srv.addr,
        "OPTIONS /cart HTTP/1.1\r\nHost: x\r\nOrigin: https://pr-9.preview.example.com\r\nAccess-Control-Request-Method: POST\r\n\r\n",
    );
    assert!(pre.starts_with("HTTP/1.1 204"), "{pre}");
    let lower = pre.to_ascii_lowercase();
    assert!(
        lower.contains("access-control-allow-origin: https://pr-9.preview.example.com\r\n")
            && lower.contains("vary: origin"),
        "{pre}"
    );

    let refused = send(
        &srv.addr,
        "OPTIONS /cart HTTP/1.1\r\nHost: x\r\nOrigin: https://shopXexample.com\r\nAccess-Control-Request-Method: POST\r\n\r\n",
    );
    assert!(
        refused
            .to_ascii_lowercase()
            .contains("access-control-allow-origin: https://shop.example.com\r\n"),
        "static first origin, as the gateway sends: {refused}"
    );

    let stub = send(
        &srv.addr,
        "GET /status HTTP/1.1\r\nHost: x\r\nOrigin: https://shop.example.com\r\n\r\n",
    );
    assert!(
        stub.starts_with("HTTP/1.1 200") && stub.contains("\"route\":\"/status\""),
        "{stub}"
    );

    let err = send(
        &srv.addr,
        "GET /cart?__corsform_error=1 HTTP/1.1\r\nHost: x\r\nOrigin: https://shop.example.com\r\n\r\n",
    );
    assert!(
        err.starts_with("HTTP/1.1 401")
            && err
                .to_ascii_lowercase()
                .contains("access-control-allow-origin: https://shop.example.com"),
        "{err}"
    );

    let missing = send(
        &srv.addr,
        "GET /nope HTTP/1.1\r\nHost: x\r\nOrigin: https://shop.example.com\r\n\r\n",
    );
    assert!(
        missing.starts_with("HTTP/1.1 403") && missing.contains("Missing Authentication Token"),
        "{missing}"
    );

    let bad = send(&srv.addr, "NONSENSE\r\n\r\n");
    assert!(bad.starts_with("HTTP/1.1 400"), "{bad}");
}

/// A public API whose `/products/{sku}` serves GET and HEAD.
const READONLY: &str = "http-public-readonly/policy.toml";

#[test]
fn keeps_connections_alive_and_answers_head_without_a_body() {
    let srv = serve(READONLY, &[]);
    let (mut s, mut r) = connect(&srv.addr);
    write!(
        s,
        "GET /products/1 HTTP/1.1\r\nHost: x\r\nOrigin: {SHOP}\r\n\r\n"
    )
    .unwrap();
    let get = read_resp(&mut r, false);
    assert_eq!(get.status(), 200, "{}", get.head);
    assert!(get.body.contains("\"method\":\"GET\""), "{}", get.body);

    // HEAD on the same connection: a length, no body. If a body followed,
    // the next response would start with its bytes.
    write!(
        s,
        "HEAD /products/1 HTTP/1.1\r\nHost: x\r\nOrigin: {SHOP}\r\n\r\n"
    )
    .unwrap();
    let head = read_resp(&mut r, true);
    assert_eq!(head.status(), 200, "{}", head.head);
    let len: usize = head.header("content-length").unwrap().parse().unwrap();
    assert!(len > 0, "{}", head.head);
    write!(
        s,
        "OPTIONS /products/1 HTTP/1.1\r\nHost: x\r\nOrigin: {SHOP}\r\nAccess-Control-Request-Method: GET\r\n\r\n"
    )
    .unwrap();
    let third = read_resp(&mut r, false);
    assert_eq!(third.status(), 204, "a HEAD body leaked: {}", third.head);
    assert_eq!(
        third.header("access-control-allow-origin").as_deref(),
        Some("*")
    );
}

#[test]
fn proxies_to_the_upstream_and_replaces_its_cors_headers() {
    // Bare LFs, odd capitalisation and a lowercase duplicate: every CORS
    // header the upstream sends is dropped, however it is spelt or ended.
    let (up, seen) = upstream(
        "HTTP/1.1 201 Created\r\nContent-Type: application/json\nACCESS-control-Allow-ORIGIN: *\naccess-control-allow-credentials: false\r\nAccess-Control-Expose-Headers: X-Secret\r\nX-Upstream: yes\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\nContent-Length: 19\r\n\r\n{\"from\":\"upstream\"}",
    );
    let srv = serve(POLICY, &["--upstream", &format!("http://{up}/api/")]);
    let (mut s, mut r) = connect(&srv.addr);
    write!(
        s,
        "POST /cart?x=1 HTTP/1.1\r\nHost: x\r\nOrigin: {SHOP}\r\nConnection: keep-alive, X-Drop-Me\r\nX-Drop-Me: 1\r\nProxy-Authorization: secret\r\nX-Keep: 2\r\nContent-Length: 2\r\n\r\n{{}}"
    )
    .unwrap();
    let resp = read_resp(&mut r, false);
    let got = seen.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(
        got.head.starts_with("POST /api/cart?x=1 HTTP/1.1\r\n"),
        "the /api prefix is kept: {}",
        got.head
    );
    let up_head = got.head.to_ascii_lowercase();
    assert!(up_head.contains("x-keep: 2"), "{}", got.head);
    assert!(
        !up_head.contains("x-drop-me") && !up_head.contains("proxy-authorization"),
        "hop-by-hop request headers are not forwarded: {}",
        got.head
    );
    assert!(up_head.contains(&format!("host: {up}")), "{}", got.head);
    assert_eq!(got.body, b"{}");

    assert_eq!(resp.status(), 201, "{}", resp.head);
    assert_eq!(resp.body, "{\"from\":\"upstream\"}");
    assert_eq!(resp.header("x-upstream").as_deref(), Some("yes"));
    let head = resp.head.to_ascii_lowercase();
    assert!(
        !head.contains("x-hop") && !head.contains("keep-alive:"),
        "hop-by-hop response headers are dropped: {}",
        resp.head
    );
    assert!(
        !head.contains("access-control-allow-origin: *")
            && !head.contains("access-control-allow-credentials: false")
            && !head.contains("x-secret"),
        "the upstream's CORS headers must be replaced: {}",
        resp.head
    );
    assert_eq!(head.matches("access-control-allow-origin:").count(), 1);
    assert_eq!(
        resp.header("access-control-allow-origin").as_deref(),
        Some(SHOP)
    );
}

#[test]
fn forwards_chunked_bodies_and_handles_expect_100_continue() {
    // The upstream answers with an interim 100 before its final response:
    // the browser must see the 202, never the 100 as the answer.
    let (up, seen) = upstream(
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 4\r\n\r\ndone",
    );
    let srv = serve(POLICY, &["--upstream", &format!("http://{up}")]);

    let (mut s, mut r) = connect(&srv.addr);
    write!(
        s,
        "POST /cart HTTP/1.1\r\nHost: x\r\nOrigin: {SHOP}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n"
    )
    .unwrap();
    let resp = read_resp(&mut r, false);
    assert_eq!(resp.status(), 202, "{}", resp.head);
    assert_eq!(resp.body, "done");
    let got = seen.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(got.body, b"hello, world", "{}", got.head);

    // Expect: 100-continue from the client: serve says 100 itself, then
    // takes the body, then sends the final answer.
    write!(
        s,
        "POST /cart HTTP/1.1\r\nHost: x\r\nOrigin: {SHOP}\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"
    )
    .unwrap();
    let interim = read_resp(&mut r, false);
    assert_eq!(interim.status(), 100, "{}", interim.head);
    s.write_all(b"12345").unwrap();
    let fin = read_resp(&mut r, false);
    assert_eq!(fin.status(), 202, "{}", fin.head);
    let got = seen.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(got.body, b"12345");
    assert!(
        !got.head.to_ascii_lowercase().contains("expect:"),
        "{}",
        got.head
    );
}

#[test]
fn proxied_head_has_no_body_and_https_upstreams_are_spoken_tls() {
    let (up, _seen) =
        upstream("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n");
    let srv = serve(READONLY, &["--upstream", &format!("http://{up}")]);
    let (mut s, mut r) = connect(&srv.addr);
    write!(
        s,
        "HEAD /products/1 HTTP/1.1\r\nHost: x\r\nOrigin: {SHOP}\r\n\r\n"
    )
    .unwrap();
    let head = read_resp(&mut r, true);
    assert_eq!(head.status(), 200, "{}", head.head);
    assert_eq!(head.header("content-length").as_deref(), Some("5"));
    write!(
        s,
        "OPTIONS /products/1 HTTP/1.1\r\nHost: x\r\nOrigin: {SHOP}\r\nAccess-Control-Request-Method: GET\r\n\r\n"
    )
    .unwrap();
    assert_eq!(read_resp(&mut r, false).status(), 204);

    // A plain-HTTP listener named as https://: the TLS handshake fails, and
    // the page gets a 502 that says so (with the deployment's CORS headers).
    let plain = TcpListener::bind("127.0.0.1:0").unwrap();
    let plain_addr = plain.local_addr().unwrap();
    std::thread::spawn(move || {
        for c in plain.incoming() {
            let Ok(mut c) = c else { return };
            let _ = c.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let srv = serve(POLICY, &["--upstream", &format!("https://{plain_addr}")]);
    let resp = send(
        &srv.addr,
        &format!("GET /status HTTP/1.1\r\nHost: x\r\nOrigin: {SHOP}\r\n\r\n"),
    );
    assert!(resp.starts_with("HTTP/1.1 502"), "{resp}");
    assert!(resp.contains("upstream failed"), "{resp}");
}

#[test]
fn bounds_head_size_head_time_and_connections() {
    let srv = serve(POLICY, &["--head-timeout", "1", "--max-connections", "3"]);
    // A 64 KiB header: refused with 431, not buffered.
    let big = format!(
        "GET /status HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    let mut s = TcpStream::connect(&srv.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let _ = s.write_all(big.as_bytes());
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    assert!(
        String::from_utf8_lossy(&out).starts_with("HTTP/1.1 431"),
        "{}",
        String::from_utf8_lossy(&out)
    );

    // A head that never ends: closed at the deadline.
    let mut slow = TcpStream::connect(&srv.addr).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    slow.write_all(b"GET /status HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .unwrap();
    let started = Instant::now();
    let mut buf = Vec::new();
    let _ = slow.read_to_end(&mut buf);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(800) && waited < Duration::from_secs(5),
        "closed after {waited:?}"
    );

    // Three open connections fill the cap; the fourth gets a 503 at once.
    // (First a moment for the connections above to give their slots back.)
    std::thread::sleep(Duration::from_millis(200));
    let held: Vec<TcpStream> = (0..3)
        .map(|_| TcpStream::connect(&srv.addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let over = send(&srv.addr, "GET /status HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(over.starts_with("HTTP/1.1 503"), "{over}");
    drop(held);
    // Once they are closed, requests are served again.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let again = send(&srv.addr, "GET /status HTTP/1.1\r\nHost: x\r\n\r\n");
        if again.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(Instant::now() < deadline, "still refused: {again}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// serve with its stderr kept, for tests of the log.
struct Logged {
    child: Child,
    addr: String,
    log: Arc<Mutex<Vec<u8>>>,
}

impl Drop for Logged {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Logged {
    fn start(dir: &Path, args: &[&str]) -> Logged {
        let mut child = Command::new(env!("CARGO_BIN_EXE_corsform"))
            .arg("serve")
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .current_dir(dir)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut first = String::new();
        stderr.read_line(&mut first).unwrap();
        let addr = first.trim().rsplit("http://").next().unwrap().to_string();
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Logged { child, addr, log }
    }

    fn log(&self) -> String {
        String::from_utf8_lossy(&self.log.lock().unwrap()).to_string()
    }

    fn wait_for_log(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let log = self.log();
            if log.contains(needle) {
                return log;
            }
            assert!(
                Instant::now() < deadline,
                "no {needle:?} in the log:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn control_characters_are_escaped_in_the_log() {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden");
    let srv = Logged::start(&golden, &[POLICY]);
    // HTTP allows tabs and bytes above 0x7F in a header value; U+009B (CSI,
    // bytes C2 9B) drives terminals like ESC [.
    let mut s = TcpStream::connect(&srv.addr).unwrap();
    s.write_all(
        b"GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\nOrigin: https://evil.example\t\xc2\x9b2J\r\n\r\n",
    )
    .unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let log = srv.wait_for_log("/status");
    let raw = srv.log.lock().unwrap().clone();
    assert!(
        !raw.windows(2).any(|w| w == b"\xc2\x9b") && !raw.contains(&b'\t'),
        "raw control characters in the log: {log}"
    );
    assert!(log.contains("https://evil.example\\t\\u{9b}2J"), "{log}");
}

#[test]
fn watch_reloads_the_policy_and_keeps_the_last_good_one() {
    let dir = tempfile::tempdir().unwrap();
    let policy = |origin: &str| {
        format!(
            "version = 1\n[api]\nname = \"w\"\ntype = \"http\"\n[cors]\nallow_origins = [\"{origin}\"]\n[[routes]]\npath = \"/a\"\nmethods = [\"GET\", \"PUT\"]\n"
        )
    };
    std::fs::write(
        dir.path().join("corsform.toml"),
        policy("https://one.example"),
    )
    .unwrap();
    // No policy named: serve uses ./corsform.toml.
    let srv = Logged::start(dir.path(), &["--watch"]);
    let preflight = |origin: &str| {
        send(
            &srv.addr,
            &format!(
                "OPTIONS /a HTTP/1.1\r\nHost: x\r\nOrigin: {origin}\r\nAccess-Control-Request-Method: PUT\r\n\r\n"
            ),
        )
        .to_ascii_lowercase()
    };
    assert!(
        preflight("https://one.example")
            .contains("access-control-allow-origin: https://one.example")
    );
    assert!(!preflight("https://two.example").contains("access-control-allow-origin"));

    std::fs::write(
        dir.path().join("corsform.toml"),
        policy("https://two.example"),
    )
    .unwrap();
    srv.wait_for_log("reloaded corsform.toml");
    assert!(
        preflight("https://two.example")
            .contains("access-control-allow-origin: https://two.example")
    );

    // A bad edit: the diagnostics are printed, the last good policy stays.
    std::fs::write(
        dir.path().join("corsform.toml"),
        policy("https://three.example").replace("\"http\"", "\"soap\""),
    )
    .unwrap();
    let log = srv.wait_for_log("corsform.toml:4:");
    assert!(
        log.contains("`soap`") || log.contains("soap"),
        "the diagnostic names the bad value: {log}"
    );
    srv.wait_for_log("corsform.toml has errors; keeping the last good policy");
    assert!(
        preflight("https://two.example")
            .contains("access-control-allow-origin: https://two.example")
    );
    assert!(!preflight("https://three.example").contains("access-control-allow-origin"));
}

/// Issue 28: a request that declares a body past the 10 MiB limit is refused
/// at once with 413 and the connection closed, without waiting for a byte of
/// the body (a slow sender used to hold the connection until the deadline).
#[test]
fn an_oversized_declared_body_is_refused_at_once() {
    let srv = serve(POLICY, &[]);
    let (mut s, mut r) = connect(&srv.addr);
    let started = Instant::now();
    s.write_all(
        b"POST /orders HTTP/1.1\r\nHost: x\r\nOrigin: https://shop.example.com\r\nContent-Length: 11000000\r\n\r\n",
    )
    .unwrap();
    let resp = read_resp(&mut r, false);
    assert_eq!(resp.status(), 413, "{}", resp.head);
    // Well before the 60 s body deadline it used to wait for (a bound on
    // behaviour, not a speed target).
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "answered after {:?}",
        started.elapsed()
    );
    assert_eq!(
        resp.header("connection").as_deref(),
        Some("close"),
        "{}",
        resp.head
    );
}

/// issue 32: `GET /__corsform/` is explain's matrix page for the policy serve
/// answers with, and it never shadows a route of the policy: a policy that
/// routes anything under `/__corsform` (here a greedy root route, which
/// reaches it) gets its own answer there and no page, and serve says why.
#[test]
fn hosts_the_matrix_page_unless_a_route_answers_there() {
    let srv = serve(POLICY, &[]);
    let page = send(&srv.addr, "GET /__corsform/ HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(
        page.to_ascii_lowercase()
            .contains("content-type: text/html; charset=utf-8"),
        "{page}"
    );
    assert!(
        page.contains("<title>CORS matrix: rest-several-origins/policy.toml</title>")
            && page.contains("data-verdict=\"allowed\"")
            && page.contains("data-path=\"/cart\""),
        "{page}"
    );
    // Only GET and HEAD, and only that path: the rest is the API's.
    let post = send(
        &srv.addr,
        "POST /__corsform/ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
    );
    assert!(!post.contains("<!doctype html>"), "{post}");

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.toml"),
        "version = 1\n[api]\nname = \"shop\"\ntype = \"http\"\n[cors]\nallow_origins = [\"https://app.example.com\"]\n[[routes]]\npath = \"/{proxy+}\"\nmethods = [\"GET\"]\n",
    )
    .unwrap();
    let shadowed = Logged::start(dir.path(), &["p.toml"]);
    shadowed.wait_for_log("no matrix page: the policy's route /{proxy+} answers under /__corsform");
    let api = send(
        &shadowed.addr,
        "GET /__corsform/ HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    assert!(
        api.starts_with("HTTP/1.1 200") && api.contains("\"route\":\"/{proxy+}\""),
        "the policy's route answers, not the page: {api}"
    );
}

/// issue 32, try it: serve's second listener is the page's own origin. There
/// the page has a try-it column whose cells name that origin and explain's
/// verdict for it, loads its script from that origin and may fetch only the
/// API's (its CSP); that origin answers nothing of the API. The page on the
/// API's origin links to it. With `--page-listen` on the port of an allowed
/// loopback origin, the page is announced under that origin's host name.
#[test]
fn hosts_the_try_it_page_on_a_second_origin() {
    let dir = tempfile::tempdir().unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::write(
        dir.path().join("p.toml"),
        format!(
            "version = 1\n[api]\nname = \"shop\"\ntype = \"http\"\n[cors]\nallow_origins = [\"http://localhost:{port}\"]\nallow_methods = [\"GET\"]\n[[routes]]\npath = \"/a\"\nmethods = [\"GET\", \"DELETE\"]\n"
        ),
    )
    .unwrap();
    let page_listen = format!("127.0.0.1:{port}");
    let srv = Logged::start(dir.path(), &["p.toml", "--page-listen", &page_listen]);
    let url = format!("http://localhost:{port}/__corsform/");
    srv.wait_for_log(&format!(
        "try-it page on {url} (its origin, http://localhost:{port}, sends the try-it requests)"
    ));
    let api_port = srv.addr.rsplit(':').next().unwrap();
    let host = format!("localhost:{port}");
    let page = send(
        &page_listen,
        &format!("GET /__corsform/ HTTP/1.1\r\nHost: {host}\r\n\r\n"),
    );
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(
        page.contains(&format!(
            "content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; connect-src http://localhost:{api_port}\""
        )),
        "{page}"
    );
    assert!(
        page.contains("<script src=\"/__corsform/try.js\" defer></script>"),
        "{page}"
    );
    let origin = format!("data-try-origin=\"http://localhost:{port}\"");
    assert!(
        page.contains(&format!("{origin} data-try-method=\"GET\" data-try-path=\"/a\" data-credentials=\"false\" data-predicted=\"allowed\"")),
        "{page}"
    );
    assert!(
        page.contains(&format!("{origin} data-try-method=\"DELETE\" data-try-path=\"/a\" data-credentials=\"false\" data-predicted=\"blocked\"")),
        "DELETE is left out of allow_methods: {page}"
    );
    // A Host header that could break out of the markup is not used.
    let hostile = send(
        &page_listen,
        "GET /__corsform/ HTTP/1.1\r\nHost: x\"><script>\r\n\r\n",
    );
    assert!(
        hostile.contains(&origin) && !hostile.contains("x\"><script>"),
        "{hostile}"
    );
    let script = send(
        &page_listen,
        &format!("GET /__corsform/try.js HTTP/1.1\r\nHost: {host}\r\n\r\n"),
    );
    assert!(
        script.starts_with("HTTP/1.1 200")
            && script.contains("text/javascript")
            && script.contains("fetch("),
        "{script}"
    );
    let api_there = send(
        &page_listen,
        &format!("GET /a HTTP/1.1\r\nHost: {host}\r\n\r\n"),
    );
    assert!(
        api_there.starts_with("HTTP/1.1 404"),
        "the page's origin is not the API: {api_there}"
    );
    // The API's own page: no try-it column (a fetch from there is
    // same-origin), a link to the page's origin instead.
    let api_page = send(&srv.addr, "GET /__corsform/ HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(
        api_page.contains(&format!("<a href=\"{url}\">{url}</a>"))
            && !api_page.contains("data-try-path")
            && !api_page.contains("<script"),
        "{api_page}"
    );
}
