# An HTTP API whose cors_configuration is all variables: two origins pasted
# into one string, and a max age past API Gateway's 86,400 s limit.
resource "aws_apigatewayv2_api" "this" {
  name          = "profiles"
  protocol_type = "HTTP"

  cors_configuration {
    allow_origins     = var.cors_origins
    allow_methods     = ["GET", "PUT"]
    allow_headers     = ["content-type"]
    allow_credentials = var.cors_allow_credentials
    max_age           = var.cors_max_age
  }
}
