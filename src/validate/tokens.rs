//! Header names and methods. Both are HTTP tokens (RFC 9110 section 5.6.2).
//! Header names are case-insensitive: they are lower-cased, kept in the user's
//! order, and de-duplicated with a warning. Methods are upper-cased and must be
//! ones API Gateway routes.

use super::Findings;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::METHODS;
use crate::policy::Sp;
use crate::suggest::did_you_mean;

pub fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}

/// `allow_headers` / `expose_headers`: lower-cased, de-duplicated; `*` kept.
pub fn headers(list: &Sp<Vec<Sp<String>>>, key: &str, f: &mut Findings) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for h in list.iter() {
        if h.as_str() != "*" && !is_token(h) {
            f.push(
                Diagnostic::new(Code::InvalidHeader, format!("\"{}\" in {key} is not a valid header name", h.as_str()), h.span())
                    .label("not an HTTP token")
                    .help("header names are letters, digits and !#$%&'*+-.^_`|~, with no spaces or colons"),
            );
            continue;
        }
        let lower = h.to_ascii_lowercase();
        if out.contains(&lower) {
            f.push(duplicate(h, key, &lower));
            continue;
        }
        out.push(lower);
    }
    out
}

/// `[cors] allow_methods`: upper-cased, de-duplicated; `*` kept.
pub fn cors_methods(list: &Sp<Vec<Sp<String>>>, f: &mut Findings) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in list.iter() {
        let upper = m.to_ascii_uppercase();
        if upper == "ANY" {
            f.push(
                Diagnostic::new(
                    Code::InvalidMethod,
                    "`ANY` is a route wildcard, not a method a browser sends",
                    m.span(),
                )
                .label("not a CORS method")
                .help("list the methods, or use \"*\" (without credentials)"),
            );
            continue;
        }
        if upper != "*" && !check_method(m, &upper, "allow_methods", f) {
            continue;
        }
        if out.contains(&upper) {
            f.push(duplicate(m, "allow_methods", &upper));
            continue;
        }
        out.push(upper);
    }
    out
}

/// A route's `methods`: upper-cased, de-duplicated; `ANY` must stand alone.
pub fn route_methods(list: &Sp<Vec<Sp<String>>>, f: &mut Findings) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in list.iter() {
        let upper = m.to_ascii_uppercase();
        if upper != "ANY" && !check_method(m, &upper, "methods", f) {
            continue;
        }
        if out.contains(&upper) {
            f.push(duplicate(m, "methods", &upper));
            continue;
        }
        out.push(upper);
    }
    if out.len() > 1 && out.iter().any(|m| m == "ANY") {
        let any = list
            .iter()
            .find(|m| m.eq_ignore_ascii_case("ANY"))
            .expect("ANY came from the list");
        f.push(
            Diagnostic::new(
                Code::InvalidMethod,
                "`ANY` already covers every method",
                any.span(),
            )
            .label("ANY with other methods")
            .help("use [\"ANY\"] alone, or list the methods without ANY"),
        );
        out.retain(|m| m == "ANY");
    }
    out
}

fn check_method(m: &Sp<String>, upper: &str, key: &str, f: &mut Findings) -> bool {
    if METHODS.contains(&upper) {
        return true;
    }
    let mut d = Diagnostic::new(
        Code::InvalidMethod,
        format!(
            "\"{}\" in {key} is not a method API Gateway routes",
            m.as_str()
        ),
        m.span(),
    )
    .label("unknown method");
    let mut choices: Vec<&str> = METHODS.to_vec();
    if key == "methods" {
        choices.push("ANY");
    }
    d = match did_you_mean(upper, choices.iter().copied()) {
        Some(s) => d.help(format!("did you mean \"{s}\"?")),
        None => d.help(format!("use one of {}", choices.join(", "))),
    };
    f.push(d);
    false
}

fn duplicate(item: &Sp<String>, key: &str, normal: &str) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateHeader,
        format!(
            "\"{}\" appears twice in {key} (as \"{normal}\")",
            item.as_str()
        ),
        item.span(),
    )
    .label("duplicate; names are case-insensitive")
    .help("remove this entry; corsform keeps the first")
}
