variable "rest_api_id" {
  description = "ID of the REST API the resource belongs to"
  type        = string
}

variable "resource_id" {
  description = "ID of the resource that gets an OPTIONS method"
  type        = string
}

variable "allow_origin" {
  description = "Origin allowed to call the resource (with its single quotes)"
  type        = string
  default     = "'https://console.example.org'"
}

variable "allow_methods" {
  type    = string
  default = "'GET,OPTIONS'"
}

variable "allow_headers" {
  type    = string
  default = "'Content-Type,X-Amz-Date,X-Amz-Security-Token'"
}
