//! `audit`'s precision and recall on a corpus of hand-written IaC that
//! reproduces how public teams write API Gateway CORS (tests/audit-corpus/).
//!
//! Each case folder holds IaC files and an `expected.toml`: `source` (where the
//! pattern comes from) and `[[finding]]` entries (`code`, optional `line`,
//! `why`, optional `optional = true`) listing the warning/error findings that
//! are TRUE for the file as written, labelled from the browser and API Gateway
//! facts, not from what corsform prints.
//!
//! Matching: a warning/error finding is true when some expected finding of the
//! case has its code and, when the expected line is given, a line within +-2.
//! An expected (non-optional) finding is found when some finding matches it.
//! Optional entries are findings that are defensible but not required (the
//! same defect under a second code, a condition outside the file): they never
//! count as false positives nor as misses. Notes are ignored.
//!
//! precision = true findings / all warning+error findings
//! recall    = found expected / all expected

use serde::Deserialize;
use std::path::{Path, PathBuf};

const LINE_TOLERANCE: i64 = 2;
const RECALL_TARGET: f64 = 0.95;
const PRECISION_TARGET: f64 = 0.90;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    source: String,
    #[serde(default)]
    finding: Vec<ExpectedFinding>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedFinding {
    code: String,
    line: Option<i64>,
    why: String,
    #[serde(default)]
    optional: bool,
}

struct Actual {
    code: String,
    line: i64,
    severity: String,
    message: String,
}

impl ExpectedFinding {
    fn matches(&self, a: &Actual) -> bool {
        a.code == self.code
            && self
                .line
                .is_none_or(|l| (a.line - l).abs() <= LINE_TOLERANCE)
    }
}

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/audit-corpus")
}

fn cases() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

/// The warning- and error-level findings `corsform audit . --format json` reports in `dir`.
fn audit(dir: &Path) -> Vec<Actual> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_corsform"))
        .args(["audit", ".", "--format", "json"])
        .current_dir(dir)
        .env_remove("CLICOLOR_FORCE")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "{}: audit printed no JSON ({e}), exit {:?}\nstdout: {stdout}\nstderr: {}",
            dir.display(),
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    json["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| Actual {
            code: f["code"].as_str().unwrap_or_default().to_string(),
            line: f["line"].as_i64().unwrap_or(0),
            severity: f["severity"].as_str().unwrap_or_default().to_string(),
            message: f["message"].as_str().unwrap_or_default().to_string(),
        })
        .filter(|a| a.severity == "warning" || a.severity == "error")
        .collect()
}

fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        1.0
    } else {
        num as f64 / den as f64
    }
}

#[test]
fn audit_precision_and_recall_on_the_corpus() {
    let (mut true_pos, mut reported, mut found, mut expected_total) = (0, 0, 0, 0);
    let mut details = Vec::new();
    let mut table = vec![format!(
        "{:<42} {:>4} {:>4} {:>4} {:>5} {:>5}",
        "case", "exp", "got", "TP", "FP", "miss"
    )];
    let cases = cases();
    assert!(
        cases.len() >= 20,
        "the corpus should hold at least 20 cases"
    );
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(case.join("expected.toml"))
            .unwrap_or_else(|e| panic!("{name}: expected.toml: {e}"));
        let exp: Expected =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{name}: expected.toml: {e}"));
        assert!(!exp.source.trim().is_empty(), "{name}: source is empty");
        for f in &exp.finding {
            assert!(!f.why.trim().is_empty(), "{name}: {} has no why", f.code);
        }
        if name.starts_with("ok-") {
            assert!(
                exp.finding.iter().all(|f| f.optional),
                "{name}: ok-* cases expect no required finding"
            );
        }
        let actual = audit(case);

        let tp = actual
            .iter()
            .filter(|a| exp.finding.iter().any(|e| e.matches(a)))
            .count();
        let required: Vec<&ExpectedFinding> = exp.finding.iter().filter(|e| !e.optional).collect();
        let hit = required
            .iter()
            .filter(|e| actual.iter().any(|a| e.matches(a)))
            .count();
        for a in actual
            .iter()
            .filter(|a| !exp.finding.iter().any(|e| e.matches(a)))
        {
            details.push(format!(
                "  FP   {name}: {} {} line {}: {}",
                a.code, a.severity, a.line, a.message
            ));
        }
        for e in required
            .iter()
            .filter(|e| !actual.iter().any(|a| e.matches(a)))
        {
            let line = e.line.map_or("-".to_string(), |l| l.to_string());
            details.push(format!("  MISS {name}: {} line {line}: {}", e.code, e.why));
        }
        table.push(format!(
            "{:<42} {:>4} {:>4} {:>4} {:>5} {:>5}",
            name,
            required.len(),
            actual.len(),
            tp,
            actual.len() - tp,
            required.len() - hit
        ));
        true_pos += tp;
        reported += actual.len();
        found += hit;
        expected_total += required.len();
    }
    let precision = ratio(true_pos, reported);
    let recall = ratio(found, expected_total);
    println!("{}", table.join("\n"));
    println!(
        "\ncases {}  findings (warning+error) {reported}  true {true_pos}  expected {expected_total}  found {found}",
        cases.len()
    );
    println!(
        "precision {precision:.3} (target {PRECISION_TARGET})  recall {recall:.3} (target {RECALL_TARGET})"
    );
    if !details.is_empty() {
        println!("\n{}", details.join("\n"));
    }
    assert!(
        recall >= RECALL_TARGET && precision >= PRECISION_TARGET,
        "audit below target: precision {precision:.3} (>= {PRECISION_TARGET}), recall {recall:.3} (>= {RECALL_TARGET})\n{}",
        details.join("\n")
    );
}
