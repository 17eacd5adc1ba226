//! `bucket-cors-without-etag` (CF0922): an S3 CORS rule that allows PUT or
//! POST without exposing ETag. A browser multipart upload must read each
//! part's ETag from the UploadPart response to send CompleteMultipartUpload
//! (S3 API Reference, CompleteMultipartUpload: each part's ETag is
//! required); ETag is not a CORS-safelisted response header (Fetch standard),
//! so without `Access-Control-Expose-Headers: ETag` the page reads null
//! (S3 User Guide, "CORS configuration": ExposeHeader). The harm needs
//! multipart uploads: without evidence of them in the files it is a note.

use super::*;
use crate::audit::model::edge::BucketCors;

pub(super) fn bucket(c: &BucketCors, out: &mut Vec<Finding>) {
    origins(c, out);
    etag(c, out);
}

/// `bucket-origin-wildcards` (CF0924): S3 takes at most one `*` in an
/// AllowedOrigin (S3 User Guide, "Elements of a CORS configuration":
/// AllowedOrigin) and refuses the configuration otherwise. An origin without
/// `*` is compared to the browser's Origin as written, so one not written as
/// browsers serialize it never matches (CF0905, the policy validator's verdict).
fn origins(c: &BucketCors, out: &mut Vec<Finding>) {
    for v in &c.origins {
        let Some(o) = v.text.as_deref() else { continue };
        let stars = o.matches('*').count();
        if stars > 1 {
            out.push(at(
                Code::BucketOriginWildcards,
                &v.loc,
                format!(
                    "AllowedOrigin `{o}` of bucket {} has {stars} `*`: S3 accepts at most one wildcard in an origin and refuses this CORS configuration",
                    c.bucket
                ),
                "use one `*` per origin (`https://*.example.com`), or list the origins",
            ));
        } else if stars == 0
            && let Some(help) = super::response::origin_problem(o)
        {
            out.push(at(
                Code::OriginNotSerialized,
                &v.loc,
                format!(
                    "AllowedOrigin `{o}` of bucket {} is not an origin as browsers send it: S3 compares it to the Origin header and it never matches",
                    c.bucket
                ),
                help,
            ));
        }
    }
}

fn etag(c: &BucketCors, out: &mut Vec<Finding>) {
    let writes: Vec<&str> = c
        .methods
        .iter()
        .map(String::as_str)
        .filter(|m| matches!(*m, "PUT" | "POST"))
        .collect();
    let Some(expose) = &c.expose else { return };
    if writes.is_empty()
        || expose
            .iter()
            .any(|h| h.eq_ignore_ascii_case("etag") || h == "*")
    {
        return;
    }
    let (when, finding): (String, fn(Diagnostic) -> Diagnostic) = match &c.multipart {
        Some(e) => (format!(", and {e}"), |d| d),
        None => (
            " (nothing in these files shows multipart uploads: this matters once the page uploads in parts)".into(),
            Diagnostic::as_note,
        ),
    };
    let (file, d) = at(
        Code::BucketCorsWithoutEtag,
        &c.expose_at,
        format!(
            "a CORS rule of bucket {} allows {} but does not expose ETag{when}: a browser multipart upload must read each part's ETag to complete the upload, and without ETag in the exposed headers the page reads null",
            c.bucket,
            writes.join(" and ")
        ),
        "add ETag to the rule's exposed headers (expose_headers / ExposedHeaders)",
    );
    out.push((file, finding(d)));
}
