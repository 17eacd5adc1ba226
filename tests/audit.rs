//! `audit`: golden cases under golden-audit/<case>/ (input files beside the
//! expected `audit.txt`, found by walking the folder; `SNAPSHOTS=overwrite
//! cargo test --test audit` regenerates them for review), every docs/book/src/background/design.md rule
//! pinned by at least one case, `ok-*` cases clean, and everything corsform
//! itself generates auditing clean.

use corsform::diagnostic::{Code, Severity, SourceFile, render};
use std::path::{Path, PathBuf};

fn overwrite() -> bool {
    std::env::var("SNAPSHOTS").is_ok_and(|v| v == "overwrite")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The IaC files under `dir`, named relative to `base`, sorted.
fn read_inputs(dir: &Path, base: &Path) -> Vec<SourceFile> {
    let mut files: Vec<SourceFile> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            name != "audit.txt" && corsform::audit::language(&name).is_some()
        })
        .map(|e| {
            let name = e
                .path()
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            SourceFile::new(name, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files
}

fn report(files: &[SourceFile]) -> (String, Vec<Code>) {
    // Handler source files beside the IaC, as the CLI reads them under the
    // audited paths (names are relative to golden-audit/).
    let base = root().join("golden-audit");
    let diags =
        corsform::audit::audit_with_sources(files, &|p| std::fs::read_to_string(base.join(p)).ok());
    let mut text = String::new();
    let mut codes = Vec::new();
    for (f, ds) in files.iter().zip(&diags) {
        if ds.is_empty() {
            continue;
        }
        text.push_str(&render::human(f, ds));
        text.push_str(&render::summary_line(f, ds));
        text.push('\n');
        codes.extend(ds.iter().map(|d| d.code));
    }
    if text.is_empty() {
        text.push_str("no findings\n");
    }
    (text, codes)
}

fn cases() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("golden-audit"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

/// The rule names docs/book/src/background/design.md lists for audit.
const RULES: &[&str] = &[
    "preflight-without-cors",
    "actual-response-without-cors",
    "error-responses-without-cors",
    "wildcard-origin-with-credentials",
    "several-origins-in-one-header",
    "origin-not-serialized",
    "preflight-behind-authorizer",
    "mapping-value-not-quoted",
    "invalid-mapping-key",
    "header-not-declared",
    "no-redeploy-on-change",
    "integration-response-race",
    "mock-without-convert-to-text",
    "expose-headers-on-preflight-only",
    "credentials-mismatch",
    "vary-missing",
    "unescaped-origin-regex",
    "wildcard-headers-without-authorization",
    "max-age-out-of-range",
    "cloudfront-cache-key-ignores-origin",
    "cloudfront-options-not-allowed",
    "response-headers-policy-overrides-cors",
    "bucket-cors-without-etag",
    "function-url-cors-with-function-headers",
    "bucket-origin-wildcards",
];

#[test]
fn golden_audit_cases() {
    let mut seen: Vec<Code> = Vec::new();
    let mut failures = Vec::new();
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let files = read_inputs(&case, &root().join("golden-audit"));
        assert!(!files.is_empty(), "{name}: no input files");
        let (text, codes) = report(&files);
        if name.starts_with("ok-") {
            assert!(codes.is_empty(), "{name} must audit clean:\n{text}");
        } else {
            assert!(!codes.is_empty(), "{name}: expected findings");
        }
        seen.extend(codes);
        let expected = case.join("audit.txt");
        if overwrite() {
            std::fs::write(&expected, &text).unwrap();
            continue;
        }
        match std::fs::read_to_string(&expected) {
            Ok(want) if want == text => {}
            Ok(want) => failures.push(format!(
                "{name}: audit.txt differs\n--- want\n{want}\n--- got\n{text}"
            )),
            Err(_) => failures.push(format!(
                "{name}: missing audit.txt (run SNAPSHOTS=overwrite cargo test --test audit)"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for rule in RULES {
        let code = Code::ALL.iter().find(|c| c.name() == *rule);
        let code = code.unwrap_or_else(|| panic!("no code is named {rule}"));
        assert!(
            seen.contains(code),
            "no golden-audit case pins rule {rule} ({})",
            code.id()
        );
    }
}

/// Lint findings of the policy that an audit finding of its output restates.
fn restates(audit: Code, lint: &[Code]) -> bool {
    lint.contains(&audit)
        || (audit == Code::PreflightBehindAuthorizer && lint.contains(&Code::AuthorizerOnCatchAll))
        // The team's own gateway responses, which the merge keeps as they are.
        || (matches!(
            audit,
            Code::CredentialsMismatch | Code::WildcardOriginWithCredentials
        ) && lint.contains(&Code::OpenapiGatewayResponseCors))
}

#[test]
fn everything_corsform_generates_audits_clean() {
    let golden = root().join("golden");
    let mut checked = 0;
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&golden)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    for case in dirs {
        let policy = case.join("policy.toml");
        let Ok(text) = std::fs::read_to_string(&policy) else {
            continue;
        };
        // With `[api] openapi`, the document's findings count as lint's too.
        let file = SourceFile::new("policy.toml", text);
        let loaded = corsform::policy::load(&file);
        let (checked_policy, lint) = match corsform::openapi_document_path(&loaded).and_then(|d| {
            Some(SourceFile::new(
                d.clone(),
                std::fs::read_to_string(case.join(&d)).ok()?,
            ))
        }) {
            Some(doc) => {
                let (p, mut lint, doc_lint) = corsform::check_with_document(&file, loaded, &doc);
                lint.extend(doc_lint);
                (p, lint)
            }
            None => corsform::check_loaded(&file, loaded, None),
        };
        // Per-environment outputs read their values from `local.environments`
        // or an `Environments` Mapping, which audit does not evaluate yet; the
        // conformance tier deploys and checks them (test_environments.py).
        if checked_policy.is_some_and(|p| !p.environments.is_empty()) {
            continue;
        }
        let lint: Vec<Code> = lint.iter().map(|d| d.code).collect();
        for target in ["terraform", "sam", "cloudformation", "openapi"] {
            let dir = case.join(target);
            if !dir.is_dir() {
                continue;
            }
            let files = read_inputs(&dir, &golden);
            let diags = corsform::audit::audit(&files);
            for (f, ds) in files.iter().zip(&diags) {
                for d in ds.iter().filter(|d| d.severity() <= Severity::Warning) {
                    // A finding lint already reports on the policy (warn-* cases)
                    // is the same problem seen from the output; anything else is a bug.
                    assert!(
                        restates(d.code, &lint),
                        "{}: {}",
                        f.name,
                        render::human(f, std::slice::from_ref(d))
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} generated outputs found");
}

#[test]
fn json_and_sarif_carry_the_rule_name() {
    let case = root().join("golden-audit/tf-http-wildcard-credentials");
    let files = read_inputs(&case, &root());
    let diags = corsform::audit::audit(&files);
    let results: Vec<_> = files.into_iter().zip(diags).collect();
    let json: serde_json::Value = serde_json::from_str(&render::json(&results)).unwrap();
    assert_eq!(
        json["findings"][0]["name"],
        "wildcard-origin-with-credentials"
    );
    // docs/book/src/background/design.md names the field `rule`.
    assert_eq!(
        json["findings"][0]["rule"],
        "wildcard-origin-with-credentials"
    );
    let sarif: serde_json::Value = serde_json::from_str(&render::sarif(&results, None)).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["rules"][index]["name"],
        "wildcard-origin-with-credentials"
    );
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        10
    );
}

fn corsform(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_corsform"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

#[test]
fn exit_codes_are_lints() {
    let code = |args: &[&str]| corsform(args).status.code();
    assert_eq!(
        code(&[
            "audit",
            "golden-audit/ok-tf-rest",
            "golden-audit/ok-sam-http"
        ]),
        Some(0)
    );
    // Warnings only: 0, unless --deny-warnings.
    assert_eq!(
        code(&["audit", "golden-audit/tf-guide-rest-cors/main.tf"]),
        Some(0)
    );
    assert_eq!(
        code(&[
            "audit",
            "golden-audit/tf-guide-rest-cors/main.tf",
            "--deny-warnings"
        ]),
        Some(1)
    );
    assert_eq!(
        code(&["audit", "golden-audit/cfn-bad-mapping-key/template.yaml"]),
        Some(1)
    );
    assert_eq!(code(&["audit", "golden-audit/no-such-dir"]), Some(2));
}

#[test]
fn unreadable_files_name_their_position_and_skipped_folders_are_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join(".terraform/modules")).unwrap();
    std::fs::write(d.join(".terraform/modules/broken.tf"), "resource {{{").unwrap();
    std::fs::write(d.join("notes.yaml"), "a: [unclosed\n").unwrap();
    std::fs::write(
        d.join("main.tf"),
        "resource \"aws_api_gateway_rest_api\" \"a\" {\n  name = \"a\"\n}\n",
    )
    .unwrap();
    let out = corsform(&["audit", d.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("audit: 2 files read"), "{stdout}");
    std::fs::write(
        d.join("template.yaml"),
        "Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties: [\n",
    )
    .unwrap();
    let out = corsform(&["audit", d.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(
        stdout.contains("error[CF0900]") && stdout.contains("template.yaml:"),
        "{stdout}"
    );
}

#[test]
fn import_then_build_check_round_trip_from_the_cli() {
    let out = corsform(&["import", "golden-audit/ok-tf-rest"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let policy = String::from_utf8(out.stdout).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corsform.toml");
    std::fs::write(&path, &policy).unwrap();
    let lint = corsform(&["lint", path.to_str().unwrap(), "--deny-warnings"]);
    assert_eq!(
        lint.status.code(),
        Some(0),
        "{}\n{policy}",
        String::from_utf8_lossy(&lint.stdout)
    );
    assert!(
        policy.contains("allow_origins = [\"https://billing.example.com\"]"),
        "{policy}"
    );
    assert!(policy.contains("max_age = 600"), "{policy}");
    // Two APIs in one walk: --api chooses.
    let both = corsform(&[
        "import",
        "golden-audit/ok-tf-rest",
        "golden-audit/ok-sam-http",
    ]);
    assert_eq!(both.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&both.stderr).contains("--api"));
    let one = corsform(&[
        "import",
        "golden-audit/ok-tf-rest",
        "golden-audit/ok-sam-http",
        "--api",
        "billing",
    ]);
    assert_eq!(one.status.code(), Some(0));
}

/// No input panics audit: every golden input and generated output, cut at
/// forty points (mostly invalid files), is read and judged or refused.
#[test]
fn truncated_inputs_never_panic() {
    let mut files = read_inputs(&root().join("golden-audit"), &root());
    files.extend(read_inputs(&root().join("golden"), &root()));
    let mut runs = 0;
    for f in &files {
        let step = f.text.len() / 40 + 1;
        for cut in (0..f.text.len()).step_by(step) {
            let mut end = cut;
            while !f.text.is_char_boundary(end) {
                end -= 1;
            }
            let part = SourceFile::new(f.name.clone(), f.text[..end].to_string());
            let diags = corsform::audit::audit(std::slice::from_ref(&part));
            for d in &diags[0] {
                let span = d.span.clone().unwrap_or(0..0);
                assert!(
                    span.start <= span.end && span.end <= part.text.len(),
                    "{}@{end}: {d:?}",
                    f.name
                );
            }
            runs += 1;
        }
    }
    assert!(runs > 1000, "{runs}");
}

/// One walk over many modules (every folder of golden/ at once) finds exactly
/// what auditing each folder alone finds: Terraform files are joined per
/// folder, so `aws_apigatewayv2_api.this` of two modules are two APIs.
#[test]
fn one_walk_over_many_modules_judges_each_alone() {
    let golden = root().join("golden");
    let all = read_inputs(&golden, &golden);
    let together = corsform::audit::audit(&all);
    let mut checked = 0;
    for (f, ds) in all.iter().zip(&together) {
        let dir = f.name.rsplit_once('/').map_or("", |(d, _)| d);
        let alone_files = read_inputs(&golden.join(dir), &golden);
        let alone = corsform::audit::audit(&alone_files);
        let i = alone_files.iter().position(|g| g.name == f.name).unwrap();
        assert_eq!(ds, &alone[i], "{}", f.name);
        checked += 1;
    }
    assert!(checked > 100, "{checked}");
}

/// CloudFront in front of corsform's own REST output for several origins
/// (a mapping template picks Allow-Origin per request): a cache key without
/// Origin is CF0919 on the distribution's file, one with Origin audits
/// clean; the generated files themselves stay clean either way.
#[test]
fn cloudfront_in_front_of_generated_rest_several_origins() {
    let dir = root().join("golden/rest-several-origins/terraform");
    let mut files = read_inputs(&dir, &dir);
    let distribution = |headers: &str| {
        format!(
            r#"resource "aws_cloudfront_distribution" "api" {{
  enabled = true
  origin {{
    origin_id   = "api"
    domain_name = replace(aws_api_gateway_stage.this.invoke_url, "/^https://([^/]+).*$/", "$1")
  }}
  default_cache_behavior {{
    target_origin_id = "api"
    allowed_methods  = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    cached_methods   = ["GET", "HEAD"]
    forwarded_values {{
      query_string = true
      headers      = [{headers}]
      cookies {{
        forward = "none"
      }}
    }}
  }}
}}
"#
        )
    };
    files.push(SourceFile::new(
        "cloudfront.tf",
        distribution("\"Authorization\""),
    ));
    let diags = corsform::audit::audit(&files);
    let codes = |i: usize| -> Vec<Code> { diags[i].iter().map(|d| d.code).collect() };
    let last = files.len() - 1;
    assert_eq!(codes(last), vec![Code::CloudfrontCacheKeyIgnoresOrigin]);
    assert!(
        diags[last][0].message.contains("mapping template"),
        "{}",
        diags[last][0].message
    );
    for i in 0..last {
        assert!(
            diags[i].iter().all(|d| d.severity() > Severity::Warning),
            "{}: {:?}",
            files[i].name,
            codes(i)
        );
    }
    files[last] = SourceFile::new(
        "cloudfront.tf",
        distribution("\"Authorization\", \"Origin\""),
    );
    let diags = corsform::audit::audit(&files);
    assert!(diags[last].is_empty(), "{:?}", diags[last]);
}

/// A handler source file is read only under the paths audit is given: the
/// template alone is judged without it, its folder with it.
#[test]
fn handler_files_are_read_only_under_the_audited_paths() {
    let case = "golden-audit/sam-function-url-handler-file";
    let count = |path: &str| {
        let out = corsform(&["audit", path, "--format", "json"]);
        String::from_utf8_lossy(&out.stdout)
            .matches("function-url-cors-with-function-headers")
            .count()
    };
    assert!(count(case) > 0);
    assert_eq!(count(&format!("{case}/template.yaml")), 0);
}
