//! What a deployment answers: for one request, the CORS headers the chosen
//! target sends on the preflight, on the actual response and on an error
//! response. Everything is evaluated from the plans the renderers render:
//! the REST plan (`derive::rest_api`: preflights, MOCK responses, gateway
//! responses), the HTTP API's `cors_configuration` (`derive::http_api`), and
//! the Lambda helper's rules (`derive::lambda`) for proxy backends. Nothing
//! here restates the policy's header rules. `explain` runs the browser model
//! on these answers, `serve` sends them and `probe` compares them. A request
//! addressed to a bucket or function URL (`bucket:NAME/...`) is answered as
//! S3 or Lambda answers it instead ([`services`]).

pub mod services;

use crate::browser::{Request, Response};
use crate::derive::header::Header;
use crate::derive::http_api::{self, CorsConfiguration, HttpApiPlan};
use crate::derive::lambda::{self, LambdaPlan, Rule};
use crate::derive::rest_api::{self, CorsResponse, RestApiPlan};
use crate::model::{ApiPath, ApiType, Authorization, Integration, Policy, Scope};

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
    /// An error API Gateway itself produces (authorizer 401/403, throttling,
    /// 5xx), or S3's or Lambda's for a bucket or function URL.
    pub error: Answer,
}

/// Whether `template` (`/items/{id}`, `/files/{proxy+}`) matches the concrete `path`.
pub fn path_matches(template: &ApiPath, path: &str) -> bool {
    template.matches(path)
}

fn resolve(headers: &[Header], origin: &str) -> Vec<(String, String)> {
    headers
        .iter()
        .filter_map(|h| h.value.resolve(origin).map(|v| (h.name.clone(), v)))
        .collect()
}

/// A REST response API Gateway produces: static mappings, then the VTL override.
fn eval_rest(resp: &CorsResponse, origin: &str) -> Response {
    let mut headers = resolve(&resp.headers, origin);
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
    Response {
        status,
        headers: g.map(|g| resolve(&g.headers, origin)).unwrap_or_default(),
    }
}

/// The CORS headers corsform's Lambda helper sends (the generated `preflight`
/// and `corsHeaders`/`cors_headers`), from the rule the helper embeds.
/// `status` is the handler's status on an actual response.
pub fn helper(rule: &Rule, origin: &str, preflight: bool, status: u16) -> Response {
    let mut headers = Vec::new();
    let allowed = rule.allowed_origin(origin);
    if let Some(value) = &allowed {
        headers.push(("Access-Control-Allow-Origin".to_string(), value.clone()));
        if rule.allow_credentials {
            headers.push(("Access-Control-Allow-Credentials".into(), "true".into()));
        }
    }
    if allowed.is_some() {
        if preflight {
            if !rule.allow_methods.is_empty() {
                headers.push((
                    "Access-Control-Allow-Methods".into(),
                    rule.allow_methods.join(","),
                ));
            }
            if !rule.allow_headers.is_empty() {
                headers.push((
                    "Access-Control-Allow-Headers".into(),
                    rule.allow_headers.join(","),
                ));
            }
            if let Some(m) = rule.max_age {
                headers.push(("Access-Control-Max-Age".into(), m.to_string()));
            }
        } else if !rule.expose_headers.is_empty() {
            headers.push((
                "Access-Control-Expose-Headers".into(),
                rule.expose_headers.join(","),
            ));
        }
    }
    if rule.vary {
        headers.push(("Vary".into(), "Origin".into()));
    }
    Response {
        status: if preflight {
            rule.preflight_status
        } else {
            status
        },
        headers,
    }
}

/// An HTTP API with cors_configuration: API Gateway answers preflights (204)
/// and adds the configured headers to every response it returns, its own
/// errors included; it sends no Vary (docs: http-api-cors).
fn http_gateway(cors: &CorsConfiguration, origin: &str, preflight: bool, status: u16) -> Response {
    let mut headers = Vec::new();
    if let Some(value) = cors.allowed_origin(origin) {
        headers.push(("Access-Control-Allow-Origin".to_string(), value));
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
    Response {
        status: if preflight { 204 } else { status },
        headers,
    }
}

fn answer(response: Response, source: &str) -> Answer {
    Answer {
        response,
        source: source.into(),
    }
}

/// What the policy's targets are told, derived once.
enum Plans {
    Rest(RestApiPlan),
    Http(HttpApiPlan),
}

/// A policy as deployed, with its plans derived once, so that answering many
/// requests (serve, probe) does not derive them for each one: scripts/bench
/// measured 47 ms per request on a 1,000-route REST API when the plan was
/// derived per request.
pub struct Deployment {
    pub policy: Policy,
    plans: Plans,
    /// The Lambda helper's rules: what a proxy backend answers.
    lambda: LambdaPlan,
}

impl Deployment {
    pub fn new(policy: Policy) -> Self {
        let plans = match policy.api.api_type {
            ApiType::Rest => Plans::Rest(rest_api::plan(&policy)),
            ApiType::Http => Plans::Http(http_api::plan(&policy)),
        };
        let lambda = lambda::plan(&policy);
        Deployment {
            policy,
            plans,
            lambda,
        }
    }

    /// What the deployment answers to `req` on `path`.
    pub fn exchange(&self, req: &Request, path: &str) -> Exchange {
        if let Some(service) = services::addressed(&self.policy, path) {
            return services::exchange(service, req);
        }
        match &self.plans {
            Plans::Rest(plan) => self.rest(plan, req, path),
            Plans::Http(plan) => self.http(plan, req, path),
        }
    }

    fn rest(&self, plan: &RestApiPlan, req: &Request, path: &str) -> Exchange {
        let origin = req.origin.as_str();
        let group = self.policy.path_for(path);
        let route_text = group.as_ref().map(|g| g.path.text.clone());
        let method_route = group.as_ref().and_then(|g| g.route_for(&req.method));
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
                match self.policy.api.scope {
                    Scope::Api => "API Gateway: the path's OPTIONS method (MOCK integration)",
                    Scope::Cors => {
                        "API Gateway: the path's OPTIONS method (MOCK integration) that the generated CORS layer adds to your API"
                    }
                },
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
                        match self.policy.api.scope {
                            Scope::Api => "API Gateway: MOCK integration response",
                            // The layer does not create the caller's methods (lint CF0603).
                            Scope::Cors => {
                                "your API's own non-proxy method (scope = \"cors\": corsform does not create it), assuming its responses take the layer's outputs (method_response_parameters, actual_response_parameters, actual_response_templates)"
                            }
                        },
                    ),
                    None => not_found(),
                }
            }
            (Some(rp), Some(_)) => answer(
                helper(self.lambda.rule_for(&rp.path), origin, false, 200),
                match self.policy.api.scope {
                    Scope::Api => {
                        "the backend (proxy integration), assuming it uses corsform's Lambda helper"
                    }
                    Scope::Cors => {
                        "your API's backend (proxy integration; scope = \"cors\": corsform does not create it), assuming it uses corsform's Lambda helper"
                    }
                },
            ),
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

    fn http(&self, plan: &HttpApiPlan, req: &Request, path: &str) -> Exchange {
        let origin = req.origin.as_str();
        let group = self.policy.path_for(path);
        let route_text = group.as_ref().map(|g| g.path.text.clone());
        let found = group
            .as_ref()
            .and_then(|g| g.route_for(&req.method))
            .is_some();
        if let Some(cors) = &plan.cors {
            return Exchange {
                route: route_text,
                preflight: answer(
                    http_gateway(cors, origin, true, 204),
                    match self.policy.api.scope {
                        Scope::Api => {
                            "API Gateway (HTTP API cors_configuration answers preflights)"
                        }
                        Scope::Cors => {
                            "API Gateway, from the cors_configuration your API sets from the generated module's output (scope = \"cors\")"
                        }
                    },
                ),
                actual: answer(
                    http_gateway(cors, origin, false, if found { 200 } else { 404 }),
                    if found && self.policy.api.scope == Scope::Cors {
                        "your API's integration, with the headers API Gateway adds once your API sets the generated cors_configuration (scope = \"cors\")"
                    } else if found {
                        "the integration, with the headers API Gateway adds"
                    } else {
                        "API Gateway: 404 Not Found (no route)"
                    },
                ),
                error: answer(
                    http_gateway(cors, origin, false, 401),
                    "API Gateway: 401 from an authorizer (cors_configuration applies)",
                ),
            };
        }
        // No cors_configuration: the function owns CORS. Without a route API
        // Gateway answers 404 itself and the function never runs, so the
        // answer has no CORS headers.
        let no_route = || {
            answer(
                Response {
                    status: 404,
                    headers: vec![],
                },
                "API Gateway: 404 Not Found (no route; the function that owns CORS never runs)",
            )
        };
        let rule = |p: &str| self.lambda.rule_for(p);
        Exchange {
            preflight: match &route_text {
                Some(p) => answer(
                    helper(rule(p), origin, true, 204),
                    "the function's Lambda helper (owner = \"lambda\", OPTIONS route)",
                ),
                None => no_route(),
            },
            actual: match (&route_text, found) {
                (Some(p), true) => answer(
                    helper(rule(p), origin, false, 200),
                    "the function's Lambda helper",
                ),
                _ => no_route(),
            },
            route: route_text,
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

/// What the deployment of `policy` answers to `req` on `path` (one request:
/// use [`Deployment`] for many).
pub fn exchange(policy: &Policy, req: &Request, path: &str) -> Exchange {
    Deployment::new(policy.clone()).exchange(req, path)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn policy(text: &str) -> Policy {
        let file = crate::diagnostic::SourceFile::new("t.toml", text.to_string());
        let (policy, diags) = crate::check(&file);
        policy.unwrap_or_else(|| panic!("{diags:?}"))
    }

    fn get(origin: &str) -> Request {
        Request {
            origin: origin.into(),
            method: "GET".into(),
            headers: vec![],
            credentials: false,
        }
    }

    /// The experiment: a REST proxy route must answer with its path's
    /// `[routes.cors]`, as the Lambda helper the backend embeds does.
    #[test]
    fn rest_proxy_routes_answer_with_their_path_override() {
        let p = policy(
            "version = 1\n[api]\nname = \"t\"\ntype = \"rest\"\n[cors]\nallow_origins = [\"https://app.example.com\"]\nexpose_headers = [\"etag\"]\n[[routes]]\npath = \"/private\"\nmethods = [\"GET\"]\n[[routes]]\npath = \"/open\"\nmethods = [\"GET\"]\n[routes.cors]\nallow_origins = [\"*\"]\nexpose_headers = [\"x-open\"]\n",
        );
        let d = Deployment::new(p);
        let open = d.exchange(&get("https://elsewhere.example.net"), "/open");
        assert_eq!(
            open.actual.response.get("access-control-allow-origin"),
            Some("*")
        );
        assert_eq!(
            open.actual.response.get("access-control-expose-headers"),
            Some("x-open")
        );
        let private = d.exchange(&get("https://elsewhere.example.net"), "/private");
        assert_eq!(
            private.actual.response.get("access-control-allow-origin"),
            None
        );
        let app = d.exchange(&get("https://app.example.com"), "/private");
        assert_eq!(
            app.actual.response.get("access-control-expose-headers"),
            Some("etag")
        );
    }

    /// HTTP API with cors_configuration: evaluated from the plan's
    /// configuration; no Vary, preflight 204 even with `preflight_status`.
    #[test]
    fn http_gateway_answers_from_cors_configuration() {
        let p = policy(
            "version = 1\n[api]\nname = \"t\"\ntype = \"http\"\n[cors]\nallow_origins = [\"https://a.example.com\", \"https://b.example.com\"]\nallow_credentials = true\nmax_age = 600\nallow_headers = [\"content-type\"]\nexpose_headers = [\"etag\"]\n[[routes]]\npath = \"/x\"\nmethods = [\"GET\"]\n",
        );
        let d = Deployment::new(p);
        let ex = d.exchange(&get("https://b.example.com"), "/x");
        let pre = &ex.preflight.response;
        assert_eq!(pre.status, 204);
        assert_eq!(
            pre.get("access-control-allow-origin"),
            Some("https://b.example.com")
        );
        assert_eq!(pre.get("access-control-allow-credentials"), Some("true"));
        assert_eq!(pre.get("access-control-max-age"), Some("600"));
        assert_eq!(
            pre.get("access-control-allow-headers"),
            Some("content-type")
        );
        assert_eq!(pre.get("access-control-allow-methods"), Some("GET"));
        assert_eq!(pre.get("vary"), None);
        assert_eq!(pre.get("access-control-expose-headers"), None);
        let act = &ex.actual.response;
        assert_eq!(act.get("access-control-expose-headers"), Some("etag"));
        assert_eq!(act.get("access-control-max-age"), None);
        assert_eq!(ex.error.response.status, 401);
        assert_eq!(
            ex.error.response.get("access-control-allow-origin"),
            Some("https://b.example.com")
        );
        let refused = d.exchange(&get("https://c.example.com"), "/x");
        assert!(refused.preflight.response.headers.is_empty());
        assert_eq!(
            d.exchange(&get("https://a.example.com"), "/y")
                .actual
                .response
                .status,
            404
        );
    }

    /// REST with several origins: the VTL override echoes only an allowed
    /// Origin; any other request keeps the static first origin (mutation
    /// testing found no test pinning the refused case).
    #[test]
    fn rest_vtl_override_echoes_only_allowed_origins() {
        let p = policy(
            "version = 1\n[api]\nname = \"t\"\ntype = \"rest\"\n[cors]\nallow_origins = [\"https://a.example.com\", \"https://*.b.example.com\"]\n[[routes]]\npath = \"/x\"\nmethods = [\"GET\"]\nintegration = \"mock\"\n",
        );
        let d = Deployment::new(p);
        let allowed = d.exchange(&get("https://pr-1.b.example.com"), "/x");
        for r in [&allowed.preflight.response, &allowed.actual.response] {
            assert_eq!(
                r.get("access-control-allow-origin"),
                Some("https://pr-1.b.example.com")
            );
            assert_eq!(r.get("vary"), Some("Origin"));
        }
        let refused = d.exchange(&get("https://evil.example.net"), "/x");
        for r in [&refused.preflight.response, &refused.actual.response] {
            assert_eq!(
                r.get("access-control-allow-origin"),
                Some("https://a.example.com")
            );
        }
    }
}
