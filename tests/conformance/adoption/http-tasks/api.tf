# A tasks HTTP API with its own cors_configuration, a JWT authorizer and an
# auto-deployed stage.

variable "tasks_invoke_arn" {
  type = string
}

variable "issuer" {
  type = string
}

resource "aws_apigatewayv2_api" "tasks" {
  name          = "tasks"
  protocol_type = "HTTP"

  cors_configuration {
    allow_origins = ["https://tasks.example.com"]
    allow_methods = ["GET", "POST", "PATCH"]
    allow_headers = ["content-type", "authorization"]
    max_age       = 600
  }
}

resource "aws_apigatewayv2_integration" "tasks" {
  api_id                 = aws_apigatewayv2_api.tasks.id
  integration_type       = "AWS_PROXY"
  integration_uri        = var.tasks_invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_authorizer" "jwt" {
  api_id           = aws_apigatewayv2_api.tasks.id
  authorizer_type  = "JWT"
  name             = "tasks-jwt"
  identity_sources = ["$request.header.Authorization"]
  jwt_configuration {
    audience = ["tasks-web"]
    issuer   = var.issuer
  }
}

resource "aws_apigatewayv2_route" "list" {
  api_id             = aws_apigatewayv2_api.tasks.id
  route_key          = "GET /tasks"
  target             = "integrations/${aws_apigatewayv2_integration.tasks.id}"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.jwt.id
}

resource "aws_apigatewayv2_route" "patch" {
  api_id             = aws_apigatewayv2_api.tasks.id
  route_key          = "PATCH /tasks/{id}"
  target             = "integrations/${aws_apigatewayv2_integration.tasks.id}"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.jwt.id
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.tasks.id
  name        = "$default"
  auto_deploy = true
}

# Everything else goes to the same function, behind the same authorizer:
# this catch-all would catch the browser's preflights too.
resource "aws_apigatewayv2_route" "rest" {
  api_id             = aws_apigatewayv2_api.tasks.id
  route_key          = "ANY /{proxy+}"
  target             = "integrations/${aws_apigatewayv2_integration.tasks.id}"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.jwt.id
}
