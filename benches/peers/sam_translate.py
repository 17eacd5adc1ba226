"""scripts/bench --peers: the SAM translator run once on a SAM template, the
way `sam validate` and CloudFormation's AWS::Serverless transform run it,
offline (no AWS call: the managed-policy loader knows no policy). Usage:
python sam_translate.py TEMPLATE OUT.json"""

import json
import os
import sys

from samtranslator.translator.managed_policy_translator import ManagedPolicyLoader
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class NoManagedPolicies(ManagedPolicyLoader):
    """corsform's templates name no AWS managed policy, so none is loaded."""

    def __init__(self):
        super().__init__(iam_client=None)

    def load(self):
        return {}


os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
with open(sys.argv[1], encoding="utf-8") as f:
    template = yaml_parse(f.read())
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(transform(template, {}, NoManagedPolicies()), f)
