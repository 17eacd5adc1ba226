variable "routes" {
  type    = list(string)
  default = ["GET /carts/{id}", "PATCH /carts/{id}", "POST /carts"]
}

variable "authorizer_invoke_arn" {
  type = string
}

variable "carts_invoke_arn" {
  type = string
}

resource "aws_apigatewayv2_api" "carts" {
  name          = "carts"
  protocol_type = "HTTP"

  cors_configuration {
    allow_origins = ["https://checkout.example.com"]
    allow_methods = ["GET", "POST", "PATCH"]
    allow_headers = ["content-type", "x-session-token"]
    max_age       = 300
  }
}

resource "aws_apigatewayv2_authorizer" "session" {
  api_id                            = aws_apigatewayv2_api.carts.id
  name                              = "session"
  authorizer_type                   = "REQUEST"
  authorizer_uri                    = var.authorizer_invoke_arn
  identity_sources                  = ["$request.header.X-Session-Token"]
  authorizer_payload_format_version = "2.0"
  enable_simple_responses           = true
}

resource "aws_apigatewayv2_integration" "carts" {
  api_id                 = aws_apigatewayv2_api.carts.id
  integration_type       = "AWS_PROXY"
  integration_uri        = var.carts_invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "carts" {
  count              = length(var.routes)
  api_id             = aws_apigatewayv2_api.carts.id
  route_key          = var.routes[count.index]
  target             = "integrations/${aws_apigatewayv2_integration.carts.id}"
  authorization_type = "CUSTOM"
  authorizer_id      = aws_apigatewayv2_authorizer.session.id
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.carts.id
  name        = "$default"
  auto_deploy = true
}
