//! Raw command-line arguments, as clap parses them. The commands validate what
//! clap cannot (files exist, outputs do not collide) before doing any work.

use crate::render::Target;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "corsform",
    // The package version and, from a git checkout, the commit (build.rs).
    version = env!("CORSFORM_VERSION"),
    about = "Compile one CORS policy into API Gateway infrastructure code that browsers accept",
    long_about = "corsform reads a CORS policy written in TOML, lints it, and compiles it into \
Terraform, SAM or CloudFormation for AWS API Gateway, so preflights, actual responses and \
errors all carry the right CORS headers.",
    after_help = "Examples:\n  corsform init\n  corsform lint\n  corsform build\n      lint and build ./corsform.toml, the policy used when none is named\n  corsform build api.toml --target terraform --check\n  corsform completions bash > ~/.local/share/bash-completion/completions/corsform\n\nExit codes: 0 success; 1 error-level findings or drift under --check; 2 usage, I/O or parse errors.\nMore: `corsform help <command>`, `corsform help policy` (every policy key), `corsform help targets`,\n`corsform help rules` (every finding's code), `corsform help CF0903` (one rule, with examples).",
    styles = clap::builder::styling::Styles::styled(),
    // Our own `help` command: besides commands it explains rules and topics.
    disable_help_subcommand = true,
)]
pub struct Cli {
    /// Print only findings, diffs and errors: no progress or summary lines, no request log.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate infrastructure code from one or more policies.
    #[command(
        after_help = "Examples:\n  corsform build policies/spa-credentials.toml\n      writes generated/<api.name>/{terraform,sam,cloudformation}/\n  corsform build api.toml --target terraform --out infra\n      writes infra/<api.name>/terraform/\n  corsform build api.toml --check\n      CI mode: writes nothing, prints a diff and exits 1 if any file would change\n  corsform build api.toml --target sam --stdout\n\nTargets (default: terraform, sam and cloudformation, those of them that can express the policy;\nwith [api] openapi, openapi; the others only when named with --target):\n  terraform       main.tf, variables.tf, outputs.tf, versions.tf, README.md (HTTP and REST APIs)\n  sam             template.yaml (HTTP and REST APIs)\n  cloudformation  template.yaml (HTTP and REST APIs)\n  openapi         openapi.yaml: OpenAPI 3.0.1 with API Gateway's extensions, the API's body; with\n                  [api] openapi, the team's document with the CORS layer added\n  lambda-node     cors.mjs, for functions that send CORS headers themselves (REST APIs, or\n                  HTTP APIs with [cors] owner = \"lambda\")\n  lambda-python   cors.py, the same in Python\n  cdk-typescript  cors.ts: applyCorsPolicy(api) for an AWS CDK v2 RestApi or HttpApi\n  cdk-python      <api_name>_cors.py, the same for CDK in Python (an importable module name)\n`corsform help targets` says what each writes and which policies it can express.\n\nThe generated files' first line names the policy, relative to the file, so builds from\nany directory and with absolute or relative paths give the same bytes."
    )]
    Build(BuildArgs),
    /// Check policies and print every finding, rustc-style.
    #[command(
        after_help = "Examples:\n  corsform lint api.toml\n  corsform lint policies/*.toml --deny-warnings\n  corsform lint api.toml --format sarif > corsform.sarif"
    )]
    Lint(LintArgs),
    /// Would a browser allow this request against what `build` deploys? Why not, and what to change.
    #[command(
        after_help = "Examples:\n  corsform explain api.toml --origin https://app.example.com --method PUT --header content-type --credentials\n  corsform explain api.toml --origin http://localhost:5173 --method GET --path /items/42 --format json\n  corsform explain api.toml --origin https://app.example.com --method PUT --path bucket:uploads/a.jpg\n\nExit codes: 0 allowed; 1 blocked; 2 usage, I/O or policy errors."
    )]
    Explain(ExplainArgs),
    /// Serve the deployment's CORS behaviour locally, for front-end development in a real browser.
    #[command(
        after_help = "Examples:\n  corsform serve api.toml\n      stubs every route on http://127.0.0.1:8787\n  corsform serve api.toml --upstream http://127.0.0.1:3000 --listen 127.0.0.1:9000\n      proxies actual requests to a local backend, replacing its CORS headers\n  corsform serve --watch --upstream https://staging.example.com/v1\n      serves ./corsform.toml, reloaded on every save, in front of a remote backend (/v1 kept as a prefix)\n  corsform serve api.toml --page-listen 127.0.0.1:5173\n      the matrix page's try-it buttons send each request from port 5173 (as http://localhost:5173\n      when the policy allows that origin; stop the dev server that uses the port first)\n\nThe matrix page is at /__corsform/ on the API's address and, with try-it buttons that send real\nfetches to the API, on a second origin of its own (a free port unless --page-listen names one).\n\nAdd __corsform_error=1 to a query string to get the API Gateway error response the page would see.\nA [buckets.NAME] or [function_urls.NAME] table is served at /bucket:NAME/... or /function_url:NAME/...,\nanswered as S3 or Lambda answers (never forwarded upstream)."
    )]
    Serve(ServeArgs),
    /// Check a deployed API against its policy with real preflight and GET requests.
    #[command(
        long_about = "Check a deployed API against its policy with real requests, as a browser judges \
them: for every route, a preflight (OPTIONS) and, for routes that serve GET or HEAD, an actual \
request, from every origin the policy allows and from lookalikes of each (an unrelated origin, null, \
prefix and suffix tricks, each dot replaced, a port added, the other scheme); plus one request to a \
path the API does not have, to see API Gateway's own error response; last, the same preflight and \
actual request from two allowed origins, one right after the other and in both orders, to catch a \
cache (CloudFront, a CDN) that serves one origin's Allow-Origin to another. An origin the route allows \
must get in (with credentials, the preflight's method and headers, Expose-Headers as the policy \
says); any other must not. The classic misconfigurations are named, and each finding names the \
response it came from (API Gateway's own error, the preflight, the backend). Without --policy, \
only the misconfiguration checks run, on the --route paths given.\n\n\
probe sends only OPTIONS, GET and HEAD. It never sends POST, PUT, PATCH or DELETE to a deployed \
API: those could change data. Redirects are reported, not followed.",
        after_help = "Examples:\n  corsform probe https://abc123.execute-api.eu-west-1.amazonaws.com/prod --policy api.toml\n  corsform probe http://127.0.0.1:8787 --policy api.toml --format json\n      against `corsform serve api.toml`, as JSON\n  corsform probe https://api.example.com/v1 --policy api.toml --origin https://staging.example.com\n  corsform probe https://api.example.com/v1 --route /items --origin https://app.example.com\n      no policy: misconfiguration checks of /items only\n  corsform probe https://api.example.com/v1 --policy api.toml --format junit > probe.xml\n      each check a JUnit test case, for CI (--format html: one page of them)\n\nExit codes: 0 every response agrees with the policy; 1 differences or misconfigurations found, or the API stopped answering part way (answered checks reported, the rest as UNREACHABLE); 2 usage, I/O or policy errors, or the API could not be reached at all."
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
    /// Find the CORS mistakes in Terraform, CloudFormation, SAM or OpenAPI files corsform did not write.
    #[command(
        after_help = "Examples:\n  corsform audit infra/\n  corsform audit template.yaml --format sarif > audit.sarif\n  corsform audit infra/ --format junit > audit.xml\n\nExit codes: 0 no error-level finding; 1 error-level findings (or warnings with --deny-warnings); 2 unreadable files."
    )]
    Audit(AuditArgs),
    /// Print the policy (TOML) that describes what Terraform, CloudFormation, SAM or OpenAPI files deploy.
    #[command(after_help = "Example:\n  corsform import infra/ --api orders-api > corsform.toml")]
    Import(ImportArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  corsform completions bash > ~/.local/share/bash-completion/completions/corsform\n  corsform completions zsh > \"${fpath[1]}/_corsform\"\n  corsform completions fish > ~/.config/fish/completions/corsform.fish\n  corsform completions powershell >> $PROFILE"
    )]
    Completions(CompletionsArgs),
    /// List every lint and audit rule, or explain one (its code or name).
    #[command(
        after_help = "Examples:\n  corsform rules\n      every rule: code, level, name, what it catches\n  corsform rules CF0903\n  corsform rules error-responses-without-cors\n      the rule's explanation: what the browser and API Gateway do, a wrong and a right example, the fix"
    )]
    Rules(RulesArgs),
    /// Explain a command, a rule (CF0903) or a topic: policy, targets, rules.
    #[command(
        after_help = "Examples:\n  corsform help build\n      the same as `corsform build --help`\n  corsform help CF0903\n      a rule's explanation, with a wrong and a right example\n  corsform help policy\n      every policy key, its type and default\n  corsform help targets\n      each --target and what it writes\n  corsform help rules\n      every rule's code, level and summary"
    )]
    Help(HelpArgs),
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// A rule's code (CF0903) or name (error-responses-without-cors).
    #[arg(value_name = "CODE")]
    pub code: Option<String>,
}

#[derive(Debug, Args)]
pub struct HelpArgs {
    /// A command, a rule's code or name, or one of: policy, targets, rules.
    #[arg(value_name = "TOPIC")]
    pub topic: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Policy files to compile [default: corsform.toml].
    #[arg(value_name = "POLICY")]
    pub policies: Vec<PathBuf>,
    /// Targets to generate (repeatable). Default: terraform, sam and cloudformation, those of
    /// them that can express the policy (openapi for a policy with [api] openapi).
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
    /// Policy files to check [default: corsform.toml].
    #[arg(value_name = "POLICY")]
    pub policies: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Base URL of the published corsform book, for SARIF: each rule's helpUri is
    /// URL/reference/rules/<CODE>.html [default: $CORSFORM_DOCS_URL]. Without either,
    /// SARIF carries each rule's whole explanation and no link.
    #[arg(long, value_name = "URL")]
    pub docs_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The policy file [default: corsform.toml].
    #[arg(value_name = "POLICY")]
    pub policy: Option<PathBuf>,
    /// The environment to answer as (required when the policy has [environments]).
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// The page's origin, as the browser sends it (https://app.example.com).
    #[arg(long, required_unless_present = "matrix", conflicts_with = "matrix")]
    pub origin: Option<String>,
    /// The request method.
    #[arg(long, required_unless_present = "matrix", conflicts_with = "matrix")]
    pub method: Option<String>,
    /// Answer every route and method at once, from every allowed origin, a
    /// refused lookalike of each and `null` (--header applies to every
    /// request; credentials are sent when the policy allows them or
    /// --credentials is given); --format human, json or html (one
    /// self-contained page).
    #[arg(long, conflicts_with = "path")]
    pub matrix: bool,
    /// A request header the page sets: `name` or `name: value` (repeatable).
    /// A name alone counts as not CORS-safelisted (e.g. JSON content-type).
    #[arg(long = "header", short = 'H', value_name = "H")]
    pub headers: Vec<String>,
    /// The request is sent with `credentials: "include"`.
    #[arg(long)]
    pub credentials: bool,
    /// The request path (default: the first route serving the method), or a
    /// bucket or function URL the policy declares: `bucket:uploads`,
    /// `function_url:thumbnails`, optionally with a key (`bucket:uploads/a.jpg`).
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
    /// The policy file [default: corsform.toml].
    #[arg(value_name = "POLICY")]
    pub policy: Option<PathBuf>,
    /// The environment to answer as (required when the policy has [environments]).
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// Address to listen on (port 0 picks a free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub listen: String,
    /// Address of the matrix page's own origin, where its try-it buttons send
    /// each request from [default: --listen's address, a free port]. To try
    /// as a loopback origin the policy allows, give its port: with
    /// 127.0.0.1:5173 and http://localhost:5173 allowed, the page is announced
    /// as http://localhost:5173/__corsform/. The default never takes a port
    /// the policy names (the front end's dev server needs it).
    #[arg(long, value_name = "ADDR")]
    pub page_listen: Option<String>,
    /// Backend for actual requests (http:// or https://, with an optional path
    /// prefix: http://127.0.0.1:3000/api); without it routes answer a stub.
    #[arg(long, value_name = "URL")]
    pub upstream: Option<String>,
    /// The deployed target; IaC targets of one API type answer alike.
    #[arg(long, value_name = "T")]
    pub target: Option<Target>,
    /// Reload the policy when the file changes (a bad edit keeps the last good policy).
    #[arg(long)]
    pub watch: bool,
    /// Open connections served at once; past it a connection gets a 503.
    #[arg(long, value_name = "N", default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..=65536))]
    pub max_connections: u32,
    /// Seconds a client has to send a request head (also ends idle keep-alive connections).
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub head_timeout: u64,
}

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// The deployed API's base URL (the stage URL), http:// or https://.
    #[arg(value_name = "URL")]
    pub url: String,
    /// The policy the API was deployed from. Without it, probe only looks for
    /// misconfigurations on the --route paths given.
    #[arg(long, value_name = "POLICY")]
    pub policy: Option<PathBuf>,
    /// The environment to answer as (required when the policy has [environments]).
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// Another origin to probe besides the policy's and the lookalikes
    /// (repeatable); without --policy, the origins the API trusts.
    #[arg(long = "origin", value_name = "O")]
    pub origins: Vec<String>,
    /// The deployed target; IaC targets of one API type answer alike.
    #[arg(long, value_name = "T")]
    pub target: Option<Target>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: ProbeFormat,
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
    /// Requests in flight at once (the report's order does not depend on it;
    /// the cache check's requests go one at a time).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}

/// lint's formats and two more: audit reports on IaC a CI run checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    Human,
    Json,
    Sarif,
    /// One self-contained page: findings by API, then by file, with their source lines.
    Html,
    /// JUnit XML: each finding a test case, for CI.
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProbeFormat {
    Human,
    Json,
    /// One self-contained page: checks by route and origin.
    Html,
    /// JUnit XML: each check a test case, for CI.
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Human,
    Json,
    /// One self-contained page (with --matrix).
    Html,
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
    /// File to create (it must not exist); the other commands use corsform.toml when no policy is named.
    #[arg(default_value = "corsform.toml")]
    pub file: PathBuf,
}

/// `audit` (issue 17).
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Files or directories (walked recursively; .terraform/, node_modules/, .git/ skipped).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: AuditFormat,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Base URL of the published corsform book, for SARIF: each rule's helpUri is
    /// URL/reference/rules/<CODE>.html [default: $CORSFORM_DOCS_URL]. Without either,
    /// SARIF carries each rule's whole explanation and no link.
    #[arg(long, value_name = "URL")]
    pub docs_url: Option<String>,
}

/// `import` (issue 17).
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files or directories, as for `audit`.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The API to import when the files declare several (its name).
    #[arg(long, value_name = "NAME")]
    pub api: Option<String>,
}
