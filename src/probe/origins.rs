//! Which `Origin` values `probe` sends: every origin the policy allows (a
//! sample for each subdomain pattern), the user's `--origin` extras, and the
//! attack origins that catch the classic origin-check mistakes. An attack
//! origin is derived from an allowed one so that a sloppy check (a prefix or
//! suffix match, an unanchored regex, a scheme-blind comparison) accepts it.
//! Attack origins the policy itself allows are sent as allowed origins.

use crate::model::origin::split_port;
use crate::model::{Origin, Policy};
use serde::Serialize;

/// The label a subdomain pattern's sample origin uses: `https://*.example.com`
/// is probed as `https://corsform-probe.example.com`.
pub const SAMPLE_LABEL: &str = "corsform-probe";
/// An origin no policy should trust.
pub const ARBITRARY: &str = "https://attacker.example";
/// The host tail of the prefix trick (`https://app.example.com.attacker.example`).
const PREFIX_TAIL: &str = ".attacker.example";
/// The host head of the suffix trick (`https://attackerapp.example.com`).
const SUFFIX_HEAD: &str = "attacker";

/// A classic way an origin check goes wrong, and the origin that reveals it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Attack {
    /// Any unrelated origin: the server reflects whatever it is sent.
    Arbitrary,
    /// The opaque origin of sandboxed iframes, `file:` pages and some redirects.
    Null,
    /// An allowed origin's host with more after it: a `starts_with` check.
    Prefix,
    /// An allowed host with more before it: an `ends_with` check.
    Suffix,
    /// The `http://` twin of an `https://` origin: a scheme-blind check.
    Http,
    /// Two labels where a pattern allows one: an unanchored or `.*` regex.
    SeveralLabels,
}

impl Attack {
    /// What it is called when the deployment accepts it.
    pub fn misconfiguration(self) -> &'static str {
        match self {
            Attack::Arbitrary => "reflected arbitrary origin",
            Attack::Null => "`null` origin accepted",
            Attack::Prefix => "prefix origin matching",
            Attack::Suffix => "suffix origin matching",
            Attack::Http => "http origin trusted",
            Attack::SeveralLabels => "subdomain pattern matches several labels",
        }
    }

    /// What the origin is, in a few words (the human output's role column).
    pub fn describe(self) -> &'static str {
        match self {
            Attack::Arbitrary => "attack: arbitrary origin",
            Attack::Null => "attack: null origin",
            Attack::Prefix => "attack: prefix trick",
            Attack::Suffix => "attack: suffix trick",
            Attack::Http => "attack: http variant",
            Attack::SeveralLabels => "attack: two-label subdomain",
        }
    }
}

/// Why an origin is probed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Role {
    /// Listed in `allow_origins` (or granted by `*`).
    Allowed,
    /// A sample of this subdomain pattern.
    PatternSample {
        pattern: String,
    },
    /// Given with `--origin`.
    Extra,
    Attack {
        attack: Attack,
    },
}

impl Role {
    pub fn describe(&self) -> String {
        match self {
            Role::Allowed => "allowed".into(),
            Role::PatternSample { pattern } => format!("sample of {pattern}"),
            Role::Extra => "--origin".into(),
            Role::Attack { attack } => attack.describe().into(),
        }
    }

    pub fn attack(&self) -> Option<Attack> {
        match self {
            Role::Attack { attack } => Some(*attack),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProbeOrigin {
    pub value: String,
    #[serde(flatten)]
    pub role: Role,
}

/// `scheme://host[:port]` split into its parts; `None` for `null`, `*` or
/// anything else that is not a serialized tuple origin.
fn split(origin: &str) -> Option<(&str, &str, Option<&str>)> {
    let (scheme, authority) = origin.split_once("://")?;
    let (host, port) = split_port(authority);
    Some((scheme, host, port))
}

fn join(scheme: &str, host: &str, port: Option<&str>) -> String {
    match port {
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    }
}

/// The tricks derived from one allowed origin (exact, or a pattern's sample).
/// The suffix trick is left out for a sample: `attacker` + its host is just
/// another label the pattern rightly allows.
fn tricks(origin: &str, suffix_trick: bool, out: &mut Vec<(String, Attack)>) {
    let Some((scheme, host, port)) = split(origin) else {
        return;
    };
    if host.starts_with('[') {
        // An IPv6 literal has no host name to extend.
        return;
    }
    out.push((
        join(scheme, &format!("{host}{PREFIX_TAIL}"), port),
        Attack::Prefix,
    ));
    if suffix_trick {
        out.push((
            join(scheme, &format!("{SUFFIX_HEAD}{host}"), port),
            Attack::Suffix,
        ));
    }
    if scheme == "https" {
        out.push((join("http", host, port), Attack::Http));
    }
}

/// The sample origin of a pattern: one valid DNS label in place of `*`.
pub fn pattern_sample(scheme: &str, suffix: &str) -> String {
    format!("{scheme}://{SAMPLE_LABEL}{suffix}")
}

/// Every origin `probe` sends, each once, in this order: allowed origins and
/// pattern samples (in policy order, `[cors]` before `[routes.cors]`), the
/// extras, then the attack origins.
pub fn probe_origins(policy: &Policy, extras: &[String]) -> Vec<ProbeOrigin> {
    let all_cors = std::iter::once(&policy.cors).chain(
        policy
            .routes
            .iter()
            .filter_map(|r| r.cors_override.as_ref()),
    );
    let allowed: Vec<&Origin> = all_cors.flat_map(|c| c.allow_origins.iter()).collect();
    let granted = |o: &str| allowed.iter().any(|a| a.matches(o));

    let mut out: Vec<ProbeOrigin> = Vec::new();
    let mut push = |value: String, role: Role| {
        if !out.iter().any(|p| p.value == value) {
            out.push(ProbeOrigin { value, role });
        }
    };
    let mut attacks: Vec<(String, Attack)> = vec![
        (ARBITRARY.to_string(), Attack::Arbitrary),
        ("null".to_string(), Attack::Null),
    ];
    for o in &allowed {
        match o {
            Origin::Any => {}
            Origin::Exact(s) => {
                push(s.clone(), Role::Allowed);
                tricks(s, true, &mut attacks);
            }
            Origin::Pattern {
                text,
                scheme,
                suffix,
            } => {
                let sample = pattern_sample(scheme, suffix);
                push(
                    sample.clone(),
                    Role::PatternSample {
                        pattern: text.clone(),
                    },
                );
                tricks(&sample, false, &mut attacks);
                // The suffix trick on the pattern's parent domain: `ends_with("example.com")`.
                let parent = suffix.trim_start_matches('.');
                attacks.push((format!("{scheme}://{SUFFIX_HEAD}{parent}"), Attack::Suffix));
                attacks.push((
                    format!("{scheme}://{SUFFIX_HEAD}.{SAMPLE_LABEL}{suffix}"),
                    Attack::SeveralLabels,
                ));
            }
        }
    }
    for e in extras {
        push(e.clone(), Role::Extra);
    }
    for (value, attack) in attacks {
        // An "attack" the policy grants is an allowed origin (`null` listed, `*`).
        let role = if granted(&value) {
            Role::Allowed
        } else {
            Role::Attack { attack }
        };
        push(value, role);
    }
    out
}

/// Whether `value` can be sent as an `Origin` header: `null`, or
/// `scheme://host[:port]` with no path, whitespace or control characters.
pub fn check_extra(value: &str) -> Result<(), String> {
    if value == "null" {
        return Ok(());
    }
    if value.bytes().any(|b| b.is_ascii_control() || b == b' ') {
        return Err(format!(
            "--origin {value:?}: an origin has no spaces or control characters"
        ));
    }
    match split(value) {
        Some((scheme, host, _))
            if !scheme.is_empty()
                && !host.is_empty()
                && !host.contains('/')
                && !value.ends_with('/') =>
        {
            Ok(())
        }
        _ => Err(format!(
            "--origin {value}: an origin is scheme://host[:port] (no path, no trailing slash) or null"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(origins: &str) -> Policy {
        let text = format!(
            "version = 1\n[api]\nname = \"t\"\ntype = \"rest\"\n[cors]\nallow_origins = {origins}\n[[routes]]\npath = \"/a\"\nmethods = [\"GET\"]\n"
        );
        let file = crate::diagnostic::SourceFile::new("t.toml", text);
        crate::check(&file).0.expect("valid policy")
    }

    fn find<'a>(all: &'a [ProbeOrigin], value: &str) -> Option<&'a Role> {
        all.iter().find(|p| p.value == value).map(|p| &p.role)
    }

    #[test]
    fn allowed_samples_extras_and_attacks() {
        let all = probe_origins(
            &policy(
                r#"["https://app.example.com", "https://*.preview.example.com", "http://localhost:4200"]"#,
            ),
            &["https://other.example.org".into()],
        );
        assert_eq!(find(&all, "https://app.example.com"), Some(&Role::Allowed));
        assert!(matches!(
            find(&all, "https://corsform-probe.preview.example.com"),
            Some(Role::PatternSample { .. })
        ));
        assert_eq!(find(&all, "https://other.example.org"), Some(&Role::Extra));
        let attack = |v: &str| find(&all, v).and_then(Role::attack);
        assert_eq!(attack("https://attacker.example"), Some(Attack::Arbitrary));
        assert_eq!(attack("null"), Some(Attack::Null));
        assert_eq!(
            attack("https://app.example.com.attacker.example"),
            Some(Attack::Prefix)
        );
        assert_eq!(
            attack("https://attackerapp.example.com"),
            Some(Attack::Suffix)
        );
        assert_eq!(attack("http://app.example.com"), Some(Attack::Http));
        assert_eq!(
            attack("http://localhost.attacker.example:4200"),
            Some(Attack::Prefix),
            "the port stays after the host"
        );
        assert_eq!(
            attack("https://attackerpreview.example.com"),
            Some(Attack::Suffix)
        );
        assert_eq!(
            attack("https://attacker.corsform-probe.preview.example.com"),
            Some(Attack::SeveralLabels)
        );
        assert!(
            find(&all, "https://attackercorsform-probe.preview.example.com").is_none(),
            "no suffix trick on a sample: the pattern allows it"
        );
        assert!(
            find(&all, "https://localhost:4200").is_none(),
            "no https twin is invented for an http origin"
        );
        let mut values: Vec<&str> = all.iter().map(|p| p.value.as_str()).collect();
        let n = values.len();
        values.dedup();
        assert_eq!(values.len(), n, "each origin once");
        assert_eq!(
            all[0].value, "https://app.example.com",
            "allowed origins come first"
        );
    }

    #[test]
    fn origins_the_policy_grants_are_not_attacks() {
        let all = probe_origins(&policy(r#"["https://app.example.com", "null"]"#), &[]);
        assert_eq!(find(&all, "null"), Some(&Role::Allowed));
        let any = probe_origins(&policy(r#"["*"]"#), &[]);
        assert!(
            any.iter().all(|p| p.role == Role::Allowed),
            "`*` grants every origin: {any:?}"
        );
        assert!(any.iter().any(|p| p.value == ARBITRARY));
    }

    #[test]
    fn splits_origins_with_ports_and_ipv6() {
        assert_eq!(
            split("http://[::1]:8080"),
            Some(("http", "[::1]", Some("8080")))
        );
        assert_eq!(
            split("https://a.example.com"),
            Some(("https", "a.example.com", None))
        );
        assert_eq!(split("null"), None);
    }

    #[test]
    fn extras_must_be_origins() {
        assert!(check_extra("https://a.example.com").is_ok());
        assert!(check_extra("null").is_ok());
        assert!(check_extra("http://localhost:3000").is_ok());
        for bad in [
            "a.example.com",
            "https://a.example.com/",
            "https://a.example.com/x",
            "https://a\r\nX: y",
            "",
        ] {
            assert!(check_extra(bad).is_err(), "{bad:?}");
        }
    }
}
