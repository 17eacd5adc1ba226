//! Diagnostics as data: a [`Code`] (which fixes the severity and the rule's name),
//! a message, the byte span in the policy file it points at, and a `help` line
//! saying what to change. Nothing here prints; [`render`] owns every output format,
//! so the human, JSON and SARIF views carry exactly the same findings.

pub mod codes;
pub mod render;
pub mod source;

pub use codes::{Code, Severity};
pub use source::SourceFile;

/// The message of a missing required key (CF0004). One function, because
/// loading uses it too: a misspelt required key is reported once, as the typo
/// (see [`crate::policy::keys`]), not also as the key it stands for.
pub fn missing_key_message(key: &str, table: &str) -> String {
    format!("missing required key `{key}` in {table}")
}

use std::ops::Range;

/// One finding about one policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub message: String,
    /// Byte range in the policy source; `None` only when the finding is about the
    /// file as a whole (it is then shown at 1:1).
    pub span: Option<Range<usize>>,
    /// The label under the underlined span.
    pub label: Option<String>,
    /// What to change, one sentence.
    pub help: Option<String>,
    /// A finding whose harm needs a condition the file does not meet (audit:
    /// CONVERT_TO_TEXT without binary media types) is shown as a note, whatever
    /// its code's severity.
    pub note_only: bool,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>, span: Range<usize>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            span: Some(span),
            label: None,
            help: None,
            note_only: false,
        }
    }

    pub fn whole_file(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            span: None,
            label: None,
            help: None,
            note_only: false,
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Shown as a note whatever the code's severity (see `note_only`).
    pub fn as_note(mut self) -> Self {
        self.note_only = true;
        self
    }

    pub fn severity(&self) -> Severity {
        if self.note_only {
            Severity::Note
        } else {
            self.code.severity()
        }
    }
}

/// Counts by severity, for summaries and exit codes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Tally {
    pub fn of<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>) -> Tally {
        let mut t = Tally::default();
        for d in diags {
            match d.severity() {
                Severity::Error => t.errors += 1,
                Severity::Warning => t.warnings += 1,
                Severity::Note => t.notes += 1,
            }
        }
        t
    }
}

/// True when any diagnostic is an error: such a policy builds nothing.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity() == Severity::Error)
}

/// True when a diagnostic means the file could not even be read as a policy
/// (TOML syntax or a value of the wrong type): exit code 2, not 1.
pub fn has_parse_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.code.is_parse_error())
}
