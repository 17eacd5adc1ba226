# Origins built from variables the module does not default: audit cannot
# know them, but what is written around them is judged. The HTTP API's
# wildcard-subdomain entry has nothing wrong in its literal part; the REST
# mapping's trailing slash is wrong whatever var.app_domain holds.
variable "app_domain" {
  type = string
}

variable "handler_invoke_arn" {
  type = string
}

resource "aws_apigatewayv2_api" "events" {
  name          = "events"
  protocol_type = "HTTP"
  cors_configuration {
    allow_origins = ["https://${var.app_domain}", "https://*.${var.app_domain}"]
    allow_methods = ["GET"]
  }
}

resource "aws_api_gateway_rest_api" "legacy" {
  name = "legacy"
}

resource "aws_api_gateway_resource" "ping" {
  rest_api_id = aws_api_gateway_rest_api.legacy.id
  parent_id   = aws_api_gateway_rest_api.legacy.root_resource_id
  path_part   = "ping"
}

resource "aws_api_gateway_method" "ping_get" {
  rest_api_id   = aws_api_gateway_rest_api.legacy.id
  resource_id   = aws_api_gateway_resource.ping.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "ping_get" {
  rest_api_id       = aws_api_gateway_rest_api.legacy.id
  resource_id       = aws_api_gateway_resource.ping.id
  http_method       = aws_api_gateway_method.ping_get.http_method
  type              = "MOCK"
  request_templates = { "application/json" = "{\"statusCode\": 200}" }
}

resource "aws_api_gateway_method_response" "ping_get" {
  rest_api_id = aws_api_gateway_rest_api.legacy.id
  resource_id = aws_api_gateway_resource.ping.id
  http_method = aws_api_gateway_method.ping_get.http_method
  status_code = "200"
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin" = true
  }
}

resource "aws_api_gateway_integration_response" "ping_get" {
  rest_api_id = aws_api_gateway_rest_api.legacy.id
  resource_id = aws_api_gateway_resource.ping.id
  http_method = aws_api_gateway_method.ping_get.http_method
  status_code = aws_api_gateway_method_response.ping_get.status_code
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin" = "'https://${var.app_domain}/'"
  }
  depends_on = [aws_api_gateway_integration.ping_get]
}

resource "aws_api_gateway_gateway_response" "default_4xx" {
  rest_api_id   = aws_api_gateway_rest_api.legacy.id
  response_type = "DEFAULT_4XX"
  response_parameters = {
    "gatewayresponse.header.Access-Control-Allow-Origin" = "'https://${var.app_domain}'"
  }
}
