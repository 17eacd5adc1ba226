//! CloudFormation and SAM parameters a template states itself, put in place
//! of the references to them before anything is judged or imported (issue
//! 26), as tf_values does for Terraform: a parameter's literal `Default`
//! stands in for `!Ref Name`, and a `!Sub` string whose every `${Name}` has
//! one becomes that string. Without a default the reference stays an
//! intrinsic: audit judges its literal part, import writes a placeholder.

use super::doc::{Entry, Kind, Node};
use super::recognise::Parsed;
use std::collections::HashMap;

pub fn resolve(parsed: &mut [Parsed]) {
    for p in parsed.iter_mut() {
        let Parsed::Yaml(doc) = p else { continue };
        let defaults: HashMap<String, Node> = doc
            .get("Parameters")
            .map(Node::entries)
            .unwrap_or(&[])
            .iter()
            .filter_map(|e| {
                let d = e.value.get("Default")?;
                matches!(d.kind, Kind::Str(_) | Kind::Num(_) | Kind::Bool(_))
                    .then(|| (e.key.clone(), d.clone()))
            })
            .collect();
        if defaults.is_empty() {
            continue;
        }
        if let Kind::Map(entries) = &mut doc.kind {
            for e in entries.iter_mut().filter(|e| e.key != "Parameters") {
                substitute(&mut e.value, &defaults);
            }
        }
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
Resources:
  X:
    Properties:
      A: !Ref Origin
      B: !Sub "'${Origin}'"
      C: !Sub "'${Unknown}'"
      D: !Ref Unknown
"#;
        let mut parsed = vec![Parsed::Yaml(crate::audit::yaml::parse(text).unwrap())];
        resolve(&mut parsed);
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
    }
}
