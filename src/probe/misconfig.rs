//! The classic CORS misconfigurations, named when a deployment shows one:
//! a lookalike origin ([`super::origins::Attack`]) granted where the route
//! does not allow it (reflected arbitrary origin, `null` accepted, prefix or
//! suffix matching, http trusted, an unescaped dot, a port or scheme ignored,
//! a pattern matching several labels), a lookalike granted with credentials
//! where the route allows it only without (a `*` route whose server reflects
//! the origin with `Access-Control-Allow-Credentials: true`), and `*` sent
//! with credentials.
//! "Grants" means Access-Control-Allow-Origin is that exact origin: a browser
//! then lets the attacker's page read the response (with cookies, when
//! Allow-Credentials is `true`). Pure, like [`super::compare`].
//! One more misconfiguration shares this type but not this module's
//! detection: a cache serving one origin's answer to another
//! ([`super::cache`], which fills `cached_from`).

use super::cache::CachedFrom;
use super::compare::{ALLOW_CREDENTIALS, ALLOW_ORIGIN, combined};
use super::origins::Attack;
use super::plan::Check;
use crate::browser::Response;
use serde::Serialize;

/// The name of the one misconfiguration that is not a lookalike.
pub const WILDCARD_WITH_CREDENTIALS: &str = "`*` with credentials";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Misconfiguration {
    /// The lookalike that revealed it; `None` for `*` with credentials.
    pub attack: Option<Attack>,
    /// The classic name: "reflected arbitrary origin", ...
    pub name: &'static str,
    /// Whether the grant came with `Access-Control-Allow-Credentials: true`.
    pub with_credentials: bool,
    /// [`super::cache::CACHED_FOR_ANOTHER_ORIGIN`] only: whose answer came.
    pub cached_from: Option<CachedFrom>,
}

impl Misconfiguration {
    pub fn message(&self, origin: &str) -> String {
        if let Some(from) = &self.cached_from {
            return from.message(origin);
        }
        if self.attack.is_none() {
            return format!(
                "{}: Access-Control-Allow-Origin `*` with Access-Control-Allow-Credentials `true` \
                 (browsers refuse it for credentialed requests; the server means to trust every origin with cookies)",
                self.name
            );
        }
        let creds = if self.with_credentials {
            ", with credentials: any site can read this response as the signed-in user"
        } else {
            ""
        };
        format!("{}: {origin} was granted{creds}", self.name)
    }
}

fn credentials_true(resp: &Response) -> bool {
    combined(resp, ALLOW_CREDENTIALS).is_some_and(|v| v == "true")
}

/// The misconfiguration `got` shows for `check`, if any. `may_grant`: the
/// policy lets this origin in here (the route allows it, or the policy's own
/// answer grants it).
pub fn detect(check: &Check, may_grant: bool, got: &Response) -> Option<Misconfiguration> {
    let allow_origin = combined(got, ALLOW_ORIGIN);
    let with_credentials = credentials_true(got);
    if let Some(attack) = check.attack
        && allow_origin.as_deref() == Some(check.origin.value.as_str())
        && (!may_grant || (with_credentials && !check.credentials))
    {
        return Some(Misconfiguration {
            attack: Some(attack),
            name: attack.misconfiguration(),
            with_credentials,
            cached_from: None,
        });
    }
    let wildcard_expected = check
        .want
        .as_ref()
        .is_some_and(|w| combined(w, ALLOW_ORIGIN).as_deref() == Some("*") && credentials_true(w));
    (allow_origin.as_deref() == Some("*") && with_credentials && !wildcard_expected).then_some(
        Misconfiguration {
            attack: None,
            name: WILDCARD_WITH_CREDENTIALS,
            with_credentials: true,
            cached_from: None,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::super::origins::{ProbeOrigin, Role};
    use super::super::plan::{Kind, SafeMethod};
    use super::*;

    fn check(value: &str, attack: Option<Attack>, allowed: bool, credentials: bool) -> Check {
        Check {
            route: Some("/a".into()),
            path: "/a".into(),
            kind: Kind::Actual,
            method: SafeMethod::Get,
            request_method: None,
            request_headers: vec![],
            origin: ProbeOrigin {
                value: value.into(),
                role: match (attack, allowed) {
                    (Some(attack), false) => Role::Attack { attack },
                    _ => Role::Allowed,
                },
            },
            attack,
            allowed,
            credentials,
            want: None,
            want_source: String::new(),
            want_if_refused: None,
            cache: None,
        }
    }

    fn resp(h: &[(&str, &str)]) -> Response {
        Response::from_pairs(200, h)
    }

    #[test]
    fn a_granted_lookalike_is_named() {
        let c = check(
            "https://attacker.example",
            Some(Attack::Arbitrary),
            false,
            true,
        );
        let got = resp(&[
            ("access-control-allow-origin", "https://attacker.example"),
            ("access-control-allow-credentials", "true"),
        ]);
        let m = detect(&c, false, &got).expect("reflection");
        assert_eq!(m.name, "reflected arbitrary origin");
        assert!(m.with_credentials);
        assert!(m.message(&c.origin.value).contains("with credentials"));
        let dot = check(
            "https://bXexample.com",
            Some(Attack::UnescapedDot),
            false,
            false,
        );
        let got = resp(&[("Access-Control-Allow-Origin", "https://bXexample.com")]);
        assert_eq!(
            detect(&dot, false, &got).unwrap().name,
            "unescaped dot in origin matching"
        );
    }

    #[test]
    fn a_star_route_names_only_grants_with_credentials() {
        let c = check(
            "https://attacker.example",
            Some(Attack::Arbitrary),
            true,
            false,
        );
        let reflect = resp(&[("Access-Control-Allow-Origin", "https://attacker.example")]);
        assert_eq!(
            detect(&c, true, &reflect),
            None,
            "`*` allows it without credentials"
        );
        let creds = resp(&[
            ("Access-Control-Allow-Origin", "https://attacker.example"),
            ("Access-Control-Allow-Credentials", "true"),
        ]);
        assert!(detect(&c, true, &creds).is_some());
    }

    #[test]
    fn refusals_and_policy_grants_are_not_named_but_star_with_credentials_is() {
        let c = check(
            "https://app.example.com.attacker.example",
            Some(Attack::Prefix),
            false,
            false,
        );
        let first = resp(&[("Access-Control-Allow-Origin", "https://app.example.com")]);
        assert_eq!(
            detect(&c, false, &first),
            None,
            "the static first origin refuses"
        );
        let star = resp(&[("Access-Control-Allow-Origin", "*")]);
        assert_eq!(detect(&c, false, &star), None);
        let reflect = resp(&[(
            "Access-Control-Allow-Origin",
            "https://app.example.com.attacker.example",
        )]);
        assert_eq!(
            detect(&c, true, &reflect),
            None,
            "the policy asks for it (gateway_responses origin = \"reflect\")"
        );
        assert!(detect(&c, false, &reflect).is_some());
        let listed = check("https://app.example.com", None, true, false);
        let both = resp(&[
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Credentials", "true"),
        ]);
        let m = detect(&listed, true, &both).unwrap();
        assert_eq!((m.name, m.attack), (WILDCARD_WITH_CREDENTIALS, None));
    }
}
