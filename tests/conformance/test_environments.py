"""The REST golden with [environments] and three backends (golden/rest-environments)
applied by Terraform into LocalStack with environment dev, then re-applied over
the same state with environment prod (docs/book/src/background/design.md "Environments"). After each
apply:
- real preflights and MOCK requests answer that environment's origins (and its
  max age and stage) and refuse the other environment's origins, judged against
  policy.toml with the environment's overrides applied (expectations.py);
- `corsform probe --env NAME` agrees with the deployment;
- every method's integration, read back with boto3 get_integration, points at
  its own backend: each backend gets a distinct function ARN or URL here, so a
  route wired to the wrong backend cannot pass.
"""

import json

import pytest

from corsform_conformance import aws, checks, expectations, tally, tools
from corsform_conformance.deploy import NotDeployable

CASE = tools.REPO / "golden" / "rest-environments"
POLICY = expectations.load_policy(CASE / "policy.toml")


def function_arn(backend):
    return f"arn:aws:lambda:{aws.REGION}:{aws.ACCOUNT}:function:corsform-{backend}"


def backend_url(backend):
    # The discard port (nothing answers); the base path names the backend.
    return f"http://127.0.0.1:9/{backend}"


def variables():
    """A distinct value for every backend's Terraform variable."""
    out = {}
    for name, backend in POLICY["backends"].items():
        if backend["type"] == "lambda":
            out[f"backend_{name}_invoke_arn"] = json.dumps(aws.invoke_arn(function_arn(name)))
        else:
            out[f"backend_{name}_url"] = json.dumps(backend_url(name))
    return out


def expected_integrations():
    """{(path, method): (integration type, uri or None)} from policy.toml."""
    out = {}
    for route in POLICY["routes"]:
        for method in route["methods"]:
            name = route.get("backend")
            if route.get("integration") == "mock":
                out[(route["path"], method)] = ("MOCK", None)
            elif POLICY["backends"][name]["type"] == "lambda":
                out[(route["path"], method)] = ("AWS_PROXY", aws.invoke_arn(function_arn(name)))
            else:
                # API Gateway's path parameter is named without the `+` of a greedy one.
                out[(route["path"], method)] = ("HTTP_PROXY", backend_url(name) + route["path"].replace("+}", "}"))
    return out


def integration_problems(endpoint, api_id):
    apigw = aws.client(endpoint, "apigateway")
    ids = {r["path"]: r["id"] for r in apigw.get_resources(restApiId=api_id, limit=500)["items"]}
    problems = []
    for (path, method), (kind, uri) in expected_integrations().items():
        if path not in ids:
            problems.append(f"{method} {path}: no such resource in the deployed API")
            continue
        got = apigw.get_integration(restApiId=api_id, resourceId=ids[path], httpMethod=method)
        if got.get("type") != kind or (uri is not None and got.get("uri") != uri):
            problems.append(f"{method} {path}: integration {got.get('type')} {got.get('uri')}, want {kind} {uri}")
    tally.add(integrations=len(expected_integrations()))
    return problems


def other_origins(name):
    """The origins the other environments allow and NAME does not."""
    own = set(expectations.with_environment(POLICY, name)["cors"]["allow_origins"])
    return sorted({o for other in expectations.environment_names(POLICY) if other != name
                   for o in expectations.with_environment(POLICY, other)["cors"]["allow_origins"]} - own)


@pytest.mark.tool("localstack environments")
def test_dev_then_prod_over_one_state(deployer, localstack, corsform):
    names = expectations.environment_names(POLICY)
    assert names == ["dev", "prod"], names
    state = None
    first_api = None
    for name in names:
        refused = other_origins(name)
        assert refused, f"environment {name} refuses none of the other environments' origins: nothing to prove"
        try:
            d = deployer.deploy(CASE, "terraform", f"environments-{name}", extra_origins=refused, state=state,
                                environment=name, variables=variables())
        except NotDeployable as e:
            tools.unavailable("terraform deployment", str(e))
        except aws.DeployError as e:
            pytest.fail(f"terraform apply of golden/rest-environments with environment {name} failed: {e}",
                        pytrace=False)
        state = d.state
        first_api = first_api or d.api_id
        assert d.api_id == first_api, f"switching to {name} made a new API ({d.api_id}), not an update of {first_api}"
        assert d.stage == expectations.with_environment(POLICY, name)["api"].get("stage", "prod")
        # The cases send the other environment's origins too, and expect them refused.
        for origin in refused:
            sent = [c for c in d.expected.cases if c.get("origin") == origin]
            assert sent and all(c["expect"][expectations.H_ORIGIN] != origin for c in sent), origin
        problems = (checks.headers(localstack, d) + checks.corsform_probe(localstack, d, corsform)
                    + integration_problems(localstack.endpoint, d.api_id))
        assert not problems, f"environment {name}:\n" + "\n".join(problems)
