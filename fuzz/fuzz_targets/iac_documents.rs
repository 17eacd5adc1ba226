//! The readers of files corsform did not write, on arbitrary text (issue 28):
//! the text as an OpenAPI document merged with a fixed policy, and as a
//! CloudFormation/SAM/OpenAPI file and a Terraform file for audit and import.
//! No input may panic; a merge that succeeds must read back (the merge's
//! promise: never invalid output).

#![no_main]

use corsform::diagnostic::SourceFile;
use libfuzzer_sys::fuzz_target;

const POLICY: &str = "version = 1\n[api]\nname = \"fuzz\"\ntype = \"rest\"\nopenapi = \"api.yaml\"\n[cors]\nallow_origins = [\"https://a.example\", \"https://*.b.example\"]\nallow_credentials = true\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = SourceFile::new("policy.toml", POLICY.to_string());
    let doc = SourceFile::new("api.yaml", text.to_string());
    let loaded = corsform::policy::load(&file);
    let (policy, _, _) = corsform::check_with_document(&file, loaded, &doc);
    if let Some(policy) = policy
        && let Ok(out) = corsform::openapi::document::merged(&policy, "api.yaml", text, "policy.toml")
    {
        corsform::audit::yaml::parse(out.trim_start_matches('\u{feff}'))
            .unwrap_or_else(|e| panic!("a merged document does not read back: {e:?}\n{out}"));
    }
    for name in ["template.yaml", "main.tf"] {
        let files = [SourceFile::new(name, text.to_string())];
        let _ = corsform::audit::audit(&files);
        let _ = corsform::import::import(&files, None);
    }
});
