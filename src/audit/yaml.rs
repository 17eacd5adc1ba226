//! YAML and JSON (a JSON document is YAML 1.2) into a [`Node`] tree with byte
//! spans, through saphyr-parser's event stream, which reports every event's
//! position and keeps tags. CloudFormation's short-form intrinsics (`!Ref`,
//! `!Sub`, `!GetAtt`, ...) are tags on an ordinary node (CloudFormation user
//! guide, "Intrinsic function reference"): they become [`Kind::Intrinsic`]
//! with the long-form name, the same as `{"Ref": ...}` read through
//! [`Node::intrinsic`].

use super::doc::{Entry, Kind, Node};
use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};
use std::collections::HashMap;
use std::ops::Range;

/// A YAML syntax error: byte offset and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

/// The most nodes that aliases may copy into one document. Each alias is
/// expanded into a copy of its anchor's node, so nested aliases grow
/// exponentially (a "billion laughs": 787 bytes that took 3 GB); real
/// templates and documents stay far below this (CloudFormation refuses
/// aliases altogether), and past it the document is refused.
pub const MAX_ALIAS_NODES: usize = 200_000;

/// Parse the first document of `text`.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    // saphyr's markers count characters; diagnostics use bytes.
    let mut bytes: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    bytes.push(text.len());
    let at = |m: usize| bytes.get(m).copied().unwrap_or(text.len());
    let span = |s: &Span| at(s.start.index())..at(s.end.index()).max(at(s.start.index()));

    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    // Each anchor's node and its size in nodes; the nodes aliases copied so far.
    let mut anchors: HashMap<usize, (Node, usize)> = HashMap::new();
    let mut copied = 0usize;
    let mut root: Option<Node> = None;
    while let Some(ev) = parser.next_event() {
        let (ev, sp) = ev.map_err(|e| SyntaxError {
            offset: at(e.marker().index()),
            message: e.info().to_string(),
        })?;
        let node = match ev {
            Event::Scalar(value, style, anchor, tag) => {
                let n = tagged(tag.as_deref(), scalar(&value, style, span(&sp)));
                Some((n, anchor))
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some((n, size)) => {
                    copied += size;
                    if copied > MAX_ALIAS_NODES {
                        return Err(SyntaxError {
                            offset: span(&sp).start,
                            message: format!(
                                "aliases here expand to more than {MAX_ALIAS_NODES} nodes; \
                                 corsform refuses such documents (an alias bomb?): write the values out"
                            ),
                        });
                    }
                    Some((n.clone(), 0))
                }
                None => None,
            },
            Event::SequenceStart(anchor, tag) => {
                stack.push(Frame::new(
                    true,
                    span(&sp).start,
                    anchor,
                    tag.map(|t| t.into_owned()),
                ));
                None
            }
            Event::MappingStart(anchor, tag) => {
                stack.push(Frame::new(
                    false,
                    span(&sp).start,
                    anchor,
                    tag.map(|t| t.into_owned()),
                ));
                None
            }
            Event::SequenceEnd | Event::MappingEnd => stack.pop().map(|f| {
                let end = f.last_end.max(span(&sp).end).max(f.start);
                let kind = if f.seq {
                    Kind::List(f.items)
                } else {
                    Kind::Map(f.entries)
                };
                (
                    tagged(f.tag.as_ref(), Node::new(f.start..end, kind)),
                    f.anchor,
                )
            }),
            Event::DocumentEnd if root.is_some() => break,
            _ => None,
        };
        if let Some((n, anchor)) = node {
            if anchor != 0 {
                anchors.insert(anchor, (n.clone(), n.count()));
            }
            match stack.last_mut() {
                Some(f) => f.push(n),
                None => root = Some(n),
            }
        }
    }
    Ok(root.unwrap_or(Node::new(0..0, Kind::Null)))
}

struct Frame {
    seq: bool,
    start: usize,
    last_end: usize,
    anchor: usize,
    tag: Option<Tag>,
    items: Vec<Node>,
    entries: Vec<Entry>,
    key: Option<Node>,
}

impl Frame {
    fn new(seq: bool, start: usize, anchor: usize, tag: Option<Tag>) -> Frame {
        Frame {
            seq,
            start,
            last_end: start,
            anchor,
            tag,
            items: vec![],
            entries: vec![],
            key: None,
        }
    }

    fn push(&mut self, n: Node) {
        self.last_end = self.last_end.max(n.span.end);
        if self.seq {
            self.items.push(n);
        } else if let Some(k) = self.key.take() {
            self.entries.push(Entry {
                key: k.text().map(str::to_string).unwrap_or_default(),
                key_span: k.span,
                value: n,
            });
        } else {
            self.key = Some(n);
        }
    }
}

fn scalar(v: &str, style: ScalarStyle, span: Range<usize>) -> Node {
    let kind = if style != ScalarStyle::Plain {
        Kind::Str(v.to_string())
    } else {
        match v {
            "true" | "True" | "TRUE" => Kind::Bool(true),
            "false" | "False" | "FALSE" => Kind::Bool(false),
            "null" | "Null" | "NULL" | "~" | "" => Kind::Null,
            _ if v.parse::<f64>().is_ok() => Kind::Num(v.to_string()),
            _ => Kind::Str(v.to_string()),
        }
    };
    Node::new(span, kind)
}

/// `!Ref X` -> `Intrinsic("Ref", X)`; `!GetAtt A.B` -> `Intrinsic("Fn::GetAtt", "A.B")`.
fn tagged(tag: Option<&Tag>, n: Node) -> Node {
    let Some(t) = tag else { return n };
    if t.handle != "!" {
        return n; // `!!str` and other core-schema tags change nothing here.
    }
    let name = match t.suffix.as_str() {
        "Ref" | "Condition" => t.suffix.clone(),
        s => format!("Fn::{s}"),
    };
    Node::new(n.span.clone(), Kind::Intrinsic(name, Box::new(n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nested aliases, nine to a level: a few hundred bytes that would copy
    /// 9^9 nodes. Refused with an error at an alias, quickly.
    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for level in 1..9 {
            let prev = (b'a' + level - 1) as char;
            let this = (b'a' + level) as char;
            let list = vec![format!("*{prev}"); 9].join(", ");
            text.push_str(&format!("{this}: &{this} [{list}]\n"));
        }
        assert!(text.len() < 1000, "{}", text.len());
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{}", err.message);
        assert!(
            text[err.offset..].starts_with('*'),
            "{}",
            &text[err.offset..]
        );
        // A few aliases, as real documents use them, still read.
        let ok = parse("base: &b {type: string}\none: *b\ntwo: *b\n").unwrap();
        assert_eq!(ok.at(&["two", "type"]).and_then(Node::text), Some("string"));
    }

    #[test]
    fn short_form_intrinsics_and_spans() {
        let text = "A:\n  B: !Ref Api\n  C: \"'x'\"\n  D: [1, true]\n";
        let n = parse(text).unwrap();
        let b = n.at(&["A", "B"]).unwrap();
        assert_eq!(b.intrinsic().map(|(k, _)| k), Some("Ref"));
        let c = n.at(&["A", "C"]).unwrap();
        assert_eq!(c.text(), Some("'x'"));
        assert_eq!(&text[c.span.clone()], "\"'x'\"");
        let d = n.at(&["A", "D"]).unwrap();
        assert_eq!(d.items()[1].bool(), Some(true));
    }

    #[test]
    fn json_is_read_too_and_errors_have_offsets() {
        let n = parse("{\"Ref\": \"Api\"}").unwrap();
        assert_eq!(n.intrinsic().map(|(k, _)| k), Some("Ref"));
        let e = parse("a: [1,\n").unwrap_err();
        assert!(e.offset > 0, "{e:?}");
    }
}
