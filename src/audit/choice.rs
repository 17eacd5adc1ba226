//! A value the files choose per environment (issue 26): a CloudFormation
//! `!FindInMap [Origins, !Ref Stage, Origin]`, a Terraform
//! `lookup(var.origins, terraform.workspace)` or `var.origins[var.stage]`
//! over a map the files state. The resolvers (cfn_values, tf_values) put a
//! choice node in its place: every environment's value, and the one a deploy
//! with the defaults takes. audit judges that one; import writes the others
//! as `[environments]`.

use super::doc::{Entry, Kind, Node};
use std::ops::Range;

/// The intrinsic name a choice node carries (no template language has it).
const CHOICE: &str = "corsform::Choice";

/// A choice among `options` (environment, value), `default` the one taken.
pub fn node(span: Range<usize>, default: Option<&str>, options: Vec<(String, Node)>) -> Node {
    let entries = options
        .into_iter()
        .map(|(key, mut value)| {
            value.span = span.clone();
            Entry {
                key,
                key_span: span.clone(),
                value,
            }
        })
        .collect();
    let arg = Node::new(
        span.clone(),
        Kind::List(vec![
            Node::new(span.clone(), Kind::Str(default.unwrap_or("").to_string())),
            Node::new(span.clone(), Kind::Map(entries)),
        ]),
    );
    Node::new(span, Kind::Intrinsic(CHOICE.into(), Box::new(arg)))
}

/// A choice node, read.
pub struct Choice<'a> {
    /// The value a deploy with the defaults takes, when the defaults decide.
    pub taken: Option<&'a Node>,
    /// Each environment's value.
    pub options: Vec<(&'a str, &'a Node)>,
}

/// The choice `n` is, if it is one.
pub fn read(n: &Node) -> Option<Choice<'_>> {
    let Kind::Intrinsic(name, arg) = &n.kind else {
        return None;
    };
    if name != CHOICE {
        return None;
    }
    let [default, options] = arg.items() else {
        return None;
    };
    let options: Vec<(&str, &Node)> = options
        .entries()
        .iter()
        .map(|e| (e.key.as_str(), &e.value))
        .collect();
    let taken = default
        .text()
        .filter(|d| !d.is_empty())
        .and_then(|d| options.iter().find(|(k, _)| *k == d).map(|(_, v)| *v));
    Some(Choice { taken, options })
}

/// Every choice in `n` replaced by the value taken, where the deploy decides
/// it: one environment's view of the files (import's `[environments]`).
pub fn collapse(n: &mut Node) {
    if let Some(taken) = read(n).and_then(|c| c.taken).cloned() {
        n.kind = taken.kind;
    }
    match &mut n.kind {
        Kind::List(items) => items.iter_mut().for_each(collapse),
        Kind::Map(entries) => entries.iter_mut().for_each(|e| collapse(&mut e.value)),
        Kind::Intrinsic(_, a) => collapse(a),
        _ => {}
    }
}
