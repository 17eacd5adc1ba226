"""Transform one SAM template into plain CloudFormation, offline.

Usage: python sam_translate.py SAM_TEMPLATE OUT_JSON

Uses aws-sam-translator's public transform() the way `sam validate` and
cfn-lint do, but without cfn-lint's relaxations: every SAM property is checked
(a misspelled CorsConfiguration key is an error here, while cfn-lint alone
does not look inside it). No AWS call is made: the managed-policy loader is a
stub, and the region comes from AWS_DEFAULT_REGION (set by the caller).

Exit 0 and write OUT_JSON on success; exit 1 and print each translator error
otherwise.
"""

import json
import os
import sys

from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.translator.managed_policy_translator import ManagedPolicyLoader
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class OfflinePolicyLoader(ManagedPolicyLoader):
    """Knows no managed policy. The translator only asks when a function names
    an AWS managed policy in Policies, which corsform's templates never do; if
    one ever does, the translator reports that name as an error here."""

    def __init__(self) -> None:
        super().__init__(iam_client=None)

    def load(self) -> dict:
        return {}


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    source, out = sys.argv[1], sys.argv[2]
    if not os.environ.get("AWS_DEFAULT_REGION"):
        print("sam_translate.py: set AWS_DEFAULT_REGION", file=sys.stderr)
        return 2

    with open(source, encoding="utf-8") as f:
        template = yaml_parse(f.read())

    try:
        translated = transform(template, {}, OfflinePolicyLoader())
    except InvalidDocumentException as e:
        for cause in e.causes:
            print(f"{source}: {cause.message}")
        return 1

    with open(out, "w", encoding="utf-8") as f:
        json.dump(translated, f, indent=2, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
