"""The `openapi` target's document (golden/<case>/openapi/openapi.yaml) used
unchanged the ways docs/book/src/background/design.md "OpenAPI" promises, each checked by the real
tool:
- test_terraform_body: a root module with `body = file(...)` on
  aws_api_gateway_rest_api / aws_apigatewayv2_api (and a stage setting the
  stage variables) passes terraform validate;
- test_cfn_body: a CloudFormation template with the document as the API's
  Body passes cfn-lint;
- test_sam_definition_body: a SAM template whose DefinitionBody is the
  document (what AWS::Include puts there) passes the SAM translator, and its
  output passes cfn-lint; the AWS::Include form itself passes the translator;
- test_localstack_*: every REST document imported into LocalStack
  (import_rest_api), deployed to a stage with its stage variables, then the
  real preflights and MOCK requests checked header by header against
  policy.toml (expectations.py), the mapping expressions read back, and
  `corsform probe` run against it, as test_localstack.py does for the other
  targets.
- test_plain_document_valid / test_sam_definition_body_valid:
  openapi-spec-validator accepts every plain document and every SAM
  DefinitionBody (built from the same path-item partials), every error
  counted;
- the `[api] openapi` cases (the team's document with the CORS layer, JSON
  too) go through the same terraform/cfn-lint/SAM checks, and the REST ones
  are imported into LocalStack as they are (failOnWarnings) and each path's
  real preflight is checked (test_localstack_merged_preflights).
"""

import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml

from corsform_conformance import aws, cfn, checks, expectations, readback, sam, tally, terraform
from corsform_conformance.cases import case_id, cases_with, openapi_cases, openapi_merged_cases
from corsform_conformance.deploy import Deployment
from corsform_conformance.fetch_cors import preflight_check

GOLDEN = Path(__file__).resolve().parents[2] / "golden"
# [api] openapi cases: the team's document with the CORS layer (a .json
# output for a JSON input). The document, not policy.toml, has their routes,
# so LocalStack checks them with test_localstack_merged_preflights.
MERGED = openapi_merged_cases()
CASES = sorted(set(openapi_cases()) | set(MERGED))
IDS = [case_id(c) for c in CASES]
REST = [c for c in CASES if c not in MERGED
        and expectations.is_rest(expectations.load_policy(GOLDEN / c / "policy.toml"))]
MERGED_REST = [c for c in MERGED if expectations.is_rest(expectations.load_policy(GOLDEN / c / "policy.toml"))]


def document_path(case):
    json_path = GOLDEN / case / "openapi" / "openapi.json"
    return json_path if json_path.exists() else GOLDEN / case / "openapi" / "openapi.yaml"


def document(case):
    return yaml.safe_load(document_path(case).read_text(encoding="utf-8"))


def is_rest(case):
    return case in REST or case in MERGED_REST


def stage_variables(case):
    """{name: value} for every ${stageVariables.NAME} the document uses: the
    placeholder function and backend the other deployments use."""
    names = sorted(set(re.findall(r"\$\{stageVariables\.([A-Za-z0-9_]+)\}", document_path(case).read_text())))
    values = {}
    for name in names:
        if name == "region":
            values[name] = aws.REGION
        elif name.endswith("function_arn"):
            values[name] = aws.FUNCTION_ARN
        elif name.endswith("host"):
            values[name] = aws.BACKEND_URL.split("://", 1)[1]
        else:
            raise AssertionError(f"golden/{case}/openapi/openapi.yaml: unknown stage variable {name}")
    return values


def hcl_map(values):
    return "{" + ", ".join(f"{terraform.hcl_string(k)} = {terraform.hcl_string(v)}" for k, v in sorted(values.items())) + "}"


def terraform_root(case, i):
    """A root module's resources using golden/CASE's document as `body`."""
    doc = f'file("${{path.module}}/m{i}.yaml")'
    variables = hcl_map(stage_variables(case))
    if is_rest(case):
        return f'''
resource "aws_api_gateway_rest_api" "m{i}" {{
  name = "m{i}"
  body = {doc}
}}

resource "aws_api_gateway_deployment" "m{i}" {{
  rest_api_id = aws_api_gateway_rest_api.m{i}.id
  triggers    = {{ body = sha1(aws_api_gateway_rest_api.m{i}.body) }}
}}

resource "aws_api_gateway_stage" "m{i}" {{
  rest_api_id   = aws_api_gateway_rest_api.m{i}.id
  deployment_id = aws_api_gateway_deployment.m{i}.id
  stage_name    = "live"
  variables     = {variables}
}}
'''
    return f'''
resource "aws_apigatewayv2_api" "m{i}" {{
  name          = "m{i}"
  protocol_type = "HTTP"
  body          = {doc}
}}

resource "aws_apigatewayv2_stage" "m{i}" {{
  api_id           = aws_apigatewayv2_api.m{i}.id
  name             = "$default"
  auto_deploy      = true
  stage_variables  = {variables}
}}
'''


@pytest.fixture(scope="module")
def terraform_results(tf, work):
    """{case: terraform validate problems} from one root module holding every document."""
    if tf.validate_by != "terraform":
        return None
    root = Path(tempfile.mkdtemp(dir=work, prefix="tf-openapi-"))
    text = ['terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n']
    for i, case in enumerate(CASES):
        shutil.copy(document_path(case), root / f"m{i}.yaml")
        text.append(terraform_root(case, i))
    (root / "main.tf").write_text("".join(text), encoding="utf-8")
    init = terraform.run(tf, ["init", "-backend=false", "-input=false", "-no-color"], cwd=root)
    if init.returncode:
        return {c: [f"terraform init failed: {init.stdout}{init.stderr}"] for c in CASES}
    out = terraform.run(tf, ["validate", "-json", "-no-color"], cwd=root)
    report = json.loads(out.stdout)
    problems = [terraform.describe(d) for d in report.get("diagnostics", [])]
    if not report.get("valid") and not problems:
        problems = [f"terraform validate: not valid: {out.stdout}"]
    # One root: a finding cannot be told apart by case, so it fails them all.
    return {c: problems for c in CASES}


@pytest.mark.tool("terraform validate")
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_terraform_body(case, tf, terraform_results):
    if terraform_results is None:
        from corsform_conformance import tools
        tools.unavailable("terraform validate", f"openapi body: {tf.reason}")
    assert not terraform_results[case], "\n".join(terraform_results[case])


def json_text(value):
    """VALUE as JSON that cfn-lint's and the SAM translator's readers take:
    UTF-8, with DEL, C1 controls, U+2028/9, U+FEFF, U+FFFE/F escaped (their
    YAML readers refuse them raw; golden/rest-unprintable-text), as
    sam.translate_to_file writes."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return "".join(f"\\u{ord(c):04x}" if 0x7F <= ord(c) <= 0x9F or ord(c) in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF)
                   else c for c in text)


def cfn_template(case):
    doc = document(case)
    variables = stage_variables(case)
    if is_rest(case):
        resources = {
            "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": case, "Body": doc}},
            "Deployment": {"Type": "AWS::ApiGateway::Deployment", "Properties": {"RestApiId": {"Ref": "Api"}}},
            "Stage": {"Type": "AWS::ApiGateway::Stage", "Properties": {
                "RestApiId": {"Ref": "Api"}, "DeploymentId": {"Ref": "Deployment"}, "StageName": "live",
                **({"Variables": variables} if variables else {})}},
        }
    else:
        resources = {
            "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Body": doc}},
            "Stage": {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {
                "ApiId": {"Ref": "Api"}, "StageName": "$default", "AutoDeploy": True,
                **({"StageVariables": variables} if variables else {})}},
        }
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}


# No finding is ignored: errors, warnings, informational and experimental all fail.
DOCUMENT_IGNORES = []


@pytest.mark.tool("cfn-lint")
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_cfn_body(case, work):
    out = work / f"openapi-cfn-{case}.json"
    out.write_text(json_text(cfn_template(case)), encoding="utf-8")
    findings = cfn.lint(out, ignore=DOCUMENT_IGNORES)
    assert not findings, f"cfn-lint on {out} (golden/{case}/openapi/openapi.yaml as Body):\n" + "\n".join(findings)


def sam_template(case, body):
    variables = stage_variables(case)
    kind = "AWS::Serverless::Api" if is_rest(case) else "AWS::Serverless::HttpApi"
    props = {"StageName": "live", "DefinitionBody": body}
    if variables:
        props["Variables" if is_rest(case) else "StageVariables"] = variables
    return {"AWSTemplateFormatVersion": "2010-09-09", "Transform": "AWS::Serverless-2016-10-31",
            "Resources": {"Api": {"Type": kind, "Properties": props}}}


@pytest.mark.tool("sam-translator")
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_sam_definition_body(case, work):
    source = work / f"openapi-sam-{case}.json"
    source.write_text(json_text(sam_template(case, document(case))), encoding="utf-8")
    out = work / f"openapi-sam-{case}.out.json"
    errors = sam.translate_to_file(source, out)
    assert not errors, f"the SAM translator rejects golden/{case}/openapi/openapi.yaml as DefinitionBody:\n" + "\n".join(errors)
    findings = cfn.lint(out, ignore=DOCUMENT_IGNORES)
    assert not findings, f"cfn-lint on the SAM translator's output for golden/{case}:\n" + "\n".join(findings)
    # The AWS::Include form (CloudFormation replaces it with the document
    # before the SAM transform runs): the translator accepts it as it is.
    include = {"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "s3://bucket/openapi.yaml"}}}
    source.write_text(json.dumps(sam_template(case, include)), encoding="utf-8")
    errors = sam.translate_to_file(source, work / f"openapi-sam-include-{case}.json")
    assert not errors, f"the SAM translator rejects DefinitionBody: AWS::Include:\n" + "\n".join(errors)


def gateway_responses_template(case):
    """The document's gateway responses in the shape readback reads from a
    translated template: LocalStack's OpenAPI import drops
    x-amazon-apigateway-gateway-responses (deploy.py says the same of SAM)."""
    return {"Resources": {"Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": document(case)}}}}


_DEPLOYED = {}


def imported(localstack, case):
    """golden/CASE's document imported into LocalStack and deployed to its
    policy's stage with its stage variables (made once per case)."""
    if case not in _DEPLOYED:
        policy = expectations.load_policy(GOLDEN / case / "policy.toml")
        expected = expectations.expect(policy)
        apigw = aws.client(localstack.endpoint, "apigateway")
        try:
            api = apigw.import_rest_api(body=document_path(case).read_bytes(), failOnWarnings=True)
            apigw.create_deployment(restApiId=api["id"], stageName=expected.stage, variables=stage_variables(case))
            tally.add(deployments=1)
            _DEPLOYED[case] = Deployment(GOLDEN / case, "openapi", api["id"], expected,
                                         from_template=gateway_responses_template(case))
        except Exception as e:  # noqa: BLE001 - every test of this case fails with the cause
            _DEPLOYED[case] = e
    made = _DEPLOYED[case]
    if isinstance(made, Exception):
        pytest.fail(f"import of golden/{case}/openapi/openapi.yaml into LocalStack failed: {made}", pytrace=False)
    return made


@pytest.mark.tool("localstack headers")
@pytest.mark.parametrize("case", REST, ids=[case_id(c) for c in REST])
def test_localstack_headers(case, localstack):
    problems = checks.headers(localstack, imported(localstack, case))
    assert not problems, "\n".join(problems)


@pytest.mark.tool("localstack gateway responses")
@pytest.mark.parametrize("case", REST, ids=[case_id(c) for c in REST])
def test_localstack_gateway_responses(case, localstack):
    problems = checks.gateway_responses(localstack, imported(localstack, case))
    assert not problems, "\n".join(problems)


@pytest.mark.tool("localstack mapping expressions")
@pytest.mark.parametrize("case", REST, ids=[case_id(c) for c in REST])
def test_localstack_mapping_expressions(case, localstack):
    d = imported(localstack, case)
    problems = checks.mapping_expressions(localstack, d)
    # The import must have made every path the document has (LocalStack
    # dropping one would leave nothing to check there).
    apigw = aws.client(localstack.endpoint, "apigateway")
    deployed = {path for path, _, _ in readback.deployed_methods(apigw, d.api_id)}
    missing = sorted(set(document(case)["paths"]) - deployed)
    assert not missing, f"paths not imported: {missing}"
    assert not problems, "\n".join(problems)


@pytest.mark.tool("corsform probe")
@pytest.mark.parametrize("case", REST, ids=[case_id(c) for c in REST])
def test_localstack_probe(case, localstack, corsform):
    problems = checks.corsform_probe(localstack, imported(localstack, case), corsform)
    assert not problems, "\n".join(problems)


def merged_preflight_origin(case, path):
    """The origin a preflight to PATH of golden/CASE must be granted: the
    path's [[routes]] override, else the policy's first allowed origin; and
    what Access-Control-Allow-Origin must then say."""
    policy = expectations.load_policy(GOLDEN / case / "policy.toml")
    origins = policy["cors"]["allow_origins"]
    for route in policy.get("routes", []):
        if route["path"] == path and "allow_origins" in route.get("cors", {}):
            origins = route["cors"]["allow_origins"]
    if origins == ["*"]:
        return "https://anyone.example", "*"
    return origins[0], origins[0]


@pytest.mark.tool("localstack merged openapi")
@pytest.mark.parametrize("case", MERGED_REST, ids=[case_id(c) for c in MERGED_REST])
def test_localstack_merged_preflights(case, localstack):
    """golden/CASE's merged document imported into LocalStack as it is
    (failOnWarnings), every path of the team's document made, and each
    path's real preflight granted to the allowed origin."""
    import urllib.request
    policy = expectations.load_policy(GOLDEN / case / "policy.toml")
    stage = policy["api"].get("stage", "prod")
    apigw = aws.client(localstack.endpoint, "apigateway")
    api = apigw.import_rest_api(body=document_path(case).read_bytes(), failOnWarnings=True)
    apigw.create_deployment(restApiId=api["id"], stageName=stage, variables=stage_variables(case))
    tally.add(deployments=1)
    doc = document(case)
    deployed = {(path, method) for path, method, _ in readback.deployed_methods(apigw, api["id"])}
    problems = []
    sent = 0
    for path, item in doc["paths"].items():
        if "$ref" in item:
            ref = item["$ref"].lstrip("#/").split("/")
            item = doc
            for key in ref:
                item = item[key]
        if "options" not in item:
            continue
        if (path, "OPTIONS") not in deployed:
            problems.append(f"{path}: OPTIONS not imported ({sorted(deployed)})")
            continue
        origin, granted = merged_preflight_origin(case, path)
        concrete = re.sub(r"\{[^}]+\}", "x1", path)
        request = urllib.request.Request(
            localstack.base_url(api["id"], stage) + concrete, method="OPTIONS",
            headers={"Origin": origin, "Access-Control-Request-Method": "GET"})
        sent += 1
        with urllib.request.urlopen(request, timeout=20) as response:
            got = response.headers.get("Access-Control-Allow-Origin")
            if response.status >= 300 or got != granted:
                problems.append(f"OPTIONS {concrete} from {origin}: {response.status}, Allow-Origin {got!r}, want {granted!r}")
    assert sent, f"golden/{case}: no path with a preflight was checked"
    assert not problems, "\n".join(problems)


GREEDY_UNRESOLVED = re.compile(r"Path parameter '[^']+\+' for 'options' operation in '[^']*\{[^}]+\+\}' was not resolved")


def without_greedy_options(path):
    """A copy of the document at `path` without the `options` of greedy
    paths, in a temporary file beside it (relative $refs still resolve)."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, item in doc.get("paths", {}).items():
        if re.search(r"\{[^}]+\+\}", key) and isinstance(item, dict):
            item.pop("options", None)
    out = Path(tempfile.mkdtemp(dir=path.parent)) / path.name
    out.write_text(json.dumps(doc) if path.suffix == ".json" else yaml.safe_dump(doc), encoding="utf-8")
    return out


def spec_errors(path):
    """openapi-spec-validator's first complaint about the document at `path`
    (OpenAPI 3.0 or Swagger 2.0; relative $refs resolved from its folder), or None."""
    from openapi_spec_validator import validate
    from openapi_spec_validator.readers import read_from_filename

    try:
        spec, base = read_from_filename(str(path))
        validate(spec, base_uri=base)
    except Exception as e:  # the validator raises one of several error types
        return str(e).splitlines()[0]
    return None


@pytest.mark.tool("openapi-spec-validator")
@pytest.mark.parametrize("case", MERGED, ids=[case_id(c) for c in MERGED])
def test_merged_document_valid_where_input_was(case):
    """Issue 27: the merge keeps the team's document valid. A valid input gives a
    valid output (the added `options` declare the path's parameters); an input
    the validator already refuses is refused for the same reason, nothing new."""
    import tomllib

    policy = tomllib.loads((GOLDEN / case / "policy.toml").read_text(encoding="utf-8"))
    source = GOLDEN / case / policy["api"]["openapi"]
    before, after = spec_errors(source), spec_errors(document_path(case))
    if before is None and after is not None and GREEDY_UNRESOLVED.match(after):
        # A greedy path ({proxy+}) whose only operation was the vendor
        # x-amazon-apigateway-any-method, which the validator does not read:
        # our added `options` declares the parameter as `proxy`, the name
        # API Gateway REST imports require (no `+`: Smithy's OpenAPI
        # converter, PR 674, citing the API Gateway developer guide), where
        # the validator wants `proxy+`. Deployable wins; documented in the
        # OpenAPI guide. Anything else must still validate.
        copy = without_greedy_options(document_path(case))
        try:
            after = spec_errors(copy)
        finally:
            shutil.rmtree(copy.parent)
    if before is None:
        assert after is None, f"{case}: the input validates, the merged document does not: {after}"
    else:
        assert after == before, f"{case}: the input's error was {before!r}, the output's is {after!r}"


PLAIN = [c for c in CASES if c not in MERGED]
GREEDY = re.compile(r"\{([^}]+)\+\}")


def as_rest_import_names(doc):
    """DOC with each greedy `{name+}` in its path keys written `{name}`: the
    name a REST document's operations declare for it (API Gateway REST imports
    read the parameter of `{proxy+}` as `proxy`: developer guide,
    "x-amazon-apigateway-any-method object" example; the HTTP proxy
    integrations map `method.request.path.proxy`), where the validator wants
    the template's `proxy+`. Only the key changes, so a greedy path whose
    operations declare nothing, or another name, still fails."""
    paths = {}
    for key, item in doc.get("paths", {}).items():
        renamed = GREEDY.sub(r"{\1}", key)
        assert renamed not in paths, f"{key}: {renamed} is a path of its own too"
        paths[renamed] = item
    return {**doc, "paths": paths}


def all_spec_errors(doc):
    """Every complaint openapi-spec-validator has about DOC (an OpenAPI 3.0 or
    Swagger 2.0 document with no external $refs), one line each."""
    from openapi_spec_validator.validation import OpenAPIV2SpecValidator, OpenAPIV30SpecValidator

    validator = OpenAPIV2SpecValidator if "swagger" in doc else OpenAPIV30SpecValidator
    return [str(e).splitlines()[0] for e in validator(doc).iter_errors()]


@pytest.mark.tool("openapi-spec-validator")
@pytest.mark.parametrize("case", PLAIN, ids=[case_id(c) for c in PLAIN])
def test_plain_document_valid(case):
    """The plain `--target openapi` document (a policy without `[api] openapi`)
    is valid OpenAPI 3.0 for openapi-spec-validator, every error counted, not
    only the first: every operation has a non-empty `responses` (proxy
    operations too) and declares each path parameter. One reading differs
    on REST documents: a greedy `{proxy+}` is declared `proxy`
    (as_rest_import_names), as the merged documents do."""
    doc = document(case)
    assert doc.get("openapi", "").startswith("3.0."), f"{case}: not an OpenAPI 3.0 document"
    read = as_rest_import_names(doc) if is_rest(case) else doc
    errors = all_spec_errors(read)
    assert not errors, f"golden/{case}/openapi/openapi.yaml: {len(errors)} error(s):\n" + "\n".join(errors[:20])
    if is_rest(case) and read is not doc:
        # The exception is only the name: the document as written fails on
        # exactly its greedy parameters and on nothing else.
        unresolved = re.compile(r"Path parameter '([^']+)' for '[^']+' operation in '([^']+)' was not resolved")
        for error in all_spec_errors(doc):
            m = unresolved.match(error)
            assert m and GREEDY.search(m.group(2)) and m.group(1).rstrip("+") in GREEDY.findall(m.group(2)), \
                f"golden/{case}: {error}"


SAM_BODIES = [(name, path) for name, path in cases_with("sam/template.yaml")]


@pytest.mark.tool("openapi-spec-validator")
@pytest.mark.parametrize("case,path", SAM_BODIES, ids=[case_id(n) for n, _ in SAM_BODIES])
def test_sam_definition_body_valid(case, path):
    """The SAM target's DefinitionBody (Swagger 2.0 for a REST API, OpenAPI
    3.0 for an HTTP API) is built from the same path-item partials as the
    openapi target's document, and is as valid: the same check, with the
    same reading of greedy parameters on REST."""
    template = yaml.safe_load(path.read_text(encoding="utf-8"))
    bodies = [(name, r["Properties"]["DefinitionBody"]) for name, r in template["Resources"].items()
              if isinstance(r.get("Properties", {}).get("DefinitionBody"), dict)]
    assert bodies, f"golden/{case}/sam/template.yaml: no DefinitionBody"
    for name, body in bodies:
        read = as_rest_import_names(body) if "swagger" in body else body
        errors = all_spec_errors(read)
        assert not errors, f"golden/{case}/sam/template.yaml {name}: {len(errors)} error(s):\n" + "\n".join(errors[:20])


# Issue 27, Done-when: a merged document imported into LocalStack answers
# every method of every path as a browser needs, from every allowed origin
# (pattern origins too), refuses lookalikes, and explain agrees with it.
SAFELISTED = ("GET", "HEAD", "POST")
ANY_METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")  # what API Gateway's ANY serves


def path_methods(item):
    """The methods a path item of the document serves (ANY expanded)."""
    out = []
    for key in item:
        if key == "x-amazon-apigateway-any-method":
            out.extend(ANY_METHODS)
        elif key.upper() in ANY_METHODS:
            out.append(key.upper())
    return sorted(set(out))


def path_cors(policy, path):
    """The [cors] a path of the document takes: a [[routes]] override's keys
    over [cors]."""
    cors = dict(policy["cors"])
    for route in policy.get("routes", []):
        if route["path"] == path:
            cors.update(route.get("cors", {}))
    return cors


def origins_to_try(allowed):
    """(origin, allowed?) for each allowed origin (a pattern as a sample host),
    and lookalikes of each that must be refused: another suffix, a prefix,
    another scheme, another port; `*` allows them all."""
    if allowed == ["*"]:
        return [("https://anyone.example", True), ("http://localhost:5173", True)]
    out = []
    for origin in allowed:
        scheme, host = origin.split("://", 1)
        if host.startswith("*."):
            suffix = host[1:]
            out += [(f"{scheme}://pr-12{suffix}", True),
                    (f"{scheme}://{suffix[1:]}", False),
                    (f"{scheme}://a.b{suffix}", False),
                    (f"{scheme}://pr-12{suffix}.evil.net", False)]
        else:
            other = "http" if scheme == "https" else "https"
            out += [(origin, True),
                    (f"{origin}.evil.net", False),
                    (f"{scheme}://evil{host}", False),
                    (f"{other}://{host}", False),
                    (f"{origin}:8443", False)]
    taken = {o for o, ok in out if ok}
    return [(o, ok) for o, ok in out if ok or o not in taken]


def explain_preflight(corsform, policy_path, origin, method, path, request_headers, credentials):
    """explain's verdict on the preflight: None (allowed), its reason, or
    "not sent"."""
    import subprocess
    args = [corsform, "explain", str(policy_path), "--origin", origin, "--method", method, "--path", path]
    for h in request_headers:
        args += ["-H", h]
    if credentials:
        args.append("--credentials")
    out = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert out.returncode in (0, 1), out.stderr
    section = out.stdout.split("\n1. preflight", 1)[1].split("\n2. ", 1)[0]
    if "not sent" in section.splitlines()[0]:
        return "not sent"
    verdict = [line.strip() for line in section.splitlines() if line.strip().startswith("browser:")][-1]
    return None if verdict == "browser: allowed" else verdict


@pytest.mark.tool("localstack merged openapi")
@pytest.mark.parametrize("case", MERGED_REST, ids=[case_id(c) for c in MERGED_REST])
def test_localstack_merged_every_method_and_origin(case, localstack, corsform):
    """golden/CASE's merged document in LocalStack: for every method of every
    path with a preflight, a browser-faithful preflight from each allowed
    origin passes, each lookalike is refused, and explain's verdict on the
    preflight is the deployment's."""
    import urllib.request
    policy_path = GOLDEN / case / "policy.toml"
    policy = expectations.load_policy(policy_path)
    stage = policy["api"].get("stage", "prod")
    apigw = aws.client(localstack.endpoint, "apigateway")
    api = apigw.import_rest_api(body=document_path(case).read_bytes(), failOnWarnings=True)
    apigw.create_deployment(restApiId=api["id"], stageName=stage, variables=stage_variables(case))
    tally.add(deployments=1)
    doc = document(case)
    problems, sent, compared = [], 0, 0
    for path, item in doc["paths"].items():
        if "$ref" in item:
            target = doc
            for key in item["$ref"].lstrip("#/").split("/"):
                target = target[key]
            item = target
        if "options" not in item:
            continue
        cors = path_cors(policy, path)
        credentials = bool(cors.get("allow_credentials"))
        allowed_headers = [h.lower() for h in cors.get("allow_headers", [])]
        concrete = re.sub(r"\{[^}]+\}", "x1", path)
        for method in path_methods(item):
            # A safelisted method is preflighted only with a header that is
            # not: content-type (JSON) when the policy allows it.
            request_headers = []
            if method in SAFELISTED and "content-type" in allowed_headers:
                request_headers = ["content-type"]
            for origin, should_pass in origins_to_try(cors["allow_origins"]):
                headers = {"Origin": origin, "Access-Control-Request-Method": method}
                if request_headers:
                    headers["Access-Control-Request-Headers"] = ",".join(request_headers)
                request = urllib.request.Request(
                    localstack.base_url(api["id"], stage) + concrete, method="OPTIONS", headers=headers)
                sent += 1
                try:
                    with urllib.request.urlopen(request, timeout=20) as response:
                        status, got = response.status, response.headers
                except urllib.error.HTTPError as e:
                    status, got = e.code, e.headers
                blocked = preflight_check(status, got, origin, method, request_headers, credentials)
                where = f"OPTIONS {concrete} ({method}) from {origin}"
                if should_pass and blocked:
                    problems.append(f"{where}: blocked: {blocked}")
                if not should_pass and got.get("Access-Control-Allow-Origin") in (origin, "*"):
                    problems.append(f"{where}: a refused origin is granted: {got.get('Access-Control-Allow-Origin')!r}")
                said = explain_preflight(corsform, policy_path, origin, method, concrete, request_headers, credentials)
                if said == "not sent":
                    continue
                compared += 1
                if (said is None) != (blocked is None):
                    problems.append(f"{where}: explain says {said or 'allowed'}, the deployment {blocked or 'allows it'}")
    tally.add(requests=sent)
    assert sent, f"golden/{case}: no path with a preflight was checked"
    assert not problems, f"{len(problems)} of {sent} preflights:\n" + "\n".join(problems)
    print(f"{case}: {sent} preflights, {compared} compared with explain")
