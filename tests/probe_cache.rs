//! probe's shared-cache check (issue 31) against a cache that behaves like
//! CloudFront: `corsform serve` (which answers each origin its own
//! Allow-Origin, with `Vary: Origin`) behind the caching proxy of
//! `tests/common/cache_proxy.rs`, whose key is a plain list of request
//! header names, as a CloudFront cache policy's `headers_config` gives them.
//! - The proxy itself is shown to cache (a second request is not forwarded,
//!   whatever `Vary` says) and to key on the headers it is given.
//! - Keyed on nothing, probe names "cached Allow-Origin served to another
//!   origin" in every format and exits 1.
//! - Keyed on nothing and not on the query string either (CloudFront's
//!   CachingOptimized), a route without a path parameter cannot get fresh
//!   keys: the finding then rests on the proxy's `X-Cache: Hit` and the policy.
//! - Keyed on Origin, Access-Control-Request-Method and
//!   Access-Control-Request-Headers, probe finds nothing.

#[path = "common/cache_proxy.rs"]
mod cache_proxy;
mod common;

use cache_proxy::CacheProxy;
use common::serve;
use std::path::Path;
use std::process::Command;

/// What CORS needs in a cache key: the headers the cache policy corsform
/// generates for `[cloudfront]` keys on.
const CORS_KEY: &[&str] = corsform::model::CLOUDFRONT_CACHE_KEY_HEADERS;
const FINDING: &str = "cached Allow-Origin served to another origin";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// probe run from `golden/`: (exit code, stdout, stderr).
fn probe(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_corsform"))
        .arg("probe")
        .args(args)
        .current_dir(root().join("golden"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// One request through the proxy: (Allow-Origin, Vary, X-Cache).
fn get(proxy: &CacheProxy, method: &str, path: &str, origin: &str) -> [Option<String>; 3] {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .build()
        .into();
    let mut b = ureq::http::Request::builder()
        .method(method)
        .uri(format!("{}{path}", proxy.url()))
        .header("Origin", origin);
    if method == "OPTIONS" {
        b = b.header("Access-Control-Request-Method", "POST");
    }
    let resp = agent.run(b.body(()).unwrap()).unwrap();
    let h = |n: &str| {
        resp.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(String::from)
    };
    [h("access-control-allow-origin"), h("vary"), h("x-cache")]
}

const SHOP: &str = "https://shop.example.com";
const PREVIEW: &str = "https://pr-1.preview.example.com";

#[test]
fn the_proxy_caches_ignoring_vary_and_keys_on_the_headers_it_is_given() {
    let srv = serve("rest-several-origins/policy.toml", &[]);
    let upstream = format!("http://{}", srv.addr);

    let blind = cache_proxy::start(&upstream, &[]);
    let [first, vary, x1] = get(&blind, "GET", "/cart", SHOP);
    assert_eq!(first.as_deref(), Some(SHOP));
    assert!(
        vary.is_some_and(|v| v.to_ascii_lowercase().contains("origin")),
        "the upstream says its answer varies by Origin"
    );
    assert_eq!(x1.as_deref(), Some("Miss from cache-proxy"));
    let [second, _, x2] = get(&blind, "GET", "/cart", PREVIEW);
    assert_eq!(
        second.as_deref(),
        Some(SHOP),
        "the first origin's answer, Vary ignored"
    );
    assert_eq!(x2.as_deref(), Some("Hit from cache-proxy"));
    assert_eq!(blind.forwarded(), 1, "the second request was not forwarded");
    // OPTIONS is cached too, under its own method.
    get(&blind, "OPTIONS", "/cart", SHOP);
    let [pre, _, _] = get(&blind, "OPTIONS", "/cart", PREVIEW);
    assert_eq!(pre.as_deref(), Some(SHOP));
    assert_eq!(blind.forwarded(), 2);
    // The query string is in the key.
    get(&blind, "GET", "/cart?x=1", PREVIEW);
    assert_eq!(blind.forwarded(), 3);

    let keyed = cache_proxy::start(&upstream, CORS_KEY);
    for (origin, forwarded) in [(SHOP, 1), (PREVIEW, 2), (SHOP, 2), (PREVIEW, 2)] {
        let [got, _, _] = get(&keyed, "GET", "/cart", origin);
        assert_eq!(got.as_deref(), Some(origin));
        assert_eq!(keyed.forwarded(), forwarded, "{origin}");
    }
}

/// Every format of a probe of `policy` (relative to golden/) through a proxy
/// keyed on `key` (and the query string): (exit code, human, json, [html, junit]).
fn probe_through(policy: &str, key: &[&str]) -> (i32, String, serde_json::Value, Vec<String>) {
    probe_through_with(policy, key, true)
}

fn probe_through_with(
    policy: &str,
    key: &[&str],
    query_in_key: bool,
) -> (i32, String, serde_json::Value, Vec<String>) {
    let srv = serve(policy, &[]);
    let proxy = cache_proxy::start_with(&format!("http://{}", srv.addr), key, query_in_key);
    let url = proxy.url();
    let (code, human, err) = probe(&[&url, "--policy", policy]);
    let mut others = Vec::new();
    let mut json = serde_json::Value::Null;
    for format in ["json", "html", "junit"] {
        let (c, out, e) = probe(&[&url, "--policy", policy, "--format", format]);
        assert_eq!(c, code, "{format}: {out}{e}");
        if format == "json" {
            json = serde_json::from_str(&out).unwrap();
        } else {
            others.push(out);
        }
    }
    assert!(err.is_empty() || code != 2, "{err}");
    (code, human, json, others)
}

/// The cache findings of a JSON report: (origin, the origin it was served
/// after, the evidence, the route path sent).
fn cache_findings(json: &serde_json::Value) -> Vec<(String, String, serde_json::Value, String)> {
    json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["misconfiguration"]["name"] == FINDING)
        .map(|c| {
            (
                c["origin"]["value"].as_str().unwrap().to_string(),
                c["misconfiguration"]["cached_from"]["origin"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                c["misconfiguration"]["cached_from"]["evidence"].clone(),
                c["path"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_cache_keyed_without_origin_is_named_in_every_format() {
    for policy in [
        "rest-several-origins/policy.toml",
        // One allowed origin: paired with a refused lookalike of it.
        "http-backends/policy.toml",
    ] {
        let (code, human, json, others) = probe_through(policy, &[]);
        assert_eq!(code, 1, "{policy}: {human}");
        assert!(human.contains(FINDING), "{policy}: {human}");
        assert!(
            human.contains("key the cache on Origin"),
            "{policy}: the fix is named"
        );
        let found = cache_findings(&json);
        assert!(!found.is_empty(), "{policy}: {json:#}");
        for (origin, after, evidence, _) in &found {
            assert_ne!(origin, after);
            assert_eq!(evidence, "order", "fresh keys: the orders differ");
        }
        assert!(
            json["summary"]["misconfiguration_names"]
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n == FINDING),
            "{policy}"
        );
        for out in &others {
            assert!(out.contains(FINDING), "{policy}: {out}");
        }
        let junit = roxmltree::Document::parse(&others[1]).unwrap();
        let failed_cache_case = junit.descendants().any(|n| {
            n.has_tag_name("failure")
                && n.attribute("message").is_some_and(|m| m.contains(FINDING))
                && n.parent()
                    .and_then(|p| p.parent())
                    .and_then(|s| s.attribute("name"))
                    .is_some_and(|s| s.ends_with("cache check"))
        });
        assert!(failed_cache_case, "{policy}: {}", others[1]);
    }
}

#[test]
fn a_cache_keyed_on_origin_and_the_preflight_headers_is_clean() {
    for policy in [
        "rest-several-origins/policy.toml",
        "http-backends/policy.toml",
    ] {
        let (code, human, json, others) = probe_through(policy, CORS_KEY);
        assert_eq!(code, 0, "{policy}: {human}");
        assert!(cache_findings(&json).is_empty());
        assert!(
            json["checks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["cache"]["pair"] == 2),
            "the cache check ran"
        );
        assert!(!human.contains(FINDING) && !others.iter().any(|o| o.contains(FINDING)));
    }
}

#[test]
fn keyed_on_origin_alone_the_preflights_still_share_an_entry_but_nothing_is_misjudged() {
    // Origin in the key and not the preflight's headers: probe's pairs ask
    // for the same method and headers, so this check cannot see that gap and
    // must not invent a finding.
    let (code, human, json, _) = probe_through("rest-several-origins/policy.toml", &["origin"]);
    assert!(cache_findings(&json).is_empty(), "{human}");
    assert_eq!(code, 0, "{human}");
}

#[test]
fn without_the_query_in_the_key_a_cache_hit_against_the_policy_is_the_evidence() {
    let (code, human, json, _) = probe_through_with("rest-several-origins/policy.toml", &[], false);
    assert_eq!(code, 1, "{human}");
    let found = cache_findings(&json);
    // /cart and /status have no path parameter: both pairs share one entry.
    assert!(!found.is_empty(), "{human}");
    for (_, _, evidence, path) in &found {
        assert_eq!(
            evidence["cache_header"], "X-Cache: Hit from cache-proxy",
            "{path}"
        );
    }
    assert!(human.contains("a cache served it (X-Cache: Hit from cache-proxy)"));
    // Keyed on what CORS needs, the same query-blind cache is clean.
    let (code, human, json, _) =
        probe_through_with("rest-several-origins/policy.toml", CORS_KEY, false);
    assert!(cache_findings(&json).is_empty(), "{human}");
    assert_eq!(code, 0, "{human}");
}

#[test]
fn without_a_policy_the_trusted_origin_and_a_lookalike_are_the_pair() {
    // An HTTP API answers a refused origin without Allow-Origin, so the
    // lookalike's answer differs from the trusted origin's.
    let srv = serve("http-backends/policy.toml", &[]);
    let upstream = format!("http://{}", srv.addr);
    let app = "https://app.example.com";
    let run = |url: &str| -> (i32, serde_json::Value, String) {
        let (code, out, err) = probe(&[
            url, "--route", "/orders", "--origin", app, "--format", "json",
        ]);
        (code, serde_json::from_str(&out).unwrap(), err)
    };
    let blind = cache_proxy::start(&upstream, &[]);
    let (code, json, err) = run(&blind.url());
    assert_eq!(code, 1, "{json:#}{err}");
    let found = cache_findings(&json);
    assert!(
        found
            .iter()
            .any(|(o, after, _, _)| o == app && after != app),
        "the trusted origin got the lookalike's answer: {found:?}"
    );
    let keyed = cache_proxy::start(&upstream, CORS_KEY);
    let (code, json, err) = run(&keyed.url());
    assert_eq!(code, 0, "{json:#}{err}");
}
