resource "aws_api_gateway_deployment" "orders" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_method.orders_get,
      aws_api_gateway_integration.orders_get,
      aws_api_gateway_method.order_delete,
      aws_api_gateway_integration.order_delete,
      aws_api_gateway_integration_response.orders_options,
      aws_api_gateway_integration_response.order_options,
    ]))
  }
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "live" {
  rest_api_id   = aws_api_gateway_rest_api.orders.id
  deployment_id = aws_api_gateway_deployment.orders.id
  stage_name    = "live"
}
