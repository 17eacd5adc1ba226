variable "allowed_origin" {
  type    = string
  default = "https://reports.example.io"
}

variable "lambda_invoke_arn" {
  type = string
}

resource "aws_api_gateway_rest_api" "reports" {
  name = "reports"
  body = templatefile("${path.module}/openapi.yaml.tpl", {
    allowed_origin    = var.allowed_origin
    lambda_invoke_arn = var.lambda_invoke_arn
  })

  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_deployment" "reports" {
  rest_api_id = aws_api_gateway_rest_api.reports.id

  triggers = {
    redeployment = sha1(aws_api_gateway_rest_api.reports.body)
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "v1" {
  rest_api_id   = aws_api_gateway_rest_api.reports.id
  deployment_id = aws_api_gateway_deployment.reports.id
  stage_name    = "v1"
}
