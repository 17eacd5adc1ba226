"""LocalStack as AWS: clients, the placeholder functions, CloudFormation deploys.

What the LocalStack tests need from the AWS APIs that LocalStack serves
(boto3 from the conformance venv), beside terraform (terraform.py). The plain
values below stand in for the inputs a user would pass: nothing ever invokes
the functions or reaches the backend, since preflights and MOCK routes are
answered by API Gateway itself.
"""

import io
import json
import re
import time
import zipfile

REGION = "us-east-1"
ACCOUNT = "000000000000"
FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:corsform-backend"
# The existing bucket a policy's [buckets.NAME] names (every bucket input gets
# it; create_functions makes it).
BUCKET = "corsform-conformance-bucket"
AUTHORIZER_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:corsform-authorizer"
USER_POOL_ARN = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{REGION}_corsform"
BACKEND_URL = "http://127.0.0.1:9"  # discard port: preflights never reach it


def invoke_arn(function_arn):
    return f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{function_arn}/invocations"


# Terraform variables: name -> (HCL expression).
TF_VALUES = {
    "lambda_invoke_arn": json.dumps(invoke_arn(FUNCTION_ARN)),
    "authorizer_invoke_arn": json.dumps(invoke_arn(AUTHORIZER_ARN)),
    "backend_url": json.dumps(BACKEND_URL),
    "cognito_user_pool_arns": json.dumps([USER_POOL_ARN]),
}
# CloudFormation parameters: name -> value.
CFN_VALUES = {
    "LambdaFunctionArn": FUNCTION_ARN,
    "AuthorizerFunctionArn": AUTHORIZER_ARN,
    "BackendUrl": BACKEND_URL,
    "CognitoUserPoolArns": USER_POOL_ARN,
}


def tf_value(name):
    """The HCL value of a Terraform variable: a fixed one, or a named backend's
    (`backend_<name>_invoke_arn`, `backend_<name>_url`), which all share the
    placeholder function and URL: preflights and MOCK routes never reach them."""
    if name in TF_VALUES:
        return TF_VALUES[name]
    if re.fullmatch(r"backend_[a-z0-9_]+_invoke_arn", name):
        return json.dumps(invoke_arn(FUNCTION_ARN))
    if re.fullmatch(r"backend_[a-z0-9_]+_url", name):
        return json.dumps(BACKEND_URL)
    if re.fullmatch(r"bucket_[a-z0-9_]+_id", name):
        return json.dumps(BUCKET)
    if re.fullmatch(r"function_url_[a-z0-9_]+_function_name", name):
        return json.dumps(FUNCTION_ARN.rsplit(":", 1)[1])
    return None


def cfn_value(key):
    """A CloudFormation parameter's value, named backends' included."""
    if key in CFN_VALUES:
        return CFN_VALUES[key]
    if re.fullmatch(r"Backend[A-Za-z0-9]+FunctionArn", key):
        return FUNCTION_ARN
    if re.fullmatch(r"Backend[A-Za-z0-9]+Url", key):
        return BACKEND_URL
    if re.fullmatch(r"FunctionUrl[A-Za-z0-9]+Function", key):
        return FUNCTION_ARN
    return None


# Resource types LocalStack's (community) CloudFormation cannot create: it
# "deploys them as a fallback" with a made-up physical id that nothing else
# accepts.
UNSUPPORTED_TYPES = {"AWS::ApiGateway::Authorizer"}


class DeployError(Exception):
    """A deployment that did not complete; the message says why."""


def client(endpoint, service):
    import boto3

    return boto3.client(
        service, endpoint_url=endpoint, region_name=REGION,
        aws_access_key_id="test", aws_secret_access_key="test",
    )


def tf_vars(module, environment=None):
    """{name: HCL expression} for every variable of MODULE/variables.tf that
    has no default; DeployError names a required variable with no plain value.
    `environment` is ENVIRONMENT (a policy with [environments])."""
    with open(f"{module}/variables.tf", encoding="utf-8") as f:
        text = f.read()
    values, unknown = {}, []
    for m in re.finditer(r'^variable\s+"([^"]+)"\s*\{(.*?)^\}', text, re.S | re.M):
        name, body = m.group(1), m.group(2)
        if re.search(r"^\s*default\s*=", body, re.M):
            continue
        if name == "environment" and environment is not None:
            values[name] = json.dumps(environment)
        elif tf_value(name) is not None:
            values[name] = tf_value(name)
        else:
            unknown.append(name)
    if unknown:
        raise DeployError(f"no plain value for required variable(s) {unknown} (add them to TF_VALUES in {__file__})")
    return values


def create_functions(endpoint):
    """The placeholder Lambda functions the CloudFormation templates'
    AWS::Lambda::Permission resources name (LocalStack checks that they
    exist), which function URLs are made for too, and the placeholder bucket
    whose CORS a [buckets.NAME] sets. Idempotent."""
    s3 = client(endpoint, "s3")
    try:
        s3.head_bucket(Bucket=BUCKET)
    except Exception:  # noqa: BLE001 - any miss means: create it
        s3.create_bucket(Bucket=BUCKET)
    lam = client(endpoint, "lambda")
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


def release_function_url(endpoint):
    """Deletes the placeholder function's URL, if it has one: a function has
    at most one (unqualified) URL, and every deployment of a policy with
    [function_urls] makes one for it. Earlier deployments keep their API;
    only their function URL, which no check reads, goes."""
    lam = client(endpoint, "lambda")
    try:
        lam.delete_function_url_config(FunctionName=FUNCTION_ARN.rsplit(":", 1)[1])
    except lam.exceptions.ResourceNotFoundException:
        pass


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


def cfn_deploy(endpoint, stack, template, update=False, timeout=120, environment=None):
    """create_stack (update_stack) of TEMPLATE with its parameters set to the
    plain values above; waits for CREATE_COMPLETE (UPDATE_COMPLETE). Returns
    (the RestApiId output, notes on what adapt_template changed)."""
    cf = client(endpoint, "cloudformation")
    with open(template, encoding="utf-8") as f:
        text = f.read()
    body, notes = adapt_template(text)
    declared = cf.validate_template(TemplateBody=body).get("Parameters", [])
    params = []
    for p in declared:
        key = p["ParameterKey"]
        if key == "Environment" and environment is not None:
            params.append({"ParameterKey": key, "ParameterValue": environment})
        elif cfn_value(key) is not None:
            params.append({"ParameterKey": key, "ParameterValue": cfn_value(key)})
        elif "DefaultValue" not in p:
            raise DeployError(f"no plain value for parameter {key!r} (add it to CFN_VALUES in {__file__})")
    call = cf.update_stack if update else cf.create_stack
    # AUTO_EXPAND lets SAM templates through (the stack runs the SAM transform).
    call(StackName=stack, TemplateBody=body, Parameters=params,
         Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"])
    want = "UPDATE_COMPLETE" if update else "CREATE_COMPLETE"
    deadline = time.monotonic() + timeout
    while True:
        described = cf.describe_stacks(StackName=stack)["Stacks"][0]
        status = described["StackStatus"]
        if not status.endswith("_IN_PROGRESS"):
            break
        if time.monotonic() > deadline:
            raise DeployError(f"{stack} still {status} after {timeout} s")
        time.sleep(0.2)
    if status != want:
        reasons = [f"  {e['LogicalResourceId']} {e['ResourceStatus']}: {e['ResourceStatusReason']}"
                   for e in cf.describe_stack_events(StackName=stack)["StackEvents"]
                   if e.get("ResourceStatusReason")]
        raise DeployError("\n".join([f"{stack} ended {status}, want {want}"] + reasons))
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}
    if "RestApiId" not in outputs:
        raise DeployError(f"{stack} has no RestApiId output: {outputs}")
    return outputs["RestApiId"], notes


def cfn_deployments(endpoint, stack):
    """The logical IDs of the stack's AWS::ApiGateway::Deployment resources
    (corsform's carries a content hash)."""
    cf = client(endpoint, "cloudformation")
    return sorted(r["LogicalResourceId"] for r in cf.describe_stack_resources(StackName=stack)["StackResources"]
                  if r["ResourceType"] == "AWS::ApiGateway::Deployment")
