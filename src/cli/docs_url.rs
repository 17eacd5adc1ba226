//! The book's base URL for SARIF `helpUri` (issue 30): `--docs-url`, else
//! `$CORSFORM_DOCS_URL`, else none. corsform has no web address of its own to
//! default to, so without one SARIF links nothing (it carries each rule's
//! explanation instead); a team that publishes the book, or mirrors it, says
//! where.

use super::CliError;
use crate::diagnostic::render::DOCS_URL_ENV;

/// The base URL to link rule pages under, checked: an absolute http(s) URL
/// without spaces, since code-scanning UIs make it a link as it is.
pub fn resolve(flag: Option<&str>) -> Result<Option<String>, CliError> {
    let from_env = std::env::var(DOCS_URL_ENV).ok();
    let (value, source) = match (flag, from_env.as_deref()) {
        (Some(v), _) => (v, "--docs-url"),
        (None, Some(v)) if !v.trim().is_empty() => (v, DOCS_URL_ENV),
        _ => return Ok(None),
    };
    let ok = (value.starts_with("https://") || value.starts_with("http://"))
        && value.len() > "https://".len()
        && !value.chars().any(|c| c.is_whitespace() || c.is_control());
    if !ok {
        return Err(CliError::Usage(format!(
            "{source} must be an http:// or https:// URL (the book's base, such as https://docs.example.org/corsform), not `{value}`"
        )));
    }
    Ok(Some(value.trim_end_matches('/').to_string()))
}
