//! The CDK Python module is importable exactly as its docstring shows (issue
//! 30): build writes it as `generated/<api.name>/cdk-python/<api_name>_cors.py`
//! (the folders `shop-api` and `cdk-python` are not Python names, the file's
//! stem is), and the docstring's lines (`import sys`, `sys.path.append(...)`,
//! `from <module> import apply_cors_policy`) are run, verbatim, by python3 from
//! the directory build ran in. With aws-cdk-lib installed the real one is
//! imported; without it, tests/cdk/stubs stands in for it (the conformance
//! tier synthesises with the real one).

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Golden cases that have a CDK Python module.
fn cases() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join("golden"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("cdk-python").is_dir())
        .collect();
    out.sort();
    out
}

/// The import lines of the module's docstring: from `import sys` to the
/// `from ... import apply_cors_policy` line, dedented.
fn snippet(module_text: &str) -> String {
    let lines: Vec<&str> = module_text
        .lines()
        .skip_while(|l| l.trim() != "import sys")
        .collect();
    let end = lines
        .iter()
        .position(|l| {
            l.trim_start().starts_with("from ") && l.ends_with("import apply_cors_policy")
        })
        .expect("the docstring's import line");
    lines[..=end]
        .iter()
        .map(|l| l.trim_start())
        .collect::<Vec<_>>()
        .join("\n")
}

fn python() -> Option<&'static str> {
    Command::new("python3")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| "python3")
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[test]
fn every_cdk_python_module_imports_as_its_docstring_shows() {
    let cases = cases();
    assert!(cases.len() > 10, "{cases:?}");
    let Some(python) = python() else {
        eprintln!("python3 not found: the CDK Python import is not checked");
        return;
    };
    let has_cdk = Command::new(python)
        .args(["-c", "import aws_cdk"])
        .output()
        .is_ok_and(|o| o.status.success());
    let stubs = root().join("tests/cdk/stubs");
    for case in cases {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_corsform"))
            .args(["build", "-q", "--target", "cdk-python"])
            .arg(case.join("policy.toml"))
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            case.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let written: Vec<PathBuf> = walkdir::WalkDir::new(dir.path().join("generated"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            // A bucket's CORS fragment (buckets/<name>-cors.json) sits beside
            // the module; the module is the one Python file.
            .filter(|p| p.extension().is_some_and(|x| x == "py"))
            .collect();
        assert_eq!(written.len(), 1, "{written:?}");
        let module = &written[0];
        let stem = module.file_stem().unwrap().to_str().unwrap();
        assert!(
            is_identifier(stem) && stem.ends_with("_cors"),
            "{}",
            module.display()
        );
        let text = std::fs::read_to_string(module).unwrap();
        let lines = snippet(&text);
        assert!(
            lines.contains(&format!("from {stem} import apply_cors_policy")),
            "{lines}"
        );
        let folder = module.parent().unwrap().strip_prefix(dir.path()).unwrap();
        assert!(
            lines.contains(&format!("sys.path.append(\"{}\")", folder.display())),
            "{lines}"
        );
        let program = format!("{lines}\nassert callable(apply_cors_policy)\n");
        let mut run = Command::new(python);
        run.args(["-c", &program]).current_dir(dir.path());
        if !has_cdk {
            run.env("PYTHONPATH", &stubs);
        }
        let ran = run.output().unwrap();
        assert!(
            ran.status.success(),
            "{}: the docstring's import fails:\n{lines}\n{}",
            case.display(),
            String::from_utf8_lossy(&ran.stderr)
        );
    }
}

#[test]
fn the_module_name_is_the_api_name_in_snake_case() {
    assert_eq!(
        corsform::render::registry::python_module("shop-api"),
        "shop_api_cors"
    );
    assert_eq!(
        corsform::render::registry::python_module("a1-b2-c3"),
        "a1_b2_c3_cors"
    );
    // Keywords and builtins are safe behind the suffix.
    assert_eq!(
        corsform::render::registry::python_module("class"),
        "class_cors"
    );
}
