variable "item_methods" {
  type    = list(string)
  default = ["GET", "POST", "DELETE"]
}

resource "aws_api_gateway_rest_api" "inventory" {
  name = "inventory"
}

resource "aws_api_gateway_resource" "items" {
  rest_api_id = aws_api_gateway_rest_api.inventory.id
  parent_id   = aws_api_gateway_rest_api.inventory.root_resource_id
  path_part   = "items"
}

resource "aws_api_gateway_method" "items" {
  count         = length(var.item_methods)
  rest_api_id   = aws_api_gateway_rest_api.inventory.id
  resource_id   = aws_api_gateway_resource.items.id
  http_method   = var.item_methods[count.index]
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "items" {
  count                   = length(var.item_methods)
  rest_api_id             = aws_api_gateway_rest_api.inventory.id
  resource_id             = aws_api_gateway_resource.items.id
  http_method             = aws_api_gateway_method.items[count.index].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = var.lambda_invoke_arn
}

variable "lambda_invoke_arn" {
  type = string
}

resource "aws_api_gateway_method" "items_options" {
  rest_api_id   = aws_api_gateway_rest_api.inventory.id
  resource_id   = aws_api_gateway_resource.items.id
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "items_options" {
  rest_api_id       = aws_api_gateway_rest_api.inventory.id
  resource_id       = aws_api_gateway_resource.items.id
  http_method       = aws_api_gateway_method.items_options.http_method
  type              = "MOCK"
  request_templates = { "application/json" = "{\"statusCode\": 200}" }
}

resource "aws_api_gateway_method_response" "items_options" {
  rest_api_id = aws_api_gateway_rest_api.inventory.id
  resource_id = aws_api_gateway_resource.items.id
  http_method = aws_api_gateway_method.items_options.http_method
  status_code = "200"
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = true
    "method.response.header.Access-Control-Allow-Methods" = true
    "method.response.header.Access-Control-Allow-Headers" = true
  }
}

resource "aws_api_gateway_integration_response" "items_options" {
  rest_api_id = aws_api_gateway_rest_api.inventory.id
  resource_id = aws_api_gateway_resource.items.id
  http_method = aws_api_gateway_method.items_options.http_method
  status_code = aws_api_gateway_method_response.items_options.status_code
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = "'https://stock.example.com'"
    "method.response.header.Access-Control-Allow-Methods" = "'GET,POST,OPTIONS'"
    "method.response.header.Access-Control-Allow-Headers" = "'Content-Type'"
  }
  depends_on = [aws_api_gateway_integration.items_options]
}

resource "aws_api_gateway_deployment" "inventory" {
  rest_api_id = aws_api_gateway_rest_api.inventory.id
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_method.items,
      aws_api_gateway_integration.items,
      aws_api_gateway_integration_response.items_options,
    ]))
  }
  lifecycle {
    create_before_destroy = true
  }
}
