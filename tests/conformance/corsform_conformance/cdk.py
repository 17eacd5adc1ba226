"""The CDK targets' checks: build the CDK apps around a golden's cors.ts and
cors.py (tests/cdk), synthesize them, and read back from any template, CDK's
or corsform's CloudFormation, the CORS resources both must deploy alike:
- REST: every MOCK method (the OPTIONS preflights and the MOCK routes), keyed
  by (resource path, HTTP method), its properties without the ids that name
  the API and the resource (the path stands for them) and with any authorizer
  id replaced by one placeholder; every gateway response, keyed by type;
- HTTP: the Api's CorsConfiguration and the route keys of routes without a
  target (the unauthorized OPTIONS routes of a layer).
Logical ids differ between CDK and corsform by design; nothing else may.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import yaml

from . import aws, tools

CDK_SRC = tools.REPO / "tests" / "cdk"


def node_dir():
    """The npm ci of tests/cdk (scripts/conformance setup_cdk), or None."""
    d = os.environ.get("CORSFORM_CDK_NODE")
    return Path(d) if d and (Path(d) / "node_modules" / "aws-cdk-lib").is_dir() else None


def python():
    """The venv python with aws-cdk-lib (scripts/conformance setup_cdk), or None."""
    p = os.environ.get("CORSFORM_CDK_PYTHON")
    return p if p and os.access(p, os.X_OK) else None


def load(template):
    """A template file (JSON or YAML) as a dict; a dict is returned as is."""
    if isinstance(template, dict):
        return template
    text = Path(template).read_text()
    return json.loads(text) if str(template).endswith(".json") else yaml.safe_load(text)


def _paths(resources):
    """A function from a ResourceId value to the resource's path."""
    def path_of(ref):
        if "Fn::GetAtt" in ref:  # [the RestApi, RootResourceId]
            return "/"
        props = resources[ref["Ref"]]["Properties"]
        parent = path_of(props["ParentId"])
        return parent.rstrip("/") + "/" + props["PathPart"]
    return path_of


def rest_cors(template, mock_routes=True, api=None):
    """{"methods": {(path, method): properties}, "gateway_responses": {type: properties}}.
    mock_routes=False keeps only the OPTIONS preflights (a scope = "cors" layer
    leaves the API's own methods, MOCK ones included, to the caller); API, a
    RestApi's logical id, keeps only that API's (a template with several)."""
    resources = load(template)["Resources"]
    path_of = _paths(resources)
    methods, gateway = {}, {}
    for r in resources.values():
        props = dict(r.get("Properties", {}))
        if api is not None and props.get("RestApiId") != {"Ref": api}:
            continue
        if r["Type"] == "AWS::ApiGateway::Method" and props.get("Integration", {}).get("Type") == "MOCK":
            if not mock_routes and props["HttpMethod"] != "OPTIONS":
                continue
            key = (path_of(props.pop("ResourceId")), props["HttpMethod"])
            props.pop("RestApiId")
            if "AuthorizerId" in props:
                props["AuthorizerId"] = "<authorizer>"
            methods[key] = props
        elif r["Type"] == "AWS::ApiGateway::GatewayResponse":
            props.pop("RestApiId")
            gateway[props["ResponseType"]] = props
    return {"methods": methods, "gateway_responses": gateway}


# The function and URL the apps give every lambda and http backend (tests/cdk,
# CDK_FUNCTION_NAME and CDK_BACKEND_URL): the placeholders the CloudFormation
# deployments get (aws.py), so a CDK deployment's proxy routes answer as the
# CloudFormation deployment's do.
FUNCTION_NAME = aws.FUNCTION_ARN.rsplit(":", 1)[1]
BACKEND_URL = aws.BACKEND_URL


def app_env(stage=None, proxy_routes=None, environment=None):
    """The environment every test app is synthesized with; ENVIRONMENT is
    the [environments] entry the module deploys (CDK_ENVIRONMENT)."""
    env = {"CDK_FUNCTION_NAME": FUNCTION_NAME, "CDK_BACKEND_URL": BACKEND_URL}
    if environment is not None:
        env["CDK_ENVIRONMENT"] = environment
    if stage is not None:
        env["CDK_STAGE"] = stage
    if proxy_routes is not None:
        env["CDK_PROXY_ROUTES"] = json.dumps(proxy_routes)
    return env


def proxy_routes(template):
    """The proxy methods (AWS_PROXY, HTTP_PROXY) of corsform's CloudFormation
    TEMPLATE, as the apply apps add them before applyCorsPolicy (their own
    business, not the module's): [{path, httpMethod, kind: lambda|http,
    backendPath (http: what follows the backend URL), pathParams,
    authorizationType, authorizer: cognito|custom|None}]. With them a CDK
    deployment has every route the CloudFormation deployment has, so probe
    meets the same API."""
    resources = load(template)["Resources"]
    path_of = _paths(resources)
    out = []
    for r in resources.values():
        props = r.get("Properties", {})
        integration = props.get("Integration", {})
        if r["Type"] != "AWS::ApiGateway::Method" or integration.get("Type") not in ("AWS_PROXY", "HTTP_PROXY"):
            continue
        backend_path = ""
        if integration["Type"] == "HTTP_PROXY":
            uri = integration["Uri"]
            uri = uri["Fn::Sub"] if isinstance(uri, dict) else uri
            backend_path = re.sub(r"^\$\{[A-Za-z0-9]+\}", "", uri)
        authorizer = props.get("AuthorizerId")
        if authorizer is not None:
            kind = resources[authorizer["Ref"]]["Properties"]["Type"]
            authorizer = "cognito" if kind == "COGNITO_USER_POOLS" else "custom"
        out.append({
            "path": path_of(props["ResourceId"]),
            "httpMethod": props["HttpMethod"],
            "kind": "lambda" if integration["Type"] == "AWS_PROXY" else "http",
            "backendPath": backend_path,
            "pathParams": sorted(k.rsplit(".", 1)[1] for k in props.get("RequestParameters", {})
                                 if k.startswith("method.request.path.")),
            "authorizationType": props.get("AuthorizationType", "NONE"),
            "authorizer": authorizer,
        })
    return out


def rest_api(template):
    """The whole REST API as both must deploy it: the API's name, description
    and endpoint type, every resource path, every method (a proxy's Uri
    reduced to what the policy decides: the Lambda's, or the path appended
    to the backend URL), the gateway responses and the stage names."""
    resources = load(template)["Resources"]
    path_of = _paths(resources)
    out = {"api": [], "paths": [], "methods": {}, "gateway_responses": rest_cors(template)["gateway_responses"],
           "stages": []}
    for r in resources.values():
        props = dict(r.get("Properties", {}))
        if r["Type"] == "AWS::ApiGateway::RestApi":
            out["api"].append({k: props.get(k) for k in ("Name", "Description", "EndpointConfiguration")})
        elif r["Type"] == "AWS::ApiGateway::Resource":
            out["paths"].append(path_of({"Ref": next(k for k, v in resources.items() if v is r)}))
        elif r["Type"] == "AWS::ApiGateway::Stage":
            out["stages"].append(props["StageName"])
        elif r["Type"] == "AWS::ApiGateway::Method":
            key = (path_of(props.pop("ResourceId")), props["HttpMethod"])
            props.pop("RestApiId")
            if "AuthorizerId" in props:
                props["AuthorizerId"] = "<authorizer>"
            integration = dict(props["Integration"])
            if integration["Type"] == "AWS_PROXY":
                integration["Uri"] = "<lambda function>"
            elif integration["Type"] == "HTTP_PROXY":
                uri = integration["Uri"]
                uri = uri["Fn::Sub"] if isinstance(uri, dict) else uri
                integration["Uri"] = re.sub(r"^(\$\{[A-Za-z0-9]+\}|" + re.escape(BACKEND_URL) + ")", "<backend>", uri)
            props["Integration"] = integration
            out["methods"][key] = props
    out["paths"].sort()
    out["stages"].sort()
    return out


def _target_id(target):
    """The integration's logical id in a route's Target: "integrations/${X}"
    (Fn::Sub) or ["integrations/", {"Ref": X}] (Fn::Join)."""
    if "Fn::Sub" in target:
        return re.fullmatch(r"integrations/\$\{(\w+)\}", target["Fn::Sub"]).group(1)
    return target["Fn::Join"][1][1]["Ref"]


def http_api(template):
    """The whole HTTP API as both must deploy it: the Api's name, description,
    protocol and CorsConfiguration; per route key its authorization (the
    authorizer's type, not its id) and its integration's properties (the
    IntegrationUri, a function ARN or the backend URL, is an input of either
    and set aside); the stages."""
    resources = load(template)["Resources"]
    out = {"api": [], "routes": {}, "stages": []}
    for r in resources.values():
        props = dict(r.get("Properties", {}))
        if r["Type"] == "AWS::ApiGatewayV2::Api":
            out["api"].append({k: props.get(k) for k in ("Name", "Description", "ProtocolType", "CorsConfiguration")})
        elif r["Type"] == "AWS::ApiGatewayV2::Stage":
            out["stages"].append((props["StageName"], props.get("AutoDeploy")))
        elif r["Type"] == "AWS::ApiGatewayV2::Route":
            integration = dict(resources[_target_id(props["Target"])]["Properties"])
            integration.pop("ApiId")
            integration["IntegrationUri"] = "<backend>"
            authorizer = props.get("AuthorizerId")
            out["routes"][props["RouteKey"]] = {
                "AuthorizationType": props.get("AuthorizationType", "NONE"),
                "Authorizer": None if authorizer is None else resources[authorizer["Ref"]]["Properties"].get(
                    "AuthorizerType"),
                "Integration": integration,
            }
    out["stages"].sort()
    return out


def http_cors(template):
    """{"cors": the Api's CorsConfiguration, "untargeted_routes": sorted route keys}."""
    resources = load(template)["Resources"]
    apis = [r for r in resources.values() if r["Type"] == "AWS::ApiGatewayV2::Api"]
    assert len(apis) == 1, f"{template}: {len(apis)} AWS::ApiGatewayV2::Api resources"
    routes = sorted(r["Properties"]["RouteKey"] for r in resources.values()
                    if r["Type"] == "AWS::ApiGatewayV2::Route" and "Target" not in r["Properties"])
    return {"cors": apis[0]["Properties"].get("CorsConfiguration"), "untargeted_routes": routes}


def layer_routes(main_tf):
    """The OPTIONS route keys the Terraform layer of an HTTP API adds."""
    return sorted(re.findall(r'route_key\s*=\s*"(OPTIONS [^"]*)"', Path(main_tf).read_text()))


def cloudformation_of(corsform, policy_file, out):
    """corsform's CloudFormation template of the policy as a whole API: a
    scope = "cors" policy is built with scope = "api" (the same plan: its
    preflights and gateway responses, and its HTTP CorsConfiguration)."""
    text = re.sub(r'(?m)^scope\s*=\s*"cors"\s*$', "", Path(policy_file).read_text())
    out.mkdir(parents=True, exist_ok=True)
    (out / "policy.toml").write_text(text)
    run = subprocess.run([corsform, "build", "policy.toml", "--target", "cloudformation", "--out", "build"],
                         cwd=out, capture_output=True, text=True, check=False)
    built = sorted(out.glob("build/*/cloudformation/template.yaml"))
    assert run.returncode == 0 and built, f"corsform build: {run.stdout}{run.stderr}"
    return built[0]


def compile_typescript(node, cases, work, extra=()):
    """Copies each (name, cors.ts, api type) with its app into WORK/ts/<name>/,
    and each (folder, {file name: source}) of EXTRA into WORK/ts/<folder>/, and
    compiles them all with tsc --strict against aws-cdk-lib's types (one run:
    loading the types is the slow part). Returns (WORK/ts, tsc output, ok)."""
    root = work / "ts"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    (root / "node_modules").symlink_to(node / "node_modules")
    shutil.copy(CDK_SRC / "tsconfig.json", root)
    for name, cors_ts, api_type in cases:
        d = root / name
        d.mkdir()
        shutil.copy(cors_ts, d / "cors.ts")
        shutil.copy(CDK_SRC / f"{api_type}_app.ts", d / "app.ts")
        if "export class Cors" in Path(cors_ts).read_text():
            shutil.copy(CDK_SRC / f"{api_type}_construct_app.ts", d / "construct_app.ts")
    for folder, files in extra:
        d = root / folder
        d.mkdir()
        for name, source in files.items():
            shutil.copy(source, d / name)
    run = subprocess.run(["node", str(node / "node_modules" / "typescript" / "bin" / "tsc"), "-p", "."],
                         cwd=root, capture_output=True, text=True, check=False)
    return root, run.stdout + run.stderr, run.returncode == 0


def lintable(template):
    """TEMPLATE re-serialized with the characters outside YAML's printable set
    (DEL, C1 controls, a byte order mark, U+FFFE/U+FFFF) as JSON escapes: the
    same template, which cfn-lint can read. CDK writes them raw (valid JSON),
    and cfn-lint reads JSON with a YAML reader that refuses them (YAML 1.1,
    5.1 "Character Set")."""
    out = Path(str(template).replace(".json", ".lintable.json"))
    text = json.dumps(load(template), indent=1, ensure_ascii=False)
    out.write_text(re.sub("[\x7f-\x84\x86-\x9f\ufeff\ufffe\uffff]", lambda m: f"\\u{ord(m.group()):04x}", text),
                   encoding="utf-8")
    return out


def run_app(command, cwd, outdir, env):
    """Runs a CDK app that synthesizes into OUTDIR, with ENV added to the
    environment; returns the finished process."""
    shutil.rmtree(outdir, ignore_errors=True)
    return subprocess.run(command, cwd=cwd, env=dict(os.environ, CDK_OUTDIR=str(outdir), **env),
                          capture_output=True, text=True, check=False, timeout=600)


def synth(command, cwd, outdir, env):
    """Runs a CDK app that synthesizes into OUTDIR, with ENV added to the
    environment; returns its template."""
    run = run_app(command, cwd, outdir, env)
    template = Path(outdir) / "Cors.template.json"
    assert run.returncode == 0 and template.is_file(), \
        f"{' '.join(map(str, command))} failed (exit {run.returncode}):\n{run.stdout}{run.stderr}"
    return template


_NO_VALUE = object()


def resolve_environment(template, environment):
    """corsform's CloudFormation TEMPLATE as CloudFormation deploys it with
    its Environment parameter set to ENVIRONMENT: every Fn::FindInMap, Fn::If
    (on the template's Conditions) and Ref Environment replaced by its value,
    and what resolves to AWS::NoValue left out (CloudFormation User Guide,
    "Condition functions", "Fn::FindInMap", "Pseudo parameters"); a map whose
    every entry is left out so is left out itself (ResponseTemplates whose
    one template is AWS::NoValue: an empty map, which API Gateway keeps as
    none, as a CDK template that has none)."""
    t = load(template)
    mappings = t.get("Mappings", {})

    def condition(node):
        if "Condition" in node:
            return conditions[node["Condition"]]
        (fn, args), = node.items()
        if fn == "Fn::Equals":
            return walk(args[0]) == walk(args[1])
        if fn == "Fn::Not":
            return not condition(args[0])
        if fn == "Fn::And":
            return all(condition(a) for a in args)
        if fn == "Fn::Or":
            return any(condition(a) for a in args)
        raise ValueError(f"condition function {fn} is not resolved here")

    def walk(node):
        if isinstance(node, dict):
            if node == {"Ref": "AWS::NoValue"}:
                return _NO_VALUE
            if node == {"Ref": "Environment"}:
                return environment
            if len(node) == 1 and "Fn::FindInMap" in node:
                name, first, second = (walk(a) for a in node["Fn::FindInMap"])
                return mappings[name][first][second]
            if len(node) == 1 and "Fn::If" in node:
                name, yes, no = node["Fn::If"]
                return walk(yes if conditions[name] else no)
            out = {}
            for k, v in node.items():
                v = walk(v)
                if v is not _NO_VALUE:
                    out[k] = v
            return _NO_VALUE if node and not out else out
        if isinstance(node, list):
            return [v for v in (walk(x) for x in node) if v is not _NO_VALUE]
        return node

    conditions = {}
    for name, body in t.get("Conditions", {}).items():
        conditions[name] = condition(body)
    return {k: walk(v) for k, v in t.items() if k not in ("Conditions", "Mappings")}
