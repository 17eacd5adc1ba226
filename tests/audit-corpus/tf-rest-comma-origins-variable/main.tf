variable "allowed_origins" {
  description = "Origins allowed to call the API"
  type        = string
  default     = "https://admin.example.com,https://staff.example.com"
}

variable "backend_url" {
  type    = string
  default = "https://backend.example.com"
}

resource "aws_api_gateway_rest_api" "staff" {
  name = "staff"
}

resource "aws_api_gateway_resource" "shifts" {
  rest_api_id = aws_api_gateway_rest_api.staff.id
  parent_id   = aws_api_gateway_rest_api.staff.root_resource_id
  path_part   = "shifts"
}

resource "aws_api_gateway_method" "shifts_post" {
  rest_api_id   = aws_api_gateway_rest_api.staff.id
  resource_id   = aws_api_gateway_resource.shifts.id
  http_method   = "POST"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "shifts_post" {
  rest_api_id             = aws_api_gateway_rest_api.staff.id
  resource_id             = aws_api_gateway_resource.shifts.id
  http_method             = aws_api_gateway_method.shifts_post.http_method
  integration_http_method = "POST"
  type                    = "HTTP_PROXY"
  uri                     = "${var.backend_url}/shifts"
}

resource "aws_api_gateway_method" "shifts_options" {
  rest_api_id   = aws_api_gateway_rest_api.staff.id
  resource_id   = aws_api_gateway_resource.shifts.id
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "shifts_options" {
  rest_api_id = aws_api_gateway_rest_api.staff.id
  resource_id = aws_api_gateway_resource.shifts.id
  http_method = aws_api_gateway_method.shifts_options.http_method
  type        = "MOCK"
  request_templates = {
    "application/json" = "{\"statusCode\": 200}"
  }
}

resource "aws_api_gateway_method_response" "shifts_options" {
  rest_api_id = aws_api_gateway_rest_api.staff.id
  resource_id = aws_api_gateway_resource.shifts.id
  http_method = aws_api_gateway_method.shifts_options.http_method
  status_code = "200"
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = true
    "method.response.header.Access-Control-Allow-Methods" = true
    "method.response.header.Access-Control-Allow-Headers" = true
  }
}

resource "aws_api_gateway_integration_response" "shifts_options" {
  rest_api_id = aws_api_gateway_rest_api.staff.id
  resource_id = aws_api_gateway_resource.shifts.id
  http_method = aws_api_gateway_method.shifts_options.http_method
  status_code = aws_api_gateway_method_response.shifts_options.status_code
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = "'${var.allowed_origins}'"
    "method.response.header.Access-Control-Allow-Methods" = "'POST,OPTIONS'"
    "method.response.header.Access-Control-Allow-Headers" = "'Content-Type'"
  }
  depends_on = [aws_api_gateway_integration.shifts_options]
}

resource "aws_api_gateway_gateway_response" "cors" {
  for_each      = toset(["DEFAULT_4XX", "DEFAULT_5XX"])
  rest_api_id   = aws_api_gateway_rest_api.staff.id
  response_type = each.key
  response_parameters = {
    "gatewayresponse.header.Access-Control-Allow-Origin" = "'${var.allowed_origins}'"
  }
}

resource "aws_api_gateway_deployment" "staff" {
  rest_api_id = aws_api_gateway_rest_api.staff.id
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_method.shifts_post,
      aws_api_gateway_integration.shifts_post,
      aws_api_gateway_method.shifts_options,
      aws_api_gateway_integration.shifts_options,
      aws_api_gateway_method_response.shifts_options,
      aws_api_gateway_integration_response.shifts_options,
      aws_api_gateway_gateway_response.cors,
    ]))
  }
  lifecycle {
    create_before_destroy = true
  }
}
