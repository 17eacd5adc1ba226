//! The neutral form every recognised API Gateway API is brought into, whatever
//! language declared it (Terraform, CloudFormation, SAM, OpenAPI). Rules and
//! import read only this. Each element keeps where it was written ([`Loc`]:
//! file index and byte span), so a finding points at the construct at fault.

pub mod edge;

use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Loc {
    pub file: usize,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKind {
    Rest,
    Http,
}

/// A value as written: literal text, or `None` when it is a reference or an
/// expression audit cannot evaluate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    pub text: Option<String>,
    pub loc: Loc,
    /// When `text` is `None`: the value as a template whose unknown parts
    /// are `${name}` (`'${var.origin}'`, `https://*.${var.domain}`, a
    /// CloudFormation `!Ref Origin` as `${Origin}`), so what is literal in
    /// it can still be judged, and import can name what it could not know.
    pub template: Option<String>,
    /// When the files choose the value per environment (a stage parameter,
    /// a workspace): each environment's value; `text` is the default's.
    pub per_env: Vec<(String, String)>,
}

/// One `response_parameters` entry: `method.response.header.X = "'v'"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub key: String,
    pub key_loc: Loc,
    pub value: Value,
}

impl Mapping {
    /// The header name of a `method.response.header.X` / `gatewayresponse.header.X` key.
    pub fn header(&self) -> Option<&str> {
        self.key
            .strip_prefix("method.response.header.")
            .or_else(|| self.key.strip_prefix("gatewayresponse.header."))
    }

    /// A static value: `'v'` -> `v`.
    pub fn literal(&self) -> Option<&str> {
        let t = self.value.text.as_deref()?;
        t.strip_prefix('\'').and_then(|v| v.strip_suffix('\''))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodResponse {
    pub status: String,
    pub loc: Loc,
    /// Declared headers (`method.response.header.X`), names as written.
    pub headers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrationResponse {
    pub status: String,
    pub loc: Loc,
    pub mappings: Vec<Mapping>,
    /// Response templates (VTL), with where each is written.
    pub templates: Vec<Value>,
    /// Terraform only: the resource does not wait for the integration
    /// (no reference, no depends_on), so an apply can race it.
    pub races_integration: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integration {
    /// Upper case: MOCK, AWS_PROXY, HTTP_PROXY, AWS, HTTP.
    pub kind: String,
    pub loc: Loc,
    pub content_handling: Option<String>,
    pub responses: Vec<IntegrationResponse>,
}

impl Integration {
    pub fn is_proxy(&self) -> bool {
        self.kind.ends_with("_PROXY")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Method {
    pub path: String,
    /// Upper case; `ANY` kept.
    pub method: String,
    pub loc: Loc,
    /// `NONE` when open; otherwise the kind (`AWS_IAM`, `CUSTOM`,
    /// `COGNITO_USER_POOLS`, or a security scheme's name), with where it is set.
    pub authorization: Option<Value>,
    pub integration: Option<Integration>,
    pub responses: Vec<MethodResponse>,
    /// The authorizer it names (a Terraform address, a logical ID, a SAM or
    /// OpenAPI authorizer name), when it names one.
    pub authorizer: Option<String>,
    /// `api_key_required`, where it is set: the page sends `x-api-key`.
    pub api_key: Option<Loc>,
}

impl Method {
    pub fn is_authorized(&self) -> bool {
        self.authorization
            .as_ref()
            .and_then(|a| a.text.as_deref())
            .is_some_and(|t| !t.eq_ignore_ascii_case("NONE"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayResponse {
    pub response_type: String,
    pub loc: Loc,
    pub mappings: Vec<Mapping>,
}

/// An HTTP API's `cors_configuration` / `CorsConfiguration` /
/// `x-amazon-apigateway-cors`, or SAM's REST `Cors` (values then quoted).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CorsConfig {
    pub loc: Loc,
    pub origins: Vec<Value>,
    pub methods: Vec<Value>,
    pub headers: Vec<Value>,
    pub expose: Vec<Value>,
    pub credentials: Option<Value>,
    pub max_age: Option<Value>,
}

/// How a REST API's changes go live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeploy {
    /// SAM, or a stage with auto-deploy: the tool redeploys.
    Managed,
    /// A deployment that changes with the API (triggers + create_before_destroy,
    /// or a hashed logical ID).
    OnChange,
    /// A deployment that never changes after the first one: `why` says what is missing.
    Static { loc: Loc, why: String, fix: String },
    /// No deployment in these files (made elsewhere).
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRoute {
    pub key: String,
    pub loc: Loc,
    pub authorized: bool,
    /// The authorization as written (`JWT`, `CUSTOM`, `AWS_IAM`, a scheme's name).
    pub kind: String,
    /// The integration type it targets (`AWS_PROXY`, `HTTP_PROXY`), when known.
    pub integration: Option<String>,
    /// The authorizer it names, when it names one.
    pub authorizer: Option<String>,
}

/// An authorizer the files declare, by the name methods and routes use for
/// it, with the request headers its identity source reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorizer {
    pub id: String,
    pub headers: Vec<String>,
}

/// A mapping value without its single quotes (`'a,b'` -> `a,b`); a value
/// written without them is returned as it is.
pub fn unquoted(t: &str) -> &str {
    t.strip_prefix('\'')
        .and_then(|x| x.strip_suffix('\''))
        .unwrap_or(t)
}

/// A comma-separated value (`GET, PUT`), each part trimmed, empty ones dropped.
pub fn split_list(v: &str) -> Vec<String> {
    v.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The header names an identity source reads: `method.request.header.X`
/// (REST) or `$request.header.X` (HTTP), comma-separated or listed.
pub fn identity_headers<'a>(sources: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    sources
        .into_iter()
        .flat_map(|s| s.split(','))
        .filter_map(|s| {
            let s = s.trim();
            s.strip_prefix("method.request.header.")
                .or_else(|| s.strip_prefix("$request.header."))
                .map(str::to_string)
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Api {
    pub name: String,
    pub kind: ApiKind,
    pub loc: Loc,
    pub methods: Vec<Method>,
    pub gateway_responses: Vec<GatewayResponse>,
    pub redeploy: Redeploy,
    pub cors: Option<CorsConfig>,
    /// SAM `Api.Cors` (REST): headers on the generated preflight only.
    pub sam_cors: Option<CorsConfig>,
    /// SAM `Auth.DefaultAuthorizer` and `AddDefaultAuthorizerToCorsPreflight`
    /// (default true, SAM docs), or an OpenAPI document's top-level security.
    pub default_authorizer: Option<Value>,
    pub authorizer_on_preflight: Option<Value>,
    /// SAM `Auth.ApiKeyRequired: true`, which also puts the key on SAM's
    /// preflights unless `AddApiKeyRequiredToCorsPreflight: false`.
    pub api_key_on_preflight: Option<Value>,
    /// SAM `Auth.ApiKeyRequired`: every method takes the key.
    pub api_key_required: bool,
    pub http_routes: Vec<HttpRoute>,
    /// The stage name, when the files create one.
    pub stage: Option<String>,
    /// Binary media types are (or may be) set on the API: a MOCK preflight
    /// without CONVERT_TO_TEXT then answers 500 (CORS-FACTS, REST); without
    /// them that finding is only a note.
    pub binary_media_types: bool,
    /// The authorizers declared for this API.
    pub authorizers: Vec<Authorizer>,
    /// Terraform: the file its `body` reads (`file(\"x\")`, `templatefile(\"x\", ...)`),
    /// relative to the module's folder.
    pub body_file: Option<String>,
    /// The `templatefile()` variables whose values the module states.
    pub body_vars: Vec<(String, String)>,
    /// The file index of the standalone OpenAPI document that declares it
    /// (import then points `[api] openapi` at it).
    pub document: Option<usize>,
    /// Only methods of an API these files do not declare (a module's
    /// `rest_api_id = var.x`): its gateway responses and deployment are the
    /// caller's, so their absence here says nothing.
    pub declared_elsewhere: bool,
    /// A Terraform API written resource by resource: what the CORS layer's
    /// module needs from it (import writes the `module` block).
    pub terraform: Option<TfAddresses>,
}

/// Where a Terraform API and its parts are declared, as references the
/// caller's module block can use.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TfAddresses {
    /// `aws_api_gateway_rest_api.notes` or `aws_apigatewayv2_api.tasks`
    /// (or `var.rest_api_id` for a module on an API declared elsewhere).
    pub api: String,
    /// The expression of its id: `aws_api_gateway_rest_api.notes.id`.
    pub id: String,
    /// Each path and the expression of its resource id (REST).
    pub resource_ids: Vec<(String, String)>,
    /// The hand-written preflight pieces and gateway responses the layer
    /// replaces: they must go, or the apply conflicts with the layer's own.
    pub replaced: Vec<String>,
    /// The deployment whose triggers must take the layer's trigger.
    pub deployment: Option<String>,
}

impl Api {
    pub fn new(name: impl Into<String>, kind: ApiKind, loc: Loc) -> Api {
        Api {
            name: name.into(),
            kind,
            loc,
            methods: vec![],
            gateway_responses: vec![],
            redeploy: Redeploy::Unknown,
            cors: None,
            sam_cors: None,
            default_authorizer: None,
            authorizer_on_preflight: None,
            api_key_on_preflight: None,
            api_key_required: false,
            http_routes: vec![],
            stage: None,
            binary_media_types: false,
            authorizers: vec![],
            declared_elsewhere: false,
            document: None,
            body_file: None,
            body_vars: vec![],
            terraform: None,
        }
    }

    /// Whether a `binary_media_types` / `BinaryMediaTypes` /
    /// `x-amazon-apigateway-binary-media-types` value sets any: a non-empty
    /// list, or a value the file computes (it may hold some).
    pub fn sets_binary_media_types(value: Option<&super::doc::Node>) -> bool {
        use super::doc::Kind;
        value.is_some_and(|v| match &v.kind {
            Kind::List(items) => !items.is_empty(),
            Kind::Null => false,
            _ => true,
        })
    }

    /// Every path with a method, in first-seen order.
    pub fn paths(&self) -> Vec<&str> {
        self.methods_by_path().into_iter().map(|(p, _)| p).collect()
    }

    /// Every path with its methods (in file order), paths in first-seen
    /// order: one pass, where a lookup per path was quadratic (issue 28).
    pub fn methods_by_path(&self) -> Vec<(&str, Vec<&Method>)> {
        let mut index: std::collections::HashMap<&str, usize> = Default::default();
        let mut out: Vec<(&str, Vec<&Method>)> = Vec::new();
        for m in &self.methods {
            let i = *index.entry(m.path.as_str()).or_insert_with(|| {
                out.push((m.path.as_str(), Vec::new()));
                out.len() - 1
            });
            out[i].1.push(m);
        }
        out
    }

    /// The request headers a page must send to pass this authorization,
    /// which the preflight must then allow (Fetch standard: Authorization and
    /// x-api-key are not CORS-safelisted). SigV4 (`AWS_IAM`) signs with
    /// Authorization and X-Amz-Date; Cognito and JWT authorizers read
    /// Authorization unless their identity source says otherwise; a Lambda
    /// authorizer's headers are known only from its identity source. An
    /// authorizer the files do not declare, of an API with several, is
    /// unknown: no header is claimed for it.
    pub fn auth_headers(&self, kind: &str, authorizer: Option<&str>, api_key: bool) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let kind = kind.to_ascii_uppercase();
        let declared = authorizer
            .and_then(|id| self.authorizers.iter().find(|a| a.id == id))
            .or(match self.authorizers.as_slice() {
                [only] if authorizer.is_none() => Some(only),
                _ => None,
            });
        match kind.as_str() {
            "" | "NONE" => {}
            "AWS_IAM" => out.extend(["Authorization".to_string(), "X-Amz-Date".to_string()]),
            _ => match declared {
                Some(a) => out.extend(a.headers.iter().cloned()),
                None if kind == "COGNITO_USER_POOLS" || kind == "JWT" => {
                    out.push("Authorization".into())
                }
                None => {}
            },
        }
        if api_key {
            out.push("X-Api-Key".into());
        }
        out
    }

    /// [`Api::auth_headers`] of a method.
    pub fn method_headers(&self, m: &Method) -> Vec<String> {
        let kind = m
            .authorization
            .as_ref()
            .and_then(|a| a.text.as_deref())
            .unwrap_or("NONE");
        self.auth_headers(kind, m.authorizer.as_deref(), m.api_key.is_some())
    }

    pub fn method(&self, path: &str, method: &str) -> Option<&Method> {
        self.methods
            .iter()
            .find(|m| m.path == path && m.method == method)
    }
}
