# Allow-Headers '*' on an API without any authorizer.
resource "aws_api_gateway_rest_api" "todo" {
  name = "todo-app"
}

resource "aws_api_gateway_resource" "todo" {
  rest_api_id = aws_api_gateway_rest_api.todo.id
  parent_id   = aws_api_gateway_rest_api.todo.root_resource_id
  path_part   = "todo"
}

variable "todo_invoke_arn" {
  type = string
}

resource "aws_api_gateway_method" "todo" {
  for_each      = toset(["GET", "POST", "DELETE"])
  rest_api_id   = aws_api_gateway_rest_api.todo.id
  resource_id   = aws_api_gateway_resource.todo.id
  http_method   = each.key
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "todo" {
  for_each                = aws_api_gateway_method.todo
  rest_api_id             = aws_api_gateway_rest_api.todo.id
  resource_id             = aws_api_gateway_resource.todo.id
  http_method             = each.value.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = var.todo_invoke_arn
}

resource "aws_api_gateway_method" "preflight" {
  rest_api_id   = aws_api_gateway_rest_api.todo.id
  resource_id   = aws_api_gateway_resource.todo.id
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "preflight" {
  rest_api_id = aws_api_gateway_rest_api.todo.id
  resource_id = aws_api_gateway_resource.todo.id
  http_method = aws_api_gateway_method.preflight.http_method
  type        = "MOCK"
  request_templates = {
    "application/json" = "{\"statusCode\": 200}"
  }
}

resource "aws_api_gateway_method_response" "preflight" {
  rest_api_id = aws_api_gateway_rest_api.todo.id
  resource_id = aws_api_gateway_resource.todo.id
  http_method = aws_api_gateway_method.preflight.http_method
  status_code = "200"
  response_parameters = {
    "method.response.header.Access-Control-Allow-Headers" = true,
    "method.response.header.Access-Control-Allow-Methods" = true,
    "method.response.header.Access-Control-Allow-Origin"  = true
  }
}

resource "aws_api_gateway_integration_response" "preflight" {
  rest_api_id = aws_api_gateway_rest_api.todo.id
  resource_id = aws_api_gateway_resource.todo.id
  http_method = aws_api_gateway_method.preflight.http_method
  status_code = aws_api_gateway_method_response.preflight.status_code
  response_parameters = {
    "method.response.header.Access-Control-Allow-Headers" = "'*'",
    "method.response.header.Access-Control-Allow-Methods" = "'GET,OPTIONS,POST,DELETE'",
    "method.response.header.Access-Control-Allow-Origin"  = "'*'"
  }
  depends_on = [aws_api_gateway_integration.preflight]
}

resource "aws_api_gateway_gateway_response" "default_4xx" {
  rest_api_id   = aws_api_gateway_rest_api.todo.id
  response_type = "DEFAULT_4XX"
  response_parameters = {
    "gatewayresponse.header.Access-Control-Allow-Origin" = "'*'"
  }
}
