variable "name" {
  description = "Name of the REST API."
  type        = string
  default     = "corsform-localstack-selftest"
}

variable "exact_origin" {
  description = "The one origin allowed by exact match (the regex allows *.preview.example.com too)."
  type        = string
  default     = "https://a.example.com"
}

variable "stage_name" {
  description = "Name of the stage."
  type        = string
  default     = "prod"
}
