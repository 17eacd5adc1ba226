"""Reads a deployed REST API's configuration back and judges it.

LocalStack stores gateway responses but does not send their headers, and it
accepts mapping expressions AWS rejects (scripts/localstack/README.md): both
are read back through the API Gateway API and checked here instead.
"""

import re

from .aws import client


def deployed_gateway_responses(endpoint, api_id, from_template=None, configured_only=False):
    """{response type: responseParameters} of the API, or of the translated
    SAM template FROM_TEMPLATE (a dict): SAM writes GatewayResponses into the
    API definition as x-amazon-apigateway-gateway-responses, which
    LocalStack's OpenAPI import drops, so they are read from the SAM
    translator's output instead. configured_only leaves out the types the API
    lists only by default."""
    if from_template is not None:
        resources = from_template["Resources"]
        body = next(r["Properties"]["Body"] for r in resources.values() if r["Type"] == "AWS::ApiGateway::RestApi")
        ext = body.get("x-amazon-apigateway-gateway-responses", {})
        return {t: g.get("responseParameters") or {} for t, g in ext.items()}
    items = client(endpoint, "apigateway").get_gateway_responses(restApiId=api_id, limit=500).get("items", [])
    return {i["responseType"]: i.get("responseParameters") or {}
            for i in items if not (configured_only and i.get("defaultResponse", False))}


def gateway_response_problems(endpoint, api_id, expected, from_template=None):
    """(types matched, problems): each expected type's responseParameters
    compared exactly with what is deployed: no key missing, none extra, every
    value equal. (Types the policy does not list are not compared: LocalStack,
    like API Gateway, lists every type, and the unconfigured ones inherit
    DEFAULT_4XX's or DEFAULT_5XX's parameters.)"""
    deployed = deployed_gateway_responses(endpoint, api_id, from_template)
    matched, problems = 0, []
    for rtype, want in expected.items():
        if rtype not in deployed:
            problems.append(f"gateway response {rtype}: not deployed")
            continue
        got = deployed[rtype]
        differ = []
        for key in sorted(set(want) | set(got)):
            if got.get(key) != want.get(key):
                shown_got = "absent" if key not in got else repr(got[key])
                shown_want = "absent" if key not in want else repr(want[key])
                differ.append(f"{key}: got {shown_got}, want {shown_want}")
        if differ:
            problems.append(f"gateway response {rtype}: " + "; ".join(differ))
        else:
            matched += 1
    return matched, problems


# What API Gateway accepts as a response parameter mapping, from "Parameter
# mapping source reference for REST APIs" and "Set up gateway responses"
# (docs.aws.amazon.com/apigateway/latest/developerguide/
# rest-api-parameter-mapping-sources.html, api-gateway-gatewayResponse-definition.html).
# AWS rejects anything else at deploy time ("Invalid mapping expression
# specified"); LocalStack stores it as it is, so the localstack check applies
# these rules to what it reads back.
STATIC = re.compile(r"^'[^']*'$")  # a string literal in single quotes
NAME = r"[a-zA-Z0-9._$-]+"
INTEGRATION_RESPONSE_SOURCE = re.compile(
    rf"^(integration\.response\.(header|multivalueheader)\.{NAME}"
    rf"|integration\.response\.body(\.{NAME})?"
    rf"|stageVariables\.{NAME}|context\.{NAME})$")
GATEWAY_RESPONSE_SOURCE = re.compile(
    rf"^(method\.request\.(header|multivalueheader|querystring|multivaluequerystring|path)\.{NAME}"
    rf"|stageVariables\.{NAME}|context\.{NAME})$")
METHOD_RESPONSE_KEY = re.compile(rf"^method\.response\.header\.{NAME}$")
GATEWAY_RESPONSE_KEY = re.compile(rf"^gatewayresponse\.(header|querystring|path)\.{NAME}$")


def mapping_problems(key, value, key_pattern, source_pattern):
    """Why API Gateway would reject the mapping key = value, or None."""
    if not key_pattern.match(key):
        return f"{key}: not a valid mapping key"
    if not isinstance(value, str) or not (STATIC.match(value) or source_pattern.match(value)):
        return f"{key} = {value}: invalid mapping expression; a static value goes in single quotes: '{value}'"
    return None


def deployed_methods(apigw, api_id):
    """(path, verb, method) for every method of the API, with its responses."""
    pages = apigw.get_paginator("get_resources").paginate(restApiId=api_id, embed=["methods"])
    for page in pages:
        for resource in page["items"]:
            for verb in sorted(resource.get("resourceMethods", {})):
                yield resource["path"], verb, apigw.get_method(
                    restApiId=api_id, resourceId=resource["id"], httpMethod=verb)


def mapping_expression_problems(endpoint, api_id, from_template=None):
    """(mappings checked, problems): every method's integration responses and
    the configured gateway responses, by the rules API Gateway enforces when it
    deploys (LocalStack does not): each mapping key is valid, each value is a
    static value in single quotes or a valid source expression, and each
    integration response header is declared by its method response."""
    apigw = client(endpoint, "apigateway")
    checked, problems = 0, []

    def check(where, params, key_pattern, source_pattern):
        nonlocal checked
        for key, value in sorted((params or {}).items()):
            checked += 1
            problem = mapping_problems(key, value, key_pattern, source_pattern)
            if problem:
                problems.append(f"{where}: {problem}")

    for path, verb, method in deployed_methods(apigw, api_id):
        declared = {code: set((r.get("responseParameters") or {}))
                    for code, r in (method.get("methodResponses") or {}).items()}
        integration = method.get("methodIntegration") or {}
        for code, response in sorted((integration.get("integrationResponses") or {}).items()):
            where = f"{verb} {path} integration response {code}"
            params = response.get("responseParameters") or {}
            check(where, params, METHOD_RESPONSE_KEY, INTEGRATION_RESPONSE_SOURCE)
            # API Gateway also rejects a mapped header the method response
            # (same status code) does not declare.
            for key in sorted(params):
                if key not in declared.get(code, set()):
                    problems.append(f"{where}: {key} is not declared by the method response {code}")
    for rtype, params in sorted(deployed_gateway_responses(endpoint, api_id, from_template, True).items()):
        check(f"gateway response {rtype}", params, GATEWAY_RESPONSE_KEY, GATEWAY_RESPONSE_SOURCE)
    return checked, problems
