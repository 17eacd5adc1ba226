//! Lambda function URLs with a CORS block (`aws_lambda_function_url` `cors`,
//! `AWS::Lambda::Url` `Cors`, SAM `FunctionUrlConfig.Cors`, also from
//! `Globals.Function`) and the code of their function, where the files hold
//! it inline (`Code.ZipFile`, SAM `InlineCode`, a Terraform `archive_file`
//! with `source_content` or `source { content }`): the `Access-Control-*`
//! headers that code sets itself.

use super::{Resource, Scope, at, get};
use crate::audit::doc::Node;
use crate::audit::model::Loc;
use crate::audit::model::edge::FunctionUrl;

pub fn urls(scope: &Scope) -> Vec<FunctionUrl> {
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
        let (code_headers, code_at) = function
            .and_then(|f| code(scope, f))
            .map(|(text, loc)| (cors_headers(&text), Some(loc)))
            .unwrap_or_default();
        out.push(FunctionUrl {
            name: r.name.clone(),
            cors,
            function: function.map_or_else(String::new, |f| f.name.clone()),
            code_headers,
            code_at,
        });
    }
    out
}

/// The function's inline code and where it is written.
fn code(scope: &Scope, f: &Resource) -> Option<(String, Loc)> {
    let inline = f
        .body
        .at(&["Code", "ZipFile"])
        .or_else(|| f.body.get("InlineCode"));
    if let Some(n) = inline {
        return Some((all_text(n), at(f.file, n)));
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
    first.map(|n| (text, at(archive.file, n)))
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
