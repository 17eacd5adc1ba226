# The module keeps its CORS settings in variables with defaults, in a file of
# their own; audit reads the defaults in place of the references.
variable "cors_origins" {
  type    = list(string)
  default = ["https://app.example.com, https://admin.example.com"]
}

variable "cors_allow_credentials" {
  type    = bool
  default = true
}

variable "cors_max_age" {
  type    = number
  default = 172800
}
