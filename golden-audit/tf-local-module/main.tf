# A root module passing the origin to a local module (source = "./modules/api"):
# audit follows it and judges the value the call passes (a trailing slash).
module "api" {
  source         = "./modules/api"
  allowed_origin = "https://shop.example.com/"
}
