# HTTP API with API Gateway-managed CORS and a Cognito JWT authorizer.
variable "cognito_client_id" {
  type = string
}

variable "cognito_issuer" {
  type = string
}

variable "notes_invoke_arn" {
  type = string
}

resource "aws_apigatewayv2_api" "notes" {
  name          = "notes-http"
  protocol_type = "HTTP"

  cors_configuration {
    allow_origins     = ["https://notes.example.com", "http://localhost:5173"]
    allow_methods     = ["GET", "POST", "DELETE", "OPTIONS"]
    allow_headers     = ["authorization", "content-type"]
    expose_headers    = ["x-request-id"]
    allow_credentials = true
    max_age           = 3600
  }
}

resource "aws_apigatewayv2_authorizer" "cognito" {
  api_id           = aws_apigatewayv2_api.notes.id
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]
  name             = "cognito"

  jwt_configuration {
    audience = [var.cognito_client_id]
    issuer   = var.cognito_issuer
  }
}

resource "aws_apigatewayv2_integration" "notes" {
  api_id                 = aws_apigatewayv2_api.notes.id
  integration_type       = "AWS_PROXY"
  integration_uri        = var.notes_invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "list" {
  api_id             = aws_apigatewayv2_api.notes.id
  route_key          = "GET /notes"
  target             = "integrations/${aws_apigatewayv2_integration.notes.id}"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.cognito.id
}

resource "aws_apigatewayv2_route" "create" {
  api_id             = aws_apigatewayv2_api.notes.id
  route_key          = "POST /notes"
  target             = "integrations/${aws_apigatewayv2_integration.notes.id}"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.cognito.id
}

resource "aws_apigatewayv2_route" "delete" {
  api_id             = aws_apigatewayv2_api.notes.id
  route_key          = "DELETE /notes/{id}"
  target             = "integrations/${aws_apigatewayv2_integration.notes.id}"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.cognito.id
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.notes.id
  name        = "$default"
  auto_deploy = true
}
