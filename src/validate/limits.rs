//! Deploy-time limits a valid policy can still exceed, found before anything
//! is written. Counts are exact (the same arithmetic the REST and HTTP plans
//! follow); sizes are estimates from the parts that grow (a preflight's VTL
//! template holds every allowed origin, once per path). Sources:
//! - API Gateway developer guide, "Quotas for configuring and running a REST
//!   API": Resources per API 300 (can be increased); Mapping template size
//!   300 KB (cannot).
//! - API Gateway developer guide, "Quotas for configuring and running an HTTP
//!   API": Routes per API 300 (can be increased).
//! - CloudFormation user guide, "Understand CloudFormation quotas": Resources
//!   500 per template; template body 1 MB from Amazon S3 (51,200 bytes inline).
//!
//! Counts over a quota that AWS raises on request are warnings; a hard limit of
//! every target (the mapping template) is an error.

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{ApiType, Authorization, Cors, Integration, Origin, Owner, Policy};
use crate::policy::raw::RawPolicy;
use std::collections::HashSet;
use std::ops::Range;

pub const REST_RESOURCES_PER_API: usize = 300;
pub const HTTP_ROUTES_PER_API: usize = 300;
pub const MAPPING_TEMPLATE_BYTES: usize = 300 * 1024;
pub const STACK_RESOURCES: usize = 500;
pub const TEMPLATE_BYTES: usize = 1024 * 1024;
/// Above this estimated total (every target `build` writes by default), lint
/// says how big the output will be: 1,000 routes x 2,000 origins once wrote
/// 509 MB without a word.
pub const LARGE_OUTPUT_BYTES: usize = 20 * 1024 * 1024;

/// Bytes a REST target spends per item besides the VTL, measured on the
/// goldens' CloudFormation templates (rounded up).
const BYTES_PER_PATH: usize = 1800;
const BYTES_PER_METHOD: usize = 700;
const BYTES_PER_RESOURCE: usize = 300;

pub fn check(policy: &Policy, raw: &RawPolicy, out: &mut Vec<Diagnostic>) {
    let routes_at = raw.routes.last().map_or(0..0, |r| r.span());
    let origins_at = raw
        .cors
        .as_ref()
        .and_then(|c| c.allow_origins.as_ref())
        .map_or(routes_at.clone(), |o| o.span());
    match policy.api.api_type {
        ApiType::Rest => rest(policy, routes_at, origins_at, out),
        ApiType::Http => http(policy, routes_at, out),
    }
}

fn rest(
    policy: &Policy,
    routes_at: Range<usize>,
    origins_at: Range<usize>,
    out: &mut Vec<Diagnostic>,
) {
    let mut prefixes: HashSet<String> = HashSet::new();
    let mut paths: HashSet<&str> = HashSet::new();
    let mut methods = 0;
    let mut template_bytes = 0usize;
    let mut largest_vtl = 0usize;
    // Built once for the API-wide CORS: 1,000 routes x 2,000 origins took seconds otherwise.
    let default_vtl = vtl_bytes(&policy.cors);
    for r in &policy.routes {
        let mut prefix = String::new();
        for seg in r.path.text.split('/').filter(|s| !s.is_empty()) {
            prefix = format!("{prefix}/{seg}");
            prefixes.insert(prefix.clone());
        }
        let vtl = r.cors_override.as_ref().map_or(default_vtl, vtl_bytes);
        largest_vtl = largest_vtl.max(vtl);
        if paths.insert(&r.path.text) {
            template_bytes += BYTES_PER_PATH + vtl;
        }
        methods += r.methods.len();
        template_bytes += r.methods.len() * BYTES_PER_METHOD;
        if r.integration == Integration::Mock {
            template_bytes += r.methods.len() * vtl;
        }
    }
    template_bytes += prefixes.len() * BYTES_PER_RESOURCE;
    let gateway = policy
        .gateway_responses
        .as_ref()
        .map_or(0, |g| g.types.len());
    let uses = |i: Integration| policy.routes.iter().any(|r| r.integration == i);
    let auth = |a: Authorization| policy.routes.iter().any(|r| r.authorization == a);
    // RestApi, Deployment, Stage; the Lambda permission; each authorizer (a
    // custom one with its permission).
    let fixed = 3
        + usize::from(uses(Integration::Lambda))
        + usize::from(auth(Authorization::Cognito))
        + 2 * usize::from(auth(Authorization::Custom));
    let stack = prefixes.len() + paths.len() + methods + gateway + fixed;

    if prefixes.len() > REST_RESOURCES_PER_API {
        out.push(
            Diagnostic::new(
                Code::RestResourcesQuota,
                format!("{} API Gateway resources (one per path segment); a REST API holds {REST_RESOURCES_PER_API} unless AWS raises the quota", prefixes.len()),
                routes_at.clone(),
            )
            .label("the routes add up to more resources than the default quota")
            .help("request a higher \"Resources per API\" quota in Service Quotas before deploying, or split the API"),
        );
    }
    if largest_vtl > MAPPING_TEMPLATE_BYTES {
        out.push(
            Diagnostic::new(
                Code::MappingTemplateTooLarge,
                format!("the origin check is a {} KB mapping template; API Gateway accepts at most 300 KB", largest_vtl / 1024),
                origins_at.clone(),
            )
            .label("every allowed origin is tested in each preflight's template")
            .help("allow fewer origins: a subdomain pattern such as \"https://*.example.com\" covers many in one test"),
        );
    }
    stack_and_size(
        stack,
        template_bytes,
        "REST",
        routes_at,
        origins_at,
        policy,
        out,
    );
}

fn http(policy: &Policy, routes_at: Range<usize>, out: &mut Vec<Diagnostic>) {
    let mut routes: usize = policy.routes.iter().map(|r| r.methods.len()).sum();
    if policy.cors.owner == Owner::Lambda {
        // At most one unauthorized OPTIONS route per path (http_api.rs).
        let paths: HashSet<&str> = policy.routes.iter().map(|r| r.path.text.as_str()).collect();
        routes += paths.len();
    }
    if routes > HTTP_ROUTES_PER_API {
        out.push(
            Diagnostic::new(
                Code::HttpRoutesQuota,
                format!("{routes} routes (one per method and path); an HTTP API holds {HTTP_ROUTES_PER_API} unless AWS raises the quota"),
                routes_at.clone(),
            )
            .label("more routes than the default quota")
            .help("request a higher \"Routes per API\" quota in Service Quotas before deploying, or use {proxy+} routes"),
        );
    }
    // HttpApi, Stage, two integrations, the permissions and authorizers.
    let stack = routes + 7;
    let bytes = routes * BYTES_PER_METHOD + 4000;
    stack_and_size(
        stack,
        bytes,
        "HTTP",
        routes_at.clone(),
        routes_at,
        policy,
        out,
    );
}

fn stack_and_size(
    stack: usize,
    template_bytes: usize,
    kind: &str,
    routes_at: Range<usize>,
    origins_at: Range<usize>,
    policy: &Policy,
    out: &mut Vec<Diagnostic>,
) {
    if stack > STACK_RESOURCES {
        let sam = if kind == "REST" {
            "`--target sam` (one AWS::Serverless::Api holds the whole API) or "
        } else {
            ""
        };
        out.push(
            Diagnostic::new(
                Code::StackResourceLimit,
                format!("the CloudFormation target would declare {stack} resources; a stack holds at most {STACK_RESOURCES}"),
                routes_at,
            )
            .label("too many resources for one CloudFormation stack")
            .help(format!("build {sam}`--target terraform`, which has no such limit, or split the API")),
        );
    }
    if template_bytes > TEMPLATE_BYTES {
        out.push(
            Diagnostic::new(
                Code::TemplateSizeLimit,
                format!("the CloudFormation template would be about {} MB; CloudFormation accepts at most 1 MB", mb(template_bytes)),
                origins_at.clone(),
            )
            .label("origins x paths: each path's preflight checks every origin")
            .help("allow fewer origins or paths (a subdomain pattern or a {proxy+} route covers many), or build `--target terraform`"),
        );
    }
    // Terraform, CloudFormation and SAM each carry the templates once.
    let total = template_bytes * 3;
    if total > LARGE_OUTPUT_BYTES {
        let origins = policy.cors.allow_origins.len();
        out.push(
            Diagnostic::new(
                Code::LargeOutput,
                format!("`build` would write about {} MB ({origins} origins x {} routes)", mb(total), policy.routes.len()),
                origins_at,
            )
            .label("the output grows with origins times paths")
            .help("use subdomain patterns or fewer, broader routes; or build only the target you deploy with --target"),
        );
    }
}

fn mb(bytes: usize) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}

/// Length of the preflight's origin-check template, 0 when the origin is
/// static (one exact origin or `*`): the arithmetic of `derive::vtl`.
fn vtl_bytes(cors: &Cors) -> usize {
    let varies = cors.allow_origins.len() > 1
        || cors
            .allow_origins
            .iter()
            .any(|o| matches!(o, Origin::Pattern { .. }));
    if !varies {
        return 0;
    }
    crate::derive::vtl::origin_override(&cors.allow_origins).len()
}
