//! `audit --format junit` (issue 32): the findings as JUnit XML, so a CI
//! system lists them: one `<testsuite>` per file; a file without findings is
//! one passing test case (it was read and judged), each error or warning
//! finding a `<failure>` (an unreadable file an `<error>`), each note a
//! passing case whose `<system-out>` says it, so notes are seen but fail
//! nothing, as in the exit code.

use crate::diagnostic::{Code, Diagnostic, Severity, SourceFile};
use crate::markup::xml as esc;
use std::fmt::Write as _;

/// The JUnit XML of `results` (each file with its findings).
pub fn render(results: &[(SourceFile, Vec<Diagnostic>)]) -> String {
    let mut suites = String::new();
    let (mut tests, mut failures, mut errors) = (0, 0, 0);
    for (file, ds) in results {
        let mut cases = String::new();
        let (mut f, mut e) = (0, 0);
        let class = esc(&format!("audit.{}", file.name));
        if ds.is_empty() {
            let _ = writeln!(
                cases,
                "<testcase classname=\"{class}\" name=\"no findings\"/>"
            );
        }
        for d in ds {
            let (start, _) = file.range(&d.span.clone().unwrap_or(0..0));
            let name = format!(
                "{} {} at {}:{}",
                d.code.id(),
                d.code.name(),
                start.line,
                start.column
            );
            let sev = d.severity().as_str();
            let mut body = format!(
                "{}:{}:{}: {sev}: {}",
                file.name, start.line, start.column, d.message
            );
            if let Some(help) = &d.help {
                body.push_str(&format!("\nhelp: {help}"));
            }
            let _ = write!(
                cases,
                "<testcase classname=\"{class}\" name=\"{}\">",
                esc(&name)
            );
            let tag = match d.severity() {
                _ if d.code == Code::UnreadableIac => Some("error"),
                Severity::Error | Severity::Warning => Some("failure"),
                Severity::Note => None,
            };
            match tag {
                Some(tag) => {
                    if tag == "error" {
                        e += 1;
                    } else {
                        f += 1;
                    }
                    let _ = write!(
                        cases,
                        "<{tag} type=\"{sev}\" message=\"{}\">{}</{tag}>",
                        esc(&d.message),
                        esc(&body)
                    );
                }
                None => {
                    let _ = write!(cases, "<system-out>{}</system-out>", esc(&body));
                }
            }
            cases.push_str("</testcase>\n");
        }
        let n = ds.len().max(1);
        let _ = write!(
            suites,
            "<testsuite name=\"{}\" tests=\"{n}\" failures=\"{f}\" errors=\"{e}\" skipped=\"0\">\n{cases}</testsuite>\n",
            esc(&file.name)
        );
        tests += n;
        failures += f;
        errors += e;
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"corsform audit\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"0\">\n{suites}</testsuites>\n"
    )
}
