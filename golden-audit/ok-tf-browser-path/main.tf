# The whole path done right: an HTTP API for two origins behind CloudFront
# whose cache key holds Origin and the preflight headers, an upload bucket
# that exposes ETag, and a function URL whose function leaves CORS to it.
resource "aws_apigatewayv2_api" "shop" {
  name          = "shop"
  protocol_type = "HTTP"

  cors_configuration {
    allow_origins = ["https://app.example.com", "https://qa.example.com"]
    allow_methods = ["GET", "POST"]
    allow_headers = ["content-type"]
  }
}

resource "aws_cloudfront_cache_policy" "api" {
  name        = "shop-api"
  default_ttl = 60
  max_ttl     = 300
  min_ttl     = 0

  parameters_in_cache_key_and_forwarded_to_origin {
    cookies_config {
      cookie_behavior = "none"
    }
    headers_config {
      header_behavior = "whitelist"
      headers {
        items = ["Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"]
      }
    }
    query_strings_config {
      query_string_behavior = "all"
    }
  }
}

resource "aws_cloudfront_distribution" "shop" {
  enabled = true

  origin {
    origin_id   = "shop-api"
    domain_name = split("/", aws_apigatewayv2_api.shop.api_endpoint)[2]
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  default_cache_behavior {
    target_origin_id       = "shop-api"
    viewer_protocol_policy = "https-only"
    allowed_methods        = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    cached_methods         = ["GET", "HEAD", "OPTIONS"]
    cache_policy_id        = aws_cloudfront_cache_policy.api.id
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }
}

resource "aws_s3_bucket" "uploads" {
  bucket = "shop-uploads"
}

resource "aws_s3_bucket_cors_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  cors_rule {
    allowed_methods = ["PUT", "POST"]
    allowed_origins = ["https://app.example.com"]
    allowed_headers = ["content-type"]
    expose_headers  = ["ETag"]
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  rule {
    id     = "abort-incomplete"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

data "archive_file" "thumbs" {
  type        = "zip"
  output_path = "${path.module}/thumbs.zip"

  source {
    filename = "index.mjs"
    content  = <<-EOT
      export const handler = async () => ({
        statusCode: 200,
        headers: { "content-type": "application/json" },
        body: "{}",
      });
    EOT
  }
}

resource "aws_lambda_function" "thumbs" {
  function_name    = "thumbs"
  role             = "arn:aws:iam::123456789012:role/thumbs"
  runtime          = "nodejs20.x"
  handler          = "index.handler"
  filename         = data.archive_file.thumbs.output_path
  source_code_hash = data.archive_file.thumbs.output_base64sha256
}

resource "aws_lambda_function_url" "thumbs" {
  function_name      = aws_lambda_function.thumbs.function_name
  authorization_type = "NONE"

  cors {
    allow_origins = ["https://app.example.com"]
    allow_methods = ["POST"]
    allow_headers = ["content-type"]
  }
}
