"""The README.md of every golden Terraform module (src/render/module_readme.rs):
its usage example, taken out of the README exactly as a reader copies it, is a
root module (Lambda functions, an IAM role, the module call with every required
input) that terraform init + validate accepts with the module where the
example's `source` says `corsform build` writes it; and the README lists every
variable and output the module declares."""

import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from corsform_conformance import tally, terraform, tools
from corsform_conformance.cases import case_id, cases_with

READMES = cases_with("terraform/README.md")


def example(readme):
    """The ```hcl block of the README's "Usage" section. (A layer's README has a
    second one, the wiring of the team's own non-proxy methods, which refers to
    the team's resources; test_layer_wiring.py applies that one.)"""
    text = readme.read_text(encoding="utf-8")
    assert "\n## Usage\n" in text, f"{readme}: no Usage section"
    usage = text.split("\n## Usage\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```hcl\n(.*?)^```$", usage, re.S | re.M)
    assert len(blocks) == 1, f"{readme}: want one ```hcl usage example, found {len(blocks)}"
    return blocks[0]


@pytest.fixture(scope="module")
def example_results(tf, work):
    """{case: problems} for every README example, validated in one terraform
    run: each example is its own folder (with the module copied where its
    `source` points) called as a module of one root."""
    if tf.validate_by != "terraform":
        return None
    root = Path(tempfile.mkdtemp(dir=work, prefix="tf-readme-"))
    calls = []
    for i, (case, readme) in enumerate(READMES):
        text = example(readme)
        source = re.search(r'^\s*source\s*=\s*"\./([^"]+)"', text, re.M).group(1)
        folder = root / f"e{i}"
        shutil.copytree(readme.parent, folder / source, ignore=shutil.ignore_patterns(".terraform*", "README.md"))
        (folder / "main.tf").write_text(text, encoding="utf-8")
        calls.append(f'module "e{i}" {{\n  source = "./e{i}"\n}}\n')
    (root / "main.tf").write_text("".join(calls), encoding="utf-8")
    init = terraform.run(tf, ["init", "-backend=false", "-input=false", "-no-color"], cwd=root)
    if init.returncode:
        return {case: [f"terraform init failed: {init.stdout}{init.stderr}"] for case, _ in READMES}
    out = terraform.run(tf, ["validate", "-json", "-no-color"], cwd=root)
    report = json.loads(out.stdout)
    results = {case: [] for case, _ in READMES}
    for d in report.get("diagnostics", []):
        owner = re.match(r"e(\d+)/", d.get("range", {}).get("filename", ""))
        for case in [READMES[int(owner.group(1))][0]] if owner else results:
            results[case].append(terraform.describe(d))
    if not report.get("valid") and not report.get("diagnostics"):
        return {case: [f"terraform validate: not valid: {out.stdout}"] for case, _ in READMES}
    return results


@pytest.mark.tool("module README")
@pytest.mark.parametrize("case,readme", READMES, ids=[case_id(c) for c, _ in READMES])
def test_readme_example_validates(case, readme, tf, example_results):
    if example_results is None:
        tools.unavailable("terraform validate of the README example", tf.reason)
    tally.add(readme_examples=1)
    assert not example_results[case], "\n".join(example_results[case])


@pytest.mark.tool("module README")
@pytest.mark.parametrize("case,readme", READMES, ids=[case_id(c) for c, _ in READMES])
def test_readme_lists_every_input_and_output(case, readme):
    text = readme.read_text(encoding="utf-8")
    module = readme.parent
    for kind, file in (("variable", "variables.tf"), ("output", "outputs.tf")):
        names = re.findall(rf'^{kind}\s+"([^"]+)"', (module / file).read_text(encoding="utf-8"), re.M)
        missing = [n for n in names if not re.search(rf"^\| {re.escape(n)} \|", text, re.M)]
        assert not missing, f"README.md does not list {kind}(s) {missing}"
