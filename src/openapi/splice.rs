//! Adding entries to a team's document by splicing text into it, so that
//! everything corsform does not add stays byte for byte what the team wrote:
//! their comments, quoting, key order, indentation and anchors. Positions
//! come from audit's span-keeping reader ([`crate::audit::yaml`]); a map is
//! written to in its own style: block YAML gets block YAML at its entries'
//! column, a flow map (and so any JSON document, JSON being flow YAML) gets
//! JSON members, one per line when the map spreads over lines.

use super::emit;
use crate::audit::doc::{Entry, Kind, Node};
use std::ops::Range;

/// One replacement of `range` by `text` (an insertion when `range` is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

/// `text` with `edits` applied; edits must not overlap (two insertions at one
/// place keep their order).
pub fn apply(text: &str, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out =
        String::with_capacity(text.len() + edits.iter().map(|e| e.text.len()).sum::<usize>());
    let mut at = 0;
    for e in edits {
        let start = e.range.start.max(at);
        out.push_str(&text[at..start]);
        out.push_str(&e.text);
        at = e.range.end.max(start);
    }
    out.push_str(&text[at..]);
    out
}

fn is_flow(text: &str, node: &Node) -> bool {
    text.as_bytes().get(node.span.start) == Some(&b'{')
}

/// Where a node's own text ends: a block map's span may run on to where the
/// next, shallower key starts, so it is the end of its last scalar.
fn content_end(text: &str, node: &Node) -> usize {
    match &node.kind {
        Kind::Map(es) if !is_flow(text, node) => es
            .iter()
            .map(|e| content_end(text, &e.value).max(e.key_span.end))
            .max()
            .unwrap_or(node.span.end),
        Kind::List(items) if text.as_bytes().get(node.span.start) != Some(&b'[') => items
            .iter()
            .map(|n| content_end(text, n))
            .max()
            .unwrap_or(node.span.end),
        Kind::Intrinsic(_, inner) => content_end(text, inner).max(node.span.end),
        // A block scalar (`|`, `>`) ends after its last line break: step back
        // over it, or the insertion would land on the line after.
        _ => {
            let trimmed = text[node.span.start..node.span.end].trim_end().len();
            node.span.start + trimmed
        }
    }
}

fn column(text: &str, at: usize) -> usize {
    at - text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The indentation of the line `at` is on.
fn line_indent(text: &str, at: usize) -> usize {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[start..].len() - text[start..].trim_start_matches(' ').len()
}

/// Where the line `at` is on ends: before its `\n`, or its `\r\n`.
fn end_of_line(text: &str, at: usize) -> usize {
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    if end > at && text.as_bytes()[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// Replace entry `old` of `map` by `new` (same key), in place.
pub fn replace(text: &str, map: &Node, old: &Entry, new: &Entry) -> Edit {
    let end = content_end(text, &old.value);
    let col = column(text, old.key_span.start);
    let written = if is_flow(text, map) {
        let pretty = text[map.span.clone()].contains('\n');
        emit::json_entry(new, col, pretty)
    } else {
        emit::yaml_entry(new, col)
    };
    Edit {
        range: old.key_span.start..end,
        text: written,
    }
}

/// Add `entries` at the end of `map` (a map node of the document).
pub fn append(text: &str, map: &Node, entries: &[&Entry]) -> Option<Edit> {
    if entries.is_empty() {
        return None;
    }
    let Kind::Map(existing) = &map.kind else {
        return None;
    };
    if is_flow(text, map) {
        let pretty = text[map.span.clone()].contains('\n');
        let (at, col, lead) = match existing.last() {
            Some(last) => (
                content_end(text, &last.value),
                column(text, existing[0].key_span.start),
                ",",
            ),
            None => (
                map.span.start + 1,
                line_indent(text, map.span.start) + 2,
                "",
            ),
        };
        let mut out = String::new();
        for (i, e) in entries.iter().enumerate() {
            out.push_str(if i == 0 { lead } else { "," });
            if pretty || existing.is_empty() {
                out.push('\n');
                out.push_str(&" ".repeat(col));
            } else {
                out.push(' ');
            }
            out.push_str(&emit::json_entry(e, col, pretty || existing.is_empty()));
        }
        if existing.is_empty() {
            out.push('\n');
            out.push_str(&" ".repeat(col - 2));
        }
        return Some(Edit {
            range: at..at,
            text: out,
        });
    }
    let first = existing.first()?;
    let col = column(text, first.key_span.start);
    let at = end_of_line(text, content_end(text, map));
    let mut out = String::new();
    for e in entries {
        out.push('\n');
        out.push_str(&" ".repeat(col));
        out.push_str(&emit::yaml_entry(e, col));
    }
    Some(Edit {
        range: at..at,
        text: out,
    })
}

/// Merge `ours` into `map`: entries it lacks are appended; where both have a
/// map, the merge goes on inside it; otherwise `replace_existing` says
/// whether ours replaces theirs or theirs is kept.
pub fn merge(
    text: &str,
    map: &Node,
    ours: &[Entry],
    replace_existing: &dyn Fn(&[&str]) -> bool,
    path: &mut Vec<String>,
    edits: &mut Vec<Edit>,
) {
    let mut missing = Vec::new();
    for e in ours {
        match map.entry(&e.key) {
            None => missing.push(e),
            Some(theirs) => {
                path.push(e.key.clone());
                let keys: Vec<&str> = path.iter().map(String::as_str).collect();
                let both_maps = matches!(theirs.value.kind, Kind::Map(_))
                    && matches!(e.value.kind, Kind::Map(_));
                if replace_existing(&keys) {
                    edits.push(replace(text, map, theirs, e));
                } else if both_maps {
                    let Kind::Map(inner) = &e.value.kind else {
                        unreachable!("checked above")
                    };
                    merge(text, &theirs.value, inner, replace_existing, path, edits);
                }
                path.pop();
            }
        }
    }
    edits.extend(append(text, map, &missing));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours(text: &str) -> Vec<Entry> {
        crate::audit::yaml::parse(text).unwrap().entries().to_vec()
    }

    fn merged(doc: &str, add: &str) -> String {
        let root = crate::audit::yaml::parse(doc).unwrap();
        let mut edits = Vec::new();
        merge(
            doc,
            &root,
            &ours(add),
            &|k| k == ["r"],
            &mut vec![],
            &mut edits,
        );
        apply(doc, edits)
    }

    #[test]
    fn block_yaml_gets_block_yaml_and_keeps_the_rest() {
        let doc = "# top\na:\n    b: 1 # why\nz: [1]\n";
        let out = merged(doc, "a: {c: x}\nk: {m: 2}\n");
        assert_eq!(
            out,
            "# top\na:\n    b: 1 # why\n    c: \"x\"\nz: [1]\nk:\n  m: 2\n"
        );
    }

    #[test]
    fn a_block_scalar_at_the_end_of_a_map_does_not_move_the_insertion() {
        let doc = "p:\n  a:\n    d: |\n      text\n\n  b:\n    x: 1\n";
        let root = crate::audit::yaml::parse(doc).unwrap();
        let a = root.at(&["p", "a"]).unwrap();
        let mut edits = Vec::new();
        merge(doc, a, &ours("k: v\n"), &|_| false, &mut vec![], &mut edits);
        let out = apply(doc, edits);
        let v: serde_json::Value = serde_yaml_ng::from_str(&out).unwrap();
        assert_eq!(v["p"]["a"]["k"], "v", "{out}");
        assert_eq!(v["p"]["a"]["d"], "text\n", "{out}");
        assert_eq!(v["p"]["b"], serde_json::json!({"x": 1}), "{out}");
    }

    #[test]
    fn json_gets_json_members_and_replaced_entries() {
        let doc = "{\n  \"a\": {\n    \"b\": 1\n  },\n  \"r\": {\"old\": true},\n  \"e\": {}\n}\n";
        let out = merged(doc, "a: {c: x}\nr: {new: 1}\ne: {k: v}\n");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"a": {"b": 1, "c": "x"}, "r": {"new": 1}, "e": {"k": "v"}}),
            "{out}"
        );
        assert!(
            out.starts_with("{\n  \"a\": {\n    \"b\": 1,\n    \"c\": \"x\"\n  },"),
            "{out}"
        );
    }
}
