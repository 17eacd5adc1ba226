//! `audit --format html` and `--format junit` (issue 32) on every golden-audit
//! case: every JSON finding is a page row (same rule, severity, line) and a
//! JUnit test case (a failure for errors and warnings); the page fetches
//! nothing; the XML parses and its counts are its elements'.

use std::path::{Path, PathBuf};
use std::process::Command;

fn cases() -> Vec<PathBuf> {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/golden-audit"));
    let mut out: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

fn audit(case: &Path, format: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_corsform"))
        .args(["audit", ".", "--format", format])
        .current_dir(case)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

#[test]
fn every_finding_is_a_row_and_a_test_case() {
    let attr = regex::Regex::new(
        r#"<tr class="[a-z]+" data-code="([A-Z0-9]+)" data-severity="([a-z]+)" data-line="(\d+)"[^>]*>"#,
    )
    .unwrap();
    let cases = cases();
    assert!(cases.len() >= 5, "{cases:?}");
    let mut findings_seen = 0;
    for case in &cases {
        let (jcode, json) = audit(case, "json");
        let (hcode, page) = audit(case, "html");
        let (xcode, xml) = audit(case, "junit");
        assert_eq!(
            (hcode, xcode),
            (jcode, jcode),
            "{}: exit codes",
            case.display()
        );
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let findings = v["findings"].as_array().unwrap();
        findings_seen += findings.len();

        let mut rows: Vec<(String, String, u64)> = attr
            .captures_iter(&page)
            .map(|c| (c[1].to_string(), c[2].to_string(), c[3].parse().unwrap()))
            .collect();
        let mut want: Vec<(String, String, u64)> = findings
            .iter()
            .map(|f| {
                (
                    f["code"].as_str().unwrap().to_string(),
                    f["severity"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                )
            })
            .collect();
        rows.sort();
        want.sort();
        assert_eq!(rows, want, "{}: page rows", case.display());
        for fetch in ["src=", "href=", "url(", "@import", "<script"] {
            assert!(!page.contains(fetch), "{}: {fetch}", case.display());
        }
        assert_eq!(
            page.matches("<mark>").count(),
            page.matches("</mark>").count()
        );

        let doc = roxmltree::Document::parse(&xml)
            .unwrap_or_else(|e| panic!("{}: {e}\n{xml}", case.display()));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        let count =
            |n: roxmltree::Node, tag: &str| n.descendants().filter(|d| d.has_tag_name(tag)).count();
        let num = |n: roxmltree::Node, a: &str| n.attribute(a).unwrap().parse::<usize>().unwrap();
        let failing = findings
            .iter()
            .filter(|f| f["severity"] == "error" || f["severity"] == "warning")
            .count();
        assert_eq!(
            count(root, "failure") + count(root, "error"),
            failing,
            "{}",
            case.display()
        );
        let files = root
            .children()
            .filter(|c| c.has_tag_name("testsuite"))
            .count();
        let clean_files = root
            .children()
            .filter(|c| c.has_tag_name("testsuite"))
            .filter(|s| {
                s.descendants()
                    .any(|d| d.attribute("name") == Some("no findings"))
            })
            .count();
        assert_eq!(count(root, "testcase"), findings.len() + clean_files);
        assert!(files > 0);
        for n in
            std::iter::once(root).chain(root.children().filter(|c| c.has_tag_name("testsuite")))
        {
            assert_eq!(num(n, "tests"), count(n, "testcase"));
            assert_eq!(num(n, "failures"), count(n, "failure"));
            assert_eq!(num(n, "errors"), count(n, "error"));
        }
        for f in findings {
            let code = f["code"].as_str().unwrap();
            let line = f["line"].as_u64().unwrap();
            assert!(
                root.descendants().any(|t| t.has_tag_name("testcase")
                    && t.attribute("name").is_some_and(
                        |n| n.starts_with(code) && n.contains(&format!(" at {line}:"))
                    )),
                "{}: {code} at {line}",
                case.display()
            );
        }
    }
    assert!(findings_seen > 0);
}

/// issue 32: the page groups findings by API, then by file: audited together,
/// a Terraform API spread over two files, a SAM API and two unreadable files
/// give three sections, each holding exactly its files' rows, and every JSON
/// finding is a row once.
#[test]
fn findings_are_grouped_by_api_and_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = |format: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_corsform"))
            .args([
                "audit",
                "golden-audit/tf-guide-rest-cors",
                "golden-audit/sam-comma-origins",
                "golden-audit/unreadable-files",
                "--format",
                format,
            ])
            .current_dir(root)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let page = run("html");
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let sections: Vec<&str> = page.split("<section class=\"api\"").skip(1).collect();
    let heading = |s: &str| {
        s.split("<h2>")
            .nth(1)
            .unwrap()
            .split("</h2>")
            .next()
            .unwrap()
            .to_string()
    };
    let headings: Vec<String> = sections.iter().map(|s| heading(s)).collect();
    assert_eq!(
        headings,
        [
            "REST API ProfileApi (golden-audit/sam-comma-origins/template.yaml:6)",
            "REST API todo-api (golden-audit/tf-guide-rest-cors/main.tf:3)",
            "Findings outside any API",
        ],
        "{page}"
    );
    let file_of_row = regex::Regex::new(r#"<tr class="[a-z]+" data-code="[A-Z0-9]+" data-severity="[a-z]+" data-line="\d+" data-column="\d+" data-file="([^"]+)">"#).unwrap();
    let dirs = [
        "sam-comma-origins",
        "tf-guide-rest-cors",
        "unreadable-files",
    ];
    let mut rows = 0;
    for (s, dir) in sections.iter().zip(dirs) {
        let files: Vec<&str> = file_of_row
            .captures_iter(s)
            .map(|c| c.get(1).unwrap().as_str())
            .collect();
        assert!(!files.is_empty(), "{dir}");
        for f in &files {
            assert!(
                f.starts_with(&format!("golden-audit/{dir}/")),
                "{f} in the section of {dir}"
            );
        }
        rows += files.len();
    }
    assert_eq!(rows, json["findings"].as_array().unwrap().len());
    // tf-guide-rest-cors's API spans two files: one table each, under one heading.
    assert!(sections[1].matches("<h3>").count() >= 2, "{}", sections[1]);
}
