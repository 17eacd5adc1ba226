"""A CDK app around a golden's cors.py (tests/conformance/test_cdk.py copies
both into one folder): a RestApi or an HttpApi (argv[1]: rest or http); for
REST the app's own proxy routes (CDK_PROXY_ROUTES: the ones corsform's
CloudFormation target deploys for the policy, each to the placeholder function
CDK_FUNCTION_NAME or URL CDK_BACKEND_URL) and the authorizers its routes need,
then apply_cors_policy, and a synthesis into CDK_OUTDIR that needs no
bootstrap and reports no analytics (LocalStack deploys it as is). With
[environments], the module deploys CDK_ENVIRONMENT."""

import json
import os
import sys

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_

import cors

# CloudFormation's AuthorizationType of a method without authorizer, as CDK's enum.
AUTHORIZATION_TYPES = {"NONE": apigateway.AuthorizationType.NONE, "AWS_IAM": apigateway.AuthorizationType.IAM}

# With [environments] the module has policy_for(environment) where it otherwise
# has POLICY_PATHS (REST), and apply_cors_policy takes the environment.
ENVIRONMENT = os.environ.get("CDK_ENVIRONMENT")
CHOSEN = {} if ENVIRONMENT is None else {"environment": ENVIRONMENT}

app = cdk.App(outdir=os.environ["CDK_OUTDIR"], analytics_reporting=False)
stack = cdk.Stack(app, "Cors", synthesizer=cdk.BootstraplessSynthesizer(), analytics_reporting=False)

if sys.argv[1] == "rest":
    # The policy's stage (CDK_STAGE), and the RestApiId output the conformance
    # tier's deployer reads, as it does from corsform's CloudFormation template.
    api = apigateway.RestApi(
        stack,
        "Api",
        cloud_watch_role=False,
        deploy_options=apigateway.StageOptions(stage_name=os.environ.get("CDK_STAGE", "prod")),
    )
    cdk.CfnOutput(stack, "RestApiId", value=api.rest_api_id)
    routes = json.loads(os.environ.get("CDK_PROXY_ROUTES", "[]"))

    def arn(name):
        return stack.format_arn(service="lambda", resource="function", resource_name=name,
                                arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME)

    # An authorizer CDK creates must guard a method, so only the ones used.
    paths = cors.POLICY_PATHS if ENVIRONMENT is None else cors.policy_for(ENVIRONMENT).paths
    needed = {m.authorizer for p in paths for m in p.mock_methods if m.authorizer}
    needed |= {r["authorizer"] for r in routes if r["authorizer"]}
    authorizers = {}
    if "custom" in needed:
        fn = lambda_.Function.from_function_arn(stack, "AuthorizerFunction", arn("authorizer"))
        authorizers["custom"] = apigateway.TokenAuthorizer(stack, "Custom", handler=fn)
    if "cognito" in needed:
        pool = cognito.UserPool.from_user_pool_id(stack, "Pool", "us-east-1_example")
        authorizers["cognito"] = apigateway.CognitoUserPoolsAuthorizer(stack, "Cognito", cognito_user_pools=[pool])
    # The app's own routes first, as a user's app has them before it applies CORS.
    backend = lambda_.Function.from_function_arn(stack, "Backend", arn(os.environ.get("CDK_FUNCTION_NAME", "backend")))
    backend_url = os.environ.get("CDK_BACKEND_URL", "https://backend.example.com")
    for r in routes:
        params = r["pathParams"]
        if r["kind"] == "lambda":
            integration = apigateway.LambdaIntegration(backend)
        else:
            integration = apigateway.HttpIntegration(
                backend_url + r["backendPath"], http_method=r["httpMethod"], proxy=True,
                options=apigateway.IntegrationOptions(
                    request_parameters={f"integration.request.path.{p}": f"method.request.path.{p}" for p in params}
                    or None))
        authorizer = authorizers.get(r["authorizer"]) if r["authorizer"] else None
        api.root.resource_for_path(r["path"]).add_method(
            r["httpMethod"], integration,
            authorization_type=None if authorizer else AUTHORIZATION_TYPES[r["authorizationType"]],
            authorizer=authorizer,
            request_parameters={f"method.request.path.{p}": True for p in params} or None)
    cors.apply_cors_policy(api, authorizers, **CHOSEN)
else:
    cors.apply_cors_policy(apigwv2.HttpApi(stack, "Api"), **CHOSEN)

app.synth()
