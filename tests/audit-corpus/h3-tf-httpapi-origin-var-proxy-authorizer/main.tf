# Single-Lambda backend behind an HTTP API: one catch-all route, protected by
# a JWT authorizer. The site origin is set per environment in a tfvars file.
variable "web_origin" {
  description = "Origin of the web app for this environment"
  type        = string
}

variable "backend_invoke_arn" {
  type = string
}

variable "auth_issuer" {
  type = string
}

variable "auth_audience" {
  type = string
}

resource "aws_apigatewayv2_api" "backend" {
  name          = "members-backend"
  protocol_type = "HTTP"

  cors_configuration {
    allow_origins = [var.web_origin]
    allow_methods = ["GET", "POST", "DELETE"]
    allow_headers = ["authorization", "content-type"]
    max_age       = 3600
  }
}

resource "aws_apigatewayv2_authorizer" "auth" {
  api_id           = aws_apigatewayv2_api.backend.id
  name             = "members-auth"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]

  jwt_configuration {
    issuer   = var.auth_issuer
    audience = [var.auth_audience]
  }
}

resource "aws_apigatewayv2_integration" "backend" {
  api_id                 = aws_apigatewayv2_api.backend.id
  integration_type       = "AWS_PROXY"
  integration_uri        = var.backend_invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "proxy" {
  api_id             = aws_apigatewayv2_api.backend.id
  route_key          = "ANY /{proxy+}"
  target             = "integrations/${aws_apigatewayv2_integration.backend.id}"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.auth.id
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.backend.id
  name        = "$default"
  auto_deploy = true
}
