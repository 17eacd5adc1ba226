"""Every REST golden case deployed into LocalStack (the session's, on a free
port) by Terraform (terraform apply of terraform/), CloudFormation
(create_stack of cloudformation/template.yaml) and SAM (the same, with
LocalStack running the SAM transform), then, on each deployment:
- test_headers: real preflights and MOCK requests checked header by header
  against what policy.toml says (expectations.py, never the generated files);
- test_gateway_responses: the gateway responses read back through the API
  (LocalStack stores them but does not send their headers);
- test_mapping_expressions: every response mapping read back and judged by
  API Gateway's deploy-time rules (LocalStack accepts what AWS rejects);
- test_corsform_probe: `corsform probe` run against it;
then real Chromium fetches against one deployment per case, compared with
`corsform explain` (tests/browser/differential.mjs --deployed), and last the
redeploy proof: a changed origin goes live on re-apply. Quirks worked around
are in scripts/localstack/README.md and docs/book/src/background/cors-facts.md.
"""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from corsform_conformance import aws, checks, expectations, tally, tools
from corsform_conformance.cases import case_id, rest_cases
from corsform_conformance.deploy import KINDS, NotDeployable
from corsform_conformance.redeploy import change_origin

GOLDEN = tools.REPO / "golden"
REST = rest_cases()
DEPLOYMENTS = [(case, kind) for case in REST for kind in KINDS]
DEPLOYMENT_IDS = [f"{case_id(case)}-{kind}" for case, kind in DEPLOYMENTS]
# Chromium compares only what LocalStack answers as API Gateway does: cases
# with a MOCK route (differential.mjs refuses a deployment with none).
# A policy with [environments] is left out: differential.mjs does not pass
# --env to explain yet (test_environments.py checks those deployments).
MOCK = [c for c in REST if any(r.get("integration") == "mock"
                               for r in expectations.load_policy(GOLDEN / c / "policy.toml").get("routes", []))
        and not expectations.environment_names(expectations.load_policy(GOLDEN / c / "policy.toml"))]
REDEPLOY_CASE = os.environ.get("LS_REDEPLOY_CASE", "rest-one-origin")
NEW_ORIGIN = "https://redeployed.example.org"


def deployment(deployer, case, kind):
    try:
        return deployer.get(GOLDEN / case, kind)
    except NotDeployable as e:
        if kind == "terraform" and deployer.tf.fmt_by == "fallback":
            # terraform itself is missing: nothing can apply a module, and the
            # CloudFormation and SAM deployments of the same plan still run.
            pytest.skip(f"!!! SKIPPED terraform deployment: {e} (CloudFormation and SAM deploy the same plan)")
        if kind != "terraform":
            pytest.skip(f"!!! SKIPPED: {e}")
        tools.unavailable(f"{kind} deployment", str(e))
    except aws.DeployError as e:
        pytest.fail(f"{kind} deployment of golden/{case} failed: {e}", pytrace=False)


def report(problems):
    return "\n".join(problems)


@pytest.mark.tool("localstack headers")
@pytest.mark.parametrize("case,kind", DEPLOYMENTS, ids=DEPLOYMENT_IDS)
def test_headers(case, kind, deployer, localstack):
    d = deployment(deployer, case, kind)
    for note in d.notes:
        print(f"note: {note}")
    problems = checks.headers(localstack, d)
    assert not problems, report(problems)


@pytest.mark.tool("localstack gateway responses")
@pytest.mark.parametrize("case,kind", DEPLOYMENTS, ids=DEPLOYMENT_IDS)
def test_gateway_responses(case, kind, deployer, localstack):
    problems = checks.gateway_responses(localstack, deployment(deployer, case, kind))
    assert not problems, report(problems)


@pytest.mark.tool("localstack mapping expressions")
@pytest.mark.parametrize("case,kind", DEPLOYMENTS, ids=DEPLOYMENT_IDS)
def test_mapping_expressions(case, kind, deployer, localstack):
    problems = checks.mapping_expressions(localstack, deployment(deployer, case, kind))
    assert not problems, report(problems)


@pytest.mark.tool("corsform probe")
@pytest.mark.parametrize("case,kind", DEPLOYMENTS, ids=DEPLOYMENT_IDS)
def test_corsform_probe(case, kind, deployer, localstack, corsform):
    problems = checks.corsform_probe(localstack, deployment(deployer, case, kind), corsform)
    assert not problems, report(problems)


@pytest.mark.tool("chromium")
@pytest.mark.parametrize("case", MOCK, ids=[case_id(c) for c in MOCK])
def test_chromium(case, deployer, localstack, corsform):
    """Real Chromium against the Terraform deployment (else CloudFormation's),
    compared with explain. Runs before the redeploy, which changes a policy."""
    try:
        d = deployer.get(GOLDEN / case, "terraform")
    except (NotDeployable, aws.DeployError):
        d = deployment(deployer, case, "cloudformation")
    run = subprocess.run(
        [str(tools.REPO / "tests" / "browser" / "run.sh"), "--deployed", f"{case}={localstack.base_url(d.api_id, d.stage)}"],
        cwd=tools.REPO, env=dict(os.environ, CORSFORM_BIN=corsform), capture_output=True, text=True, check=False)
    out = run.stdout + run.stderr
    skipped = re.search(r"### SKIPPED: (.*)", out)
    if skipped:
        tools.unavailable("chromium", skipped.group(1))
    # differential.mjs's closing count (its own output: a JavaScript tool).
    counts = re.search(r"^browser differential against deployments \(.*\): (\d+) scenarios, (\d+) agree", out, re.M)
    if counts:
        tally.add(fetches=int(counts.group(1)), fetches_agree=int(counts.group(2)))
    assert run.returncode == 0 and counts, "\n".join(out.splitlines()[-40:])


def rebuilt(corsform, work, case):
    """golden/CASE's policy with its first origin changed, built by corsform
    (terraform and cloudformation) into a case folder; (folder, old origin)."""
    out = Path(tempfile.mkdtemp(dir=work, prefix=f"redeploy-{case}-"))
    old = change_origin(GOLDEN / case / "policy.toml", out / "policy.toml", NEW_ORIGIN)
    build = subprocess.run([corsform, "build", str(out / "policy.toml"), "--target", "terraform",
                            "--target", "cloudformation", "--out", str(out / "out")],
                           capture_output=True, text=True, check=False)
    assert build.returncode == 0, f"corsform build of the changed policy failed:\n{build.stdout}{build.stderr}"
    (built,) = (out / "out").iterdir()
    shutil.copy(out / "policy.toml", built / "policy.toml")
    return built, old


@pytest.mark.tool("redeploy")
@pytest.mark.skipif(REDEPLOY_CASE not in REST, reason=f"golden/{REDEPLOY_CASE} is not a REST case")
@pytest.mark.parametrize("case", [REDEPLOY_CASE], ids=[case_id(REDEPLOY_CASE)])
def test_redeploy_terraform(case, deployer, localstack, corsform, work):
    """The changed policy re-applied over the same Terraform state: an update
    of the same API with a new deployment, where the new origin is echoed and
    the old one is refused like any other (headers, gateway responses,
    mappings and corsform probe all checked against the changed policy)."""
    first = deployment(deployer, case, "terraform")
    folder, old = rebuilt(corsform, work, case)
    deployer.forget(f"{case}-terraform")  # its state now holds the changed API
    try:
        again = deployer.deploy(folder, "terraform", f"redeploy-{case}", extra_origins=[old], state=first.state)
    except aws.DeployError as e:
        pytest.fail(f"re-apply of the changed policy ({old} -> {NEW_ORIGIN}) failed: {e}", pytrace=False)
    tally.add(redeploys=1)
    assert again.api_id == first.api_id, f"the re-apply made a new API ({again.api_id}), not an update of {first.api_id}"
    assert re.search(r"aws_api_gateway_deployment\.this (must be replaced|will be created)", again.log), (
        "the re-apply did not make a new deployment:\n"
        + "\n".join(line for line in again.log.splitlines() if line.startswith(("  # ", "Plan:"))))
    # Every check a deployment gets, against the changed policy.
    problems = (checks.headers(localstack, again) + checks.gateway_responses(localstack, again)
                + checks.mapping_expressions(localstack, again) + checks.corsform_probe(localstack, again, corsform))
    assert not problems, f"after the re-apply ({old} -> {NEW_ORIGIN}):\n" + report(problems)


@pytest.mark.tool("redeploy")
@pytest.mark.skipif(REDEPLOY_CASE not in REST, reason=f"golden/{REDEPLOY_CASE} is not a REST case")
@pytest.mark.parametrize("case", [REDEPLOY_CASE], ids=[case_id(REDEPLOY_CASE)])
def test_redeploy_cloudformation(case, deployer, localstack, corsform, work):
    """update_stack with the changed policy's template: the same API, and a
    Deployment with a new logical ID (its content hash), so AWS redeploys.
    Not probed: LocalStack 4.12's CloudFormation does not apply updates to
    Stage, GatewayResponse or Method integration responses (the stage is gone
    after update_stack: 404; scripts/localstack/README.md), so probing would
    test LocalStack."""
    first = deployment(deployer, case, "cloudformation")
    before = aws.cfn_deployments(localstack.endpoint, first.stack)
    folder, old = rebuilt(corsform, work, case)
    deployer.forget(f"{case}-cloudformation")  # its stack is changed now
    try:
        again = deployer.deploy(folder, "cloudformation", f"redeploy-{case}", extra_origins=[old],
                                stack=first.stack, update=True)
    except aws.DeployError as e:
        pytest.fail(f"update_stack with the changed policy ({old} -> {NEW_ORIGIN}) failed: {e}", pytrace=False)
    tally.add(redeploys=1)
    after = aws.cfn_deployments(localstack.endpoint, first.stack)
    assert again.api_id == first.api_id, f"update_stack made a new API ({again.api_id}), not an update of {first.api_id}"
    assert after and after != before, f"the Deployment's logical ID did not change ({before} -> {after})"
