# Browser uploads straight to S3: the uploads bucket is cleaned of
# incomplete multipart uploads, so pages upload in parts.
resource "aws_s3_bucket" "uploads" {
  bucket = "acme-uploads"
}

resource "aws_s3_bucket_cors_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  cors_rule {
    allowed_methods = ["PUT", "POST"]
    allowed_origins = ["https://app.example.com"]
    allowed_headers = ["*"]
    expose_headers  = ["x-amz-request-id"]
    max_age_seconds = 3000
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  rule {
    id     = "abort-incomplete"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 2
    }
  }
}

# A second bucket with the legacy inline cors_rule and nothing that shows
# multipart uploads into it: a note only.
resource "aws_s3_bucket" "avatars" {
  bucket = "acme-avatars"

  cors_rule {
    allowed_methods = ["PUT"]
    allowed_origins = ["https://app.example.com"]
  }
}
