# An HTTP API that answers two origins, served through CloudFront whose
# cache keys leave Origin out.
resource "aws_apigatewayv2_api" "shop" {
  name          = "shop"
  protocol_type = "HTTP"

  cors_configuration {
    allow_origins = ["https://app.example.com", "https://qa.example.com"]
    allow_methods = ["GET", "POST"]
    allow_headers = ["content-type"]
    max_age       = 600
  }
}

resource "aws_apigatewayv2_stage" "live" {
  api_id      = aws_apigatewayv2_api.shop.id
  name        = "$default"
  auto_deploy = true
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
        items = ["Authorization"]
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
    domain_name = replace(aws_apigatewayv2_stage.live.invoke_url, "/^https?://([^/]*).*/", "$1")

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

  ordered_cache_behavior {
    path_pattern           = "/catalog/*"
    target_origin_id       = "shop-api"
    viewer_protocol_policy = "https-only"
    allowed_methods        = ["GET", "HEAD", "OPTIONS"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"
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
