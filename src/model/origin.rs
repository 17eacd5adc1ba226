//! An allowed origin: `*`, an exact serialized origin, or a one-label subdomain
//! pattern (`https://*.example.com` matches `https://a.example.com`, not
//! `https://a.b.example.com` nor `https://example.com`).

use serde::{Serialize, Serializer};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Any,
    /// `scheme://host[:port]`, exactly as browsers serialize it.
    Exact(String),
    /// `scheme://*.rest[:port]`; `text` is the whole pattern as written.
    Pattern {
        text: String,
        scheme: String,
        /// Everything after `*` (starts with `.`), port included.
        suffix: String,
    },
}

impl Origin {
    pub fn as_str(&self) -> &str {
        match self {
            Origin::Any => "*",
            Origin::Exact(s) => s,
            Origin::Pattern { text, .. } => text,
        }
    }

    /// Whether a request's serialized origin is granted by this entry.
    pub fn matches(&self, origin: &str) -> bool {
        match self {
            Origin::Any => true,
            Origin::Exact(s) => s == origin,
            Origin::Pattern { scheme, suffix, .. } => {
                let Some(rest) = origin
                    .strip_prefix(scheme.as_str())
                    .and_then(|r| r.strip_prefix("://"))
                else {
                    return false;
                };
                let Some(label) = rest.strip_suffix(suffix.as_str()) else {
                    return false;
                };
                is_dns_label(label)
            }
        }
    }
}

/// `host[:port]` split at the port's `:`; an IPv6 literal (`[::1]:8080`)
/// keeps its brackets and inner colons. Shared by the policy's validation and
/// by probe, which derives attack origins from allowed ones.
pub fn split_port(authority: &str) -> (&str, Option<&str>) {
    if authority.starts_with('[') {
        return match authority.find(']') {
            Some(i) => {
                let (h, rest) = authority.split_at(i + 1);
                (h, rest.strip_prefix(':'))
            }
            None => (authority, None),
        };
    }
    match authority.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    }
}

/// One DNS label as a browser would serialize it: 1-63 of [a-z0-9-], not
/// starting or ending with `-`.
pub fn is_dns_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

impl Serialize for Origin {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern() -> Origin {
        Origin::Pattern {
            text: "https://*.shop.example.com".into(),
            scheme: "https".into(),
            suffix: ".shop.example.com".into(),
        }
    }

    #[test]
    fn pattern_matches_exactly_one_label() {
        let p = pattern();
        assert!(p.matches("https://a.shop.example.com"));
        assert!(p.matches("https://a-1.shop.example.com"));
        assert!(!p.matches("https://shop.example.com"));
        assert!(!p.matches("https://a.b.shop.example.com"));
        assert!(!p.matches("http://a.shop.example.com"));
        assert!(!p.matches("https://a.shopXexample.com"));
        assert!(!p.matches("https://a.shop.example.com.evil.com"));
        assert!(!p.matches("https://-a.shop.example.com"));
    }
}
