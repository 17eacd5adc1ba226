//! The policy's path as the generated files record it: relative to the folder
//! the files are written to, with `/` separators. Recorded this way, the same
//! policy and output folder give the same bytes whether `build` was run with
//! an absolute path (as CI runners often do), a relative one, or from another
//! directory, so `build --check` compares contents, not how a path was typed.

use std::path::{Component, Path, PathBuf};

/// `path` made absolute against the current directory, with `.` and `..`
/// resolved lexically (symbolic links are not followed: the recorded path is
/// the one the user sees).
fn absolute(path: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(path).ok()?;
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    Some(out)
}

/// `target` as seen from the folder `from`, `/`-separated; `None` when there
/// is no relative path (another drive on Windows), or no current directory.
pub fn relative(target: &Path, from: &Path) -> Option<String> {
    let (target, from) = (absolute(target)?, absolute(from)?);
    let t: Vec<Component> = target.components().collect();
    let f: Vec<Component> = from.components().collect();
    if t.first() != f.first() {
        return None;
    }
    let common = t.iter().zip(&f).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); f.len() - common];
    parts.extend(
        t[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::relative;
    use std::path::Path;

    #[test]
    fn relative_paths_do_not_depend_on_how_the_policy_was_named() {
        let cwd = std::env::current_dir().unwrap();
        let out = Path::new("generated/api/terraform");
        let rel = relative(Path::new("policies/a.toml"), out).unwrap();
        assert_eq!(rel, "../../../policies/a.toml");
        assert_eq!(
            relative(&cwd.join("policies/a.toml"), out).unwrap(),
            rel,
            "absolute policy path"
        );
        assert_eq!(
            relative(Path::new("./x/../policies/a.toml"), &cwd.join(out)).unwrap(),
            rel
        );
        assert_eq!(
            relative(Path::new("infra/p.toml"), Path::new("infra/out")).unwrap(),
            "../p.toml"
        );
    }
}
