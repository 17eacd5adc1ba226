//! The comparison at the heart of `probe`: the CORS headers a deployment sent
//! against the ones the policy says it must send. Pure (two responses in,
//! differences out), so every rule is unit-tested without a network.
//!
//! The rules, each chosen so that a difference means a browser could behave
//! differently, and equal-but-differently-written values are not noise:
//! - Header names are case-insensitive. A header sent several times counts as
//!   its values joined with ", " (what a browser's header list "get" returns),
//!   so two Allow-Origin headers show up as one invalid two-origin value.
//! - Which headers: on a preflight, the ones a browser reads there
//!   (Allow-Origin, -Credentials, -Methods, -Headers, -Max-Age); on actual and
//!   error responses, Allow-Origin, -Credentials and -Expose-Headers (Fetch
//!   reads Expose-Headers only there, and Methods/Headers/Max-Age only on a
//!   preflight). Plus `Vary`, for its `Origin` token only.
//! - Access-Control-Allow-Origin: one value, compared exactly (surrounding
//!   whitespace trimmed): browsers compare it byte for byte with the page's origin.
//! - Access-Control-Allow-Credentials: compared by meaning: a browser accepts
//!   exactly `true`, so a missing header, `false` and `True` all mean "no".
//! - Access-Control-Allow-Headers and -Expose-Headers: comma lists compared as
//!   sets of case-insensitive tokens (header names are case-insensitive; order
//!   and repeats do not matter). `*` is a token like any other.
//! - Access-Control-Allow-Methods: a set of tokens too, but case-sensitive:
//!   Fetch matches the request method byte for byte (`patch` is not `PATCH`).
//! - Access-Control-Max-Age: compared as an integer (`060` is `60`); an
//!   unparsable value is compared as text.
//! - Vary: only whether it holds the `Origin` token (case-insensitive). A
//!   missing `Origin` where the policy varies Allow-Origin is a difference (a
//!   cache could serve one origin's answer to another); an extra one is not.
//! - When neither response has Allow-Origin, the origin is refused either way
//!   and the browser reads no other CORS header: nothing else is compared.

use crate::browser::Response;
use serde::Serialize;

pub const ALLOW_ORIGIN: &str = "Access-Control-Allow-Origin";
pub const ALLOW_CREDENTIALS: &str = "Access-Control-Allow-Credentials";
pub const ALLOW_METHODS: &str = "Access-Control-Allow-Methods";
pub const ALLOW_HEADERS: &str = "Access-Control-Allow-Headers";
pub const MAX_AGE: &str = "Access-Control-Max-Age";
pub const EXPOSE_HEADERS: &str = "Access-Control-Expose-Headers";
pub const VARY: &str = "Vary";

/// One header whose value differs; `None` means the header is absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub header: &'static str,
    pub got: Option<String>,
    pub want: Option<String>,
}

/// Every value of `name`, joined with ", " as a browser reads a repeated header.
pub fn combined(resp: &Response, name: &str) -> Option<String> {
    let values: Vec<&str> = resp
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

fn tokens(value: &str, fold_case: bool) -> Vec<String> {
    let mut out: Vec<String> = value
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            if fold_case {
                t.to_ascii_lowercase()
            } else {
                t.to_string()
            }
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn has_origin_token(value: Option<&str>) -> bool {
    value.is_some_and(|v| {
        v.split(',')
            .any(|t| t.trim().eq_ignore_ascii_case("origin"))
    })
}

/// Whether two values of `header` mean the same to a browser (both present).
fn same(header: &str, got: &str, want: &str) -> bool {
    match header {
        ALLOW_CREDENTIALS => (got == "true") == (want == "true"),
        ALLOW_HEADERS | EXPOSE_HEADERS => tokens(got, true) == tokens(want, true),
        ALLOW_METHODS => tokens(got, false) == tokens(want, false),
        MAX_AGE => match (got.parse::<i64>(), want.parse::<i64>()) {
            (Ok(a), Ok(b)) => a == b,
            _ => got == want,
        },
        _ => got == want,
    }
}

/// The CORS headers compared on a preflight, and on any other response.
pub fn compared_headers(preflight: bool) -> &'static [&'static str] {
    if preflight {
        &[
            ALLOW_ORIGIN,
            ALLOW_CREDENTIALS,
            ALLOW_METHODS,
            ALLOW_HEADERS,
            MAX_AGE,
        ]
    } else {
        &[ALLOW_ORIGIN, ALLOW_CREDENTIALS, EXPOSE_HEADERS]
    }
}

/// Every compared header whose value differs between `got` and `want`.
pub fn differences(preflight: bool, want: &Response, got: &Response) -> Vec<Difference> {
    let got_origin = combined(got, ALLOW_ORIGIN);
    let want_origin = combined(want, ALLOW_ORIGIN);
    if got_origin.is_none() && want_origin.is_none() {
        return vec![];
    }
    let mut out = Vec::new();
    for &header in compared_headers(preflight) {
        let g = combined(got, header);
        let w = combined(want, header);
        let differs = match (&g, &w) {
            (None, None) => false,
            // Credentials: absent means "no", like any value other than `true`.
            (Some(v), None) | (None, Some(v)) if header == ALLOW_CREDENTIALS => v == "true",
            (Some(_), None) | (None, Some(_)) => true,
            (Some(g), Some(w)) => !same(header, g, w),
        };
        if differs {
            out.push(Difference {
                header,
                got: g,
                want: w,
            });
        }
    }
    let want_vary = combined(want, VARY);
    let got_vary = combined(got, VARY);
    if has_origin_token(want_vary.as_deref()) && !has_origin_token(got_vary.as_deref()) {
        out.push(Difference {
            header: VARY,
            got: got_vary,
            want: want_vary,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(h: &[(&str, &str)]) -> Response {
        Response::from_pairs(204, h)
    }

    const WANT: &[(&str, &str)] = &[
        ("Access-Control-Allow-Origin", "https://app.example.com"),
        ("Access-Control-Allow-Methods", "GET,PUT,PATCH"),
        ("Access-Control-Allow-Headers", "content-type,authorization"),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Max-Age", "600"),
        ("Vary", "Origin"),
    ];

    #[test]
    fn equal_meaning_is_not_a_difference() {
        let got = resp(&[
            ("access-control-allow-origin", " https://app.example.com "),
            ("ACCESS-CONTROL-ALLOW-METHODS", "PATCH, GET,PUT, GET"),
            (
                "Access-Control-Allow-Headers",
                "Authorization, Content-Type",
            ),
            ("access-control-allow-credentials", "true"),
            ("access-control-max-age", "0600"),
            ("vary", "Accept-Encoding, origin"),
        ]);
        assert_eq!(differences(true, &resp(WANT), &got), vec![]);
    }

    #[test]
    fn every_differing_header_is_named_with_both_values() {
        let got = resp(&[
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Methods", "GET,PUT,patch"),
            ("Access-Control-Allow-Headers", "content-type"),
            ("Access-Control-Max-Age", "7200"),
        ]);
        let d = differences(true, &resp(WANT), &got);
        let names: Vec<&str> = d.iter().map(|d| d.header).collect();
        assert_eq!(
            names,
            vec![
                ALLOW_ORIGIN,
                ALLOW_CREDENTIALS,
                ALLOW_METHODS,
                ALLOW_HEADERS,
                MAX_AGE,
                VARY
            ],
            "methods are case-sensitive: patch is not PATCH"
        );
        assert_eq!(d[0].got.as_deref(), Some("*"));
        assert_eq!(d[0].want.as_deref(), Some("https://app.example.com"));
        assert_eq!(d[1].got, None);
        assert_eq!(d[5].got, None);
    }

    #[test]
    fn repeated_headers_are_joined_like_a_browser_reads_them() {
        let got = resp(&[
            ("Access-Control-Allow-Origin", "https://app.example.com"),
            ("Access-Control-Allow-Origin", "https://app.example.com"),
        ]);
        let want = resp(&[("Access-Control-Allow-Origin", "https://app.example.com")]);
        let d = differences(false, &want, &got);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].got.as_deref(),
            Some("https://app.example.com, https://app.example.com")
        );
    }

    #[test]
    fn credentials_compare_by_meaning() {
        let origin = ("Access-Control-Allow-Origin", "https://a.example");
        let no = resp(&[origin]);
        let f = resp(&[origin, ("Access-Control-Allow-Credentials", "false")]);
        let cap = resp(&[origin, ("Access-Control-Allow-Credentials", "True")]);
        let yes = resp(&[origin, ("Access-Control-Allow-Credentials", "true")]);
        assert_eq!(differences(false, &no, &f), vec![]);
        assert_eq!(differences(false, &f, &cap), vec![]);
        assert_eq!(differences(false, &yes, &cap).len(), 1);
        assert_eq!(differences(false, &no, &yes).len(), 1);
    }

    #[test]
    fn each_response_kind_compares_the_headers_browsers_read_there() {
        let want = resp(&[
            ("Access-Control-Allow-Origin", "https://a.example"),
            ("Access-Control-Expose-Headers", "ETag, Link"),
        ]);
        let got = resp(&[
            ("Access-Control-Allow-Origin", "https://a.example"),
            ("Access-Control-Allow-Methods", "GET"),
        ]);
        let d = differences(false, &want, &got);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].header, EXPOSE_HEADERS);
        assert_eq!(
            differences(true, &want, &got).len(),
            1,
            "a preflight ignores Expose-Headers but reads Allow-Methods"
        );
        let same_set = resp(&[
            ("Access-Control-Allow-Origin", "https://a.example"),
            ("Access-Control-Expose-Headers", "link,etag"),
        ]);
        assert_eq!(differences(false, &want, &same_set), vec![]);
    }

    #[test]
    fn a_refused_origin_reads_nothing_else_and_extra_vary_is_fine() {
        let want = resp(&[("Vary", "Origin")]);
        let got = resp(&[("Access-Control-Allow-Methods", "GET")]);
        assert_eq!(
            differences(true, &want, &got),
            vec![],
            "no Allow-Origin on either side"
        );
        let granted = resp(&[("Access-Control-Allow-Origin", "*")]);
        let vary = resp(&[("Access-Control-Allow-Origin", "*"), ("Vary", "Origin")]);
        assert_eq!(differences(false, &granted, &vary), vec![]);
        let unexpected = differences(true, &resp(&[]), &granted);
        assert_eq!(unexpected.len(), 1);
        assert_eq!(unexpected[0].want, None);
    }
}
