"""terraform: validate and fmt -check a module, and deploy one into LocalStack.

Always offline: the CLI config (tools.Terraform.cli_config, written by
scripts/conformance) installs the aws provider from the local filesystem mirror
and excludes direct downloads.
"""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from .aws import DeployError


def run(tf, args, cwd=None):
    return subprocess.run(["terraform", *args], cwd=cwd, env=tf.env(), capture_output=True, text=True, check=False)


def validate(tf, module, work):
    """Problems of `terraform init` + `terraform validate` on a copy of MODULE
    (warnings count too: a deprecated attribute is not silent either). The
    modules have no provider block, and validate needs none: no wrapper."""
    copy = Path(tempfile.mkdtemp(dir=work, prefix="tf-"))
    shutil.copytree(module, copy, dirs_exist_ok=True)
    shutil.rmtree(copy / ".terraform", ignore_errors=True)
    (copy / ".terraform.lock.hcl").unlink(missing_ok=True)
    init = run(tf, ["init", "-backend=false", "-input=false", "-no-color"], cwd=copy)
    if init.returncode:
        return [f"terraform init failed: {init.stdout}{init.stderr}"]
    out = run(tf, ["validate", "-json", "-no-color"], cwd=copy)
    try:
        report = json.loads(out.stdout)
    except json.JSONDecodeError:
        return [f"terraform validate exited {out.returncode}: {out.stdout}{out.stderr}"]
    problems = [f"{d['severity']}: {d['summary']}: {d.get('detail', '')} "
                f"({d.get('range', {}).get('filename', '?')}:{d.get('range', {}).get('start', {}).get('line', '?')})"
                for d in report.get("diagnostics", [])]
    if not report.get("valid") and not problems:
        problems.append(f"terraform validate: not valid: {out.stdout}")
    return problems


def fmt(tf, module):
    """Problems of `terraform fmt -check` on MODULE as generated (the diff)."""
    out = run(tf, ["fmt", "-check", "-diff", "-recursive", "-no-color", str(module)])
    return [] if out.returncode == 0 else [f"not formatted as terraform fmt would:\n{out.stdout}{out.stderr}"]


def hcl_string(value):
    """VALUE as an HCL quoted string (JSON escapes, plus ${ and %{)."""
    return json.dumps(value).replace("${", "$${").replace("%{", "%%{")


def wrap_module(module, out, endpoint, variables):
    """Writes OUT/main.tf: a root module with an aws provider pointed at
    LocalStack (test credentials, no account lookups) and `module "api"`
    using MODULE with VARIABLES ({name: HCL expression}); outputs the
    module's rest_api_id and stage_name."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    args = "".join(f"  {name} = {value}\n" for name, value in sorted(variables.items()))
    endpoints = "".join(f"    {s} = {hcl_string(endpoint)}\n" for s in ("apigateway", "iam", "lambda", "sts"))
    (out / "main.tf").write_text(f'''# Written by tests/conformance (terraform.wrap_module): deploys
# {module}
# into LocalStack at {endpoint} with test credentials.

provider "aws" {{
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  skip_region_validation      = true

  endpoints {{
{endpoints}  }}
}}

module "api" {{
  source = {hcl_string(str(Path(module).resolve()))}
{args}}}

output "rest_api_id" {{
  value = module.api.rest_api_id
}}

output "stage_name" {{
  value = module.api.stage_name
}}
''', encoding="utf-8")


def apply(tf, state):
    """terraform init + apply in STATE (a wrapped root module); returns the
    log (init and apply output) and raises DeployError with its last lines."""
    log = []
    for args in (["init", "-no-color"], ["apply", "-auto-approve", "-no-color"]):
        out = run(tf, ["-chdir=" + str(state), *args])
        log.append(out.stdout + out.stderr)
        if out.returncode:
            tail = "\n".join("".join(log).splitlines()[-25:])
            raise DeployError(f"terraform {args[0]} against LocalStack failed (last lines):\n{tail}")
    text = "".join(log)
    (Path(state) / "terraform.log").write_text(text, encoding="utf-8")
    return text


def output(tf, state, name):
    out = run(tf, ["-chdir=" + str(state), "output", "-raw", name])
    if out.returncode:
        raise DeployError(f"terraform output {name}: {out.stderr}")
    return out.stdout.strip()
