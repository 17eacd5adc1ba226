"""The cache key of every generated CloudFront cache policy, tried on a small
caching proxy (CloudFront is not in LocalStack's free edition).

The proxy caches as CloudFront does (Developer Guide, "Understand the cache
key"): by method class, path, query string and the values of the headers the
cache policy lists, ignoring Vary. Its origin answers as the API does: each
allowed Origin echoed (a policy's allow_origins, patterns included), with
`Vary: Origin` and a Cache-Control that lets the proxy keep the answer, and a
preflight that echoes the requested method and headers. The key comes from
the generated files (Terraform's headers_config items, CloudFormation's
Headers), the origins from policy.toml.

Two allowed origins one after the other, then a preflight asking for other
headers: with the generated key each gets its own answer; with a key without
Origin (the classic mistake) the second gets the first's Allow-Origin, which
shows the check can fail.
"""

import fnmatch
import re

import pytest
import yaml

from corsform_conformance import expectations, tools

GOLDEN = tools.REPO / "golden"


def keys():
    """(case, where, headers of the cache key) per generated cache policy."""
    out = []
    for tf in sorted(GOLDEN.glob("*/terraform/main.tf")):
        text = tf.read_text(encoding="utf-8")
        m = re.search(r'resource "aws_cloudfront_cache_policy".*?headers \{\s*items\s*=\s*(\[[^\]]*\])', text, re.S)
        if m:
            out.append((tf.parts[-3], "terraform", yaml.safe_load(m.group(1))))
    for template in sorted(GOLDEN.glob("*/cloudformation/template.yaml")):
        doc = yaml.safe_load(template.read_text(encoding="utf-8"))
        for r in doc.get("Resources", {}).values():
            if r.get("Type") == "AWS::CloudFront::CachePolicy":
                cfg = r["Properties"]["CachePolicyConfig"]["ParametersInCacheKeyAndForwardedToOrigin"]
                out.append((template.parts[-3], "cloudformation", cfg["HeadersConfig"]["Headers"]))
    return out


KEYS = keys()


def origin_server(policy):
    """The API's answer to (method, headers): an allowed Origin echoed."""
    listed = policy["cors"]["allow_origins"]

    def answer(method, headers):
        origin = headers.get("origin")
        out = {"vary": "Origin", "cache-control": "max-age=60"}
        if origin and any(o == "*" or fnmatch.fnmatchcase(origin, o) for o in listed):
            out["access-control-allow-origin"] = origin
            if method == "OPTIONS":
                out["access-control-allow-methods"] = headers.get("access-control-request-method", "")
                out["access-control-allow-headers"] = headers.get("access-control-request-headers", "")
        return out

    return answer


class CachingProxy:
    """Caches by what the cache key names; never reads Vary."""

    def __init__(self, origin, key_headers):
        self.origin = origin
        self.key_headers = [h.lower() for h in key_headers]
        self.cache = {}
        self.misses = 0

    def request(self, method, path, headers):
        headers = {k.lower(): v for k, v in headers.items()}
        # GET and HEAD share entries; OPTIONS has its own (cached methods).
        key = ("OPTIONS" if method == "OPTIONS" else "GET", path,
               tuple(headers.get(h) for h in self.key_headers))
        if key not in self.cache:
            self.misses += 1
            self.cache[key] = self.origin(method, headers)
        return self.cache[key]


def two_origins(policy):
    """Two origins with what each must get: the first allowed one, then a
    second allowed one (a pattern's `*` made concrete), or, with one origin
    only, a refused one, which must get no Allow-Origin at all."""
    listed = policy["cors"]["allow_origins"]
    concrete = [o.replace("*", "one") for o in listed if o != "*"]
    for o in listed:
        if "*" in o and o != "*":
            concrete.append(o.replace("*", "two"))
    first = concrete[0]
    second = next((o for o in concrete[1:] if o != first), None)
    if second:
        return (first, first), (second, second)
    return (first, first), ("https://refused.example.org", None)


def run(proxy, policy):
    """Problems a browser would meet behind PROXY."""
    a, b = two_origins(policy)
    problems = []
    for method in ("GET", "OPTIONS"):
        for (origin, want), asked in ((a, "content-type"), (b, "content-type"), (a, "content-type,x-trace")):
            h = {"Origin": origin}
            if method == "OPTIONS":
                h.update({"Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": asked})
            got = proxy.request(method, "/items?page=1", h)
            if got.get("access-control-allow-origin") != want:
                problems.append(f"{method} from {origin}: Allow-Origin {got.get('access-control-allow-origin')!r}")
            if method == "OPTIONS" and want and got.get("access-control-allow-headers") != asked:
                problems.append(f"preflight from {origin} asking {asked}: Allow-Headers "
                                f"{got.get('access-control-allow-headers')!r}")
    return problems


def case_policy(case):
    policy = expectations.load_policy(GOLDEN / case / "policy.toml")
    envs = expectations.environment_names(policy)
    return expectations.with_environment(policy, envs[-1]) if envs else policy


@pytest.mark.tool("cloudfront cache key")
@pytest.mark.parametrize("case,where,key", KEYS, ids=[f"{c}-{w}" for c, w, _ in KEYS])
def test_generated_key_serves_each_origin_its_own_answer(case, where, key):
    policy = case_policy(case)
    proxy = CachingProxy(origin_server(policy), key)
    assert not run(proxy, policy)
    # The key is no wider than CORS needs: a repeated request is a hit.
    misses = proxy.misses
    run(proxy, policy)
    assert proxy.misses == misses


@pytest.mark.tool("cloudfront cache key")
@pytest.mark.parametrize("case,where,key", KEYS[:1], ids=[f"{c}-{w}" for c, w, _ in KEYS[:1]])
def test_a_key_without_origin_serves_the_wrong_origin(case, where, key):
    policy = case_policy(case)
    wrong = [h for h in key if h.lower() != "origin"]
    problems = run(CachingProxy(origin_server(policy), wrong), policy)
    assert any("Allow-Origin" in p for p in problems), problems
    no_request_headers = [h for h in key if h.lower() != "access-control-request-headers"]
    problems = run(CachingProxy(origin_server(policy), no_request_headers), policy)
    assert any("Allow-Headers" in p for p in problems), problems
