"""The terraform fallback: HashiCorp's HCL parser and formatter compiled to
wasm plus a name check against the aws provider schema
(scripts/conformance.d/terraform-fallback/check.mjs, whose README says what it
checks and what it cannot). It stands in for terraform validate and fmt where
terraform is missing, and runs beside terraform otherwise, so it is known to
agree with terraform on every golden and cannot rot unnoticed.
"""

import subprocess
import tempfile
from pathlib import Path

from .tools import FALLBACK_SRC


def check(node_modules, modules, work):
    """{module: (validate problems, fmt problems)} for MODULES, in one node
    process (the wasm modules and the provider schema load once). Raises
    RuntimeError when the checker itself cannot run."""
    modules = [str(m) for m in modules]
    if not modules:
        return {}
    report = Path(tempfile.mkdtemp(dir=work, prefix="fallback-"))
    run = subprocess.run(
        ["node", str(FALLBACK_SRC / "check.mjs"), str(node_modules), str(Path(node_modules) / "provider-schema.json"),
         str(report), *modules], capture_output=True, text=True, check=False)
    if run.returncode:
        raise RuntimeError(f"terraform fallback could not run (exit {run.returncode}): {run.stdout}{run.stderr}")
    results = {}
    for i, module in enumerate(modules):
        validate = (report / f"{i}.validate").read_text(encoding="utf-8")
        fmt = (report / f"{i}.fmt").read_text(encoding="utf-8")
        results[module] = ([validate] if validate else [], [fmt] if fmt else [])
    return results
