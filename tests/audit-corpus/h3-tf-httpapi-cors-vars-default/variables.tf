variable "allowed_origins" {
  description = "Browser origins allowed to call the orders API"
  type        = list(string)
  default     = ["https://orders.example.com", "https://backoffice.example.com"]
}

variable "allow_credentials" {
  type    = bool
  default = true
}

variable "cors_max_age" {
  description = "Seconds a browser may cache the preflight answer"
  type        = number
  default     = 86400
}

variable "jwt_issuer" {
  type = string
}

variable "jwt_audience" {
  type = list(string)
}

variable "orders_invoke_arn" {
  type = string
}
