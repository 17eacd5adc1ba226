# The API answers CORS for one origin; the CloudFront response headers
# policy in front of it has CORS settings of its own.
resource "aws_apigatewayv2_api" "board" {
  name          = "board"
  protocol_type = "HTTP"

  cors_configuration {
    allow_origins = ["https://board.example.com"]
    allow_methods = ["GET", "POST"]
    allow_headers = ["content-type"]
  }
}

resource "aws_cloudfront_response_headers_policy" "cors" {
  name = "board-cors"

  cors_config {
    access_control_allow_credentials = false
    origin_override                  = true

    access_control_allow_headers {
      items = ["*"]
    }
    access_control_allow_methods {
      items = ["GET", "POST", "OPTIONS"]
    }
    access_control_allow_origins {
      items = ["https://board.example.com", "https://admin.example.com"]
    }
  }

  custom_headers_config {
    items {
      header   = "Access-Control-Allow-Origin"
      override = false
      value    = "*"
    }
  }
}

resource "aws_cloudfront_distribution" "board" {
  enabled = true

  origin {
    origin_id   = "board"
    domain_name = "${aws_apigatewayv2_api.board.id}.execute-api.eu-west-1.amazonaws.com"
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  default_cache_behavior {
    target_origin_id           = "board"
    viewer_protocol_policy     = "https-only"
    allowed_methods            = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    cached_methods             = ["GET", "HEAD"]
    cache_policy_id            = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
    response_headers_policy_id = aws_cloudfront_response_headers_policy.cors.id
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
