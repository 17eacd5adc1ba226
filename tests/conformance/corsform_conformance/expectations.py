#!/usr/bin/env python3
"""What a deployed REST API must answer, computed from policy.toml alone.

The LocalStack tests check each deployment against this. It reads the policy,
never the generated Terraform or CloudFormation: the deployed API is checked
value by value against the policy's semantics (docs/book/src/background/design.md), so a generator
bug cannot hide behind expectations derived from its own output. Standard
library only (tomllib: Python 3.11+).

expect(policy) gives the stage, the request cases (scripts/localstack/probe.py's
case format: for every route path, a preflight per origin to try, and for every
MOCK route an actual request per method and origin; proxy (lambda/http) actual
responses belong to the backend and are not checked) and, per configured
gateway response type, the responseParameters get_gateway_responses must
return. extra_origins adds origins to try on every path (the redeploy proof
passes the origin it removed, which must no longer be echoed).

The contract implemented here:
- per path, the effective cors is [routes.cors] merged over [cors] (a key
  present in the route's table overrides);
- allow_origins entries: "*" alone, exact origins, and one-label patterns
  "scheme://*.rest" that match exactly one DNS label
  [a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?;
- preflight: status preflight_status (204); Allow-Origin "*" for "*", else the
  request Origin when an entry matches it, else the first exact origin (the
  static value) when there is one, else absent; Allow-Methods = allow_methods
  joined by "," (default: the union of every route's methods, in order of
  first appearance, ANY = GET,HEAD,POST,PUT,PATCH,DELETE,OPTIONS), absent when
  empty; Allow-Headers = allow_headers lower-cased, de-duplicated, joined by
  ","; Allow-Credentials "true" only with allow_credentials; Max-Age in
  seconds when set; Vary "Origin" exactly when Allow-Origin varies (not "*",
  and several entries or any pattern); no Expose-Headers;
- MOCK actual response: 200, Allow-Origin, Allow-Credentials and Vary as
  above, Expose-Headers = expose_headers lower-cased, joined by ","; no
  Allow-Methods;
- gateway responses ([gateway_responses].types, default DEFAULT_4XX and
  DEFAULT_5XX): Allow-Origin "'*'" for "*", "method.request.header.Origin"
  with origin = "reflect", else "'<first exact origin>'"; Allow-Credentials
  "'true'" with credentials; Expose-Headers "'a,b'" when set; Vary "'Origin'"
  only with reflect. Nothing else.
"""

import re
import tomllib
from dataclasses import dataclass

ANY_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
DURATION = re.compile(r"^([0-9]+)([smhd])$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
DEFAULT_GATEWAY_TYPES = ["DEFAULT_4XX", "DEFAULT_5XX"]
CORS_KEYS = [
    "allow_origins", "allow_methods", "allow_headers", "expose_headers",
    "allow_credentials", "max_age", "preflight_status",
]

H_ORIGIN = "Access-Control-Allow-Origin"
H_METHODS = "Access-Control-Allow-Methods"
H_HEADERS = "Access-Control-Allow-Headers"
H_CREDENTIALS = "Access-Control-Allow-Credentials"
H_MAX_AGE = "Access-Control-Max-Age"
H_EXPOSE = "Access-Control-Expose-Headers"
H_VARY = "Vary"


def dedup_lower(names):
    out = []
    for name in names or []:
        name = name.lower()
        if name not in out:
            out.append(name)
    return out


def route_methods(route):
    methods = []
    for m in route.get("methods", []):
        for one in (ANY_METHODS if m.upper() == "ANY" else [m.upper()]):
            if one not in methods:
                methods.append(one)
    return methods


def max_age_seconds(value):
    if value is None:
        return None
    if isinstance(value, int):
        return value
    m = DURATION.match(str(value))
    if not m:
        raise ValueError(f"max_age {value!r} is not seconds or 30s/10m/1h/1d")
    return int(m.group(1)) * UNIT_SECONDS[m.group(2)]


class Origins:
    """The allow_origins entries of one effective cors table."""

    def __init__(self, entries):
        self.wildcard = entries == ["*"]
        self.exact = [e for e in entries if e != "*" and "://*." not in e]
        self.patterns = []  # (scheme, suffix starting with ".")
        for e in entries:
            if "://*." in e:
                scheme, rest = e.split("://*", 1)
                self.patterns.append((scheme, rest))
        self.varies = not self.wildcard and (len(entries) > 1 or bool(self.patterns))

    def matches(self, origin):
        if origin in self.exact:
            return True
        for scheme, suffix in self.patterns:
            prefix = scheme + "://"
            if origin.startswith(prefix) and origin.endswith(suffix):
                label = origin[len(prefix):len(origin) - len(suffix)]
                if re.fullmatch(LABEL, label):
                    return True
        return False

    def allow_origin(self, origin):
        """Access-Control-Allow-Origin for a request Origin (None: no Origin)."""
        if self.wildcard:
            return "*"
        if origin is not None and self.matches(origin):
            return origin
        return self.exact[0] if self.exact else None

    def to_try(self, extra):
        """Origins to send: the allowed ones, near misses, classic attacks."""
        tries = list(self.exact)
        for scheme, suffix in self.patterns:
            tries += [
                f"{scheme}://pr-7{suffix}",                 # one label: allowed
                f"{scheme}://a.b{suffix}",                  # two labels: not allowed
                f"{scheme}://pr-7X{suffix[1:]}",            # unescaped-dot lookalike
                f"{scheme}://pr-7{suffix}.evil.com",        # suffix attack
            ]
        if self.exact:
            first = self.exact[0]
            scheme, host = first.split("://", 1)
            tries += [
                f"{scheme}://{host.replace('.', 'X', 1)}" if "." in host else f"{first}X",
                f"{first}.evil.com",
                f"{'https' if scheme == 'http' else 'http'}://{host}",
            ]
        tries += ["null", "https://evil.example.net"] + list(extra)
        out = []
        for o in tries:
            if o not in out:
                out.append(o)
        return out + [None]  # and no Origin header at all


def sample_path(path):
    """A request path for a route path: {param} -> x1, {proxy+} -> a/b."""
    path = re.sub(r"\{[^}/]+\+\}", "a/b", path)
    return re.sub(r"\{[^}/]+\}", "x1", path)


def effective_cors(base, route_cors):
    cors = dict(base)
    for key in CORS_KEYS:
        if key in route_cors:
            cors[key] = route_cors[key]
    return cors


def cors_headers(cors, default_methods):
    """(origins, preflight headers but Allow-Origin, actual headers but Allow-Origin)."""
    origins = Origins(cors.get("allow_origins", []))
    methods = [m.upper() for m in cors["allow_methods"]] if "allow_methods" in cors else default_methods
    headers = dedup_lower(cors.get("allow_headers"))
    expose = dedup_lower(cors.get("expose_headers"))
    credentials = "true" if cors.get("allow_credentials") else None
    max_age = max_age_seconds(cors.get("max_age"))
    vary = "Origin" if origins.varies else None
    preflight = {
        H_METHODS: ",".join(methods) or None,
        H_HEADERS: ",".join(headers) or None,
        H_CREDENTIALS: credentials,
        H_MAX_AGE: None if max_age is None else str(max_age),
        H_VARY: vary,
        H_EXPOSE: None,
    }
    actual = {
        H_CREDENTIALS: credentials,
        H_EXPOSE: ",".join(expose) or None,
        H_VARY: vary,
        H_METHODS: None,
    }
    return origins, preflight, actual


def shown(origin):
    return "no Origin" if origin is None else origin


def build_cases(policy, extra_origins):
    base = policy.get("cors", {})
    routes = policy.get("routes", [])
    default_methods = []
    for route in routes:
        for m in route_methods(route):
            if m not in default_methods:
                default_methods.append(m)

    by_path = {}  # path -> routes, in policy order
    for route in routes:
        by_path.setdefault(route["path"], []).append(route)

    cases = []
    for path, path_routes in by_path.items():
        route_cors = {}
        for route in path_routes:
            route_cors.update(route.get("cors", {}))
        cors = effective_cors(base, route_cors)
        origins, preflight, actual = cors_headers(cors, default_methods)
        status = int(cors.get("preflight_status", 204))
        request_path = sample_path(path)
        first_method = route_methods(path_routes[0])[0]
        for origin in origins.to_try(extra_origins):
            case = {
                "name": f"preflight {path} from {shown(origin)}",
                "path": request_path,
                "method": "OPTIONS",
                "request_method": first_method,
                "expect_status": status,
                "expect": {H_ORIGIN: origins.allow_origin(origin), **preflight},
            }
            if origin is not None:
                case["origin"] = origin
            cases.append(case)
        for route in path_routes:
            if route.get("integration", "lambda") != "mock":
                continue
            methods = ["GET"] if "ANY" in [m.upper() for m in route["methods"]] else route_methods(route)
            for method in methods:
                for origin in origins.to_try(extra_origins):
                    case = {
                        "name": f"{method} {path} (mock) from {shown(origin)}",
                        "path": request_path,
                        "method": method,
                        "expect_status": 200,
                        "expect": {H_ORIGIN: origins.allow_origin(origin), **actual},
                    }
                    if origin is not None:
                        case["origin"] = origin
                    cases.append(case)
    return cases


def gateway_responses(policy):
    cors = policy.get("cors", {})
    gr = policy.get("gateway_responses", {})
    origins = Origins(cors.get("allow_origins", []))
    mode = gr.get("origin", "first")
    params = {}
    prefix = "gatewayresponse.header."
    if origins.wildcard:
        params[prefix + H_ORIGIN] = "'*'"
    elif mode == "reflect":
        params[prefix + H_ORIGIN] = "method.request.header.Origin"
    elif origins.exact:
        params[prefix + H_ORIGIN] = f"'{origins.exact[0]}'"
    if cors.get("allow_credentials"):
        params[prefix + H_CREDENTIALS] = "'true'"
    expose = dedup_lower(cors.get("expose_headers"))
    if expose:
        params[prefix + H_EXPOSE] = "'" + ",".join(expose) + "'"
    if mode == "reflect" and not origins.wildcard:
        params[prefix + H_VARY] = "'Origin'"
    return {t: dict(params) for t in gr.get("types", DEFAULT_GATEWAY_TYPES)}


@dataclass
class Expected:
    """What one REST deployment must answer."""

    api_name: str
    stage: str
    cases: list  # probe.py cases
    gateway_responses: dict  # response type -> {responseParameters key: value}
    environment: str = None  # the [environments] entry deployed, if any


def load_policy(path):
    with open(path, "rb") as f:
        return tomllib.load(f)


def is_rest(policy):
    return policy.get("api", {}).get("type") == "rest"


def environment_names(policy):
    """The policy's [environments], in name order (corsform's order)."""
    return sorted(policy.get("environments", {}))


def with_environment(policy, name):
    """The policy as environment NAME sees it (docs/book/src/background/design.md
    "Environments"): its cors keys over [cors], its api.stage over [api] stage."""
    env = policy["environments"][name]
    out = {k: v for k, v in policy.items() if k != "environments"}
    out["cors"] = {**policy.get("cors", {}), **env.get("cors", {})}
    if "stage" in env.get("api", {}):
        out["api"] = {**policy.get("api", {}), "stage": env["api"]["stage"]}
    return out


def expect(policy, extra_origins=(), environment=None):
    """The Expected answers of a REST policy (a dict read by load_policy);
    with [environments], those of ENVIRONMENT (default: the first)."""
    if environment_names(policy):
        environment = environment or environment_names(policy)[0]
        expected = expect(with_environment(policy, environment), extra_origins)
        expected.environment = environment
        return expected
    api = policy.get("api", {})
    if not is_rest(policy):
        raise ValueError("not a REST API policy")
    return Expected(
        api_name=api.get("name"),
        stage=api.get("stage", "prod"),
        cases=build_cases(policy, list(extra_origins)),
        gateway_responses=gateway_responses(policy),
    )
