"""The adoption guide's recipe (docs/book/src/guides/adopt.md) on a team's own Terraform API (issue 26's proof).

For each folder of tests/conformance/adoption/ (a team's API written by hand,
with its own CORS), the recipe is followed as a user would: `corsform audit`,
`corsform import > corsform.toml`, `corsform lint`, `corsform build --out
infra/generated`. The imported policy ends with the wiring in comments (the
`module "cors"` block, the deployment trigger or the dynamic
cors_configuration, the hand-written resources the layer replaces); the test
does exactly what those comments say, no more, and runs `terraform plan`
offline (dummy credentials, nothing is applied).

The plan must hold the team's one API, as its own resource at the root,
and beside it only the CORS layer: no second API, no deployment or stage in
the layer, every OPTIONS method planned is the layer's, one per policy path,
and (HTTP) the team's API takes the policy's cors_configuration. A recipe that
built a second API, or left the hand-written preflights beside the layer's,
fails here.
"""

import json
import re
import shutil
import subprocess
import tempfile
import tomllib
from pathlib import Path

import pytest

from corsform_conformance import terraform, tools

ADOPTION = Path(__file__).resolve().parent / "adoption"
CASES = sorted(d.name for d in ADOPTION.iterdir() if d.is_dir()) if ADOPTION.is_dir() else []
LAYER_TYPES = {
    "aws_api_gateway_method", "aws_api_gateway_integration", "aws_api_gateway_method_response",
    "aws_api_gateway_integration_response", "aws_api_gateway_gateway_response", "aws_apigatewayv2_route",
}
PROVIDER = '''provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  skip_region_validation      = true
}
'''
VALUES = {
    "orders_invoke_arn": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                         "arn:aws:lambda:us-east-1:000000000000:function:orders/invocations",
    "tasks_invoke_arn": "arn:aws:lambda:us-east-1:000000000000:function:tasks",
    "issuer": "https://issuer.example.com",
}


def run(cmd, cwd, ok=(0,)):
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    assert out.returncode in ok, f"{' '.join(map(str, cmd))} exited {out.returncode}:\n{out.stdout}{out.stderr}"
    return out.stdout


def comment_block(policy_text):
    """The policy's trailing comment lines, without their `# `."""
    lines = policy_text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith('# scope = "cors"'))
    return [re.sub(r"^# ?", "", line) for line in lines[start:] if line.startswith("#")]


def remove_block(text, address):
    """TEXT without the `resource "type" "name" { ... }` block of ADDRESS."""
    kind, name = address.split(".")
    m = re.search(rf'^resource\s+"{kind}"\s+"{name}"\s*\{{', text, re.M)
    if not m:
        return text, False
    depth, i = 0, m.end() - 1
    while True:
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
        if depth == 0:
            return text[:m.start()] + text[i:], True


def wire(infra, policy_text):
    """Do what the imported policy's comments say: add the module block,
    remove the replaced resources, add the trigger or the dynamic block."""
    block = comment_block(policy_text)
    start = block.index('module "cors" {')
    end = block.index("}", start)
    (infra / "cors_layer.tf").write_text("\n".join(block[start:end + 1]) + "\n", encoding="utf-8")
    tfs = {p: p.read_text(encoding="utf-8") for p in infra.glob("*.tf")}
    if "The layer creates these itself; remove the hand-written ones, or the apply conflicts:" in block:
        i = block.index("The layer creates these itself; remove the hand-written ones, or the apply conflicts:")
        for address in (line.strip() for line in block[i + 1:] if line.strip()):
            hits = 0
            for p in tfs:
                tfs[p], hit = remove_block(tfs[p], address)
                hits += hit
            assert hits == 1, f"{address}: the policy says to remove it, but it is declared {hits} times"
            # References to removed resources (a trigger list, depends_on) go with them.
            for p in tfs:
                tfs[p] = re.sub(rf"^\s*{re.escape(address)}\b[^\n]*,?\n", "", tfs[p], flags=re.M)
    trigger = next((line for line in block if "module.cors.redeployment_trigger" in line), None)
    if trigger:
        deployment = re.search(r"triggers of `aws_api_gateway_deployment\.([\w-]+)`", trigger).group(1)
        for p, text in tfs.items():
            tfs[p] = re.sub(rf'(resource\s+"aws_api_gateway_deployment"\s+"{deployment}"\s*\{{.*?triggers\s*=\s*\{{)',
                            r"\1\n    cors = module.cors.redeployment_trigger", text, count=1, flags=re.S)
    if any(line.strip() == 'dynamic "cors_configuration" {' for line in block):
        i = next(i for i, line in enumerate(block) if line.strip() == 'dynamic "cors_configuration" {')
        j = max(k for k, line in enumerate(block) if line == "  }")
        dynamic = "\n".join(block[i:j + 1])
        for p, text in tfs.items():
            new, n = re.subn(r"^  cors_configuration \{.*?^  \}\n", dynamic + "\n", text, flags=re.S | re.M)
            tfs[p] = new
    for p, text in tfs.items():
        p.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("case", CASES)
def test_recipe_plans_only_the_layer(case, tf, corsform, work):
    if tf.validate_by != "terraform":
        tools.unavailable("terraform plan", tf.reason)
    root = Path(tempfile.mkdtemp(dir=work, prefix=f"adopt-{case}-"))
    infra = root / "infra"
    shutil.copytree(ADOPTION / case, infra, ignore=shutil.ignore_patterns("*.md"))
    # 1. audit  2. import (reviewed: here, read back)  3. lint, build.
    run([corsform, "audit", "infra/"], root, ok=(0, 1))
    policy_text = run([corsform, "import", "infra/"], root)
    (root / "corsform.toml").write_text(policy_text, encoding="utf-8")
    policy = tomllib.loads(policy_text)
    assert policy["api"].get("scope") == "cors", f"{case}: import wrote a whole API, not its CORS layer:\n{policy_text}"
    run([corsform, "lint", "corsform.toml"], root)
    run([corsform, "build", "corsform.toml", "--out", "infra/generated", "--target", "terraform"], root)
    wire(infra, policy_text)
    (infra / "provider.tf").write_text(PROVIDER, encoding="utf-8")
    values = {v: VALUES[v] for v in terraform.required_variables(infra)}
    (infra / "values.auto.tfvars.json").write_text(json.dumps(values), encoding="utf-8")

    for args in (["init", "-input=false", "-no-color"], ["plan", "-input=false", "-no-color", "-out=plan.bin"]):
        out = terraform.run(tf, args, cwd=infra)
        assert out.returncode == 0, f"{case}: terraform {args[0]} failed:\n{out.stdout}{out.stderr}"
    shown = terraform.run(tf, ["show", "-json", "plan.bin"], cwd=infra)
    assert shown.returncode == 0, shown.stderr
    changes = json.loads(shown.stdout)["resource_changes"]

    apis = [c for c in changes if c["type"] in ("aws_api_gateway_rest_api", "aws_apigatewayv2_api")]
    assert [c["address"] for c in apis] == [c["address"] for c in apis if "module_address" not in c], apis
    assert len(apis) == 1, f"{case}: the plan holds {len(apis)} APIs: {[c['address'] for c in apis]}"
    layer = [c for c in changes if c.get("module_address") == "module.cors"]
    assert layer, f"{case}: the plan holds no CORS layer"
    assert {c["type"] for c in layer} <= LAYER_TYPES, f"{case}: the layer plans more than CORS: {sorted({c['type'] for c in layer})}"
    paths = sorted({r["path"] for r in policy.get("routes", [])})
    if policy["api"]["type"] == "rest":
        options = [c for c in changes if c["type"] == "aws_api_gateway_method"
                   and c["change"]["after"]["http_method"] == "OPTIONS"]
        assert all(c.get("module_address") == "module.cors" for c in options), \
            f"{case}: hand-written preflights are still planned: {[c['address'] for c in options]}"
        assert len(options) == len(paths), f"{case}: {len(options)} preflights planned for paths {paths}"
        responses = [c for c in changes if c["type"] == "aws_api_gateway_gateway_response"]
        assert all(c.get("module_address") == "module.cors" for c in responses), responses
    else:
        (api,) = apis
        cors = api["change"]["after"]["cors_configuration"]
        assert len(cors) == 1, cors
        want = policy["cors"]
        assert {o.lower() for o in cors[0]["allow_origins"]} == {o.lower() for o in want["allow_origins"]}
        assert {h.lower() for h in cors[0]["allow_headers"]} == {h.lower() for h in want["allow_headers"]}
