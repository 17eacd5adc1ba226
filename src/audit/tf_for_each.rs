//! Terraform resources written once with `for_each` over values the module
//! states (a literal map or set, `toset([...])`, a local, a variable's
//! default): one block per element, as Terraform plans them, with `each.key`
//! and `each.value` put in place and the address `type.name["key"]`. Real
//! modules declare their methods, routes and gateway responses this way
//! (issue 26's corpus); read as one block with unknown values, they were
//! missed or judged as a method named `?`. A `for_each` over values audit
//! cannot know stays one block, as before. `count` likewise, when it is a
//! number or `length()` of a known list: `name[0]`, `name[1]`, ... with
//! `count.index` and `list[count.index]` put in place.

use super::doc::{Entry, Kind, Node};
use super::recognise::Parsed;
use std::collections::HashMap;

/// Expand, per module folder, every resource's `for_each` whose elements
/// are known.
pub fn expand(parsed: &mut [Parsed]) {
    let mut locals: HashMap<String, HashMap<String, Node>> = HashMap::new();
    for p in parsed.iter() {
        let Parsed::Hcl(blocks, dir) = p else {
            continue;
        };
        let known = locals.entry(dir.clone()).or_default();
        for b in blocks.iter().filter(|b| b.ident == "locals") {
            for e in b.body.entries() {
                known.insert(e.key.clone(), e.value.clone());
            }
        }
        // Variables' defaults, under `var.` so they never shadow a local.
        for b in blocks
            .iter()
            .filter(|b| b.ident == "variable" && b.labels.len() == 1)
        {
            if let Some(d) = b.body.get("default") {
                known.insert(format!("var.{}", b.labels[0]), d.clone());
            }
        }
    }
    for p in parsed.iter_mut() {
        let Parsed::Hcl(blocks, dir) = p else {
            continue;
        };
        let known = &locals[dir.as_str()];
        let mut out = Vec::with_capacity(blocks.len());
        for b in blocks.drain(..) {
            let items = (b.ident == "resource" && b.labels.len() == 2)
                .then(|| b.body.get("for_each"))
                .flatten()
                .and_then(|fe| elements(fe, known, 0));
            let count = (b.ident == "resource" && b.labels.len() == 2 && items.is_none())
                .then(|| b.body.get("count"))
                .flatten()
                .and_then(|c| count_of(c, known));
            if let Some(n) = count {
                for i in 0..n {
                    let mut one = b.clone();
                    one.labels[1] = format!("{}[{i}]", b.labels[1]);
                    indexed(&mut one.body, i, known);
                    out.push(one);
                }
                continue;
            }
            match items {
                Some(items) => {
                    for (key, value) in items {
                        let mut one = b.clone();
                        one.labels[1] = format!("{}[\"{key}\"]", b.labels[1]);
                        each(&mut one.body, &key, &value);
                        out.push(one);
                    }
                }
                None => out.push(b),
            }
        }
        *blocks = out;
    }
}

/// The (each.key, each.value) pairs of a `for_each` value, when known.
fn elements(n: &Node, locals: &HashMap<String, Node>, depth: u8) -> Option<Vec<(String, Node)>> {
    match &n.kind {
        Kind::Map(entries) => Some(
            entries
                .iter()
                .map(|e| (e.key.clone(), e.value.clone()))
                .collect(),
        ),
        Kind::List(items) => items
            .iter()
            .map(|i| Some((i.text()?.to_string(), i.clone())))
            .collect(),
        Kind::Expr(e) if depth < 4 => {
            let e = e.trim();
            let node = match e.strip_prefix("local.") {
                Some(name) => locals.get(name)?,
                None => locals.get(e).filter(|_| e.starts_with("var."))?,
            };
            elements(node, locals, depth + 1)
        }
        _ => None,
    }
}

/// How many instances a `count` makes, when known (at most 64).
fn count_of(c: &Node, known: &HashMap<String, Node>) -> Option<usize> {
    let n = match &c.kind {
        Kind::Num(n) => n.parse().ok()?,
        Kind::Expr(e) => {
            let e = e.trim();
            match e.strip_prefix("length(").and_then(|x| x.strip_suffix(')')) {
                Some(inner) => list_named(inner.trim(), known)?.len(),
                None => toggle(e, known)?,
            }
        }
        _ => return None,
    };
    (n <= 64).then_some(n)
}

/// `var.x ? 1 : 0` (or `!var.x ? ...`) with a boolean default for `var.x`.
fn toggle(e: &str, known: &HashMap<String, Node>) -> Option<usize> {
    let (cond, branches) = e.split_once('?')?;
    let (yes, no) = branches.split_once(':')?;
    let cond = cond.trim();
    let (negated, name) = match cond.strip_prefix('!') {
        Some(n) => (true, n.trim()),
        None => (false, cond),
    };
    if !name.starts_with("var.") {
        return None;
    }
    let value = known.get(name)?.bool()? != negated;
    let pick = if value { yes } else { no };
    pick.trim().parse().ok()
}

/// The items of `var.x` or `local.x`, when it is a known list.
fn list_named<'a>(name: &str, known: &'a HashMap<String, Node>) -> Option<&'a [Node]> {
    let node = match name.strip_prefix("local.") {
        Some(local) => known.get(local)?,
        None => known.get(name).filter(|_| name.starts_with("var."))?,
    };
    matches!(node.kind, Kind::List(_)).then(|| node.items())
}

/// Put `count.index` and `list[count.index]` in place everywhere in `n`.
fn indexed(n: &mut Node, i: usize, known: &HashMap<String, Node>) {
    match &mut n.kind {
        Kind::Expr(e) => {
            let t = e.trim();
            if t == "count.index" {
                n.kind = Kind::Num(i.to_string());
            } else if let Some(item) = t
                .strip_suffix("[count.index]")
                .and_then(|name| list_named(name, known))
                .and_then(|items| items.get(i))
            {
                n.kind = item.kind.clone();
            } else {
                n.kind = settled(
                    t.replace("[count.index]", &format!("[{i}]"))
                        .replace("${count.index}", &i.to_string()),
                );
            }
        }
        Kind::List(items) => items.iter_mut().for_each(|x| indexed(x, i, known)),
        Kind::Map(entries) => entries
            .iter_mut()
            .for_each(|Entry { value, .. }| indexed(value, i, known)),
        _ => {}
    }
}

/// An expression with `each` / `count` put in place: a quoted string left
/// with no interpolation and no escape is now plain text.
fn settled(expr: String) -> Kind {
    match expr
        .strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .filter(|x| !x.contains("${") && !x.contains(['\\', '"']))
    {
        Some(s) => Kind::Str(s.to_string()),
        None => Kind::Expr(expr),
    }
}

/// Put `each.key` / `each.value[.attr]` in place everywhere in `n`.
fn each(n: &mut Node, key: &str, value: &Node) {
    match &mut n.kind {
        Kind::Expr(e) => {
            let t = e.trim().to_string();
            if t == "each.key" {
                n.kind = Kind::Str(key.to_string());
            } else if let Some(v) = t
                .strip_prefix("each.value")
                .and_then(|rest| attribute(value, rest))
            {
                let span = n.span.clone();
                *n = v;
                n.span = span;
            } else {
                n.kind = settled(interpolate(&t, key, value));
            }
        }
        Kind::List(items) => items.iter_mut().for_each(|i| each(i, key, value)),
        Kind::Map(entries) => entries
            .iter_mut()
            .for_each(|Entry { value: v, .. }| each(v, key, value)),
        _ => {}
    }
}

/// `each.value` followed by `rest` (`""`, `.method`, `.a.b`).
fn attribute(value: &Node, rest: &str) -> Option<Node> {
    if rest.is_empty() {
        return Some(value.clone());
    }
    let path: Vec<&str> = rest.strip_prefix('.')?.split('.').collect();
    if path
        .iter()
        .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    {
        return None;
    }
    value.at(&path).cloned()
}

/// An expression's text with `[each.key]` and the `${each...}` of a
/// template replaced by what they hold, where that is a plain string.
fn interpolate(e: &str, key: &str, value: &Node) -> String {
    let mut s = e.replace("[each.key]", &format!("[\"{key}\"]"));
    s = s.replace("${each.key}", key);
    // Scanning on after each value put in place: a value that itself holds
    // `${each.value` is text, not another reference (and no endless loop).
    let mut from = 0;
    while let Some(found) = s[from..].find("${each.value") {
        let start = from + found;
        let Some(len) = s[start..].find('}') else {
            break;
        };
        let inner = &s[start + 2..start + len];
        let Some(text) = attribute(value, &inner["each.value".len()..])
            .and_then(|v| v.text().map(str::to_string))
        else {
            break;
        };
        s.replace_range(start..start + len + 1, &text);
        from = start + text.len();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::hcl::{TfBlock, parse};

    fn expanded(text: &str) -> Vec<TfBlock> {
        let mut parsed = vec![Parsed::Hcl(parse(text).unwrap(), String::new())];
        crate::audit::tf_values::resolve(&mut parsed, &[]);
        expand(&mut parsed);
        let Parsed::Hcl(blocks, _) = parsed.remove(0) else {
            unreachable!()
        };
        blocks
            .into_iter()
            .filter(|b| b.ident == "resource")
            .collect()
    }

    #[test]
    fn known_elements_become_one_block_each() {
        let blocks = expanded(
            r#"
locals {
  methods = {
    get    = { method = "GET", resource = aws_api_gateway_resource.a.id }
    delete = { method = "DELETE", resource = aws_api_gateway_resource.b.id }
  }
}
resource "aws_api_gateway_method" "m" {
  for_each    = local.methods
  http_method = each.value.method
  resource_id = each.value.resource
}
resource "aws_api_gateway_integration" "m" {
  for_each    = local.methods
  http_method = aws_api_gateway_method.m[each.key].http_method
}
resource "aws_api_gateway_gateway_response" "r" {
  for_each      = toset(["DEFAULT_4XX", "DEFAULT_5XX"])
  response_type = each.value
  name          = "resp-${each.key}"
}
resource "aws_apigatewayv2_route" "unknown" {
  for_each  = var.routes
  route_key = each.value
}
"#,
        );
        let labels: Vec<&str> = blocks.iter().map(|b| b.labels[1].as_str()).collect();
        assert_eq!(
            labels,
            [
                "m[\"get\"]",
                "m[\"delete\"]",
                "m[\"get\"]",
                "m[\"delete\"]",
                "r[\"DEFAULT_4XX\"]",
                "r[\"DEFAULT_5XX\"]",
                "unknown"
            ]
        );
        assert_eq!(
            blocks[1].body.get("http_method").unwrap().text(),
            Some("DELETE")
        );
        assert_eq!(
            blocks[1].body.get("resource_id").unwrap().kind,
            Kind::Expr("aws_api_gateway_resource.b.id".into())
        );
        assert_eq!(
            blocks[2].body.get("http_method").unwrap().kind,
            Kind::Expr("aws_api_gateway_method.m[\"get\"].http_method".into())
        );
        assert_eq!(
            blocks[5].body.get("response_type").unwrap().text(),
            Some("DEFAULT_5XX")
        );
        assert_eq!(
            blocks[5].body.get("name").unwrap().text(),
            Some("resp-DEFAULT_5XX")
        );
    }

    /// A value that holds `${each.value}` as text is put in place once.
    #[test]
    fn a_value_that_looks_like_a_reference_is_not_followed_again() {
        let v = Node::new(0..0, Kind::Str("${each.value}".into()));
        assert_eq!(
            interpolate("\"a-${each.value}\"", "k", &v),
            "\"a-${each.value}\""
        );
    }

    #[test]
    fn a_known_count_becomes_one_block_each() {
        let blocks = expanded(
            r#"
variable "methods" {
  default = ["GET", "DELETE"]
}
variable "enabled" {}
resource "aws_api_gateway_method" "m" {
  count       = length(var.methods)
  http_method = var.methods[count.index]
}
resource "aws_api_gateway_integration" "m" {
  count       = length(var.methods)
  http_method = aws_api_gateway_method.m[count.index].http_method
}
resource "aws_api_gateway_method" "toggle" {
  count = var.enabled ? 1 : 0
}
"#,
        );
        let labels: Vec<&str> = blocks.iter().map(|b| b.labels[1].as_str()).collect();
        assert_eq!(labels, ["m[0]", "m[1]", "m[0]", "m[1]", "toggle"]);
        assert_eq!(
            blocks[1].body.get("http_method").unwrap().text(),
            Some("DELETE")
        );
        assert_eq!(
            blocks[3].body.get("http_method").unwrap().kind,
            Kind::Expr("aws_api_gateway_method.m[1].http_method".into())
        );
    }
}
