//! Relative `$ref`s to other files in the team's document
//! (`../../shared/schemas.yaml#/Order`), rewritten so that they resolve from
//! where `build` writes the merged document (issue 27). The merged document
//! lives in the output folder, not beside the team's; written as they were,
//! those references pointed at files that are not there, and validators and
//! `aws apigateway import-rest-api` tooling that bundles them failed.
//!
//! Only the value of each such `$ref` changes (as a JSON string, which both
//! YAML and JSON read); a reference inside the document (`#/components/...`)
//! or to a URL is left alone. A reference whose file has no relative path
//! from the output folder (another drive) is left as it was.

use super::splice::{Edit, apply};
use crate::audit::doc::{Kind, Node};

/// The merged `text`, to be written into `out_dir`, of the team's document
/// at `document`: each relative file `$ref` made relative to `out_dir`.
pub fn for_output(text: &str, document: &std::path::Path, out_dir: &std::path::Path) -> String {
    let from = document.parent().unwrap_or(std::path::Path::new(""));
    rewrite_relative_refs(text, |file| {
        crate::cli::relpath::relative(&from.join(file), out_dir)
    })
}

/// `text` with every relative file `$ref` passed through `rewrite` (given
/// the file part, it returns the new one, or `None` to keep it).
pub fn rewrite_relative_refs(text: &str, rewrite: impl Fn(&str) -> Option<String>) -> String {
    let Ok(doc) = crate::audit::yaml::parse(text) else {
        return text.to_string();
    };
    let mut edits = Vec::new();
    collect(text, &doc, &rewrite, &mut edits);
    if edits.is_empty() {
        return text.to_string();
    }
    apply(text, edits)
}

fn collect(text: &str, n: &Node, rewrite: &impl Fn(&str) -> Option<String>, out: &mut Vec<Edit>) {
    match &n.kind {
        Kind::Map(entries) => {
            for e in entries {
                if e.key == "$ref"
                    && let Kind::Str(target) = &e.value.kind
                    && let Some(new) = rewritten(target, rewrite)
                    && let Some(range) = scalar_range(text, &e.value, target)
                {
                    out.push(Edit {
                        range,
                        text: serde_json::Value::String(new).to_string(),
                    });
                } else {
                    collect(text, &e.value, rewrite, out);
                }
            }
        }
        Kind::List(items) => items.iter().for_each(|i| collect(text, i, rewrite, out)),
        _ => {}
    }
}

/// The new reference for a relative file `$ref`, or `None` to keep it.
fn rewritten(target: &str, rewrite: &impl Fn(&str) -> Option<String>) -> Option<String> {
    if target.starts_with('#') || target.contains("://") || target.starts_with('/') {
        return None;
    }
    let (file, fragment) = match target.find('#') {
        Some(i) => target.split_at(i),
        None => (target, ""),
    };
    let new = rewrite(file)?;
    (new != file).then(|| format!("{new}{fragment}"))
}

/// The bytes of the scalar `value` as written, quotes included (the
/// reader's span may run on over a trailing comment).
fn scalar_range(text: &str, n: &Node, value: &str) -> Option<std::ops::Range<usize>> {
    let mut start = n.span.start;
    // A span that starts inside the quotes: step back over the opening one.
    if start > 0 && !text[start..].starts_with(['"', '\'']) && text[..start].ends_with(['"', '\''])
    {
        start -= 1;
    }
    let rest = text.get(start..)?;
    let len = match rest.as_bytes().first()? {
        b'"' => {
            let mut escaped = false;
            1 + rest[1..].char_indices().find_map(|(i, c)| {
                let end = !escaped && c == '"';
                escaped = !escaped && c == '\\';
                end.then_some(i + 1)
            })?
        }
        b'\'' => {
            let b = rest.as_bytes();
            let mut i = 1;
            loop {
                match (b.get(i), b.get(i + 1)) {
                    (Some(b'\''), Some(b'\'')) => i += 2,
                    (Some(b'\''), _) => break i + 1,
                    (Some(_), _) => i += 1,
                    (None, _) => return None,
                }
            }
        }
        _ if rest.starts_with(value) => value.len(),
        _ => return None,
    };
    Some(start..start + len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn up_two(file: &str) -> Option<String> {
        Some(format!("../../{file}"))
    }

    #[test]
    fn relative_file_refs_are_rewritten_in_every_style() {
        let yaml = "a:\n  $ref: ../shared/s.yaml#/Order\nb:\n  $ref: '../shared/s.yaml'\nc:\n  $ref: \"x.yaml#/A\" # kept comment\nd:\n  $ref: '#/components/schemas/X'\ne:\n  $ref: https://example.com/s.yaml\n";
        let out = rewrite_relative_refs(yaml, up_two);
        assert_eq!(
            out,
            "a:\n  $ref: \"../../../shared/s.yaml#/Order\"\nb:\n  $ref: \"../../../shared/s.yaml\"\nc:\n  $ref: \"../../x.yaml#/A\" # kept comment\nd:\n  $ref: '#/components/schemas/X'\ne:\n  $ref: https://example.com/s.yaml\n"
        );
        let json = "{\"a\": {\"$ref\": \"s.json#/A\"}, \"b\": [{\"$ref\": \"#/x\"}]}";
        assert_eq!(
            rewrite_relative_refs(json, up_two),
            "{\"a\": {\"$ref\": \"../../s.json#/A\"}, \"b\": [{\"$ref\": \"#/x\"}]}"
        );
        let parsed: serde_json::Value =
            serde_json::from_str(&rewrite_relative_refs(json, up_two)).unwrap();
        assert_eq!(parsed["a"]["$ref"], "../../s.json#/A");
    }

    #[test]
    fn a_ref_kept_as_it_was_changes_nothing() {
        let yaml = "a:\n  $ref: s.yaml\n";
        assert_eq!(rewrite_relative_refs(yaml, |f| Some(f.to_string())), yaml);
        assert_eq!(rewrite_relative_refs(yaml, |_| None), yaml);
    }
}
