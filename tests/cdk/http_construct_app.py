"""A CDK app around a whole-API HTTP golden's cors.py (scope = "api"): its
CorsHttpApi construct with every backend argument set (one imported
function, one URL), the authorizers its routes need, and a synthesis into
CDK_OUTDIR that needs no bootstrap and reports no analytics. The arguments
are built from the module's exported data, so one app serves every case."""

import os

import aws_cdk as cdk
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_lambda as lambda_

import cors

BACKEND_URL = "https://backend.example.com"

app = cdk.App(outdir=os.environ["CDK_OUTDIR"], analytics_reporting=False)
stack = cdk.Stack(app, "Cors", synthesizer=cdk.BootstraplessSynthesizer(), analytics_reporting=False)


def arn(name):
    return stack.format_arn(service="lambda", resource="function", resource_name=name,
                            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME)


fn = lambda_.Function.from_function_arn(stack, "Backend", arn("backend"))
targets = {r.target for r in cors.ROUTES}
needed = {r.authorizer for r in cors.ROUTES} & {"jwt", "custom"}
kwargs = {}
if os.environ.get("CDK_ENVIRONMENT"):  # a policy with [environments]
    kwargs["environment"] = os.environ["CDK_ENVIRONMENT"]
if "lambda_function" in targets:
    kwargs["lambda_function"] = fn
if "backend_url" in targets:
    kwargs["backend_url"] = BACKEND_URL
for name, is_lambda in cors.BACKENDS:
    kwargs[f"backend_{name}"] = fn if is_lambda else BACKEND_URL
if needed:
    kwargs["authorizers"] = {}
if "jwt" in needed:
    kwargs["authorizers"]["jwt"] = authorizers.HttpJwtAuthorizer("Jwt", "https://issuer.example.com",
                                                                 jwt_audience=["api"])
if "custom" in needed:
    handler = lambda_.Function.from_function_arn(stack, "AuthorizerFunction", arn("authorizer"))
    kwargs["authorizers"]["custom"] = authorizers.HttpLambdaAuthorizer(
        "Custom", handler, response_types=[authorizers.HttpLambdaResponseType.SIMPLE])
cors.CorsHttpApi(stack, "Api", **kwargs)
app.synth()
