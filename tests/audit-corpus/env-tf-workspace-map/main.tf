# Origins per Terraform workspace, from a map variable: the pattern of
# modules deployed once per workspace.
variable "cors_origins" {
  type = map(list(string))
  default = {
    default = ["http://localhost:5173"]
    staging = ["https://staging.example.com"]
    prod    = ["https://app.example.com", "https://admin.example.com"]
  }
}

resource "aws_apigatewayv2_api" "orders" {
  name          = "orders"
  protocol_type = "HTTP"
  cors_configuration {
    allow_origins = lookup(var.cors_origins, terraform.workspace)
    allow_methods = ["GET", "POST"]
  }
}

resource "aws_apigatewayv2_route" "list" {
  api_id    = aws_apigatewayv2_api.orders.id
  route_key = "GET /orders"
}
