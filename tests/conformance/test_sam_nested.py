"""SAM users keep their own functions in their own template (docs/book/src/guides/sam.md, "Your
functions, corsform's API"): the generated SAM template is a nested
AWS::Serverless::Application whose Parameters take each backend's function
ARN (and the Environment). For every golden SAM template with named backends,
a parent template is written as a user would (one AWS::Serverless::Function
per Lambda parameter, without Api events), then:
- the SAM translator accepts it and passes every required parameter of the
  generated template to the nested stack, so no backend is left unwired;
- it creates no implicit API (ServerlessRestApi / ServerlessHttpApi): the only
  API is corsform's;
- cfn-lint, with the generated template where Location points, finds nothing
  but W3002 (a local Location needs `sam package`, which is how it deploys)."""

import json
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml

from corsform_conformance import cfn, sam, tools
from corsform_conformance.cases import case_id, cases_with
from corsform_conformance.expectations import load_policy

CASES = [(name, path) for name, path in cases_with("sam/template.yaml")
         if load_policy(path.parent.parent / "policy.toml").get("backends")]
RUNTIME = "nodejs22.x"


class Loader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags read as plain values (only
    Parameters are read here)."""


Loader.add_multi_constructor("!", lambda loader, suffix, node: None)


def parent_template(child):
    """A user's template around CHILD (the generated SAM template)."""
    params = yaml.load(child.read_text(encoding="utf-8"), Loader=Loader).get("Parameters", {})
    resources, passed = {}, {}
    for name, p in params.items():
        if "Default" in p:
            continue
        if name == "Environment":
            passed[name] = {"Ref": "Environment"}
        elif name.endswith("FunctionArn"):
            function = name[: -len("Arn")]
            resources[function] = {"Type": "AWS::Serverless::Function", "Properties": {
                "Runtime": RUNTIME, "Handler": "index.handler",
                "InlineCode": "exports.handler = async () => ({ statusCode: 200, body: 'ok' });"}}
            passed[name] = {"Fn::GetAtt": [function, "Arn"]}
        elif name.endswith("Url"):
            passed[name] = "https://backend.example.com"
        else:
            pytest.fail(f"{child}: no value for required parameter {name} in this test", pytrace=False)
    resources["Api"] = {"Type": "AWS::Serverless::Application", "Properties": {
        "Location": "generated/api/sam/template.yaml", "Parameters": passed}}
    template = {"AWSTemplateFormatVersion": "2010-09-09", "Transform": "AWS::Serverless-2016-10-31",
                "Resources": resources}
    if "Environment" in params:
        template["Parameters"] = {"Environment": {"Type": "String",
                                                  "AllowedValues": params["Environment"]["AllowedValues"]}}
    return template, [n for n, p in params.items() if "Default" not in p]


@pytest.mark.tool("sam nested application")
@pytest.mark.parametrize("case,child", CASES, ids=[case_id(c) for c, _ in CASES])
def test_generated_api_as_a_nested_application(case, child, work):
    folder = Path(tempfile.mkdtemp(dir=work, prefix=f"sam-nested-{case}-"))
    (folder / "generated" / "api" / "sam").mkdir(parents=True)
    shutil.copy(child, folder / "generated" / "api" / "sam" / "template.yaml")
    template, required = parent_template(child)
    assert any(k.endswith("FunctionArn") for k in required), "a backends case with no function parameter"
    (folder / "template.yaml").write_text(json.dumps(template, indent=2), encoding="utf-8")
    translated, errors = sam.translate(folder / "template.yaml")
    assert not errors, f"the SAM translator rejects the parent template: {errors}"
    stacks = [r for r in translated["Resources"].values() if r["Type"] == "AWS::CloudFormation::Stack"]
    assert len(stacks) == 1, stacks
    unwired = sorted(set(required) - set(stacks[0]["Properties"].get("Parameters", {})))
    assert not unwired, f"required parameters of the generated template not passed: {unwired}"
    implicit = [k for k in translated["Resources"] if k in ("ServerlessRestApi", "ServerlessHttpApi")]
    assert not implicit, f"SAM created an implicit API beside corsform's: {implicit}"
    out = folder / "translated.json"
    out.write_text(json.dumps(translated, indent=2), encoding="utf-8")
    # I3011: DeletionPolicy advice on the nested stack, a choice left to the user.
    findings = cfn.lint(out, ignore=["W3002", "I3011"])
    assert not findings, "\n".join(findings)
