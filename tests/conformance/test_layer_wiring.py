"""The REST CORS layer's outputs, wired into a team's own MOCK methods (issue 27).

A Terraform module cannot change the team's method and integration
responses, so for the team's non-proxy methods the `scope = "cors"` layer
outputs their CORS headers by policy path (method_response_parameters,
actual_response_parameters, actual_response_templates) and its README says
how to wire them in. This test does what the README says, on a team's API
written by hand (tests/conformance/layer_wiring/*/api.tf):

- each policy of the folder is built with `corsform build --target
  terraform` into ./cors;
- the wiring of the policy's first MOCK method is taken from the generated
  README's "Your own non-proxy methods" section, exactly as printed, into
  wiring.tf (api.tf wires the other MOCK methods by hand, the same way);
- everything is applied to LocalStack with one `terraform apply`;
- a real GET is sent to every MOCK route from every origin worth trying
  (expectations.py, from the policy alone: allowed exact origins, a
  pattern-matched one, lookalikes, null, none): an allowed origin gets its
  own Access-Control-Allow-Origin and the policy's Allow-Credentials,
  Expose-Headers and Vary; a refused one never gets its own origin back
  (only the static first origin, which its browser rejects); and the team's
  own body and headers are still there beside the layer's.
"""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from corsform_conformance import aws, expectations, http_cases, tally, terraform, tools

WIRING = Path(__file__).resolve().parent / "layer_wiring"
CASES = sorted((d.name, p.name) for d in WIRING.iterdir() if d.is_dir()
               for p in d.glob("policy*.toml")) if WIRING.is_dir() else []
OUTPUTS = ("method_response_parameters", "actual_response_parameters", "actual_response_templates")
# The bodies the team's templates write after the origin check: the README's
# snippet for GET /, api.tf's own for GET /health.
BODIES = {"/": {"ok": True}, "/health": {"status": "ok"}}
H_ORIGIN = expectations.H_ORIGIN


def provider_tf(endpoint):
    endpoints = "".join(f"    {s} = {terraform.hcl_string(endpoint)}\n" for s in ("apigateway", "iam", "lambda", "sts"))
    return f'''provider "aws" {{
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  skip_region_validation      = true

  endpoints {{
{endpoints}  }}
}}
'''


def readme_wiring(readme):
    """The ```hcl block of README's "Your own non-proxy methods" section."""
    text = readme.read_text(encoding="utf-8")
    assert "\n## Your own non-proxy methods\n" in text, f"{readme}: no wiring section"
    section = text.split("\n## Your own non-proxy methods\n", 1)[1].split("\n## ", 1)[0]
    start = section.index("```hcl\n") + len("```hcl\n")
    return section[start:section.index("```", start)]


@pytest.fixture(scope="module", params=CASES, ids=[f"{d}_{p[:-5]}".replace("-", "_") for d, p in CASES])
def wired(request, localstack, tf, corsform, work):
    """(policy, api id, stage) of one folder applied with one of its policies."""
    if not tf.can_apply:
        tools.unavailable("terraform apply", tf.reason)
    folder, policy_name = request.param
    root = Path(tempfile.mkdtemp(dir=work, prefix=f"wiring-{folder}-"))
    shutil.copy(WIRING / folder / "api.tf", root / "api.tf")
    shutil.copy(WIRING / folder / policy_name, root / "policy.toml")
    out = root.parent / f"{root.name}-build"
    built = subprocess.run([corsform, "build", str(root / "policy.toml"), "--target", "terraform", "--out", str(out)],
                           capture_output=True, text=True, check=False)
    assert built.returncode == 0, f"corsform build failed:\n{built.stdout}{built.stderr}"
    (module,) = out.glob("*/terraform")
    shutil.copytree(module, root / "cors")
    wiring = readme_wiring(module / "README.md")
    for name in OUTPUTS:
        assert f"module.api.{name}[" in wiring, f"the README's wiring does not use {name}:\n{wiring}"
    (root / "wiring.tf").write_text(wiring, encoding="utf-8")
    (root / "provider.tf").write_text(provider_tf(localstack.endpoint), encoding="utf-8")
    values = {v: aws.tf_value(v) for v in terraform.required_variables(root)}
    assert None not in values.values(), f"no placeholder value for {values}"
    (root / "placeholders.auto.tfvars").write_text("".join(f"{k} = {v}\n" for k, v in values.items()),
                                                   encoding="utf-8")
    try:
        terraform.apply(tf, root)
    except aws.DeployError as e:
        pytest.fail(f"terraform apply of {root} (team API + layer + README wiring) failed: {e}", pytrace=False)
    tally.add(deployments=1)
    policy = expectations.load_policy(root / "policy.toml")
    return policy, terraform.output(tf, root, "rest_api_id"), terraform.output(tf, root, "stage_name")


def mock_cases(policy):
    """expectations.py's actual-request cases: every MOCK route, every origin to try."""
    cases = [c for c in expectations.expect(policy).cases if c["method"] != "OPTIONS"]
    assert cases, "the policy has no MOCK route to check"
    return cases


@pytest.mark.tool("layer wiring")
def test_mock_methods_answer_with_the_policys_headers(wired, localstack):
    policy, api_id, stage = wired
    cases = mock_cases(policy)
    passed, problems = http_cases.run_cases(localstack.endpoint, api_id, stage, cases)
    tally.add(requests=len(cases), requests_passed=passed)
    assert not problems, "\n".join(problems)


@pytest.mark.tool("layer wiring")
def test_each_origin_gets_its_own_or_none_and_the_body_stays(wired, localstack):
    """Said directly, not through expectations.py: an allowed origin
    (a pattern-matched one included) is echoed, a refused one never is, and
    the team's body and own header come through the origin check."""
    policy, api_id, stage = wired
    origins = expectations.Origins(policy["cors"]["allow_origins"])
    problems, echoed, refused = [], 0, 0
    for case in mock_cases(policy):
        origin = case.get("origin")
        result = http_cases.probe.send(localstack.endpoint, {"api_id": api_id, "stage": stage, **case})
        got = http_cases.probe.header_value(result["headers"], H_ORIGIN)
        where = f"{case['method']} {case['path']} from {origin}"
        if origin is not None and origins.matches(origin):
            echoed += 1
            if got != origin:
                problems.append(f"{where}: allowed, but Allow-Origin is {got!r}")
        elif origin is not None:
            refused += 1
            if got == origin:
                problems.append(f"{where}: refused, but Allow-Origin grants it")
        path = "/" if case["path"] == "/" else case["path"].rstrip("/")
        try:
            body = json.loads(result["body"])
        except ValueError:
            body = result["body"]
        if body != BODIES.get(path):
            problems.append(f"{where}: body {result['body']!r}, want the team's {BODIES.get(path)!r}")
        if path == "/health" and http_cases.probe.header_value(result["headers"], "Cache-Control") != "no-store":
            problems.append(f"{where}: the team's own Cache-Control header is gone")
    assert echoed and refused, f"nothing to judge: {echoed} allowed, {refused} refused requests"
    if any(p for p in policy["cors"]["allow_origins"] if "://*." in p):
        assert any("://pr-7." in (c.get("origin") or "") for c in mock_cases(policy)), "no pattern origin tried"
    assert not problems, "\n".join(problems)
