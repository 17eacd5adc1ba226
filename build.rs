//! Embeds every `templates/**/*.tera` file in the binary: generates
//! `$OUT_DIR/templates.rs` with `(name, contents)` pairs, where the name is the
//! path under `templates/` without `.tera`. A new template file is picked up
//! without touching a hand-kept list.
//!
//! Also sets `CORSFORM_VERSION` for `corsform --version`: the package version
//! and, when built from a git checkout, the commit and its date
//! (`0.1.0 (a88c988 2026-12-06)`), so a bug report names the exact build. A
//! packaged crate (`cargo package`, `cargo install` from crates.io) has no
//! `.git` of its own and gets the version alone; git is never asked about a
//! repository above the crate.

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `git ARGS` in `dir`, its trimmed stdout when it succeeds.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

fn version(root: &Path) -> String {
    let pkg = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    // Only the crate's own checkout: in target/package/ (cargo package's
    // verify build) git would otherwise find the repository around it.
    if !root.join(".git").exists() {
        return pkg;
    }
    // Rebuild when HEAD moves: the files naming it, those that exist (a
    // missing path would make cargo rerun this script on every build).
    for args in [
        &["rev-parse", "--git-path", "HEAD"][..],
        &["rev-parse", "--git-path", "packed-refs"],
    ] {
        if let Some(p) = git(root, args) {
            watch(root, &p);
        }
    }
    if let Some(reference) = git(root, &["symbolic-ref", "-q", "HEAD"])
        && let Some(p) = git(root, &["rev-parse", "--git-path", &reference])
    {
        watch(root, &p);
    }
    match git(root, &["log", "-1", "--format=%h %cs"]) {
        Some(commit) => format!("{pkg} ({commit})"),
        None => pkg,
    }
}

fn watch(root: &Path, path: &str) {
    let path = root.join(path);
    if path.exists() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("templates/ is readable")
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "tera") {
            out.push(path);
        }
    }
}

fn main() {
    // Read when the script runs, not baked in when it is compiled: cargo
    // package's verify build (target/package/corsform-*/) compiles this
    // script to the same binary the checkout then reuses, and an env!() value
    // made the checkout embed the package copy's templates.
    let crate_root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let crate_root = crate_root.as_path();
    println!("cargo:rustc-env=CORSFORM_VERSION={}", version(crate_root));
    let root = crate_root.join("templates");
    println!("cargo:rerun-if-changed=templates");
    let mut files = Vec::new();
    collect(&root, &mut files);
    let mut code = String::from("pub const ALL: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let name = rel.trim_end_matches(".tera");
        writeln!(
            code,
            "    ({name:?}, include_str!({:?})),",
            f.display().to_string()
        )
        .unwrap();
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("templates.rs");
    std::fs::write(out, code).unwrap();
}
