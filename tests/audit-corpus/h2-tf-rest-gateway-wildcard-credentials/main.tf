variable "user_pool_arn" {
  type = string
}

variable "lambda_invoke_arn" {
  type = string
}

locals {
  origin = "https://dashboard.example.com"
}

resource "aws_api_gateway_rest_api" "dash" {
  name = "dashboard"
}

resource "aws_api_gateway_authorizer" "cognito" {
  name          = "cognito"
  rest_api_id   = aws_api_gateway_rest_api.dash.id
  type          = "COGNITO_USER_POOLS"
  provider_arns = [var.user_pool_arn]
}

resource "aws_api_gateway_resource" "widgets" {
  rest_api_id = aws_api_gateway_rest_api.dash.id
  parent_id   = aws_api_gateway_rest_api.dash.root_resource_id
  path_part   = "widgets"
}

resource "aws_api_gateway_method" "widgets_get" {
  rest_api_id   = aws_api_gateway_rest_api.dash.id
  resource_id   = aws_api_gateway_resource.widgets.id
  http_method   = "GET"
  authorization = "COGNITO_USER_POOLS"
  authorizer_id = aws_api_gateway_authorizer.cognito.id
}

resource "aws_api_gateway_integration" "widgets_get" {
  rest_api_id             = aws_api_gateway_rest_api.dash.id
  resource_id             = aws_api_gateway_resource.widgets.id
  http_method             = aws_api_gateway_method.widgets_get.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = var.lambda_invoke_arn
}

resource "aws_api_gateway_method" "widgets_options" {
  rest_api_id   = aws_api_gateway_rest_api.dash.id
  resource_id   = aws_api_gateway_resource.widgets.id
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "widgets_options" {
  rest_api_id       = aws_api_gateway_rest_api.dash.id
  resource_id       = aws_api_gateway_resource.widgets.id
  http_method       = aws_api_gateway_method.widgets_options.http_method
  type              = "MOCK"
  request_templates = { "application/json" = "{\"statusCode\": 200}" }
}

resource "aws_api_gateway_method_response" "widgets_options" {
  rest_api_id = aws_api_gateway_rest_api.dash.id
  resource_id = aws_api_gateway_resource.widgets.id
  http_method = aws_api_gateway_method.widgets_options.http_method
  status_code = "200"
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"      = true
    "method.response.header.Access-Control-Allow-Methods"     = true
    "method.response.header.Access-Control-Allow-Headers"     = true
    "method.response.header.Access-Control-Allow-Credentials" = true
  }
}

resource "aws_api_gateway_integration_response" "widgets_options" {
  rest_api_id = aws_api_gateway_rest_api.dash.id
  resource_id = aws_api_gateway_resource.widgets.id
  http_method = aws_api_gateway_method.widgets_options.http_method
  status_code = aws_api_gateway_method_response.widgets_options.status_code
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"      = "'${local.origin}'"
    "method.response.header.Access-Control-Allow-Methods"     = "'GET,OPTIONS'"
    "method.response.header.Access-Control-Allow-Headers"     = "'Content-Type,Authorization'"
    "method.response.header.Access-Control-Allow-Credentials" = "'true'"
  }
  depends_on = [aws_api_gateway_integration.widgets_options]
}

# Copied from a tutorial: lets the page read authorizer errors.
resource "aws_api_gateway_gateway_response" "unauthorized" {
  rest_api_id   = aws_api_gateway_rest_api.dash.id
  response_type = "UNAUTHORIZED"
  status_code   = "401"
  response_parameters = {
    "gatewayresponse.header.Access-Control-Allow-Origin"  = "'*'"
    "gatewayresponse.header.Access-Control-Allow-Headers" = "'*'"
  }
}

resource "aws_api_gateway_gateway_response" "default_4xx" {
  rest_api_id   = aws_api_gateway_rest_api.dash.id
  response_type = "DEFAULT_4XX"
  response_parameters = {
    "gatewayresponse.header.Access-Control-Allow-Origin"      = "'${local.origin}'"
    "gatewayresponse.header.Access-Control-Allow-Credentials" = "'true'"
  }
}

resource "aws_api_gateway_deployment" "dash" {
  rest_api_id = aws_api_gateway_rest_api.dash.id
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_method.widgets_get,
      aws_api_gateway_integration.widgets_get,
      aws_api_gateway_integration_response.widgets_options,
      aws_api_gateway_gateway_response.unauthorized,
      aws_api_gateway_gateway_response.default_4xx,
    ]))
  }
  lifecycle {
    create_before_destroy = true
  }
}
