"""A CDK app around a golden's cors.py (tests/conformance/test_cdk.py copies
both into one folder): a RestApi or an HttpApi (argv[1]: rest or http), the
policy's authorizers where its MOCK routes need them, apply_cors_policy, and a
synthesis into CDK_OUTDIR that needs no bootstrap and reports no analytics
(LocalStack deploys it as is)."""

import os
import sys

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_

import cors

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
    # An authorizer CDK creates must guard a method, so only the ones used.
    needed = {m.authorizer for p in cors.POLICY_PATHS for m in p.mock_methods if m.authorizer}
    authorizers = {}
    if "custom" in needed:
        fn = lambda_.Function.from_function_arn(
            stack,
            "AuthorizerFunction",
            stack.format_arn(
                service="lambda",
                resource="function",
                resource_name="authorizer",
                arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
            ),
        )
        authorizers["custom"] = apigateway.TokenAuthorizer(stack, "Custom", handler=fn)
    if "cognito" in needed:
        pool = cognito.UserPool.from_user_pool_id(stack, "Pool", "us-east-1_example")
        authorizers["cognito"] = apigateway.CognitoUserPoolsAuthorizer(stack, "Cognito", cognito_user_pools=[pool])
    cors.apply_cors_policy(api, authorizers)
else:
    cors.apply_cors_policy(apigwv2.HttpApi(stack, "Api"))

app.synth()
