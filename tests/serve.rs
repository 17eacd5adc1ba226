//! `corsform serve` over real sockets: preflight, stubbed and proxied actual
//! responses (upstream CORS headers replaced), simulated gateway errors, and
//! the request log.

mod common;

use common::serve;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};

fn send(addr: &str, raw: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn answers_like_the_deployment() {
    let srv = serve("rest-several-origins/policy.toml", &[]);
    let pre = send(
        &srv.addr,
        "OPTIONS /cart HTTP/1.1\r\nHost: x\r\nOrigin: https://pr-9.preview.example.com\r\nAccess-Control-Request-Method: POST\r\n\r\n",
    );
    assert!(pre.starts_with("HTTP/1.1 204"), "{pre}");
    assert!(
        pre.contains("Access-Control-Allow-Origin: https://pr-9.preview.example.com\r\n")
            && pre.contains("Vary: Origin"),
        "{pre}"
    );

    let refused = send(
        &srv.addr,
        "OPTIONS /cart HTTP/1.1\r\nHost: x\r\nOrigin: https://shopXexample.com\r\nAccess-Control-Request-Method: POST\r\n\r\n",
    );
    assert!(
        refused.contains("Access-Control-Allow-Origin: https://shop.example.com\r\n"),
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
            && err.contains("Access-Control-Allow-Origin: https://shop.example.com"),
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

#[test]
fn proxies_to_the_upstream_and_replaces_its_cors_headers() {
    let upstream = TcpListener::bind("127.0.0.1:0").unwrap();
    let up_addr = upstream.local_addr().unwrap().to_string();
    let handle = std::thread::spawn(move || {
        let (mut s, _) = upstream.accept().unwrap();
        let mut r = BufReader::new(s.try_clone().unwrap());
        let mut first = String::new();
        r.read_line(&mut first).unwrap();
        loop {
            let mut l = String::new();
            r.read_line(&mut l).unwrap();
            if l == "\r\n" {
                break;
            }
        }
        let body = "{\"from\":\"upstream\"}";
        write!(s, "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nAccess-Control-Allow-Origin: *\r\nX-Upstream: yes\r\nContent-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        first
    });
    let srv = serve(
        "rest-several-origins/policy.toml",
        &["--upstream", &format!("http://{up_addr}")],
    );
    let resp = send(
        &srv.addr,
        "POST /cart HTTP/1.1\r\nHost: x\r\nOrigin: https://shop.example.com\r\nContent-Length: 2\r\n\r\n{}",
    );
    let first = handle.join().unwrap();
    assert_eq!(first, "POST /cart HTTP/1.1\r\n");
    assert!(
        resp.starts_with("HTTP/1.1 201")
            && resp.contains("X-Upstream: yes")
            && resp.ends_with("{\"from\":\"upstream\"}"),
        "{resp}"
    );
    assert!(
        !resp.contains("Access-Control-Allow-Origin: *"),
        "the upstream's CORS header must be replaced: {resp}"
    );
    assert!(
        resp.contains("Access-Control-Allow-Origin: https://shop.example.com"),
        "{resp}"
    );
}
