//! Terraform's HCL into [`Node`] trees with byte spans, through hcl-edit (the
//! HCL parser that keeps every span, unlike hcl-rs which keeps values only).
//! Literals become literal nodes; anything Terraform would evaluate (a
//! reference, a function call, an interpolating template) stays as its source
//! text in [`Kind::Expr`], so rules can still see which resources it names.

use super::doc::{Entry, Kind, Node};
use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Block, BlockLabel, Body, Structure};
use hcl_edit::template::{Element, Template};
use std::ops::Range;

/// A top-level block: `resource "aws_api_gateway_method" "get" { ... }`.
#[derive(Debug, Clone)]
pub struct TfBlock {
    pub ident: String,
    pub labels: Vec<String>,
    /// The block's first line (`resource "type" "name"`), where findings point.
    pub header: Range<usize>,
    pub body: Node,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

pub fn parse(text: &str) -> Result<Vec<TfBlock>, SyntaxError> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| {
        let loc = e.location();
        SyntaxError {
            offset: offset_of(text, loc.line(), loc.column()),
            message: e.message().to_string(),
        }
    })?;
    Ok(body
        .iter()
        .filter_map(|s| match s {
            Structure::Block(b) => Some(top_block(text, b)),
            Structure::Attribute(_) => None,
        })
        .collect())
}

fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &text[start.min(text.len())..];
    start
        + rest
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
}

fn top_block(text: &str, b: &Block) -> TfBlock {
    let span = b.span().unwrap_or(0..0);
    let line_end = text[span.start..]
        .find('\n')
        .map_or(span.end, |i| span.start + i);
    let header_end = text[span.start..line_end]
        .rfind('{')
        .map_or(line_end, |i| span.start + i);
    TfBlock {
        ident: b.ident.as_str().to_string(),
        labels: b.labels.iter().map(label).collect(),
        header: span.start..text[span.start..header_end].trim_end().len() + span.start,
        body: body_node(text, &b.body, span),
    }
}

fn label(l: &BlockLabel) -> String {
    match l {
        BlockLabel::Ident(i) => i.as_str().to_string(),
        BlockLabel::String(s) => s.as_str().to_string(),
    }
}

fn body_node(text: &str, body: &Body, span: Range<usize>) -> Node {
    let mut entries = Vec::new();
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => entries.push(Entry {
                key: a.key.as_str().to_string(),
                key_span: a.key.span().unwrap_or(0..0),
                value: expr(text, &a.value),
            }),
            Structure::Block(b) => {
                let sp = b.span().unwrap_or(0..0);
                entries.push(Entry {
                    key: b.ident.as_str().to_string(),
                    key_span: b.ident.span().unwrap_or(sp.clone()),
                    value: body_node(text, &b.body, sp),
                });
            }
        }
    }
    Node::new(span, Kind::Map(entries))
}

fn source(text: &str, span: &Range<usize>) -> String {
    text.get(span.clone()).unwrap_or("").trim().to_string()
}

fn expr(text: &str, e: &Expression) -> Node {
    let span = e.span().unwrap_or(0..0);
    let kind = match e {
        Expression::Null(_) => Kind::Null,
        Expression::Bool(b) => Kind::Bool(*b.value()),
        Expression::Number(n) => Kind::Num(n.to_string()),
        Expression::String(s) => Kind::Str(s.as_str().to_string()),
        Expression::Array(a) => Kind::List(a.iter().map(|x| expr(text, x)).collect()),
        Expression::Object(o) => Kind::Map(
            o.iter()
                .map(|(k, v)| {
                    let (key, key_span) = match k {
                        ObjectKey::Ident(i) => (i.as_str().to_string(), i.span().unwrap_or(0..0)),
                        ObjectKey::Expression(x) => {
                            let n = expr(text, x);
                            let key = n
                                .text()
                                .map(str::to_string)
                                .unwrap_or_else(|| source(text, &n.span));
                            (key, n.span)
                        }
                    };
                    Entry {
                        key,
                        key_span,
                        value: expr(text, v.expr()),
                    }
                })
                .collect(),
        ),
        Expression::StringTemplate(t) => {
            literal(t).map_or_else(|| Kind::Expr(source(text, &span)), Kind::Str)
        }
        Expression::HeredocTemplate(h) => {
            literal(&h.template).map_or_else(|| Kind::Expr(source(text, &span)), Kind::Str)
        }
        // `body = jsonencode({ openapi = ... })`: the document is the argument;
        // `for_each = toset([...])`: the elements are.
        Expression::FuncCall(f)
            if ["jsonencode", "yamlencode", "toset", "tolist", "tomap"]
                .contains(&f.name.name.as_str())
                && f.args.len() == 1 =>
        {
            if let Some(arg) = f.args.iter().next() {
                return expr(text, arg);
            }
            Kind::Expr(source(text, &span))
        }
        _ => Kind::Expr(source(text, &span)),
    };
    Node::new(span, kind)
}

/// A template without interpolations or directives, as its text.
fn literal(t: &Template) -> Option<String> {
    let mut s = String::new();
    for el in t.iter() {
        match el {
            Element::Literal(l) => s.push_str(l.as_str()),
            _ => return None,
        }
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_attributes_and_references_keep_spans() {
        let text = "resource \"aws_api_gateway_method\" \"get\" {\n  http_method = \"GET\"\n  rest_api_id = aws_api_gateway_rest_api.api.id\n  lifecycle {\n    create_before_destroy = true\n  }\n  m = { \"method.response.header.X\" = \"'a'\" }\n}\n";
        let blocks = parse(text).unwrap();
        assert_eq!(blocks.len(), 1);
        let b = &blocks[0];
        assert_eq!(b.labels, vec!["aws_api_gateway_method", "get"]);
        assert_eq!(
            &text[b.header.clone()],
            "resource \"aws_api_gateway_method\" \"get\""
        );
        let m = b.body.get("http_method").unwrap();
        assert_eq!(m.text(), Some("GET"));
        assert_eq!(&text[m.span.clone()], "\"GET\"");
        assert_eq!(
            b.body.get("rest_api_id").unwrap().kind,
            Kind::Expr("aws_api_gateway_rest_api.api.id".into())
        );
        assert_eq!(
            b.body
                .at(&["lifecycle", "create_before_destroy"])
                .unwrap()
                .bool(),
            Some(true)
        );
        assert_eq!(
            b.body
                .at(&["m", "method.response.header.X"])
                .unwrap()
                .text(),
            Some("'a'")
        );
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let e = parse("resource \"a\" \"b\" {\n  x = \n}\n").unwrap_err();
        assert!(e.offset > 0, "{e:?}");
    }
}
