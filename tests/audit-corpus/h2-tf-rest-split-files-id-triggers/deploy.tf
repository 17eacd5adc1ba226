resource "aws_api_gateway_deployment" "shop" {
  rest_api_id = aws_api_gateway_rest_api.shop.id

  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.cart.id,
      aws_api_gateway_method.cart_get.id,
      aws_api_gateway_integration.cart_get.id,
      aws_api_gateway_method.cart_post.id,
      aws_api_gateway_integration.cart_post.id,
      aws_api_gateway_method.cart_options.id,
      aws_api_gateway_integration.cart_options.id,
      aws_api_gateway_integration_response.cart_options.id,
      aws_api_gateway_gateway_response.default_4xx.id,
      aws_api_gateway_gateway_response.default_5xx.id,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "live" {
  rest_api_id   = aws_api_gateway_rest_api.shop.id
  deployment_id = aws_api_gateway_deployment.shop.id
  stage_name    = "live"
}
