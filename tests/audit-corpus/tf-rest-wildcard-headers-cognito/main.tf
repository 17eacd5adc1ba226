variable "pool_arn" {
  type = string
}

variable "fn_invoke_arn" {
  type = string
}

resource "aws_api_gateway_rest_api" "air" {
  name = "aircare"
}

resource "aws_api_gateway_authorizer" "users" {
  name          = "aircare-users"
  rest_api_id   = aws_api_gateway_rest_api.air.id
  type          = "COGNITO_USER_POOLS"
  provider_arns = [var.pool_arn]
}

resource "aws_api_gateway_resource" "air" {
  rest_api_id = aws_api_gateway_rest_api.air.id
  parent_id   = aws_api_gateway_rest_api.air.root_resource_id
  path_part   = "air"
}

resource "aws_api_gateway_method" "air_post" {
  rest_api_id   = aws_api_gateway_rest_api.air.id
  resource_id   = aws_api_gateway_resource.air.id
  http_method   = "POST"
  authorization = "COGNITO_USER_POOLS"
  authorizer_id = aws_api_gateway_authorizer.users.id
}

resource "aws_api_gateway_integration" "air_post" {
  rest_api_id             = aws_api_gateway_rest_api.air.id
  resource_id             = aws_api_gateway_resource.air.id
  http_method             = aws_api_gateway_method.air_post.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = var.fn_invoke_arn
}

resource "aws_api_gateway_method" "air_options" {
  rest_api_id   = aws_api_gateway_rest_api.air.id
  resource_id   = aws_api_gateway_resource.air.id
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "air_options" {
  rest_api_id = aws_api_gateway_rest_api.air.id
  resource_id = aws_api_gateway_resource.air.id
  http_method = aws_api_gateway_method.air_options.http_method
  type        = "MOCK"
  request_templates = {
    "application/json" = "{\"statusCode\": 200}"
  }
}

resource "aws_api_gateway_method_response" "air_options_response" {
  rest_api_id = aws_api_gateway_rest_api.air.id
  resource_id = aws_api_gateway_resource.air.id
  http_method = aws_api_gateway_method.air_options.http_method
  status_code = "200"
  response_parameters = {
    "method.response.header.Access-Control-Allow-Headers" = true
    "method.response.header.Access-Control-Allow-Methods" = true
    "method.response.header.Access-Control-Allow-Origin"  = true
  }
}

resource "aws_api_gateway_integration_response" "air_options_response" {
  rest_api_id = aws_api_gateway_rest_api.air.id
  resource_id = aws_api_gateway_resource.air.id
  http_method = aws_api_gateway_method.air_options.http_method
  status_code = aws_api_gateway_method_response.air_options_response.status_code
  response_parameters = {
    "method.response.header.Access-Control-Allow-Headers" = "'*'"
    "method.response.header.Access-Control-Allow-Methods" = "'POST,OPTIONS'"
    "method.response.header.Access-Control-Allow-Origin"  = "'*'"
  }
  depends_on = [aws_api_gateway_integration.air_options]
}

resource "aws_api_gateway_gateway_response" "cors_4xx" {
  rest_api_id   = aws_api_gateway_rest_api.air.id
  response_type = "DEFAULT_4XX"
  response_parameters = {
    "gatewayresponse.header.Access-Control-Allow-Origin"  = "'*'"
    "gatewayresponse.header.Access-Control-Allow-Headers" = "'*'"
  }
}

resource "aws_api_gateway_deployment" "air" {
  rest_api_id = aws_api_gateway_rest_api.air.id
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.air.id,
      aws_api_gateway_method.air_post.id,
      aws_api_gateway_integration.air_post.id,
      aws_api_gateway_method.air_options.id,
      aws_api_gateway_integration.air_options.id,
      aws_api_gateway_method_response.air_options_response.id,
      aws_api_gateway_integration_response.air_options_response.id,
      aws_api_gateway_gateway_response.cors_4xx.id,
    ]))
  }
  lifecycle {
    create_before_destroy = true
  }
}
