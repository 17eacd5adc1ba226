"""Transform one SAM template into plain CloudFormation, offline.

Uses aws-sam-translator's public transform() the way `sam validate` and
cfn-lint do, but without cfn-lint's relaxations: every SAM property is checked
(a misspelled CorsConfiguration key is an error here, while cfn-lint alone
does not look inside it). No AWS call is made: the managed-policy loader is a
stub, and the region is fixed (the translator builds ARNs for it).
"""

import json
import os

from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.translator.managed_policy_translator import ManagedPolicyLoader
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

REGION = "us-east-1"


class OfflinePolicyLoader(ManagedPolicyLoader):
    """Knows no managed policy. The translator only asks when a function names
    an AWS managed policy in Policies, which corsform's templates never do; if
    one ever does, the translator reports that name as an error here."""

    def __init__(self) -> None:
        super().__init__(iam_client=None)

    def load(self) -> dict:
        return {}


def translate(source):
    """(the CloudFormation template as a dict, []) or (None, [translator errors])."""
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    with open(source, encoding="utf-8") as f:
        template = yaml_parse(f.read())
    try:
        return transform(template, {}, OfflinePolicyLoader()), []
    except InvalidDocumentException as e:
        return None, [cause.message for cause in e.causes]


def translate_to_file(source, out):
    """translate(), writing the template to OUT as JSON; returns the errors."""
    translated, errors = translate(source)
    if translated is not None:
        with open(out, "w", encoding="utf-8") as f:
            # cfn-lint's JSON reader refuses a surrogate pair (\ud83d\ude00),
            # which ensure_ascii writes for a character outside the BMP, and
            # raw DEL, C1 controls, U+FFFE/U+FFFF: write UTF-8, escaping only
            # those (golden/rest-unprintable-text).
            text = json.dumps(translated, indent=2, sort_keys=True, ensure_ascii=False)
            f.write("".join(
                f"\\u{ord(c):04x}" if 0x7F <= ord(c) <= 0x9F or ord(c) in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF)
                else c
                for c in text))
    return errors
