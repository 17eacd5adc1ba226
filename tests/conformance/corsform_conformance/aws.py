#!/usr/bin/env python3
"""LocalStack helpers for scripts/conformance (the localstack check).

Run with the LocalStack venv's Python (scripts/localstack/env.sh, ls_install),
which has boto3 and PyYAML; tf-vars needs only the standard library.

  localstack_api.py tf-vars MODULE_DIR
      The ls_wrap_module arguments (name=value / name:=hcl) for every variable
      of MODULE_DIR/variables.tf that has no default, one per line, from the
      plain values below; fails on a required variable it does not know.
  localstack_api.py functions
      Creates the placeholder Lambda functions the CloudFormation templates'
      AWS::Lambda::Permission resources name (LocalStack checks that they
      exist; nothing ever invokes them: preflights and MOCK routes are answered
      by API Gateway). Idempotent.
  localstack_api.py cfn-deploy --stack NAME --template FILE [--update]
      create_stack (or update_stack) with the template's parameters set to the
      plain values below, waits for CREATE_COMPLETE (UPDATE_COMPLETE), prints
      the RestApiId output. Notes about adaptations go to stderr, prefixed
      "NOTE".
  localstack_api.py gateway-responses --api-id ID --expect GR.json
      Reads the API's gateway responses back (get_gateway_responses) and
      compares each expected type's responseParameters with GR.json (from
      rest_expectations.py), exactly: no key missing, none extra, every value
      equal. (Types the policy does not list are not compared: LocalStack,
      like API Gateway, lists every type, and the unconfigured ones inherit
      DEFAULT_4XX's or DEFAULT_5XX's parameters.) One line per type (ok/FAIL),
      then "N matched, M differ"; exit 1 on any difference.
  localstack_api.py mapping-expressions --api-id ID [--from-template T.json]
      Reads back every method's integration responses and the configured
      gateway responses and applies the rules API Gateway enforces when it
      deploys (LocalStack does not): each mapping key is valid, each value is
      a static value in single quotes or a valid source expression, and each
      integration response header is declared by its method response. One
      FAIL line per problem, then "N valid, M invalid"; exit 1 if any.
  localstack_api.py probe-summary REPORT.json
      Reads `corsform probe --format json` run against a LocalStack
      deployment and keeps the checks LocalStack answers as API Gateway does
      (preflights, MOCK routes): one FAIL line per difference, then "N agree,
      M differ, K not comparable in LocalStack"; exit 1 on any difference or
      when nothing was comparable.

  localstack_api.py cfn-deployments --stack NAME
      The logical IDs of the stack's AWS::ApiGateway::Deployment resources,
      one per line (corsform's carries a content hash).
  localstack_api.py change-origin POLICY OUT NEW_ORIGIN
      Writes POLICY to OUT with the first entry of [cors].allow_origins
      replaced by NEW_ORIGIN (the redeploy proof); prints "<api name> <old
      origin>". Standard library only.

LocalStack answers at LS_ENDPOINT (default http://127.0.0.1:4566).
"""

import argparse
import io
import json
import os
import re
import sys
import time
import zipfile

ENDPOINT = os.environ.get("LS_ENDPOINT", "http://127.0.0.1:4566")
REGION = "us-east-1"
ACCOUNT = "000000000000"
FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:corsform-backend"
AUTHORIZER_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:corsform-authorizer"
USER_POOL_ARN = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{REGION}_corsform"
BACKEND_URL = "http://127.0.0.1:9"  # discard port: preflights never reach it


def invoke_arn(function_arn):
    return f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{function_arn}/invocations"


# Terraform variables: name -> ls_wrap_module argument.
TF_VALUES = {
    "lambda_invoke_arn": f"lambda_invoke_arn={invoke_arn(FUNCTION_ARN)}",
    "authorizer_invoke_arn": f"authorizer_invoke_arn={invoke_arn(AUTHORIZER_ARN)}",
    "backend_url": f"backend_url={BACKEND_URL}",
    "cognito_user_pool_arns": f'cognito_user_pool_arns:=["{USER_POOL_ARN}"]',
}
# CloudFormation parameters: name -> value.
CFN_VALUES = {
    "LambdaFunctionArn": FUNCTION_ARN,
    "AuthorizerFunctionArn": AUTHORIZER_ARN,
    "BackendUrl": BACKEND_URL,
    "CognitoUserPoolArns": USER_POOL_ARN,
}
# Resource types LocalStack's (community) CloudFormation cannot create: it
# "deploys them as a fallback" with a made-up physical id that nothing else
# accepts.
UNSUPPORTED_TYPES = {"AWS::ApiGateway::Authorizer"}


def client(service):
    import boto3  # the LocalStack venv has it

    return boto3.client(
        service, endpoint_url=ENDPOINT, region_name=REGION,
        aws_access_key_id="test", aws_secret_access_key="test",
    )


# ---------------------------------------------------------------- tf-vars ---

def tf_vars(args):
    with open(os.path.join(args.module, "variables.tf"), encoding="utf-8") as f:
        text = f.read()
    status = 0
    for m in re.finditer(r'^variable\s+"([^"]+)"\s*\{(.*?)^\}', text, re.S | re.M):
        name, body = m.group(1), m.group(2)
        if re.search(r"^\s*default\s*=", body, re.M):
            continue
        if name not in TF_VALUES:
            print(f"tf-vars: no plain value for required variable {name!r} "
                  f"(add it to TF_VALUES in {sys.argv[0]})", file=sys.stderr)
            status = 1
            continue
        print(TF_VALUES[name])
    return status


# -------------------------------------------------------------- functions ---

def functions(_args):
    lam = client("lambda")
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return {}\n")
    for arn in (FUNCTION_ARN, AUTHORIZER_ARN):
        name = arn.rsplit(":", 1)[1]
        try:
            lam.get_function(FunctionName=name)
            continue
        except lam.exceptions.ResourceNotFoundException:
            pass
        lam.create_function(
            FunctionName=name, Runtime="python3.11", Handler="index.handler",
            Role=f"arn:aws:iam::{ACCOUNT}:role/corsform-placeholder", Code={"ZipFile": code.getvalue()},
        )
    return 0


# ------------------------------------------------------------- cfn-deploy ---

def mentions(node, names):
    """The names of `names` that node refers to (Ref, Fn::GetAtt, ${X} in Fn::Sub)."""
    found = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and value in names:
                found.add(value)
            elif key == "Fn::GetAtt":
                target = value[0] if isinstance(value, list) else str(value).split(".")[0]
                if target in names:
                    found.add(target)
            elif key == "Fn::Sub":
                text = value[0] if isinstance(value, list) else value
                found |= {n for n in re.findall(r"\$\{([^}.!]+)", str(text)) if n in names}
            found |= mentions(value, names)
    elif isinstance(node, list):
        for item in node:
            found |= mentions(item, names)
    return found


def adapt_template(text):
    """The template LocalStack can deploy, and notes on what was changed.

    Only AWS::ApiGateway::Authorizer needs it today: the authorizers are left
    out, the methods that used them get AuthorizationType NONE, and other
    resources that refer to them (the authorizer's Lambda permission) are left
    out. Every CORS part (OPTIONS methods, MOCK integrations, their responses,
    gateway responses, deployment, stage) is deployed as written.
    """
    if not any(f"Type: {t}" in text for t in UNSUPPORTED_TYPES):
        return text, []
    import yaml  # the LocalStack venv has it; corsform writes no short-form tags

    template = yaml.safe_load(text)
    resources = template["Resources"]
    dropped = {name for name, r in resources.items() if r.get("Type") in UNSUPPORTED_TYPES}
    notes = [f"LocalStack's CloudFormation cannot create {', '.join(sorted(UNSUPPORTED_TYPES))}: "
             f"left out {', '.join(sorted(dropped))}"]
    opened, also_dropped = [], []
    for name in list(resources):
        r = resources[name]
        if name in dropped:
            continue
        props = r.get("Properties", {})
        if r.get("Type") == "AWS::ApiGateway::Method" and mentions(props.get("AuthorizerId"), dropped):
            props.pop("AuthorizerId")
            props["AuthorizationType"] = "NONE"
            opened.append(name)
        if mentions(r, dropped):
            also_dropped.append(name)
        elif isinstance(r.get("DependsOn"), list):
            r["DependsOn"] = [d for d in r["DependsOn"] if d not in dropped]
    for name in dropped | set(also_dropped):
        del resources[name]
    if opened:
        notes.append(f"AuthorizationType NONE on {', '.join(opened)}")
    if also_dropped:
        notes.append(f"left out {', '.join(also_dropped)} (refers to them)")
    return json.dumps(template), notes


def cfn_deploy(args):
    cf = client("cloudformation")
    with open(args.template, encoding="utf-8") as f:
        text = f.read()
    body, notes = adapt_template(text)
    for note in notes:
        print(f"NOTE {note}", file=sys.stderr)
    declared = cf.validate_template(TemplateBody=body).get("Parameters", [])
    params = []
    for p in declared:
        key = p["ParameterKey"]
        if key in CFN_VALUES:
            params.append({"ParameterKey": key, "ParameterValue": CFN_VALUES[key]})
        elif "DefaultValue" not in p:
            print(f"cfn-deploy: no plain value for parameter {key!r} (add it to CFN_VALUES)", file=sys.stderr)
            return 1
    call = cf.update_stack if args.update else cf.create_stack
    # AUTO_EXPAND lets SAM templates through (the stack runs the SAM transform).
    call(StackName=args.stack, TemplateBody=body, Parameters=params,
         Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"])
    want = "UPDATE_COMPLETE" if args.update else "CREATE_COMPLETE"
    deadline = time.monotonic() + args.timeout
    while True:
        stack = cf.describe_stacks(StackName=args.stack)["Stacks"][0]
        status = stack["StackStatus"]
        if not status.endswith("_IN_PROGRESS"):
            break
        if time.monotonic() > deadline:
            print(f"cfn-deploy: {args.stack} still {status} after {args.timeout} s", file=sys.stderr)
            return 1
        time.sleep(0.2)
    if status != want:
        print(f"cfn-deploy: {args.stack} ended {status}, want {want}", file=sys.stderr)
        for e in cf.describe_stack_events(StackName=args.stack)["StackEvents"]:
            if e.get("ResourceStatusReason"):
                print(f"  {e['LogicalResourceId']} {e['ResourceStatus']}: {e['ResourceStatusReason']}",
                      file=sys.stderr)
        return 1
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    if "RestApiId" not in outputs:
        print(f"cfn-deploy: {args.stack} has no RestApiId output: {outputs}", file=sys.stderr)
        return 1
    print(outputs["RestApiId"])
    return 0


# ------------------------------------------------------ gateway-responses ---

def deployed_gateway_responses(args, configured_only=False):
    """{response type: responseParameters} of the API (args.api_id), or of
    the translated SAM template (args.from_template): SAM writes
    GatewayResponses into the API definition as
    x-amazon-apigateway-gateway-responses, which LocalStack's OpenAPI import
    drops, so they are read from the SAM translator's output instead.
    configured_only leaves out the types the API lists only by default."""
    if args.from_template:
        with open(args.from_template, encoding="utf-8") as f:
            resources = json.load(f)["Resources"]
        body = next(r["Properties"]["Body"] for r in resources.values() if r["Type"] == "AWS::ApiGateway::RestApi")
        ext = body.get("x-amazon-apigateway-gateway-responses", {})
        return {t: g.get("responseParameters") or {} for t, g in ext.items()}
    items = client("apigateway").get_gateway_responses(restApiId=args.api_id, limit=500).get("items", [])
    return {i["responseType"]: i.get("responseParameters") or {}
            for i in items if not (configured_only and i.get("defaultResponse", False))}


def gateway_responses(args):
    with open(args.expect, encoding="utf-8") as f:
        expected = json.load(f)["types"]
    deployed = deployed_gateway_responses(args)
    matched = differ = 0
    for rtype, want in expected.items():
        if rtype not in deployed:
            print(f"FAIL gateway response {rtype}: not deployed")
            differ += 1
            continue
        got = deployed[rtype]
        problems = []
        for key in sorted(set(want) | set(got)):
            if got.get(key) != want.get(key):
                shown_got = "absent" if key not in got else repr(got[key])
                shown_want = "absent" if key not in want else repr(want[key])
                problems.append(f"{key}: got {shown_got}, want {shown_want}")
        if problems:
            print(f"FAIL gateway response {rtype}: " + "; ".join(problems))
            differ += 1
        else:
            print(f"ok   gateway response {rtype}")
            matched += 1
    print(f"{matched} matched, {differ} differ")
    return 1 if differ else 0


# ---------------------------------------------------- mapping-expressions ---

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


def mapping_expressions(args):
    apigw = client("apigateway")
    checked = invalid = 0

    def check(where, params, key_pattern, source_pattern):
        nonlocal checked, invalid
        for key, value in sorted((params or {}).items()):
            checked += 1
            problem = mapping_problems(key, value, key_pattern, source_pattern)
            if problem:
                invalid += 1
                print(f"FAIL {where}: {problem}")

    for path, verb, method in deployed_methods(apigw, args.api_id):
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
                    invalid += 1
                    print(f"FAIL {where}: {key} is not declared by the method response {code}")
    for rtype, params in sorted(deployed_gateway_responses(args, configured_only=True).items()):
        check(f"gateway response {rtype}", params, GATEWAY_RESPONSE_KEY, GATEWAY_RESPONSE_SOURCE)
    print(f"{checked - invalid} valid, {invalid} invalid")
    return 1 if invalid else 0


# ---------------------------------------------------------- probe-summary ---

def probe_summary(args):
    """What `corsform probe --format json` found, limited to what LocalStack
    answers as API Gateway does: preflights (MOCK OPTIONS) and actual requests
    to MOCK routes. Not comparable here: proxy routes (their CORS headers come
    from the backend, a placeholder function without corsform's helper),
    requests refused by an authorizer and unrouted paths (both answered with
    gateway responses, which LocalStack stores but does not apply)."""
    with open(args.report, encoding="utf-8") as f:
        report = json.load(f)
    comparable = ok = 0
    skipped = 0
    for check in report["checks"]:
        by_gateway = "MOCK" in check.get("compared_with", "")
        if check["kind"] == "no_route" or check.get("authorizer_refused") or not by_gateway:
            skipped += 1
            continue
        comparable += 1
        if check["ok"]:
            ok += 1
            continue
        origin = check["origin"]["value"]
        problems = "; ".join(
            f"{d.get('header')}: got {d.get('got')!r}, want {d.get('want')!r}" for d in check.get("differences", []))
        if check.get("status") != check.get("want_status") and check.get("want_status") is not None:
            problems = f"status {check.get('status')}, want {check.get('want_status')}; " + problems
        if check.get("misconfiguration"):
            problems += f" [{check['misconfiguration']}]"
        print(f"FAIL probe {check['method']} {check['path']} from {origin}: {problems}")
    if comparable == 0:
        print("FAIL probe: no check was comparable (nothing was probed)")
    print(f"{ok} agree, {comparable - ok} differ, {skipped} not comparable in LocalStack")
    return 0 if comparable and ok == comparable else 1


# -------------------------------------------------------- cfn-deployments ---

def cfn_deployments(args):
    cf = client("cloudformation")
    for r in cf.describe_stack_resources(StackName=args.stack)["StackResources"]:
        if r["ResourceType"] == "AWS::ApiGateway::Deployment":
            print(r["LogicalResourceId"])
    return 0


# ---------------------------------------------------------- change-origin ---

def change_origin(args):
    import tomllib

    with open(args.policy, "rb") as f:
        policy = tomllib.load(f)
    old = policy["cors"]["allow_origins"][0]
    with open(args.policy, encoding="utf-8") as f:
        text = f.read()
    # The first quoted occurrence is the entry in [cors] unless a comment or an
    # earlier table quotes it too: checked below, not assumed.
    changed = text.replace(f'"{old}"', f'"{args.new_origin}"', 1)
    if tomllib.loads(changed)["cors"]["allow_origins"][0] != args.new_origin:
        print(f"change-origin: could not replace {old!r} in [cors].allow_origins of {args.policy}",
              file=sys.stderr)
        return 1
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(changed)
    print(policy["api"]["name"], old)
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("tf-vars")
    s.add_argument("module")
    s.set_defaults(run=tf_vars)
    s = sub.add_parser("functions")
    s.set_defaults(run=functions)
    s = sub.add_parser("cfn-deploy")
    s.add_argument("--stack", required=True)
    s.add_argument("--template", required=True)
    s.add_argument("--update", action="store_true")
    s.add_argument("--timeout", type=float, default=120)
    s.set_defaults(run=cfn_deploy)
    s = sub.add_parser("gateway-responses")
    s.add_argument("--api-id", required=True)
    s.add_argument("--expect", required=True)
    s.add_argument("--from-template", help="a translated SAM template (JSON) to read the responses from")
    s.set_defaults(run=gateway_responses)
    s = sub.add_parser("mapping-expressions")
    s.add_argument("--api-id", required=True)
    s.add_argument("--from-template", help="a translated SAM template (JSON) to read gateway responses from")
    s.set_defaults(run=mapping_expressions)
    s = sub.add_parser("probe-summary")
    s.add_argument("report", help="the output of corsform probe --format json")
    s.set_defaults(run=probe_summary)
    s = sub.add_parser("cfn-deployments")
    s.add_argument("--stack", required=True)
    s.set_defaults(run=cfn_deployments)
    s = sub.add_parser("change-origin")
    s.add_argument("policy")
    s.add_argument("out")
    s.add_argument("new_origin")
    s.set_defaults(run=change_origin)
    args = p.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
