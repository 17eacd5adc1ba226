"""Extra policy sources: seeded random valid policies, built by corsform and
checked by the same tools as the goldens.

The generator is a cargo example (examples/random_policies.rs):
    cargo run --quiet --example random_policies -- --seed S --count N --out DIR
writes DIR/<name>/policy.toml for N random valid policies. Each is built with
`corsform build` for every target its API type supports (corsform's default),
and its terraform/, cloudformation/ and sam/ outputs go through terraform
validate (or its fallback), cfn-lint and the SAM translator (+ cfn-lint on its
output). The seed is fixed so a failure reproduces; CORSFORM_RANDOM_SEED and
CORSFORM_RANDOM_COUNT override it. Without the example this is SKIPPED loudly
(and fails under CI=true).
"""

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from corsform_conformance import cfn, fallback, sam, tally, terraform, tools

EXAMPLE = tools.REPO / "examples" / "random_policies.rs"
SEED = int(os.environ.get("CORSFORM_RANDOM_SEED", "20261202"))
COUNT = int(os.environ.get("CORSFORM_RANDOM_COUNT", "20"))
TARGETS = ("terraform", "cloudformation", "sam")
# Without the generator, one test says so (rather than COUNT identical ones).
INDEXES = list(range(COUNT)) if EXAMPLE.is_file() else [0]


@pytest.fixture(scope="module")
def random_policies(work):
    """The generated policy.toml files, sorted by folder name."""
    if not EXAMPLE.is_file():
        tools.unavailable("random policies", f"{EXAMPLE.relative_to(tools.REPO)} does not exist (no generator)")
    out = Path(tempfile.mkdtemp(dir=work, prefix="random-"))
    run = subprocess.run(
        ["cargo", "run", "--quiet", "--example", "random_policies", "--",
         "--seed", str(SEED), "--count", str(COUNT), "--out", str(out)],
        cwd=tools.REPO, capture_output=True, text=True, check=False)
    if run.returncode:
        pytest.fail(f"the random policy generator failed (exit {run.returncode}):\n{run.stdout}{run.stderr}",
                    pytrace=False)
    policies = sorted(out.glob("*/policy.toml"))
    if len(policies) != COUNT:
        pytest.fail(f"asked for {COUNT} random policies, got {len(policies)} in {out}", pytrace=False)
    tally.add(random_policies=len(policies))
    return policies


REFUSED = "refused by lint"


@pytest.fixture(scope="module")
def random_builds(random_policies, corsform, work):
    """[(policy, build problem or None, [(target, folder)])] in policy order:
    each policy built by `corsform build` with its default targets."""
    builds = []
    for index, policy in enumerate(random_policies):
        out = Path(tempfile.mkdtemp(dir=work, prefix=f"random-{index}-"))
        build = subprocess.run([corsform, "build", str(policy), "--out", str(out)],
                               capture_output=True, text=True, check=False)
        error = None if build.returncode == 0 else f"corsform build exit {build.returncode}:\n{build.stdout}{build.stderr}"
        # The generator aims at corners, so some of its policies are not valid
        # (e.g. `{p0}` beside `{proxy+}`): lint refuses them and nothing is
        # built. The promise is about policies lint accepts.
        if build.returncode == 1 and "nothing was written because a policy has errors" in build.stderr:
            error = REFUSED
        builds.append((policy, error, [(t, f) for t in TARGETS for f in sorted(out.glob(f"*/{t}"))]))
    return builds


@pytest.fixture(scope="module")
def random_terraform(random_builds, tf, work):
    """{module: problems} for every Terraform module built, in one terraform
    (or fallback) run, as test_terraform.py does for the goldens."""
    modules = [f for _, _, folders in random_builds for t, f in folders if t == "terraform"]
    if tf.validate_by == "terraform":
        results = terraform.validate_many(tf, modules, work)
        return {m: results[str(m)] + terraform.fmt(tf, m) for m in modules}
    node_modules = tools.fallback_dir()
    if node_modules is None:
        tools.unavailable("terraform validate", f"{tf.reason}, and the terraform fallback is not installed")
    results = fallback.check(node_modules, modules, work)
    return {m: results[str(m)][0] + results[str(m)][1] for m in modules}


def check_template(target, folder):
    """The problems cfn-lint (and for SAM the translator) find in one built folder."""
    template = folder / "template.yaml"
    problems = [f"cfn-lint: {f}" for f in cfn.lint(template)]
    if target == "sam":
        translated = folder / "translated.json"
        errors = sam.translate_to_file(template, translated)
        problems += [f"sam translator: {e}" for e in errors]
        if not errors:
            problems += [f"cfn-lint (translated): {f}" for f in cfn.lint(translated, ignore=["I3042"])]
    return problems


@pytest.mark.tool("random policies")
@pytest.mark.parametrize("index", INDEXES, ids=[f"seed{SEED}_{i}" for i in INDEXES])
def test_random_policy(index, random_builds, random_terraform):
    policy, error, folders = random_builds[index]
    if error is REFUSED:
        pytest.skip(f"lint refuses {policy.parent.name} (not a valid policy: nothing to deploy)")
    text = policy.read_text(encoding="utf-8")
    assert error is None, f"{error}\npolicy ({policy}):\n{text}"
    assert folders, f"corsform build {policy} wrote none of {TARGETS}:\npolicy:\n{text}"
    problems = []
    for target, folder in folders:
        found = random_terraform[folder] if target == "terraform" else check_template(target, folder)
        problems += [f"{target}: {p}" for p in found]
        tally.add(random_outputs=1)
    assert not problems, "\n".join(problems) + f"\npolicy ({policy}):\n{text}"
