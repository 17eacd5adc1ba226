output "options_integration_id" {
  value = aws_api_gateway_integration.options.id
}
