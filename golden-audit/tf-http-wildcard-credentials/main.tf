# An HTTP API opened to every origin "for now", with cookies.
resource "aws_apigatewayv2_api" "this" {
  name          = "events-api"
  protocol_type = "HTTP"

  cors_configuration {
    allow_origins     = ["*"]
    allow_methods     = ["GET", "POST"]
    allow_headers     = ["content-type", "authorization"]
    allow_credentials = true
    max_age           = 100000
  }
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true
}
