//! What a deployment answers: for one request, the CORS headers the chosen
//! target sends on the preflight, on the actual response and on an error
//! response. Everything is evaluated from the plans the renderers use
//! (`derive::rest_api`, `derive::lambda`) or, for an HTTP API that owns CORS,
//! from `cors_configuration` as API Gateway applies it; nothing here restates
//! the policy rules. `explain` runs the browser model on these answers and
//! `serve` sends them.

use crate::browser::{Request, Response};
use crate::derive::rest_api::{self, CorsResponse, Header, RestApiPlan};
use crate::model::{
    ApiPath, ApiType, Authorization, Cors, Integration, Owner, Policy, Route, Segment,
};

/// One response and who produced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub response: Response,
    /// Who answers, in words: "API Gateway (MOCK preflight)", "the Lambda helper", ...
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// The route template the path matched, if any.
    pub route: Option<String>,
    pub preflight: Answer,
    pub actual: Answer,
    /// An error API Gateway itself produces (authorizer 401/403, throttling, 5xx).
    pub error: Answer,
}

/// Whether `template` (`/items/{id}`, `/files/{proxy+}`) matches the concrete `path`.
pub fn path_matches(template: &ApiPath, path: &str) -> bool {
    let parts: Vec<&str> = path
        .trim_start_matches('/')
        .split('/')
        .filter(|p| !p.is_empty())
        .collect();
    let segs = &template.segments;
    for (i, seg) in segs.iter().enumerate() {
        match seg {
            Segment::Greedy(_) => return parts.len() > i,
            Segment::Literal(l) => {
                if parts.get(i) != Some(&l.as_str()) {
                    return false;
                }
            }
            Segment::Param(_) => {
                if parts.get(i).is_none() {
                    return false;
                }
            }
        }
    }
    parts.len() == segs.len()
}

/// The most specific route path matching `path` (literals before parameters before greedy).
fn matching_routes<'a>(policy: &'a Policy, path: &str) -> Vec<&'a Route> {
    let mut best: Option<(usize, &str)> = None;
    for r in &policy.routes {
        if path_matches(&r.path, path) {
            let score = r
                .path
                .segments
                .iter()
                .map(|s| match s {
                    Segment::Literal(_) => 3,
                    Segment::Param(_) => 2,
                    Segment::Greedy(_) => 1,
                })
                .sum::<usize>()
                * 10
                + r.path.segments.len();
            if best.is_none_or(|(b, _)| score > b) {
                best = Some((score, &r.path.text));
            }
        }
    }
    best.map(|(_, p)| policy.routes.iter().filter(|r| r.path.text == p).collect())
        .unwrap_or_default()
}

fn find_method<'a>(routes: &[&'a Route], method: &str) -> Option<&'a Route> {
    routes
        .iter()
        .copied()
        .find(|r| r.methods.iter().any(|m| m == method))
        .or_else(|| {
            routes
                .iter()
                .copied()
                .find(|r| r.methods.iter().any(|m| m == "ANY"))
        })
}

fn header_value(h: &Header, origin: &str) -> Option<String> {
    if let Some(v) = h
        .mapping
        .strip_prefix('\'')
        .and_then(|v| v.strip_suffix('\''))
    {
        return Some(v.to_string());
    }
    (h.mapping == "method.request.header.Origin" && !origin.is_empty()).then(|| origin.to_string())
}

/// A REST response API Gateway produces: static mappings, then the VTL override.
fn eval_rest(resp: &CorsResponse, origin: &str) -> Response {
    let mut headers: Vec<(String, String)> = resp
        .headers
        .iter()
        .filter_map(|h| header_value(h, origin).map(|v| (h.name.clone(), v)))
        .collect();
    if resp.template.is_some() && resp.echo_origins.iter().any(|o| o.matches(origin)) {
        headers.retain(|(n, _)| n != "Access-Control-Allow-Origin");
        headers.insert(
            0,
            ("Access-Control-Allow-Origin".into(), origin.to_string()),
        );
    }
    Response {
        status: resp.status,
        headers,
    }
}

fn gateway_error(plan: &RestApiPlan, types: &[&str], status: u16, origin: &str) -> Response {
    let g = types.iter().find_map(|t| {
        plan.gateway_responses
            .iter()
            .find(|g| g.response_type == *t)
    });
    let headers = g
        .map(|g| {
            g.headers
                .iter()
                .filter_map(|h| header_value(h, origin).map(|v| (h.name.clone(), v)))
                .collect()
        })
        .unwrap_or_default();
    Response { status, headers }
}

/// The headers corsform's Lambda helper sends (`derive::lambda`, same model).
fn helper(cors: &Cors, origin: &str, preflight: bool, status: u16) -> Response {
    let mut headers = Vec::new();
    let allowed = cors.allows_any_origin() || cors.allow_origins.iter().any(|o| o.matches(origin));
    if allowed {
        headers.push((
            "Access-Control-Allow-Origin".to_string(),
            if cors.allows_any_origin() {
                "*".into()
            } else {
                origin.to_string()
            },
        ));
        if cors.allow_credentials {
            headers.push(("Access-Control-Allow-Credentials".into(), "true".into()));
        }
        if preflight {
            if !cors.allow_methods.is_empty() {
                headers.push((
                    "Access-Control-Allow-Methods".into(),
                    cors.allow_methods.join(","),
                ));
            }
            if !cors.allow_headers.is_empty() {
                headers.push((
                    "Access-Control-Allow-Headers".into(),
                    cors.allow_headers.join(","),
                ));
            }
            if let Some(m) = cors.max_age {
                headers.push(("Access-Control-Max-Age".into(), m.to_string()));
            }
        } else if !cors.expose_headers.is_empty() {
            headers.push((
                "Access-Control-Expose-Headers".into(),
                cors.expose_headers.join(","),
            ));
        }
    }
    if rest_api::origin_varies(cors) {
        headers.push(("Vary".into(), "Origin".into()));
    }
    Response {
        status: if preflight {
            cors.preflight_status
        } else {
            status
        },
        headers,
    }
}

/// An HTTP API with cors_configuration: API Gateway answers preflights and
/// adds the headers to every response it returns, its own errors included.
fn http_gateway(cors: &Cors, origin: &str, preflight: bool, status: u16) -> Response {
    let mut r = helper(cors, origin, preflight, status);
    r.headers.retain(|(n, _)| n != "Vary");
    if preflight {
        r.status = 204;
    }
    r
}

fn answer(response: Response, source: &str) -> Answer {
    Answer {
        response,
        source: source.into(),
    }
}

/// A policy as deployed, with what its target is told derived once, so that
/// answering many requests (serve, probe) does not derive it for each one:
/// scripts/bench measured 47 ms per request on a 1,000-route REST API when
/// the plan was derived per request.
pub struct Deployment {
    pub policy: Policy,
    rest: Option<RestApiPlan>,
}

impl Deployment {
    pub fn new(policy: Policy) -> Self {
        let rest = (policy.api.api_type == ApiType::Rest).then(|| rest_api::plan(&policy));
        Deployment { policy, rest }
    }

    /// What the deployment answers to `req` on `path`.
    pub fn exchange(&self, req: &Request, path: &str) -> Exchange {
        answer_with(&self.policy, self.rest.as_ref(), req, path)
    }
}

/// What the deployment of `policy` answers to `req` on `path` (one request:
/// use [`Deployment`] for many).
pub fn exchange(policy: &Policy, req: &Request, path: &str) -> Exchange {
    answer_with(policy, None, req, path)
}

/// `rest`: the policy's REST plan when already derived.
fn answer_with(policy: &Policy, rest: Option<&RestApiPlan>, req: &Request, path: &str) -> Exchange {
    let origin = req.origin.as_str();
    let routes = matching_routes(policy, path);
    let route_text = routes.first().map(|r| r.path.text.clone());
    let method_route = find_method(&routes, &req.method);
    match policy.api.api_type {
        ApiType::Rest => {
            let derived;
            let plan = match rest {
                Some(plan) => plan,
                None => {
                    derived = rest_api::plan(policy);
                    &derived
                }
            };
            let not_found = || {
                answer(
                    gateway_error(
                        plan,
                        &["MISSING_AUTHENTICATION_TOKEN", "DEFAULT_4XX"],
                        403,
                        origin,
                    ),
                    "API Gateway: 403 Missing Authentication Token (no such resource or method), a gateway response",
                )
            };
            let rest_path = route_text
                .as_ref()
                .and_then(|p| plan.paths.iter().find(|rp| rp.path == *p));
            let preflight = match rest_path {
                Some(rp) => answer(
                    eval_rest(&rp.preflight, origin),
                    "API Gateway: the path's OPTIONS method (MOCK integration)",
                ),
                None => not_found(),
            };
            let actual = match (rest_path, method_route) {
                (Some(rp), Some(r)) if r.integration == Integration::Mock => {
                    let m = rp
                        .methods
                        .iter()
                        .find(|m| m.method == req.method || m.method == "ANY")
                        .and_then(|m| m.mock_response.as_ref());
                    match m {
                        Some(resp) => answer(
                            eval_rest(resp, origin),
                            "API Gateway: MOCK integration response",
                        ),
                        None => not_found(),
                    }
                }
                (Some(_), Some(r)) => {
                    let cors = r.cors_override.as_ref().unwrap_or(&policy.cors);
                    answer(
                        helper(cors, origin, false, 200),
                        "the backend (proxy integration), assuming it uses corsform's Lambda helper",
                    )
                }
                _ => not_found(),
            };
            // An IAM method refuses a browser's unsigned request itself: 403
            // Missing Authentication Token, the same gateway response as an
            // unknown path (AWS knowledge center, "API Gateway authentication
            // token errors"). Authorizers (Cognito, Lambda) answer 401.
            let error = match method_route.map(|r| r.authorization) {
                Some(Authorization::Iam) => answer(
                    gateway_error(
                        plan,
                        &["MISSING_AUTHENTICATION_TOKEN", "DEFAULT_4XX"],
                        403,
                        origin,
                    ),
                    "API Gateway: 403 Missing Authentication Token (IAM: the request is not SigV4-signed), a gateway response",
                ),
                _ => answer(
                    gateway_error(plan, &["UNAUTHORIZED", "DEFAULT_4XX"], 401, origin),
                    "API Gateway: 401 from an authorizer (gateway response UNAUTHORIZED / DEFAULT_4XX)",
                ),
            };
            Exchange {
                route: route_text,
                preflight,
                actual,
                error,
            }
        }
        ApiType::Http if policy.cors.owner == Owner::Gateway => {
            let cors = &policy.cors;
            let found = method_route.is_some();
            Exchange {
                route: route_text,
                preflight: answer(
                    http_gateway(cors, origin, true, 204),
                    "API Gateway (HTTP API cors_configuration answers preflights)",
                ),
                actual: answer(
                    http_gateway(cors, origin, false, if found { 200 } else { 404 }),
                    if found {
                        "the integration, with the headers API Gateway adds"
                    } else {
                        "API Gateway: 404 Not Found (no route)"
                    },
                ),
                error: answer(
                    http_gateway(cors, origin, false, 401),
                    "API Gateway: 401 from an authorizer (cors_configuration applies)",
                ),
            }
        }
        ApiType::Http => {
            let cors = &policy.cors;
            // No route: API Gateway answers 404 itself and the function, which
            // owns CORS here, never runs, so the answer has no CORS headers.
            let no_route = || {
                answer(
                    Response {
                        status: 404,
                        headers: vec![],
                    },
                    "API Gateway: 404 Not Found (no route; the function that owns CORS never runs)",
                )
            };
            Exchange {
                preflight: match route_text {
                    Some(_) => answer(
                        helper(cors, origin, true, 204),
                        "the function's Lambda helper (owner = \"lambda\", OPTIONS route)",
                    ),
                    None => no_route(),
                },
                route: route_text,
                actual: match method_route {
                    Some(_) => answer(
                        helper(cors, origin, false, 200),
                        "the function's Lambda helper",
                    ),
                    None => no_route(),
                },
                error: answer(
                    Response {
                        status: 401,
                        headers: vec![],
                    },
                    "API Gateway: 401 from an authorizer (no CORS headers: the gateway does not own CORS)",
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_templates() {
        let p = ApiPath::parse("/items/{id}").unwrap();
        assert!(path_matches(&p, "/items/42"));
        assert!(!path_matches(&p, "/items"));
        assert!(!path_matches(&p, "/items/42/x"));
        let g = ApiPath::parse("/files/{proxy+}").unwrap();
        assert!(path_matches(&g, "/files/a/b"));
        assert!(!path_matches(&g, "/files"));
        assert!(path_matches(&ApiPath::parse("/").unwrap(), "/"));
    }

    #[test]
    fn rest_iam_refusal_is_missing_authentication_token_not_an_authorizer_401() {
        // Only MISSING_AUTHENTICATION_TOKEN carries CORS headers here: an IAM
        // refusal gets them, an authorizer's 401 (UNAUTHORIZED) does not.
        let text = "version = 1\n[api]\nname = \"t\"\ntype = \"rest\"\n[cors]\nallow_origins = [\"https://app.example.com\"]\n[gateway_responses]\ntypes = [\"MISSING_AUTHENTICATION_TOKEN\"]\n[[routes]]\npath = \"/signed\"\nmethods = [\"GET\"]\nintegration = \"mock\"\nauthorization = \"iam\"\n[[routes]]\npath = \"/token\"\nmethods = [\"GET\"]\nintegration = \"mock\"\nauthorization = \"custom\"\n";
        let file = crate::diagnostic::SourceFile::new("t.toml", text.to_string());
        let (policy, diags) = crate::check(&file);
        let policy = policy.unwrap_or_else(|| panic!("{diags:?}"));
        let req = Request {
            origin: "https://app.example.com".into(),
            method: "GET".into(),
            headers: vec![],
            credentials: false,
        };
        let iam = exchange(&policy, &req, "/signed").error;
        assert_eq!(iam.response.status, 403, "{}", iam.source);
        assert!(iam.source.contains("Missing Authentication Token"));
        assert_eq!(
            iam.response.get("access-control-allow-origin"),
            Some("https://app.example.com")
        );
        let custom = exchange(&policy, &req, "/token").error;
        assert_eq!(custom.response.status, 401, "{}", custom.source);
        assert_eq!(custom.response.get("access-control-allow-origin"), None);
    }

    #[test]
    fn http_api_owned_by_the_function_has_no_cors_without_a_route() {
        let text = "version = 1\n[api]\nname = \"t\"\ntype = \"http\"\n[cors]\nowner = \"lambda\"\nallow_origins = [\"https://app.example.com\"]\n[[routes]]\npath = \"/a\"\nmethods = [\"GET\"]\n";
        let file = crate::diagnostic::SourceFile::new("t.toml", text.to_string());
        let policy = crate::check(&file).0.unwrap();
        let req = |method: &str| Request {
            origin: "https://app.example.com".into(),
            method: method.into(),
            headers: vec![],
            credentials: false,
        };
        let routed = exchange(&policy, &req("GET"), "/a");
        assert_eq!(routed.actual.response.status, 200);
        assert!(
            routed
                .actual
                .response
                .get("access-control-allow-origin")
                .is_some()
        );
        assert!(
            routed
                .preflight
                .response
                .get("access-control-allow-origin")
                .is_some()
        );
        let missing = exchange(&policy, &req("GET"), "/nope");
        for a in [&missing.preflight, &missing.actual] {
            assert_eq!(a.response.status, 404, "{}", a.source);
            assert!(a.response.headers.is_empty(), "{:?}", a.response);
        }
        let wrong_method = exchange(&policy, &req("DELETE"), "/a");
        assert_eq!(wrong_method.actual.response.status, 404);
    }
}
