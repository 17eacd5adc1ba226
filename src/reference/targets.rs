//! `corsform help targets` and the book's targets page: each `--target`, what
//! it writes and for which APIs, from the target registry (src/render/registry.rs).

use crate::model::ApiType;
use crate::render::Target;
use std::fmt::Write;

/// The Markdown body, without the book's generated-page marker.
pub fn text() -> String {
    let mut out = String::from(
        "# Targets\n\n`corsform build --target T` (repeatable) writes each target into `<out>/<api.name>/<T>/`. \
Without `--target`, build writes the default targets the policy supports (marked *default* below); the others \
are written only when named.\n\n",
    );
    for t in Target::ALL {
        let spec = t.spec();
        let _ = writeln!(
            out,
            "## {}{}\n",
            t.name(),
            if spec.default { " (default)" } else { "" }
        );
        let _ = writeln!(out, "{}.\n", spec.help);
        let files: Vec<String> = spec
            .files
            .iter()
            .map(|(file, _)| format!("`{}`", shown(file)))
            .collect();
        let _ = writeln!(out, "- Writes: {}", files.join(", "));
        let types: Vec<&str> = spec.api_types.iter().map(|a| api_label(*a)).collect();
        let _ = writeln!(out, "- APIs: {}", types.join(", "));
        let scopes: Vec<String> = spec
            .scopes
            .iter()
            .map(|s| format!("`scope = \"{}\"`", s.name()))
            .collect();
        let _ = writeln!(out, "- Scopes: {}", scopes.join(", "));
        let _ = writeln!(
            out,
            "- `[environments]`: {}\n",
            if spec.environments {
                "one output serves every environment"
            } else {
                "refused; build one policy per environment"
            }
        );
    }
    out
}

fn api_label(a: ApiType) -> &'static str {
    match a {
        ApiType::Rest => "REST (`type = \"rest\"`)",
        ApiType::Http => "HTTP (`type = \"http\"`)",
    }
}

/// The book's page (`reference/targets.md`).
pub fn page() -> String {
    format!("{}{}", super::GENERATED, text())
}

/// An output file as the page shows it: the module's name and, for a file
/// written per bucket (and environment), the bucket's.
fn shown(file: &str) -> String {
    file.replace("{module}", "<api_name>_cors")
        .replace("{bucket}", "<bucket>[.<environment>]")
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_target_and_its_files_are_listed() {
        let t = super::text();
        for target in crate::render::Target::ALL {
            assert!(
                t.contains(&format!("## {}", target.name())),
                "{}",
                target.name()
            );
            for (file, _) in target.spec().files {
                let file = super::shown(file);
                assert!(t.contains(&format!("`{file}`")), "{file}");
            }
        }
        assert!(t.contains("## terraform (default)"));
        assert!(t.contains("## openapi\n"));
    }
}
