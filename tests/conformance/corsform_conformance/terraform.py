"""terraform: validate and fmt -check a module, and deploy one into LocalStack.

Always offline: the CLI config (tools.Terraform.cli_config, written by
scripts/conformance) installs the aws provider from the local filesystem mirror
and excludes direct downloads.
"""

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from .aws import DeployError


def run(tf, args, cwd=None):
    return subprocess.run(["terraform", *args], cwd=cwd, env=tf.env(), capture_output=True, text=True, check=False)


def required_variables(module):
    """The names of MODULE's variables that have no default."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(Path(module).glob("*.tf")))
    return [m.group(1) for m in re.finditer(r'^variable\s+"([^"]+)"\s*\{(.*?)^\}', text, re.S | re.M)
            if not re.search(r"^\s*default\s*=", m.group(2), re.M)]


def describe(diagnostic):
    where = diagnostic.get("range", {})
    return (f"{diagnostic['severity']}: {diagnostic['summary']}: {diagnostic.get('detail', '')} "
            f"({where.get('filename', '?')}:{where.get('start', {}).get('line', '?')})")


def validate_many(tf, modules, work):
    """{module: problems of terraform validate} for MODULES, validated in
    one terraform run: a root module calls a copy of each (m0, m1, ...),
    passing each required variable a root variable without a value, which
    validate treats as unknown, as it does when it validates a module on its
    own. The aws provider (its schema takes seconds to load) starts once
    instead of once per module. Each diagnostic goes to the module its file
    is in; one in the root module goes to every module. Warnings count too: a
    deprecated attribute is not silent either. (An error that stops terraform
    early, a syntax error say, can hide another module's later findings: the
    run fails either way, and the next one shows them.)"""
    modules = [str(m) for m in modules]
    root = Path(tempfile.mkdtemp(dir=work, prefix="tf-validate-"))
    text = []
    for i, module in enumerate(modules):
        shutil.copytree(module, root / f"m{i}", ignore=shutil.ignore_patterns(".terraform*"))
        args = []
        for name in required_variables(module):
            text.append(f'variable "m{i}_{name}" {{}}\n')
            args.append(f"  {name} = var.m{i}_{name}\n")
        text.append(f'module "m{i}" {{\n  source = "./m{i}"\n{"".join(args)}}}\n')
    (root / "main.tf").write_text("".join(text), encoding="utf-8")
    results = {m: [] for m in modules}
    init = run(tf, ["init", "-backend=false", "-input=false", "-no-color"], cwd=root)
    if init.returncode:
        return {m: [f"terraform init failed: {init.stdout}{init.stderr}"] for m in modules}
    out = run(tf, ["validate", "-json", "-no-color"], cwd=root)
    try:
        report = json.loads(out.stdout)
    except json.JSONDecodeError:
        return {m: [f"terraform validate exited {out.returncode}: {out.stdout}{out.stderr}"] for m in modules}
    for diagnostic in report.get("diagnostics", []):
        owner = re.match(r"m(\d+)/", diagnostic.get("range", {}).get("filename", ""))
        for module in [modules[int(owner.group(1))]] if owner else modules:
            problem = describe(diagnostic)
            results[module].append(problem.replace(f"({owner.group(0)}", f"({module}/") if owner else problem)
    if not report.get("valid") and not report.get("diagnostics"):
        return {m: [f"terraform validate: not valid, without a diagnostic: {out.stdout}"] for m in modules}
    return results


def validate(tf, module, work):
    """Problems of terraform init + validate on MODULE (see validate_many)."""
    return validate_many(tf, [module], work)[str(module)]


def fmt(tf, module):
    """Problems of `terraform fmt -check` on MODULE as generated (the diff)."""
    out = run(tf, ["fmt", "-check", "-diff", "-recursive", "-no-color", str(module)])
    return [] if out.returncode == 0 else [f"not formatted as terraform fmt would:\n{out.stdout}{out.stderr}"]


def hcl_string(value):
    """VALUE as an HCL quoted string (JSON escapes, plus ${ and %{)."""
    return json.dumps(value).replace("${", "$${").replace("%{", "%%{")


# LocalStack's free edition has no CloudFront: a module's cache and origin
# request policies are switched off by an override file in a copy of it
# (terraform validate checks them on the golden itself).
CLOUDFRONT_OVERRIDE = """# Written by tests/conformance (terraform.without_cloudfront).
resource "aws_cloudfront_cache_policy" "cors" {
  count = 0
}

resource "aws_cloudfront_origin_request_policy" "cors" {
  count = 0
}

output "cloudfront_cache_policy_id" {
  value = null
}

output "cloudfront_origin_request_policy_id" {
  value = null
}
"""


def without_cloudfront(module, work):
    """MODULE itself, or, when it creates CloudFront policies, a copy under
    WORK with them switched off."""
    module = Path(module)
    if "aws_cloudfront_cache_policy" not in (module / "main.tf").read_text(encoding="utf-8"):
        return module
    copy = Path(work) / "module"
    shutil.copytree(module, copy, dirs_exist_ok=True)
    (copy / "localstack_override.tf").write_text(CLOUDFRONT_OVERRIDE, encoding="utf-8")
    return copy


def wrap_module(module, out, endpoint, variables):
    """Writes OUT/main.tf: a root module with an aws provider pointed at
    LocalStack (test credentials, no account lookups) and `module "api"`
    using MODULE with VARIABLES ({name: HCL expression}); outputs the
    module's rest_api_id and stage_name."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    args = "".join(f"  {name} = {value}\n" for name, value in sorted(variables.items()))
    endpoints = "".join(f"    {s} = {hcl_string(endpoint)}\n" for s in ("apigateway", "iam", "lambda", "s3", "sts"))
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
  s3_use_path_style           = true

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
