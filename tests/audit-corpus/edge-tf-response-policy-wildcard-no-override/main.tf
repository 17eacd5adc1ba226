resource "aws_apigatewayv2_api" "reports" {
  name          = "reports"
  protocol_type = "HTTP"

  cors_configuration {
    allow_origins = ["https://reports.example.com"]
    allow_methods = ["GET"]
    allow_headers = ["authorization"]
  }
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.reports.id
  name        = "$default"
  auto_deploy = true
}

resource "aws_cloudfront_response_headers_policy" "api" {
  name    = "reports-api-headers"
  comment = "CORS for the reports API"

  cors_config {
    access_control_allow_credentials = false

    access_control_allow_headers {
      items = ["authorization", "content-type"]
    }

    access_control_allow_methods {
      items = ["GET", "OPTIONS"]
    }

    access_control_allow_origins {
      items = ["*"]
    }

    origin_override = false
  }

  security_headers_config {
    strict_transport_security {
      access_control_max_age_sec = 31536000
      override                   = true
    }
  }
}

resource "aws_cloudfront_distribution" "reports" {
  enabled = true

  origin {
    domain_name = trimprefix(aws_apigatewayv2_stage.default.invoke_url, "https://")
    origin_id   = "reports"

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  default_cache_behavior {
    target_origin_id           = "reports"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD", "OPTIONS"]
    cached_methods             = ["GET", "HEAD"]
    cache_policy_id            = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
    response_headers_policy_id = aws_cloudfront_response_headers_policy.api.id
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
