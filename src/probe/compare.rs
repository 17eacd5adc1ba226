//! The differences `probe` reports, as a browser concludes them: not "the
//! deployment answers other than corsform would", but "a page would be let in
//! where the policy keeps it out, or kept out where the policy lets it in".
//! The checks themselves are the browser model's ([`crate::browser`]: the
//! Fetch standard's CORS check, §4.10, and CORS-preflight checks, §4.8); this
//! module turns their verdict into the header a human must look at, with
//! what came back and what the policy's deployment sends. Pure, so every
//! rule is unit-tested without a network.
//!
//! - An origin the policy lets in must pass the browser's checks as the
//!   policy's pages make the request: with credentials when the route allows
//!   them, with the preflight's method and headers. The first check that
//!   fails is reported, on the header it reads.
//! - An origin the policy keeps out must fail them for a request without
//!   credentials: no Allow-Origin at all, or another origin (a static first
//!   origin), are equally right; `*` or the origin itself are a grant.
//!   Nothing else a refused origin receives is read by a browser, so nothing
//!   else is compared.
//! - On actual and error responses of an origin let in, Access-Control-
//!   Expose-Headers says which headers script reads: compared with the
//!   policy's as a set of case-insensitive tokens.
//! - On a response that grants an origin let in by echoing it, `Vary` must
//!   name `Origin` when the policy's deployment varies Allow-Origin by the
//!   request (several origins, a pattern): otherwise a shared or the
//!   browser's HTTP cache may hand this origin's answer to another page,
//!   which the browser then blocks (Fetch standard, "CORS protocol and HTTP
//!   caches"). A static Allow-Origin needs no Vary, so none is demanded.
//! - A header sent several times counts as its values joined with ", " (what
//!   a browser's header list "get" returns), so two Allow-Origin headers show
//!   up as one invalid two-origin value.

use crate::browser::{Block, Response};
use serde::Serialize;

pub const ALLOW_ORIGIN: &str = "Access-Control-Allow-Origin";
pub const ALLOW_CREDENTIALS: &str = "Access-Control-Allow-Credentials";
pub const ALLOW_METHODS: &str = "Access-Control-Allow-Methods";
pub const ALLOW_HEADERS: &str = "Access-Control-Allow-Headers";
pub const EXPOSE_HEADERS: &str = "Access-Control-Expose-Headers";
pub const VARY: &str = "Vary";

/// One header whose value makes a browser conclude otherwise than the
/// policy; `None` means the header is absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub header: &'static str,
    pub got: Option<String>,
    /// What the policy's deployment sends (`None` without a policy, or when
    /// it sends none: a refused origin).
    pub want: Option<String>,
    /// The browser's conclusion, in words.
    pub reason: String,
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

/// A browser reads one value per header ([`combined`]); the browser model
/// reads the first: give it the joined one.
pub fn as_browser_reads(resp: &Response) -> Response {
    let mut out = Response {
        status: resp.status,
        headers: Vec::new(),
    };
    for (n, _) in &resp.headers {
        if !out.headers.iter().any(|(m, _)| m.eq_ignore_ascii_case(n)) {
            let v = combined(resp, n).unwrap_or_default();
            out.headers.push((n.clone(), v));
        }
    }
    out
}

fn tokens(value: &str) -> Vec<String> {
    let mut out: Vec<String> = value
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| t.to_ascii_lowercase())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The header a failed browser check reads; `None` for a preflight's status.
pub fn header_of(block: &Block) -> Option<&'static str> {
    match block {
        Block::PreflightStatus(_) => None,
        Block::NoAllowOrigin
        | Block::SeveralOrigins(_)
        | Block::OriginMismatch { .. }
        | Block::WildcardWithCredentials => Some(ALLOW_ORIGIN),
        Block::CredentialsNotTrue(_) => Some(ALLOW_CREDENTIALS),
        Block::MethodNotAllowed(_) => Some(ALLOW_METHODS),
        Block::HeaderNotAllowed(_) | Block::AuthorizationNotCoveredByWildcard => {
            Some(ALLOW_HEADERS)
        }
    }
}

/// The difference for an origin the policy lets in but `got` keeps out.
pub fn blocked(block: &Block, want: Option<&Response>, got: &Response) -> Option<Difference> {
    let header = header_of(block)?;
    Some(Difference {
        header,
        got: combined(got, header),
        want: want.and_then(|w| combined(w, header)),
        reason: format!("blocked: {block}, but the policy allows this origin here"),
    })
}

/// The difference for an origin the policy keeps out but `got` lets in.
pub fn granted(got: &Response) -> Difference {
    Difference {
        header: ALLOW_ORIGIN,
        got: combined(got, ALLOW_ORIGIN),
        want: None,
        reason: "granted, but the policy does not allow this origin here".into(),
    }
}

/// Expose-Headers on a response a page reads, when it differs from the policy's.
pub fn expose_difference(want: &Response, got: &Response) -> Option<Difference> {
    let g = combined(got, EXPOSE_HEADERS);
    let w = combined(want, EXPOSE_HEADERS);
    let (gt, wt) = (
        tokens(g.as_deref().unwrap_or("")),
        tokens(w.as_deref().unwrap_or("")),
    );
    (gt != wt).then(|| {
        let missing: Vec<&String> = wt.iter().filter(|t| !gt.contains(t)).collect();
        let reason = if missing.is_empty() {
            "script may read response headers the policy does not expose".to_string()
        } else {
            format!(
                "script cannot read {}, which the policy exposes",
                missing
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        Difference {
            header: EXPOSE_HEADERS,
            got: g,
            want: w,
            reason,
        }
    })
}

/// `Vary: Origin` missing where Allow-Origin echoes the request's origin and
/// the policy's deployment says it varies. `Vary: *` covers it too.
pub fn vary_difference(want: &Response, got: &Response) -> Option<Difference> {
    let varies = |r: &Response| {
        combined(r, VARY).is_some_and(|v| {
            tokens(&v)
                .iter()
                .any(|t| t.as_str() == "origin" || t.as_str() == "*")
        })
    };
    let echoes = combined(got, ALLOW_ORIGIN).is_some_and(|v| v.trim() != "*");
    (echoes && varies(want) && !varies(got)).then(|| Difference {
        header: VARY,
        got: combined(got, VARY),
        want: combined(want, VARY),
        reason: "Allow-Origin depends on the request's Origin but Vary does not name Origin: \
                 a cache may serve this answer to a page of another origin"
            .into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(h: &[(&str, &str)]) -> Response {
        Response::from_pairs(200, h)
    }

    #[test]
    fn repeated_headers_are_joined_like_a_browser_reads_them() {
        let got = resp(&[
            ("Access-Control-Allow-Origin", "https://app.example.com"),
            ("access-control-allow-origin", "https://app.example.com"),
        ]);
        assert_eq!(
            combined(&got, ALLOW_ORIGIN).as_deref(),
            Some("https://app.example.com, https://app.example.com")
        );
        let read = as_browser_reads(&got);
        assert_eq!(read.headers.len(), 1);
        assert!(
            read.get("access-control-allow-origin")
                .unwrap()
                .contains(", ")
        );
    }

    #[test]
    fn each_block_names_the_header_it_reads() {
        let want = resp(&[("Access-Control-Allow-Origin", "https://a.example")]);
        let got = resp(&[("Access-Control-Allow-Origin", "https://b.example")]);
        let d = blocked(
            &Block::OriginMismatch {
                sent: "https://b.example".into(),
                expected: "https://a.example".into(),
            },
            Some(&want),
            &got,
        )
        .unwrap();
        assert_eq!(d.header, ALLOW_ORIGIN);
        assert_eq!(d.got.as_deref(), Some("https://b.example"));
        assert_eq!(d.want.as_deref(), Some("https://a.example"));
        assert!(d.reason.starts_with("blocked: "), "{}", d.reason);
        assert_eq!(
            header_of(&Block::MethodNotAllowed("PUT".into())),
            Some(ALLOW_METHODS)
        );
        assert_eq!(
            header_of(&Block::CredentialsNotTrue(None)),
            Some(ALLOW_CREDENTIALS)
        );
        assert_eq!(header_of(&Block::PreflightStatus(403)), None);
    }

    #[test]
    fn vary_origin_is_demanded_only_where_the_policy_varies() {
        let want = resp(&[
            ("Access-Control-Allow-Origin", "https://a.example"),
            ("Vary", "Origin"),
        ]);
        let got = resp(&[("Access-Control-Allow-Origin", "https://a.example")]);
        let d = vary_difference(&want, &got).unwrap();
        assert_eq!(d.header, VARY);
        assert_eq!(d.want.as_deref(), Some("Origin"));
        let with = resp(&[
            ("Access-Control-Allow-Origin", "https://a.example"),
            ("vary", "Accept-Encoding, origin"),
        ]);
        assert_eq!(vary_difference(&want, &with), None);
        // A static value (the policy sends no Vary) needs none.
        let static_want = resp(&[("Access-Control-Allow-Origin", "https://a.example")]);
        assert_eq!(vary_difference(&static_want, &got), None);
        // `*` does not depend on the Origin.
        let star = resp(&[("Access-Control-Allow-Origin", "*")]);
        assert_eq!(vary_difference(&want, &star), None);
    }

    #[test]
    fn expose_headers_compare_as_case_insensitive_sets() {
        let want = resp(&[("Access-Control-Expose-Headers", "ETag, Link")]);
        assert_eq!(
            expose_difference(
                &want,
                &resp(&[("access-control-expose-headers", "link,etag,LINK")])
            ),
            None
        );
        let d =
            expose_difference(&want, &resp(&[("Access-Control-Expose-Headers", "etag")])).unwrap();
        assert!(d.reason.contains("link"), "{}", d.reason);
        assert!(expose_difference(&resp(&[]), &resp(&[])).is_none());
    }
}
