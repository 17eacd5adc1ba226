variable "tickets_invoke_arn" {
  type = string
}

locals {
  helpdesk_origin = "https://helpdesk.example.com"
}

resource "aws_api_gateway_rest_api" "helpdesk" {
  name = "helpdesk"
}

resource "aws_api_gateway_resource" "tickets" {
  rest_api_id = aws_api_gateway_rest_api.helpdesk.id
  parent_id   = aws_api_gateway_rest_api.helpdesk.root_resource_id
  path_part   = "tickets"
}

resource "aws_api_gateway_resource" "ticket" {
  rest_api_id = aws_api_gateway_rest_api.helpdesk.id
  parent_id   = aws_api_gateway_resource.tickets.id
  path_part   = "{ticketId}"
}

resource "aws_api_gateway_gateway_response" "cors" {
  for_each      = toset(["DEFAULT_4XX", "DEFAULT_5XX"])
  rest_api_id   = aws_api_gateway_rest_api.helpdesk.id
  response_type = each.value
  response_parameters = {
    "gatewayresponse.header.Access-Control-Allow-Origin" = "'${local.helpdesk_origin}'"
  }
}

resource "aws_api_gateway_deployment" "helpdesk" {
  rest_api_id = aws_api_gateway_rest_api.helpdesk.id

  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_method.ticket_get,
      aws_api_gateway_integration.ticket_get,
      aws_api_gateway_method.ticket_put,
      aws_api_gateway_integration.ticket_put,
      aws_api_gateway_method.ticket_delete,
      aws_api_gateway_integration.ticket_delete,
      aws_api_gateway_method.ticket_options,
      aws_api_gateway_integration.ticket_options,
      aws_api_gateway_method_response.ticket_options,
      aws_api_gateway_integration_response.ticket_options,
      aws_api_gateway_gateway_response.cors,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "live" {
  rest_api_id   = aws_api_gateway_rest_api.helpdesk.id
  deployment_id = aws_api_gateway_deployment.helpdesk.id
  stage_name    = "live"
}
