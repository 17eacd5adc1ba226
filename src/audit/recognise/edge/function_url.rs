//! Lambda function URLs with a CORS block (`aws_lambda_function_url` `cors`,
//! `AWS::Lambda::Url` `Cors`, SAM `FunctionUrlConfig.Cors`, also from
//! `Globals.Function`) and the code of their function, where the files hold
//! it inline (`Code.ZipFile`, SAM `InlineCode`, a Terraform `archive_file`
//! with `source_content` or `source { content }`), or in a handler source
//! file among the audited paths that the function names (SAM `CodeUri` +
//! `Handler`, an `archive_file`'s `source_file`, or its `source_dir` +
//! the function's `handler`): the `Access-Control-*` headers that code sets
//! itself.

use super::{Resource, Scope, at, get};
use crate::audit::doc::Node;
use crate::audit::model::edge::FunctionUrl;

/// Where handler source files are read from: the audited files' names
/// (index = file number) and the reader of files beside them.
pub struct Code<'a> {
    pub names: &'a [&'a str],
    pub sources: crate::audit::SourceReader<'a>,
}

/// The file extensions a handler module may have, tried in this order.
const EXTENSIONS: &[&str] = &[".js", ".mjs", ".cjs", ".ts", ".py"];

pub fn urls(scope: &Scope, files: &Code) -> Vec<FunctionUrl> {
    let mut out = Vec::new();
    let global_cors = scope
        .globals
        .and_then(|g| g.at(&["Function", "FunctionUrlConfig", "Cors"]));
    for r in &scope.resources {
        let (cors, function) = match r.ty {
            "aws_lambda_function_url" | "AWS::Lambda::Url" => {
                let Some(cors) = get(r.body, &["cors", "Cors"]) else {
                    continue;
                };
                let target = get(r.body, &["function_name", "TargetFunctionArn"]);
                let function = target.and_then(|t| {
                    scope.referred(t).into_iter().find(|f| {
                        matches!(
                            f.ty,
                            "aws_lambda_function"
                                | "AWS::Lambda::Function"
                                | "AWS::Serverless::Function"
                        )
                    })
                });
                (at(r.file, cors), function)
            }
            "AWS::Serverless::Function" => {
                let own = r.body.at(&["FunctionUrlConfig", "Cors"]);
                let Some(cors) =
                    own.or(global_cors.filter(|_| r.body.get("FunctionUrlConfig").is_some()))
                else {
                    continue;
                };
                (at(r.file, cors), Some(r))
            }
            _ => continue,
        };
        let (code_headers, code_from) = function
            .and_then(|f| code(scope, f).or_else(|| handler_file(scope, f, files)))
            .map(|(text, from)| (cors_headers(&text), Some(from)))
            .unwrap_or_default();
        out.push(FunctionUrl {
            name: r.name.clone(),
            cors,
            function: function.map_or_else(String::new, |f| f.name.clone()),
            code_headers,
            code_from,
        });
    }
    out
}

/// The function's inline code, and what it is.
fn code(scope: &Scope, f: &Resource) -> Option<(String, String)> {
    let inline = f
        .body
        .at(&["Code", "ZipFile"])
        .or_else(|| f.body.get("InlineCode"));
    if let Some(n) = inline {
        return Some((all_text(n), "inline code".into()));
    }
    let file = f.body.get("filename")?;
    let archive = scope
        .referred(file)
        .into_iter()
        .find(|r| r.ty == "data.archive_file")?;
    let mut text = String::new();
    let mut first: Option<&Node> = None;
    for e in archive.body.entries() {
        let content = match e.key.as_str() {
            "source_content" => Some(&e.value),
            "source" => e.value.get("content"),
            _ => None,
        };
        if let Some(c) = content {
            text.push_str(&all_text(c));
            text.push('\n');
            first.get_or_insert(c);
        }
    }
    first.map(|_| (text, format!("inline code ({})", archive.name)))
}

/// `a/./b/../c` as `a/c` (leading `..` kept; an absolute path stays one).
fn normal(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    Some(if path.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    })
}

/// A path the IaC writes (`${path.module}/src`, `./src/`), relative to the
/// folder of the file that writes it.
fn relative(dir: &str, written: &str) -> Option<String> {
    let w = written
        .trim()
        .trim_start_matches("${path.module}")
        .trim_start_matches("${path.root}")
        .trim_start_matches('/');
    if w.contains("${") {
        return None;
    }
    normal(&if dir.is_empty() {
        w.to_string()
    } else {
        format!("{dir}/{w}")
    })
}

/// The function's handler source file, read through `files.sources`.
fn handler_file(scope: &Scope, f: &Resource, files: &Code) -> Option<(String, String)> {
    let name = files.names.get(f.file)?;
    let dir = name.rsplit_once('/').map_or("", |(d, _)| d);
    let handler = f
        .body
        .get("Handler")
        .or_else(|| f.body.get("handler"))
        .and_then(Node::text)
        .and_then(|h| h.rsplit_once('.'))
        .map(|(module, _)| module.to_string());
    let candidates: Vec<String> =
        if let Some(uri) = f.body.get("CodeUri").filter(|u| u.text().is_some()) {
            let base = relative(dir, uri.text()?)?;
            let module = handler?;
            EXTENSIONS
                .iter()
                .map(|e| format!("{base}/{module}{e}"))
                .collect()
        } else {
            let archive = scope
                .referred(f.body.get("filename")?)
                .into_iter()
                .find(|r| r.ty == "data.archive_file")?;
            let archive_dir = files
                .names
                .get(archive.file)
                .and_then(|n| n.rsplit_once('/'))
                .map_or("", |(d, _)| d);
            if let Some(src) = archive.body.get("source_file") {
                vec![relative(archive_dir, src_text(src)?)?]
            } else {
                let src = archive.body.get("source_dir")?;
                let base = relative(archive_dir, src_text(src)?)?;
                let module = handler?;
                EXTENSIONS
                    .iter()
                    .map(|e| format!("{base}/{module}{e}"))
                    .collect()
            }
        };
    candidates.iter().find_map(|c| {
        let path = c.trim_start_matches("./");
        Some(((files.sources)(path)?, format!("handler file {path}")))
    })
}

/// A path as written: a literal, or a template (`"${path.module}/src"`).
fn src_text(n: &Node) -> Option<&str> {
    match &n.kind {
        crate::audit::doc::Kind::Expr(e) => e.trim().strip_prefix('"')?.strip_suffix('"'),
        _ => n.text(),
    }
}

fn all_text(n: &Node) -> String {
    let mut v = Vec::new();
    n.walk_text(&mut v);
    v.join("\n")
}

/// The distinct `Access-Control-*` header names the code writes, as written.
fn cors_headers(code: &str) -> Vec<String> {
    let lower = code.to_ascii_lowercase();
    let mut out: Vec<String> = Vec::new();
    for (i, _) in lower.match_indices("access-control-") {
        let end = lower[i..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .map_or(lower.len(), |e| i + e);
        let name = &code[i..end];
        if !out.iter().any(|o| o.eq_ignore_ascii_case(name)) {
            out.push(name.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn paths_are_joined_as_the_iac_writes_them() {
        assert_eq!(
            super::relative("../infra", "${path.module}/src/").as_deref(),
            Some("../infra/src")
        );
        assert_eq!(
            super::relative("a/b", "../lambda/./x").as_deref(),
            Some("a/lambda/x")
        );
        assert_eq!(super::relative("", "src/").as_deref(), Some("src"));
        assert_eq!(super::relative("", "${var.dir}/src"), None);
    }

    #[test]
    fn header_names_are_read_from_code_once_each() {
        let code = "headers: {'Access-Control-Allow-Origin': o, \"access-control-allow-origin\": x, 'Access-Control-Allow-Methods': 'GET'}";
        assert_eq!(
            super::cors_headers(code),
            vec![
                "Access-Control-Allow-Origin",
                "Access-Control-Allow-Methods"
            ]
        );
    }
}
