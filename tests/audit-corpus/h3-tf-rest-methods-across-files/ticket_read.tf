# Read side, owned by the support team.
resource "aws_api_gateway_method" "ticket_get" {
  rest_api_id   = aws_api_gateway_rest_api.helpdesk.id
  resource_id   = aws_api_gateway_resource.ticket.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "ticket_get" {
  rest_api_id             = aws_api_gateway_rest_api.helpdesk.id
  resource_id             = aws_api_gateway_resource.ticket.id
  http_method             = aws_api_gateway_method.ticket_get.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = var.tickets_invoke_arn
}

resource "aws_api_gateway_method" "ticket_options" {
  rest_api_id   = aws_api_gateway_rest_api.helpdesk.id
  resource_id   = aws_api_gateway_resource.ticket.id
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "ticket_options" {
  rest_api_id       = aws_api_gateway_rest_api.helpdesk.id
  resource_id       = aws_api_gateway_resource.ticket.id
  http_method       = aws_api_gateway_method.ticket_options.http_method
  type              = "MOCK"
  request_templates = { "application/json" = "{\"statusCode\": 200}" }
}

resource "aws_api_gateway_method_response" "ticket_options" {
  rest_api_id = aws_api_gateway_rest_api.helpdesk.id
  resource_id = aws_api_gateway_resource.ticket.id
  http_method = aws_api_gateway_method.ticket_options.http_method
  status_code = "200"
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = true
    "method.response.header.Access-Control-Allow-Methods" = true
    "method.response.header.Access-Control-Allow-Headers" = true
  }
}

resource "aws_api_gateway_integration_response" "ticket_options" {
  rest_api_id = aws_api_gateway_rest_api.helpdesk.id
  resource_id = aws_api_gateway_resource.ticket.id
  http_method = aws_api_gateway_method.ticket_options.http_method
  status_code = aws_api_gateway_method_response.ticket_options.status_code
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = "'${local.helpdesk_origin}'"
    "method.response.header.Access-Control-Allow-Methods" = "'GET,PUT,OPTIONS'"
    "method.response.header.Access-Control-Allow-Headers" = "'Content-Type'"
  }
  depends_on = [aws_api_gateway_integration.ticket_options]
}
