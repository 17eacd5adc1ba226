//! S3 bucket CORS rules (`aws_s3_bucket_cors_configuration`, the legacy
//! `cors_rule` blocks of `aws_s3_bucket`, `AWS::S3::Bucket`
//! `CorsConfiguration`) and what in the same scope shows multipart uploads
//! into the bucket: a lifecycle rule that aborts incomplete ones, an IAM
//! statement or code naming the multipart operations.

use super::{Resource, Scope, at, each, get, texts};
use crate::audit::doc::Node;
use crate::audit::model::edge::BucketCors;
use crate::audit::recognise::value;

/// Text that only multipart uploads use (S3 API: CreateMultipartUpload,
/// UploadPart, CompleteMultipartUpload, AbortMultipartUpload,
/// ListMultipartUploads, ListParts; IAM: s3:AbortMultipartUpload,
/// s3:ListMultipartUploadParts, s3:ListBucketMultipartUploads; lifecycle
/// AbortIncompleteMultipartUpload), compared without case and `_`.
const MULTIPART: &[&str] = &["multipartupload", "uploadpart", "abortincompletemultipart"];

pub fn buckets(scope: &Scope) -> Vec<BucketCors> {
    let mut out = Vec::new();
    for r in &scope.resources {
        let (bucket, rules): (&Resource, Vec<&Node>) = match r.ty {
            "aws_s3_bucket_cors_configuration" => {
                let b = r.body.get("bucket");
                let target = b.and_then(|b| {
                    scope
                        .referred(b)
                        .into_iter()
                        .find(|t| t.ty == "aws_s3_bucket")
                });
                (target.unwrap_or(r), each(r.body, &["cors_rule"]))
            }
            "aws_s3_bucket" => (r, each(r.body, &["cors_rule"])),
            "AWS::S3::Bucket" => (
                r,
                r.body
                    .at(&["CorsConfiguration", "CorsRules"])
                    .map(Node::items)
                    .unwrap_or(&[])
                    .iter()
                    .collect(),
            ),
            _ => continue,
        };
        if rules.is_empty() {
            continue;
        }
        let multipart = evidence(scope, bucket);
        for rule in rules {
            let methods = get(rule, &["allowed_methods", "AllowedMethods"])
                .and_then(texts)
                .unwrap_or_default()
                .into_iter()
                .map(|m| m.to_ascii_uppercase())
                .collect();
            let origins = get(rule, &["allowed_origins", "AllowedOrigins"])
                .map(|o| match o.items() {
                    [] => vec![value(o, r.file)],
                    items => items.iter().map(|i| value(i, r.file)).collect(),
                })
                .unwrap_or_default();
            let expose_node = get(rule, &["expose_headers", "ExposedHeaders"]);
            out.push(BucketCors {
                bucket: bucket.name.clone(),
                loc: at(r.file, rule),
                methods,
                origins,
                expose: match expose_node {
                    Some(n) => texts(n),
                    None => Some(vec![]),
                },
                expose_at: at(r.file, expose_node.unwrap_or(rule)),
                multipart: multipart.clone(),
            });
        }
    }
    out
}

fn folded(t: &str) -> String {
    t.to_ascii_lowercase().replace(['_', '-'], "")
}

/// What in the scope shows multipart uploads into `bucket`: a resource whose
/// text names a multipart operation and names this bucket, or no bucket.
fn evidence(scope: &Scope, bucket: &Resource) -> Option<String> {
    let bucket_names: Vec<&str> = scope
        .resources
        .iter()
        .filter(|r| r.ty == "aws_s3_bucket" || r.ty == "AWS::S3::Bucket")
        .map(|r| r.name.as_str())
        .collect();
    let literal_name = get(bucket.body, &["bucket", "BucketName"]).and_then(Node::text);
    for r in &scope.resources {
        let mut all = Vec::new();
        r.body.walk_text(&mut all);
        let Some(hit) = all
            .iter()
            .find(|t| MULTIPART.iter().any(|m| folded(t).contains(m)))
        else {
            continue;
        };
        let own = r.name == bucket.name;
        let names_it = all
            .iter()
            .any(|t| super::names(t, &bucket.name) || literal_name.is_some_and(|n| t.contains(n)));
        let names_other = all
            .iter()
            .any(|t| bucket_names.iter().any(|b| super::names(t, b)));
        if !(own || names_it || !names_other) {
            continue;
        }
        let hit: String = hit.chars().take(60).collect();
        return Some(if folded(&hit).contains("abortincompletemultipart") {
            format!("{} aborts incomplete multipart uploads", r.name)
        } else {
            format!("{} names `{hit}`", r.name)
        });
    }
    None
}
