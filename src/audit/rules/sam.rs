//! SAM `AWS::Serverless::Api.Cors`: quoted literals, one origin.

use super::allowed::{Allowed, check, literal_list};
use super::response::{max_age, response_checks, wildcard_headers};
use super::templated::templated_origin;
use super::*;

/// SAM `Cors`: every value is a quoted literal; AllowOrigin is ONE origin
/// (CORS-FACTS, SAM; SAM issue 3769).
pub(super) fn sam_cors(api: &Api, c: &CorsConfig, out: &mut Vec<Finding>) {
    for v in c
        .origins
        .iter()
        .chain(&c.methods)
        .chain(&c.headers)
        .chain(&c.max_age)
    {
        if let Some(t) = v.text.as_deref()
            && quoted_literal(v).is_none()
        {
            out.push(at(
                Code::MappingValueNotQuoted,
                &v.loc,
                format!("SAM Cors values are mapping expressions: `{t}` is not single-quoted, so the deploy fails"),
                format!("write \"'{t}'\""),
            ));
        }
    }
    let creds = c
        .credentials
        .as_ref()
        .and_then(|v| v.text.as_deref())
        .is_some_and(|t| t == "true" || t == "'true'");
    for o in &c.origins {
        let Some(v) = quoted_literal(o) else {
            templated_origin(o, out);
            continue;
        };
        let mut ms = vec![Mapping {
            key: "method.response.header.Access-Control-Allow-Origin".into(),
            key_loc: o.loc.clone(),
            value: Value {
                text: Some(format!("'{v}'")),
                loc: o.loc.clone(),
                template: None,
                per_env: vec![],
            },
        }];
        if creds {
            ms.push(Mapping {
                key: "method.response.header.Access-Control-Allow-Credentials".into(),
                key_loc: o.loc.clone(),
                value: Value {
                    text: Some("'true'".into()),
                    loc: o.loc.clone(),
                    template: None,
                    per_env: vec![],
                },
            });
        }
        response_checks(&ms, &[], false, out);
    }
    // `Cors: !If [...]` or another computed value: nothing is known of its lists.
    let computed = c.origins.iter().all(|o| o.text.is_none())
        && c.methods.is_empty()
        && c.headers.is_empty()
        && c.credentials.is_none();
    if !computed {
        // SAM (samtranslator swagger.add_cors): AllowMethods defaults to the
        // path's own methods; AllowHeaders, when absent, sends no
        // Access-Control-Allow-Headers at all (SAM issue 1151).
        let needs: Vec<(String, String, Vec<String>)> = api
            .methods
            .iter()
            .filter(|m| m.method != "OPTIONS")
            .map(|m| (m.path.clone(), m.method.clone(), api.method_headers(m)))
            .collect();
        check(
            &Allowed {
                methods: if c.methods.is_empty() {
                    None
                } else {
                    literal_list(&c.methods)
                },
                headers: literal_list(&c.headers),
                credentials: creds,
                methods_at: c.methods.first().map_or(&c.loc, |v| &v.loc),
                headers_at: c.headers.first().map_or(&c.loc, |v| &v.loc),
                methods_key: "Cors.AllowMethods",
                headers_key: "Cors.AllowHeaders (one quoted, comma-separated string)",
            },
            &needs,
            out,
        );
    }
    if let Some(h) = c.headers.first().and_then(quoted_literal) {
        wildcard_headers(h.split(',').map(str::trim), &c.headers[0].loc, out);
    }
    if let Some(m) = c.max_age.as_ref().and_then(quoted_literal) {
        max_age(
            &m,
            &c.max_age
                .as_ref()
                .map(|v| v.loc.clone())
                .unwrap_or_default(),
            ApiKind::Rest,
            out,
        );
    }
}
