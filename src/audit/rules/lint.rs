//! Lint's own rules on one value found in IaC: a one-line policy is built
//! around it and run through [`crate::check`], so audit and lint cannot
//! disagree about an origin, a Max-Age or an Allow-Headers wildcard.

use crate::audit::model::ApiKind;
use crate::diagnostic::{Diagnostic, SourceFile};

/// Every finding lint raises on a policy whose `[cors]` holds `line` (and an
/// origin, unless `line` sets the origins).
pub(super) fn verdict(kind: ApiKind, line: &str) -> Vec<Diagnostic> {
    let ty = if kind == ApiKind::Rest {
        "rest"
    } else {
        "http"
    };
    let origins = if line.starts_with("allow_origins") {
        ""
    } else {
        "allow_origins = [\"https://app.example.com\"]\n"
    };
    let text = format!(
        "version = 1\n[api]\nname = \"audit\"\ntype = \"{ty}\"\n[cors]\n{origins}{line}\n[[routes]]\npath = \"/\"\nmethods = [\"GET\"]\n"
    );
    crate::check(&SourceFile::new("audit", text)).1
}
