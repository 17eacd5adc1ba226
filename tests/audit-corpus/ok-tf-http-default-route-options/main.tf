# Everything goes to one Lambda through $default, protected by a JWT authorizer.
variable "backend_invoke_arn" {
  type = string
}

resource "aws_apigatewayv2_api" "app" {
  name          = "app-backend-fixed"
  protocol_type = "HTTP"
  cors_configuration {
    allow_origins = ["https://app.example.io"]
    allow_methods = ["*"]
    allow_headers = ["authorization", "content-type"]
    max_age       = 600
  }
}

resource "aws_apigatewayv2_authorizer" "auth0" {
  api_id           = aws_apigatewayv2_api.app.id
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]
  name             = "auth0"
  jwt_configuration {
    audience = ["https://api.app.example.io"]
    issuer   = "https://app-example.eu.auth0.com/"
  }
}

resource "aws_apigatewayv2_integration" "backend" {
  api_id                 = aws_apigatewayv2_api.app.id
  integration_type       = "AWS_PROXY"
  integration_uri        = var.backend_invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "default" {
  api_id             = aws_apigatewayv2_api.app.id
  route_key          = "$default"
  target             = "integrations/${aws_apigatewayv2_integration.backend.id}"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.auth0.id
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.app.id
  name        = "$default"
  auto_deploy = true
}

# The documented fix: OPTIONS /{proxy+} outranks $default and needs no token.
resource "aws_apigatewayv2_route" "preflight" {
  api_id             = aws_apigatewayv2_api.app.id
  route_key          = "OPTIONS /{proxy+}"
  target             = "integrations/${aws_apigatewayv2_integration.backend.id}"
  authorization_type = "NONE"
}
