//! Response parameters as API Gateway reads them: keys it accepts, static
//! values single-quoted, every mapped header declared in the method response.

use super::*;

/// Keys API Gateway accepts, values it can evaluate (CORS-FACTS, REST:
/// unquoted values are mapping expressions).
pub(super) fn mapping_checks(ms: &[Mapping], prefix: &str, out: &mut Vec<Finding>) {
    for m in ms {
        let Some(name) = m.key.strip_prefix(prefix) else {
            out.push(at(
                Code::InvalidMappingKey,
                &m.key_loc,
                format!("`{}` is not a response parameter key API Gateway accepts: the deploy fails or the header is never sent", m.key),
                format!("write the key as `{prefix}{}`", m.key.rsplit('.').next().unwrap_or(&m.key)),
            ));
            continue;
        };
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        {
            out.push(at(
                Code::InvalidMappingKey,
                &m.key_loc,
                format!("`{name}` is not a valid header name"),
                "use an HTTP token as the header name",
            ));
        }
        let Some(v) = m.value.text.as_deref() else {
            continue;
        };
        let expression = [
            "method.request.",
            "integration.response.",
            "context.",
            "stageVariables.",
        ]
        .iter()
        .any(|p| v.starts_with(p));
        let quoted = v.len() >= 2 && v.starts_with('\'') && v.ends_with('\'');
        if !(expression || quoted) {
            out.push(at(
                Code::MappingValueNotQuoted,
                &m.value.loc,
                format!("`{v}` is not single-quoted: API Gateway reads it as a mapping expression and refuses the deploy (\"Invalid mapping expression specified\")"),
                format!("write the static value as \"'{v}'\""),
            ));
        }
    }
}

pub(super) fn undeclared(m: &Method, r: &IntegrationResponse, out: &mut Vec<Finding>) {
    let declared = m.responses.iter().find(|mr| mr.status == r.status);
    for map in r
        .mappings
        .iter()
        .filter(|x| x.key.starts_with("method.response.header."))
    {
        let ok = declared.is_some_and(|d| {
            d.headers.iter().any(|h| {
                h.eq_ignore_ascii_case(&map.key)
                    || map.header().is_some_and(|n| h.eq_ignore_ascii_case(n))
            })
        });
        if !ok {
            out.push(at(
                Code::HeaderNotDeclared,
                &map.key_loc,
                format!("`{}` is not declared in the {} {} method response for status {}: API Gateway refuses the mapping", map.key, m.method, m.path, r.status),
                format!("declare `{}` (= true) in the method response with status {}", map.key, r.status),
            ));
        }
    }
}
