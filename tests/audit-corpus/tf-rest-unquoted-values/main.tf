variable "handler_arn" {
  type    = string
  default = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:notes/invocations"
}

resource "aws_api_gateway_rest_api" "notes" {
  name = "notes"
}

resource "aws_api_gateway_resource" "notes" {
  rest_api_id = aws_api_gateway_rest_api.notes.id
  parent_id   = aws_api_gateway_rest_api.notes.root_resource_id
  path_part   = "notes"
}

resource "aws_api_gateway_method" "notes_post" {
  rest_api_id   = aws_api_gateway_rest_api.notes.id
  resource_id   = aws_api_gateway_resource.notes.id
  http_method   = "POST"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "notes_post" {
  rest_api_id             = aws_api_gateway_rest_api.notes.id
  resource_id             = aws_api_gateway_resource.notes.id
  http_method             = aws_api_gateway_method.notes_post.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = var.handler_arn
}

resource "aws_api_gateway_method" "notes_options" {
  rest_api_id   = aws_api_gateway_rest_api.notes.id
  resource_id   = aws_api_gateway_resource.notes.id
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "notes_options" {
  rest_api_id = aws_api_gateway_rest_api.notes.id
  resource_id = aws_api_gateway_resource.notes.id
  http_method = "OPTIONS"
  type        = "MOCK"
  request_templates = {
    "application/json" = "{\"statusCode\": 200}"
  }
}

resource "aws_api_gateway_method_response" "notes_options" {
  rest_api_id = aws_api_gateway_rest_api.notes.id
  resource_id = aws_api_gateway_resource.notes.id
  http_method = "OPTIONS"
  status_code = "200"
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = true
    "method.response.header.Access-Control-Allow-Methods" = true
    "method.response.header.Access-Control-Allow-Headers" = true
  }
}

resource "aws_api_gateway_integration_response" "notes_options" {
  rest_api_id = aws_api_gateway_rest_api.notes.id
  resource_id = aws_api_gateway_resource.notes.id
  http_method = "OPTIONS"
  status_code = "200"
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = "'https://notes.example.org'"
    "method.response.header.Access-Control-Allow-Methods" = "POST,OPTIONS"
    "method.response.header.Access-Control-Allow-Headers" = "Content-Type"
  }
  depends_on = [aws_api_gateway_integration.notes_options]
}

resource "aws_api_gateway_gateway_response" "all_4xx" {
  rest_api_id   = aws_api_gateway_rest_api.notes.id
  response_type = "DEFAULT_4XX"
  response_parameters = {
    "gatewayresponse.header.Access-Control-Allow-Origin" = "'https://notes.example.org'"
  }
}

resource "aws_api_gateway_deployment" "notes" {
  rest_api_id = aws_api_gateway_rest_api.notes.id
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_method.notes_post,
      aws_api_gateway_integration.notes_post,
      aws_api_gateway_method.notes_options,
      aws_api_gateway_integration.notes_options,
      aws_api_gateway_method_response.notes_options,
      aws_api_gateway_integration_response.notes_options,
      aws_api_gateway_gateway_response.all_4xx,
    ]))
  }
  lifecycle {
    create_before_destroy = true
  }
}
