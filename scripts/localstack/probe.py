#!/usr/bin/env python3
"""Send real CORS requests to a REST API deployed in LocalStack and check the
response headers. Part of scripts/localstack (see env.sh); standard library only.

One request, printed as JSON (status, every response header, body):
  probe.py --api-id ID --stage prod --path /items --origin https://a.example.com \
           [--method OPTIONS] [--request-method PUT] \
           [--request-headers content-type,authorization] [--header 'X-A: b']

A list of cases, one PASS/FAIL line each, then "N passed, M failed"; exit 1 on
any failure:
  probe.py --api-id ID --stage prod --cases cases.json

cases.json is a JSON list of objects:
  name             label for the report (default: "<method> <path> <origin>")
  path             e.g. "/items" (required)
  method           default "OPTIONS"
  origin           Origin header; omitted or null sends none
  request_method   Access-Control-Request-Method
  request_headers  Access-Control-Request-Headers (string or list)
  headers          other request headers, {name: value}
  api_id, stage    override the command line's for this case
  expect_status    the status code wanted (optional)
  expect           {header name: exact value, or null for "must be absent"};
                   names are compared case-insensitively, values exactly

Requests go to <endpoint>/_aws/execute-api/<api id>/<stage><path> (LocalStack's
path form); --host-form sends <endpoint>/<stage><path> with
Host: <api id>.execute-api.localhost.localstack.cloud:<port> instead.
"""

import argparse
import http.client
import json
import sys
import urllib.parse


def build_request(endpoint, api_id, stage, path, host_form):
    """(host, port, request target, Host header) for one API call."""
    url = urllib.parse.urlsplit(endpoint)
    if url.scheme != "http":
        raise SystemExit(f"probe.py: only http:// endpoints, got {endpoint}")
    port = url.port or 80
    if not path.startswith("/"):
        path = "/" + path
    if host_form:
        target = f"/{stage}{path}"
        host_header = f"{api_id}.execute-api.localhost.localstack.cloud:{port}"
    else:
        target = f"/_aws/execute-api/{api_id}/{stage}{path}"
        host_header = f"{url.hostname}:{port}"
    return url.hostname, port, target, host_header


def request_headers(case):
    """The request headers a case asks for, in sending order."""
    headers = {}
    if case.get("origin") is not None:
        headers["Origin"] = case["origin"]
    if case.get("request_method"):
        headers["Access-Control-Request-Method"] = case["request_method"]
    wanted = case.get("request_headers")
    if wanted:
        if isinstance(wanted, list):
            wanted = ",".join(wanted)
        headers["Access-Control-Request-Headers"] = wanted
    headers.update(case.get("headers") or {})
    return headers


def send(endpoint, case, host_form=False, timeout=10.0):
    """Send one request; returns {url, method, request_headers, status, headers, body}."""
    method = (case.get("method") or "OPTIONS").upper()
    host, port, target, host_header = build_request(
        endpoint, case["api_id"], case["stage"], case["path"], host_form
    )
    headers = request_headers(case)
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host_header)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders()
        resp = conn.getresponse()
        body = resp.read()
        response_headers = {}
        for name, value in resp.getheaders():
            if name in response_headers:
                response_headers[name] += ", " + value
            else:
                response_headers[name] = value
        return {
            "url": f"http://{host}:{port}{target}",
            "method": method,
            "request_headers": {"Host": host_header, **headers},
            "status": resp.status,
            "headers": response_headers,
            "body": body.decode("utf-8", "replace"),
        }
    finally:
        conn.close()


def header_value(headers, name):
    """A response header's value by case-insensitive name, or None."""
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def check(case, result):
    """The list of differences between a case's expectations and its result."""
    problems = []
    want_status = case.get("expect_status")
    if want_status is not None and result["status"] != int(want_status):
        problems.append(f"status: got {result['status']}, want {want_status}")
    for name, want in (case.get("expect") or {}).items():
        got = header_value(result["headers"], name)
        if got != want:
            shown_got = "absent" if got is None else repr(got)
            shown_want = "absent" if want is None else repr(want)
            problems.append(f"{name}: got {shown_got}, want {shown_want}")
    return problems


def case_name(case):
    return case.get("name") or (
        f"{(case.get('method') or 'OPTIONS').upper()} {case['path']} {case.get('origin')}"
    )


def run_cases(args):
    """Run every case of args.cases; prints a report; returns the exit status."""
    with open(args.cases, encoding="utf-8") as f:
        cases = json.load(f)
    if not isinstance(cases, list):
        raise SystemExit(f"probe.py: {args.cases} must hold a JSON list of cases")
    passed = failed = 0
    for case in cases:
        case = {"api_id": args.api_id, "stage": args.stage, **case}
        name = case_name(case)
        try:
            if not case.get("api_id") or not case.get("stage"):
                raise ValueError("no api_id/stage (give --api-id and --stage)")
            result = send(args.endpoint, case, args.host_form, args.timeout)
            problems = check(case, result)
        except (OSError, http.client.HTTPException, KeyError, ValueError) as e:
            problems, result = [f"request failed: {e!r}"], None
        if problems:
            failed += 1
            print(f"FAIL {name}: " + "; ".join(problems))
            if args.verbose and result:
                print(json.dumps(result, indent=2))
        else:
            passed += 1
            print(f"PASS {name}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def run_one(args):
    """Send the request the options describe and print it as JSON."""
    if not (args.api_id and args.stage and args.path):
        raise SystemExit("probe.py: --api-id, --stage and --path are needed (or --cases)")
    extra = {}
    for h in args.header:
        name, sep, value = h.partition(":")
        if not sep:
            raise SystemExit(f"probe.py: --header wants 'Name: value', got {h!r}")
        extra[name.strip()] = value.strip()
    case = {
        "api_id": args.api_id,
        "stage": args.stage,
        "path": args.path,
        "method": args.method,
        "origin": args.origin,
        "request_method": args.request_method,
        "request_headers": args.request_headers,
        "headers": extra,
    }
    print(json.dumps(send(args.endpoint, case, args.host_form, args.timeout), indent=2))
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--endpoint", default="http://127.0.0.1:4566", help="LocalStack's URL")
    p.add_argument("--api-id", help="REST API id (terraform output rest_api_id)")
    p.add_argument("--stage", help="stage name (terraform output stage_name)")
    p.add_argument("--path", help="resource path, e.g. /items")
    p.add_argument("--method", default="OPTIONS", help="HTTP method (default OPTIONS)")
    p.add_argument("--origin", help="Origin header")
    p.add_argument("--request-method", help="Access-Control-Request-Method")
    p.add_argument("--request-headers", help="Access-Control-Request-Headers")
    p.add_argument("--header", action="append", default=[], help="'Name: value', repeatable")
    p.add_argument("--cases", help="JSON file of cases to check (see above)")
    p.add_argument("--host-form", action="store_true",
                   help="use the <id>.execute-api.localhost.localstack.cloud Host header form")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="with --cases: print the full response of each failure")
    args = p.parse_args(argv)
    return run_cases(args) if args.cases else run_one(args)


if __name__ == "__main__":
    sys.exit(main())
