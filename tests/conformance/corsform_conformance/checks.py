"""The checks made on one LocalStack deployment, shared by the tests and the
self-test: each returns its problems (empty: passed) and counts what it
checked in tally.COUNTS."""

from . import http_cases, probe_report, readback, tally


def headers(ls, d):
    """Every request case of the policy sent to the deployment, header by header."""
    passed, problems = http_cases.run_cases(ls.endpoint, d.api_id, d.stage, d.expected.cases)
    tally.add(requests=len(d.expected.cases), requests_passed=passed)
    return problems


def gateway_responses(ls, d):
    """The configured gateway responses read back (LocalStack does not send them)."""
    matched, problems = readback.gateway_response_problems(
        ls.endpoint, d.api_id, d.expected.gateway_responses, d.from_template)
    tally.add(gateway_responses=len(d.expected.gateway_responses), gateway_responses_matched=matched)
    return problems


def mapping_expressions(ls, d):
    """Every response mapping read back and judged by API Gateway's deploy-time rules."""
    checked, problems = readback.mapping_expression_problems(ls.endpoint, d.api_id, d.from_template)
    tally.add(mappings=checked, mappings_valid=max(checked - len(problems), 0))
    return problems


def corsform_probe(ls, d, corsform):
    """`corsform probe` against the deployment (what LocalStack answers as AWS)."""
    result = probe_report.probe(corsform, ls.base_url(d.api_id, d.stage), str(d.policy), d.environment)
    tally.add(probe=result.compared, probe_agree=result.agree)
    return result.problems
