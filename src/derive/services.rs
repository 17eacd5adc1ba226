//! What every IaC target must say for the rest of the browser's path
//! (docs/design.md "The rest of the browser's path"): each S3 bucket's CORS
//! rule, each Lambda function URL's `cors` block, and the CloudFront cache and
//! origin request policies. Plain data, per environment where the policy has
//! environments, so Terraform, CloudFormation, SAM and the CDK modules render
//! the same values. Templates read it as `services`.
//!
//! Facts the plan encodes:
//! - S3 (API reference, "CORSRule"): one rule with AllowedMethods,
//!   AllowedOrigins (`*` and one-`*` patterns are taken as written),
//!   AllowedHeaders, ExposeHeaders, MaxAgeSeconds. S3 has no credentials flag:
//!   it sends `Access-Control-Allow-Credentials: true` whenever it echoes a
//!   matched origin.
//! - Lambda function URLs (API reference, "Cors"): AllowCredentials,
//!   AllowOrigins, AllowMethods, AllowHeaders, ExposeHeaders, MaxAge.
//! - CloudFront does not honour `Vary` (Developer Guide, "Cache content based
//!   on request headers"), so the cache key holds Origin and the two
//!   Access-Control-Request-* headers. CloudFront forwards Authorization to
//!   the origin only when the cache key holds it (Developer Guide, "Control
//!   the cache key with a policy": an origin request policy cannot include
//!   it), so it joins the key when the API reads it. Headers, cookies and
//!   query strings are refused in the key of a policy whose MaxTTL is 0
//!   (Developer Guide, "Understand cache policies": the cache key settings
//!   apply only when caching is enabled), so the TTLs are min 0, default 0,
//!   max one year: nothing is cached unless the API's own Cache-Control
//!   says so, and then for as long as it says. The origin request policy
//!   forwards every viewer header except Host: API Gateway and function URLs
//!   pick the API by the Host they are addressed as, and answer 403 for the
//!   distribution's domain (Developer Guide, "Use managed origin request
//!   policies", AllViewerExceptHostHeader).

use crate::model::{Authorization, Cors, Policy, Service, ServiceKind};
use heck::ToUpperCamelCase;
use serde::Serialize;

/// `max_ttl` of the cache policy: one year, CloudFront's default maximum.
pub const MAX_TTL: u64 = 31_536_000;

/// The services of one policy, as every target renders them.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ServicesPlan {
    /// Anything to render at all; without it every target is byte for byte
    /// what it was before these keys existed.
    pub any: bool,
    /// The environments' names when the policy has `[environments]`: values
    /// then come per environment (`values[i]` is `environments[i]`'s).
    pub environments: Vec<String>,
    pub buckets: Vec<BucketPlan>,
    pub function_urls: Vec<FunctionUrlPlan>,
    pub cloudfront: Option<CloudfrontPlan>,
    /// Inputs (Terraform variables, CloudFormation Parameters) it adds.
    pub parameters: bool,
    /// Some function URL's values differ between environments
    /// (CloudFormation's `DirectServices` Mapping).
    pub mapped: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct BucketPlan {
    pub name: String,
    /// CloudFormation and CDK spelling of the name (`uploads` -> `Uploads`).
    pub pascal: String,
    /// The rule per environment (one without environments).
    pub rules: Vec<BucketRule>,
}

/// One S3 CORS rule.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BucketRule {
    /// The bucket's policy name.
    pub name: String,
    /// The environment, or `None`.
    pub environment: Option<String>,
    /// The generated fragment's file stem (`uploads`, `uploads.dev`).
    pub file: String,
    pub allowed_methods: Vec<String>,
    pub allowed_origins: Vec<String>,
    pub allowed_headers: Vec<String>,
    pub expose_headers: Vec<String>,
    pub max_age: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FunctionUrlPlan {
    pub name: String,
    pub pascal: String,
    /// The `cors` block per environment (one without environments).
    pub cors: Vec<UrlCors>,
    /// Per field, whether environments differ (CloudFormation then looks it
    /// up in its `DirectServices` Mapping).
    pub differs: UrlDiffers,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UrlCors {
    pub environment: Option<String>,
    pub allow_credentials: bool,
    pub allow_origins: Vec<String>,
    pub allow_methods: Vec<String>,
    /// The methods as the CDK's `lambda.HttpMethod` names them (`*` is `ALL`).
    pub cdk_methods: Vec<String>,
    pub allow_headers: Vec<String>,
    pub expose_headers: Vec<String>,
    pub max_age: Option<i64>,
}

#[derive(Debug, Clone, Copy, Serialize, Default)]
pub struct UrlDiffers {
    pub allow_credentials: bool,
    pub allow_origins: bool,
    pub max_age: bool,
    pub any: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CloudfrontPlan {
    /// Headers in the cache key (so forwarded too), in order.
    pub cache_key_headers: Vec<String>,
    /// Whether Authorization joined the key because the API reads it.
    pub authorization: bool,
    /// The one header the origin request policy withholds.
    pub origin_request_except: Vec<String>,
    pub max_ttl: u64,
    /// Base of the policies' names (`photos-cors`).
    pub name: String,
}

/// The services plan of `policy`.
pub fn plan(policy: &Policy) -> ServicesPlan {
    // Each environment's view of the policy (the policy itself without them).
    let views: Vec<(Option<&str>, &Policy)> = if policy.environments.is_empty() {
        vec![(None, policy)]
    } else {
        policy
            .environments
            .iter()
            .map(|e| (Some(e.name.as_str()), &e.policy))
            .collect()
    };
    let of_view = |view: &Policy, s: &Service| -> Option<Cors> {
        view.services
            .iter()
            .find(|v| v.kind == s.kind && v.name == s.name)
            .map(|v| v.cors.clone())
    };
    let mut buckets = Vec::new();
    let mut function_urls = Vec::new();
    for s in &policy.services {
        let corses: Vec<(Option<&str>, Cors)> = views
            .iter()
            .map(|(env, view)| (*env, of_view(view, s).unwrap_or_else(|| s.cors.clone())))
            .collect();
        match s.kind {
            ServiceKind::Bucket => buckets.push(BucketPlan {
                name: s.name.clone(),
                pascal: s.name.to_upper_camel_case(),
                rules: corses
                    .iter()
                    .map(|(env, c)| bucket_rule(&s.name, *env, c))
                    .collect(),
            }),
            ServiceKind::FunctionUrl => {
                let cors: Vec<UrlCors> = corses.iter().map(|(env, c)| url_cors(*env, c)).collect();
                let differs =
                    |f: &dyn Fn(&UrlCors) -> String| cors.iter().any(|c| f(c) != f(&cors[0]));
                let mut d = UrlDiffers {
                    allow_credentials: differs(&|c| c.allow_credentials.to_string()),
                    allow_origins: differs(&|c| c.allow_origins.join(",")),
                    max_age: differs(&|c| format!("{:?}", c.max_age)),
                    any: false,
                };
                d.any = d.allow_credentials || d.allow_origins || d.max_age;
                function_urls.push(FunctionUrlPlan {
                    name: s.name.clone(),
                    pascal: s.name.to_upper_camel_case(),
                    cors,
                    differs: d,
                });
            }
        }
    }
    let cloudfront = policy.cloudfront.as_ref().map(|cf| {
        let mut headers = cf.cache_key_headers.clone();
        let authorization = reads_authorization(policy);
        if authorization
            && !headers
                .iter()
                .any(|h| h.eq_ignore_ascii_case("authorization"))
        {
            headers.push("Authorization".to_string());
        }
        CloudfrontPlan {
            cache_key_headers: headers,
            authorization,
            origin_request_except: vec!["Host".to_string()],
            max_ttl: MAX_TTL,
            name: format!("{}-cors", policy.api.name),
        }
    });
    ServicesPlan {
        any: !buckets.is_empty() || !function_urls.is_empty() || cloudfront.is_some(),
        environments: policy
            .environment_names()
            .into_iter()
            .map(String::from)
            .collect(),
        parameters: !function_urls.is_empty(),
        mapped: function_urls.iter().any(|f| f.differs.any),
        buckets,
        function_urls,
        cloudfront,
    }
}

/// Whether requests to the API carry Authorization: an authorizer or IAM
/// reads it, or the browser is allowed to send it.
fn reads_authorization(policy: &Policy) -> bool {
    let allowed = |c: &Cors| c.allow_headers.iter().any(|h| h == "authorization");
    policy
        .routes
        .iter()
        .any(|r| r.authorization != Authorization::None || allowed(r.cors(&policy.cors)))
        || allowed(&policy.cors)
        || policy
            .environments
            .iter()
            .any(|e| reads_authorization(&e.policy))
}

fn bucket_rule(name: &str, env: Option<&str>, c: &Cors) -> BucketRule {
    BucketRule {
        name: name.to_string(),
        environment: env.map(String::from),
        file: match env {
            Some(e) => format!("{name}.{e}"),
            None => name.to_string(),
        },
        allowed_methods: c.allow_methods.clone(),
        allowed_origins: c.origin_strings(),
        allowed_headers: c.allow_headers.clone(),
        expose_headers: c.expose_headers.clone(),
        max_age: c.max_age,
    }
}

fn url_cors(env: Option<&str>, c: &Cors) -> UrlCors {
    UrlCors {
        environment: env.map(String::from),
        allow_credentials: c.allow_credentials,
        allow_origins: c.origin_strings(),
        allow_methods: c.allow_methods.clone(),
        cdk_methods: c
            .allow_methods
            .iter()
            .map(|m| if m == "*" { "ALL".into() } else { m.clone() })
            .collect(),
        allow_headers: c.allow_headers.clone(),
        expose_headers: c.expose_headers.clone(),
        max_age: c.max_age,
    }
}

/// The JSON `aws s3api put-bucket-cors --cors-configuration` takes (S3 API
/// reference, "PutBucketCors": CORSConfiguration, CORSRule), in S3's spelling.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct S3Configuration {
    #[serde(rename = "CORSRules")]
    pub cors_rules: Vec<S3Rule>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct S3Rule {
    #[serde(rename = "ID")]
    pub id: String,
    pub allowed_methods: Vec<String>,
    pub allowed_origins: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed_headers: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expose_headers: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_age_seconds: Option<i64>,
}

impl BucketRule {
    /// This rule as the S3 API takes it, with `id` as its ID.
    pub fn s3_configuration(&self, id: &str) -> S3Configuration {
        S3Configuration {
            cors_rules: vec![S3Rule {
                id: id.to_string(),
                allowed_methods: self.allowed_methods.clone(),
                allowed_origins: self.allowed_origins.clone(),
                allowed_headers: self.allowed_headers.clone(),
                expose_headers: self.expose_headers.clone(),
                max_age_seconds: self.max_age,
            }],
        }
    }
}

impl ServicesPlan {
    /// The bucket rule whose fragment `file` is, given the file pattern with
    /// `{bucket}` (`buckets/{bucket}-cors.json`).
    pub fn bucket_file(&self, pattern: &str, file: &str) -> Option<&BucketRule> {
        self.buckets
            .iter()
            .flat_map(|b| b.rules.iter())
            .find(|r| pattern.replace("{bucket}", &r.file) == file)
    }

    /// Every file `pattern` expands to: one per bucket and environment.
    pub fn bucket_files(&self, pattern: &str) -> Vec<String> {
        self.buckets
            .iter()
            .flat_map(|b| b.rules.iter())
            .map(|r| pattern.replace("{bucket}", &r.file))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    fn policy(extra: &str) -> crate::model::Policy {
        let text = format!(
            "version = 1\n[api]\nname = \"p\"\ntype = \"http\"\n[cors]\nallow_origins = [\"https://a.example.com\"]\n[[routes]]\npath = \"/x\"\nmethods = [\"GET\"]\n{extra}"
        );
        let file = crate::diagnostic::SourceFile::new("t.toml", text);
        let (p, d) = crate::check(&file);
        p.unwrap_or_else(|| panic!("{d:?}"))
    }

    #[test]
    fn nothing_declared_plans_nothing() {
        let p = super::plan(&policy(""));
        assert!(!p.any && !p.parameters && !p.mapped && p.cloudfront.is_none());
    }

    /// Authorization joins the cache key only when the API reads it.
    #[test]
    fn authorization_joins_the_key_when_read() {
        let plain = super::plan(&policy("[cloudfront]\n"));
        let cf = plain.cloudfront.unwrap();
        assert_eq!(
            cf.cache_key_headers,
            [
                "Origin",
                "Access-Control-Request-Method",
                "Access-Control-Request-Headers"
            ]
        );
        assert!(!cf.authorization);
        let text = "[cloudfront]\n";
        let mut p = policy(text);
        p.cors.allow_headers.push("authorization".into());
        let cf = super::plan(&p).cloudfront.unwrap();
        assert_eq!(cf.cache_key_headers.last().unwrap(), "Authorization");
        assert_eq!(cf.origin_request_except, ["Host"]);
    }

    /// Environments with different origins give one rule per environment,
    /// and mark the function URL's origins as differing.
    #[test]
    fn environments_give_one_rule_each() {
        let p = policy(
            "[buckets.up]\nmethods = [\"PUT\"]\n[function_urls.f]\nmethods = [\"POST\"]\n[environments.dev]\ncors = { allow_origins = [\"http://localhost:3000\"] }\n[environments.prod]\napi = { stage = \"prod\" }\n",
        );
        let plan = super::plan(&p);
        let rules = &plan.buckets[0].rules;
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].allowed_origins, ["http://localhost:3000"]);
        assert_eq!(rules[1].allowed_origins, ["https://a.example.com"]);
        assert_eq!(rules[0].expose_headers, ["etag"]);
        assert_eq!(rules[0].file, "up.dev");
        assert!(plan.function_urls[0].differs.allow_origins);
        assert!(!plan.function_urls[0].differs.max_age);
        assert_eq!(
            plan.bucket_files("buckets/{bucket}-cors.json"),
            ["buckets/up.dev-cors.json", "buckets/up.prod-cors.json"]
        );
    }
}
