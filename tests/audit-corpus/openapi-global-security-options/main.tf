# REST API from an inline OpenAPI body. A global `security` requirement puts the
# Cognito authorizer on every operation that declares none, OPTIONS included.
variable "user_pool_arn" {
  type    = string
  default = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Example3"
}

variable "handler_invoke_arn" {
  type    = string
  default = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:tasks/invocations"
}

resource "aws_api_gateway_rest_api" "tasks" {
  name = "tasks"
  body = jsonencode({
    openapi  = "3.0.1"
    info     = { title = "tasks", version = "1.0" }
    security = [{ cognito = [] }]
    components = {
      securitySchemes = {
        cognito = {
          type                           = "apiKey"
          name                           = "Authorization"
          in                             = "header"
          x-amazon-apigateway-authtype   = "cognito_user_pools"
          x-amazon-apigateway-authorizer = {
            type         = "cognito_user_pools"
            providerARNs = [var.user_pool_arn]
          }
        }
      }
    }
    paths = {
      "/{proxy+}" = {
        options = {
          responses = {
            "204" = {
              description = "preflight"
              headers = {
                Access-Control-Allow-Origin  = { schema = { type = "string" } }
                Access-Control-Allow-Methods = { schema = { type = "string" } }
                Access-Control-Allow-Headers = { schema = { type = "string" } }
              }
            }
          }
          x-amazon-apigateway-integration = {
            type             = "mock"
            requestTemplates = { "application/json" = "{\"statusCode\": 204}" }
            responses = {
              default = {
                statusCode = "204"
                responseParameters = {
                  "method.response.header.Access-Control-Allow-Origin"  = "'https://tasks.example.com'"
                  "method.response.header.Access-Control-Allow-Methods" = "'GET,POST,PUT,DELETE,OPTIONS'"
                  "method.response.header.Access-Control-Allow-Headers" = "'Authorization,Content-Type'"
                }
              }
            }
          }
        }
        x-amazon-apigateway-any-method = {
          x-amazon-apigateway-integration = {
            type       = "aws_proxy"
            httpMethod = "POST"
            uri        = var.handler_invoke_arn
          }
        }
      }
    }
    x-amazon-apigateway-gateway-responses = {
      DEFAULT_4XX = {
        responseParameters = {
          "gatewayresponse.header.Access-Control-Allow-Origin" = "'https://tasks.example.com'"
        }
      }
    }
  })
}

resource "aws_api_gateway_deployment" "tasks" {
  rest_api_id = aws_api_gateway_rest_api.tasks.id
  triggers = {
    redeployment = sha1(jsonencode(aws_api_gateway_rest_api.tasks.body))
  }
  lifecycle {
    create_before_destroy = true
  }
}
