//! `[[routes]]`: paths, methods, integrations, authorization, and the rules that
//! look across routes (duplicates, conflicting parameter names, authorizers on
//! an HTTP API catch-all). Per-route CORS (`[routes.cors]`) is `cors`'s: this
//! module knows nothing of CORS settings, so `cors` may depend on it and not
//! the other way round.

use super::{Findings, closed_set, tokens};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{ApiPath, ApiType, Authorization, Integration, Route};
use crate::policy::Sp;
use crate::policy::raw::RawRoute;
use std::collections::HashMap;
use std::ops::Range;

/// A route that passed its own checks, with the raw spans later rules point at.
pub struct CheckedRoute<'a> {
    pub route: Route,
    pub raw: &'a Sp<RawRoute>,
    pub method_spans: Vec<(String, Range<usize>)>,
}

pub fn validate<'a>(
    raw: &'a [Sp<RawRoute>],
    api_type: Option<ApiType>,
    f: &mut Findings,
) -> Vec<CheckedRoute<'a>> {
    let mut out = Vec::new();
    for r in raw {
        if let Some(checked) = validate_one(r, api_type, f) {
            out.push(checked);
        }
    }
    check_duplicates(&out, f);
    check_parameter_names(&out, f);
    out
}

fn validate_one<'a>(
    raw: &'a Sp<RawRoute>,
    api_type: Option<ApiType>,
    f: &mut Findings,
) -> Option<CheckedRoute<'a>> {
    let path = match &raw.path {
        None => {
            f.missing("path", "[[routes]]", raw.span());
            None
        }
        Some(p) => match ApiPath::parse(p) {
            Ok(path) => Some(path),
            Err(why) => {
                f.push(
                    Diagnostic::new(
                        Code::InvalidPath,
                        format!("invalid route path \"{}\"", p.as_str()),
                        p.span(),
                    )
                    .label(why)
                    .help("paths look like \"/items\", \"/items/{id}\" or \"/files/{proxy+}\""),
                );
                None
            }
        },
    };

    let (methods, method_spans) = match &raw.methods {
        None => {
            f.missing("methods", "[[routes]]", raw.span());
            (vec![], vec![])
        }
        Some(list) if list.is_empty() => {
            f.push(
                Diagnostic::new(
                    Code::NoMethods,
                    "a route needs at least one method",
                    list.span(),
                )
                .label("empty list")
                .help("list methods, e.g. [\"GET\"], or [\"ANY\"]"),
            );
            (vec![], vec![])
        }
        Some(list) => {
            let methods = tokens::route_methods(list, f);
            // The first spelling of each kept method (duplicates were reported).
            let mut spans: Vec<(String, Range<usize>)> = Vec::new();
            for m in list.iter() {
                let upper = m.to_ascii_uppercase();
                if methods.contains(&upper) && !spans.iter().any(|(u, _)| *u == upper) {
                    spans.push((upper, m.span()));
                }
            }
            (methods, spans)
        }
    };
    if api_type == Some(ApiType::Rest) {
        for (m, span) in &method_spans {
            if m == "OPTIONS" {
                f.push(
                    Diagnostic::new(
                        Code::DuplicateRoute,
                        "corsform generates the OPTIONS method of every REST path",
                        span.clone(),
                    )
                    .label("OPTIONS would be defined twice")
                    .help("remove OPTIONS: the generated preflight answers it with no authorizer"),
                );
            }
        }
    }

    let integration = match &raw.integration {
        None => Some(Integration::Lambda),
        Some(i) => {
            let v = closed_set::parse(
                i,
                "integration",
                &[
                    ("lambda", Integration::Lambda),
                    ("http", Integration::Http),
                    ("mock", Integration::Mock),
                ],
                f,
            );
            if v == Some(Integration::Mock) && api_type == Some(ApiType::Http) {
                f.push(
                    Diagnostic::new(
                        Code::MockOnHttpApi,
                        "HTTP APIs have no MOCK integrations",
                        i.span(),
                    )
                    .label("mock on an HTTP API")
                    .help("use integration = \"lambda\" or \"http\", or type = \"rest\""),
                );
            }
            v
        }
    };

    let authorization = match &raw.authorization {
        None => Some(Authorization::None),
        Some(a) => {
            let v = closed_set::parse(
                a,
                "authorization",
                &[
                    ("none", Authorization::None),
                    ("iam", Authorization::Iam),
                    ("jwt", Authorization::Jwt),
                    ("cognito", Authorization::Cognito),
                    ("custom", Authorization::Custom),
                ],
                f,
            );
            match (v, api_type) {
                (Some(Authorization::Jwt), Some(ApiType::Rest)) => f.push(
                    Diagnostic::new(Code::AuthorizationNotOnApiType, "JWT authorizers are an HTTP API feature", a.span())
                        .label("jwt on a REST API")
                        .help("use \"cognito\" for a Cognito user pool, or \"custom\" for a Lambda authorizer that checks the token"),
                ),
                (Some(Authorization::Cognito), Some(ApiType::Http)) => f.push(
                    Diagnostic::new(Code::AuthorizationNotOnApiType, "Cognito user pool authorizers are a REST API feature", a.span())
                        .label("cognito on an HTTP API")
                        .help("use \"jwt\" with the user pool's issuer URL and app client id"),
                ),
                _ => {}
            }
            v
        }
    };

    Some(CheckedRoute {
        route: Route {
            path: path?,
            methods,
            integration: integration?,
            authorization: authorization?,
            cors_override: None,
            // Set by `backends::resolve_routes`.
            backend: None,
        },
        raw,
        method_spans,
    })
}

fn check_duplicates(routes: &[CheckedRoute], f: &mut Findings) {
    let mut seen: HashMap<(String, String), &str> = HashMap::new();
    for r in routes {
        for (m, span) in &r.method_spans {
            let key = (r.route.path.shape(), m.clone());
            if let Some(first) = seen.get(&key) {
                f.push(
                    Diagnostic::new(
                        Code::DuplicateRoute,
                        format!("route {m} {} is declared twice", r.route.path.text),
                        span.clone(),
                    )
                    .label(format!("already declared as {m} {first}"))
                    .help("merge the two routes or remove one"),
                );
            } else {
                seen.insert(key, &r.route.path.text);
            }
        }
    }
}

/// API Gateway allows one variable part per position: `/a/{id}` and `/a/{key}/b`
/// cannot both exist ("A sibling of this resource already has a variable path part").
fn check_parameter_names(routes: &[CheckedRoute], f: &mut Findings) {
    let mut at_position: HashMap<String, (String, &str)> = HashMap::new();
    for r in routes {
        let path = &r.route.path;
        for (i, seg) in path.segments.iter().enumerate() {
            if !seg.is_variable() {
                continue;
            }
            let v = seg.declared();
            let position = path.prefix_shape(i);
            match at_position.get(&position) {
                Some((other, other_path)) if *other != v => {
                    let span = r.raw.path.as_ref().map_or(r.raw.span(), |p| p.span());
                    f.push(
                        Diagnostic::new(Code::InvalidPath, format!("`{v}` conflicts with `{other}` in \"{other_path}\""), span)
                            .label("two different variable parts at the same position")
                            .help(format!("API Gateway allows one variable part per position: use `{other}` in both paths")),
                    );
                    break;
                }
                Some(_) => {}
                None => {
                    at_position.insert(position, (v, &path.text));
                }
            }
        }
    }
}

/// On an HTTP API an authorizer on `ANY /{proxy+}` also receives the browser's
/// OPTIONS preflights, which then fail (docs/cors-facts.md; the known fix is an
/// unauthorized OPTIONS route on the same path). `covered`: the paths whose
/// preflights something else keeps from the authorizer (a `scope = "cors"`
/// layer's OPTIONS routes, validate/scope.rs).
pub fn check_catch_all_authorizer(routes: &[CheckedRoute], covered: &[&str], f: &mut Findings) {
    for r in routes {
        if covered.contains(&r.route.path.text.as_str()) {
            continue;
        }
        let catches_options = r.route.methods.iter().any(|m| m == "ANY");
        if !r.route.path.is_greedy()
            || !catches_options
            || r.route.authorization == Authorization::None
        {
            continue;
        }
        let has_open_options = routes.iter().any(|o| {
            o.route.path.shape() == r.route.path.shape()
                && o.route.methods.iter().any(|m| m == "OPTIONS")
                && o.route.authorization == Authorization::None
        });
        if has_open_options {
            continue;
        }
        let span = r
            .raw
            .authorization
            .as_ref()
            .map_or(r.raw.span(), |a| a.span());
        f.push(
            Diagnostic::new(Code::AuthorizerOnCatchAll, format!("the authorizer on ANY {} also receives browsers' preflights, which then fail", r.route.path.text), span)
                .label("authorizer on a catch-all route")
                .help(format!("add a route {{ path = \"{}\", methods = [\"OPTIONS\"], authorization = \"none\" }}", r.route.path.text)),
        );
    }
}
