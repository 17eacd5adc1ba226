//! The CORS layer of an HTTP API defined elsewhere (`[api] scope = "cors"`,
//! docs/design.md "Scope"): the API's `cors_configuration`, which the caller puts
//! on its own `aws_apigatewayv2_api`, and the unauthorized OPTIONS routes that
//! keep preflights away from authorizers.
//!
//! Why the routes: with `cors_configuration` API Gateway answers preflights
//! itself, but a route that matches OPTIONS (an `ANY` route) runs its
//! authorizer first, and the browser's preflight carries no credentials, so
//! it fails; the known fix is an OPTIONS route on that path with no
//! authorizer (docs/cors-facts.md, HTTP API section; AWS re:Post, "JWT authorizers
//! and CORS"). A REST layer renders the REST plan's preflights and gateway
//! responses (the same template partials as the whole API), plus the list of
//! paths whose resource ids the caller must pass and the CORS headers of the
//! caller's own non-proxy methods as outputs (a module cannot change another
//! module's resources, so the caller wires them into its responses).

use super::http_api::{self, HttpApiPlan};
use super::ids::IdAllocator;
use super::rest_api::{self, RestApiPlan};
use crate::model::{Authorization, Policy, Route};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct HttpCorsLayer {
    /// The HTTP API plan (its `cors` is the `cors_configuration` output).
    pub api: HttpApiPlan,
    /// One unauthorized OPTIONS route per path an authorizer would catch
    /// preflights on, in policy order.
    pub preflight_routes: Vec<PreflightRoute>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PreflightRoute {
    /// snake_case id, unique: `options_proxy`.
    pub id: String,
    pub path: String,
    /// `OPTIONS /{proxy+}`.
    pub route_key: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RestCorsLayer {
    /// The REST API plan; its `paths` get preflights, its gateway responses
    /// are added to the caller's API. Flattened, so the shared partials read
    /// `plan.paths` as they do for the whole API.
    #[serde(flatten)]
    pub api: RestApiPlan,
    /// Every path with a preflight, in policy order: the keys the caller's
    /// `resource_ids` must hold.
    pub policy_paths: Vec<String>,
    /// What a caller missing one of them is told.
    pub missing_resource_ids: String,
    /// The caller's own non-proxy methods, `GET /health`, in policy order:
    /// their actual responses are the caller's resources, so the module
    /// outputs their CORS headers by path (`actual_response_parameters` and
    /// the like) for the caller to wire in, and says which methods they are
    /// for. The same list lint's CF0603 names.
    pub non_proxy_methods: Vec<String>,
}

pub fn rest(policy: &Policy) -> RestCorsLayer {
    let api = rest_api::plan(policy);
    let policy_paths: Vec<String> = api.paths.iter().map(|p| p.path.clone()).collect();
    let non_proxy_methods = api
        .paths
        .iter()
        .flat_map(|p| {
            p.methods
                .iter()
                .filter(|m| m.mock_response.is_some())
                .map(move |m| format!("{} {}", m.method, p.path))
        })
        .collect();
    RestCorsLayer {
        non_proxy_methods,
        missing_resource_ids: format!(
            "The resource_ids map needs the resource id of every path of the policy: {} (\"/\" is the root resource).",
            policy_paths.join(", ")
        ),
        policy_paths,
        api,
    }
}

pub fn http(policy: &Policy) -> HttpCorsLayer {
    let mut ids = IdAllocator::default();
    let preflight_routes = open_options_routes(&policy.routes)
        .into_iter()
        .map(|r| PreflightRoute {
            id: ids.take(&format!("options_{}", r.path.slug())),
            path: r.path.text.clone(),
            route_key: format!("OPTIONS {}", r.path.text),
        })
        .collect();
    HttpCorsLayer {
        api: http_api::plan(policy),
        preflight_routes,
    }
}

/// The routes whose path gets an unauthorized OPTIONS route in an HTTP layer,
/// the first such route per path, in policy order: an `ANY` route with an
/// authorizer, on a path where the caller has no OPTIONS route of its own.
/// Lint reads the same list (CF0604), so what it says the module adds is
/// what the module adds.
pub fn open_options_routes<'a>(
    routes: impl IntoIterator<Item = &'a Route> + Clone,
) -> Vec<&'a Route> {
    let mut out: Vec<&Route> = Vec::new();
    for r in routes.clone() {
        let catches_options = r.methods.iter().any(|m| m == "ANY");
        if !catches_options || r.authorization == Authorization::None {
            continue;
        }
        // An OPTIONS route of the caller's own on this path would clash with
        // ours (one route per route key), and already decides the preflight.
        let shape = r.path.shape();
        let has_options = routes
            .clone()
            .into_iter()
            .any(|o| o.path.shape() == shape && o.methods.iter().any(|m| m == "OPTIONS"));
        let done = out.iter().any(|p| p.path.text == r.path.text);
        if !has_options && !done {
            out.push(r);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(routes: &str) -> HttpCorsLayer {
        let text = format!(
            "version = 1\n[api]\nname = \"t\"\ntype = \"http\"\nscope = \"cors\"\n[cors]\nallow_origins = [\"https://app.example.com\"]\n{routes}"
        );
        let file = crate::diagnostic::SourceFile::new("p.toml", text);
        let (policy, diags) = crate::check(&file);
        http(&policy.unwrap_or_else(|| panic!("{diags:?}")))
    }

    #[test]
    fn authorized_any_routes_get_one_open_options_route_per_path() {
        let l = layer(
            "[[routes]]\npath = \"/{proxy+}\"\nmethods = [\"ANY\"]\nauthorization = \"jwt\"\n\
             [[routes]]\npath = \"/orders\"\nmethods = [\"ANY\"]\nauthorization = \"custom\"\n\
             [[routes]]\npath = \"/orders\"\nmethods = [\"PATCH\"]\nauthorization = \"custom\"\n\
             [[routes]]\npath = \"/open\"\nmethods = [\"ANY\"]\n\
             [[routes]]\npath = \"/get\"\nmethods = [\"GET\"]\nauthorization = \"jwt\"\n",
        );
        let keys: Vec<&str> = l
            .preflight_routes
            .iter()
            .map(|r| r.route_key.as_str())
            .collect();
        assert_eq!(keys, ["OPTIONS /{proxy+}", "OPTIONS /orders"]);
    }

    #[test]
    fn a_path_with_its_own_options_route_gets_none() {
        let l = layer(
            "[[routes]]\npath = \"/{proxy+}\"\nmethods = [\"ANY\"]\nauthorization = \"jwt\"\n\
             [[routes]]\npath = \"/{proxy+}\"\nmethods = [\"OPTIONS\"]\n",
        );
        assert!(l.preflight_routes.is_empty());
    }
}
