# Self-test fixture of scripts/localstack: a hand-written REST API (v1) module
# shaped like the ones corsform generates, used to prove the harness (and to
# record what LocalStack does with each piece). Not generated; edit freely, but
# keep scripts/localstack/example-cases.json in step.
#
#   /items   OPTIONS (MOCK, 204) and GET (MOCK, 200): static Allow-Origin set to
#            the first allowed origin, then the VTL template overrides it with
#            the request's Origin when that origin is allowed (corsform's shape).
#   /bare    OPTIONS (MOCK, 204) with NO static Allow-Origin: the header comes
#            only from the VTL override, so a refused origin gets none.

locals {
  allowed_methods = "GET,OPTIONS,PUT"
  allowed_headers = "content-type,authorization"

  # Integration response template: echo the Origin when it is allowed.
  # Heredoc: HCL does not interpret backslashes here, so \. reaches VTL (and
  # Java's String.matches, a full match) as written.
  origin_vtl = <<-EOT
    #set($origin = $input.params().header.get('Origin'))
    #if("$!origin" == "")#set($origin = $input.params().header.get('origin'))#end
    #if("$!origin" != "")
    #if($origin == '${var.exact_origin}' || $origin.matches('https://[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.preview\.example\.com'))
    #set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)
    #end
    #end
  EOT

  # One entry per method: which resource, which status, and whether the
  # integration response also gives a static Allow-Origin.
  methods = {
    items_options = { resource = "items", method = "OPTIONS", status = "204", static_origin = true, body = "" }
    items_get     = { resource = "items", method = "GET", status = "200", static_origin = true, body = "{\"items\": []}" }
    bare_options  = { resource = "bare", method = "OPTIONS", status = "204", static_origin = false, body = "" }
  }

  static_headers = {
    "method.response.header.Access-Control-Allow-Methods" = "'${local.allowed_methods}'"
    "method.response.header.Access-Control-Allow-Headers" = "'${local.allowed_headers}'"
    "method.response.header.Vary"                         = "'Origin'"
  }
}

resource "aws_api_gateway_rest_api" "this" {
  name = var.name
}

resource "aws_api_gateway_resource" "this" {
  for_each = toset(["items", "bare"])

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = each.key
}

resource "aws_api_gateway_method" "this" {
  for_each = local.methods

  rest_api_id      = aws_api_gateway_rest_api.this.id
  resource_id      = aws_api_gateway_resource.this[each.value.resource].id
  http_method      = each.value.method
  authorization    = "NONE"
  api_key_required = false
}

resource "aws_api_gateway_integration" "this" {
  for_each = local.methods

  rest_api_id      = aws_api_gateway_rest_api.this.id
  resource_id      = aws_api_gateway_resource.this[each.value.resource].id
  http_method      = aws_api_gateway_method.this[each.key].http_method
  type             = "MOCK"
  content_handling = "CONVERT_TO_TEXT"

  request_templates = {
    "application/json" = jsonencode({ statusCode = tonumber(each.value.status) })
  }
}

resource "aws_api_gateway_method_response" "this" {
  for_each = local.methods

  rest_api_id = aws_api_gateway_rest_api.this.id
  resource_id = aws_api_gateway_resource.this[each.value.resource].id
  http_method = aws_api_gateway_method.this[each.key].http_method
  status_code = each.value.status

  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = true
    "method.response.header.Access-Control-Allow-Methods" = true
    "method.response.header.Access-Control-Allow-Headers" = true
    "method.response.header.Vary"                         = true
  }
}

resource "aws_api_gateway_integration_response" "this" {
  for_each = local.methods

  rest_api_id = aws_api_gateway_rest_api.this.id
  resource_id = aws_api_gateway_resource.this[each.value.resource].id
  http_method = aws_api_gateway_method.this[each.key].http_method
  status_code = aws_api_gateway_method_response.this[each.key].status_code

  response_parameters = merge(
    local.static_headers,
    each.value.static_origin ? { "method.response.header.Access-Control-Allow-Origin" = "'${var.exact_origin}'" } : {},
  )

  response_templates = {
    "application/json" = "${local.origin_vtl}${each.value.body}"
  }

  depends_on = [aws_api_gateway_integration.this]
}

# A new deployment whenever anything that defines the API changes.
resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id

  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.this,
      aws_api_gateway_method.this,
      aws_api_gateway_integration.this,
      aws_api_gateway_method_response.this,
      aws_api_gateway_integration_response.this,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "this" {
  rest_api_id   = aws_api_gateway_rest_api.this.id
  deployment_id = aws_api_gateway_deployment.this.id
  stage_name    = var.stage_name
}
