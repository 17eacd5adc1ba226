//! Keys whose value is one of a fixed set of words (`type`, `integration`,
//! `authorization`, `owner`, `origin`): parsed here, with "did you mean".

use super::Findings;
use crate::diagnostic::{Code, Diagnostic};
use crate::policy::Sp;
use crate::suggest::did_you_mean;

pub fn parse<T: Copy>(
    value: &Sp<String>,
    key: &str,
    choices: &[(&str, T)],
    f: &mut Findings,
) -> Option<T> {
    if let Some((_, v)) = choices.iter().find(|(name, _)| *name == value.as_str()) {
        return Some(*v);
    }
    let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
    let list = names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let help = match did_you_mean(value, names.iter().copied()) {
        Some(s) => format!("did you mean \"{s}\"? {key} is one of {list}"),
        None => format!("{key} is one of {list}"),
    };
    f.push(
        Diagnostic::new(
            Code::InvalidValue,
            format!("`{key}` cannot be \"{}\"", value.as_str()),
            value.span(),
        )
        .label("not an allowed value")
        .help(help),
    );
    None
}
