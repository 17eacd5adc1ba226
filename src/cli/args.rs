//! Raw command-line arguments, as clap parses them. The commands validate what
//! clap cannot (files exist, outputs do not collide) before doing any work.

use crate::render::Target;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "corsform",
    version,
    about = "Compile one CORS policy into API Gateway infrastructure code that browsers accept",
    long_about = "corsform reads a CORS policy written in TOML, lints it, and compiles it into \
Terraform, SAM or CloudFormation for AWS API Gateway, so preflights, actual responses and \
errors all carry the right CORS headers.",
    after_help = "Examples:\n  corsform init --type http api.toml\n  corsform lint api.toml\n  corsform build api.toml\n  corsform build api.toml --target terraform --check\n\nExit codes: 0 success; 1 error-level findings or drift under --check; 2 usage, I/O or parse errors."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate infrastructure code from one or more policies.
    #[command(
        after_help = "Examples:\n  corsform build policies/spa-credentials.toml\n      writes generated/<api.name>/{terraform,sam,cloudformation}/\n  corsform build api.toml --target terraform --out infra\n      writes infra/<api.name>/terraform/\n  corsform build api.toml --check\n      CI mode: writes nothing, prints a diff and exits 1 if any file would change\n  corsform build api.toml --target sam --stdout"
    )]
    Build(BuildArgs),
    /// Check policies and print every finding, rustc-style.
    #[command(
        after_help = "Examples:\n  corsform lint api.toml\n  corsform lint policies/*.toml --deny-warnings\n  corsform lint api.toml --format sarif > corsform.sarif"
    )]
    Lint(LintArgs),
    /// Would a browser allow this request against what `build` deploys? Why not, and what to change.
    #[command(
        after_help = "Examples:\n  corsform explain api.toml --origin https://app.example.com --method PUT --header content-type --credentials\n  corsform explain api.toml --origin http://localhost:5173 --method GET --path /items/42 --format json\n\nExit codes: 0 allowed; 1 blocked; 2 usage, I/O or policy errors."
    )]
    Explain(ExplainArgs),
    /// Serve the deployment's CORS behaviour locally, for front-end development in a real browser.
    #[command(
        after_help = "Examples:\n  corsform serve api.toml\n      stubs every route on http://127.0.0.1:8787\n  corsform serve api.toml --upstream http://127.0.0.1:3000 --listen 127.0.0.1:9000\n      proxies actual requests to a local backend, replacing its CORS headers\n\nAdd __corsform_error=1 to a query string to get the API Gateway error response the page would see."
    )]
    Serve(ServeArgs),
    /// Check a deployed API against its policy with real preflight and GET requests.
    #[command(
        long_about = "Check a deployed API against its policy with real requests: for every route, a \
preflight (OPTIONS) and, for routes that serve GET or HEAD, an actual request, from every allowed \
origin and from attack origins (an unrelated origin, null, prefix and suffix tricks, the http:// \
twin of an https origin); plus one request to a path the API does not have, to see API Gateway's \
own error response. Every CORS header that differs from what the policy deploys is reported, and \
the classic misconfigurations are named.\n\n\
probe sends only OPTIONS, GET and HEAD. It never sends POST, PUT, PATCH or DELETE to a deployed \
API: those could change data. Redirects are reported, not followed.",
        after_help = "Examples:\n  corsform probe https://abc123.execute-api.eu-west-1.amazonaws.com/prod --policy api.toml\n  corsform probe http://127.0.0.1:8787 --policy api.toml --format json\n      against `corsform serve api.toml`, as JSON\n  corsform probe https://api.example.com/v1 --policy api.toml --origin https://staging.example.com\n\nExit codes: 0 every response matches the policy; 1 differences or misconfigurations found; 2 usage, I/O or policy errors, or the API could not be reached."
    )]
    Probe(ProbeArgs),
    /// Write a commented starter policy.
    #[command(
        after_help = "Examples:\n  corsform init\n      writes corsform.toml for an HTTP API\n  corsform init --type rest orders.toml"
    )]
    Init(InitArgs),
    /// Print the JSON Schema of the policy format (for editors with TOML schema support).
    #[command(after_help = "Example:\n  corsform schema > corsform.schema.json")]
    Schema,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Policy files to compile.
    #[arg(required = true, value_name = "POLICY")]
    pub policies: Vec<PathBuf>,
    /// Targets to generate (repeatable). Default: every target the API type supports.
    #[arg(long = "target", short = 't', value_name = "T")]
    pub targets: Vec<Target>,
    /// Output root: files go to DIR/<api.name>/<target>/.
    #[arg(long, value_name = "DIR", default_value = "generated")]
    pub out: PathBuf,
    /// Write nothing; exit 1 and print a diff if any file would change (for CI).
    #[arg(long, conflicts_with = "stdout")]
    pub check: bool,
    /// Print the generated files instead of writing them.
    #[arg(long)]
    pub stdout: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Policy files to check.
    #[arg(required = true, value_name = "POLICY")]
    pub policies: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The policy file.
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,
    /// The environment to answer as (required when the policy has [environments]).
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// The page's origin, as the browser sends it (https://app.example.com).
    #[arg(long)]
    pub origin: String,
    /// The request method.
    #[arg(long)]
    pub method: String,
    /// A request header the page sets: `name` or `name: value` (repeatable).
    /// A name alone counts as not CORS-safelisted (e.g. JSON content-type).
    #[arg(long = "header", short = 'H', value_name = "H")]
    pub headers: Vec<String>,
    /// The request is sent with `credentials: "include"`.
    #[arg(long)]
    pub credentials: bool,
    /// The request path (default: the first route serving the method).
    #[arg(long)]
    pub path: Option<String>,
    /// The deployed target; IaC targets of one API type answer alike.
    #[arg(long, value_name = "T")]
    pub target: Option<Target>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: ExplainFormat,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The policy file.
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,
    /// The environment to answer as (required when the policy has [environments]).
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// Address to listen on (port 0 picks a free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub listen: String,
    /// Backend for actual requests (http://host:port); without it routes answer a stub.
    #[arg(long, value_name = "URL")]
    pub upstream: Option<String>,
    /// The deployed target; IaC targets of one API type answer alike.
    #[arg(long, value_name = "T")]
    pub target: Option<Target>,
}

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// The deployed API's base URL (the stage URL), http:// or https://.
    #[arg(value_name = "URL")]
    pub url: String,
    /// The policy the API was deployed from.
    #[arg(long, value_name = "POLICY")]
    pub policy: PathBuf,
    /// The environment to answer as (required when the policy has [environments]).
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// Another origin to probe besides the policy's and the attack origins (repeatable).
    #[arg(long = "origin", value_name = "O")]
    pub origins: Vec<String>,
    /// The deployed target; IaC targets of one API type answer alike.
    #[arg(long, value_name = "T")]
    pub target: Option<Target>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: ExplainFormat,
    /// Seconds to wait for each response.
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
    /// Probe only this route path, as the policy writes it (repeatable); the
    /// unrouted request is sent either way.
    #[arg(long = "route", value_name = "PATH")]
    pub routes: Vec<String>,
    /// Refuse to start a probe that would send more requests than this: every
    /// origin is tried on every route path, which adds up on large APIs.
    #[arg(long, value_name = "N", default_value_t = 2000)]
    pub max_requests: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ApiKind {
    Rest,
    Http,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// API type of the starter policy.
    #[arg(long = "type", value_enum, default_value = "http")]
    pub api_type: ApiKind,
    /// File to create (it must not exist).
    #[arg(default_value = "corsform.toml")]
    pub file: PathBuf,
}
