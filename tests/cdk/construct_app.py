"""A CDK app around a whole-API REST golden's cors.py (scope = "api"): its
CorsRestApi construct with every backend argument set (one imported
function, one URL), the authorizers its routes need, and a synthesis into
CDK_OUTDIR that needs no bootstrap and reports no analytics. The arguments
are built from the module's exported data, so one app serves every case."""

import os

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_

import cors

# CDK_FUNCTION_NAME and CDK_BACKEND_URL: the placeholders LocalStack deployments use.
BACKEND_URL = os.environ.get("CDK_BACKEND_URL", "https://backend.example.com")

# With [environments] (CDK_ENVIRONMENT) the module has policy_for(environment)
# where it otherwise has POLICY_PATHS, and CorsRestApi takes the environment.
ENVIRONMENT = os.environ.get("CDK_ENVIRONMENT")
POLICY_PATHS = cors.POLICY_PATHS if ENVIRONMENT is None else cors.policy_for(ENVIRONMENT).paths

app = cdk.App(outdir=os.environ["CDK_OUTDIR"], analytics_reporting=False)
stack = cdk.Stack(app, "Cors", synthesizer=cdk.BootstraplessSynthesizer(), analytics_reporting=False)


def arn(name):
    return stack.format_arn(service="lambda", resource="function", resource_name=name,
                            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME)


fn = lambda_.Function.from_function_arn(stack, "Backend", arn(os.environ.get("CDK_FUNCTION_NAME", "backend")))
targets = {m.target for m in cors.PROXY_METHODS}
needed = {m.authorizer for m in cors.PROXY_METHODS if m.authorizer}
needed |= {m.authorizer for p in POLICY_PATHS for m in p.mock_methods if m.authorizer}
kwargs = {}
if ENVIRONMENT is not None:
    kwargs["environment"] = ENVIRONMENT
if "lambda_function" in targets:
    kwargs["lambda_function"] = fn
if "backend_url" in targets:
    kwargs["backend_url"] = BACKEND_URL
for name, is_lambda in cors.BACKENDS:
    kwargs[f"backend_{name}"] = fn if is_lambda else BACKEND_URL
if needed:
    kwargs["authorizers"] = {}
if "custom" in needed:
    handler = lambda_.Function.from_function_arn(stack, "AuthorizerFunction", arn("authorizer"))
    kwargs["authorizers"]["custom"] = apigateway.TokenAuthorizer(stack, "Custom", handler=handler)
if "cognito" in needed:
    pool = cognito.UserPool.from_user_pool_id(stack, "Pool", "us-east-1_example")
    kwargs["authorizers"]["cognito"] = apigateway.CognitoUserPoolsAuthorizer(stack, "Cognito",
                                                                             cognito_user_pools=[pool])
api = cors.CorsRestApi(stack, "Api", rest_api_props={"cloud_watch_role": False}, **kwargs)
cdk.CfnOutput(stack, "RestApiId", value=api.api.rest_api_id)
app.synth()
