# GET /sidenav with a TOKEN Lambda authorizer and a non-proxy Lambda
# integration: the preflight works, the actual GET does not.
variable "api_gateway_rest_api_id" {
  type = string
}

variable "root_resource_id" {
  type = string
}

variable "authorizer_function_invoke_arn" {
  type = string
}

variable "details_function_invoke_arn" {
  type = string
}

resource "aws_api_gateway_authorizer" "token" {
  name           = "sidenav-token"
  rest_api_id    = var.api_gateway_rest_api_id
  type           = "TOKEN"
  authorizer_uri = var.authorizer_function_invoke_arn
}

resource "aws_api_gateway_resource" "sidenav" {
  rest_api_id = var.api_gateway_rest_api_id
  parent_id   = var.root_resource_id
  path_part   = "sidenav"
}

resource "aws_api_gateway_method" "sidenav_get" {
  rest_api_id   = var.api_gateway_rest_api_id
  resource_id   = aws_api_gateway_resource.sidenav.id
  http_method   = "GET"
  authorization = "CUSTOM"
  authorizer_id = aws_api_gateway_authorizer.token.id
}

resource "aws_api_gateway_integration" "sidenav_get" {
  rest_api_id             = var.api_gateway_rest_api_id
  resource_id             = aws_api_gateway_resource.sidenav.id
  http_method             = aws_api_gateway_method.sidenav_get.http_method
  integration_http_method = "POST"
  type                    = "AWS"
  uri                     = var.details_function_invoke_arn
}

resource "aws_api_gateway_method_response" "sidenav_get_200" {
  rest_api_id = var.api_gateway_rest_api_id
  resource_id = aws_api_gateway_resource.sidenav.id
  http_method = aws_api_gateway_method.sidenav_get.http_method
  status_code = "200"
  response_models = {
    "application/json" = "Empty"
  }
}

resource "aws_api_gateway_integration_response" "sidenav_get_200" {
  rest_api_id = var.api_gateway_rest_api_id
  resource_id = aws_api_gateway_resource.sidenav.id
  http_method = aws_api_gateway_method.sidenav_get.http_method
  status_code = aws_api_gateway_method_response.sidenav_get_200.status_code
  depends_on  = [aws_api_gateway_integration.sidenav_get]
}

resource "aws_api_gateway_method" "sidenav_options" {
  rest_api_id   = var.api_gateway_rest_api_id
  resource_id   = aws_api_gateway_resource.sidenav.id
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "sidenav_options" {
  rest_api_id = var.api_gateway_rest_api_id
  resource_id = aws_api_gateway_resource.sidenav.id
  http_method = aws_api_gateway_method.sidenav_options.http_method
  type        = "MOCK"
  request_templates = {
    "application/json" = "{\"statusCode\": 200}"
  }
}

resource "aws_api_gateway_method_response" "sidenav_options_200" {
  rest_api_id = var.api_gateway_rest_api_id
  resource_id = aws_api_gateway_resource.sidenav.id
  http_method = aws_api_gateway_method.sidenav_options.http_method
  status_code = "200"
  response_parameters = {
    "method.response.header.Access-Control-Allow-Headers" = true
    "method.response.header.Access-Control-Allow-Methods" = true
    "method.response.header.Access-Control-Allow-Origin"  = true
  }
}

resource "aws_api_gateway_integration_response" "sidenav_options_200" {
  rest_api_id = var.api_gateway_rest_api_id
  resource_id = aws_api_gateway_resource.sidenav.id
  http_method = aws_api_gateway_method.sidenav_options.http_method
  status_code = aws_api_gateway_method_response.sidenav_options_200.status_code
  response_parameters = {
    "method.response.header.Access-Control-Allow-Headers" = "'Content-Type'"
    "method.response.header.Access-Control-Allow-Methods" = "'GET,OPTIONS'"
    "method.response.header.Access-Control-Allow-Origin"  = "'http://localhost:3000'"
  }
  depends_on = [aws_api_gateway_integration.sidenav_options]
}
