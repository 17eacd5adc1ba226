//! The policy format (docs/design.md "The policy file") as serde types. Everything is
//! optional here, even required keys: the validator reports a missing key with
//! the span of its table instead of serde stopping at the first one. Values whose
//! set is closed (`type`, `integration`, ...) are read as strings and checked by
//! the validator, which can then say "did you mean"; their schema still lists the
//! allowed values (`#[schemars(with = ...)]`).
//!
//! Doc comments here become the JSON Schema's descriptions (editor hover text).

use super::Sp;
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A corsform CORS policy: one file describes one API Gateway API and its CORS behaviour.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(title = "corsform policy")]
pub struct RawPolicy {
    /// Policy format version. Required; 1 is the only version today.
    #[schemars(required, range(min = 1, max = 1))]
    pub version: Option<Sp<i64>>,
    /// The API Gateway API this policy describes.
    #[schemars(required)]
    pub api: Option<Sp<RawApi>>,
    /// The CORS behaviour of every route (REST routes may override it in [routes.cors]).
    #[schemars(required)]
    pub cors: Option<Sp<RawCors>>,
    /// REST only: which of API Gateway's own error responses carry CORS headers.
    pub gateway_responses: Option<Sp<RawGatewayResponses>>,
    /// The API's routes.
    #[serde(default)]
    pub routes: Vec<Sp<RawRoute>>,
    /// Named backends: each is its own input of the generated code (a Terraform
    /// variable, a CloudFormation/SAM Parameter). Names: [a-z][a-z0-9_]{0,39}.
    /// Without [backends], every route uses the one backend input of today.
    #[schemars(extend("propertyNames" = { "pattern": "^[a-z][a-z0-9_]{0,39}$" }))]
    pub backends: Option<Sp<BTreeMap<String, Sp<RawBackend>>>>,
    /// Named environments (dev, prod, ...): each overrides any [cors] key and
    /// api.stage; one generated module or template serves them all. Names:
    /// [a-z][a-z0-9]{0,39} (CloudFormation Mappings keys are alphanumeric).
    #[schemars(extend("propertyNames" = { "pattern": "^[a-z][a-z0-9]{0,39}$" }))]
    pub environments: Option<Sp<BTreeMap<String, Sp<RawEnvironment>>>>,
    /// The API is served through a CloudFront distribution: corsform generates
    /// a cache policy and an origin request policy that key on Origin and the
    /// preflight's request headers, and says which behaviour settings the
    /// distribution needs.
    pub cloudfront: Option<Sp<RawCloudfront>>,
    /// S3 buckets the browser calls directly (presigned uploads, downloads).
    /// Names as for [backends]: [a-z][a-z0-9_]{0,39}.
    #[schemars(extend("propertyNames" = { "pattern": "^[a-z][a-z0-9_]{0,39}$" }))]
    pub buckets: Option<Sp<BTreeMap<String, Sp<RawDirectService>>>>,
    /// Lambda function URLs the browser calls directly, each with its own CORS
    /// block. Names as for [backends]: [a-z][a-z0-9_]{0,39}.
    #[schemars(extend("propertyNames" = { "pattern": "^[a-z][a-z0-9_]{0,39}$" }))]
    pub function_urls: Option<Sp<BTreeMap<String, Sp<RawDirectService>>>>,
}

/// `[cloudfront]`: the API sits behind a CloudFront distribution. No keys
/// today; its presence asks for the CloudFront policies.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawCloudfront {}

/// An S3 bucket or a Lambda function URL the browser calls directly
/// (docs/design.md "The rest of the browser's path"). Origins, credentials and
/// max age come from [cors] (and the environment) unless set here.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawDirectService {
    /// Methods the browser uses on it. Required. S3: GET, PUT, POST, DELETE,
    /// HEAD. Function URLs: GET, PUT, HEAD, POST, PATCH, DELETE or "*".
    #[schemars(required)]
    pub methods: Option<Sp<Vec<Sp<String>>>>,
    /// Request headers the browser may send. Default: none.
    pub allow_headers: Option<Sp<Vec<Sp<String>>>>,
    /// Response headers script may read. Default: ["etag"] on a bucket that
    /// accepts PUT or POST (multipart uploads read each part's ETag), else none.
    pub expose_headers: Option<Sp<Vec<Sp<String>>>>,
    /// Overrides [cors] allow_origins.
    pub allow_origins: Option<Sp<Vec<Sp<String>>>>,
    /// Overrides [cors] allow_credentials.
    pub allow_credentials: Option<Sp<bool>>,
    /// Overrides [cors] max_age.
    pub max_age: Option<Sp<RawDuration>>,
}

/// One named backend (docs/design.md "Named backends").
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawBackend {
    /// "lambda" (Lambda proxy integration) or "http" (HTTP proxy integration).
    #[schemars(required, with = "Option<BackendTypeName>")]
    pub r#type: Option<Sp<String>>,
}

/// One named environment (docs/design.md "Environments").
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawEnvironment {
    /// Overrides of any [cors] key in this environment.
    pub cors: Option<Sp<RawCors>>,
    /// Overrides of [api] keys in this environment: only `stage`.
    pub api: Option<Sp<RawEnvironmentApi>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawEnvironmentApi {
    /// This environment's stage name.
    pub stage: Option<Sp<String>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawApi {
    /// Names every generated resource: 1-64 of [a-z0-9-], starting with a letter.
    #[schemars(required, regex(pattern = r"^[a-z][a-z0-9-]{0,63}$"))]
    pub name: Option<Sp<String>>,
    /// "rest" (API Gateway REST API, v1) or "http" (HTTP API, v2).
    #[schemars(required, with = "Option<ApiTypeName>")]
    pub r#type: Option<Sp<String>>,
    /// Free text; escaped wherever it is rendered.
    pub description: Option<Sp<String>>,
    /// Stage name. Default: "prod" on REST, "$default" on HTTP APIs.
    pub stage: Option<Sp<String>>,
    /// "api" (default): corsform creates the whole API. "cors": only the CORS
    /// layer (preflights, gateway responses) of an API defined elsewhere.
    #[schemars(with = "Option<ScopeName>")]
    pub scope: Option<Sp<String>>,
    /// The team's own OpenAPI document (OpenAPI 3.0.x or Swagger 2.0, YAML or
    /// JSON), relative to this policy file: `lint` reports what in it conflicts
    /// with the policy.
    pub openapi: Option<Sp<String>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawCors {
    /// Exact origins (scheme://host[:port]), "*" alone, or one-label subdomain
    /// patterns like "https://*.example.com" (REST and Lambda targets only).
    pub allow_origins: Option<Sp<Vec<Sp<String>>>>,
    /// Methods the browser may use. Default: the union of the routes' methods.
    pub allow_methods: Option<Sp<Vec<Sp<String>>>>,
    /// Request headers the browser may send. Case-insensitive. Default: none.
    pub allow_headers: Option<Sp<Vec<Sp<String>>>>,
    /// Response headers script may read. Case-insensitive. Default: none.
    pub expose_headers: Option<Sp<Vec<Sp<String>>>>,
    /// Allow cookies and HTTP authentication (`credentials: "include"`). Default false.
    pub allow_credentials: Option<Sp<bool>>,
    /// How long browsers may cache the preflight: whole seconds, or "30s", "10m", "1h", "1d".
    pub max_age: Option<Sp<RawDuration>>,
    /// REST only: status of the preflight response, 204 (default) or 200.
    #[schemars(with = "Option<PreflightStatus>")]
    pub preflight_status: Option<Sp<i64>>,
    /// "gateway" (default): API Gateway answers CORS. "lambda": on an HTTP API the
    /// function answers CORS itself and no cors_configuration is generated.
    #[schemars(with = "Option<OwnerName>")]
    pub owner: Option<Sp<String>>,
}

/// Whole seconds, or a number with one unit: s, m, h, d.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawDuration {
    Seconds(i64),
    Text(#[schemars(regex(pattern = r"^[0-9]+[smhd]$"))] String),
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawGatewayResponses {
    /// Gateway response types that carry CORS headers. Default: DEFAULT_4XX and DEFAULT_5XX.
    #[schemars(with = "Option<Vec<GatewayResponseType>>")]
    pub types: Option<Sp<Vec<Sp<String>>>>,
    /// "first" (default): the first exact origin, static. "reflect": echo the
    /// request's Origin unchecked (refused with credentials).
    #[schemars(with = "Option<GatewayOriginName>")]
    pub origin: Option<Sp<String>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawRoute {
    /// API Gateway path: "/", "/items/{id}", "/files/{proxy+}".
    #[schemars(required, regex(pattern = r"^/"))]
    pub path: Option<Sp<String>>,
    /// HTTP methods, or ["ANY"].
    #[schemars(required)]
    pub methods: Option<Sp<Vec<Sp<String>>>>,
    /// "lambda" (proxy, default), "http" (proxy) or "mock" (REST only).
    #[schemars(with = "Option<IntegrationName>")]
    pub integration: Option<Sp<String>>,
    /// "none" (default), "iam", "jwt" (HTTP APIs), "cognito" (REST), "custom".
    #[schemars(with = "Option<AuthorizationName>")]
    pub authorization: Option<Sp<String>>,
    /// REST only: override any [cors] key for this route's path.
    pub cors: Option<Sp<RawCors>>,
    /// The name of a [backends] entry serving this route (lambda and http
    /// integrations; a mock route has no backend).
    pub backend: Option<Sp<String>>,
}

// Schema-only enums: the allowed spellings of closed-set string values. The
// validator parses the strings into the model's enums; these exist so editors
// can complete the values.

#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum ApiTypeName {
    Rest,
    Http,
}

#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum ScopeName {
    Api,
    Cors,
}

#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum OwnerName {
    Gateway,
    Lambda,
}

#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum GatewayOriginName {
    First,
    Reflect,
}

#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum BackendTypeName {
    Lambda,
    Http,
}

#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum IntegrationName {
    Lambda,
    Http,
    Mock,
}

#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum AuthorizationName {
    None,
    Iam,
    Jwt,
    Cognito,
    Custom,
}

/// 204 (default) or 200.
struct PreflightStatus;

impl JsonSchema for PreflightStatus {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PreflightStatus".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "integer", "enum": [204, 200] })
    }
}

/// Any of API Gateway's gateway response types (the list lives in the model).
struct GatewayResponseType;

impl JsonSchema for GatewayResponseType {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "GatewayResponseType".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "enum": crate::model::GATEWAY_RESPONSE_TYPES,
        })
    }
}
