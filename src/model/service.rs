//! The rest of the browser's path (docs/design.md "The rest of the browser's
//! path"): the S3 buckets and Lambda function URLs a front end calls directly,
//! and whether the API sits behind CloudFront. Each service carries a whole
//! [`Cors`], its own methods and headers with the origins, credentials and
//! max age of `[cors]` (or its overrides), so explain, serve and every
//! target judge and render it exactly as they judge a route.

use super::Cors;
use serde::Serialize;

/// Which AWS service answers the browser, and so whose CORS rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    /// An S3 bucket's CORS configuration (S3 User Guide, "Elements of a CORS
    /// configuration"): S3 answers preflights itself, echoes the matched
    /// origin and the requested headers.
    Bucket,
    /// A Lambda function URL's `cors` block (Lambda API reference, "Cors"):
    /// Lambda answers preflights itself.
    FunctionUrl,
}

impl ServiceKind {
    /// The policy table that declares it: `buckets`, `function_urls`.
    pub fn table(self) -> &'static str {
        match self {
            ServiceKind::Bucket => "buckets",
            ServiceKind::FunctionUrl => "function_urls",
        }
    }

    /// As people call it.
    pub fn label(self) -> &'static str {
        match self {
            ServiceKind::Bucket => "S3 bucket",
            ServiceKind::FunctionUrl => "Lambda function URL",
        }
    }
}

/// One bucket or function URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Service {
    /// `[a-z][a-z0-9_]{0,39}`, as declared: it names Terraform variables and,
    /// PascalCased, CloudFormation Parameters.
    pub name: String,
    pub kind: ServiceKind,
    /// `allow_methods` holds the service's `methods`; `preflight_status` and
    /// `owner` are unused (the service answers preflights itself).
    pub cors: Cors,
}

impl Service {
    /// How explain and serve address it: `bucket:uploads`, `function_url:thumbs`.
    pub fn address(&self) -> String {
        let prefix = match self.kind {
            ServiceKind::Bucket => "bucket",
            ServiceKind::FunctionUrl => "function_url",
        };
        format!("{prefix}:{}", self.name)
    }
}

/// `[cloudfront]`: the API is served through a distribution. The generated
/// cache policy keys on these request headers: CloudFront does not honour
/// `Vary` (CloudFront Developer Guide, "Configuring CloudFront to respect
/// CORS settings"; "Cache content based on request headers"), so a response
/// that depends on Origin must have Origin in its cache key, and a preflight's
/// answer depends on the two Access-Control-Request-* headers too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cloudfront {
    pub cache_key_headers: Vec<String>,
}

/// What every corsform cache policy keys on.
pub const CLOUDFRONT_CACHE_KEY_HEADERS: &[&str] = &[
    "Origin",
    "Access-Control-Request-Method",
    "Access-Control-Request-Headers",
];

impl Default for Cloudfront {
    fn default() -> Self {
        Cloudfront {
            cache_key_headers: CLOUDFRONT_CACHE_KEY_HEADERS
                .iter()
                .map(|h| h.to_string())
                .collect(),
        }
    }
}
