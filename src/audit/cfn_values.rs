//! CloudFormation and SAM parameters a template states itself, put in place
//! of the references to them before anything is judged or imported (issue
//! 26), as tf_values does for Terraform: a parameter's literal `Default`
//! stands in for `!Ref Name`, and a `!Sub` string whose every `${Name}` has
//! one becomes that string. Without a default the reference stays an
//! intrinsic: audit judges its literal part, import writes a placeholder.
//! A `Fn::If` whose condition the defaults decide (`Fn::Equals` of a
//! parameter and a literal, with `Fn::Not`/`And`/`Or`) becomes the branch a
//! deploy with the defaults takes.

use super::doc::{Entry, Kind, Node};
use super::recognise::Parsed;
use std::collections::HashMap;

/// `overrides`: parameter values a deploy passes (`Environment=prod`), over
/// the defaults: one view of the template per environment, for import's
/// `[environments]`.
pub fn resolve(parsed: &mut [Parsed], overrides: &[(String, String)]) {
    for p in parsed.iter_mut() {
        let Parsed::Yaml(doc) = p else { continue };
        let defaults: HashMap<String, Node> = doc
            .get("Parameters")
            .map(Node::entries)
            .unwrap_or(&[])
            .iter()
            .filter_map(|e| {
                if let Some((_, v)) = overrides.iter().find(|(k, _)| *k == e.key) {
                    return Some((
                        e.key.clone(),
                        Node::new(e.key_span.clone(), Kind::Str(v.clone())),
                    ));
                }
                let d = e.value.get("Default")?;
                matches!(d.kind, Kind::Str(_) | Kind::Num(_) | Kind::Bool(_))
                    .then(|| (e.key.clone(), d.clone()))
            })
            .collect();
        let mappings = doc.get("Mappings").cloned();
        if defaults.is_empty() && mappings.is_none() {
            continue;
        }
        let conditions: HashMap<String, bool> = doc
            .get("Conditions")
            .map(Node::entries)
            .unwrap_or(&[])
            .iter()
            .filter_map(|e| Some((e.key.clone(), condition(&e.value, doc, &defaults, 0)?)))
            .collect();
        if let Kind::Map(entries) = &mut doc.kind {
            for e in entries
                .iter_mut()
                .filter(|e| e.key != "Parameters" && e.key != "Conditions")
            {
                choose(&mut e.value, &conditions);
                drop_no_value(&mut e.value);
                if let Some(m) = &mappings {
                    per_environment(&mut e.value, m, &defaults);
                }
                substitute(&mut e.value, &defaults);
            }
        }
    }
}

/// The parameters a deploy chooses an environment by, with the
/// environments' names: one read as `!FindInMap [Map, !Ref P, Key]` (the
/// names: the mapping's keys, within its AllowedValues when it has them), or
/// compared in a condition (`!Equals [!Ref P, dev]`) and given AllowedValues.
pub fn selectors(parsed: &[Parsed]) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for p in parsed {
        let Parsed::Yaml(doc) = p else { continue };
        let Some(params) = doc.get("Parameters") else {
            continue;
        };
        let allowed = |name: &str| -> Vec<String> {
            params
                .get(name)
                .and_then(|p| p.get("AllowedValues"))
                .map(|a| {
                    a.items()
                        .iter()
                        .filter_map(Node::text)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut found: Vec<(String, Vec<String>)> = Vec::new();
        let mappings = doc.get("Mappings");
        walk(doc, &mut |n| {
            if let Some(("Fn::FindInMap", a)) = n.intrinsic()
                && let [map, top, _] = a.items()
                && let (Some(map), Some(("Ref", r))) = (map.text(), top.intrinsic())
                && let Some(param) = r.text().filter(|p| params.get(p).is_some())
                && let Some(table) = mappings.and_then(|m| m.get(map))
            {
                let allow = allowed(param);
                let names: Vec<String> = table
                    .entries()
                    .iter()
                    .map(|e| e.key.clone())
                    .filter(|k| allow.is_empty() || allow.contains(k))
                    .collect();
                found.push((param.to_string(), names));
            }
            if let Some(("Fn::Equals", a)) = n.intrinsic() {
                for side in a.items() {
                    if let Some(("Ref", r)) = side.intrinsic()
                        && let Some(param) = r.text().filter(|p| params.get(p).is_some())
                    {
                        found.push((param.to_string(), allowed(param)));
                    }
                }
            }
        });
        for (param, names) in found {
            if names.len() > 1 && !out.iter().any(|(p, _)| *p == param) {
                out.push((param, names));
            }
        }
    }
    out
}

fn walk(n: &Node, f: &mut impl FnMut(&Node)) {
    f(n);
    match &n.kind {
        Kind::List(items) => items.iter().for_each(|i| walk(i, f)),
        Kind::Map(entries) => entries.iter().for_each(|e| walk(&e.value, f)),
        Kind::Intrinsic(_, a) => walk(a, f),
        _ => {}
    }
}

/// `!FindInMap [Map, !Ref Stage, Key]` over a mapping whose every top-level
/// key holds `Key`: a value chosen per environment (crate::audit::choice),
/// the parameter's default (when it is one of the keys) the one taken. A
/// `!Sub` around it (`!Sub ["'${O}'", {O: !FindInMap [...]}]`) is left alone.
fn per_environment(node: &mut Node, mappings: &Node, defaults: &HashMap<String, Node>) {
    if let Some(("Fn::FindInMap", a)) = node.intrinsic()
        && let [map, top, key] = a.items()
        && let (Some(map), Some(("Ref", p)), Some(key)) = (map.text(), top.intrinsic(), key.text())
        && let Some(table) = mappings.get(map)
    {
        let options: Option<Vec<(String, Node)>> = table
            .entries()
            .iter()
            .map(|e| Some((e.key.clone(), e.value.get(key)?.clone())))
            .collect();
        if let Some(options) = options.filter(|o| !o.is_empty()) {
            let default = p.text().and_then(|p| defaults.get(p)).and_then(Node::text);
            *node = super::choice::node(node.span.clone(), default, options);
            return;
        }
    }
    match &mut node.kind {
        Kind::List(items) => items
            .iter_mut()
            .for_each(|n| per_environment(n, mappings, defaults)),
        Kind::Map(entries) => entries
            .iter_mut()
            .for_each(|Entry { value, .. }| per_environment(value, mappings, defaults)),
        _ => {}
    }
}

/// A condition's value under the parameters' defaults, when they decide it.
fn condition(n: &Node, doc: &Node, defaults: &HashMap<String, Node>, depth: u8) -> Option<bool> {
    if depth > 8 {
        return None;
    }
    let side = |x: &Node| -> Option<String> {
        match x.intrinsic() {
            Some(("Ref", a)) => defaults.get(a.text()?)?.text().map(str::to_string),
            Some(_) => None,
            None => x.text().map(str::to_string),
        }
    };
    let all = |a: &Node| -> Option<Vec<bool>> {
        a.items()
            .iter()
            .map(|c| condition(c, doc, defaults, depth + 1))
            .collect()
    };
    if let Some(name) = n.get("Condition").and_then(Node::text) {
        let c = doc.at(&["Conditions", name])?;
        return condition(c, doc, defaults, depth + 1);
    }
    match n.intrinsic()? {
        ("Fn::Equals", a) => match a.items() {
            [x, y] => Some(side(x)? == side(y)?),
            _ => None,
        },
        ("Fn::Not", a) => Some(!condition(a.items().first()?, doc, defaults, depth + 1)?),
        ("Fn::And", a) => Some(all(a)?.iter().all(|b| *b)),
        ("Fn::Or", a) => Some(all(a)?.iter().any(|b| *b)),
        _ => None,
    }
}

/// `!Ref AWS::NoValue` (what a `Fn::If` branch gives to leave a property
/// out) removed with its key or list item, as CloudFormation removes it.
fn drop_no_value(node: &mut Node) {
    let none =
        |n: &Node| matches!(n.intrinsic(), Some(("Ref", a)) if a.text() == Some("AWS::NoValue"));
    match &mut node.kind {
        Kind::List(items) => {
            items.retain(|n| !none(n));
            items.iter_mut().for_each(drop_no_value);
        }
        Kind::Map(entries) => {
            entries.retain(|e| !none(&e.value));
            entries.iter_mut().for_each(|e| drop_no_value(&mut e.value));
        }
        Kind::Intrinsic(_, a) => drop_no_value(a),
        _ => {}
    }
}

/// Every `Fn::If` whose condition is known, replaced by its branch.
fn choose(node: &mut Node, conditions: &HashMap<String, bool>) {
    if let Some(("Fn::If", a)) = node.intrinsic()
        && let [c, yes, no] = a.items()
        && let Some(v) = c.text().and_then(|c| conditions.get(c))
    {
        let branch = if *v { yes.clone() } else { no.clone() };
        node.kind = branch.kind;
        choose(node, conditions);
        return;
    }
    match &mut node.kind {
        Kind::List(items) => items.iter_mut().for_each(|n| choose(n, conditions)),
        Kind::Map(entries) => entries
            .iter_mut()
            .for_each(|Entry { value, .. }| choose(value, conditions)),
        Kind::Intrinsic(_, a) => choose(a, conditions),
        _ => {}
    }
}

fn substitute(node: &mut Node, defaults: &HashMap<String, Node>) {
    let resolved = match node.intrinsic() {
        Some(("Ref", a)) => a
            .text()
            .and_then(|n| defaults.get(n))
            .map(|d| d.kind.clone()),
        Some(("Fn::Sub", a)) => a.text().and_then(|t| sub(t, defaults)).map(Kind::Str),
        _ => None,
    };
    if let Some(kind) = resolved {
        node.kind = kind;
        return;
    }
    match &mut node.kind {
        Kind::List(items) => items.iter_mut().for_each(|n| substitute(n, defaults)),
        Kind::Map(entries) => entries
            .iter_mut()
            .for_each(|Entry { value, .. }| substitute(value, defaults)),
        Kind::Intrinsic(_, a) => substitute(a, defaults),
        _ => {}
    }
}

/// A `!Sub` string with every `${Name}` a parameter with a default; `${!x}`
/// (a literal `${x}`) or any other reference leaves it as it is.
fn sub(t: &str, defaults: &HashMap<String, Node>) -> Option<String> {
    let mut out = String::new();
    let mut rest = t;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}')?;
        out.push_str(defaults.get(after[..end].trim())?.text()?);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_replace_refs_and_subs() {
        let text = r#"
Parameters:
  Origin:
    Type: String
    Default: https://app.example.com
  Unknown:
    Type: String
  Stage:
    Type: String
    Default: dev
Resources:
  X:
    Properties:
      A: !Ref Origin
      B: !Sub "'${Origin}'"
      C: !Sub "'${Unknown}'"
      D: !Ref Unknown
      E: !If [IsProd, "'https://app.example.com'", "'*'"]
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
"#;
        let mut parsed = vec![Parsed::Yaml(crate::audit::yaml::parse(text).unwrap())];
        resolve(&mut parsed, &[]);
        let Parsed::Yaml(doc) = &parsed[0] else {
            unreachable!()
        };
        let p = doc.at(&["Resources", "X", "Properties"]).unwrap();
        assert_eq!(
            p.get("A").and_then(Node::text),
            Some("https://app.example.com")
        );
        assert_eq!(
            p.get("B").and_then(Node::text),
            Some("'https://app.example.com'")
        );
        assert!(
            p.get("C").unwrap().intrinsic().is_some(),
            "no default: stays"
        );
        assert!(
            p.get("D").unwrap().intrinsic().is_some(),
            "no default: stays"
        );
        assert_eq!(
            p.get("E").and_then(Node::text),
            Some("'*'"),
            "Stage defaults to dev"
        );
    }
}
