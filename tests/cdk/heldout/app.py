"""Held-out CDK apps in Python (tests/conformance/test_cdk.py, "held-out"): the
same scenarios as app.ts (CDK_SCENARIO; see there), written the way users
write them, around the modules of two held-out policies (library.toml as
library.py, tickets.toml with [environments] as tickets.py)."""

import os

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

import library
import tickets

SCENARIO = os.environ.get("CDK_SCENARIO")
BACKEND_URL = os.environ.get("CDK_BACKEND_URL", "https://backend.example.com")

app = cdk.App(outdir=os.environ["CDK_OUTDIR"], analytics_reporting=False)
# A nested stack's template is an asset, which the bootstrapless synthesizer
# cannot hold: that scenario synthesizes with the default one (not deployed).
stack = cdk.Stack(app, "Cors", analytics_reporting=False,
                  synthesizer=None if SCENARIO == "nested" else cdk.BootstraplessSynthesizer())


def function_named(scope: Construct, construct_id: str, name: str) -> lambda_.IFunction:
    arn = cdk.Stack.of(scope).format_arn(service="lambda", resource="function", resource_name=name,
                                         arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME)
    return lambda_.Function.from_function_arn(scope, construct_id, arn)


def cognito_authorizer(scope: Construct) -> apigateway.CognitoUserPoolsAuthorizer:
    pool = cognito.UserPool.from_user_pool_id(scope, "Pool", "us-east-1_example")
    return apigateway.CognitoUserPoolsAuthorizer(scope, "Cognito", cognito_user_pools=[pool])


def library_routes(scope: Construct, api: apigateway.RestApi, pool: apigateway.IAuthorizer) -> None:
    """The library's own routes, as a team writes them before adding CORS."""
    handler = function_named(scope, "Handler", os.environ.get("CDK_FUNCTION_NAME", "books"))
    books = api.root.add_resource("books")
    books.add_method("GET", apigateway.LambdaIntegration(handler), authorization_type=apigateway.AuthorizationType.NONE)
    books.add_method("POST", apigateway.LambdaIntegration(handler), authorizer=pool)
    book = books.add_resource("{isbn}")
    for method in ("GET", "PUT", "DELETE"):
        book.add_method(method, apigateway.LambdaIntegration(handler),
                        authorization_type=apigateway.AuthorizationType.NONE)
    search = api.root.add_resource("search").add_proxy(any_method=False)
    search.add_method(
        "GET",
        apigateway.HttpIntegration(
            f"{BACKEND_URL}/search/{{proxy}}", http_method="GET", proxy=True,
            options=apigateway.IntegrationOptions(
                request_parameters={"integration.request.path.proxy": "method.request.path.proxy"})),
        authorization_type=apigateway.AuthorizationType.NONE,
        request_parameters={"method.request.path.proxy": True},
    )


class LibraryService(Construct):
    """A service construct that owns its API, as a team's app structures it."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        pool = cognito_authorizer(self)
        self.api = apigateway.RestApi(
            self, "Http", rest_api_name="library", cloud_watch_role=False,
            deploy_options=apigateway.StageOptions(stage_name="v1"),
            # Every method the team adds is behind Cognito unless it says otherwise.
            default_method_options=apigateway.MethodOptions(
                authorizer=pool, authorization_type=apigateway.AuthorizationType.COGNITO),
        )
        library_routes(self, self.api, pool)
        library.apply_cors_policy(self.api, {"cognito": pool})


def library_with_own_methods(scope: Construct) -> apigateway.RestApi:
    """The library with the app's own non-proxy methods (own-methods; see app.ts)."""
    pool = cognito_authorizer(scope)
    api = apigateway.RestApi(scope, "Library", rest_api_name="library", cloud_watch_role=False,
                             deploy_options=apigateway.StageOptions(stage_name="v1"))
    handler = function_named(scope, "Handler", os.environ.get("CDK_FUNCTION_NAME", "books"))
    mock_request = {"application/json": '{"statusCode": 200}'}
    # The policy routes GET /books to a function; this team answers it from a
    # MOCK with a body of its own and a method response for its status.
    books = api.root.add_resource("books")
    books.add_method(
        "GET",
        apigateway.MockIntegration(
            request_templates=mock_request,
            integration_responses=[apigateway.IntegrationResponse(
                status_code="200", response_templates={"application/json": '{"books": []}'})]),
        method_responses=[apigateway.MethodResponse(status_code="200")],
    )
    books.add_method("POST", apigateway.LambdaIntegration(handler), authorizer=pool)
    # An HTTP integration without proxy: API Gateway maps its responses.
    book = books.add_resource("{isbn}")
    book.add_method(
        "GET",
        apigateway.HttpIntegration(
            os.environ.get("CDK_OWN_BACKEND_URL", f"{BACKEND_URL}/books"), http_method="GET", proxy=False,
            options=apigateway.IntegrationOptions(integration_responses=[
                apigateway.IntegrationResponse(status_code="200"),
                apigateway.IntegrationResponse(status_code="404", selection_pattern="404"),
            ])),
        method_responses=[apigateway.MethodResponse(
            status_code="200", response_models={"application/json": apigateway.Model.EMPTY_MODEL})],
    )
    for method in ("PUT", "DELETE"):
        book.add_method(method, apigateway.LambdaIntegration(handler))
    api.root.add_resource("search").add_proxy(any_method=False).add_method(
        "GET",
        apigateway.HttpIntegration(
            f"{BACKEND_URL}/search/{{proxy}}", http_method="GET", proxy=True,
            options=apigateway.IntegrationOptions(
                request_parameters={"integration.request.path.proxy": "method.request.path.proxy"})),
        request_parameters={"method.request.path.proxy": True},
    )
    # The policy's own MOCK route GET /ping, which the app already has: no
    # response template and no method response of its own.
    api.root.add_resource("ping").add_method(
        "GET",
        apigateway.MockIntegration(request_templates=mock_request,
                                   integration_responses=[apigateway.IntegrationResponse(status_code="200")]),
    )
    library.apply_cors_policy(api, {"cognito": pool})
    return api


def plain_library(scope: Construct, construct_id: str) -> apigateway.RestApi:
    """A bare library API with the policy applied (the scenarios without deployment)."""
    api = apigateway.RestApi(scope, construct_id, cloud_watch_role=False,
                             deploy_options=apigateway.StageOptions(stage_name="v1"))
    library.apply_cors_policy(api, {"cognito": cognito_authorizer(api)})
    return api


if SCENARIO == "subtree":
    service = LibraryService(Construct(stack, "Services"), "Library")
    cdk.CfnOutput(stack, "RestApiId", value=service.api.rest_api_id)
elif SCENARIO == "tickets-deployment":
    environment = os.environ["CDK_ENVIRONMENT"]
    api = apigateway.RestApi(stack, "Tickets", deploy=False, cloud_watch_role=False)
    handler = function_named(stack, "Handler", os.environ.get("CDK_FUNCTION_NAME", "tickets"))
    listing = api.root.add_resource("tickets")
    listing.add_method("GET", apigateway.LambdaIntegration(handler))
    listing.add_method("POST", apigateway.LambdaIntegration(handler))
    one = listing.add_resource("{id}")
    one.add_method("GET", apigateway.LambdaIntegration(handler))
    one.add_method("PATCH", apigateway.LambdaIntegration(handler))
    # The team's own deployment, made before the CORS is applied.
    deployment = apigateway.Deployment(stack, "Deployment", api=api)
    apigateway.Stage(stack, "Stage", deployment=deployment, stage_name=tickets.policy_for(environment).stage)
    tickets.apply_cors_policy(api, environment=environment)
    cdk.CfnOutput(stack, "RestApiId", value=api.rest_api_id)
elif SCENARIO == "own-methods":
    api = library_with_own_methods(stack)
    cdk.CfnOutput(stack, "RestApiId", value=api.rest_api_id)
elif SCENARIO == "two-apis":
    plain_library(stack, "Public")
    plain_library(stack, "Internal")
elif SCENARIO == "nested":
    plain_library(cdk.NestedStack(stack, "Nested"), "Library")
elif SCENARIO == "lambda-rest-api":
    api = apigateway.LambdaRestApi(stack, "Library", handler=function_named(stack, "Handler", "books"), proxy=False,
                                   cloud_watch_role=False, deploy_options=apigateway.StageOptions(stage_name="v1"))
    api.root.add_resource("books").add_method("GET")
    library.apply_cors_policy(api, {"cognito": cognito_authorizer(api)})
elif SCENARIO == "lambda-proxy":
    api = apigateway.LambdaRestApi(stack, "Library", handler=function_named(stack, "Handler", "books"),
                                   cloud_watch_role=False)
    library.apply_cors_policy(api, {"cognito": cognito_authorizer(api)})
elif SCENARIO == "twice":
    api = plain_library(stack, "Library")
    library.apply_cors_policy(api, {"cognito": cognito_authorizer(stack)})
elif SCENARIO == "default-cors":
    api = apigateway.RestApi(stack, "Library", cloud_watch_role=False,
                             default_cors_preflight_options=apigateway.CorsOptions(
                                 allow_origins=["https://books.example.org"]))
    api.root.add_resource("books").add_method("GET")
    library.apply_cors_policy(api, {"cognito": cognito_authorizer(api)})
elif SCENARIO == "spec":
    api = apigateway.SpecRestApi(
        stack, "Library", cloud_watch_role=False,
        api_definition=apigateway.ApiDefinition.from_inline({
            "openapi": "3.0.1",
            "info": {"title": "library", "version": "1"},
            "paths": {"/books": {"get": {"x-amazon-apigateway-integration": {"type": "mock"}}}},
        }),
    )
    library.apply_cors_policy(api, {"cognito": cognito_authorizer(api)})
else:
    raise ValueError(f"unknown CDK_SCENARIO {SCENARIO!r}")
app.synth()
