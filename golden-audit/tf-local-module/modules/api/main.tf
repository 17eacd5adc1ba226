variable "allowed_origin" {
  type = string
}
resource "aws_apigatewayv2_api" "this" {
  name          = "shop"
  protocol_type = "HTTP"
  cors_configuration {
    allow_origins = [var.allowed_origin]
    allow_methods = ["GET"]
  }
}
