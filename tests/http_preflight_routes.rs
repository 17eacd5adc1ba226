//! An HTTP API whose function owns CORS (`owner = "lambda"`) needs an
//! unauthorized OPTIONS route on every path, or the browser's preflight never
//! reaches the function (API Gateway answers 404, or the path's authorizer
//! refuses it; docs/book/src/background/cors-facts.md, HTTP API section). The plan adds one per
//! path unless the policy already answers OPTIONS there. Found by issue 11's
//! cargo-mutants run: an OPTIONS route on one path was taken for every path's.

use corsform::diagnostic::SourceFile;

fn route_keys(text: &str) -> Vec<String> {
    let file = SourceFile::new("policy.toml", text.to_string());
    let (policy, diags) = corsform::check(&file);
    let policy = policy.unwrap_or_else(|| panic!("{diags:?}"));
    corsform::derive::http_api::plan(&policy)
        .routes
        .iter()
        .map(|r| r.route_key.clone())
        .collect()
}

#[test]
fn each_path_without_its_own_options_route_gets_one() {
    let keys = route_keys(
        "version = 1\n[api]\nname = \"t\"\ntype = \"http\"\n[cors]\nowner = \"lambda\"\n\
         allow_origins = [\"https://app.example.com\"]\n\
         [[routes]]\npath = \"/a\"\nmethods = [\"GET\", \"OPTIONS\"]\n\
         [[routes]]\npath = \"/b\"\nmethods = [\"GET\"]\nauthorization = \"jwt\"\n",
    );
    let options: Vec<&String> = keys.iter().filter(|k| k.starts_with("OPTIONS ")).collect();
    assert_eq!(options, ["OPTIONS /a", "OPTIONS /b"], "{keys:?}");
}
