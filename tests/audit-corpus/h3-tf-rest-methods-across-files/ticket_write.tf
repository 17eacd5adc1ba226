# Write side, added later by the workflow team in its own file.
resource "aws_api_gateway_method" "ticket_put" {
  rest_api_id   = aws_api_gateway_rest_api.helpdesk.id
  resource_id   = aws_api_gateway_resource.ticket.id
  http_method   = "PUT"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "ticket_put" {
  rest_api_id             = aws_api_gateway_rest_api.helpdesk.id
  resource_id             = aws_api_gateway_resource.ticket.id
  http_method             = aws_api_gateway_method.ticket_put.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = var.tickets_invoke_arn
}

resource "aws_api_gateway_method" "ticket_delete" {
  rest_api_id   = aws_api_gateway_rest_api.helpdesk.id
  resource_id   = aws_api_gateway_resource.ticket.id
  http_method   = "DELETE"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "ticket_delete" {
  rest_api_id             = aws_api_gateway_rest_api.helpdesk.id
  resource_id             = aws_api_gateway_resource.ticket.id
  http_method             = aws_api_gateway_method.ticket_delete.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = var.tickets_invoke_arn
}
