//! `[cloudfront]`, `[buckets.NAME]` and `[function_urls.NAME]` (docs/design.md
//! "The rest of the browser's path"): each bucket and function URL becomes a
//! [`Service`] whose CORS takes `[cors]`'s origins, credentials and max age
//! unless it sets its own, checked against that service's own rules, which
//! are not API Gateway's.
//!
//! Facts, by service:
//! - S3 (User Guide, "Elements of a CORS configuration"; API reference,
//!   "CORSRule"): AllowedMethods are GET, PUT, POST, DELETE and HEAD only; an
//!   AllowedOrigin may hold one `*` anywhere, which matches any characters,
//!   dots included, so `https://*.example.com` also admits
//!   `https://a.b.example.com`; S3 answers a preflight with the requested
//!   headers when AllowedHeaders covers them, so `*` there is a real
//!   wildcard; ExposeHeaders names headers, it has no wildcard. A browser
//!   completing a multipart upload must read each part's ETag, so PUT or POST
//!   without ETag exposed breaks multipart uploads.
//! - Lambda function URLs (Lambda API reference, "Cors"): AllowMethods are
//!   GET, PUT, HEAD, POST, PATCH, DELETE or `*`, at most 6; AllowOrigins are
//!   exact origins or `*` (at most 100, each at most 253 characters);
//!   AllowHeaders and ExposeHeaders at most 100, each at most 1024
//!   characters; MaxAge 0..86400. Lambda sends the configured lists as they
//!   are, so the Fetch standard's rules on `*` (a literal name with
//!   credentials; never Authorization) apply as on API Gateway.

use super::{Findings, backends, cors, max_age, origins, tokens};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{ApiType, Cloudfront, Cors, Origin, Owner, Service, ServiceKind};
use crate::policy::Sp;
use crate::policy::raw::{RawCors, RawDirectService, RawPolicy};
use heck::ToUpperCamelCase;
use std::collections::BTreeMap;

const S3_METHODS: &[&str] = &["GET", "PUT", "POST", "DELETE", "HEAD"];
const FUNCTION_URL_METHODS: &[&str] = &["GET", "PUT", "HEAD", "POST", "PATCH", "DELETE", "*"];
const FUNCTION_URL_MAX_METHODS: usize = 6;
const FUNCTION_URL_MAX_ORIGINS: usize = 100;
const FUNCTION_URL_MAX_ORIGIN_CHARS: usize = 253;
const FUNCTION_URL_MAX_HEADERS: usize = 100;
const FUNCTION_URL_MAX_HEADER_CHARS: usize = 1024;

/// `[cloudfront]`, when present.
pub fn cloudfront(raw: &RawPolicy) -> Option<Cloudfront> {
    raw.cloudfront.as_ref().map(|_| Cloudfront::default())
}

/// Every bucket, then every function URL, each in name order. `base` is the
/// validated `[cors]`; without it (already reported) nothing is checked.
pub fn validate(raw: &RawPolicy, base: Option<&Cors>, f: &mut Findings) -> Vec<Service> {
    let Some(base) = base else { return vec![] };
    let mut out = Vec::new();
    for (kind, table) in [
        (ServiceKind::Bucket, &raw.buckets),
        (ServiceKind::FunctionUrl, &raw.function_urls),
    ] {
        let Some(table) = table else { continue };
        check_pascal_collisions(kind, table, f);
        for (name, entry) in table.iter() {
            if !backends::valid_name(name, &['_']) {
                f.push(
                    Diagnostic::new(Code::InvalidServiceName, format!("invalid {} name \"{name}\"", kind.label()), entry.span())
                        .label("1-40 of [a-z0-9_], starting with a letter")
                        .help(format!("the name becomes a Terraform variable and a CloudFormation Parameter name; use e.g. [{}.uploads]", kind.table())),
                );
                continue;
            }
            if let Some(cors) = service_cors(kind, name, entry, base, f) {
                out.push(Service {
                    name: name.clone(),
                    kind,
                    cors,
                });
            }
        }
    }
    out
}

/// `a_1` and `a1` are both `A1` in CloudFormation.
fn check_pascal_collisions(
    kind: ServiceKind,
    table: &Sp<BTreeMap<String, Sp<RawDirectService>>>,
    f: &mut Findings,
) {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (name, entry) in table.iter() {
        let pascal = name.to_upper_camel_case();
        if let Some(other) = seen.insert(pascal.clone(), name) {
            f.push(
                Diagnostic::new(Code::InvalidServiceName, format!("{} names \"{other}\" and \"{name}\" both become `{pascal}` in CloudFormation", kind.label()), entry.span())
                    .label("same Parameter and resource names as another entry")
                    .help("rename one of them so they differ in more than underscores"),
            );
        }
    }
}

fn service_cors(
    kind: ServiceKind,
    name: &str,
    raw: &Sp<RawDirectService>,
    base: &Cors,
    f: &mut Findings,
) -> Option<Cors> {
    let table = format!("[{}.{name}]", kind.table());
    let Some(methods_raw) = &raw.methods else {
        f.missing("methods", &table, raw.span());
        return None;
    };
    let allow_credentials = raw
        .allow_credentials
        .as_ref()
        .map_or(base.allow_credentials, |c| *c.get());
    // Patterns are checked below per service, so origins are read as a
    // REST API reads them (which accepts patterns).
    let allow_origins = match &raw.allow_origins {
        Some(list) => origins::validate(list, Some(ApiType::Rest), allow_credentials, f),
        None => {
            if allow_credentials && base.allows_any_origin() {
                let at = raw
                    .allow_credentials
                    .as_ref()
                    .map_or(raw.span(), |c| c.span());
                f.push(
                    Diagnostic::new(
                        Code::WildcardOriginWithCredentials,
                        format!("credentials enabled in {table} while [cors] allows origin `*`"),
                        at,
                    )
                    .label("credentials with an inherited `*` origin")
                    .help(format!(
                        "list exact origins in {table}, or leave allow_credentials false"
                    )),
                );
            }
            base.allow_origins.clone()
        }
    };
    let allow_methods = tokens::cors_methods(methods_raw, f);
    let allow_headers = raw
        .allow_headers
        .as_ref()
        .map(|l| tokens::headers(l, "allow_headers", f))
        .unwrap_or_default();
    let writes = allow_methods.iter().any(|m| m == "PUT" || m == "POST");
    let expose_headers = match &raw.expose_headers {
        Some(l) => tokens::headers(l, "expose_headers", f),
        None if kind == ServiceKind::Bucket && writes => vec!["etag".to_string()],
        None => vec![],
    };
    let max_age = match &raw.max_age {
        // A function URL's MaxAge has an HTTP API's ceiling (86400).
        Some(m) => max_age::validate(m, Some(ApiType::Http), f),
        None => base.max_age,
    };
    let cors = Cors {
        allow_origins,
        allow_methods,
        allow_headers,
        expose_headers,
        allow_credentials,
        max_age,
        preflight_status: 204,
        owner: Owner::Gateway,
    };
    match kind {
        ServiceKind::Bucket => check_bucket(&table, raw, &cors, writes, f),
        ServiceKind::FunctionUrl => check_function_url(&table, raw, &cors, f),
    }
    Some(cors)
}

fn check_bucket(
    table: &str,
    raw: &Sp<RawDirectService>,
    cors: &Cors,
    writes: bool,
    f: &mut Findings,
) {
    for m in raw.methods.iter().flat_map(|l| l.iter()) {
        let upper = m.to_ascii_uppercase();
        if !S3_METHODS.contains(&upper.as_str()) {
            f.push(
                Diagnostic::new(Code::NotOnService, format!("S3 CORS rules cannot allow `{}`", m.as_str()), m.span())
                    .label("not one of GET, PUT, POST, DELETE, HEAD")
                    .help(format!("remove it from {table} methods: S3 refuses the whole CORS configuration with it")),
            );
        }
    }
    if let Some(star) = raw
        .expose_headers
        .iter()
        .flat_map(|l| l.iter())
        .find(|h| h.as_str() == "*")
    {
        f.push(
            Diagnostic::new(
                Code::NotOnService,
                "S3 has no wildcard in ExposeHeaders",
                star.span(),
            )
            .label("a header literally named `*`")
            .help("list the response headers script reads, e.g. [\"etag\", \"x-amz-version-id\"]"),
        );
    }
    for o in &cors.allow_origins {
        if let Origin::Pattern { .. } = o {
            let at = origin_span(raw, o);
            f.push(
                Diagnostic::new(Code::BucketPatternWider, format!("on S3, \"{}\" also allows deeper subdomains", o.as_str()), at)
                    .label("S3's `*` matches any characters, dots included")
                    .help("list the exact origins in this table's allow_origins if a.b.<domain> must be refused"),
            );
        }
    }
    if writes && !cors.expose_headers.iter().any(|h| h == "etag") {
        let at = raw.expose_headers.as_ref().map_or(raw.span(), |l| l.span());
        f.push(
            Diagnostic::new(Code::EtagNotExposed, format!("{table} accepts uploads but does not expose ETag"), at)
                .label("ETag missing")
                .help("add \"etag\" to expose_headers: a multipart upload's browser code reads each part's ETag to complete it"),
        );
    }
}

fn check_function_url(table: &str, raw: &Sp<RawDirectService>, cors: &Cors, f: &mut Findings) {
    let methods = raw.methods.as_ref();
    for m in methods.iter().flat_map(|l| l.iter()) {
        let upper = m.to_ascii_uppercase();
        if !FUNCTION_URL_METHODS.contains(&upper.as_str()) {
            let help = if upper == "OPTIONS" {
                "remove it: Lambda answers the preflight itself once the URL has a cors block"
                    .to_string()
            } else {
                format!(
                    "remove it from {table} methods; the allowed ones are GET, PUT, HEAD, POST, PATCH, DELETE and \"*\""
                )
            };
            f.push(
                Diagnostic::new(
                    Code::NotOnService,
                    format!("a function URL's CORS cannot allow `{}`", m.as_str()),
                    m.span(),
                )
                .label("not one of GET, PUT, HEAD, POST, PATCH, DELETE, *")
                .help(help),
            );
        }
    }
    if let Some(list) = methods.filter(|l| l.len() > FUNCTION_URL_MAX_METHODS) {
        f.push(limit(
            list.span(),
            "methods",
            FUNCTION_URL_MAX_METHODS,
            "use [\"*\"] for every method",
        ));
    }
    let origin_list = raw.allow_origins.as_ref();
    for o in &cors.allow_origins {
        let at = origin_span(raw, o);
        if let Origin::Pattern { .. } = o {
            f.push(
                Diagnostic::new(
                    Code::NotOnService,
                    format!("a function URL cannot match the pattern \"{}\"", o.as_str()),
                    at,
                )
                .label("function URLs take exact origins or `*`")
                .help(format!("list each subdomain in {table} allow_origins")),
            );
        } else if o.as_str().len() > FUNCTION_URL_MAX_ORIGIN_CHARS {
            f.push(
                Diagnostic::new(Code::ServiceLimit, format!("origin longer than a function URL's {FUNCTION_URL_MAX_ORIGIN_CHARS} characters"), at)
                    .label("too long for AllowOrigins")
                    .help("Lambda refuses the URL's CORS configuration with it"),
            );
        }
    }
    if cors.allow_origins.len() > FUNCTION_URL_MAX_ORIGINS {
        let at = origin_list.map_or(raw.span(), |l| l.span());
        f.push(limit(
            at,
            "allow_origins",
            FUNCTION_URL_MAX_ORIGINS,
            "serve the rest through an API Gateway route",
        ));
    }
    for (key, list) in [
        ("allow_headers", &raw.allow_headers),
        ("expose_headers", &raw.expose_headers),
    ] {
        let Some(list) = list else { continue };
        if list.len() > FUNCTION_URL_MAX_HEADERS {
            f.push(limit(
                list.span(),
                key,
                FUNCTION_URL_MAX_HEADERS,
                "list only the headers the front end uses",
            ));
        }
        if let Some(long) = list
            .iter()
            .find(|h| h.len() > FUNCTION_URL_MAX_HEADER_CHARS)
        {
            f.push(
                Diagnostic::new(
                    Code::ServiceLimit,
                    format!("a header name longer than {FUNCTION_URL_MAX_HEADER_CHARS} characters"),
                    long.span(),
                )
                .label("too long for a function URL")
                .help("Lambda refuses the URL's CORS configuration with it"),
            );
        }
    }
    // Lambda sends the lists as configured: `*` follows the Fetch rules.
    let synthetic = Sp::synthetic(
        RawCors {
            allow_origins: None,
            allow_methods: raw.methods.clone(),
            allow_headers: raw.allow_headers.clone(),
            expose_headers: raw.expose_headers.clone(),
            allow_credentials: raw.allow_credentials.clone(),
            max_age: None,
            preflight_status: None,
            owner: None,
        },
        raw.span(),
    );
    cors::check_wildcards(&synthetic, cors, f);
}

/// Where a finding about origin `o` points: its entry in the table's own
/// allow_origins, or the table when the origin is inherited from [cors].
fn origin_span(raw: &Sp<RawDirectService>, o: &Origin) -> std::ops::Range<usize> {
    raw.allow_origins
        .as_ref()
        .and_then(|l| {
            l.iter()
                .find(|e| e.as_str() == o.as_str())
                .map(|e| e.span())
        })
        .unwrap_or(raw.span())
}

fn limit(at: std::ops::Range<usize>, key: &str, max: usize, help: &str) -> Diagnostic {
    Diagnostic::new(
        Code::ServiceLimit,
        format!("more than {max} entries in a function URL's {key}"),
        at,
    )
    .label(format!("a function URL's CORS takes at most {max}"))
    .help(format!(
        "{help}; Lambda refuses the configuration otherwise"
    ))
}
