# A complete REST API with CORS done right: unauthorized MOCK preflight,
# Cognito on the actual methods, CORS on gateway errors, content-hashed deployment.
variable "todo_invoke_arn" {
  type = string
}

variable "user_pool_arn" {
  type = string
}

locals {
  origin = "'https://todo.example.com'"
}

resource "aws_api_gateway_rest_api" "todo" {
  name = "todo"
}

resource "aws_api_gateway_authorizer" "cognito" {
  name          = "todo-cognito"
  rest_api_id   = aws_api_gateway_rest_api.todo.id
  type          = "COGNITO_USER_POOLS"
  provider_arns = [var.user_pool_arn]
}

resource "aws_api_gateway_resource" "todos" {
  rest_api_id = aws_api_gateway_rest_api.todo.id
  parent_id   = aws_api_gateway_rest_api.todo.root_resource_id
  path_part   = "todos"
}

resource "aws_api_gateway_method" "todos_get" {
  rest_api_id   = aws_api_gateway_rest_api.todo.id
  resource_id   = aws_api_gateway_resource.todos.id
  http_method   = "GET"
  authorization = "COGNITO_USER_POOLS"
  authorizer_id = aws_api_gateway_authorizer.cognito.id
}

resource "aws_api_gateway_integration" "todos_get" {
  rest_api_id             = aws_api_gateway_rest_api.todo.id
  resource_id             = aws_api_gateway_resource.todos.id
  http_method             = aws_api_gateway_method.todos_get.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = var.todo_invoke_arn
}

resource "aws_api_gateway_method" "todos_post" {
  rest_api_id   = aws_api_gateway_rest_api.todo.id
  resource_id   = aws_api_gateway_resource.todos.id
  http_method   = "POST"
  authorization = "COGNITO_USER_POOLS"
  authorizer_id = aws_api_gateway_authorizer.cognito.id
}

resource "aws_api_gateway_integration" "todos_post" {
  rest_api_id             = aws_api_gateway_rest_api.todo.id
  resource_id             = aws_api_gateway_resource.todos.id
  http_method             = aws_api_gateway_method.todos_post.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = var.todo_invoke_arn
}

resource "aws_api_gateway_method" "todos_options" {
  rest_api_id      = aws_api_gateway_rest_api.todo.id
  resource_id      = aws_api_gateway_resource.todos.id
  http_method      = "OPTIONS"
  authorization    = "NONE"
  api_key_required = false
}

resource "aws_api_gateway_integration" "todos_options" {
  rest_api_id      = aws_api_gateway_rest_api.todo.id
  resource_id      = aws_api_gateway_resource.todos.id
  http_method      = aws_api_gateway_method.todos_options.http_method
  type             = "MOCK"
  content_handling = "CONVERT_TO_TEXT"
  request_templates = {
    "application/json" = "{\"statusCode\": 200}"
  }
}

resource "aws_api_gateway_method_response" "todos_options" {
  rest_api_id = aws_api_gateway_rest_api.todo.id
  resource_id = aws_api_gateway_resource.todos.id
  http_method = aws_api_gateway_method.todos_options.http_method
  status_code = "204"
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = true
    "method.response.header.Access-Control-Allow-Methods" = true
    "method.response.header.Access-Control-Allow-Headers" = true
    "method.response.header.Access-Control-Max-Age"       = true
  }
}

resource "aws_api_gateway_integration_response" "todos_options" {
  rest_api_id = aws_api_gateway_rest_api.todo.id
  resource_id = aws_api_gateway_resource.todos.id
  http_method = aws_api_gateway_method.todos_options.http_method
  status_code = aws_api_gateway_method_response.todos_options.status_code
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = local.origin
    "method.response.header.Access-Control-Allow-Methods" = "'GET,POST,OPTIONS'"
    "method.response.header.Access-Control-Allow-Headers" = "'Authorization,Content-Type'"
    "method.response.header.Access-Control-Max-Age"       = "'600'"
  }
  depends_on = [aws_api_gateway_integration.todos_options]
}

resource "aws_api_gateway_gateway_response" "cors" {
  for_each      = toset(["DEFAULT_4XX", "DEFAULT_5XX"])
  rest_api_id   = aws_api_gateway_rest_api.todo.id
  response_type = each.value
  response_parameters = {
    "gatewayresponse.header.Access-Control-Allow-Origin" = local.origin
  }
}

resource "aws_api_gateway_deployment" "todo" {
  rest_api_id = aws_api_gateway_rest_api.todo.id
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.todos,
      aws_api_gateway_method.todos_get,
      aws_api_gateway_integration.todos_get,
      aws_api_gateway_method.todos_post,
      aws_api_gateway_integration.todos_post,
      aws_api_gateway_method.todos_options,
      aws_api_gateway_integration.todos_options,
      aws_api_gateway_method_response.todos_options,
      aws_api_gateway_integration_response.todos_options,
      aws_api_gateway_gateway_response.cors,
    ]))
  }
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id   = aws_api_gateway_rest_api.todo.id
  deployment_id = aws_api_gateway_deployment.todo.id
  stage_name    = "prod"
}
