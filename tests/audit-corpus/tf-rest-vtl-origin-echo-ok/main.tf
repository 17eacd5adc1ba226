# Two allowed origins on a REST API: the MOCK preflight and the non-proxy GET
# both echo the request's Origin after a full, escaped regex match, with Vary.
variable "report_function_invoke_arn" {
  type = string
}

locals {
  origin_check = <<-VTL
    #set($origin = $input.params("Origin"))
    #if($origin.matches("https://(app|admin)\.example\.com"))
    #set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)
    #end
  VTL
}

resource "aws_api_gateway_rest_api" "reports" {
  name = "reports"
}

resource "aws_api_gateway_resource" "reports" {
  rest_api_id = aws_api_gateway_rest_api.reports.id
  parent_id   = aws_api_gateway_rest_api.reports.root_resource_id
  path_part   = "reports"
}

resource "aws_api_gateway_method" "reports_get" {
  rest_api_id   = aws_api_gateway_rest_api.reports.id
  resource_id   = aws_api_gateway_resource.reports.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "reports_get" {
  rest_api_id             = aws_api_gateway_rest_api.reports.id
  resource_id             = aws_api_gateway_resource.reports.id
  http_method             = aws_api_gateway_method.reports_get.http_method
  integration_http_method = "POST"
  type                    = "AWS"
  uri                     = var.report_function_invoke_arn
}

resource "aws_api_gateway_method_response" "reports_get" {
  rest_api_id = aws_api_gateway_rest_api.reports.id
  resource_id = aws_api_gateway_resource.reports.id
  http_method = aws_api_gateway_method.reports_get.http_method
  status_code = "200"
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin" = true
    "method.response.header.Vary"                        = true
  }
}

resource "aws_api_gateway_integration_response" "reports_get" {
  rest_api_id = aws_api_gateway_rest_api.reports.id
  resource_id = aws_api_gateway_resource.reports.id
  http_method = aws_api_gateway_method.reports_get.http_method
  status_code = aws_api_gateway_method_response.reports_get.status_code
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin" = "'https://app.example.com'"
    "method.response.header.Vary"                        = "'Origin'"
  }
  response_templates = {
    "application/json" = "${local.origin_check}$input.json('$')"
  }
  depends_on = [aws_api_gateway_integration.reports_get]
}

resource "aws_api_gateway_method" "reports_options" {
  rest_api_id   = aws_api_gateway_rest_api.reports.id
  resource_id   = aws_api_gateway_resource.reports.id
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "reports_options" {
  rest_api_id = aws_api_gateway_rest_api.reports.id
  resource_id = aws_api_gateway_resource.reports.id
  http_method = aws_api_gateway_method.reports_options.http_method
  type        = "MOCK"
  request_templates = {
    "application/json" = "{\"statusCode\": 200}"
  }
}

resource "aws_api_gateway_method_response" "reports_options" {
  rest_api_id = aws_api_gateway_rest_api.reports.id
  resource_id = aws_api_gateway_resource.reports.id
  http_method = aws_api_gateway_method.reports_options.http_method
  status_code = "200"
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = true
    "method.response.header.Access-Control-Allow-Methods" = true
    "method.response.header.Access-Control-Allow-Headers" = true
    "method.response.header.Vary"                         = true
  }
}

resource "aws_api_gateway_integration_response" "reports_options" {
  rest_api_id = aws_api_gateway_rest_api.reports.id
  resource_id = aws_api_gateway_resource.reports.id
  http_method = aws_api_gateway_method.reports_options.http_method
  status_code = aws_api_gateway_method_response.reports_options.status_code
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = "'https://app.example.com'"
    "method.response.header.Access-Control-Allow-Methods" = "'GET,OPTIONS'"
    "method.response.header.Access-Control-Allow-Headers" = "'Content-Type'"
    "method.response.header.Vary"                         = "'Origin'"
  }
  response_templates = {
    "application/json" = local.origin_check
  }
  depends_on = [aws_api_gateway_integration.reports_options]
}

resource "aws_api_gateway_gateway_response" "cors_4xx" {
  rest_api_id   = aws_api_gateway_rest_api.reports.id
  response_type = "DEFAULT_4XX"
  response_parameters = {
    "gatewayresponse.header.Access-Control-Allow-Origin" = "'https://app.example.com'"
  }
}

resource "aws_api_gateway_deployment" "reports" {
  rest_api_id = aws_api_gateway_rest_api.reports.id
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_method.reports_get,
      aws_api_gateway_integration.reports_get,
      aws_api_gateway_method_response.reports_get,
      aws_api_gateway_integration_response.reports_get,
      aws_api_gateway_method.reports_options,
      aws_api_gateway_integration.reports_options,
      aws_api_gateway_method_response.reports_options,
      aws_api_gateway_integration_response.reports_options,
      aws_api_gateway_gateway_response.cors_4xx,
    ]))
  }
  lifecycle {
    create_before_destroy = true
  }
}
