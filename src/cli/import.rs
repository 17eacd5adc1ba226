//! `corsform import PATH... [--api NAME]`: print the policy that describes
//! what the files deploy ([`crate::import`]).

use super::args::ImportArgs;
use super::{CliError, Outcome};

pub fn run(args: ImportArgs) -> Result<Outcome, CliError> {
    let collected = super::audit::collect(&args.paths)?;
    // A file that cannot be read is named and left out; the others are imported.
    for (file, d) in &collected.unreadable {
        eprintln!(
            "warning: {}: {}; left out of the import",
            file.name, d.message
        );
    }
    match crate::import::import(&collected.files, args.api.as_deref()) {
        Ok(policy) => {
            print!("{policy}");
            Ok(Outcome::Success)
        }
        Err(e) => Err(CliError::Usage(e)),
    }
}
