"""Every function URL of every golden CloudFormation template (AWS::Lambda::Url),
created in LocalStack with the template's Cors exactly as CloudFormation would
pass it (an environment's Mapping values resolved, its first environment), and
read back with get_function_url_config; what is read must be what policy.toml
says (the function URL's own keys over [cors], then the environment's), never
what the template says.

How far LocalStack goes (4.12, measured): it stores and returns a function
URL's Cors, but does not answer preflights from it. Its own gateway CORS
handler answers them first: 403 for an origin outside its allowlist, and with
DISABLE_CORS_CHECKS=1 `Access-Control-Allow-Origin: *` and every method for
any origin. So the browser-side behaviour of a function URL cannot be tested
here; this test proves the generated block deploys and holds the policy.
"""

import io
import uuid
import zipfile

import pytest
import yaml

from corsform_conformance import aws, expectations, tools

GOLDEN = tools.REPO / "golden"


def urls():
    out = []
    for template in sorted(GOLDEN.glob("*/cloudformation/template.yaml")):
        doc = yaml.safe_load(template.read_text(encoding="utf-8"))
        for name, r in doc.get("Resources", {}).items():
            if r.get("Type") == "AWS::Lambda::Url":
                out.append((template.parts[-3], name, r["Properties"]["Cors"], doc.get("Mappings", {})))
    return out


URLS = urls()


def resolve(value, mappings, environment):
    """A Cors value with Fn::FindInMap [DirectServices, Environment, key] resolved."""
    if isinstance(value, dict) and "Fn::FindInMap" in value:
        table, _, key = value["Fn::FindInMap"]
        return mappings[table][environment][key]
    return value


def expected(case, resource):
    """(environment, the Cors the policy gives resource FunctionUrl<Name>)."""
    policy = expectations.load_policy(GOLDEN / case / "policy.toml")
    envs = expectations.environment_names(policy)
    environment = envs[0] if envs else None
    if environment:
        policy = expectations.with_environment(policy, environment)
    tables = policy["function_urls"]
    name = next(n for n in tables if "FunctionUrl" + "".join(p.capitalize() for p in n.split("_")) == resource)
    entry, base = tables[name], policy["cors"]
    max_age = entry.get("max_age", base.get("max_age"))
    want = {
        "AllowCredentials": entry.get("allow_credentials", base.get("allow_credentials", False)),
        "AllowOrigins": entry.get("allow_origins", base["allow_origins"]),
        "AllowMethods": [m.upper() for m in entry["methods"]],
        "AllowHeaders": [h.lower() for h in entry.get("allow_headers", [])],
        "ExposeHeaders": [h.lower() for h in entry.get("expose_headers", [])],
        "MaxAge": expectations.max_age_seconds(max_age) if max_age is not None else 0,
    }
    return environment, want


@pytest.fixture(scope="module")
def lam(localstack):
    return aws.client(localstack.endpoint, "lambda")


@pytest.mark.tool("localstack function url")
@pytest.mark.parametrize("case,resource,cors,mappings", URLS, ids=[f"{c}-{r}" for c, r, _, _ in URLS])
def test_function_url_cors_deploys_as_the_policy_says(case, resource, cors, mappings, lam):
    environment, want = expected(case, resource)
    given = {k: resolve(v, mappings, environment) for k, v in cors.items()}
    # Mapping values are strings; CloudFormation converts them to the property's type.
    if isinstance(given.get("MaxAge"), str):
        given["MaxAge"] = int(given["MaxAge"])
    if isinstance(given.get("AllowCredentials"), str):
        given["AllowCredentials"] = given["AllowCredentials"] == "true"
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return {}\n")
    name = f"corsform-url-{uuid.uuid4().hex[:10]}"
    lam.create_function(FunctionName=name, Runtime="python3.11", Handler="index.handler",
                        Role=f"arn:aws:iam::{aws.ACCOUNT}:role/corsform-placeholder", Code={"ZipFile": code.getvalue()})
    lam.create_function_url_config(FunctionName=name, AuthType="AWS_IAM", Cors=given)
    got = lam.get_function_url_config(FunctionName=name)["Cors"]
    # An absent list is empty, absent credentials false, an absent max age 0
    # (Lambda API reference, "Cors").
    defaults = {"AllowCredentials": False, "MaxAge": 0}
    got = {k: got.get(k, defaults.get(k, [])) for k in want}
    assert got == want
