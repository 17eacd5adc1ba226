"""`corsform probe --format json` run against a LocalStack deployment, judged.

Only the checks LocalStack answers as API Gateway does are compared:
preflights (MOCK OPTIONS) and actual requests to MOCK routes. Not comparable
there: proxy routes (their CORS headers come from the backend, a placeholder
function without corsform's helper), requests refused by an authorizer and
unrouted paths (both answered with gateway responses, which LocalStack stores
but does not apply; scripts/localstack/README.md).
"""

import json
import subprocess
from dataclasses import dataclass, field


@dataclass
class ProbeResult:
    agree: int = 0
    problems: list = field(default_factory=list)
    not_comparable: int = 0

    @property
    def compared(self):
        return self.agree + len(self.problems)


def summarize(report):
    """A ProbeResult from probe's JSON report (a dict)."""
    result = ProbeResult()
    for check in report["checks"]:
        by_gateway = "MOCK" in check.get("compared_with", "")
        if check["kind"] == "no_route" or check.get("authorizer_refused") or not by_gateway:
            result.not_comparable += 1
            continue
        if check["ok"]:
            result.agree += 1
            continue
        origin = check["origin"]["value"]
        problems = "; ".join(
            f"{d.get('header')}: got {d.get('got')!r}, want {d.get('want')!r}" for d in check.get("differences", []))
        if check.get("status") != check.get("want_status") and check.get("want_status") is not None:
            problems = f"status {check.get('status')}, want {check.get('want_status')}; " + problems
        if check.get("misconfiguration"):
            problems += f" [{check['misconfiguration']}]"
        result.problems.append(f"probe {check['method']} {check['path']} from {origin}: {problems}")
    if result.compared == 0:
        result.problems.append("probe: no check was comparable (nothing was probed)")
    return result


def probe(corsform, base_url, policy, environment=None, timeout=20):
    """Runs `corsform probe BASE_URL --policy POLICY --format json`. Its exit 1
    (differences) is expected, the summary judges them; exit 2 (could not
    run) is a problem of its own."""
    report = run_probe(corsform, base_url, policy, environment, timeout)
    return report if isinstance(report, ProbeResult) else summarize(report)


def outcome(check):
    """What one check of a report says about the deployment, without what
    names the deployment itself (its URL): (kind, method, path, origin, ok,
    status, redirect, differences, misconfiguration, who answered, authorizer
    refused). Two deployments of one policy that answer alike have equal
    outcomes, proxy routes and gateway errors included."""
    return (check["kind"], check["method"], check["path"], check["origin"]["value"], check["ok"],
            check.get("status"), check.get("redirect"),
            tuple((d.get("header"), d.get("got"), d.get("want")) for d in check.get("differences", [])),
            json.dumps(check.get("misconfiguration"), sort_keys=True), json.dumps(check.get("answered_by"), sort_keys=True),
            check.get("authorizer_refused"))


def run_probe(corsform, base_url, policy, environment=None, timeout=20):
    """probe's JSON report (a dict), or a ProbeResult naming why there is none."""
    run = subprocess.run(
        [corsform, "probe", base_url, "--policy", policy, "--format", "json", "--timeout", str(timeout)]
        + (["--env", environment] if environment else []),
        capture_output=True, text=True, check=False)
    if run.returncode > 1:
        return ProbeResult(problems=[f"corsform probe exited {run.returncode}: {run.stderr.strip()}"])
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError as e:
        return ProbeResult(problems=[f"corsform probe printed no JSON report ({e}): {run.stdout[:500]}"])
    return report
