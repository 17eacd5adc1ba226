//! Text for the parts corsform adds to a team's document, in the document's
//! own form: YAML block style (every string double-quoted, which YAML 1.2
//! reads with JSON's escapes, so no value can change meaning) or JSON. The
//! parts come from the `openapi` target's own rendering (read back with
//! audit's reader), so the preflights are the ones every target deploys.

use crate::audit::doc::{Entry, Kind, Node};

/// `"text"` with JSON's escapes (also a valid YAML double-quoted scalar).
pub fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{text}\""))
}

/// A YAML key: plain when it cannot be read as anything but that string.
fn yaml_key(key: &str) -> String {
    let plain = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !matches!(
            key.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain { key.to_string() } else { quoted(key) }
}

fn scalar(node: &Node) -> String {
    match &node.kind {
        Kind::Str(s) | Kind::Expr(s) => quoted(s),
        Kind::Num(n) => n.clone(),
        Kind::Bool(b) => b.to_string(),
        Kind::Null => "null".into(),
        Kind::Map(_) => "{}".into(),
        Kind::List(_) => "[]".into(),
        Kind::Intrinsic(_, inner) => scalar(inner),
    }
}

fn is_block(node: &Node) -> bool {
    match &node.kind {
        Kind::Map(es) => !es.is_empty(),
        Kind::List(v) => !v.is_empty(),
        _ => false,
    }
}

/// `key: value` in YAML block style, its first line unindented (it goes where
/// the key starts) and the others at `col` + 2 per level.
pub fn yaml_entry(e: &Entry, col: usize) -> String {
    let mut out = yaml_key(&e.key) + ":";
    yaml_value(&e.value, col, &mut out);
    out
}

fn yaml_value(node: &Node, col: usize, out: &mut String) {
    if !is_block(node) {
        out.push(' ');
        out.push_str(&scalar(node));
        return;
    }
    let pad = " ".repeat(col + 2);
    match &node.kind {
        Kind::Map(es) => {
            for e in es {
                out.push('\n');
                out.push_str(&pad);
                out.push_str(&yaml_entry(e, col + 2));
            }
        }
        Kind::List(items) => {
            for item in items {
                out.push('\n');
                out.push_str(&pad);
                out.push('-');
                match &item.kind {
                    Kind::Map(es) if !es.is_empty() => {
                        // The first entry on the dash's line, the others under it.
                        for (i, e) in es.iter().enumerate() {
                            if i == 0 {
                                out.push(' ');
                            } else {
                                out.push('\n');
                                out.push_str(&" ".repeat(col + 4));
                            }
                            out.push_str(&yaml_entry(e, col + 4));
                        }
                    }
                    _ => yaml_value(item, col + 2, out),
                }
            }
        }
        _ => unreachable!("is_block is true only for maps and lists"),
    }
}

/// `"key": value` in JSON; `pretty` gives each member its own line at `col` +
/// 2 per level, like the document around it; otherwise one line.
pub fn json_entry(e: &Entry, col: usize, pretty: bool) -> String {
    let mut out = quoted(&e.key) + ": ";
    json_value(&e.value, col, pretty, &mut out);
    out
}

fn json_value(node: &Node, col: usize, pretty: bool, out: &mut String) {
    if !is_block(node) {
        out.push_str(&scalar(node));
        return;
    }
    let (open, close) = match &node.kind {
        Kind::Map(_) => ('{', '}'),
        _ => ('[', ']'),
    };
    out.push(open);
    let members: Vec<String> = match &node.kind {
        Kind::Map(es) => es.iter().map(|e| json_entry(e, col + 2, pretty)).collect(),
        Kind::List(items) => items
            .iter()
            .map(|n| {
                let mut s = String::new();
                json_value(n, col + 2, pretty, &mut s);
                s
            })
            .collect(),
        _ => unreachable!("is_block is true only for maps and lists"),
    };
    if pretty {
        let pad = " ".repeat(col + 2);
        for (i, m) in members.iter().enumerate() {
            out.push_str(if i == 0 { "\n" } else { ",\n" });
            out.push_str(&pad);
            out.push_str(m);
        }
        out.push('\n');
        out.push_str(&" ".repeat(col));
    } else {
        out.push_str(&members.join(", "));
    }
    out.push(close);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(text: &str) -> Entry {
        crate::audit::yaml::parse(text).unwrap().entries()[0].clone()
    }

    #[test]
    fn yaml_and_json_read_back_as_the_same_value() {
        let e = entry(
            "options:\n  responses:\n    \"204\":\n      description: 'a: b # c'\n  list:\n    - a: 1\n      b: [x]\n    - \"true\"\n  empty: {}\n",
        );
        let yaml = format!("    {}\n", yaml_entry(&e, 4));
        let json = format!("{{{}}}", json_entry(&e, 0, true));
        let a: serde_json::Value = serde_yaml_ng::from_str(&yaml).unwrap();
        let b: serde_json::Value = serde_json::from_str(&json).unwrap();
        let c: serde_json::Value =
            serde_yaml_ng::from_str("    options:\n      responses: {\"204\": {description: 'a: b # c'}}\n      list: [{a: 1, b: [x]}, \"true\"]\n      empty: {}\n").unwrap();
        assert_eq!(a, c, "{yaml}");
        assert_eq!(b["options"], c["options"], "{json}");
    }
}
