# A REST API whose CORS is right everywhere: preflight, proxy route (the
# function sends its own headers), gateway errors, redeployment.
resource "aws_api_gateway_rest_api" "api" {
  name = "billing"
}

resource "aws_api_gateway_resource" "invoices" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "invoices"
}

resource "aws_api_gateway_method" "invoices_options" {
  rest_api_id      = aws_api_gateway_rest_api.api.id
  resource_id      = aws_api_gateway_resource.invoices.id
  http_method      = "OPTIONS"
  authorization    = "NONE"
  api_key_required = false
}

resource "aws_api_gateway_integration" "invoices_options" {
  rest_api_id      = aws_api_gateway_rest_api.api.id
  resource_id      = aws_api_gateway_resource.invoices.id
  http_method      = aws_api_gateway_method.invoices_options.http_method
  type             = "MOCK"
  content_handling = "CONVERT_TO_TEXT"
  request_templates = {
    "application/json" = jsonencode({ statusCode = 200 })
  }
}

resource "aws_api_gateway_method_response" "invoices_options" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_resource.invoices.id
  http_method = aws_api_gateway_method.invoices_options.http_method
  status_code = "204"
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = true
    "method.response.header.Access-Control-Allow-Methods" = true
    "method.response.header.Access-Control-Allow-Headers" = true
    "method.response.header.Access-Control-Max-Age"       = true
  }
}

resource "aws_api_gateway_integration_response" "invoices_options" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_resource.invoices.id
  http_method = aws_api_gateway_method.invoices_options.http_method
  status_code = aws_api_gateway_method_response.invoices_options.status_code
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = "'https://billing.example.com'"
    "method.response.header.Access-Control-Allow-Methods" = "'GET,POST'"
    "method.response.header.Access-Control-Allow-Headers" = "'content-type,authorization'"
    "method.response.header.Access-Control-Max-Age"       = "'600'"
  }
  depends_on = [aws_api_gateway_integration.invoices_options]
}

resource "aws_api_gateway_method" "invoices_post" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.invoices.id
  http_method   = "POST"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "invoices_post" {
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = aws_api_gateway_resource.invoices.id
  http_method             = aws_api_gateway_method.invoices_post.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = var.invoke_arn
}

resource "aws_api_gateway_gateway_response" "default_4xx" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  response_type = "DEFAULT_4XX"
  response_parameters = {
    "gatewayresponse.header.Access-Control-Allow-Origin" = "'https://billing.example.com'"
  }
}

resource "aws_api_gateway_gateway_response" "default_5xx" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  response_type = "DEFAULT_5XX"
  response_parameters = {
    "gatewayresponse.header.Access-Control-Allow-Origin" = "'https://billing.example.com'"
  }
}

resource "aws_api_gateway_deployment" "api" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  triggers = {
    # Whole resources, not their ids: an id stays the same when a header is
    # edited in place, and the edit would never be deployed.
    redeployment = sha1(jsonencode([
      aws_api_gateway_method.invoices_options,
      aws_api_gateway_integration_response.invoices_options,
      aws_api_gateway_integration.invoices_post,
      aws_api_gateway_gateway_response.default_4xx,
    ]))
  }
  lifecycle {
    create_before_destroy = true
  }
}
