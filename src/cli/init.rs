//! `corsform init`: a commented starter policy (it lints clean; tests check).

use super::args::{ApiKind, InitArgs};
use super::write::write_atomic;
use super::{CliError, Outcome};

pub const HTTP_STARTER: &str = include_str!("../../templates/init/http.toml");
pub const REST_STARTER: &str = include_str!("../../templates/init/rest.toml");

pub fn run(args: InitArgs) -> Result<Outcome, CliError> {
    if args.file.exists() {
        return Err(CliError::Exists { path: args.file });
    }
    let text = match args.api_type {
        ApiKind::Http => HTTP_STARTER,
        ApiKind::Rest => REST_STARTER,
    };
    write_atomic(&args.file, text)?;
    eprintln!("wrote {}; next: corsform lint {0}", args.file.display());
    Ok(Outcome::Success)
}
