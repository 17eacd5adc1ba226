//! From parsed files to the [`Edge`] model: CloudFront ([`cloudfront`]), S3
//! bucket CORS ([`s3`]) and Lambda function URLs ([`function_url`]). All three
//! join resources by the references between them, inside one scope (a
//! Terraform module's folder, one CloudFormation template), so this module
//! gives them one view of every resource of a scope, whatever the language.

pub mod cloudfront;
pub mod function_url;
pub mod s3;

use super::Parsed;
use crate::audit::doc::{Kind, Node};
use crate::audit::model::edge::Edge;
use crate::audit::model::{Api, Loc};
use std::ops::Range;

static EMPTY: Node = Node {
    span: 0..0,
    kind: Kind::Map(Vec::new()),
};

/// One resource (or Terraform data source) of a scope.
pub struct Resource<'a> {
    /// `aws_s3_bucket`, `data.archive_file`, `AWS::S3::Bucket`.
    pub ty: &'a str,
    /// How references name it: `aws_s3_bucket.uploads`, `data.archive_file.zip`,
    /// or a CloudFormation logical id.
    pub name: String,
    /// The Terraform block's body, or the CloudFormation `Properties`.
    pub body: &'a Node,
    pub file: usize,
    /// The block header or the logical id, where a finding about the whole
    /// resource points.
    pub at: Range<usize>,
}

impl Resource<'_> {
    pub fn loc(&self) -> Loc {
        Loc {
            file: self.file,
            span: self.at.clone(),
        }
    }
}

/// The resources of one scope.
pub struct Scope<'a> {
    pub resources: Vec<Resource<'a>>,
    /// CloudFormation `Globals` (SAM), when the scope is a template.
    pub globals: Option<&'a Node>,
    /// Terraform `locals`: a reference through `local.x` is one to what x names.
    pub locals: Vec<(&'a str, &'a Node)>,
}

impl<'a> Scope<'a> {
    pub fn of_type<'s>(&'s self, ty: &'s str) -> impl Iterator<Item = &'s Resource<'a>> + 's {
        self.resources.iter().filter(move |r| r.ty == ty)
    }

    pub fn named(&self, name: &str) -> Option<&Resource<'a>> {
        self.resources.iter().find(|r| r.name == name)
    }

    /// The resources `n` refers to: Terraform expressions that name them,
    /// CloudFormation `Ref`, `Fn::GetAtt` and `Fn::Sub` `${X}` / `${X.Attr}`.
    pub fn referred(&self, n: &Node) -> Vec<&Resource<'a>> {
        let mut texts = Vec::new();
        ref_texts(n, false, &mut texts);
        // One level of `local.x`, as modules keep a computed domain in one.
        let via: Vec<&Node> = self
            .locals
            .iter()
            .filter(|(k, _)| texts.iter().any(|t| names(t, &format!("local.{k}"))))
            .map(|(_, v)| *v)
            .collect();
        for v in via {
            ref_texts(v, false, &mut texts);
        }
        self.resources
            .iter()
            .filter(|r| texts.iter().any(|t| names(t, &r.name)))
            .collect()
    }
}

/// The texts of `n` that may hold references (expressions, intrinsics).
fn ref_texts<'n>(n: &'n Node, inside: bool, out: &mut Vec<&'n str>) {
    if n.intrinsic().is_some() && !inside {
        let mut all = Vec::new();
        n.walk_text(&mut all);
        out.extend(all);
        return;
    }
    match &n.kind {
        Kind::Expr(e) => out.push(e),
        Kind::Str(s) if inside => out.push(s),
        Kind::List(items) => items.iter().for_each(|i| ref_texts(i, inside, out)),
        Kind::Map(es) => es.iter().for_each(|e| ref_texts(&e.value, inside, out)),
        Kind::Intrinsic(_, a) => ref_texts(a, true, out),
        _ => {}
    }
}

/// Whether `text` names `name` as a whole reference (not a longer one).
pub fn names(text: &str, name: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    text.match_indices(name).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + name.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

/// Every scope of the files: one per Terraform folder, one per template.
pub fn scopes(files: &[Parsed]) -> Vec<Scope<'_>> {
    let mut out: Vec<(Option<&str>, Scope)> = Vec::new();
    for (i, f) in files.iter().enumerate() {
        match f {
            Parsed::Hcl(blocks, dir) => {
                let rs = blocks.iter().filter_map(|b| {
                    let (ty, name) = match (b.ident.as_str(), b.labels.as_slice()) {
                        ("resource", [t, n]) => (t.as_str(), format!("{t}.{n}")),
                        ("data", [t, n]) => (t.as_str(), format!("data.{t}.{n}")),
                        _ => return None,
                    };
                    let ty = if b.ident == "data" {
                        match ty {
                            "archive_file" => "data.archive_file",
                            "aws_cloudfront_cache_policy" => "data.aws_cloudfront_cache_policy",
                            "aws_cloudfront_response_headers_policy" => {
                                "data.aws_cloudfront_response_headers_policy"
                            }
                            _ => "data",
                        }
                    } else {
                        ty
                    };
                    Some(Resource {
                        ty,
                        name,
                        body: &b.body,
                        file: i,
                        at: b.header.clone(),
                    })
                });
                let locals = blocks
                    .iter()
                    .filter(|b| b.ident == "locals")
                    .flat_map(|b| b.body.entries())
                    .map(|e| (e.key.as_str(), &e.value));
                match out.iter_mut().find(|(d, _)| *d == Some(dir.as_str())) {
                    Some((_, s)) => {
                        s.resources.extend(rs);
                        s.locals.extend(locals);
                    }
                    None => out.push((
                        Some(dir.as_str()),
                        Scope {
                            resources: rs.collect(),
                            globals: None,
                            locals: locals.collect(),
                        },
                    )),
                }
            }
            Parsed::Yaml(doc) => {
                let Some(resources) = doc.get("Resources") else {
                    continue;
                };
                let rs = resources
                    .entries()
                    .iter()
                    .filter_map(|e| {
                        Some(Resource {
                            ty: e.value.get("Type").and_then(Node::text)?,
                            name: e.key.clone(),
                            body: e.value.get("Properties").unwrap_or(&EMPTY),
                            file: i,
                            at: e.key_span.clone(),
                        })
                    })
                    .collect();
                out.push((
                    None,
                    Scope {
                        resources: rs,
                        globals: doc.get("Globals"),
                        locals: vec![],
                    },
                ));
            }
        }
    }
    out.into_iter().map(|(_, s)| s).collect()
}

/// The API a resource is, by where both are declared.
pub fn api_of(r: &Resource, apis: &[Api]) -> Option<usize> {
    apis.iter()
        .position(|a| a.loc.file == r.file && a.loc.span == r.at)
}

/// The edge model of the files, given the APIs recognised in them.
pub fn edge(
    files: &[Parsed],
    apis: &[Api],
    names: &[&str],
    sources: crate::audit::SourceReader,
) -> Edge {
    let mut out = Edge::default();
    let code = function_url::Code { names, sources };
    for scope in scopes(files) {
        out.distributions
            .extend(cloudfront::distributions(&scope, apis));
        out.buckets.extend(s3::buckets(&scope));
        out.function_urls.extend(function_url::urls(&scope, &code));
    }
    out
}

/// A node's location.
pub(crate) fn at(file: usize, n: &Node) -> Loc {
    Loc {
        file,
        span: n.span.clone(),
    }
}

/// A list of literal strings (`["GET", "HEAD"]`), `None` when any is computed.
pub(crate) fn texts(n: &Node) -> Option<Vec<String>> {
    match &n.kind {
        Kind::List(items) => items.iter().map(|i| i.text().map(str::to_string)).collect(),
        _ => n.text().map(|t| vec![t.to_string()]),
    }
}

/// The value of the first of `keys` present (Terraform and CloudFormation
/// spell the same setting differently).
pub(crate) fn get<'n>(n: &'n Node, keys: &[&str]) -> Option<&'n Node> {
    keys.iter().find_map(|k| n.get(k))
}

/// Every entry of `n` under one of `keys`, blocks repeated (Terraform) or
/// items of a list (CloudFormation).
pub(crate) fn each<'n>(n: &'n Node, keys: &[&str]) -> Vec<&'n Node> {
    n.entries()
        .iter()
        .filter(|e| keys.contains(&e.key.as_str()))
        .flat_map(|e| match &e.value.kind {
            Kind::List(items) => items.iter().collect::<Vec<_>>(),
            _ => vec![&e.value],
        })
        .collect()
}
