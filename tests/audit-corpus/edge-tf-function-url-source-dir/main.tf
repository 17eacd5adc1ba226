data "archive_file" "signer" {
  type        = "zip"
  source_dir  = "${path.module}/lambda/upload-signer"
  output_path = "${path.module}/build/upload-signer.zip"
}

resource "aws_iam_role" "signer" {
  name = "upload-signer"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_lambda_function" "signer" {
  function_name    = "upload-signer"
  role             = aws_iam_role.signer.arn
  runtime          = "nodejs20.x"
  handler          = "handler.main"
  filename         = data.archive_file.signer.output_path
  source_code_hash = data.archive_file.signer.output_base64sha256
}

resource "aws_lambda_function_url" "signer" {
  function_name      = aws_lambda_function.signer.function_name
  authorization_type = "NONE"

  cors {
    allow_origins     = ["https://portal.example.com"]
    allow_methods     = ["POST"]
    allow_headers     = ["content-type", "authorization"]
    allow_credentials = true
    max_age           = 600
  }
}
