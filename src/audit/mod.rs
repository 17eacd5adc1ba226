//! `audit`: judge the CORS of Terraform, CloudFormation, SAM and OpenAPI files
//! corsform did not write. Parsers that keep positions ([`yaml`], [`hcl`])
//! give one [`doc::Node`] tree; recognisers turn every API Gateway API found
//! into one neutral [`model`]; [`rules`] judge that model with the browser
//! model ([`crate::browser`]) and the policy validator, and report
//! [`crate::diagnostic::Diagnostic`]s at the construct at fault.

mod cdk_paths;
mod cfn_values;
pub mod choice;
pub mod doc;
pub mod hcl;
pub mod html;
pub mod junit;
pub mod model;
pub mod recognise;
pub mod rules;
mod tf_for_each;
mod tf_values;
pub mod yaml;

use crate::diagnostic::{Code, Diagnostic, SourceFile};
use recognise::Parsed;

/// Which parser a file needs, by its name; `None` for files audit skips.
pub fn language(name: &str) -> Option<Language> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".tf") {
        Some(Language::Hcl)
    } else if [
        ".yaml",
        ".yml",
        ".json",
        ".template",
        // An OpenAPI document Terraform reads with templatefile() for a
        // REST API's `body`: its `${x}` stay plain strings, the rest is
        // judged as a document of its own.
        ".yaml.tpl",
        ".yml.tpl",
        ".json.tpl",
    ]
    .iter()
    .any(|e| lower.ends_with(e))
    {
        Some(Language::Yaml)
    } else {
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Hcl,
    Yaml,
}

/// Whether a YAML/JSON file that does not parse is worth a finding: only
/// when it looks like IaC (a walked directory holds other YAML too).
fn looks_like_iac(text: &str) -> bool {
    [
        "AWS::",
        "AWSTemplateFormatVersion",
        "swagger",
        "openapi",
        "x-amazon-apigateway",
    ]
    .iter()
    .any(|k| text.contains(k))
}

/// Audit files together (Terraform modules span files). Returns each file's
/// findings, in file order, sorted by position.
pub fn audit(files: &[SourceFile]) -> Vec<Vec<Diagnostic>> {
    audit_with_sources(files, &|_| None)
}

/// Reads a function's handler source that the IaC names (a path relative
/// to the folder of the file that names it, joined as `dir/path`), or `None`
/// when it is not among the audited paths.
pub type SourceReader<'a> = &'a dyn Fn(&str) -> Option<String>;

/// [`audit`], reading the handler source files the functions name (SAM
/// `CodeUri` + `Handler`, a Terraform `archive_file`'s `source_file` or
/// `source_dir` + `handler`) through `sources`, for
/// `function-url-cors-with-function-headers`.
pub fn audit_with_sources(files: &[SourceFile], sources: SourceReader) -> Vec<Vec<Diagnostic>> {
    let (parsed, mut out) = parse_all(files);
    let apis = with_body_files(recognise::apis(&parsed), files);
    for api in &apis {
        for (file, d) in rules::judge(api) {
            out[file].push(d);
        }
    }
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    let edge = recognise::edge::edge(&parsed, &apis, &names, sources);
    for (file, d) in rules::edge::judge_edge(&edge, &apis) {
        out[file].push(d);
    }
    for (p, ds) in parsed.iter().zip(out.iter_mut()) {
        if let Parsed::Yaml(doc) = p {
            cdk_paths::annotate(ds, &cdk_paths::construct_paths(doc));
        }
    }
    for ds in &mut out {
        ds.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
        ds.dedup();
    }
    out
}

/// The API a finding of [`audit`] belongs to, for reports that group
/// findings by API (`audit --format html`): one entry per finding an API's
/// rules raised, per file index, keyed by its code and span; findings of no
/// API (a file that does not parse) have none. Findings do not record their
/// API, so this judges each API again, as [`audit`] does.
pub fn api_of_findings(files: &[SourceFile]) -> Vec<Vec<ApiFinding>> {
    let (parsed, _) = parse_all(files);
    let mut out: Vec<Vec<ApiFinding>> = vec![Vec::new(); files.len()];
    for api in with_body_files(recognise::apis(&parsed), files) {
        let kind = match api.kind {
            model::ApiKind::Rest => "REST API",
            model::ApiKind::Http => "HTTP API",
        };
        let at = files.get(api.loc.file).map(|f| {
            let (start, _) = f.range(&api.loc.span);
            format!("{}:{}", f.name, start.line)
        });
        let label = match at {
            Some(at) => format!("{kind} {} ({at})", api.name),
            None => format!("{kind} {}", api.name),
        };
        for (file, d) in rules::judge(&api) {
            if let Some(list) = out.get_mut(file) {
                list.push(ApiFinding {
                    code: d.code,
                    span: d.span,
                    api: label.clone(),
                });
            }
        }
    }
    out
}

/// See [`api_of_findings`].
#[derive(Debug, Clone)]
pub struct ApiFinding {
    pub code: Code,
    pub span: Option<std::ops::Range<usize>>,
    /// `REST API orders (api.tf:3)`: kind, name, where it is declared.
    pub api: String,
}

/// Every API the files declare (for `import`), and the parse findings.
pub fn apis(files: &[SourceFile]) -> (Vec<model::Api>, Vec<Vec<Diagnostic>>) {
    let (parsed, out) = parse_all(files);
    (with_body_files(recognise::apis(&parsed), files), out)
}

/// `${k}` of a templatefile() document replaced by the value the module
/// passes, where it is known, in every value audit and import read.
fn fill_template_vars(api: &mut model::Api, vars: &[(String, String)]) {
    if vars.is_empty() {
        return;
    }
    let fill = |v: &mut model::Value| {
        if let Some(t) = v.text.as_mut() {
            for (k, val) in vars {
                *t = t.replace(&format!("${{{k}}}"), val);
            }
        }
    };
    for m in &mut api.methods {
        for r in m
            .integration
            .iter_mut()
            .flat_map(|i| i.responses.iter_mut())
        {
            r.mappings.iter_mut().for_each(|x| fill(&mut x.value));
            r.templates.iter_mut().for_each(fill);
        }
    }
    for g in &mut api.gateway_responses {
        g.mappings.iter_mut().for_each(|x| fill(&mut x.value));
    }
    if let Some(c) = api.cors.as_mut() {
        for v in c
            .origins
            .iter_mut()
            .chain(c.methods.iter_mut())
            .chain(c.headers.iter_mut())
            .chain(c.expose.iter_mut())
        {
            fill(v);
        }
    }
}

/// A Terraform API whose `body` is `file(\"x.yaml\")` or
/// `templatefile(\"x.yaml.tpl\", ...)` and the document read from that file
/// are one API: the document's operations under the Terraform API's name.
fn with_body_files(mut apis: Vec<model::Api>, files: &[SourceFile]) -> Vec<model::Api> {
    let mut i = 0;
    while i < apis.len() {
        let Some(body) = apis[i].body_file.clone() else {
            i += 1;
            continue;
        };
        let tf_file = files
            .get(apis[i].loc.file)
            .map(|f| f.name.as_str())
            .unwrap_or("");
        let folder = tf_file.rsplit_once('/').map_or("", |(d, _)| d);
        let wanted = if folder.is_empty() {
            body.clone()
        } else {
            format!("{folder}/{body}")
        };
        let doc = apis.iter().position(|a| {
            a.document
                .and_then(|d| files.get(d))
                .is_some_and(|f| f.name.trim_start_matches("./") == wanted.trim_start_matches("./"))
        });
        match doc {
            Some(d) => {
                let tf = apis.remove(i);
                let d = if d > i { d - 1 } else { d };
                let api = &mut apis[d];
                api.name = tf.name;
                api.kind = tf.kind;
                api.binary_media_types |= tf.binary_media_types;
                api.stage = tf.stage.or(api.stage.take());
                if !matches!(tf.redeploy, model::Redeploy::Unknown) {
                    api.redeploy = tf.redeploy;
                }
                api.gateway_responses.extend(tf.gateway_responses);
                fill_template_vars(api, &tf.body_vars);
            }
            None => i += 1,
        }
    }
    apis
}

fn parse_all(files: &[SourceFile]) -> (Vec<Parsed>, Vec<Vec<Diagnostic>>) {
    let (mut parsed, out) = parse_raw(files);
    resolve_values(&mut parsed, &[]);
    (parsed, out)
}

/// Values put in place of references (variables, parameters, locals), then
/// `for_each`/`count` expanded; `overrides` are what a deploy passes.
fn resolve_values(parsed: &mut [Parsed], overrides: &[(String, String)]) {
    tf_values::resolve(parsed, overrides);
    tf_for_each::expand(parsed);
    cfn_values::resolve(parsed, overrides);
    if !overrides.is_empty() {
        for p in parsed.iter_mut() {
            match p {
                Parsed::Yaml(doc) => choice::collapse(doc),
                Parsed::Hcl(blocks, _) => blocks
                    .iter_mut()
                    .for_each(|b| choice::collapse(&mut b.body)),
            }
        }
    }
}

/// Each file parsed, nothing resolved yet.
fn parse_raw(files: &[SourceFile]) -> (Vec<Parsed>, Vec<Vec<Diagnostic>>) {
    let mut out = vec![Vec::new(); files.len()];
    let parsed = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let bad = |offset: usize, message: String| {
                Diagnostic::new(
                    Code::UnreadableIac,
                    format!("cannot parse this file: {message}"),
                    offset..offset,
                )
                .help("fix the syntax error; audit judges only files it can read")
            };
            let dir = f.name.rsplit_once('/').map_or("", |(d, _)| d).to_string();
            match language(&f.name) {
                Some(Language::Hcl) => match hcl::parse(&f.text) {
                    Ok(blocks) => Parsed::Hcl(blocks, dir),
                    Err(e) => {
                        out[i].push(bad(e.offset, e.message));
                        Parsed::Hcl(vec![], dir)
                    }
                },
                _ => yaml::parse(&f.text).map(Parsed::Yaml).unwrap_or_else(|e| {
                    if looks_like_iac(&f.text) {
                        out[i].push(bad(e.offset, e.message));
                    }
                    Parsed::Hcl(vec![], dir.clone())
                }),
            }
        })
        .collect::<Vec<Parsed>>();
    (parsed, out)
}

/// How the files choose an environment, when they do: the selector (a
/// Terraform `var.x` or `terraform.workspace`, a CloudFormation parameter)
/// and the environments' names, for import's `[environments]`.
pub fn environment_selector(files: &[SourceFile]) -> Option<(String, Vec<String>)> {
    let (parsed, _) = parse_raw(files);
    tf_values::selectors(&parsed)
        .into_iter()
        .chain(cfn_values::selectors(&parsed))
        .next()
}

/// The APIs as a deploy of environment `env` (the selector's value) sees them.
pub fn apis_in_environment(files: &[SourceFile], selector: &str, env: &str) -> Vec<model::Api> {
    let (mut parsed, _) = parse_raw(files);
    resolve_values(&mut parsed, &[(selector.to_string(), env.to_string())]);
    with_body_files(recognise::apis(&parsed), files)
}
