# Ride-booking API: a Cognito-protected POST /ride behind a Lambda proxy,
# with a hand-written MOCK preflight.
variable "ride_function_invoke_arn" {
  type = string
}

variable "user_pool_arn" {
  type = string
}

resource "aws_api_gateway_rest_api" "rides" {
  name = "rides-api"
  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_authorizer" "pool" {
  name          = "rides-user-pool"
  rest_api_id   = aws_api_gateway_rest_api.rides.id
  type          = "COGNITO_USER_POOLS"
  provider_arns = [var.user_pool_arn]
}

resource "aws_api_gateway_resource" "ride" {
  rest_api_id = aws_api_gateway_rest_api.rides.id
  parent_id   = aws_api_gateway_rest_api.rides.root_resource_id
  path_part   = "ride"
}

resource "aws_api_gateway_method" "ride_post" {
  rest_api_id   = aws_api_gateway_rest_api.rides.id
  resource_id   = aws_api_gateway_resource.ride.id
  http_method   = "POST"
  authorization = "COGNITO_USER_POOLS"
  authorizer_id = aws_api_gateway_authorizer.pool.id
}

resource "aws_api_gateway_integration" "ride_post" {
  rest_api_id             = aws_api_gateway_rest_api.rides.id
  resource_id             = aws_api_gateway_resource.ride.id
  http_method             = aws_api_gateway_method.ride_post.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = var.ride_function_invoke_arn
}

resource "aws_api_gateway_method" "ride_options" {
  rest_api_id   = aws_api_gateway_rest_api.rides.id
  resource_id   = aws_api_gateway_resource.ride.id
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "ride_options" {
  rest_api_id = aws_api_gateway_rest_api.rides.id
  resource_id = aws_api_gateway_resource.ride.id
  http_method = aws_api_gateway_method.ride_options.http_method
  type        = "MOCK"
  request_templates = {
    "application/json" = "{\"statusCode\": 200}"
  }
}

resource "aws_api_gateway_method_response" "ride_options" {
  rest_api_id = aws_api_gateway_rest_api.rides.id
  resource_id = aws_api_gateway_resource.ride.id
  http_method = aws_api_gateway_method.ride_options.http_method
  status_code = "200"
  response_models = {
    "application/json" = "Empty"
  }
  response_parameters = {
    "method.response.header.Access-Control-Allow-Headers" = true
    "method.response.header.Access-Control-Allow-Methods" = true
    "method.response.header.Access-Control-Allow-Origin"  = true
  }
}

resource "aws_api_gateway_integration_response" "ride_options" {
  rest_api_id = aws_api_gateway_rest_api.rides.id
  resource_id = aws_api_gateway_resource.ride.id
  http_method = aws_api_gateway_method.ride_options.http_method
  status_code = aws_api_gateway_method_response.ride_options.status_code
  response_parameters = {
    "method.response.header.Access-Control-Allow-Headers" = "'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'"
    "method.response.header.Access-Control-Allow-Methods" = "'GET,OPTIONS,POST,PUT'"
    "method.response.header.Access-Control-Allow-Origin"  = "'*'"
  }
  depends_on = [aws_api_gateway_integration.ride_options]
}

resource "aws_api_gateway_deployment" "rides" {
  rest_api_id = aws_api_gateway_rest_api.rides.id
  depends_on = [
    aws_api_gateway_integration.ride_post,
    aws_api_gateway_integration.ride_options,
  ]
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id   = aws_api_gateway_rest_api.rides.id
  deployment_id = aws_api_gateway_deployment.rides.id
  stage_name    = "prod"
}
