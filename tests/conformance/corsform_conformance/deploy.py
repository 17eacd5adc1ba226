"""Deployments of golden cases into the session's LocalStack, by Terraform,
CloudFormation or SAM, each made once and shared by the tests that check it.

A Deployment carries what its checks need: the API id and stage, and what the
policy says it must answer (expectations.py). A deployment that fails is
remembered as its error, so every test of it fails with the same cause.
"""

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import aws, expectations, sam, tally, terraform

KINDS = ("terraform", "cloudformation", "sam")


@dataclass
class Deployment:
    case_dir: Path
    kind: str
    api_id: str
    expected: expectations.Expected
    # SAM: the translator's output, where its gateway responses are read from
    # (LocalStack's OpenAPI import drops x-amazon-apigateway-gateway-responses).
    from_template: dict = None
    notes: list = field(default_factory=list)
    state: Path = None  # Terraform: the wrapped root module and its state
    stack: str = None  # CloudFormation and SAM: the stack's name
    log: str = ""  # Terraform: what init + apply printed

    @property
    def environment(self):
        """The [environments] entry deployed (None without environments)."""
        return self.expected.environment

    @property
    def stage(self):
        return self.expected.stage

    @property
    def policy(self):
        return self.case_dir / "policy.toml"


class NotDeployable(Exception):
    """This kind of deployment cannot run here (the message says why)."""


def stack_name(key):
    return "corsform-" + re.sub(r"[^A-Za-z0-9-]", "-", key)


class Deployer:
    def __init__(self, localstack, tf, work):
        self.ls = localstack
        self.tf = tf
        self.work = Path(work)
        self.made = {}  # key -> Deployment or the exception it raised

    def get(self, case_dir, kind, key=None):
        """The deployment of CASE_DIR by KIND (made on first use); raises its
        DeployError (or NotDeployable) on every use when it failed."""
        key = key or f"{Path(case_dir).name}-{kind}"
        if key not in self.made:
            try:
                self.made[key] = self.deploy(Path(case_dir), kind, key)
                tally.add(deployments=1)
            except (aws.DeployError, NotDeployable) as e:
                self.made[key] = e
        made = self.made[key]
        if isinstance(made, Exception):
            raise made
        return made

    def forget(self, key):
        self.made.pop(key, None)

    def deploy(self, case_dir, kind, key, extra_origins=(), state=None, stack=None, update=False, environment=None,
               variables=None):
        """With [environments], deploys ENVIRONMENT (default: the first).
        Terraform: VARIABLES ({name: HCL expression}) override the plain values."""
        raw = expectations.load_policy(case_dir / "policy.toml")
        expected = expectations.expect(raw, extra_origins, environment)
        if raw.get("function_urls"):
            aws.release_function_url(self.ls.endpoint)
        if kind == "terraform":
            if not self.tf.can_apply:
                raise NotDeployable(self.tf.reason)
            module = case_dir / "terraform"
            state = Path(state or tempfile.mkdtemp(dir=self.work, prefix=f"tf-{key}-"))
            module = terraform.without_cloudfront(module, state)
            terraform.wrap_module(module, state, self.ls.endpoint, {**aws.tf_vars(module, expected.environment), **(variables or {})})
            log = terraform.apply(self.tf, state)
            api_id = terraform.output(self.tf, state, "rest_api_id")
            return Deployment(case_dir, kind, api_id, expected, state=state, log=log)
        template = case_dir / ("sam" if kind == "sam" else "cloudformation") / "template.yaml"
        if not template.is_file():
            raise NotDeployable(f"no {template.relative_to(case_dir)} in this case")
        from_template = None
        if kind == "sam":
            from_template, errors = sam.translate(template)
            if errors:
                raise aws.DeployError("sam translator: " + "; ".join(errors))
            if expected.environment:
                from_template = sam.resolve_environment(from_template, expected.environment)
        stack = stack or stack_name(key)
        api_id, notes = aws.cfn_deploy(self.ls.endpoint, stack, template, update=update,
                                        environment=expected.environment)
        return Deployment(case_dir, kind, api_id, expected, from_template=from_template, notes=notes, stack=stack)
