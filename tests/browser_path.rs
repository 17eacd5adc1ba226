//! The rest of the browser's path (issue 31): `[buckets]` and
//! `[function_urls]` are linted with each service's own rules, and explain,
//! the matrix and serve answer a request to one as S3 or Lambda does.

use corsform::answer::Deployment;
use corsform::browser::Request;
use corsform::diagnostic::{Code, SourceFile};
use corsform::explain::explain;
use corsform::model::Policy;
use corsform::serve::{Backend, HttpRequest, Upstream, handle};

const BASE: &str = r#"
version = 1
[api]
name = "photos"
type = "rest"
[cors]
allow_origins = ["https://app.example.com", "https://*.preview.example.com"]
allow_headers = ["content-type"]
max_age = 600
[[routes]]
path = "/albums"
methods = ["GET", "POST"]
"#;

fn check(extra: &str) -> (Option<Policy>, Vec<corsform::diagnostic::Diagnostic>) {
    corsform::check(&SourceFile::new("p.toml", format!("{BASE}{extra}")))
}

fn policy(extra: &str) -> Policy {
    let (p, diags) = check(extra);
    p.unwrap_or_else(|| panic!("{diags:#?}"))
}

fn codes(extra: &str) -> Vec<Code> {
    check(extra).1.iter().map(|d| d.code).collect()
}

fn req(origin: &str, method: &str, headers: &[&str], credentials: bool) -> Request {
    Request {
        origin: origin.into(),
        method: method.into(),
        headers: headers.iter().map(|h| (h.to_string(), None)).collect(),
        credentials,
    }
}

const UPLOADS: &str =
    "[buckets.uploads]\nmethods = [\"PUT\", \"GET\"]\nallow_headers = [\"content-type\"]\n";

#[test]
fn a_bucket_inherits_origins_and_max_age_and_exposes_etag_for_uploads() {
    let p = policy(UPLOADS);
    let s = p.service("bucket:uploads").expect("declared");
    assert_eq!(s.cors.expose_headers, ["etag"]);
    assert_eq!(s.cors.max_age, Some(600));
    assert_eq!(s.cors.allow_origins, p.cors.allow_origins);
    // A read-only bucket exposes nothing by default.
    let p = policy("[buckets.assets]\nmethods = [\"GET\"]\n");
    assert!(p.service("assets").unwrap().cors.expose_headers.is_empty());
}

#[test]
fn each_service_has_its_own_rules() {
    assert!(codes("[buckets.u]\nmethods = [\"PATCH\"]\n").contains(&Code::NotOnService));
    assert!(
        codes("[buckets.u]\nmethods = [\"PUT\"]\nexpose_headers = [\"x-amz-version-id\"]\n")
            .contains(&Code::EtagNotExposed)
    );
    // The inherited pattern: S3's `*` crosses dots.
    assert!(codes(UPLOADS).contains(&Code::BucketPatternWider));
    // Function URLs: no OPTIONS, no patterns, `*` literal with credentials.
    let c = codes("[function_urls.f]\nmethods = [\"POST\", \"OPTIONS\"]\n");
    assert_eq!(
        c.iter().filter(|c| **c == Code::NotOnService).count(),
        2,
        "{c:?}"
    );
    let c = codes(
        "[function_urls.f]\nmethods = [\"POST\"]\nallow_origins = [\"https://app.example.com\"]\nallow_headers = [\"*\"]\nallow_credentials = true\n",
    );
    assert!(c.contains(&Code::WildcardWithCredentials), "{c:?}");
    let c = codes(
        "[function_urls.f]\nmethods = [\"GET\",\"PUT\",\"HEAD\",\"POST\",\"PATCH\",\"DELETE\",\"*\"]\nallow_origins = [\"https://app.example.com\"]\n",
    );
    assert!(c.contains(&Code::ServiceLimit), "{c:?}");
    assert!(codes("[buckets.Up]\nmethods = [\"GET\"]\n").contains(&Code::InvalidServiceName));
    // A clean one is clean.
    // A clean one adds nothing to the base policy's own notes.
    let base = codes("");
    let c = codes(
        "[function_urls.f]\nmethods = [\"POST\"]\nallow_origins = [\"https://app.example.com\"]\n",
    );
    assert_eq!(c, base);
}

#[test]
fn a_bucket_answers_as_s3_does() {
    let p = policy(UPLOADS);
    let upload = explain(
        &p,
        &req("https://app.example.com", "PUT", &["content-type"], false),
        "bucket:uploads/a.jpg",
    );
    assert!(upload.allowed, "{upload:#?}");
    assert_eq!(upload.route.as_deref(), Some("bucket:uploads"));
    assert_eq!(
        upload.readable_headers,
        ["etag"],
        "multipart code reads ETag"
    );
    // S3 echoes the requested headers and always allows credentials for a
    // non-`*` rule.
    let pre = &upload.stages[0];
    assert!(
        pre.headers
            .iter()
            .any(|(n, v)| n == "Access-Control-Allow-Headers" && v == "content-type")
    );
    let with_credentials = explain(
        &p,
        &req("https://app.example.com", "PUT", &[], true),
        "bucket:uploads/a.jpg",
    );
    assert!(with_credentials.allowed, "{with_credentials:#?}");

    // A header the rule does not allow: S3 refuses the whole preflight (403).
    let acl = explain(
        &p,
        &req("https://app.example.com", "PUT", &["x-amz-acl"], false),
        "bucket:uploads/a.jpg",
    );
    assert!(!acl.allowed);
    assert_eq!(acl.stages[0].status, 403);
    assert_eq!(
        acl.fixes,
        ["add \"x-amz-acl\" to [buckets.uploads] allow_headers"]
    );
    let delete = explain(
        &p,
        &req("https://app.example.com", "DELETE", &[], false),
        "/bucket:uploads/a.jpg",
    );
    assert_eq!(
        delete.fixes,
        ["add \"DELETE\" to [buckets.uploads] methods"]
    );

    // S3's `*` matches deeper subdomains, which API Gateway's pattern refuses.
    let deep = "https://a.b.preview.example.com";
    assert!(explain(&p, &req(deep, "PUT", &[], false), "bucket:uploads/a.jpg").allowed);
    assert!(!explain(&p, &req(deep, "POST", &["content-type"], false), "/albums").allowed);
    let evil = explain(
        &p,
        &req("https://evil.example.com", "PUT", &[], false),
        "bucket:uploads/a.jpg",
    );
    assert!(!evil.allowed);
    assert!(
        evil.fixes[0].contains("[buckets.uploads] allow_origins"),
        "{:?}",
        evil.fixes
    );
}

#[test]
fn a_function_url_answers_from_its_cors_block() {
    let p = policy(
        "[function_urls.thumbs]\nmethods = [\"POST\"]\nallow_origins = [\"https://app.example.com\"]\nallow_headers = [\"content-type\"]\nallow_credentials = true\n",
    );
    let ok = explain(
        &p,
        &req("https://app.example.com", "POST", &["content-type"], true),
        "function_url:thumbs",
    );
    assert!(ok.allowed, "{ok:#?}");
    let other = explain(
        &p,
        &req(
            "https://x.preview.example.com",
            "POST",
            &["content-type"],
            false,
        ),
        "function_url:thumbs",
    );
    assert!(!other.allowed, "its own allow_origins replace [cors]'s");
    let put = explain(
        &p,
        &req("https://app.example.com", "PUT", &[], true),
        "function_url:thumbs",
    );
    assert!(!put.allowed);
    assert_eq!(put.fixes, ["add \"PUT\" to [function_urls.thumbs] methods"]);
}

#[test]
fn environments_reach_the_services() {
    let p = policy(&format!(
        "{UPLOADS}[environments.dev.cors]\nallow_origins = [\"http://localhost:5173\"]\n[environments.prod]\n"
    ));
    let dev = p.environment("dev").unwrap();
    let r = explain(
        dev,
        &req("http://localhost:5173", "PUT", &[], false),
        "bucket:uploads/a",
    );
    assert!(r.allowed, "{r:#?}");
    let prod = p.environment("prod").unwrap();
    assert!(
        !explain(
            prod,
            &req("http://localhost:5173", "PUT", &[], false),
            "bucket:uploads/a"
        )
        .allowed
    );
}

#[test]
fn the_matrix_has_a_row_per_service_method() {
    let p = policy(&format!(
        "{UPLOADS}[function_urls.thumbs]\nmethods = [\"*\"]\nallow_origins = [\"https://app.example.com\"]\n"
    ));
    let m = corsform::matrix::matrix(&p, &[], false, None);
    let rows: Vec<(String, String)> = m
        .rows
        .iter()
        .map(|r| (r[0].route.clone(), r[0].method.clone()))
        .collect();
    assert!(
        rows.contains(&("bucket:uploads".into(), "PUT".into())),
        "{rows:?}"
    );
    assert!(
        rows.contains(&("function_url:thumbs".into(), "PATCH".into())),
        "`*` expands: {rows:?}"
    );
    // Each cell is explain's verdict for that request.
    for row in &m.rows {
        for c in row {
            let r = explain(&p, &req(&c.origin, &c.method, &[], false), &c.path);
            assert_eq!(c.allowed, r.allowed, "{} {} {}", c.method, c.path, c.origin);
        }
    }
}

struct NeverCalled;
impl Backend for NeverCalled {
    fn forward(&self, req: &HttpRequest) -> Result<Upstream, String> {
        panic!("a bucket request reached the upstream: {}", req.target)
    }
}

#[test]
fn serve_answers_a_bucket_itself_and_never_forwards_it() {
    let d = Deployment::new(policy(UPLOADS));
    let get = |method: &str, headers: &[(&str, &str)]| {
        handle(
            &d,
            &HttpRequest {
                method: method.into(),
                target: "/bucket:uploads/a.jpg".into(),
                headers: headers
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.to_string()))
                    .collect(),
                body: vec![],
            },
            Some(&NeverCalled),
        )
    };
    let pre = get(
        "OPTIONS",
        &[
            ("Origin", "https://app.example.com"),
            ("Access-Control-Request-Method", "PUT"),
        ],
    );
    assert_eq!(pre.status, 200);
    assert!(
        pre.headers
            .iter()
            .any(|(n, v)| n == "Access-Control-Allow-Origin" && v == "https://app.example.com")
    );
    let refused = get(
        "OPTIONS",
        &[
            ("Origin", "https://evil.example.com"),
            ("Access-Control-Request-Method", "PUT"),
        ],
    );
    assert_eq!(refused.status, 403);
    assert!(refused.headers.is_empty());
    let put = get("PUT", &[("Origin", "https://app.example.com")]);
    assert!(
        put.headers
            .iter()
            .any(|(n, v)| n == "Access-Control-Expose-Headers" && v == "etag")
    );
}
