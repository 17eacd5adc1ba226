# A REST API defined by an OpenAPI body inline, redeployed when the body
# changes; the health check is a MOCK someone added later.
resource "aws_api_gateway_rest_api" "this" {
  name = "inventory"
  body = jsonencode({
    openapi = "3.0.1"
    info    = { title = "inventory", version = "1.0" }
    paths = {
      "/health" = {
        options = {
          responses = {
            "200" = {
              description = "CORS"
              headers = {
                "Access-Control-Allow-Origin"  = { schema = { type = "string" } }
                "Access-Control-Allow-Methods" = { schema = { type = "string" } }
              }
            }
          }
          "x-amazon-apigateway-integration" = {
            type             = "mock"
            contentHandling  = "CONVERT_TO_TEXT"
            requestTemplates = { "application/json" = "{\"statusCode\": 200}" }
            responses = {
              default = {
                statusCode = "200"
                responseParameters = {
                  "method.response.header.Access-Control-Allow-Origin"  = "'https://ops.example.com'"
                  "method.response.header.Access-Control-Allow-Methods" = "'GET'"
                }
              }
            }
          }
        }
        get = {
          responses = { "200" = { description = "ok" } }
          "x-amazon-apigateway-integration" = {
            type             = "mock"
            requestTemplates = { "application/json" = "{\"statusCode\": 200}" }
            responses        = { default = { statusCode = "200" } }
          }
        }
      }
    }
  })
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  triggers = {
    redeployment = sha1(jsonencode(aws_api_gateway_rest_api.this.body))
  }
  lifecycle {
    create_before_destroy = true
  }
}
