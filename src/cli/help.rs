//! `corsform help [TOPIC]` and `corsform rules [CODE]`. clap's own `help`
//! command only knows commands; ours also explains rules (`help CF0903`, as
//! `rustc --explain E0308` does) and the topics `policy`, `targets` and
//! `rules`. A command name still prints that command's `--help`, word for word.
//! The text itself comes from [`crate::reference`].

use super::{CliError, Outcome};
use crate::diagnostic::Code;
use crate::reference;

/// The topics besides commands and rules.
const TOPICS: &[&str] = &["policy", "targets", "rules"];

pub fn topic(topic: Option<&str>) -> Result<Outcome, CliError> {
    let text = match topic {
        None => reference::commands::long_help(None, None),
        Some("policy") => Some(reference::policy::text()),
        Some("targets") => Some(reference::targets::text()),
        Some("rules") => Some(reference::rules::table()),
        Some(word) => reference::commands::long_help(Some(word), None)
            .or_else(|| Code::lookup(word).map(reference::rules::explain)),
    };
    match text {
        Some(text) => {
            out!("{text}");
            Ok(Outcome::Success)
        }
        None => Err(unknown(topic.unwrap_or_default())),
    }
}

pub fn rules(code: Option<&str>) -> Result<Outcome, CliError> {
    match code {
        None => out!("{}", reference::rules::table()),
        Some(word) => match Code::lookup(word) {
            Some(code) => out!("{}", reference::rules::explain(code)),
            None => return Err(unknown(word)),
        },
    }
    Ok(Outcome::Success)
}

/// The error for a word that is nothing we know, with the closest command,
/// topic, code or rule name.
fn unknown(word: &str) -> CliError {
    let cmd = reference::commands::command(None);
    let commands: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    let candidates = commands
        .iter()
        .map(String::as_str)
        .chain(TOPICS.iter().copied())
        .chain(Code::ALL.iter().flat_map(|c| [c.id(), c.name()]));
    CliError::UnknownTopic {
        topic: word.to_string(),
        suggestion: crate::suggest::did_you_mean(word, candidates).map(|s| {
            // Codes are matched in any case; suggest them as written.
            Code::lookup(s).map_or(s.to_string(), |c| {
                if s == c.id() {
                    c.id().to_string()
                } else {
                    s.to_string()
                }
            })
        }),
    }
}
