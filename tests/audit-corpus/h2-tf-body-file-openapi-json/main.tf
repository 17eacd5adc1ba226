resource "aws_api_gateway_rest_api" "notes" {
  name = "notes"
  body = file("${path.module}/notes-api.json")
}

resource "aws_api_gateway_deployment" "notes" {
  rest_api_id = aws_api_gateway_rest_api.notes.id
  triggers = {
    redeployment = sha1(file("${path.module}/notes-api.json"))
  }
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id   = aws_api_gateway_rest_api.notes.id
  deployment_id = aws_api_gateway_deployment.notes.id
  stage_name    = "prod"
}
