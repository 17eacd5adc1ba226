//! `corsform import PATH... [--api NAME]`: print the policy that describes
//! what the files deploy ([`crate::import`]).

use super::args::ImportArgs;
use super::{CliError, Outcome};

pub fn run(args: ImportArgs) -> Result<Outcome, CliError> {
    let files = super::audit::collect(&args.paths)?;
    match crate::import::import(&files, args.api.as_deref()) {
        Ok(policy) => {
            print!("{policy}");
            Ok(Outcome::Success)
        }
        Err(e) => Err(CliError::Usage(e)),
    }
}
