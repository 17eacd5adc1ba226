//! The policy pipeline on arbitrary text: load -> check -> every supported
//! target's render -> explain, plus the diagnostic renderer. No input may
//! panic, and every YAML file rendered must parse (the renderer promises it).

#![no_main]

use corsform::browser::Request;
use corsform::diagnostic::{SourceFile, render as diag};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = SourceFile::new("policy.toml", text.to_string());
    let (model, diags) = corsform::check(&file);
    let _ = diag::human(&file, &diags);
    let Some(policy) = model else {
        return;
    };
    for target in corsform::render::supported_targets(&policy) {
        let files = corsform::render::render(&policy, target)
            .unwrap_or_else(|e| panic!("a supported target failed to render: {e:?}"));
        for (name, contents) in files {
            if name.ends_with(".yaml") {
                serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&contents)
                    .unwrap_or_else(|e| panic!("{name} does not parse: {e}"));
            }
        }
    }
    // A request the policy allows, and one from elsewhere, on every route.
    let origin = policy
        .cors
        .origin_strings()
        .first()
        .cloned()
        .unwrap_or_else(|| "https://elsewhere.example".into());
    for route in &policy.routes {
        for method in &route.methods {
            for o in [origin.as_str(), "https://evil.example"] {
                let req = Request {
                    origin: o.to_string(),
                    method: method.clone(),
                    headers: vec![("x-fuzz".into(), None)],
                    credentials: policy.cors.allow_credentials,
                };
                let report = corsform::explain::explain(&policy, &req, &route.path.text);
                let _ = corsform::explain::human("policy.toml", &report);
            }
        }
    }
});
