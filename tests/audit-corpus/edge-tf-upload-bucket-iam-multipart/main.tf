resource "aws_s3_bucket" "media" {
  bucket = "studio-media-uploads"
}

resource "aws_s3_bucket" "site" {
  bucket = "studio-site"
}

resource "aws_s3_bucket_cors_configuration" "media" {
  bucket = aws_s3_bucket.media.id

  cors_rule {
    allowed_headers = ["*"]
    allowed_methods = ["PUT", "POST", "GET"]
    allowed_origins = ["https://studio.example.io"]
    max_age_seconds = 3000
  }

  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["*"]
  }
}

resource "aws_s3_bucket_cors_configuration" "site" {
  bucket = aws_s3_bucket.site.id

  cors_rule {
    allowed_methods = ["GET", "HEAD"]
    allowed_origins = ["https://studio.example.io"]
  }
}

data "aws_iam_policy_document" "uploader" {
  statement {
    actions = [
      "s3:PutObject",
      "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts",
    ]
    resources = ["${aws_s3_bucket.media.arn}/*"]
  }
}

resource "aws_iam_policy" "uploader" {
  name   = "studio-uploader"
  policy = data.aws_iam_policy_document.uploader.json
}
