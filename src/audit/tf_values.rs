//! Terraform values a module states itself, put in place of the references
//! to them before anything is judged (issue 26): a variable's `default` and a
//! literal local, wherever `var.x` / `local.x` stands alone or inside a
//! string template (`"'${var.origin}'"`). Real modules keep their CORS
//! origins in variables; without this, audit judged nothing and import wrote
//! nothing for them. A reference with no known value stays an expression.

use super::doc::{Entry, Kind, Node};
use super::recognise::Parsed;
use std::collections::HashMap;

/// Resolve, per module folder, every reference to a variable's literal
/// default or a literal local in that folder's files. `overrides` give
/// values a deploy chooses (`var.environment`, `terraform.workspace`): one
/// view of the module per environment, for import's `[environments]`.
pub fn resolve(parsed: &mut [Parsed], overrides: &[(String, String)]) {
    let mut known = known_values(parsed, overrides);
    module_inputs(parsed, &mut known);
    for p in parsed.iter_mut() {
        let Parsed::Hcl(blocks, dir) = p else {
            continue;
        };
        let Some(values) = known.get(dir.as_str()).filter(|v| !v.is_empty()) else {
            continue;
        };
        for b in blocks.iter_mut() {
            substitute(&mut b.body, values);
        }
    }
}

/// Per folder: variables' literal defaults (or the override), literal
/// locals, and locals that index or traverse a known value
/// (`env = local.environments[var.environment]`), evaluated until nothing
/// more is known.
fn known_values(
    parsed: &[Parsed],
    overrides: &[(String, String)],
) -> HashMap<String, HashMap<String, Node>> {
    let mut known: HashMap<String, HashMap<String, Node>> = HashMap::new();
    let mut pending: Vec<(String, String, Node)> = Vec::new();
    for p in parsed.iter() {
        let Parsed::Hcl(blocks, dir) = p else {
            continue;
        };
        let values = known.entry(dir.clone()).or_default();
        for b in blocks {
            match (b.ident.as_str(), b.labels.as_slice()) {
                ("variable", [name]) => {
                    let key = format!("var.{name}");
                    if let Some((_, v)) = overrides.iter().find(|(k, _)| *k == key) {
                        values.insert(key, Node::new(b.header.clone(), Kind::Str(v.clone())));
                    } else if let Some(default) = b.body.get("default").filter(|d| is_literal(d)) {
                        values.insert(key, default.clone());
                    }
                }
                ("locals", []) => {
                    for e in b.body.entries() {
                        if is_literal(&e.value) {
                            values.insert(format!("local.{}", e.key), e.value.clone());
                        } else {
                            pending.push((
                                dir.clone(),
                                format!("local.{}", e.key),
                                e.value.clone(),
                            ));
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some((k, v)) = overrides.iter().find(|(k, _)| k == "terraform.workspace") {
            values.insert(k.clone(), Node::new(0..0, Kind::Str(v.clone())));
        }
    }
    // A local may read another: a few rounds settle every chain a module
    // writes by hand; a cycle simply stays unknown.
    for _ in 0..8 {
        let before = pending.len();
        pending.retain(|(dir, key, node)| {
            let Kind::Expr(e) = &node.kind else {
                return true;
            };
            let values = known.entry(dir.clone()).or_default();
            match traverse(e.trim(), values).filter(is_literal) {
                Some(v) => {
                    values.insert(key.clone(), v);
                    false
                }
                None => true,
            }
        });
        if pending.len() == before {
            break;
        }
    }
    known
}

/// `local.x.a["b"][var.k].c`: the part of a known value a reference names,
/// keys given as identifiers, quoted strings or known scalar references.
fn traverse(expr: &str, values: &HashMap<String, Node>) -> Option<Node> {
    let mut parts = expr.splitn(3, '.');
    let (kind, name) = (parts.next()?, parts.next()?);
    if !matches!(kind, "var" | "local") {
        return None;
    }
    let name_end = name.find('[').unwrap_or(name.len());
    let root = format!("{kind}.{}", &name[..name_end]);
    let mut rest = format!(
        "{}{}",
        &name[name_end..],
        parts.next().map(|r| format!(".{r}")).unwrap_or_default()
    );
    let mut node = values.get(&root)?;
    while !rest.is_empty() {
        let key: String;
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            key = r[..end].to_string();
            rest = r[end..].to_string();
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            let inner = r[..end].trim();
            key = match inner.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
                Some(lit) => lit.to_string(),
                None => values.get(inner)?.text()?.to_string(),
            };
            rest = r[end + 1..].to_string();
        } else {
            return None;
        }
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ' '))
        {
            return None;
        }
        node = node.get(&key)?;
    }
    Some(node.clone())
}

/// The values a deploy chooses an environment by, with the environments'
/// names: a selector (`var.environment`, `terraform.workspace`) that indexes
/// a map the module states (`local.environments[var.environment]`,
/// `lookup(var.origins, terraform.workspace)`), the names being the map's
/// keys.
pub fn selectors(parsed: &[Parsed]) -> Vec<(String, Vec<String>)> {
    let known = known_values(parsed, &[]);
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for p in parsed {
        let Parsed::Hcl(blocks, dir) = p else {
            continue;
        };
        let Some(values) = known.get(dir.as_str()) else {
            continue;
        };
        let mut exprs = Vec::new();
        for b in blocks {
            collect_exprs(&b.body, &mut exprs);
        }
        for e in exprs {
            for (map, selector) in indexings(&e) {
                let Some(Kind::Map(entries)) = values.get(map.as_str()).map(|n| &n.kind) else {
                    continue;
                };
                if !(selector.starts_with("var.") || selector == "terraform.workspace") {
                    continue;
                }
                let names: Vec<String> = entries.iter().map(|e| e.key.clone()).collect();
                if !names.is_empty() && !out.iter().any(|(s, _)| *s == selector) {
                    out.push((selector, names));
                }
            }
        }
    }
    out
}

fn collect_exprs(n: &Node, out: &mut Vec<String>) {
    match &n.kind {
        Kind::Expr(e) => out.push(e.clone()),
        Kind::List(items) => items.iter().for_each(|i| collect_exprs(i, out)),
        Kind::Map(entries) => entries.iter().for_each(|e| collect_exprs(&e.value, out)),
        _ => {}
    }
}

/// `(map, selector)` for each `MAP[SEL]` and `lookup(MAP, SEL` in an
/// expression, MAP and SEL plain references.
fn indexings(e: &str) -> Vec<(String, String)> {
    let is_ref = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.'))
    };
    let mut out = Vec::new();
    for (i, _) in e.match_indices('[') {
        let before = &e[..i];
        let start = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.')))
            .map_or(0, |p| p + 1);
        let Some(end) = e[i + 1..].find(']') else {
            continue;
        };
        let (map, sel) = (&before[start..], e[i + 1..i + 1 + end].trim());
        if is_ref(map) && is_ref(sel) {
            out.push((map.to_string(), sel.to_string()));
        }
    }
    for (i, _) in e.match_indices("lookup(") {
        let args = &e[i + 7..];
        let mut parts = args.split([',', ')']).map(str::trim);
        if let (Some(map), Some(sel)) = (parts.next(), parts.next())
            && is_ref(map)
            && is_ref(sel)
        {
            out.push((map.to_string(), sel.to_string()));
        }
    }
    out
}

/// Local modules are followed (issue 26): a `module` block whose `source`
/// is a folder of these files (`./modules/api`) passes its literal inputs
/// (or the caller's own known values) to that folder's variables, over their
/// defaults. A module called more than once with different inputs keeps its
/// defaults: which call a finding is about would be a guess.
fn module_inputs(parsed: &[Parsed], known: &mut HashMap<String, HashMap<String, Node>>) {
    const META: &[&str] = &[
        "source",
        "version",
        "providers",
        "count",
        "for_each",
        "depends_on",
    ];
    let mut calls: HashMap<String, Vec<HashMap<String, Node>>> = HashMap::new();
    for p in parsed {
        let Parsed::Hcl(blocks, dir) = p else {
            continue;
        };
        for b in blocks.iter().filter(|b| b.ident == "module") {
            let Some(source) = b.body.get("source").and_then(Node::text) else {
                continue;
            };
            if !(source.starts_with("./") || source.starts_with("../")) {
                continue; // a registry or remote module: not in these files
            }
            let target = join(dir, source);
            let caller = known.get(dir.as_str());
            let inputs: HashMap<String, Node> = b
                .body
                .entries()
                .iter()
                .filter(|e| !META.contains(&e.key.as_str()))
                .filter_map(|e| {
                    let v = match &e.value.kind {
                        Kind::Expr(x) => caller?.get(x.trim())?.clone(),
                        _ if is_literal(&e.value) => e.value.clone(),
                        _ => return None,
                    };
                    Some((format!("var.{}", e.key), v))
                })
                .collect();
            calls.entry(target).or_default().push(inputs);
        }
    }
    for (target, inputs) in calls {
        let Some(first) = inputs.first() else {
            continue;
        };
        let agree = inputs.iter().all(|i| i == first);
        // The folder as these files name it (`./modules/api` or `modules/api`).
        let folder = known.keys().find(|k| join(k, ".") == target).cloned();
        if let Some(folder) = folder.filter(|_| agree) {
            let values = known.entry(folder).or_default();
            for (k, v) in first {
                values.insert(k.clone(), v.clone());
            }
        }
    }
}

/// `dir` joined with a relative module source, `.` and `..` resolved, in the
/// form file names take here (no `./`, `/` separators).
fn join(dir: &str, source: &str) -> String {
    let mut parts: Vec<&str> = dir
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    for p in source.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// A value with no expression in it: a string, number, bool, or a list or
/// map of those (a list of origins, say).
fn is_literal(n: &Node) -> bool {
    match &n.kind {
        Kind::Expr(_) | Kind::Intrinsic(..) => false,
        Kind::List(items) => items.iter().all(is_literal),
        Kind::Map(entries) => entries.iter().all(|e| is_literal(&e.value)),
        _ => true,
    }
}

fn substitute(node: &mut Node, values: &HashMap<String, Node>) {
    match &mut node.kind {
        Kind::Expr(e) => {
            // The value takes the reference's place; its location stays the
            // reference's, where findings about it point.
            if let Some(choice) = per_environment(e.trim(), &node.span, values) {
                node.kind = choice.kind;
            } else if let Some(mut v) = values
                .get(e.trim())
                .cloned()
                .or_else(|| traverse(e.trim(), values))
            {
                at_span(&mut v, &node.span);
                node.kind = v.kind;
            } else if let Some(text) = evaluate(e.trim(), values) {
                node.kind = Kind::Str(text);
            }
        }
        Kind::List(items) => items.iter_mut().for_each(|n| substitute(n, values)),
        Kind::Map(entries) => entries
            .iter_mut()
            .for_each(|Entry { value, .. }| substitute(value, values)),
        _ => {}
    }
}

/// A value chosen per environment from a map the module states
/// (crate::audit::choice): `lookup(var.m, terraform.workspace)`,
/// `var.m[var.stage]`, `local.m[terraform.workspace]`, alone or as the one
/// interpolation of a quoted template (`"'${var.m[var.stage]}'"`). The
/// environment taken by default: the selector variable's default, or the
/// `default` workspace when the map has it.
fn per_environment(
    expr: &str,
    span: &std::ops::Range<usize>,
    values: &HashMap<String, Node>,
) -> Option<Node> {
    let (prefix, inner, suffix) = match expr.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
        Some(t) => {
            let start = t.find("${")?;
            let end = t.rfind('}')?;
            if t[start + 2..end].contains("${") || t.contains(['\\', '%']) {
                return None;
            }
            (&t[..start], t[start + 2..end].trim(), &t[end + 1..])
        }
        None => ("", expr, ""),
    };
    let (map, selector) = if let Some(args) = inner
        .strip_prefix("lookup(")
        .and_then(|x| x.strip_suffix(')'))
    {
        let mut parts = args.split(',').map(str::trim);
        (parts.next()?, parts.next()?)
    } else {
        let open = inner.find('[')?;
        (
            inner[..open].trim(),
            inner[open + 1..].strip_suffix(']')?.trim(),
        )
    };
    let table = values.get(map)?;
    let Kind::Map(entries) = &table.kind else {
        return None;
    };
    let default = match selector {
        "terraform.workspace" => values
            .get("terraform.workspace")
            .and_then(Node::text)
            .or(Some("default")),
        s if s.starts_with("var.") => values.get(s).and_then(Node::text),
        _ => return None,
    };
    let options: Option<Vec<(String, Node)>> = entries
        .iter()
        .map(|e| {
            let v = if prefix.is_empty() && suffix.is_empty() {
                e.value.clone()
            } else {
                Node::new(
                    span.clone(),
                    Kind::Str(format!("{prefix}{}{suffix}", e.value.text()?)),
                )
            };
            Some((e.key.clone(), v))
        })
        .collect();
    Some(super::choice::node(span.clone(), default, options?))
}

/// Every node of `n` placed at `span`: a default may sit in another file, so
/// its own positions would point into the wrong one.
fn at_span(n: &mut Node, span: &std::ops::Range<usize>) {
    n.span = span.clone();
    match &mut n.kind {
        Kind::List(items) => items.iter_mut().for_each(|i| at_span(i, span)),
        Kind::Map(entries) => entries.iter_mut().for_each(|e| {
            e.key_span = span.clone();
            at_span(&mut e.value, span);
        }),
        _ => {}
    }
}

/// A quoted template whose every interpolation is a known scalar reference
/// and which holds no escapes or directives.
fn evaluate(expr: &str, values: &HashMap<String, Node>) -> Option<String> {
    let inner = expr.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains(['\\', '"']) || inner.contains("%{") || !inner.contains("${") {
        return None;
    }
    let mut out = String::new();
    let mut rest = inner;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}')?;
        let r = after[..end].trim();
        match values.get(r) {
            Some(v) => out.push_str(v.text()?),
            None => out.push_str(traverse(r, values)?.text()?),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_locals_replace_their_references() {
        let text = r#"
variable "origin" {
  default = "https://app.example.com"
}
variable "unknown" {}
variable "origins" {
  default = ["https://a.example", "https://b.example"]
}
locals {
  methods = "GET,POST"
}
resource "x" "y" {
  a = var.origin
  b = "'${var.origin}'"
  c = "'${local.methods},OPTIONS'"
  d = "'${var.unknown}'"
  e = [var.origin, var.unknown]
  f = var.origins
}
"#;
        let blocks = crate::audit::hcl::parse(text).unwrap();
        let mut parsed = vec![Parsed::Hcl(blocks, String::new())];
        resolve(&mut parsed, &[]);
        let Parsed::Hcl(blocks, _) = &parsed[0] else {
            unreachable!()
        };
        let body = &blocks.iter().find(|b| b.ident == "resource").unwrap().body;
        let text = |k: &str| body.get(k).and_then(Node::text).map(str::to_string);
        assert_eq!(text("a").as_deref(), Some("https://app.example.com"));
        assert_eq!(text("b").as_deref(), Some("'https://app.example.com'"));
        assert_eq!(text("c").as_deref(), Some("'GET,POST,OPTIONS'"));
        assert_eq!(text("d"), None, "no default: stays an expression");
        let e = body.get("e").unwrap().items();
        assert_eq!(e[0].text(), Some("https://app.example.com"));
        assert!(matches!(e[1].kind, Kind::Expr(_)));
        let f: Vec<_> = body
            .get("f")
            .unwrap()
            .items()
            .iter()
            .filter_map(Node::text)
            .collect();
        assert_eq!(f, ["https://a.example", "https://b.example"]);
    }
}
