"""Where the conformance tier's tools are, and what happens when one is missing.

scripts/conformance installs the tools (venvs, npm packages, the terraform CLI
config for the offline provider mirror) and exports where they are; these
functions read that, falling back to the same cache paths, so `pytest
tests/conformance` also runs straight from the conformance venv once the
script has installed everything. A missing tool is a test FAILURE under
CI=true and a loud SKIP otherwise (unavailable()).
"""

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
CACHE = Path(os.environ.get("CORSFORM_CACHE") or Path.home() / ".cache" / "corsform-conformance")
FALLBACK_SRC = REPO / "scripts" / "conformance.d" / "terraform-fallback"


def is_ci():
    return os.environ.get("CI") == "true"


def unavailable(what, reason):
    """Fails the calling test under CI=true, skips it loudly otherwise."""
    if is_ci():
        pytest.fail(f"{what}: {reason} (required under CI=true)", pytrace=False)
    pytest.skip(f"!!! SKIPPED {what}: {reason} (would fail under CI=true)")


def corsform():
    """The corsform binary: CORSFORM_BIN, else the debug build (scripts/conformance builds it)."""
    path = Path(os.environ.get("CORSFORM_BIN") or REPO / "target" / "debug" / "corsform")
    if not os.access(path, os.X_OK):
        unavailable("corsform", f"{path} not found (cargo build, or set CORSFORM_BIN)")
    return str(path)


@dataclass
class Terraform:
    """Who checks the Terraform modules: validate_by and fmt_by are
    "terraform" or "fallback" (the wasm HCL checker, fallback.py); reason
    says why a fallback stands in. can_apply: LocalStack deployments by
    Terraform can run (terraform and the provider mirror are both there)."""

    validate_by: str
    fmt_by: str
    reason: str
    mirror: str
    cli_config: str

    @property
    def can_apply(self):
        return self.validate_by == "terraform"

    def env(self):
        """The environment for a terraform run: offline, no prompts, no checkpoint calls."""
        env = dict(os.environ, CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1", TF_INPUT="0")
        if self.cli_config:
            env["TF_CLI_CONFIG_FILE"] = self.cli_config
        return env


def has_aws_provider(mirror):
    return bool(mirror) and (Path(mirror) / "registry.terraform.io" / "hashicorp" / "aws").is_dir()


def terraform():
    """The Terraform setup scripts/conformance made (CORSFORM_TF_MIRROR,
    CORSFORM_TF_CLI_CONFIG), or the same found in the cache and /opt/tf-plugins."""
    if os.environ.get("CORSFORM_TERRAFORM") == "fallback":
        return Terraform("fallback", "fallback", "CORSFORM_TERRAFORM=fallback: terraform treated as missing", "", "")
    if not shutil.which("terraform"):
        return Terraform("fallback", "fallback", "terraform not found on PATH", "", "")
    mirror = os.environ.get("CORSFORM_TF_MIRROR", "")
    if not has_aws_provider(mirror):
        mirror = "/opt/tf-plugins" if has_aws_provider("/opt/tf-plugins") else ""
    config = os.environ.get("CORSFORM_TF_CLI_CONFIG") or str(CACHE / "terraform.rc")
    if not mirror or not Path(config).is_file():
        # terraform init cannot install the aws provider offline; fmt needs none.
        why = ("no local mirror of the hashicorp/aws provider found" if not mirror
               else f"no terraform CLI config for the provider mirror at {config} (scripts/conformance writes it)")
        return Terraform("fallback", "terraform", why, mirror, "")
    return Terraform("terraform", "terraform", "", mirror, config)


def fallback_dir():
    """node_modules for scripts/conformance.d/terraform-fallback, installed by
    scripts/conformance from its package-lock.json (CORSFORM_FALLBACK_DIR, or
    the cache folder named after the lock's hash), or None."""
    if os.environ.get("CORSFORM_FALLBACK_DIR"):
        path = Path(os.environ["CORSFORM_FALLBACK_DIR"])
    else:
        key = hashlib.sha256((FALLBACK_SRC / "package-lock.json").read_bytes()
                             + (FALLBACK_SRC / ".npmrc").read_bytes()).hexdigest()[:12]
        path = CACHE / f"terraform-fallback-{key}"
    if not (path / ".complete").is_file() or not shutil.which("node"):
        return None
    return path


def localstack_python():
    """The LocalStack venv's Python (scripts/localstack/env.sh, ls_install), or None."""
    venv = Path(os.environ.get("CORSFORM_LS_VENV") or CACHE / "localstack-venv")
    python = venv / "bin" / "python"
    return str(python) if (venv / ".corsform-stamp").is_file() and os.access(python, os.X_OK) else None
