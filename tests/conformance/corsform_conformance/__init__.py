"""The conformance tier's helpers, imported by the tests beside this package:
finding the tools (tools.py), running them (terraform.py, fallback.py, cfn.py,
sam.py), LocalStack (localstack.py, aws.py, deploy.py), what a deployment must
answer (expectations.py) and the checks on it (checks.py, http_cases.py,
readback.py, probe_report.py), and the closing counts (tally.py)."""
