//! The neutral form of what sits on the browser's path besides API Gateway
//! (DESIGN, "The rest of the browser's path"): CloudFront distributions in
//! front of an API, S3 bucket CORS rules, Lambda function URLs. Terraform and
//! CloudFormation/SAM are read into these by [`crate::audit::recognise::edge`];
//! the rules in [`crate::audit::rules::edge`] judge only these, with the APIs
//! of [`super::Api`] they name. Each element keeps where it is written.

use super::{Loc, Value};

/// Everything of the rest of the browser's path the files declare.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Edge {
    pub distributions: Vec<Distribution>,
    pub buckets: Vec<BucketCors>,
    pub function_urls: Vec<FunctionUrl>,
}

/// A CloudFront distribution with a behaviour in front of an API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Distribution {
    pub loc: Loc,
    pub behaviours: Vec<Behaviour>,
}

/// A CloudFront distribution's cache behaviour whose target origin is an
/// API Gateway API of these files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Behaviour {
    /// The behaviour block (`default_cache_behavior`, an `ordered_cache_behavior`,
    /// `DefaultCacheBehavior`, an item of `CacheBehaviors`).
    pub loc: Loc,
    /// `*` for the default behaviour, else its path pattern.
    pub path: String,
    /// Index of the API in the audit's API list.
    pub api: usize,
    /// The allowed and cached methods as written (upper case), with where.
    pub allowed_methods: Option<(Vec<String>, Loc)>,
    pub cached_methods: Option<(Vec<String>, Loc)>,
    pub key: CacheKey,
    pub response_headers: Option<ResponseHeadersPolicy>,
}

/// What a behaviour's cache key holds, as far as the files say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheKey {
    /// The cache key names these request headers (lower case) and responses
    /// are cached; `at` is the construct that lists them (a cache policy's
    /// headers config, a legacy `forwarded_values`, a managed policy's id).
    Headers {
        headers: Vec<String>,
        at: Loc,
        /// How the file names the key: `cache policy "x"`, `forwarded_values`.
        what: String,
    },
    /// Nothing is cached (all headers forwarded, TTLs of 0, CachingDisabled).
    NotCached,
    /// A policy or value these files do not show.
    Unknown,
}

/// A response headers policy attached to a behaviour, with what it does to
/// CORS headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHeadersPolicy {
    pub name: String,
    /// Its CORS settings, when it has some.
    pub cors: Option<PolicyCors>,
    /// Custom headers named `Access-Control-*`: name, value, override, where.
    pub custom: Vec<(String, Option<String>, bool, Loc)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyCors {
    pub loc: Loc,
    /// The allowed origins (`None` when computed).
    pub origins: Option<Vec<String>>,
    pub origin_override: bool,
}

/// One CORS rule of an S3 bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketCors {
    /// The bucket's name as the files write it (address or logical id).
    pub bucket: String,
    pub loc: Loc,
    pub methods: Vec<String>,
    pub origins: Vec<Value>,
    /// `None` when the expose list is computed.
    pub expose: Option<Vec<String>>,
    /// Where ExposeHeaders is written, or the rule when it is absent.
    pub expose_at: Loc,
    /// What in the files shows multipart uploads into this bucket.
    pub multipart: Option<String>,
}

/// A Lambda function URL with a CORS block, and what its function's code
/// shows about the CORS headers it sets itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionUrl {
    pub name: String,
    /// The URL's CORS block.
    pub cors: Loc,
    /// The function, as the files name it.
    pub function: String,
    /// The `Access-Control-*` headers the function's code sets (as written),
    /// and which code that is (`inline code`, `handler file src/app.py`).
    pub code_headers: Vec<String>,
    pub code_from: Option<String>,
}
