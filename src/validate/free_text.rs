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

/// Characters XML 1.0 cannot carry (its `Char` production): C0 controls
/// other than tab, line feed and carriage return, and U+FFFE/U+FFFF.
/// CloudFormation's API answers in XML with the template's Description in it
/// (ValidateTemplate, DescribeStacks); LocalStack's answer with one of these
/// was unreadable XML, so a stack with such a description cannot be managed.
fn xml_forbids(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

pub fn check(raw: &RawPolicy, f: &mut Findings) {
    let Some(d) = raw.api.as_ref().and_then(|a| a.description.as_ref()) else {
        return;
    };
    if let Some(c) = d.get().chars().find(|c| xml_forbids(*c)) {
        f.push(
            Diagnostic::new(
                Code::DescriptionNotXmlText,
                format!(
                    "api.description holds U+{:04X}, which XML cannot carry: CloudFormation returns the description in XML",
                    c as u32
                ),
                d.span(),
            )
            .label("not XML text")
            .help("remove control characters and U+FFFE/U+FFFF from the description"),
        );
    }
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
