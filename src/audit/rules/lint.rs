//! Lint's own rules on one value found in IaC: a one-line policy is built
//! around it and run through [`crate::check`], so audit and lint cannot
//! disagree about an origin, a Max-Age or an Allow-Headers wildcard.
//!
//! Loading a policy from TOML costs far more than the rest of a response's
//! checks, and an API written resource by resource repeats the same few
//! values on every path (issue 28: 4,000 verdicts at 1,000 routes). So each
//! distinct line is judged once per API: [`judged_once`] keeps the verdicts
//! while one API is judged, and forgets them after, so memory stays bounded
//! by the values of one API.

use crate::audit::model::ApiKind;
use crate::diagnostic::{Diagnostic, SourceFile};
use std::cell::RefCell;
use std::collections::HashMap;

type Memo = HashMap<(bool, String), Vec<Diagnostic>>;

thread_local! {
    /// The verdicts of the API being judged, `None` outside [`judged_once`].
    static MEMO: RefCell<Option<Memo>> = const { RefCell::new(None) };
}

/// Run `judge` with each distinct verdict computed once; verdicts are a
/// pure function of their line, so sharing them changes no finding.
pub(super) fn judged_once<T>(judge: impl FnOnce() -> T) -> T {
    let outer = MEMO.with(|m| m.replace(Some(Memo::new())));
    let out = judge();
    MEMO.with(|m| *m.borrow_mut() = outer);
    out
}

/// Every finding lint raises on a policy whose `[cors]` holds `line` (and an
/// origin, unless `line` sets the origins).
pub(super) fn verdict(kind: ApiKind, line: &str) -> Vec<Diagnostic> {
    let key = (kind == ApiKind::Rest, line.to_string());
    if let Some(known) = MEMO.with(|m| m.borrow().as_ref().and_then(|m| m.get(&key).cloned())) {
        return known;
    }
    let found = compute(kind, line);
    MEMO.with(|m| {
        if let Some(m) = m.borrow_mut().as_mut() {
            m.insert(key, found.clone());
        }
    });
    found
}

fn compute(kind: ApiKind, line: &str) -> Vec<Diagnostic> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_verdict_is_the_verdict() {
        let line = "max_age = 100000";
        let alone = verdict(ApiKind::Http, line);
        assert!(!alone.is_empty(), "over HTTP APIs' range");
        let (first, again, rest) = judged_once(|| {
            (
                verdict(ApiKind::Http, line),
                verdict(ApiKind::Http, line),
                verdict(ApiKind::Rest, line),
            )
        });
        assert_eq!(first, alone);
        assert_eq!(again, alone);
        assert_eq!(
            rest,
            compute(ApiKind::Rest, line),
            "the API kind is in the key"
        );
        assert!(
            MEMO.with(|m| m.borrow().is_none()),
            "forgotten after the API"
        );
    }
}
