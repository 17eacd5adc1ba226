//! The Lambda helper as `explain`, `serve` and `probe` evaluate it
//! (`answer::helper` over `derive::lambda`'s rules) replays every scenario of
//! tests/lambda/scenarios.json and must expect exactly what the Node and Python
//! tests (tests/lambda/cors.test.mjs, test_cors.py) expect of the generated
//! helpers. So the Rust model of the helper and the generated code cannot drift
//! apart unnoticed: a change to one fails either this test or theirs.
//!
//! The scenarios' handlers are modelled as the helpers treat them: `ok`, `bare`,
//! `vary`, `multi_vary` and `string_headers` answer 200, `throws` becomes a
//! 500; the helper replaces the handler's own CORS headers and merges its
//! `Vary` (from `headers` or `multiValueHeaders`).

use corsform::answer;
use corsform::derive::lambda;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn header<'a>(headers: &'a Value, name: &str) -> Option<&'a str> {
    headers
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .and_then(|(_, v)| v.as_str())
}

/// The method of a v1 (`httpMethod`) or v2 (`requestContext.http.method`) event.
fn method(event: &Value) -> String {
    event["requestContext"]["http"]["method"]
        .as_str()
        .or(event["httpMethod"].as_str())
        .unwrap_or("")
        .to_ascii_uppercase()
}

/// The declared route path: v1 `resource`, v2 the path part of `routeKey`.
fn route_path(event: &Value) -> Option<String> {
    if let Some(r) = event["resource"].as_str() {
        return Some(r.to_string());
    }
    let key = event["routeKey"].as_str()?;
    key.split_once(' ').map(|(_, p)| p.to_string())
}

#[test]
fn answer_replays_the_lambda_helper_scenarios() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/lambda/scenarios.json")).unwrap();
    let scenarios: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert!(scenarios.len() >= 20, "found {} scenarios", scenarios.len());
    let mut failures = Vec::new();
    for s in &scenarios {
        let case = s["case"].as_str().unwrap();
        let name = format!("{case}: {}", s["name"].as_str().unwrap());
        let policy_text =
            std::fs::read_to_string(root.join("golden").join(case).join("policy.toml")).unwrap();
        let file = corsform::diagnostic::SourceFile::new("policy.toml", policy_text);
        let policy = corsform::check(&file)
            .0
            .expect("scenario policies are valid");
        let plan = lambda::plan(&policy);

        let event = &s["event"];
        let headers = &event["headers"];
        let origin = header(headers, "origin").unwrap_or("");
        let rule = match route_path(event) {
            Some(p) => plan.rule_for(&p),
            None => &plan.default,
        };
        let is_preflight = method(event) == "OPTIONS"
            && header(headers, "access-control-request-method").is_some();
        let handler = s["handler"].as_str().unwrap();
        let status = if handler == "throws" { 500 } else { 200 };
        let response = answer::helper(rule, origin, is_preflight, status);

        let mut got: BTreeMap<String, String> = response.headers.into_iter().collect();
        // The handler's own Vary is kept, the helper's value appended: `vary`
        // sets it in `headers`, `multi_vary` in `multiValueHeaders`.
        let own_vary = match handler {
            "vary" => Some("Accept-Encoding"),
            "multi_vary" => Some("Accept-Encoding, Cookie"),
            _ => None,
        };
        if let Some(own) = own_vary
            && !is_preflight
        {
            let merged = match got.get("Vary") {
                Some(v) => format!("{own}, {v}"),
                None => own.into(),
            };
            got.insert("Vary".into(), merged);
        }
        let want: BTreeMap<String, String> = s["expect"]["cors"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect();
        let want_status = s["expect"]["statusCode"].as_u64().unwrap() as u16;
        if got != want || response.status != want_status {
            failures.push(format!(
                "{name}\n  want {want_status} {want:?}\n  got  {} {got:?}",
                response.status
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenarios differ:\n{}",
        failures.len(),
        scenarios.len(),
        failures.join("\n")
    );
}
