//! `serve`'s pure request handling on arbitrary requests: hyper parses the
//! wire format (src/cli/serve/), so the input is read as a request already
//! split into its parts (first line `METHOD TARGET`, then `name: value`
//! lines, any bytes in either) and answered from a fixed deployment (several
//! origins, a pattern, credentials, a MOCK route), without a backend, then
//! logged. No input may panic.

#![no_main]

use corsform::answer::Deployment;
use corsform::diagnostic::SourceFile;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const POLICY: &str = include_str!("../../golden/rest-several-origins/policy.toml");

fn deployment() -> &'static Deployment {
    static D: OnceLock<Deployment> = OnceLock::new();
    D.get_or_init(|| {
        let (model, _) = corsform::check(&SourceFile::new("policy.toml", POLICY.to_string()));
        Deployment::new(model.expect("the golden policy is valid"))
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let first = lines.next().unwrap_or("");
    let (method, target) = first.split_once(' ').unwrap_or((first, "/"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let req = corsform::serve::HttpRequest {
        method: method.to_string(),
        target: target.to_string(),
        headers,
        body: Vec::new(),
    };
    let response = corsform::serve::handle(deployment(), &req, None);
    let _ = corsform::serve::escape_for_log(&response.log);
});
