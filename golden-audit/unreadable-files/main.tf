resource "aws_apigatewayv2_api" "this" {
  name          = "events"
  protocol_type = "HTTP"
  cors_configuration {
    allow_origins = ["https://app.example.com"
  }
}
