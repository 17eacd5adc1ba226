//! `corsform init`: a commented starter policy (it lints clean; tests check).

use super::args::{ApiKind, InitArgs};
use super::write::write_atomic;
use super::{CliError, Outcome};

pub const HTTP_STARTER: &str = include_str!("../../templates/init/http.toml");
pub const REST_STARTER: &str = include_str!("../../templates/init/rest.toml");

pub fn run(args: InitArgs, quiet: bool) -> Result<Outcome, CliError> {
    if args.file.exists() {
        return Err(CliError::Exists { path: args.file });
    }
    let text = match args.api_type {
        ApiKind::Http => HTTP_STARTER,
        ApiKind::Rest => REST_STARTER,
    };
    write_atomic(&args.file, text)?;
    if !quiet {
        let next = if args.file == std::path::Path::new(super::policy_path::DEFAULT_POLICY) {
            "corsform lint".to_string()
        } else {
            format!("corsform lint {}", args.file.display())
        };
        errln!("wrote {}; next: {next}", args.file.display());
    }
    Ok(Outcome::Success)
}
