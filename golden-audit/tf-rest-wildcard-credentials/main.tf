# A REST preflight written by hand with `*` and credentials, the mix every
# browser refuses (Fetch standard, CORS check): the page's cookie-carrying
# requests all fail. The actual MOCK response repeats it.
resource "aws_api_gateway_rest_api" "account" {
  name = "account"
}

resource "aws_api_gateway_resource" "me" {
  rest_api_id = aws_api_gateway_rest_api.account.id
  parent_id   = aws_api_gateway_rest_api.account.root_resource_id
  path_part   = "me"
}

resource "aws_api_gateway_method" "me_options" {
  rest_api_id   = aws_api_gateway_rest_api.account.id
  resource_id   = aws_api_gateway_resource.me.id
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "me_options" {
  rest_api_id       = aws_api_gateway_rest_api.account.id
  resource_id       = aws_api_gateway_resource.me.id
  http_method       = aws_api_gateway_method.me_options.http_method
  type              = "MOCK"
  content_handling  = "CONVERT_TO_TEXT"
  request_templates = { "application/json" = "{\"statusCode\": 200}" }
}

resource "aws_api_gateway_method_response" "me_options" {
  rest_api_id = aws_api_gateway_rest_api.account.id
  resource_id = aws_api_gateway_resource.me.id
  http_method = aws_api_gateway_method.me_options.http_method
  status_code = "200"
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"      = true
    "method.response.header.Access-Control-Allow-Methods"     = true
    "method.response.header.Access-Control-Allow-Headers"     = true
    "method.response.header.Access-Control-Allow-Credentials" = true
  }
}

resource "aws_api_gateway_integration_response" "me_options" {
  rest_api_id = aws_api_gateway_rest_api.account.id
  resource_id = aws_api_gateway_resource.me.id
  http_method = aws_api_gateway_method.me_options.http_method
  status_code = aws_api_gateway_method_response.me_options.status_code
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"      = "'*'"
    "method.response.header.Access-Control-Allow-Methods"     = "'GET,PUT,OPTIONS'"
    "method.response.header.Access-Control-Allow-Headers"     = "'Content-Type'"
    "method.response.header.Access-Control-Allow-Credentials" = "'true'"
  }
  depends_on = [aws_api_gateway_integration.me_options]
}

resource "aws_api_gateway_method" "me_get" {
  rest_api_id   = aws_api_gateway_rest_api.account.id
  resource_id   = aws_api_gateway_resource.me.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "me_get" {
  rest_api_id       = aws_api_gateway_rest_api.account.id
  resource_id       = aws_api_gateway_resource.me.id
  http_method       = aws_api_gateway_method.me_get.http_method
  type              = "MOCK"
  request_templates = { "application/json" = "{\"statusCode\": 200}" }
}

resource "aws_api_gateway_method_response" "me_get" {
  rest_api_id = aws_api_gateway_rest_api.account.id
  resource_id = aws_api_gateway_resource.me.id
  http_method = aws_api_gateway_method.me_get.http_method
  status_code = "200"
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"      = true
    "method.response.header.Access-Control-Allow-Credentials" = true
  }
}

resource "aws_api_gateway_integration_response" "me_get" {
  rest_api_id = aws_api_gateway_rest_api.account.id
  resource_id = aws_api_gateway_resource.me.id
  http_method = aws_api_gateway_method.me_get.http_method
  status_code = aws_api_gateway_method_response.me_get.status_code
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"      = "'*'"
    "method.response.header.Access-Control-Allow-Credentials" = "'true'"
  }
  depends_on = [aws_api_gateway_integration.me_get]
}

resource "aws_api_gateway_gateway_response" "default_4xx" {
  rest_api_id   = aws_api_gateway_rest_api.account.id
  response_type = "DEFAULT_4XX"
  response_parameters = {
    "gatewayresponse.header.Access-Control-Allow-Origin" = "'https://account.example.com'"
  }
}
