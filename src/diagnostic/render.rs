//! The one place diagnostics become text: rustc-style human output (through
//! annotate-snippets, like cargo), JSON, and SARIF 2.1.0 for code-scanning UIs.
//! All three read the same [`Diagnostic`] list and the same [`SourceFile`]
//! positions.

use super::{Code, Diagnostic, Severity, SourceFile, Tally};
use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

/// Where help lines send a reader for the policy reference (every key, its
/// type and default): the installed binary prints it, so the pointer works
/// offline and names no web address corsform may not own.
pub const POLICY_HELP: &str = "`corsform help policy`";

/// The environment variable that gives the book's base URL when
/// `--docs-url` does not (lint and audit).
pub const DOCS_URL_ENV: &str = "CORSFORM_DOCS_URL";

/// A rule's page in the book published at `base`
/// (`<base>/reference/rules/CF0903.html`, as mdBook names the page of
/// docs/book/src/reference/rules/CF0903.md).
pub fn rule_page_url(base: &str, code: Code) -> String {
    format!(
        "{}/reference/rules/{}.html",
        base.trim_end_matches('/'),
        code.id()
    )
}

/// RFC 3986 section 2.3: only unreserved characters stay as they are in a
/// path segment; `/` separates segments. Everything else is percent-encoded
/// (as UTF-8), so a file named `a b#1.toml` is a valid URI reference.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');
/// In an absolute `file:` path a `:` (a Windows drive) is allowed; in a
/// relative reference it is not, as it would read as a URI scheme.
const FILE_PATH: &AsciiSet = &PATH.remove(b':');

/// A policy's name as a SARIF artifact location: relative names against
/// `%SRCROOT%` (the directory lint ran in; GitHub code scanning resolves it to
/// the checkout), absolute ones as `file:` URIs.
fn artifact_location(name: &str) -> Value {
    let name = name.replace('\\', "/");
    let windows_drive = name.as_bytes().get(1) == Some(&b':');
    if name.starts_with('/') || windows_drive {
        let slash = if windows_drive { "/" } else { "" };
        json!({ "uri": format!("file://{slash}{}", utf8_percent_encode(&name, FILE_PATH)) })
    } else {
        json!({ "uri": utf8_percent_encode(&name, PATH).to_string(), "uriBaseId": "%SRCROOT%" })
    }
}

/// Every finding of one file, rustc-style, without colour (stable for goldens and logs).
pub fn human(file: &SourceFile, diags: &[Diagnostic]) -> String {
    human_with(&Renderer::plain(), file, diags)
}

/// The same, with annotate-snippets' ANSI styling (rustc's colours); the CLI
/// writes it through anstream, which drops the styling where it does not belong
/// (pipes, files, `NO_COLOR`).
pub fn human_styled(file: &SourceFile, diags: &[Diagnostic]) -> String {
    human_with(&Renderer::styled(), file, diags)
}

fn human_with(renderer: &Renderer, file: &SourceFile, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let level = match d.severity() {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        let span = d.span.clone().unwrap_or(0..0);
        let mut annotation = AnnotationKind::Primary.span(span);
        if let Some(label) = &d.label {
            annotation = annotation.label(label.as_str());
        }
        let mut group = level
            .primary_title(d.message.as_str())
            .id(d.code.id())
            .element(
                Snippet::source(file.text.as_str())
                    .path(file.name.as_str())
                    .annotation(annotation),
            );
        if let Some(help) = &d.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    out
}

/// The closing line of a file's findings: `policy.toml: 1 error, 2 warnings`.
pub fn summary_line(file: &SourceFile, diags: &[Diagnostic]) -> String {
    let t = Tally::of(diags);
    format!(
        "{}: {}, {}, {}",
        file.name,
        plural(t.errors, "error"),
        plural(t.warnings, "warning"),
        plural(t.notes, "note")
    )
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn finding_json(file: &SourceFile, d: &Diagnostic) -> Value {
    let (start, end) = file.range(&d.span.clone().unwrap_or(0..0));
    json!({
        "file": file.name,
        "code": d.code.id(),
        "name": d.code.name(),
        // docs/design.md: every audit finding carries its `rule` (the rule
        // names are the codes' names); lint's findings carry it the same way.
        "rule": d.code.name(),
        "severity": d.severity().as_str(),
        "message": d.message,
        "label": d.label,
        "help": d.help,
        "line": start.line,
        "column": start.column,
        "end_line": end.line,
        "end_column": end.column,
    })
}

/// `lint --format json`: one document for all files.
pub fn json(files: &[(SourceFile, Vec<Diagnostic>)]) -> String {
    let findings: Vec<Value> = files
        .iter()
        .flat_map(|(f, ds)| ds.iter().map(move |d| finding_json(f, d)))
        .collect();
    let t = Tally::of(files.iter().flat_map(|(_, ds)| ds.iter()));
    let doc = json!({
        "findings": findings,
        "summary": { "errors": t.errors, "warnings": t.warnings, "notes": t.notes },
    });
    serde_json::to_string_pretty(&doc).expect("JSON values always serialize") + "\n"
}

/// `lint --format sarif` and `audit --format sarif`: SARIF 2.1.0, one run,
/// every rule described with its whole explanation (`help`), so a code-scanning
/// UI shows the wrong and right examples without a network. `docs` is the
/// book's base URL: each rule's `helpUri` is its page there and the tool's
/// `informationUri` the book; without it both are left out (SARIF makes them
/// optional) rather than pointing at an address nobody serves.
pub fn sarif(files: &[(SourceFile, Vec<Diagnostic>)], docs: Option<&str>) -> String {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|c| {
            let mut rule = json!({
                "id": c.id(),
                "name": c.name(),
                "shortDescription": { "text": c.summary() },
                "fullDescription": { "text": c.summary() },
                "help": {
                    "text": c.explanation(),
                    "markdown": c.explanation(),
                },
                "defaultConfiguration": { "level": c.severity().as_str() },
            });
            if let Some(base) = docs {
                rule["helpUri"] = json!(rule_page_url(base, *c));
            }
            rule
        })
        .collect();
    let results: Vec<Value> = files
        .iter()
        .flat_map(|(f, ds)| {
            ds.iter().map(move |d| {
                let (start, end) = f.range(&d.span.clone().unwrap_or(0..0));
                let mut text = d.message.clone();
                if let Some(help) = &d.help {
                    text.push_str("\nhelp: ");
                    text.push_str(help);
                }
                json!({
                    "ruleId": d.code.id(),
                    "ruleIndex": Code::ALL.iter().position(|c| *c == d.code),
                    "level": d.severity().as_str(),
                    "message": { "text": text },
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": artifact_location(&f.name),
                            "region": {
                                "startLine": start.line,
                                "startColumn": start.column,
                                "endLine": end.line,
                                "endColumn": end.column,
                            }
                        }
                    }]
                })
            })
        })
        .collect();
    let mut driver = json!({
        "name": "corsform",
        "version": env!("CARGO_PKG_VERSION"),
        "rules": rules,
    });
    if let Some(base) = docs {
        driver["informationUri"] = json!(base);
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "originalUriBaseIds": {
                "%SRCROOT%": { "description": { "text": "The directory `corsform lint` ran in (the repository root in CI)." } }
            },
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&doc).expect("JSON values always serialize") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (SourceFile, Vec<Diagnostic>) {
        let file = SourceFile::new("p.toml", "version = 1\n[cors]\nallow_origins = [\"*\"]\n");
        let d = Diagnostic::new(Code::WildcardOriginWithCredentials, "bad", 36..39)
            .label("here")
            .help("fix it");
        (file, vec![d])
    }

    #[test]
    fn human_output_names_file_line_column_and_help() {
        let (f, ds) = sample();
        let text = human(&f, &ds);
        assert!(text.contains("error[CF0101]: bad"), "{text}");
        assert!(text.contains("p.toml:3:18"), "{text}");
        assert!(text.contains("^^^ here"), "{text}");
        assert!(text.contains("help: fix it"), "{text}");
    }

    #[test]
    fn json_and_sarif_carry_the_same_position() {
        let (f, ds) = sample();
        let j: Value = serde_json::from_str(&json(&[(f.clone(), ds.clone())])).unwrap();
        assert_eq!(j["findings"][0]["line"], 3);
        assert_eq!(j["findings"][0]["column"], 18);
        let s: Value = serde_json::from_str(&sarif(&[(f, ds)], None)).unwrap();
        let region = &s["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], 3);
        assert_eq!(region["startColumn"], 18);
        assert_eq!(s["runs"][0]["results"][0]["ruleId"], "CF0101");
        let loc =
            &s["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(loc["uri"], "p.toml");
        assert_eq!(loc["uriBaseId"], "%SRCROOT%");
    }

    #[test]
    fn sarif_help_uri_is_the_book_page_under_the_base_or_absent() {
        let (f, ds) = sample();
        let with: Value = serde_json::from_str(&sarif(
            &[(f.clone(), ds.clone())],
            Some("https://docs.example.org/corsform/"),
        ))
        .unwrap();
        let driver = &with["runs"][0]["tool"]["driver"];
        assert_eq!(
            driver["informationUri"],
            "https://docs.example.org/corsform/"
        );
        let rule = &driver["rules"][0];
        assert_eq!(
            rule["helpUri"],
            format!(
                "https://docs.example.org/corsform/reference/rules/{}.html",
                Code::ALL[0].id()
            )
        );
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("## Fix")
        );
        let without: Value = serde_json::from_str(&sarif(&[(f, ds)], None)).unwrap();
        let driver = &without["runs"][0]["tool"]["driver"];
        assert!(driver.get("informationUri").is_none(), "{driver}");
        assert!(driver["rules"][0].get("helpUri").is_none());
        assert!(
            driver["rules"][0]["help"]["text"]
                .as_str()
                .unwrap()
                .contains("## Wrong")
        );
    }

    #[test]
    fn sarif_uris_are_percent_encoded_and_absolute_paths_are_file_uris() {
        assert_eq!(
            artifact_location("policies/a b#1%.toml"),
            json!({ "uri": "policies/a%20b%231%25.toml", "uriBaseId": "%SRCROOT%" })
        );
        assert_eq!(
            artifact_location("/srv/ci/p\u{e9}.toml"),
            json!({ "uri": "file:///srv/ci/p%C3%A9.toml" })
        );
        assert_eq!(
            artifact_location("C:\\work\\p.toml"),
            json!({ "uri": "file:///C:/work/p.toml" })
        );
    }
}
