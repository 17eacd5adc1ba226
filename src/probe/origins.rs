//! Which `Origin` values `probe` sends: every origin the policy allows on any
//! route (a sample for each subdomain pattern), the `--origin` extras, and the
//! lookalike origins that catch the classic origin-check mistakes. A lookalike
//! is derived from an allowed (or trusted `--origin`) origin so that a sloppy
//! check (a prefix or suffix match, an unanchored or unescaped regex, a
//! scheme- or port-blind comparison) accepts it.
//!
//! Every candidate is sent on every route, and its role is decided per route
//! ([`on_route`]): an origin allowed by `[routes.cors]` on one route is just
//! another unlisted origin on the others, and a route whose `allow_origins`
//! is `*` turns lookalikes into allowed origins there only, so the other
//! routes still name a lookalike they grant.

use crate::model::Origin;
use crate::model::origin::split_port;
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
/// What replaces a dot in the unescaped-dot lookalike: an unescaped `.` in a
/// regex (`^https://b.example.com$`) matches any character, so
/// `https://bXexample.com` (a domain anyone can register) passes it.
const DOT_STAND_IN: char = 'X';

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
    /// The `https://` twin of an `http://` origin: a scheme-blind check.
    OtherScheme,
    /// An allowed origin with a port added: a check that ignores the port
    /// (or a `starts_with`).
    Port,
    /// One dot of an allowed host replaced by a letter: an unescaped `.` in a regex.
    UnescapedDot,
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
            Attack::OtherScheme => "scheme ignored in origin matching",
            Attack::Port => "port ignored in origin matching",
            Attack::UnescapedDot => "unescaped dot in origin matching",
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
            Attack::OtherScheme => "attack: https variant",
            Attack::Port => "attack: port added",
            Attack::UnescapedDot => "attack: dot replaced",
            Attack::SeveralLabels => "attack: two-label subdomain",
        }
    }
}

/// Why an origin is probed, on one route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Role {
    /// Allowed on this route (listed, granted by `*`, or matched by a pattern).
    Allowed,
    /// A sample of this subdomain pattern, allowed on this route.
    PatternSample {
        pattern: String,
    },
    /// Allowed by the policy on another route only (a `[routes.cors]`
    /// override): here it must not be granted.
    OtherRoute,
    /// Given with `--origin`.
    Extra,
    /// Without a policy: an origin the API itself sent in Allow-Origin to an
    /// unrelated origin (a static allowed origin), trusted like `--origin`.
    Discovered,
    Attack {
        attack: Attack,
    },
}

impl Role {
    pub fn describe(&self) -> String {
        match self {
            Role::Allowed => "allowed".into(),
            Role::PatternSample { pattern } => format!("sample of {pattern}"),
            Role::OtherRoute => "allowed on another route only".into(),
            Role::Extra => "--origin".into(),
            Role::Discovered => "trusted: seen in the API's Allow-Origin".into(),
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

/// An origin as one check sends it, with its role on that check's route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProbeOrigin {
    pub value: String,
    #[serde(flatten)]
    pub role: Role,
}

/// An origin probe sends, before any route decides its role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub value: String,
    /// Its role where the policy allows nothing more than it was derived for:
    /// `Allowed`/`PatternSample` (some route allows it), `Extra` or `Attack`.
    pub role: Role,
    /// The lookalike it is, if it was derived as one: kept even where a route
    /// allows it (`*`), to name a grant with credentials there.
    pub attack: Option<Attack>,
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

/// The lookalikes of one allowed origin (exact, or a pattern's sample).
/// `sample`: the suffix trick is left out (`attacker` + a sample's host is
/// just another label the pattern rightly allows; the caller adds the
/// pattern's own), and the dot between the sample label and the pattern is
/// replaced like the others (an unescaped `.` there matches too).
fn lookalikes(origin: &str, sample: bool, out: &mut Vec<(String, Attack)>) {
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
    if !sample {
        out.push((
            join(scheme, &format!("{SUFFIX_HEAD}{host}"), port),
            Attack::Suffix,
        ));
    }
    for (i, _) in host.match_indices('.') {
        let mut h = host.to_string();
        h.replace_range(i..=i, &DOT_STAND_IN.to_string());
        out.push((join(scheme, &h, port), Attack::UnescapedDot));
    }
    match scheme {
        "https" => out.push((join("http", host, port), Attack::Http)),
        "http" => out.push((join("https", host, port), Attack::OtherScheme)),
        _ => {}
    }
    if port.is_none() {
        // A port the origin does not have; 8443 and 8080 are the usual
        // alternates, so a port-blind check is what would grant it.
        let p = if scheme == "http" { "8080" } else { "8443" };
        out.push((join(scheme, host, Some(p)), Attack::Port));
    }
}

/// One lookalike of an allowed origin that a careless check grants: the
/// origin with a domain after it (a prefix match) for an exact origin, the
/// pattern's parent domain with a label glued on (a suffix match) for a
/// pattern. `None` for `*`, which has none.
pub fn lookalike(o: &Origin) -> Option<String> {
    match o {
        Origin::Any => None,
        Origin::Exact(s) => {
            let (scheme, host, port) = split(s)?;
            Some(join(scheme, &format!("{host}{PREFIX_TAIL}"), port))
        }
        Origin::Pattern { scheme, suffix, .. } => {
            let parent = suffix.trim_start_matches('.');
            Some(format!("{scheme}://{SUFFIX_HEAD}{parent}"))
        }
    }
}

/// The sample origin of a pattern: one valid DNS label in place of `*`.
pub fn pattern_sample(scheme: &str, suffix: &str) -> String {
    format!("{scheme}://{SAMPLE_LABEL}{suffix}")
}

/// Every origin `probe` sends, each once, in this order: the allowed origins
/// and pattern samples of `allowed` (the policy's, `[cors]` before
/// `[routes.cors]`), the extras, then the lookalikes (the arbitrary origin,
/// `null`, then those of each allowed origin and trusted extra in order).
/// `trusted_extras`: without a policy the extras are the trusted origins, and
/// their lookalikes are tried too.
pub fn candidates(allowed: &[&Origin], extras: &[String], trusted_extras: bool) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    let mut push = |value: String, role: Role, attack: Option<Attack>| {
        if !out.iter().any(|p| p.value == value) {
            out.push(Candidate {
                value,
                role,
                attack,
            });
        }
    };
    let mut attacks: Vec<(String, Attack)> = vec![
        (ARBITRARY.to_string(), Attack::Arbitrary),
        ("null".to_string(), Attack::Null),
    ];
    for o in allowed {
        match o {
            Origin::Any => {}
            Origin::Exact(s) => {
                push(s.clone(), Role::Allowed, None);
                lookalikes(s, false, &mut attacks);
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
                    None,
                );
                lookalikes(&sample, true, &mut attacks);
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
        push(e.clone(), Role::Extra, None);
        if trusted_extras {
            lookalikes(e, false, &mut attacks);
        }
    }
    for (value, attack) in attacks {
        push(value, Role::Attack { attack }, Some(attack));
    }
    out
}

/// The role of `c` on a route whose allowed origins are `route_origins`, and
/// whether that route allows it.
pub fn on_route(c: &Candidate, route_origins: &[Origin]) -> (ProbeOrigin, bool) {
    let allowed = route_origins.iter().any(|o| o.matches(&c.value));
    let role = match (&c.role, allowed) {
        (Role::Attack { .. }, true) => Role::Allowed,
        (Role::Allowed | Role::PatternSample { .. }, false) => Role::OtherRoute,
        (r, _) => r.clone(),
    };
    (
        ProbeOrigin {
            value: c.value.clone(),
            role,
        },
        allowed,
    )
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

    fn origins(list: &[&str]) -> Vec<Origin> {
        let text = format!(
            "version = 1\n[api]\nname = \"t\"\ntype = \"rest\"\n[cors]\nallow_origins = {list:?}\n[[routes]]\npath = \"/a\"\nmethods = [\"GET\"]\n"
        );
        let file = crate::diagnostic::SourceFile::new("t.toml", text);
        crate::check(&file)
            .0
            .expect("valid policy")
            .cors
            .allow_origins
    }

    fn all(list: &[&str], extras: &[&str], trusted: bool) -> Vec<Candidate> {
        let o = if list.is_empty() {
            vec![]
        } else {
            origins(list)
        };
        let refs: Vec<&Origin> = o.iter().collect();
        let extras: Vec<String> = extras.iter().map(|s| s.to_string()).collect();
        candidates(&refs, &extras, trusted)
    }

    fn find<'a>(all: &'a [Candidate], value: &str) -> Option<&'a Role> {
        all.iter().find(|p| p.value == value).map(|p| &p.role)
    }

    #[test]
    fn allowed_samples_extras_and_lookalikes() {
        let all = all(
            &[
                "https://app.example.com",
                "https://*.preview.example.com",
                "http://localhost:4200",
            ],
            &["https://other.example.org"],
            false,
        );
        assert_eq!(find(&all, "https://app.example.com"), Some(&Role::Allowed));
        assert!(matches!(
            find(&all, "https://corsform-probe.preview.example.com"),
            Some(Role::PatternSample { .. })
        ));
        assert_eq!(find(&all, "https://other.example.org"), Some(&Role::Extra));
        let attack = |v: &str| find(&all, v).and_then(Role::attack);
        for (value, want) in [
            ("https://attacker.example", Attack::Arbitrary),
            ("null", Attack::Null),
            ("https://app.example.com.attacker.example", Attack::Prefix),
            ("https://attackerapp.example.com", Attack::Suffix),
            ("http://app.example.com", Attack::Http),
            ("https://appXexample.com", Attack::UnescapedDot),
            ("https://app.exampleXcom", Attack::UnescapedDot),
            ("https://app.example.com:8443", Attack::Port),
            ("http://localhost.attacker.example:4200", Attack::Prefix),
            ("https://localhost:4200", Attack::OtherScheme),
            ("https://attackerpreview.example.com", Attack::Suffix),
            (
                "https://attacker.corsform-probe.preview.example.com",
                Attack::SeveralLabels,
            ),
            (
                "https://corsform-probe.previewXexample.com",
                Attack::UnescapedDot,
            ),
            (
                "https://corsform-probeXpreview.example.com",
                Attack::UnescapedDot,
            ),
        ] {
            assert_eq!(attack(value), Some(want), "{value}");
        }
        assert!(
            find(&all, "https://attackercorsform-probe.preview.example.com").is_none(),
            "no suffix trick on a sample: the pattern allows it"
        );
        assert!(
            find(&all, "http://localhost:4200:8080").is_none()
                && find(&all, "https://other.exampleXorg").is_none(),
            "no port added to an origin with one; no lookalikes of an untrusted extra"
        );
        let mut values: Vec<&str> = all.iter().map(|p| p.value.as_str()).collect();
        let n = values.len();
        values.sort();
        values.dedup();
        assert_eq!(values.len(), n, "each origin once");
        assert_eq!(
            all[0].value, "https://app.example.com",
            "allowed come first"
        );
    }

    #[test]
    fn trusted_extras_get_lookalikes() {
        let all = all(&[], &["https://b.example.com"], true);
        assert_eq!(
            find(&all, "https://bXexample.com").and_then(Role::attack),
            Some(Attack::UnescapedDot)
        );
    }

    #[test]
    fn roles_are_decided_per_route() {
        let all = all(&["https://app.example.com", "null"], &[], false);
        let strict = origins(&["https://app.example.com"]);
        let any = origins(&["*"]);
        let null = all.iter().find(|c| c.value == "null").unwrap();
        assert_eq!(null.role, Role::Allowed, "listed: not an attack");
        let (o, allowed) = on_route(null, &strict);
        assert_eq!((o.role, allowed), (Role::OtherRoute, false));
        let arbitrary = all.iter().find(|c| c.value == ARBITRARY).unwrap();
        let (o, allowed) = on_route(arbitrary, &any);
        assert_eq!(
            (o.role, allowed),
            (Role::Allowed, true),
            "`*` grants it here"
        );
        assert_eq!(arbitrary.attack, Some(Attack::Arbitrary));
        let (o, allowed) = on_route(arbitrary, &strict);
        assert_eq!(o.role.attack(), Some(Attack::Arbitrary));
        assert!(!allowed, "a `*` route elsewhere changes nothing here");
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
