//! `allow_origins`: each entry parsed into an [`Origin`] the way a browser
//! serializes origins (Fetch standard, "origin" and "serializing an origin";
//! RFC 6454 section 6.2): lower-case scheme and host, no default port, no path,
//! no trailing slash. A browser's `Origin` header never differs from that form,
//! so an entry in any other form can never match and is an error.

use super::Findings;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::origin::{is_dns_label, split_port};
use crate::model::{ApiType, Origin};
use crate::policy::Sp;

/// Parse the list. Returns the origins that are valid, de-duplicated.
pub fn validate(
    list: &Sp<Vec<Sp<String>>>,
    api_type: Option<ApiType>,
    credentials: bool,
    f: &mut Findings,
) -> Vec<Origin> {
    if list.is_empty() {
        f.push(
            Diagnostic::new(
                Code::NoOrigins,
                "allow_origins is empty: no browser origin would be allowed",
                list.span(),
            )
            .label("empty list")
            .help("list the origins of your front ends, e.g. [\"https://app.example.com\"]"),
        );
        return vec![];
    }
    let mut out: Vec<Origin> = Vec::new();
    let wildcard_alone = list.len() == 1;
    for entry in list.iter() {
        let Some(origin) = parse_entry(entry, f) else {
            continue;
        };
        if out.iter().any(|o| o.as_str() == origin.as_str()) {
            f.push(
                Diagnostic::new(
                    Code::DuplicateOrigin,
                    format!("origin \"{}\" is listed twice", entry.as_str()),
                    entry.span(),
                )
                .label("duplicate")
                .help("remove the second entry"),
            );
            continue;
        }
        match &origin {
            Origin::Any if !wildcard_alone => f.push(
                Diagnostic::new(Code::WildcardNotAlone, "`*` allows every origin, so it cannot be mixed with others", entry.span())
                    .label("`*` with other origins")
                    .help("use [\"*\"] alone for a public API, or list only the exact origins"),
            ),
            Origin::Any if credentials => f.push(
                Diagnostic::new(Code::WildcardOriginWithCredentials, "`*` origin with allow_credentials = true: browsers refuse credentialed responses for `*`", entry.span())
                    .label("wildcard origin")
                    .help("list the exact origins that may send credentials, or set allow_credentials = false"),
            ),
            Origin::Pattern { .. } if api_type == Some(ApiType::Http) => f.push(
                Diagnostic::new(Code::PatternOnHttpApi, "HTTP APIs cannot express subdomain patterns in cors_configuration", entry.span())
                    .label("pattern on an HTTP API")
                    .help("list each subdomain as an exact origin, use type = \"rest\", or set owner = \"lambda\" and match origins in the function"),
            ),
            Origin::Exact(s) if credentials && s.starts_with("http://") && !is_loopback(s) => f.push(
                Diagnostic::new(Code::InsecureOriginWithCredentials, format!("\"{s}\" is plain http and is trusted with credentials"), entry.span())
                    .label("http:// origin with credentials")
                    .help("anyone on the network path can act as this origin; use https, or keep http only for localhost"),
            ),
            _ => {}
        }
        out.push(origin);
    }
    out
}

fn is_loopback(origin: &str) -> bool {
    let host = origin.trim_start_matches("http://");
    let host = host
        .rsplit_once(':')
        .filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit()))
        .map_or(host, |(h, _)| h);
    host == "localhost" || host.ends_with(".localhost") || host == "127.0.0.1" || host == "[::1]"
}

fn malformed(entry: &Sp<String>, why: &str, help: String) -> Diagnostic {
    Diagnostic::new(
        Code::MalformedOrigin,
        format!("malformed origin \"{}\": {why}", entry.as_str()),
        entry.span(),
    )
    .label(why.to_string())
    .help(help)
}

fn parse_entry(entry: &Sp<String>, f: &mut Findings) -> Option<Origin> {
    let text = entry.as_str();
    if text == "*" {
        return Some(Origin::Any);
    }
    // `import` writes `${name}` for an origin the files compute from a
    // variable or parameter with no default (src/import): say which.
    if let Some(start) = text.find("${")
        && let Some(len) = text[start..].find('}')
    {
        let name = &text[start + 2..start + len];
        f.push(
            Diagnostic::new(
                Code::UnresolvedPlaceholder,
                format!("`{text}` is a placeholder: the files take this origin from `{name}`, whose value import could not know"),
                entry.span(),
            )
            .label(format!("the value of `{name}`"))
            .help(format!("write the origin(s) `{name}` holds in each environment (an [environments] table when they differ)")),
        );
        return None;
    }
    if text == "null" {
        f.push(
            Diagnostic::new(
                Code::NullOrigin,
                "the `null` origin is sent by sandboxed iframes, file:// pages and some redirects",
                entry.span(),
            )
            .label("`null` origin")
            .help("any page can produce `Origin: null`; allow it only if you mean every such page"),
        );
        return Some(Origin::Exact("null".into()));
    }
    // Several origins in one entry (a copied header value): the help names
    // each as its own entry, never a fragment cut at the first `/`.
    if text.contains([',', ' ']) {
        let parts: Vec<String> = text
            .split([',', ' '])
            .filter(|p| !p.is_empty())
            .map(|p| format!("\"{p}\""))
            .collect();
        f.push(malformed(
            entry,
            "several origins in one entry",
            format!("list each origin as its own entry: {}", parts.join(", ")),
        ));
        return None;
    }
    let Some((scheme, rest)) = text.split_once("://") else {
        f.push(malformed(
            entry,
            "missing scheme",
            format!("write it as a browser sends it, e.g. \"https://{text}\""),
        ));
        return None;
    };
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        f.push(malformed(
            entry,
            "invalid scheme",
            "an origin starts with a scheme such as https:// or http://".into(),
        ));
        return None;
    }
    if scheme.chars().any(|c| c.is_ascii_uppercase()) {
        f.push(malformed(
            entry,
            "upper-case scheme",
            format!(
                "browsers send \"{}\"",
                text.replacen(scheme, &scheme.to_ascii_lowercase(), 1)
            ),
        ));
        return None;
    }
    let (authority, tail) = match rest.find(['/', '?', '#']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let bare = format!("{scheme}://{authority}");
    if tail == "/" {
        f.push(malformed(
            entry,
            "trailing slash",
            format!("browsers send \"{bare}\" with no trailing slash"),
        ));
        return None;
    }
    if !tail.is_empty() {
        f.push(malformed(
            entry,
            "origins have no path, query or fragment",
            format!("use \"{bare}\""),
        ));
        return None;
    }
    if authority.contains('@') {
        f.push(malformed(
            entry,
            "origins have no user info",
            "remove the part before `@`".into(),
        ));
        return None;
    }
    let (host, port) = split_port(authority);
    if let Some(port) = port {
        match port.parse::<u16>() {
            Ok(p) if p > 0 => {
                if (scheme == "https" && p == 443) || (scheme == "http" && p == 80) {
                    f.push(malformed(
                        entry,
                        "default port",
                        format!("browsers omit the default port: use \"{scheme}://{host}\""),
                    ));
                    return None;
                }
            }
            _ => {
                f.push(malformed(
                    entry,
                    "invalid port",
                    "a port is a number from 1 to 65535".into(),
                ));
                return None;
            }
        }
    }
    if host.chars().any(|c| c.is_ascii_uppercase()) {
        f.push(malformed(
            entry,
            "upper-case host",
            format!(
                "browsers send the host in lower case: \"{}\"",
                text.to_ascii_lowercase()
            ),
        ));
        return None;
    }
    if let Some(parent) = host.strip_prefix("*.") {
        if !is_hostname(parent) || !parent.contains('.') {
            f.push(malformed(
                entry,
                "a subdomain pattern needs a parent domain with a dot",
                "write e.g. \"https://*.example.com\"".into(),
            ));
            return None;
        }
        let suffix = format!(
            ".{parent}{}",
            port.map(|p| format!(":{p}")).unwrap_or_default()
        );
        return Some(Origin::Pattern {
            text: text.into(),
            scheme: scheme.into(),
            suffix,
        });
    }
    if host.contains('*') {
        f.push(malformed(
            entry,
            "`*` may only stand for the first label",
            "patterns are one label wide: \"https://*.example.com\"".into(),
        ));
        return None;
    }
    if !(is_hostname(host) || is_ip_literal(host)) {
        f.push(malformed(
            entry,
            "invalid host",
            "a host is DNS labels of [a-z0-9-] separated by dots, or an IP address".into(),
        ));
        return None;
    }
    Some(Origin::Exact(text.into()))
}

fn is_hostname(host: &str) -> bool {
    !host.is_empty() && host.len() <= 253 && host.split('.').all(is_dns_label)
}

fn is_ip_literal(host: &str) -> bool {
    host.parse::<std::net::Ipv4Addr>().is_ok()
        || host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .is_some_and(|h| h.parse::<std::net::Ipv6Addr>().is_ok())
}
