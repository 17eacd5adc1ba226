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


def resolve_environment(template, environment):
    """TEMPLATE (the translator's output, a dict) with the per-environment
    intrinsics corsform writes resolved for ENVIRONMENT, as CloudFormation
    resolves them at deploy time: Fn::FindInMap on the Environments Mapping,
    Fn::If on a Condition `Fn::Equals: [Ref Environment, NAME]`, and
    Ref AWS::NoValue (the key or item is dropped). Anything else is kept."""
    mappings = template.get("Mappings", {}).get("Environments", {}).get(environment, {})
    conditions = {name: c["Fn::Equals"][1] == environment
                  for name, c in template.get("Conditions", {}).items()
                  if isinstance(c, dict) and "Fn::Equals" in c}
    drop = object()

    def walk(node):
        if isinstance(node, dict):
            if set(node) == {"Ref"} and node["Ref"] == "AWS::NoValue":
                return drop
            if set(node) == {"Fn::FindInMap"} and node["Fn::FindInMap"][0] == "Environments":
                return mappings[node["Fn::FindInMap"][2]]
            if set(node) == {"Fn::If"} and node["Fn::If"][0] in conditions:
                cond, yes, no = node["Fn::If"]
                return walk(yes if conditions[cond] else no)
            out = {}
            for k, v in node.items():
                v = walk(v)
                if v is not drop:
                    out[k] = v
            return out
        if isinstance(node, list):
            return [w for w in (walk(v) for v in node) if w is not drop]
        return node

    return walk(template)
