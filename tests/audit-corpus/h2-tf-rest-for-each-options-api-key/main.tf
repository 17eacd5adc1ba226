variable "lambda_invoke_arn" {
  type = string
}

locals {
  origin  = "https://partner-portal.example.com"
  methods = toset(["GET", "POST", "OPTIONS"])
}

resource "aws_api_gateway_rest_api" "partner" {
  name = "partner"
}

resource "aws_api_gateway_resource" "shipments" {
  rest_api_id = aws_api_gateway_rest_api.partner.id
  parent_id   = aws_api_gateway_rest_api.partner.root_resource_id
  path_part   = "shipments"
}

# Every method of the resource shares the same settings.
resource "aws_api_gateway_method" "shipments" {
  for_each         = local.methods
  rest_api_id      = aws_api_gateway_rest_api.partner.id
  resource_id      = aws_api_gateway_resource.shipments.id
  http_method      = each.value
  authorization    = "NONE"
  api_key_required = true
}

resource "aws_api_gateway_integration" "shipments" {
  for_each                = setsubtract(local.methods, ["OPTIONS"])
  rest_api_id             = aws_api_gateway_rest_api.partner.id
  resource_id             = aws_api_gateway_resource.shipments.id
  http_method             = aws_api_gateway_method.shipments[each.value].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = var.lambda_invoke_arn
}

resource "aws_api_gateway_integration" "shipments_options" {
  rest_api_id       = aws_api_gateway_rest_api.partner.id
  resource_id       = aws_api_gateway_resource.shipments.id
  http_method       = aws_api_gateway_method.shipments["OPTIONS"].http_method
  type              = "MOCK"
  request_templates = { "application/json" = "{\"statusCode\": 200}" }
}

resource "aws_api_gateway_method_response" "shipments_options" {
  rest_api_id = aws_api_gateway_rest_api.partner.id
  resource_id = aws_api_gateway_resource.shipments.id
  http_method = aws_api_gateway_method.shipments["OPTIONS"].http_method
  status_code = "200"
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = true
    "method.response.header.Access-Control-Allow-Methods" = true
    "method.response.header.Access-Control-Allow-Headers" = true
  }
}

resource "aws_api_gateway_integration_response" "shipments_options" {
  rest_api_id = aws_api_gateway_rest_api.partner.id
  resource_id = aws_api_gateway_resource.shipments.id
  http_method = aws_api_gateway_method.shipments["OPTIONS"].http_method
  status_code = aws_api_gateway_method_response.shipments_options.status_code
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = "'${local.origin}'"
    "method.response.header.Access-Control-Allow-Methods" = "'GET,POST,OPTIONS'"
    "method.response.header.Access-Control-Allow-Headers" = "'Content-Type,X-Api-Key'"
  }
  depends_on = [aws_api_gateway_integration.shipments_options]
}

resource "aws_api_gateway_gateway_response" "default_4xx" {
  rest_api_id   = aws_api_gateway_rest_api.partner.id
  response_type = "DEFAULT_4XX"
  response_parameters = {
    "gatewayresponse.header.Access-Control-Allow-Origin" = "'${local.origin}'"
  }
}

resource "aws_api_gateway_deployment" "partner" {
  rest_api_id = aws_api_gateway_rest_api.partner.id
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_method.shipments,
      aws_api_gateway_integration.shipments,
      aws_api_gateway_integration.shipments_options,
      aws_api_gateway_integration_response.shipments_options,
      aws_api_gateway_gateway_response.default_4xx,
    ]))
  }
  lifecycle {
    create_before_destroy = true
  }
}
