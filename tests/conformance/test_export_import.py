"""A REST API made elsewhere (by hand in the console, say), brought to
corsform through its export (issue 26): `aws apigateway get-export
--rest-api-id ID --stage-name STAGE --export-type oas30 --parameters
extensions=apigateway` writes the deployed API as an OpenAPI document with
API Gateway's extensions, and `corsform import` of that document writes the
policy: `[api] openapi` pointing at the export, and the CORS the deployment
answers.

For a few REST goldens deployed into the session's LocalStack (by
CloudFormation, the same deployments test_localstack.py checks), the export is
taken with boto3's get_export (what the CLI calls), imported, linted, and the
imported origins compared with the policy the deployment was built from.
docs/book/src/guides/adopt.md ("An API made in the console") documents the two commands.

LocalStack's export is thinner than API Gateway's: it writes each OPTIONS
method's integration responses as `default: null` and leaves the gateway
responses out (seen with the pinned LocalStack), so what only a preflight
carries (Allow-Headers, Allow-Methods, Max-Age) is not in its export and not
compared here; the origins the MOCK methods grant are. An export shaped as
API Gateway writes it, preflights included, is a corpus case
(tests/audit-corpus/h2-ok-swagger2-export-nonproxy) whose import is checked
in tests/audit_corpus.rs.
"""

import subprocess
import tempfile
import tomllib
from pathlib import Path

import pytest

from corsform_conformance import aws, expectations, tools
from test_localstack import GOLDEN, deployment

# One origin on every path: what LocalStack's export keeps (the MOCK
# methods' responses) says it whole.
CASES = ["rest-one-origin"]


def lowered(values):
    return sorted({v.lower() for v in values})


@pytest.mark.tool("localstack export")
@pytest.mark.parametrize("case", CASES)
def test_export_then_import(case, deployer, localstack, corsform, work):
    d = deployment(deployer, case, "cloudformation")
    apigw = aws.client(localstack.endpoint, "apigateway")
    stages = apigw.get_stages(restApiId=d.api_id)["item"]
    assert stages, f"{case}: the deployment has no stage"
    export = apigw.get_export(restApiId=d.api_id, stageName=stages[0]["stageName"], exportType="oas30",
                              parameters={"extensions": "apigateway"}, accepts="application/yaml")
    folder = Path(tempfile.mkdtemp(dir=work, prefix=f"export-{case}-"))
    (folder / "export.yaml").write_bytes(export["body"].read())

    run = subprocess.run([corsform, "import", "export.yaml"], cwd=folder, capture_output=True, text=True, check=False)
    assert run.returncode == 0, f"{case}: corsform import of the export failed:\n{run.stderr}"
    (folder / "corsform.toml").write_text(run.stdout, encoding="utf-8")
    imported = tomllib.loads(run.stdout)
    assert imported["api"].get("openapi") == "export.yaml", f"{case}: want [api] openapi = the export\n{run.stdout}"
    lint = subprocess.run([corsform, "lint", "corsform.toml"], cwd=folder, capture_output=True, text=True, check=False)
    assert lint.returncode == 0, f"{case}: the imported policy does not lint:\n{lint.stdout}{lint.stderr}\n{run.stdout}"

    original = expectations.load_policy(GOLDEN / case / "policy.toml")
    want_origins = lowered(original["cors"]["allow_origins"])
    got_origins = lowered(imported["cors"].get("allow_origins", []))
    assert got_origins == want_origins, f"{case}: origins {got_origins}, want {want_origins}\n{run.stdout}"
