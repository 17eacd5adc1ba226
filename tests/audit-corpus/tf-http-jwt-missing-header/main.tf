variable "issuer" {
  type    = string
  default = "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Example1"
}

variable "client_id" {
  type    = string
  default = "3n4b5c6d7e8f9g0h1i2j3k4l5m"
}

variable "invoke_arn" {
  type = string
}

resource "aws_apigatewayv2_api" "inventory" {
  name          = "inventory"
  protocol_type = "HTTP"
  cors_configuration {
    allow_origins = ["https://inventory.example.com"]
    allow_methods = ["GET", "POST"]
    allow_headers = ["content-type"]
    max_age       = 300
  }
}

resource "aws_apigatewayv2_authorizer" "jwt" {
  api_id           = aws_apigatewayv2_api.inventory.id
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]
  name             = "inventory-jwt"
  jwt_configuration {
    audience = [var.client_id]
    issuer   = var.issuer
  }
}

resource "aws_apigatewayv2_integration" "lambda" {
  api_id                 = aws_apigatewayv2_api.inventory.id
  integration_type       = "AWS_PROXY"
  integration_uri        = var.invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "routes" {
  for_each           = toset(["GET /items", "POST /items", "PUT /items/{id}"])
  api_id             = aws_apigatewayv2_api.inventory.id
  route_key          = each.value
  target             = "integrations/${aws_apigatewayv2_integration.lambda.id}"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.jwt.id
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.inventory.id
  name        = "$default"
  auto_deploy = true
}
