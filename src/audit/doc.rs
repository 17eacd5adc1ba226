//! One position-keeping document tree for every input language audit reads:
//! YAML and JSON (CloudFormation, SAM, OpenAPI) and HCL (Terraform). The
//! recognisers in [`super::recognise`] walk this tree only, so a rule judges a
//! CloudFormation template and a Terraform module with the same code. Every
//! node keeps the byte range of the text it came from: findings point there.

use std::ops::Range;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Range<usize>,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Str(String),
    /// Numbers and other plain scalars that are not strings, as written.
    Num(String),
    Bool(bool),
    Null,
    List(Vec<Node>),
    Map(Vec<Entry>),
    /// A CloudFormation intrinsic: `!Ref X`, `{"Ref": "X"}`, `!Sub ...`; the
    /// name is the long form (`Ref`, `Fn::Sub`).
    Intrinsic(String, Box<Node>),
    /// An HCL expression that is not a literal (a reference, a call, a
    /// template with interpolations), as its source text.
    Expr(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Range<usize>,
    pub value: Node,
}

impl Node {
    pub fn new(span: Range<usize>, kind: Kind) -> Node {
        Node { span, kind }
    }

    /// The value of `key` in a map (first match; CloudFormation keys are case-sensitive).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.kind {
            Kind::Map(es) => es.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// How many nodes this tree holds (itself included).
    pub fn count(&self) -> usize {
        1 + match &self.kind {
            Kind::List(items) => items.iter().map(Node::count).sum(),
            Kind::Map(entries) => entries.iter().map(|e| e.value.count()).sum(),
            Kind::Intrinsic(_, inner) => inner.count(),
            _ => 0,
        }
    }

    /// A path of keys.
    pub fn at(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |n, k| n.get(k))
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.kind {
            Kind::Map(es) => es,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.kind {
            Kind::List(v) => v,
            _ => &[],
        }
    }

    /// A literal scalar as text (strings, numbers, booleans).
    pub fn text(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) | Kind::Num(s) => Some(s),
            Kind::Bool(true) => Some("true"),
            Kind::Bool(false) => Some("false"),
            _ => None,
        }
    }

    pub fn bool(&self) -> Option<bool> {
        match &self.kind {
            Kind::Bool(b) => Some(*b),
            Kind::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Kind::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// Every string anywhere below this node (keys included), for references
    /// by name, like `Ref: CartResource` or `aws_api_gateway_integration.x`).
    pub fn walk_text<'a>(&'a self, out: &mut Vec<&'a str>) {
        match &self.kind {
            Kind::Str(s) | Kind::Num(s) | Kind::Expr(s) => out.push(s),
            Kind::List(v) => v.iter().for_each(|n| n.walk_text(out)),
            Kind::Map(es) => es.iter().for_each(|e| {
                out.push(&e.key);
                e.value.walk_text(out)
            }),
            Kind::Intrinsic(_, a) => a.walk_text(out),
            _ => {}
        }
    }

    /// Whether any text below this node contains `needle`.
    pub fn mentions(&self, needle: &str) -> bool {
        let mut v = Vec::new();
        self.walk_text(&mut v);
        v.iter().any(|t| t.contains(needle))
    }

    /// CloudFormation's long form `{"Ref": X}` / `{"Fn::GetAtt": ...}` read as
    /// an intrinsic, like the short form.
    pub fn intrinsic(&self) -> Option<(&str, &Node)> {
        match &self.kind {
            Kind::Intrinsic(n, a) => Some((n, a)),
            Kind::Map(es)
                if es.len() == 1 && (es[0].key == "Ref" || es[0].key.starts_with("Fn::")) =>
            {
                Some((&es[0].key, &es[0].value))
            }
            _ => None,
        }
    }
}
