//! What a preflight allows against what the page must send: the methods of
//! the path (CF0206 method-not-allowed) and the headers its authorization
//! reads (CF0918 request-header-not-allowed). Fetch standard, "CORS-preflight
//! fetch": a method outside Access-Control-Allow-Methods that is not
//! CORS-safelisted (GET, HEAD, POST) fails, and so does a request header
//! outside Access-Control-Allow-Headers that is not safelisted; `*` is a
//! wildcard only without credentials and never covers Authorization
//! (CORS-FACTS, browsers).

use super::*;

/// One preflight's allow lists as the file states them: `None` when the
/// value is computed (a reference, a template), so nothing can be judged.
pub(super) struct Allowed<'a> {
    pub methods: Option<Vec<String>>,
    pub headers: Option<Vec<String>>,
    pub credentials: bool,
    /// Where the methods and headers are written (or the preflight, when absent).
    pub methods_at: &'a Loc,
    pub headers_at: &'a Loc,
    /// How to say the fix in the file's own terms.
    pub methods_key: &'a str,
    pub headers_key: &'a str,
}

/// A list of values, `None` when any is computed.
pub(super) fn literal_list(vs: &[Value]) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for v in vs {
        out.extend(split_list(unquoted(v.text.as_deref()?)));
    }
    Some(out)
}

const SAFELISTED_METHODS: &[&str] = &["GET", "HEAD", "POST"];

/// Check the methods (`path`, `method`) and the headers each needs against `allowed`.
pub(super) fn check(
    allowed: &Allowed,
    needs: &[(String, String, Vec<String>)],
    out: &mut Vec<Finding>,
) {
    let wildcard = |list: &[String]| !allowed.credentials && list.iter().any(|x| x == "*");
    if let Some(methods) = &allowed.methods {
        let mut missing: Vec<String> = Vec::new();
        for (_, m, _) in needs {
            // A method the files compute (`?`) is not judged.
            let known = !m.is_empty() && m.chars().all(|c| c.is_ascii_alphabetic());
            let blocked = known
                && !SAFELISTED_METHODS.contains(&m.as_str())
                && m != "ANY"
                && m != "OPTIONS"
                && !wildcard(methods)
                && !methods.iter().any(|x| x.eq_ignore_ascii_case(m));
            if blocked && !missing.contains(m) {
                missing.push(m.clone());
            }
        }
        if !missing.is_empty() {
            let paths: Vec<&str> = needs
                .iter()
                .filter(|(_, m, _)| missing.contains(m))
                .map(|(p, _, _)| p.as_str())
                .collect();
            out.push(at(
                Code::MethodNotAllowed,
                allowed.methods_at,
                format!(
                    "the preflight allows {} but not {} ({}): the browser blocks those requests before they are sent",
                    if methods.is_empty() { "no method".to_string() } else { methods.join(", ") },
                    missing.join(", "),
                    dedup(paths).join(", "),
                ),
                format!("add {} to {}", missing.join(", "), allowed.methods_key),
            ));
        }
    }
    if let Some(headers) = &allowed.headers {
        let mut missing: Vec<String> = Vec::new();
        for (_, _, hs) in needs {
            for h in hs {
                let covered = headers.iter().any(|x| x.eq_ignore_ascii_case(h))
                    || (wildcard(headers) && !h.eq_ignore_ascii_case("authorization"));
                if !covered && !missing.iter().any(|x| x.eq_ignore_ascii_case(h)) {
                    missing.push(h.clone());
                }
            }
        }
        if !missing.is_empty() {
            let paths: Vec<&str> = needs
                .iter()
                .filter(|(_, _, hs)| hs.iter().any(|h| missing.contains(h)))
                .map(|(p, _, _)| p.as_str())
                .collect();
            out.push(at(
                Code::RequestHeaderNotAllowed,
                allowed.headers_at,
                format!(
                    "the page must send {} to pass the authorization of {}, but the preflight's Allow-Headers {}: the browser blocks every such request",
                    missing.join(", "),
                    dedup(paths).join(", "),
                    if headers.is_empty() {
                        "is missing".to_string()
                    } else {
                        format!("lists only {}", headers.join(", "))
                    },
                ),
                format!("add {} to {}", missing.join(", "), allowed.headers_key),
            ));
        }
    }
}

fn dedup(v: Vec<&str>) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for x in v {
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}
