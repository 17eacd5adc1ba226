//! The classic CORS misconfigurations, named when a deployment grants an
//! attack origin ([`super::origins::Attack`]) that the policy does not grant:
//! reflected arbitrary origin, `null` accepted, prefix or suffix origin
//! matching, http origins trusted, a pattern matching several labels.
//! "Grants" means Access-Control-Allow-Origin is that exact origin: a browser
//! then lets the attacker's page read the response (with cookies, when
//! Allow-Credentials is `true`). A `*` grants nothing worth naming here: it
//! never carries credentials, and a policy without `*` gets a header
//! difference for it instead. Pure, like [`super::compare`].

use super::compare::{ALLOW_CREDENTIALS, ALLOW_ORIGIN, combined};
use super::origins::{Attack, ProbeOrigin};
use crate::browser::Response;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Misconfiguration {
    pub attack: Attack,
    /// The classic name: "reflected arbitrary origin", ...
    pub name: &'static str,
    /// Whether the grant came with `Access-Control-Allow-Credentials: true`.
    pub with_credentials: bool,
}

impl Misconfiguration {
    pub fn message(&self, origin: &str) -> String {
        let creds = if self.with_credentials {
            ", with credentials: any site can read this response as the signed-in user"
        } else {
            ""
        };
        format!("{}: {origin} was granted{creds}", self.name)
    }
}

fn grants(resp: &Response, origin: &str) -> bool {
    combined(resp, ALLOW_ORIGIN).is_some_and(|v| v == origin)
}

/// The misconfiguration `got` shows for this origin, if any.
pub fn detect(origin: &ProbeOrigin, want: &Response, got: &Response) -> Option<Misconfiguration> {
    let attack = origin.role.attack()?;
    if !grants(got, &origin.value) || grants(want, &origin.value) {
        return None;
    }
    Some(Misconfiguration {
        attack,
        name: attack.misconfiguration(),
        with_credentials: combined(got, ALLOW_CREDENTIALS).is_some_and(|v| v == "true"),
    })
}

#[cfg(test)]
mod tests {
    use super::super::origins::Role;
    use super::*;

    fn origin(value: &str, attack: Attack) -> ProbeOrigin {
        ProbeOrigin {
            value: value.into(),
            role: Role::Attack { attack },
        }
    }

    fn resp(h: &[(&str, &str)]) -> Response {
        Response::from_pairs(200, h)
    }

    #[test]
    fn a_granted_attack_origin_is_named() {
        let o = origin("https://attacker.example", Attack::Arbitrary);
        let want = resp(&[("Access-Control-Allow-Origin", "https://app.example.com")]);
        let got = resp(&[
            ("access-control-allow-origin", "https://attacker.example"),
            ("access-control-allow-credentials", "true"),
        ]);
        let m = detect(&o, &want, &got).expect("reflection");
        assert_eq!(m.name, "reflected arbitrary origin");
        assert!(m.with_credentials);
        assert!(m.message(&o.value).contains("with credentials"));

        let null = origin("null", Attack::Null);
        let got = resp(&[("Access-Control-Allow-Origin", "null")]);
        assert_eq!(
            detect(&null, &want, &got).unwrap().name,
            "`null` origin accepted"
        );
        let http = origin("http://app.example.com", Attack::Http);
        let got = resp(&[("Access-Control-Allow-Origin", "http://app.example.com")]);
        assert_eq!(
            detect(&http, &want, &got).unwrap().name,
            "http origin trusted"
        );
    }

    #[test]
    fn refusals_wildcards_and_policy_grants_are_not_named() {
        let o = origin("https://app.example.com.attacker.example", Attack::Prefix);
        let first = resp(&[("Access-Control-Allow-Origin", "https://app.example.com")]);
        assert_eq!(
            detect(&o, &first, &first),
            None,
            "the static first origin refuses"
        );
        let star = resp(&[("Access-Control-Allow-Origin", "*")]);
        assert_eq!(detect(&o, &first, &star), None);
        let reflect = resp(&[(
            "Access-Control-Allow-Origin",
            "https://app.example.com.attacker.example",
        )]);
        assert_eq!(
            detect(&o, &reflect, &reflect),
            None,
            "the policy asks for it (gateway_responses origin = \"reflect\")"
        );
        assert!(detect(&o, &first, &reflect).is_some());
        let allowed = ProbeOrigin {
            value: o.value.clone(),
            role: Role::Allowed,
        };
        assert_eq!(detect(&allowed, &first, &reflect), None);
    }
}
