//! Header names in REST mapping values. On a REST API every static header
//! value is a mapping expression, a single-quoted literal (`'content-type,x-id'`),
//! and API Gateway documents no escape for a quote inside it ("the static value
//! must be enclosed within a pair of single quotes"; API Gateway developer guide,
//! "Parameter mapping"). `'` is a valid header-name character (RFC 9110, 5.6.2
//! `tchar`), so a name like `x-it's` would pass the token check and then end the
//! literal early: refused here, for every list that reaches a mapping value.

use super::Findings;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::ApiType;
use crate::policy::Sp;
use crate::policy::raw::{RawCors, RawPolicy};

pub fn check(raw: &RawPolicy, api_type: Option<ApiType>, f: &mut Findings) {
    if api_type != Some(ApiType::Rest) {
        return;
    }
    let route_cors = raw.routes.iter().filter_map(|r| r.cors.as_ref());
    for cors in raw.cors.iter().chain(route_cors) {
        check_cors(cors, f);
    }
}

fn check_cors(cors: &Sp<RawCors>, f: &mut Findings) {
    for (key, list) in [
        ("allow_headers", &cors.allow_headers),
        ("expose_headers", &cors.expose_headers),
    ] {
        for name in list.iter().flat_map(|l| l.iter()) {
            if name.contains('\'') {
                f.push(
                    Diagnostic::new(
                        Code::QuoteInRestHeader,
                        format!("`{}` in {key}: a REST API cannot send a header name containing `'`", name.get()),
                        name.span(),
                    )
                    .label("ends API Gateway's single-quoted mapping value early")
                    .help("rename the header without `'` (API Gateway has no escape for it in a static mapping value), or use an HTTP API"),
                );
            }
        }
    }
}
