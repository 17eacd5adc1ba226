//! `serve`'s pure request handling on arbitrary bytes: parse the request head,
//! then answer it from a fixed deployment (several origins, a pattern,
//! credentials, a MOCK route), without a backend. No input may panic.

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
    let Ok(head) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(req) = corsform::serve::parse_head(head) {
        let response = corsform::serve::handle(deployment(), &req, None);
        let _ = corsform::serve::reason(response.status);
    }
});
