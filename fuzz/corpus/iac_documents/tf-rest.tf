# A REST API with no CORS at all: a same-origin backend for a server-side
# caller. Nothing is wrong unless a browser on another origin calls it, so
# audit says so once, as a note, and nothing else.
variable "handler_invoke_arn" {
  type = string
}

resource "aws_api_gateway_rest_api" "internal" {
  name = "internal-reports"
}

resource "aws_api_gateway_resource" "reports" {
  rest_api_id = aws_api_gateway_rest_api.internal.id
  parent_id   = aws_api_gateway_rest_api.internal.root_resource_id
  path_part   = "reports"
}

resource "aws_api_gateway_method" "reports_post" {
  rest_api_id   = aws_api_gateway_rest_api.internal.id
  resource_id   = aws_api_gateway_resource.reports.id
  http_method   = "POST"
  authorization = "AWS_IAM"
}

resource "aws_api_gateway_integration" "reports_post" {
  rest_api_id             = aws_api_gateway_rest_api.internal.id
  resource_id             = aws_api_gateway_resource.reports.id
  http_method             = aws_api_gateway_method.reports_post.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = var.handler_invoke_arn
}

resource "aws_api_gateway_deployment" "internal" {
  rest_api_id = aws_api_gateway_rest_api.internal.id
  triggers = {
    redeployment = sha1(jsonencode([aws_api_gateway_method.reports_post, aws_api_gateway_integration.reports_post]))
  }
  lifecycle {
    create_before_destroy = true
  }
}
