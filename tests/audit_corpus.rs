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
//!
//! `import`: a case with an `[import]` table (`api` to pass as --api, and any
//! of `origins`, `headers`, `methods`, `credentials`, `scope`) says what the
//! files mean, from the facts: the policy `corsform import` prints must
//! parse, and its `[cors]` must hold exactly those origins and headers (as
//! sets, case-insensitive), methods (those listed must be allowed), that
//! credentials flag and that scope, and each `environments.<name>` its
//! origins. A case is faithful when all match; the
//! share of faithful cases must be >= 0.95 (issue 26).

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
    import: Option<ExpectedImport>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedImport {
    api: Option<String>,
    origins: Option<Vec<String>>,
    headers: Option<Vec<String>>,
    methods: Option<Vec<String>>,
    credentials: Option<bool>,
    scope: Option<String>,
    /// Environment name -> its origins (`[environments.<name>] cors.allow_origins`).
    environments: Option<std::collections::BTreeMap<String, Vec<String>>>,
}

const FAITHFUL_TARGET: f64 = 0.95;

/// What is not faithful in the policy `corsform import` prints for `dir`.
fn import_problems(dir: &Path, want: &ExpectedImport) -> Vec<String> {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_corsform"));
    cmd.args(["import", "."]).current_dir(dir);
    if let Some(api) = &want.api {
        cmd.args(["--api", api]);
    }
    let out = cmd.output().unwrap();
    if !out.status.success() {
        return vec![format!(
            "import failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )];
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let policy: toml::Table = match toml::from_str(&text) {
        Ok(t) => t,
        Err(e) => return vec![format!("the imported policy does not parse: {e}")],
    };
    let cors = policy.get("cors").and_then(|c| c.as_table());
    let list = |key: &str| -> Vec<String> {
        let mut v: Vec<String> = cors
            .and_then(|c| c.get(key))
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str())
                    .map(str::to_ascii_lowercase)
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v.dedup();
        v
    };
    let norm = |v: &[String]| -> Vec<String> {
        let mut v: Vec<String> = v.iter().map(|x| x.to_ascii_lowercase()).collect();
        v.sort();
        v.dedup();
        v
    };
    let mut problems = Vec::new();
    if let Some(o) = &want.origins
        && list("allow_origins") != norm(o)
    {
        problems.push(format!(
            "origins {:?}, want {:?}",
            list("allow_origins"),
            norm(o)
        ));
    }
    if let Some(h) = &want.headers
        && list("allow_headers") != norm(h)
    {
        problems.push(format!(
            "headers {:?}, want {:?}",
            list("allow_headers"),
            norm(h)
        ));
    }
    if let Some(m) = &want.methods {
        let got = list("allow_methods");
        // Without allow_methods the policy allows every route method.
        let missing: Vec<String> = norm(m)
            .into_iter()
            .filter(|x| !got.is_empty() && !got.contains(x))
            .collect();
        if !missing.is_empty() {
            problems.push(format!("allow_methods {got:?} leaves out {missing:?}"));
        }
    }
    if let Some(c) = want.credentials {
        let got = cors
            .and_then(|t| t.get("allow_credentials"))
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        if got != c {
            problems.push(format!("allow_credentials {got}, want {c}"));
        }
    }
    if let Some(envs) = &want.environments {
        for (name, want_origins) in envs {
            let mut got: Vec<String> = policy
                .get("environments")
                .and_then(|e| e.get(name))
                .and_then(|e| e.get("cors"))
                .and_then(|c| c.get("allow_origins"))
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str())
                        .map(str::to_ascii_lowercase)
                        .collect()
                })
                .unwrap_or_default();
            got.sort();
            if got != norm(want_origins) {
                problems.push(format!(
                    "environment {name}: origins {got:?}, want {:?}",
                    norm(want_origins)
                ));
            }
        }
    }
    if let Some(sc) = &want.scope {
        let got = policy
            .get("api")
            .and_then(|a| a.get("scope"))
            .and_then(|v| v.as_str())
            .unwrap_or("api");
        if got != sc {
            problems.push(format!("scope {got:?}, want {sc:?}"));
        }
    }
    problems
}

#[test]
fn import_is_faithful_on_the_corpus() {
    let (mut judged, mut faithful) = (0, 0);
    let mut details = Vec::new();
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(case.join("expected.toml")).unwrap();
        let exp: Expected = toml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let Some(want) = &exp.import else { continue };
        judged += 1;
        let problems = import_problems(&case, want);
        if problems.is_empty() {
            faithful += 1;
        } else {
            details.push(format!("  {name}: {}", problems.join("; ")));
        }
    }
    let share = ratio(faithful, judged);
    println!(
        "import faithful on {faithful} of {judged} cases ({share:.3}, target {FAITHFUL_TARGET})"
    );
    if !details.is_empty() {
        println!("{}", details.join("\n"));
    }
    assert!(
        judged >= 10,
        "at least 10 cases should say what import must write"
    );
    assert!(
        share >= FAITHFUL_TARGET,
        "import faithful on {faithful} of {judged}:\n{}",
        details.join("\n")
    );
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
