//! Free text that lands in generated files: `api.description`. Every character
//! is escaped for the language it lands in (render::filters), so what is left
//! to refuse is what the services themselves refuse: a CloudFormation template
//! description is at most 1,024 bytes (CloudFormation user guide, "Understand
//! CloudFormation quotas": Template description, 1,024 bytes), and the
//! description is the template's Description in the SAM and CloudFormation
//! targets.

use super::Findings;
use crate::diagnostic::{Code, Diagnostic};
use crate::policy::raw::RawPolicy;

/// CloudFormation's limit on a template's Description, in bytes.
pub const MAX_DESCRIPTION_BYTES: usize = 1024;

pub fn check(raw: &RawPolicy, f: &mut Findings) {
    let Some(d) = raw.api.as_ref().and_then(|a| a.description.as_ref()) else {
        return;
    };
    let len = d.get().len();
    if len > MAX_DESCRIPTION_BYTES {
        f.push(
            Diagnostic::new(
                Code::DescriptionTooLong,
                format!("api.description is {len} bytes; CloudFormation accepts at most {MAX_DESCRIPTION_BYTES}"),
                d.span(),
            )
            .label("too long for a template Description")
            .help(format!("shorten the description to {MAX_DESCRIPTION_BYTES} bytes (UTF-8) or fewer")),
        );
    }
}
