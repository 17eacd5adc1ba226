"""Real requests to a deployed API, checked header by header against the
cases expectations.py computed, with scripts/localstack/probe.py's sender
(one HTTP/1.1 request per case, standard library only)."""

import http.client
import sys

from .tools import REPO

sys.path.insert(0, str(REPO / "scripts" / "localstack"))
import probe  # noqa: E402  (scripts/localstack/probe.py)


def run_cases(endpoint, api_id, stage, cases, timeout=10.0):
    """(cases passed, problems): every case sent to API_ID's STAGE."""
    passed, problems = 0, []
    for case in cases:
        case = {"api_id": api_id, "stage": stage, **case}
        try:
            differences = probe.check(case, probe.send(endpoint, case, False, timeout))
        except (OSError, http.client.HTTPException) as e:
            differences = [f"request failed: {e!r}"]
        if differences:
            problems.append(f"{probe.case_name(case)}: " + "; ".join(differences))
        else:
            passed += 1
    return passed, problems
