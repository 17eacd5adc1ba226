"""terraform init + validate and terraform fmt -check on every golden
Terraform module and on the module built from every policies/*.toml, and the
terraform fallback (the wasm HCL checker, fallback.py) on the same modules:
beside terraform it must agree with it; without terraform it stands in, loudly."""

import pytest

from corsform_conformance import tally, terraform, tools
from corsform_conformance.cases import case_id, cases_with

POLICY_STEMS = sorted(p.stem for p in (tools.REPO / "policies").glob("*.toml"))
MODULES = [("golden", path) for _, path in cases_with("terraform")] + [("policy", s) for s in POLICY_STEMS]
MODULE_IDS = [case_id(name) for name, _ in cases_with("terraform")] + [f"policies_{case_id(s)}" for s in POLICY_STEMS]


def module_dirs(module, policy_builds):
    kind, value = module
    if kind == "golden":
        return [value]
    modules, error = policy_builds[value]
    if error:
        pytest.fail(f"corsform build of policies/{value}.toml failed: {error}", pytrace=False)
    return modules


def fallback_problems(fallback_results, tool, reason, dirs, which):
    """The fallback's findings (which: 0 validate, 1 fmt) for DIRS."""
    if fallback_results is None:
        tools.unavailable(tool, f"{reason}: the terraform fallback is not installed "
                          "(node, and npm ci in scripts/conformance.d/terraform-fallback; scripts/conformance does it)")
    if isinstance(fallback_results, Exception):
        pytest.fail(str(fallback_results), pytrace=False)
    return [p for d in dirs for p in fallback_results[str(d)][which]]


@pytest.fixture(scope="module")
def terraform_results(tf, policy_builds, work):
    """terraform validate's problems for every golden module and every module
    built from policies/, from one terraform run (terraform.validate_many)."""
    if tf.validate_by != "terraform":
        return {}
    modules = [path for _, path in cases_with("terraform")]
    modules += [m for built, _ in policy_builds.values() for m in built]
    return terraform.validate_many(tf, modules, work)


@pytest.mark.tool("policy build")
@pytest.mark.parametrize("stem", POLICY_STEMS, ids=[f"policies_{case_id(s)}" for s in POLICY_STEMS])
def test_policy_build(stem, policy_builds):
    modules, error = policy_builds[stem]
    assert error is None, f"corsform build --target terraform policies/{stem}.toml: {error}"
    assert modules


@pytest.mark.tool("terraform validate")
@pytest.mark.parametrize("module", MODULES, ids=MODULE_IDS)
def test_terraform_validate(module, tf, policy_builds, fallback_results, terraform_results):
    dirs = module_dirs(module, policy_builds)
    if tf.validate_by == "fallback":
        tally.note(f"terraform validate FALLS BACK to the wasm HCL parser and the provider name check ({tf.reason}): "
                   "value types and provider-side validation are NOT checked")
        problems = fallback_problems(fallback_results, "terraform validate", tf.reason, dirs, 0)
    else:
        problems = [p for d in dirs for p in terraform_results[str(d)]]
    assert not problems, "\n".join(problems)


@pytest.mark.tool("terraform fmt")
@pytest.mark.parametrize("module", MODULES, ids=MODULE_IDS)
def test_terraform_fmt(module, tf, policy_builds, fallback_results):
    dirs = module_dirs(module, policy_builds)
    if tf.fmt_by == "fallback":
        tally.note(f"terraform fmt FALLS BACK to HashiCorp's formatter compiled to wasm ({tf.reason})")
        problems = fallback_problems(fallback_results, "terraform fmt", tf.reason, dirs, 1)
    else:
        problems = [p for d in dirs for p in terraform.fmt(tf, d)]
    assert not problems, "\n".join(problems)


@pytest.mark.tool("terraform fallback")
@pytest.mark.parametrize("module", MODULES, ids=MODULE_IDS)
def test_terraform_fallback(module, tf, policy_builds, fallback_results):
    """The fallback accepts what terraform accepts (run on every machine, so
    it cannot rot where terraform is installed)."""
    dirs = module_dirs(module, policy_builds)
    problems = fallback_problems(fallback_results, "terraform fallback", "terraform validate/fmt's stand-in", dirs, 0)
    problems += fallback_problems(fallback_results, "terraform fallback", "terraform validate/fmt's stand-in", dirs, 1)
    assert not problems, "\n".join(problems)
