//! The catalogue of findings. Each [`Code`] has a stable id (`CF0101`), a short
//! kebab-case name, a fixed severity, a one-line summary and a long explanation
//! (`explanations/<id>.md`). `corsform rules`, the book's rule pages and SARIF's
//! `rules` array are all produced from [`Code::ALL`], so a rule cannot exist in
//! one place and not the other.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($( $variant:ident = $id:literal, $name:literal, $sev:ident, $summary:literal; )*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( $variant, )* }

        impl Code {
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The stable id shown in brackets: `error[CF0101]`.
            pub fn id(self) -> &'static str {
                match self { $( Code::$variant => $id, )* }
            }

            /// A readable kebab-case name, used as the SARIF rule name.
            pub fn name(self) -> &'static str {
                match self { $( Code::$variant => $name, )* }
            }

            pub fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$sev, )* }
            }

            /// One line on what the rule catches.
            pub fn summary(self) -> &'static str {
                match self { $( Code::$variant => $summary, )* }
            }

            /// The long explanation (`corsform help CF0903`, the book's rule
            /// page): Markdown from `explanations/<id>.md`. Included by id, so
            /// a code without its file does not compile.
            pub fn explanation(self) -> &'static str {
                match self { $( Code::$variant => include_str!(concat!("explanations/", $id, ".md")), )* }
            }
        }
    };
}

codes! {
    // Reading the file.
    TomlSyntax = "CF0001", "toml-syntax", Error, "the file is not valid TOML";
    WrongType = "CF0002", "wrong-type", Error, "a key holds a value of the wrong type";
    UnknownKey = "CF0003", "unknown-key", Error, "a key the policy format does not define";
    MissingKey = "CF0004", "missing-key", Error, "a required key is missing";
    UnsupportedVersion = "CF0005", "unsupported-version", Error, "`version` is not a supported policy format version";

    // Origins.
    WildcardOriginWithCredentials = "CF0101", "wildcard-origin-with-credentials", Error, "`*` origin together with allow_credentials = true: browsers refuse it";
    MalformedOrigin = "CF0102", "malformed-origin", Error, "an origin that is not scheme://host[:port] as browsers serialize it";
    NullOrigin = "CF0103", "null-origin", Warning, "the `null` origin is shared by sandboxed iframes and file:// pages";
    WildcardNotAlone = "CF0104", "wildcard-not-alone", Error, "`*` mixed with other origins";
    InsecureOriginWithCredentials = "CF0105", "insecure-origin-with-credentials", Warning, "an http:// origin other than localhost trusted with credentials";
    PatternOnHttpApi = "CF0106", "pattern-on-http-api", Error, "a subdomain pattern origin on an HTTP API, which cannot express it";
    DuplicateOrigin = "CF0107", "duplicate-origin", Warning, "the same origin listed twice";
    NoOrigins = "CF0108", "no-origins", Error, "allow_origins is empty";
    UnresolvedPlaceholder = "CF0109", "unresolved-placeholder", Error, "an origin `import` could not know (`${var.x}`, a parameter without default): write the value it holds";

    // Methods and headers.
    InvalidMethod = "CF0201", "invalid-method", Error, "a method that is not a valid HTTP method token";
    InvalidHeader = "CF0202", "invalid-header", Error, "a header name that is not a valid HTTP token";
    WildcardWithCredentials = "CF0203", "wildcard-with-credentials", Error, "`*` in allow_headers, allow_methods or expose_headers with credentials is a literal name, not a wildcard";
    WildcardHeadersWithoutAuthorization = "CF0204", "wildcard-headers-without-authorization", Warning, "`*` in allow_headers never covers Authorization";
    DuplicateHeader = "CF0205", "duplicate-header", Warning, "a header or method listed twice (names are case-insensitive)";
    MethodNotAllowed = "CF0206", "method-not-allowed", Warning, "a route method missing from allow_methods: browsers will block it";

    // max_age.
    InvalidMaxAge = "CF0301", "invalid-max-age", Error, "max_age is not whole seconds or a duration like \"10m\"";
    MaxAgeOutOfRange = "CF0302", "max-age-out-of-range", Error, "max_age outside what API Gateway accepts";
    MaxAgeOverBrowserCap = "CF0303", "max-age-over-browser-cap", Warning, "max_age above Chromium's 7200 s cap";

    // Routes.
    InvalidPath = "CF0401", "invalid-path", Error, "a route path API Gateway cannot express";
    DuplicateRoute = "CF0402", "duplicate-route", Error, "two routes claim the same method and path";
    MockOnHttpApi = "CF0403", "mock-on-http-api", Error, "a MOCK integration on an HTTP API, which has none";
    AuthorizerOnCatchAll = "CF0404", "authorizer-on-catch-all", Warning, "an authorizer on an HTTP API catch-all route catches preflights";
    RouteCorsOnHttpApi = "CF0405", "route-cors-on-http-api", Error, "per-route [routes.cors] on an HTTP API, whose CORS is API-wide";
    AuthorizationNotOnApiType = "CF0406", "authorization-not-on-api-type", Error, "an authorization kind the API type does not offer";
    NoMethods = "CF0407", "no-methods", Error, "a route with no methods";
    InvalidValue = "CF0408", "invalid-value", Error, "a value outside the allowed set";
    ConflictingRouteCors = "CF0409", "conflicting-route-cors", Error, "routes on one path with different CORS settings, which share one preflight";
    NoRoutes = "CF0410", "no-routes", Error, "a REST API with no routes, which API Gateway refuses to deploy";

    // API and REST-only settings.
    InvalidApiName = "CF0501", "invalid-api-name", Error, "api.name is not 1-64 of [a-z0-9-] starting with a letter";
    InvalidStage = "CF0502", "invalid-stage", Error, "a stage name API Gateway refuses";
    RestOnlySetting = "CF0503", "rest-only-setting", Error, "a REST-only setting on an HTTP API";
    InvalidPreflightStatus = "CF0504", "invalid-preflight-status", Error, "preflight_status other than 200 or 204";
    UnknownGatewayResponse = "CF0505", "unknown-gateway-response", Error, "a gateway response type API Gateway does not have";
    ReflectWithCredentials = "CF0506", "reflect-with-credentials", Error, "gateway responses reflecting any origin with credentials";
    ErrorsReachFirstOrigin = "CF0507", "errors-reach-first-origin", Note, "with several origins, gateway errors carry only the first one";
    OwnerNotOnApiType = "CF0508", "owner-not-on-api-type", Error, "owner = \"lambda\" on a REST API";

    // Who owns the headers.
    GatewayOwnsCors = "CF0601", "gateway-owns-cors", Note, "on an HTTP API with cors_configuration the gateway drops CORS headers from the backend";
    BackendOwnsActualResponse = "CF0602", "backend-owns-actual-response", Note, "on REST proxy routes the backend must send CORS headers on actual responses";

    // What the output languages and AWS's limits refuse (src/validate/{mapping_values,free_text,limits}.rs).
    QuoteInRestHeader = "CF0701", "quote-in-rest-header", Error, "a header name with `'`, which a REST API's single-quoted mapping value cannot hold";
    DescriptionTooLong = "CF0702", "description-too-long", Error, "api.description over CloudFormation's 1,024-byte template description limit";
    RestResourcesQuota = "CF0703", "rest-resources-quota", Warning, "more API Gateway resources than a REST API's default quota (300)";
    HttpRoutesQuota = "CF0704", "http-routes-quota", Warning, "more routes than an HTTP API's default quota (300)";
    StackResourceLimit = "CF0705", "stack-resource-limit", Warning, "more resources than one CloudFormation stack holds (500)";
    TemplateSizeLimit = "CF0706", "template-size-limit", Warning, "a CloudFormation template over the 1 MB template body limit";
    MappingTemplateTooLarge = "CF0707", "mapping-template-too-large", Error, "an origin-check mapping template over API Gateway's 300 KB limit";
    LargeOutput = "CF0708", "large-output", Warning, "origins x paths make `build` write tens of megabytes";
    DescriptionNotXmlText = "CF0709", "description-not-xml-text", Error, "api.description holds a character XML 1.0 cannot carry (C0 controls, U+FFFE, U+FFFF), which CloudFormation's XML API returns";
    // `audit` of IaC corsform did not write (src/audit): one code per rule of
    // docs/design.md's audit list; CF0101, CF0204, CF0302 and CF0303 are shared with lint.
    UnreadableIac = "CF0900", "unreadable-iac", Error, "an IaC file audit could not parse";
    PreflightWithoutCors = "CF0901", "preflight-without-cors", Error, "a path whose preflight carries no Access-Control-Allow-Origin (or has no OPTIONS method)";
    ActualResponseWithoutCors = "CF0902", "actual-response-without-cors", Error, "a non-proxy method whose responses carry no Access-Control-Allow-Origin";
    ErrorResponsesWithoutCors = "CF0903", "error-responses-without-cors", Warning, "API Gateway's own error responses carry no CORS headers";
    SeveralOriginsInOneHeader = "CF0904", "several-origins-in-one-header", Error, "several origins in one Access-Control-Allow-Origin value";
    OriginNotSerialized = "CF0905", "origin-not-serialized", Error, "an origin not written as browsers serialize it (path, trailing slash, upper case)";
    PreflightBehindAuthorizer = "CF0906", "preflight-behind-authorizer", Error, "an authorizer catches the preflight, which carries no credentials";
    MappingValueNotQuoted = "CF0907", "mapping-value-not-quoted", Error, "a static header value without single quotes is read as a mapping expression";
    InvalidMappingKey = "CF0908", "invalid-mapping-key", Error, "a response parameter key API Gateway does not accept";
    HeaderNotDeclared = "CF0909", "header-not-declared", Error, "an integration response maps a header its method response does not declare";
    NoRedeployOnChange = "CF0910", "no-redeploy-on-change", Warning, "a REST deployment that does not change when the API does";
    IntegrationResponseRace = "CF0911", "integration-response-race", Warning, "an integration response that does not wait for its integration";
    MockWithoutConvertToText = "CF0912", "mock-without-convert-to-text", Warning, "a MOCK preflight without content handling CONVERT_TO_TEXT";
    ExposeHeadersOnPreflightOnly = "CF0913", "expose-headers-on-preflight-only", Warning, "Access-Control-Expose-Headers on the preflight, where browsers ignore it";
    CredentialsMismatch = "CF0914", "credentials-mismatch", Error, "Allow-Credentials not `true`, or on the preflight but not on the actual or error responses";
    VaryMissing = "CF0915", "vary-missing", Warning, "Allow-Origin depends on the request's Origin but Vary: Origin is missing";
    UnescapedOriginRegex = "CF0916", "unescaped-origin-regex", Error, "an origin regex with an unescaped `.`, which matches other hosts";
    NoCors = "CF0917", "no-cors", Note, "a REST API with no CORS at all: no preflight, no Allow-Origin anywhere; fine unless a page on another origin calls it";
    RequestHeaderNotAllowed = "CF0918", "request-header-not-allowed", Warning, "an authorizer, SigV4 or an API key makes the page send a header the preflight's Allow-Headers does not list";
    // The rest of the browser's path (src/audit/rules/{cloudfront,s3,function_url}.rs).
    CloudfrontCacheKeyIgnoresOrigin = "CF0919", "cloudfront-cache-key-ignores-origin", Error, "a CloudFront behaviour in front of an API whose Allow-Origin varies by Origin, with a cache key that leaves Origin out";
    CloudfrontOptionsNotAllowed = "CF0920", "cloudfront-options-not-allowed", Error, "a CloudFront behaviour in front of an API with preflights whose allowed methods leave out OPTIONS";
    ResponseHeadersPolicyOverridesCors = "CF0921", "response-headers-policy-overrides-cors", Warning, "a CloudFront response headers policy that replaces the API's CORS headers or adds its own where the API sends none";
    BucketCorsWithoutEtag = "CF0922", "bucket-cors-without-etag", Warning, "an S3 CORS rule allowing PUT or POST without exposing ETag, which browser multipart uploads read";
    FunctionUrlCorsWithFunctionHeaders = "CF0923", "function-url-cors-with-function-headers", Error, "a Lambda function URL with a CORS block whose function also sets Access-Control-Allow-Origin, so the response carries it twice";
    BucketOriginWildcards = "CF0924", "bucket-origin-wildcards", Error, "an S3 AllowedOrigin with more than one `*`, which S3 refuses";
    CallerOwnsActualResponses = "CF0603", "caller-owns-actual-responses", Note, "with scope = \"cors\" the caller's API answers actual requests: on REST APIs its non-proxy methods take the layer's actual_response_* outputs, on HTTP APIs it sets the generated cors_configuration";
    LayerAddsPreflightRoute = "CF0604", "layer-adds-preflight-route", Note, "with scope = \"cors\" on an HTTP API, the module's OPTIONS route keeps preflights from an ANY route's authorizer, once it is given api_id";
    // Named backends and environments (src/validate/{backends,environments}.rs).
    // Named backends and environments.
    UndeclaredBackend = "CF0801", "undeclared-backend", Error, "a route names a backend that [backends] does not declare";
    UnusedBackend = "CF0802", "unused-backend", Warning, "a declared backend that no route uses";
    BackendOnMockRoute = "CF0803", "backend-on-mock-route", Error, "a backend on a mock route, which API Gateway answers itself";
    InvalidBackendName = "CF0804", "invalid-backend-name", Error, "a backend name outside [a-z][a-z0-9_]{0,39} or an environment name outside [a-z][a-z0-9]{0,39}";
    BackendTypeMismatch = "CF0805", "backend-type-mismatch", Error, "a route's integration differs from its backend's type";
    RouteWithoutBackend = "CF0806", "route-without-backend", Error, "with [backends], a lambda or http route that names no backend";
    ValidOnlyInSomeEnvironments = "CF0811", "valid-only-in-some-environments", Error, "the policy is valid in some environments and not in others";
    InsecureOriginInProduction = "CF0812", "insecure-origin-in-production", Warning, "a localhost or http:// origin in an environment named prod or production";
    // The team's OpenAPI document, `[api] openapi` (src/openapi/conflicts.rs).
    OpenapiUnreadable = "CF1000", "openapi-unreadable", Error, "the [api] openapi document is not YAML or JSON, or not an OpenAPI 3.0.x or Swagger 2.0 document";
    OpenapiOwnOptions = "CF1001", "openapi-own-options", Warning, "the document has an OPTIONS operation of its own, which the CORS layer's preflight replaces";
    OpenapiAuthorizerOnOptions = "CF1002", "openapi-authorizer-on-options", Error, "an authorizer on an OPTIONS operation: browsers send preflights without credentials, so they fail";
    OpenapiMethodNotAllowed = "CF1003", "openapi-method-not-allowed", Warning, "an operation whose method is outside [cors] allow_methods, so browsers cannot call it cross-origin";
    OpenapiOwnCors = "CF1004", "openapi-own-cors", Warning, "the document has an x-amazon-apigateway-cors of its own, which the policy's replaces";
    OpenapiUnknownRoute = "CF1005", "openapi-unknown-route", Error, "a [[routes]] path that is not in the [api] openapi document, whose paths are the routes";
    OpenapiPathNotUnderstood = "CF1007", "openapi-path-not-understood", Warning, "a path of the document that is not an API Gateway resource path, so the CORS layer gives it no preflight";
    // The rest of the browser's path: [cloudfront], [buckets], [function_urls] (src/validate/services.rs).
    InvalidServiceName = "CF1101", "invalid-service-name", Error, "a bucket or function URL name outside [a-z][a-z0-9_]{0,39}, or two that collide in CloudFormation";
    NotOnService = "CF1102", "not-on-service", Error, "a method, origin pattern or wildcard that the bucket's or function URL's CORS cannot hold";
    BucketPatternWider = "CF1103", "bucket-pattern-wider", Warning, "a subdomain pattern on a bucket, where S3's `*` also matches deeper subdomains";
    EtagNotExposed = "CF1104", "etag-not-exposed", Warning, "a bucket accepting PUT or POST whose CORS does not expose ETag, which multipart uploads read";
    ServiceLimit = "CF1105", "service-limit", Error, "more entries, or longer ones, than a function URL's CORS accepts";
    OpenapiGatewayResponseCors = "CF1006", "openapi-gateway-response-cors", Warning, "a gateway response of the document, outside [gateway_responses] types, whose CORS headers contradict the policy";
}

impl Code {
    /// Parse-level failures: the file could not be read as a policy at all.
    pub fn is_parse_error(self) -> bool {
        matches!(self, Code::TomlSyntax | Code::WrongType)
    }
}

impl Code {
    /// The code whose id (`CF0903`, any case) or name
    /// (`error-responses-without-cors`) is `word`.
    pub fn lookup(word: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.id().eq_ignore_ascii_case(word) || c.name() == word)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_and_names_are_unique() {
        let ids: HashSet<_> = Code::ALL.iter().map(|c| c.id()).collect();
        let names: HashSet<_> = Code::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(ids.len(), Code::ALL.len());
        assert_eq!(names.len(), Code::ALL.len());
    }

    #[test]
    fn lookup_takes_ids_in_any_case_and_names() {
        assert_eq!(
            Code::lookup("CF0903"),
            Some(Code::ErrorResponsesWithoutCors)
        );
        assert_eq!(
            Code::lookup("cf0903"),
            Some(Code::ErrorResponsesWithoutCors)
        );
        assert_eq!(
            Code::lookup("error-responses-without-cors"),
            Some(Code::ErrorResponsesWithoutCors)
        );
        assert_eq!(Code::lookup("CF9999"), None);
    }

    /// Every explanation has the parts a reader looks for: what happens, a
    /// wrong and a right example, the fix, and where the facts come from.
    #[test]
    fn every_explanation_has_its_sections() {
        for c in Code::ALL {
            let text = c.explanation();
            for part in ["## Wrong", "## Right", "## Fix", "Sources:"] {
                assert!(text.contains(part), "{} lacks `{part}`", c.id());
            }
            assert!(
                !text.starts_with('#'),
                "{}: the title is added by the renderer",
                c.id()
            );
            assert!(text.len() > 300, "{}: an explanation, not a stub", c.id());
            assert!(
                text.ends_with('\n') && !text.ends_with("\n\n"),
                "{}: one final newline",
                c.id()
            );
        }
    }

    /// No explanation file without its code (a renamed or removed code).
    #[test]
    fn every_explanation_file_has_a_code() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/diagnostic/explanations");
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let id = name.trim_end_matches(".md");
            assert!(Code::lookup(id).is_some(), "{name} explains no code");
        }
    }

    #[test]
    fn ids_have_the_documented_shape() {
        for c in Code::ALL {
            let id = c.id();
            assert!(id.len() == 6 && id.starts_with("CF"), "{id}");
            assert!(id[2..].chars().all(|ch| ch.is_ascii_digit()), "{id}");
        }
    }
}
