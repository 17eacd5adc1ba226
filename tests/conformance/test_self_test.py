"""The self-test (`scripts/conformance --self-test`, pytest --self-test):
known defects planted in copies of golden cases, each of which the same
checks the tier runs must catch. A defect counts as caught only when the check
fails on the copy AND names the planted word: a check that fails for another
reason cannot pass the self-test by accident.

Two defects only a deployment shows (terraform validate, fmt and cfn-lint all
accept them): (d) unescapes the first dot of a subdomain pattern's regex in
the VTL origin check, the classic lookalike hole: https://pr-7Xpreview.example.com
is then echoed as allowed, and only the deployed API shows it. (e) unquotes a
static header value, which AWS rejects with "Invalid mapping expression
specified"; LocalStack deploys it anyway, so the mapping read-back applies
AWS's rules (LocalStack then drops the header, so the header check sees it
too; the word below is the mapping check's own, so that check must report it).
"""

import shutil
import tempfile
from pathlib import Path

import pytest

from corsform_conformance import aws, cfn, checks, fallback, sam, tally, terraform, tools
from corsform_conformance.deploy import NotDeployable
from corsform_conformance.cases import whole_api
from corsform_conformance.expectations import load_policy

pytestmark = pytest.mark.self_test


def plant(work, relative, old, new):
    """A copy of the first golden case whose RELATIVE file contains OLD, with
    OLD replaced by NEW on every line; the path of the planted file."""
    for case in sorted((tools.REPO / "golden").iterdir()):
        source = case / relative
        # Only whole APIs: a scope = "cors" layer cannot be deployed alone.
        if not source.is_file():
            continue
        if not whole_api(load_policy(case / "policy.toml")):
            continue
        if old in source.read_text(encoding="utf-8"):
            break
    else:
        pytest.fail(f"no golden {relative} contains {old!r} to plant the defect in", pytrace=False)
    copy = tempfile.mkdtemp(dir=work, prefix="self-test-")
    shutil.copytree(case, f"{copy}/{case.name}")
    planted = Path(copy) / case.name / relative
    text = planted.read_text(encoding="utf-8")
    planted.write_text(text.replace(old, new), encoding="utf-8")
    print(f"planted in golden/{case.name}/{relative}: {old!r} -> {new!r}")
    return planted


def caught(problems, word):
    """Asserts the check failed and named WORD; counts the defect."""
    tally.add(defects=1)
    named = [p for p in problems if word in p]
    assert problems, f"NOT CAUGHT: the check passed on the defective copy (wanted a finding naming {word!r})"
    assert named, f"NOT CAUGHT: the check failed, but no finding names {word!r}:\n" + "\n".join(problems)
    tally.add(defects_caught=1)
    print("CAUGHT: " + named[0].splitlines()[0])


def fallback_findings(planted, work, which):
    node_modules = tools.fallback_dir()
    if node_modules is None:
        tools.unavailable("terraform fallback", "not installed (scripts/conformance installs it)")
    return fallback.check(node_modules, [planted.parent], work)[str(planted.parent)][which]


def test_a_misspelled_terraform_block(tf, work):
    if tf.validate_by != "terraform":
        pytest.skip(f"!!! SKIPPED: terraform validate is not run here ({tf.reason}); "
                    "the fallback's own defect below covers this machine")
    planted = plant(work, "terraform/main.tf", "cors_configuration", "cors_configuraton")
    caught(terraform.validate(tf, planted.parent, work), "cors_configuraton")


def test_a_fallback_misspelled_terraform_block(work):
    planted = plant(work, "terraform/main.tf", "cors_configuration", "cors_configuraton")
    caught(fallback_findings(planted, work, 0), "cors_configuraton")


def test_a_fallback_unformatted_terraform(work):
    planted = plant(work, "terraform/main.tf", 'resource "aws_api_gateway_rest_api" "this" {',
                    'resource "aws_api_gateway_rest_api"   "this" {')
    caught(fallback_findings(planted, work, 1), "aws_api_gateway_rest_api")


def test_b_misspelled_sam_cors_key(work):
    planted = plant(work, "sam/template.yaml", "AllowOrigins:", "AllowOrigin:")
    _, errors = sam.translate(planted)
    caught(errors, "AllowOrigin")


def test_c_misspelled_cloudformation_property(work):
    planted = plant(work, "cloudformation/template.yaml", "ProtocolType:", "ProtocolTyp:")
    caught(cfn.lint(planted), "ProtocolTyp")


def deploy_planted(deployer, tf, work, name, terraform_old, cloudformation_old, new):
    """The defect planted in the Terraform module (or, without terraform, the
    CloudFormation template: its escaping differs) and deployed."""
    if tf.can_apply:
        planted, kind = plant(work, "terraform/main.tf", terraform_old, new), "terraform"
    else:
        planted, kind = plant(work, "cloudformation/template.yaml", cloudformation_old, new), "cloudformation"
    try:
        return deployer.deploy(planted.parent.parent, kind, f"self-test-{name}")
    except NotDeployable as e:
        tools.unavailable(f"{kind} deployment", str(e))
    except aws.DeployError as e:
        pytest.fail(f"the defective copy did not deploy, so the check never ran: {e}", pytrace=False)


def test_d_unescaped_dot_in_subdomain_pattern(deployer, localstack, tf, work):
    d = deploy_planted(deployer, tf, work, "d", r"?\.preview", r"?\\.preview", "?.preview")
    caught(checks.headers(localstack, d), "pr-7Xpreview.example.com")


def test_e_unquoted_rest_header_value(deployer, localstack, tf, work):
    d = deploy_planted(deployer, tf, work, "e", "\"'Origin'\"", "\"'Origin'\"", '"Origin"')
    caught(checks.mapping_expressions(localstack, d), "invalid mapping expression")


def test_f_empty_responses_on_a_proxy_operation(work):
    """(f) `responses: {}` on a REST proxy operation, as API Gateway's own
    export writes it: openapi-spec-validator must refuse the plain openapi
    document (test_openapi.py::test_plain_document_valid's check)."""
    import re
    import yaml
    from openapi_spec_validator.validation import OpenAPIV30SpecValidator

    planted = plant(work, "openapi/openapi.yaml",
                    '      responses:\n        "200":\n          description: "The backend\'s response, passed through"\n',
                    "      responses: {}\n")
    doc = yaml.safe_load(planted.read_text(encoding="utf-8"))
    # Greedy paths read as API Gateway names their parameter, as the check does.
    doc["paths"] = {re.sub(r"\{([^}]+)\+\}", r"{\1}", k): v for k, v in doc["paths"].items()}
    caught([str(e).splitlines()[0] for e in OpenAPIV30SpecValidator(doc).iter_errors()], "should be non-empty")
