resource "aws_apigatewayv2_api" "events" {
  name          = "events-http"
  protocol_type = "HTTP"
  body          = file("${path.module}/events-openapi.yaml")
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.events.id
  name        = "$default"
  auto_deploy = true
}
