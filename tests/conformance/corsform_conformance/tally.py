"""What the tier checked, counted across the session and printed at its end,
so a reader sees the coverage (how many deployments, requests, mapping
expressions, probe checks and Chromium fetches), not only that tests passed.

Tests add to COUNTS as they check (before they assert, so a failing check is
counted too); each test's tool (its `tool` marker) and outcome are counted by
the hooks in conftest.py.
"""

from collections import Counter, defaultdict

COUNTS = Counter()
# tool -> Counter of outcomes ("passed", "failed", "skipped")
TOOLS = defaultdict(Counter)
# tool -> the skip reasons (shown again in the summary: a skip is loud)
SKIPS = defaultdict(list)


def add(**counts):
    COUNTS.update(counts)


def ratio(done, of):
    return f"{COUNTS[done]}/{COUNTS[of]}"


def localstack_line():
    c = COUNTS
    return (f"{c['deployments']} deployments, {c['requests']} requests ({c['requests_passed']} as expected), "
            f"{c['gateway_responses']} gateway responses read back ({c['gateway_responses_matched']} matched), "
            f"{c['mappings']} mapping expressions ({c['mappings_valid']} valid by API Gateway's rules), "
            f"{c['probe']} probe checks ({c['probe_agree']} agree), "
            f"{c['fetches']} fetches ({c['fetches_agree']} agree with explain), "
            f"{c['redeploys']} redeploy proofs")


def summary_lines():
    lines = [f"!!! {n}" for n in sorted(NOTES)]
    for tool in sorted(TOOLS):
        o = TOOLS[tool]
        total = o["passed"] + o["failed"]
        line = f"{tool}: {o['passed']}/{total} passed"
        if o["skipped"]:
            line += f", {o['skipped']} SKIPPED"
        lines.append(line)
    if COUNTS["deployments"] or TOOLS.get("localstack"):
        lines.append("localstack: " + localstack_line())
    if COUNTS["cdk_probe"]:
        lines.append(f"cdk probe: {COUNTS['cdk_probe']} checks of CloudFormation deployments probed again on the "
                     f"CDK deployments of the same policy, {COUNTS['cdk_probe_same']} with the same outcome")
    if COUNTS["random_policies"]:
        lines.append(f"random policies: {COUNTS['random_policies']} generated, "
                     f"{COUNTS['random_outputs']} outputs checked")
    if COUNTS["defects"]:
        lines.append(f"self-test: {COUNTS['defects_caught']}/{COUNTS['defects']} planted defects caught")
    return lines


# Loud notes for the summary (a fallback standing in for terraform, say).
NOTES = set()


def note(text):
    NOTES.add(text)
