variable "frontend_origin" {
  description = "Origin of the SPA for this environment, set in <env>.tfvars"
  type        = string
}

variable "app_invoke_arn" {
  type = string
}

variable "authorizer_invoke_arn" {
  type = string
}
