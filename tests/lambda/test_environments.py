"""The Python helper of a policy with [environments] (golden/rest-environments)
picks its environment from CORSFORM_ENVIRONMENT when it is imported: set, it
answers that environment's origins and max age and refuses the other's; unset
or unknown, it sends no CORS header at all and logs an error.
Run: python3 -m unittest discover -s tests/lambda
"""

import importlib.util
import os
import pathlib
import unittest
from unittest import mock

HELPER = pathlib.Path(__file__).resolve().parents[2] / "golden" / "rest-environments" / "lambda-python" / "cors.py"
DEV = ("http://localhost:5173", "https://dev.example.com")
PROD = ("https://app.example.com",)


def load(env):
    """A fresh import of the helper with CORSFORM_ENVIRONMENT = env (None: unset)."""
    environ = {k: v for k, v in os.environ.items() if k != "CORSFORM_ENVIRONMENT"}
    if env is not None:
        environ["CORSFORM_ENVIRONMENT"] = env
    spec = importlib.util.spec_from_file_location("cors_rest_environments", HELPER)
    module = importlib.util.module_from_spec(spec)
    with mock.patch.dict(os.environ, environ, clear=True):
        spec.loader.exec_module(module)
    return module


def preflight_event(origin):
    return {"httpMethod": "OPTIONS", "resource": "/orders",
            "headers": {"Origin": origin, "Access-Control-Request-Method": "POST"}}


def get_event(origin):
    return {"httpMethod": "GET", "resource": "/orders", "headers": {"origin": origin}}


def handler(event, context):
    return {"statusCode": 200, "body": "ok"}


def cors_only(headers):
    return {k: v for k, v in headers.items() if k.lower().startswith("access-control-")}


class Environments(unittest.TestCase):
    def test_dev_answers_its_origins_and_refuses_prods(self):
        with self.assertNoLogs(level="ERROR"):
            m = load("dev")
        for origin in DEV:
            pre = m.preflight(preflight_event(origin))
            self.assertEqual(pre["headers"]["Access-Control-Allow-Origin"], origin)
            self.assertEqual(pre["headers"]["Access-Control-Max-Age"], "600")
            res = m.with_cors(handler)(get_event(origin), None)
            self.assertEqual(res["headers"]["Access-Control-Allow-Origin"], origin)
        for origin in PROD:
            self.assertNotIn("Access-Control-Allow-Origin", m.preflight(preflight_event(origin))["headers"])

    def test_prod_answers_its_origin_and_refuses_devs(self):
        with self.assertNoLogs(level="ERROR"):
            m = load("prod")
        pre = m.preflight(preflight_event(PROD[0]))
        self.assertEqual(pre["headers"]["Access-Control-Allow-Origin"], PROD[0])
        self.assertEqual(pre["headers"]["Access-Control-Max-Age"], "7200")
        for origin in DEV:
            res = m.with_cors(handler)(get_event(origin), None)
            self.assertNotIn("Access-Control-Allow-Origin", res["headers"])
            self.assertNotIn("Access-Control-Allow-Origin", m.preflight(preflight_event(origin))["headers"])

    def test_unset_or_unknown_sends_no_cors_headers_and_logs_an_error(self):
        for env in (None, "production", ""):
            with self.subTest(env=env):
                with self.assertLogs(level="ERROR") as logs:
                    m = load(env)
                self.assertEqual(len(logs.records), 1)
                self.assertIn("CORSFORM_ENVIRONMENT", logs.output[0])
                self.assertIn("dev, prod", logs.output[0])
                for origin in DEV + PROD:
                    self.assertEqual(cors_only(m.preflight(preflight_event(origin))["headers"]), {})
                    res = m.with_cors(handler)(get_event(origin), None)
                    self.assertEqual(res["statusCode"], 200)
                    self.assertEqual(cors_only(res["headers"]), {})


if __name__ == "__main__":
    unittest.main()
