# A notes API behind a Cognito user pool, with a hand-written preflight in the
# style of the guides: Allow-Methods lists GET and OPTIONS only (DELETE was
# added later), Allow-Headers leaves out Authorization, and the deployment's
# trigger hashes the ids of the DELETE pieces but none of the CORS ones.
resource "aws_api_gateway_rest_api" "notes" {
  name = "notes"
}

resource "aws_api_gateway_authorizer" "pool" {
  name          = "notes-pool"
  rest_api_id   = aws_api_gateway_rest_api.notes.id
  type          = "COGNITO_USER_POOLS"
  provider_arns = [var.user_pool_arn]
}

variable "user_pool_arn" {
  type = string
}

variable "notes_invoke_arn" {
  type = string
}

resource "aws_api_gateway_resource" "note" {
  rest_api_id = aws_api_gateway_rest_api.notes.id
  parent_id   = aws_api_gateway_rest_api.notes.root_resource_id
  path_part   = "note"
}

resource "aws_api_gateway_method" "note_delete" {
  rest_api_id   = aws_api_gateway_rest_api.notes.id
  resource_id   = aws_api_gateway_resource.note.id
  http_method   = "DELETE"
  authorization = "COGNITO_USER_POOLS"
  authorizer_id = aws_api_gateway_authorizer.pool.id
}

resource "aws_api_gateway_integration" "note_delete" {
  rest_api_id             = aws_api_gateway_rest_api.notes.id
  resource_id             = aws_api_gateway_resource.note.id
  http_method             = aws_api_gateway_method.note_delete.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = var.notes_invoke_arn
}

resource "aws_api_gateway_method" "note_options" {
  rest_api_id   = aws_api_gateway_rest_api.notes.id
  resource_id   = aws_api_gateway_resource.note.id
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "note_options" {
  rest_api_id      = aws_api_gateway_rest_api.notes.id
  resource_id      = aws_api_gateway_resource.note.id
  http_method      = aws_api_gateway_method.note_options.http_method
  type             = "MOCK"
  content_handling = "CONVERT_TO_TEXT"
  request_templates = {
    "application/json" = "{\"statusCode\": 200}"
  }
}

resource "aws_api_gateway_method_response" "note_options" {
  rest_api_id = aws_api_gateway_rest_api.notes.id
  resource_id = aws_api_gateway_resource.note.id
  http_method = aws_api_gateway_method.note_options.http_method
  status_code = "200"
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = true
    "method.response.header.Access-Control-Allow-Methods" = true
    "method.response.header.Access-Control-Allow-Headers" = true
  }
}

resource "aws_api_gateway_integration_response" "note_options" {
  rest_api_id = aws_api_gateway_rest_api.notes.id
  resource_id = aws_api_gateway_resource.note.id
  http_method = aws_api_gateway_method.note_options.http_method
  status_code = aws_api_gateway_method_response.note_options.status_code
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = "'https://notes.example.com'"
    "method.response.header.Access-Control-Allow-Methods" = "'GET,OPTIONS'"
    "method.response.header.Access-Control-Allow-Headers" = "'Content-Type,X-Amz-Date'"
  }
  depends_on = [aws_api_gateway_integration.note_options]
}

resource "aws_api_gateway_gateway_response" "default_4xx" {
  rest_api_id   = aws_api_gateway_rest_api.notes.id
  response_type = "DEFAULT_4XX"
  response_parameters = {
    "gatewayresponse.header.Access-Control-Allow-Origin" = "'https://notes.example.com'"
  }
}

resource "aws_api_gateway_deployment" "notes" {
  rest_api_id = aws_api_gateway_rest_api.notes.id
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.note.id,
      aws_api_gateway_method.note_delete.id,
      aws_api_gateway_integration.note_delete.id,
    ]))
  }
  lifecycle {
    create_before_destroy = true
  }
}
