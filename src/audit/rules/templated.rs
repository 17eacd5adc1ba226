//! Origins the files compute (`https://*.${var.domain}`, `'${var.origin}/'`,
//! `!Sub https://${Domain}/app`): the value is unknown, but what is written
//! literally around the unknown parts is not, and some defects are in that
//! part whatever the variable holds (issue 26). Only those are reported: a
//! path or trailing slash after the host, upper case, a comma joining
//! several origins. Browsers compare Allow-Origin with their serialized
//! origin as a string (CORS-FACTS, browsers), which never has any of them.

use super::*;

/// The literal parts of a template (between and around the `${...}`).
fn literal_parts(t: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(start) = rest.find("${") {
        out.push(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => rest = &rest[start + end + 1..],
            None => return out,
        }
    }
    out.push(rest);
    out
}

/// Judge the literal part of a computed origin value, at `v`'s location.
pub(super) fn templated_origin(v: &Value, out: &mut Vec<Finding>) {
    if v.text.is_some() {
        return;
    }
    let Some(t) = v.template.as_deref() else {
        return;
    };
    let t = unquoted(t);
    if !t.contains("${") {
        return;
    }
    let parts = literal_parts(t);
    // Past the scheme's `//`, a `/` in a literal part is a path or a trailing slash.
    let after_scheme = |p: &str| p.split_once("//").map_or(p, |(_, rest)| rest).to_string();
    let has_slash = parts.iter().any(|p| after_scheme(p).contains('/'));
    let upper = parts
        .iter()
        .any(|p| p.chars().any(|c| c.is_ascii_uppercase()));
    if parts.iter().any(|p| p.contains(',')) {
        out.push(at(
            Code::SeveralOriginsInOneHeader,
            &v.loc,
            format!("`{t}` joins several origins with a comma, whatever its variables hold: browsers accept exactly one origin in Access-Control-Allow-Origin"),
            "send one origin: the first statically and the request's Origin through a response template that checks it against the list",
        ));
    } else if has_slash || upper {
        out.push(at(
            Code::OriginNotSerialized,
            &v.loc,
            format!(
                "`{t}` is not an origin as browsers send it, whatever its variables hold: {}",
                if has_slash {
                    "an origin has no path and no trailing slash"
                } else {
                    "browsers send the scheme and host in lower case"
                }
            ),
            if has_slash {
                "end the value at the host (or port): no `/` after it"
            } else {
                "write the literal part in lower case"
            },
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(t: &str) -> Vec<Code> {
        let v = Value {
            text: None,
            loc: Loc::default(),
            template: Some(t.into()),
            per_env: vec![],
        };
        let mut out = vec![];
        templated_origin(&v, &mut out);
        out.into_iter().map(|(_, d)| d.code).collect()
    }

    #[test]
    fn only_the_literal_part_is_judged() {
        assert!(judged("https://*.${var.domain}").is_empty());
        assert!(judged("'https://${var.host}:${var.port}'").is_empty());
        assert!(judged("${var.origin}").is_empty());
        assert_eq!(
            judged("'https://${var.domain}/'"),
            [Code::OriginNotSerialized]
        );
        assert_eq!(judged("https://${Domain}/app"), [Code::OriginNotSerialized]);
        assert_eq!(judged("HTTPS://${var.domain}"), [Code::OriginNotSerialized]);
        assert_eq!(
            judged("'${var.a},${var.b}'"),
            [Code::SeveralOriginsInOneHeader]
        );
    }
}
