"""Drives the generated Python helpers (golden/<case>/lambda-python/cors.py)
with the REST (v1) and HTTP API (v2) events of scenarios.json, shared with the
Node runner so both helpers are held to the same expectations.

Run: python3 -m unittest discover -s tests/lambda -v
"""

import copy
import importlib.util
import json
import logging
import pathlib
import unittest

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCENARIOS = json.loads((HERE / "scenarios.json").read_text())


def load(case):
    path = ROOT / "golden" / case / "lambda-python" / "cors.py"
    spec = importlib.util.spec_from_file_location(f"cors_{case.replace('-', '_')}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ok(event, context):
    return {"statusCode": 200, "headers": {"Content-Type": "text/plain", "access-control-allow-origin": "https://evil.example"}, "body": "ok"}


def vary(event, context):
    return {"statusCode": 200, "headers": {"vary": "Accept-Encoding"}, "body": "x"}


def throws(event, context):
    raise RuntimeError("boom (expected by the test)")


def bare(event, context):
    return {"items": []}


def multi_vary(event, context):
    """Issue 12: a Vary (and a CORS header) in multiValueHeaders, beside Set-Cookie."""
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "text/plain"},
        "multiValueHeaders": {
            "Vary": ["Accept-Encoding", "Cookie"],
            "Set-Cookie": ["a=1", "b=2"],
            "Access-Control-Allow-Origin": ["https://evil.example"],
        },
        "body": "x",
    }


def string_headers(event, context):
    """Issue 12: headers that are not a dict must not make the helper raise."""
    return {"statusCode": 200, "headers": "Content-Type: text/plain", "body": "x"}


HANDLERS = {"ok": ok, "vary": vary, "throws": throws, "bare": bare, "multi_vary": multi_vary, "string_headers": string_headers}


def cors_part(headers):
    return {k: v for k, v in (headers or {}).items() if k.lower().startswith("access-control-") or k.lower() == "vary"}


class Scenarios(unittest.TestCase):
    def test_every_scenario(self):
        logging.disable(logging.CRITICAL)
        try:
            for s in SCENARIOS:
                with self.subTest(case=s["case"], name=s["name"]):
                    module = load(s["case"])
                    response = module.with_cors(HANDLERS[s["handler"]])(copy.deepcopy(s["event"]), None)
                    self.assertEqual(response["statusCode"], s["expect"]["statusCode"])
                    self.assertEqual(cors_part(response["headers"]), s["expect"]["cors"])
                    for k, v in s["expect"].get("other", {}).items():
                        self.assertEqual(response["headers"][k], v)
                    if "multi" in s["expect"]:
                        self.assertEqual(response.get("multiValueHeaders"), s["expect"]["multi"])
                    lower = [k.lower() for k in response["headers"]]
                    self.assertEqual(len(set(lower)), len(lower), f"duplicate headers: {list(response['headers'])}")
        finally:
            logging.disable(logging.NOTSET)
        print(f"lambda-python: {len(SCENARIOS)} scenarios")

    def test_helpers_directly(self):
        module = load("rest-several-origins")
        self.assertIsNone(module.preflight({"httpMethod": "GET", "resource": "/cart", "headers": {"Origin": "https://shop.example.com"}}))
        self.assertIsNone(module.preflight({"httpMethod": "OPTIONS", "resource": "/cart", "headers": {"Origin": "https://shop.example.com"}}))
        self.assertEqual(
            module.cors_headers("https://shop.example.com"),
            {"Access-Control-Allow-Origin": "https://shop.example.com", "Access-Control-Allow-Credentials": "true", "Vary": "Origin"},
        )
        self.assertEqual(module.cors_headers("https://other.example.com"), {"Vary": "Origin"})


if __name__ == "__main__":
    unittest.main()
