"""The CDK targets (cdk-typescript, cdk-python): for every golden case that has
them, a small app per language (tests/cdk) around the golden's module
synthesizes with aws-cdk-lib, cfn-lint accepts the template, and its CORS
resources equal those of corsform's CloudFormation template of the same
policy (corsform_conformance/cdk.py says which resources and how logical ids
are set aside). The TypeScript modules are compiled with tsc --strict first.

Then every whole REST API case (the ones test_localstack.py deploys) is
deployed per language and per app into the session's LocalStack from the
synthesized template: the apply app (applyCorsPolicy on the app's own
RestApi, after its own proxy routes: the ones corsform's CloudFormation
template has, to the same placeholder function and URL) and the construct app
(CorsRestApi of scope = "api"). Each is checked exactly as the CloudFormation
deployment of the same policy is (checks.py: real preflights and MOCK
requests header by header against policy.toml, gateway responses and mapping
expressions read back, corsform probe), and probed again beside that
CloudFormation deployment: every probe check, proxy routes and gateway errors
included, must come out the same. HTTP APIs are synthesized only: LocalStack's
community edition has no API Gateway v2.

Held-out apps (tests/cdk/heldout), written the way users write them around
held-out policies, are synthesized per scenario and some deployed; the
own-methods scenario adds the app's own MOCK and HTTP (not proxy) methods on
the policy's paths, which must carry the policy's CORS headers in the
template and answer them on LocalStack (issue 27).

scripts/conformance --only cdk installs aws-cdk-lib from npm and PyPI."""

import json
import shutil
import subprocess
from collections import Counter

import pytest
import yaml

from corsform_conformance import aws, cdk, cfn, checks, http_cases, probe_report, tally, tools
from corsform_conformance.cases import (case_id, cases_with, cdk_python_cases, cdk_python_module, rest_cases,
                                        whole_api)
from corsform_conformance.deploy import Deployment, NotDeployable, stack_name
from corsform_conformance.expectations import (H_ORIGIN, cors_headers, environment_names, expect, is_rest,
                                               load_policy, sample_path)

TS = cases_with("cdk-typescript/cors.ts")
PY = cdk_python_cases()


def api_type(cors_file):
    return "rest" if is_rest(load_policy(cors_file.parent.parent / "policy.toml")) else "http"


HELDOUT = cdk.CDK_SRC / "heldout"
# The held-out policies (tests/cdk/heldout/*.toml), which no golden has.
HELDOUT_POLICIES = ("library", "tickets")


@pytest.fixture(scope="session")
def heldout(corsform, work):
    """{held-out policy: its case folder}: each built by corsform (the two CDK
    modules and the CloudFormation template), with policy.toml beside them as
    in a golden case."""
    out = {}
    for name in HELDOUT_POLICIES:
        build = work / "heldout-build" / name
        run = subprocess.run([corsform, "build", str(HELDOUT / f"{name}.toml"), "--target", "cdk-typescript",
                              "--target", "cdk-python", "--target", "cloudformation", "--out", str(build)],
                             capture_output=True, text=True, check=False)
        assert run.returncode == 0, f"corsform build of {name}.toml: {run.stdout}{run.stderr}"
        (case,) = build.iterdir()
        shutil.copy(HELDOUT / f"{name}.toml", case / "policy.toml")
        out[name] = case
    return out


@pytest.fixture(scope="session")
def typescript(work, heldout):
    """The compiled TypeScript apps of every case and the held-out app:
    (folder, tsc output, ok); None when node's aws-cdk-lib is missing (the
    Python checks still run)."""
    node = cdk.node_dir()
    extra = [("heldout", {"app.ts": HELDOUT / "app.ts",
                          **{f"{n}.ts": heldout[n] / "cdk-typescript" / "cors.ts" for n in HELDOUT_POLICIES}})]
    return None if node is None else cdk.compile_typescript(node, [(n, p, api_type(p)) for n, p in TS], work, extra)


def need_node(typescript):
    if typescript is None:
        tools.unavailable("cdk (node)", "aws-cdk-lib is not installed (scripts/conformance --only cdk runs npm ci)")


def stage(case_dir, environment=None):
    policy = load_policy(case_dir / "policy.toml")
    if environment is not None and environment not in environment_names(policy):
        return "prod"  # an undeclared environment: the module refuses it before any stage is made
    return expect(policy, environment=environment).stage if is_rest(policy) else "prod"


def environments(case_dir):
    """The [environments] the module serves, each synthesized on its own; [None] without."""
    return environment_names(load_policy(case_dir / "policy.toml")) or [None]


_SYNTHESIZED = {}


def app_routes(case_dir):
    """The proxy routes a REST app adds before applying CORS: those of
    corsform's CloudFormation template of a whole API (none for a layer,
    whose API is the caller's)."""
    policy = load_policy(case_dir / "policy.toml")
    if not is_rest(policy) or not whole_api(policy):
        return None
    return cdk.proxy_routes(case_dir / "cloudformation" / "template.yaml")


def synthesized(lang, case_dir, work, typescript=None, app="apply", environment=None):
    """The template of LANG's APP (apply: applyCorsPolicy on the app's own
    RestApi or HttpApi; construct: the CorsRestApi of scope = "api") around
    CASE_DIR's module, synthesized once (per ENVIRONMENT, with [environments])."""
    key = (lang, case_dir.name, app, environment)
    if key not in _SYNTHESIZED:
        name = case_dir.name
        env = cdk.app_env(stage(case_dir, environment), app_routes(case_dir) if app == "apply" else None,
                          environment)
        kind = api_type(cdk_python_module(case_dir / "cdk-python"))
        if lang == "typescript":
            root, tsc_output, ok = typescript
            mine = [line for line in tsc_output.splitlines() if line.startswith(f"{name}/")]
            assert ok and not mine, f"tsc --strict rejects the modules:\n{tsc_output}"
            script = "app.js" if app == "apply" else "construct_app.js"
            command, cwd = ["node", str(root / "out" / name / script)], root
        else:
            python = cdk.python()
            if python is None:
                tools.unavailable("cdk (python)",
                                  "aws-cdk-lib is not installed (scripts/conformance --only cdk makes its venv)")
            cwd = work / ("py" if app == "apply" else "py-construct") / name
            cwd.mkdir(parents=True, exist_ok=True)
            shutil.copy(cdk_python_module(case_dir / "cdk-python"), cwd / "cors.py")
            if app == "apply":
                shutil.copy(cdk.CDK_SRC / "app.py", cwd / "app.py")
                command = [python, "app.py", kind]
            else:
                source = "construct_app.py" if kind == "rest" else "http_construct_app.py"
                shutil.copy(cdk.CDK_SRC / source, cwd / "app.py")
                command = [python, "app.py"]
        out = work / f"{lang}-{app}-out" / (name if environment is None else f"{name}-{environment}")
        _SYNTHESIZED[key] = cdk.synth(command, cwd, out, env)
    return _SYNTHESIZED[key]


def expected(corsform, case_dir, work, environment=None):
    """What the CDK template must hold: the CORS resources of corsform's
    CloudFormation template (deployed with Environment = ENVIRONMENT, with
    [environments]), and for an HTTP layer the Terraform layer's OPTIONS
    routes (the CloudFormation target builds no HTTP layer)."""
    policy = load_policy(case_dir / "policy.toml")
    layer = not whole_api(policy)
    template = cdk.cloudformation_of(corsform, case_dir / "policy.toml", work / "expected" / case_dir.name)
    if environment is not None:
        template = cdk.resolve_environment(template, environment)
    if is_rest(policy):
        return cdk.rest_cors(template, mock_routes=not layer)
    want = cdk.http_cors(template)
    if layer:
        want["untargeted_routes"] = cdk.layer_routes(case_dir / "terraform" / "main.tf")
    return want


def check(template, case_dir, corsform, work, environment=None):
    # I1022 (prefer Fn::Sub over an empty-delimiter Fn::Join) is left out, and
    # only here: CDK itself writes the RestApi's Endpoint output that way,
    # not the module; every other finding fails.
    findings = cfn.lint(cdk.lintable(template), ignore=["I1022"])
    assert not findings, f"cfn-lint on {template}:\n" + "\n".join(findings)
    want = expected(corsform, case_dir, work, environment)
    # Never an empty comparison: a REST API has a preflight per path, an HTTP API a CorsConfiguration.
    assert want.get("methods") or want.get("cors"), f"nothing to compare in {case_dir}: {want}"
    got = cdk.rest_cors(template) if "methods" in want else cdk.http_cors(template)
    assert got == want, f"{template}: the CDK app's CORS resources differ from the CloudFormation target's"


@pytest.mark.tool("cdk-typescript")
@pytest.mark.parametrize("cors_ts", [p for _, p in TS], ids=[case_id(n) for n, _ in TS])
def test_cdk_typescript(cors_ts, typescript, corsform, work):
    need_node(typescript)
    for environment in environments(cors_ts.parent.parent):
        template = synthesized("typescript", cors_ts.parent.parent, work, typescript, environment=environment)
        check(template, cors_ts.parent.parent, corsform, work, environment)


@pytest.mark.tool("cdk-python")
@pytest.mark.parametrize("cors_py", [p for _, p in PY], ids=[case_id(n) for n, _ in PY])
def test_cdk_python(cors_py, corsform, work):
    for environment in environments(cors_py.parent.parent):
        template = synthesized("python", cors_py.parent.parent, work, environment=environment)
        check(template, cors_py.parent.parent, corsform, work, environment)


CONSTRUCT = [(n, p) for n, p in TS if api_type(p) == "rest" and whole_api(load_policy(p.parent.parent / "policy.toml"))]
HTTP_CONSTRUCT = [(n, p) for n, p in TS
                  if api_type(p) == "http" and whole_api(load_policy(p.parent.parent / "policy.toml"))]


def check_construct(lang, case_dir, work, typescript=None):
    """scope = "api": CorsRestApi (CorsHttpApi) synthesizes the whole API the
    CloudFormation target deploys: REST, its resources, every method, gateway
    responses and stage; HTTP, the Api with its CORS, every route with its
    authorization and integration, the stage."""
    if lang == "typescript":
        need_node(typescript)
    for environment in environments(case_dir):
        template = synthesized(lang, case_dir, work, typescript, app="construct", environment=environment)
        findings = cfn.lint(cdk.lintable(template), ignore=["I1022"])  # I1022: CDK's own Endpoint output, as above
        assert not findings, f"cfn-lint on {template}:\n" + "\n".join(findings)
        reference = cdk.load(case_dir / "cloudformation" / "template.yaml")
        if environment is not None:
            reference = cdk.resolve_environment(reference, environment)
        if api_type(cdk_python_module(case_dir / "cdk-python")) == "rest":
            want = cdk.rest_api(reference)
            assert want["methods"] and cdk.rest_api(template) == want, \
                f"{template}: CorsRestApi differs from the CloudFormation target's API"
        else:
            want = cdk.http_api(reference)
            assert want["api"] and cdk.http_api(template) == want, \
                f"{template}: CorsHttpApi differs from the CloudFormation target's API"


@pytest.mark.tool("cdk-typescript")
@pytest.mark.parametrize("cors_ts", [p for _, p in HTTP_CONSTRUCT], ids=[case_id(n) for n, _ in HTTP_CONSTRUCT])
def test_cdk_typescript_http_construct(cors_ts, typescript, work):
    check_construct("typescript", cors_ts.parent.parent, work, typescript)


@pytest.mark.tool("cdk-typescript")
@pytest.mark.parametrize("cors_ts", [p for _, p in CONSTRUCT], ids=[case_id(n) for n, _ in CONSTRUCT])
def test_cdk_typescript_construct(cors_ts, typescript, work):
    check_construct("typescript", cors_ts.parent.parent, work, typescript)


@pytest.mark.tool("cdk-python")
@pytest.mark.parametrize("cors_ts", [p for _, p in CONSTRUCT], ids=[case_id(n) for n, _ in CONSTRUCT])
def test_cdk_python_construct(cors_ts, work):
    check_construct("python", cors_ts.parent.parent, work)


@pytest.mark.tool("cdk-python")
@pytest.mark.parametrize("cors_ts", [p for _, p in HTTP_CONSTRUCT], ids=[case_id(n) for n, _ in HTTP_CONSTRUCT])
def test_cdk_python_http_construct(cors_ts, work):
    check_construct("python", cors_ts.parent.parent, work)


@pytest.mark.tool("cdk-python")
def test_cdk_comparison_catches_a_changed_header(corsform, work):
    """The comparison can fail: one preflight header changed in a synthesized
    template makes it differ from the CloudFormation target's."""
    case_dir = tools.REPO / "golden" / "rest-several-origins"
    template = cdk.load(synthesized("python", case_dir, work))
    for r in template["Resources"].values():
        if r["Type"] == "AWS::ApiGateway::Method" and r["Properties"]["HttpMethod"] == "OPTIONS":
            params = r["Properties"]["Integration"]["IntegrationResponses"][0]["ResponseParameters"]
            params["method.response.header.Vary"] = "'Accept'"
            break
    planted = work / "planted.json"
    planted.write_text(json.dumps(template))
    assert cdk.rest_cors(planted) != expected(corsform, case_dir, work)


def test_cdk_cases_exist():
    """Every REST and HTTP shape the goldens pin has CDK modules to check."""
    assert len(TS) >= 10 and [n for n, _ in TS] == [n for n, _ in PY], (TS, PY)
    assert any(api_type(p) == "http" for _, p in TS) and any(api_type(p) == "rest" for _, p in TS)


GOLDEN = tools.REPO / "golden"
# Every whole REST case per language and app: applyCorsPolicy on the app's
# RestApi with its own proxy routes, and the CorsRestApi construct; a case
# with [environments] once per environment.
DEPLOY = [(case, lang, app, environment) for case in rest_cases() for lang in ("typescript", "python")
          for app in ("apply", "construct") for environment in environments(GOLDEN / case)
          if (GOLDEN / case / f"cdk-{lang}").is_dir()]
DEPLOY_IDS = [f"{case_id(c)}-cdk-{lang}-{app}" + (f"-{e}" if e else "") for c, lang, app, e in DEPLOY]
_DEPLOYED = {}


def deployed(case, lang, app, environment, localstack, work, typescript):
    """The LocalStack deployment of LANG's synthesized APP of CASE (of
    ENVIRONMENT, with [environments]), made once."""
    key = f"{case}-cdk-{lang}-{app}" + (f"-{environment}" if environment else "")
    if key not in _DEPLOYED:
        case_dir = GOLDEN / case
        try:
            template = synthesized(lang, case_dir, work, typescript if lang == "typescript" else None, app,
                                   environment)
            # YAML, as corsform writes: aws.adapt_template finds what LocalStack cannot create in it.
            body = work / "deploy" / f"{key}.yaml"
            body.parent.mkdir(parents=True, exist_ok=True)
            body.write_text(yaml.safe_dump(cdk.load(template), sort_keys=False))
            api_id, notes = aws.cfn_deploy(localstack.endpoint, stack_name(key), body)
            tally.add(deployments=1)
            _DEPLOYED[key] = Deployment(case_dir, f"cdk-{lang}-{app}", api_id,
                                        expect(load_policy(case_dir / "policy.toml"), environment=environment),
                                        notes=notes, stack=stack_name(key))
        except (AssertionError, aws.DeployError) as e:
            _DEPLOYED[key] = e
    made = _DEPLOYED[key]
    if isinstance(made, Exception):
        pytest.fail(f"cdk-{lang} {app} deployment ({key}) failed: {made}", pytrace=False)
    return made


def _deployment(case, lang, app, environment, localstack, work, typescript):
    if lang == "typescript":
        need_node(typescript)
    return deployed(case, lang, app, environment, localstack, work, typescript)


def cloudformation_deployment(deployer, case, environment):
    """corsform's CloudFormation template of CASE deployed (with Environment =
    ENVIRONMENT, with [environments]): what a CDK deployment is probed beside."""
    if environment is None:
        return deployer.get(GOLDEN / case, "cloudformation")
    key = f"{case}-cloudformation-{environment}"
    if key not in deployer.made:
        try:
            deployer.made[key] = deployer.deploy(GOLDEN / case, "cloudformation", key, environment=environment)
            tally.add(deployments=1)
        except (aws.DeployError, NotDeployable) as e:
            deployer.made[key] = e
    made = deployer.made[key]
    if isinstance(made, Exception):
        raise made
    return made


@pytest.mark.tool("localstack cdk headers")
@pytest.mark.parametrize("case,lang,app,environment", DEPLOY, ids=DEPLOY_IDS)
def test_cdk_localstack_headers(case, lang, app, environment, localstack, work, typescript):
    d = _deployment(case, lang, app, environment, localstack, work, typescript)
    for note in d.notes:
        print(f"note: {note}")
    problems = checks.headers(localstack, d)
    assert not problems, "\n".join(problems)


@pytest.mark.tool("localstack cdk gateway responses")
@pytest.mark.parametrize("case,lang,app,environment", DEPLOY, ids=DEPLOY_IDS)
def test_cdk_localstack_gateway_responses(case, lang, app, environment, localstack, work, typescript):
    d = _deployment(case, lang, app, environment, localstack, work, typescript)
    problems = checks.gateway_responses(localstack, d)
    assert not problems, "\n".join(problems)


@pytest.mark.tool("localstack cdk mapping expressions")
@pytest.mark.parametrize("case,lang,app,environment", DEPLOY, ids=DEPLOY_IDS)
def test_cdk_localstack_mapping_expressions(case, lang, app, environment, localstack, work, typescript):
    d = _deployment(case, lang, app, environment, localstack, work, typescript)
    problems = checks.mapping_expressions(localstack, d)
    assert not problems, "\n".join(problems)


def probe_outcomes(corsform, localstack, d):
    """{outcome: how many} of `corsform probe --policy` on deployment D."""
    report = probe_report.run_probe(corsform, localstack.base_url(d.api_id, d.stage), str(d.policy), d.environment)
    assert not isinstance(report, probe_report.ProbeResult), "\n".join(report.problems)
    return Counter(probe_report.outcome(c) for c in report["checks"])


@pytest.mark.tool("localstack cdk probe")
@pytest.mark.parametrize("case,lang,app,environment", DEPLOY, ids=DEPLOY_IDS)
def test_cdk_localstack_probe(case, lang, app, environment, localstack, deployer, corsform, work, typescript):
    """corsform probe on the CDK deployment: its MOCK answers agree with the
    policy (as on every deployment), and every check, proxy routes and
    gateway errors included, comes out as on the CloudFormation deployment
    of the same policy."""
    d = _deployment(case, lang, app, environment, localstack, work, typescript)
    problems = checks.corsform_probe(localstack, d, corsform)
    try:
        reference = cloudformation_deployment(deployer, case, environment)
    except (aws.DeployError, NotDeployable) as e:
        pytest.fail(f"the CloudFormation deployment of golden/{case} failed: {e}", pytrace=False)
    ours, theirs = probe_outcomes(corsform, localstack, d), probe_outcomes(corsform, localstack, reference)
    same = sum((ours & theirs).values())
    tally.add(cdk_probe=sum(theirs.values()), cdk_probe_same=same)
    assert theirs, f"probe made no check on the CloudFormation deployment of golden/{case}"
    problems += [f"only on CDK: {o}" for o in sorted((ours - theirs).elements(), key=repr)]
    problems += [f"only on CloudFormation: {o}" for o in sorted((theirs - ours).elements(), key=repr)]
    assert not problems, "\n".join(problems)


@pytest.mark.tool("localstack cdk probe")
def test_cdk_probe_comparison_catches_missing_routes(localstack, deployer, corsform, work):
    """The probe comparison can fail: the Python apply app of golden/rest-backends
    without its proxy routes (preflights, MOCK routes and gateway responses
    all there) answers probe otherwise than the CloudFormation deployment."""
    python = cdk.python()
    if python is None:
        tools.unavailable("cdk (python)", "aws-cdk-lib is not installed (scripts/conformance --only cdk makes its venv)")
    case_dir = GOLDEN / "rest-backends"
    cwd = work / "py-planted" / case_dir.name
    cwd.mkdir(parents=True, exist_ok=True)
    shutil.copy(cdk_python_module(case_dir / "cdk-python"), cwd / "cors.py")
    shutil.copy(cdk.CDK_SRC / "app.py", cwd / "app.py")
    template = cdk.synth([python, "app.py", "rest"], cwd, work / "py-planted-out", cdk.app_env(stage(case_dir), []))
    body = work / "deploy" / "planted-no-routes.yaml"
    body.parent.mkdir(parents=True, exist_ok=True)
    body.write_text(yaml.safe_dump(cdk.load(template), sort_keys=False))
    api_id, _ = aws.cfn_deploy(localstack.endpoint, stack_name("planted-no-routes"), body)
    planted = Deployment(case_dir, "cdk-python-planted", api_id, expect(load_policy(case_dir / "policy.toml")))
    reference = deployer.get(case_dir, "cloudformation")
    assert probe_outcomes(corsform, localstack, planted) != probe_outcomes(corsform, localstack, reference)


ENV_CASE = GOLDEN / "rest-environments"


@pytest.mark.tool("cdk-typescript")
def test_cdk_typescript_unknown_environment(typescript, work):
    """An environment the policy does not declare fails the synthesis with a
    message naming it and the declared ones (tsc already refuses it in typed
    code; this is the check for untyped callers)."""
    need_node(typescript)
    with pytest.raises(AssertionError, match=r'unknown environment "staging": the policy declares dev, prod'):
        synthesized("typescript", ENV_CASE, work, typescript, environment="staging")


@pytest.mark.tool("cdk-python")
def test_cdk_python_unknown_environment(work):
    """The same for the Python module: ValueError naming it."""
    with pytest.raises(AssertionError, match=r"unknown environment 'staging': the policy declares dev, prod"):
        synthesized("python", ENV_CASE, work, environment="staging")



# ---------------------------------------------------------------------------
# Held-out apps (tests/cdk/heldout/app.ts, app.py): written the way users
# write them, around the modules of held-out policies.
# ---------------------------------------------------------------------------

def heldout_run(lang, scenario, work, typescript, environment=None, extra_env=None, variant=None):
    """Runs LANG's held-out app for SCENARIO (with EXTRA_ENV added to its
    environment, synthesized into a folder of its own named VARIANT);
    (finished process, out folder)."""
    env = dict(cdk.app_env(environment=environment), CDK_SCENARIO=scenario, **(extra_env or {}))
    out = work / f"heldout-{lang}-out" / "-".join(x for x in (scenario, environment, variant) if x)
    if lang == "typescript":
        need_node(typescript)
        root, tsc_output, ok = typescript
        mine = [line for line in tsc_output.splitlines() if line.startswith("heldout/")]
        assert ok and not mine, f"tsc --strict rejects the held-out app or modules:\n{tsc_output}"
        return cdk.run_app(["node", str(root / "out" / "heldout" / "app.js")], root, out, env), out
    python = cdk.python()
    if python is None:
        tools.unavailable("cdk (python)", "aws-cdk-lib is not installed (scripts/conformance --only cdk makes its venv)")
    cwd = work / "py-heldout"
    if not cwd.is_dir():
        cwd.mkdir(parents=True)
        shutil.copy(HELDOUT / "app.py", cwd / "app.py")
        for name in HELDOUT_POLICIES:
            shutil.copy(cdk_python_module(work / "heldout-build" / name / name / "cdk-python"), cwd / f"{name}.py")
    return cdk.run_app([python, "app.py"], cwd, out, env), out


_HELDOUT_SYNTH = {}


def heldout_template(lang, scenario, work, typescript, heldout, environment=None, extra_env=None, variant=None):
    """The template of LANG's held-out app for SCENARIO (synthesized once per
    VARIANT, the name of EXTRA_ENV)."""
    key = (lang, scenario, environment, variant)
    if key not in _HELDOUT_SYNTH:
        run, out = heldout_run(lang, scenario, work, typescript, environment, extra_env, variant)
        template = out / "Cors.template.json"
        assert run.returncode == 0 and template.is_file(), \
            f"held-out {lang} app, {scenario}: exit {run.returncode}\n{run.stdout}{run.stderr}"
        _HELDOUT_SYNTH[key] = template
    return _HELDOUT_SYNTH[key]


def lint_clean(template):
    findings = cfn.lint(cdk.lintable(template), ignore=["I1022"])  # I1022: CDK's own Endpoint output, as above
    assert not findings, f"cfn-lint on {template}:\n" + "\n".join(findings)


def heldout_reference(heldout, policy, environment=None):
    """The CORS resources of corsform's CloudFormation template of a held-out
    policy (deployed with Environment = ENVIRONMENT)."""
    template = cdk.load(heldout[policy] / "cloudformation" / "template.yaml")
    if environment is not None:
        template = cdk.resolve_environment(template, environment)
    want = cdk.rest_cors(template)
    assert want["methods"] and want["gateway_responses"] or policy == "tickets", want
    return want


def rest_apis(template):
    return sorted(k for k, r in cdk.load(template)["Resources"].items() if r["Type"] == "AWS::ApiGateway::RestApi")


LANGS = ("typescript", "python")
TICKETS_ENVIRONMENTS = ("live", "staging")


@pytest.mark.tool("cdk held-out")
@pytest.mark.parametrize("lang", LANGS)
def test_cdk_heldout_subtree(lang, work, typescript, heldout):
    """The API in a Construct subtree, defaultMethodOptions with a Cognito
    authorizer, the app's own resources (addResource, a greedy addProxy)
    and methods before the policy: its preflights, MOCK routes and gateway
    responses are the CloudFormation target's (no preflight inherits the
    default authorizer)."""
    template = heldout_template(lang, "subtree", work, typescript, heldout)
    lint_clean(template)
    assert cdk.rest_cors(template) == heldout_reference(heldout, "library")


@pytest.mark.tool("cdk held-out")
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("environment", TICKETS_ENVIRONMENTS)
def test_cdk_heldout_explicit_deployment(lang, environment, work, typescript, heldout):
    """deploy: false with the team's own Deployment and Stage, made before the
    policy is applied, per environment of the held-out tickets policy: the
    CORS resources are the CloudFormation target's for that environment, and
    the Deployment depends on every preflight (so it deploys them)."""
    template = heldout_template(lang, "tickets-deployment", work, typescript, heldout, environment)
    lint_clean(template)
    assert cdk.rest_cors(template) == heldout_reference(heldout, "tickets", environment)
    resources = cdk.load(template)["Resources"]
    preflights = {k for k, r in resources.items()
                  if r["Type"] == "AWS::ApiGateway::Method" and r["Properties"]["HttpMethod"] == "OPTIONS"}
    (deployment,) = [r for r in resources.values() if r["Type"] == "AWS::ApiGateway::Deployment"]
    assert preflights and preflights <= set(deployment.get("DependsOn", [])), (preflights, deployment)


@pytest.mark.tool("cdk held-out")
@pytest.mark.parametrize("lang", LANGS)
def test_cdk_heldout_two_apis(lang, work, typescript, heldout):
    """Two RestApis in one stack, the policy applied to each: each has the
    CloudFormation target's CORS resources, none shared or renamed away."""
    template = heldout_template(lang, "two-apis", work, typescript, heldout)
    lint_clean(template)
    apis = rest_apis(template)
    assert len(apis) == 2, apis
    for api in apis:
        assert cdk.rest_cors(template, api=api) == heldout_reference(heldout, "library"), api


@pytest.mark.tool("cdk held-out")
@pytest.mark.parametrize("lang", LANGS)
def test_cdk_heldout_nested_stack(lang, work, typescript, heldout):
    """The API in a NestedStack: the nested template holds the CloudFormation
    target's CORS resources."""
    template = heldout_template(lang, "nested", work, typescript, heldout)
    (nested,) = template.parent.glob("*.nested.template.json")
    lint_clean(nested)
    assert cdk.rest_cors(nested) == heldout_reference(heldout, "library")


@pytest.mark.tool("cdk held-out")
@pytest.mark.parametrize("lang", LANGS)
def test_cdk_heldout_lambda_rest_api(lang, work, typescript, heldout):
    """A LambdaRestApi with proxy: false takes the policy like a RestApi."""
    template = heldout_template(lang, "lambda-rest-api", work, typescript, heldout)
    lint_clean(template)
    assert cdk.rest_cors(template) == heldout_reference(heldout, "library")


REFUSED = {
    "lambda-proxy": r"a proxying LambdaRestApi sends every path, OPTIONS included, to its function; set proxy",
    "twice": r"the policy was already applied to it; call apply(CorsPolicy|_cors_policy) once per API",
    "default-cors": r"it has default(CorsPreflightOptions|_cors_preflight_options), whose OPTIONS methods would answer",
    "spec": r"a SpecRestApi's OpenAPI document defines its paths and methods; add the policy's CORS to the document",
}


@pytest.mark.tool("cdk held-out")
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("scenario", sorted(REFUSED))
def test_cdk_heldout_refused(lang, scenario, work, typescript):
    """What the module cannot apply to fails the synthesis with a message that
    names the API and says what to do, and writes no template."""
    import re

    run, out = heldout_run(lang, scenario, work, typescript)
    output = run.stdout + run.stderr
    assert run.returncode != 0 and re.search(r"apply(CorsPolicy|_cors_policy)\(Cors/Library\): " + REFUSED[scenario],
                                             output), output[-3000:]
    assert not (out / "Cors.template.json").exists()


HELDOUT_DEPLOY = [(lang, scenario, environment) for lang in LANGS
                  for scenario, environment in (("subtree", None), ("tickets-deployment", "staging"))]
HELDOUT_DEPLOY_IDS = [f"{lang}-{scenario}" + (f"-{e}" if e else "") for lang, scenario, e in HELDOUT_DEPLOY]
_HELDOUT_DEPLOYED = {}


def heldout_deployed(lang, scenario, environment, localstack, work, typescript, heldout):
    key = f"heldout-{lang}-{scenario}" + (f"-{environment}" if environment else "")
    if key not in _HELDOUT_DEPLOYED:
        policy = "library" if scenario == "subtree" else "tickets"
        try:
            template = heldout_template(lang, scenario, work, typescript, heldout, environment)
            body = work / "deploy" / f"{key}.yaml"
            body.parent.mkdir(parents=True, exist_ok=True)
            body.write_text(yaml.safe_dump(cdk.load(template), sort_keys=False))
            api_id, notes = aws.cfn_deploy(localstack.endpoint, stack_name(key), body)
            tally.add(deployments=1)
            _HELDOUT_DEPLOYED[key] = Deployment(
                heldout[policy], key, api_id,
                expect(load_policy(heldout[policy] / "policy.toml"), environment=environment),
                notes=notes, stack=stack_name(key))
        except (AssertionError, aws.DeployError) as e:
            _HELDOUT_DEPLOYED[key] = e
    made = _HELDOUT_DEPLOYED[key]
    if isinstance(made, Exception):
        pytest.fail(f"{key} failed: {made}", pytrace=False)
    return made


def heldout_cloudformation(deployer, heldout, policy, environment):
    key = f"heldout-{policy}-cloudformation" + (f"-{environment}" if environment else "")
    if key not in deployer.made:
        try:
            deployer.made[key] = deployer.deploy(heldout[policy], "cloudformation", key, environment=environment)
            tally.add(deployments=1)
        except (aws.DeployError, NotDeployable) as e:
            deployer.made[key] = e
    made = deployer.made[key]
    if isinstance(made, Exception):
        pytest.fail(f"the CloudFormation deployment of held-out {policy} failed: {made}", pytrace=False)
    return made


@pytest.mark.tool("localstack cdk held-out")
@pytest.mark.parametrize("lang,scenario,environment", HELDOUT_DEPLOY, ids=HELDOUT_DEPLOY_IDS)
def test_cdk_heldout_localstack(lang, scenario, environment, localstack, deployer, corsform, work, typescript,
                                heldout):
    """A held-out app deployed to LocalStack: checked as every deployment is
    (requests header by header, gateway responses and mapping expressions
    read back, corsform probe), then probed beside the CloudFormation
    deployment of the same held-out policy (and environment): no difference."""
    d = heldout_deployed(lang, scenario, environment, localstack, work, typescript, heldout)
    problems = (checks.headers(localstack, d) + checks.gateway_responses(localstack, d)
                + checks.mapping_expressions(localstack, d) + checks.corsform_probe(localstack, d, corsform))
    reference = heldout_cloudformation(deployer, heldout, "library" if scenario == "subtree" else "tickets",
                                       environment)
    ours, theirs = probe_outcomes(corsform, localstack, d), probe_outcomes(corsform, localstack, reference)
    tally.add(cdk_probe=sum(theirs.values()), cdk_probe_same=sum((ours & theirs).values()))
    assert theirs, "probe made no check on the CloudFormation deployment"
    problems += [f"only on CDK: {o}" for o in sorted((ours - theirs).elements(), key=repr)]
    problems += [f"only on CloudFormation: {o}" for o in sorted((theirs - ours).elements(), key=repr)]
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------
# The app's own methods (issue 27): the held-out own-methods scenario adds its
# own non-proxy methods on the policy's paths before applyCorsPolicy.
# ---------------------------------------------------------------------------

# (path, HTTP method): the app's own non-proxy methods in the own-methods
# scenario (app.ts libraryWithOwnMethods), and what each of its integration
# responses' templates ends with (the app's own template, or what the module
# adds where there was none: nothing on MOCK, the backend's body on HTTP).
OWN_METHODS = {
    ("/books", "GET"): ("MOCK", '{"books": []}'),
    ("/ping", "GET"): ("MOCK", ""),
    ("/books/{isbn}", "GET"): ("HTTP", "$input.body"),
}
# The app's own proxy methods there: left as the app made them.
OWN_PROXY_METHODS = {("/books", "POST"), ("/books/{isbn}", "PUT"), ("/books/{isbn}", "DELETE"),
                     ("/search/{proxy+}", "GET")}


def own_methods(template):
    """{(path, method): properties} of every method of TEMPLATE but OPTIONS."""
    resources = cdk.load(template)["Resources"]
    path_of = cdk._paths(resources)
    out = {}
    for r in resources.values():
        if r["Type"] == "AWS::ApiGateway::Method" and r["Properties"]["HttpMethod"] != "OPTIONS":
            out[(path_of(r["Properties"]["ResourceId"]), r["Properties"]["HttpMethod"])] = r["Properties"]
    return out


def policy_actual_response(heldout):
    """What corsform's CloudFormation template of the library policy gives
    its MOCK route GET /ping: (integration response parameters, response
    template, method response parameters): what every non-proxy method of a
    library path must carry."""
    ping = own_methods(heldout["library"] / "cloudformation" / "template.yaml")[("/ping", "GET")]
    (integration,) = ping["Integration"]["IntegrationResponses"]
    (method,) = ping["MethodResponses"]
    return integration["ResponseParameters"], integration["ResponseTemplates"]["application/json"], \
        method["ResponseParameters"]


@pytest.mark.tool("cdk held-out")
@pytest.mark.parametrize("lang", LANGS)
def test_cdk_heldout_own_methods(lang, work, typescript, heldout):
    """The app's own MOCK and HTTP (not proxy) methods on the policy's paths,
    one of them the policy's own MOCK route GET /ping: each integration
    response maps the CORS headers corsform's CloudFormation target gives a
    MOCK route, its templates begin with the origin check and keep the app's
    own, and each of its statuses has a method response that declares them
    (the app's response models and selection patterns kept); the app's proxy
    methods are untouched; the policy's preflights, its other MOCK route and
    the gateway responses are the CloudFormation target's."""
    template = heldout_template(lang, "own-methods", work, typescript, heldout)
    lint_clean(template)
    got, want = cdk.rest_cors(template), heldout_reference(heldout, "library")
    assert got["gateway_responses"] == want["gateway_responses"]
    assert {k: v for k, v in got["methods"].items() if k not in OWN_METHODS} == \
        {k: v for k, v in want["methods"].items() if k not in OWN_METHODS}
    params, vtl, declared = policy_actual_response(heldout)
    assert vtl.startswith("#set($origin") and len(params) == 4, (params, vtl)  # several origins: the VTL check
    methods = own_methods(template)
    problems = []
    for key, (kind, own_template) in OWN_METHODS.items():
        props = methods[key]
        assert props["Integration"]["Type"] == kind, (key, props)
        responses = props["Integration"]["IntegrationResponses"]
        by_status = {m["StatusCode"]: m for m in props.get("MethodResponses", [])}
        for r in responses:
            where = f"{key} integration response {r['StatusCode']}"
            if {k: r.get("ResponseParameters", {}).get(k) for k in params} != params:
                problems.append(f"{where}: {r.get('ResponseParameters')}, not {params}")
            if r.get("ResponseTemplates") != {"application/json": vtl + own_template}:
                problems.append(f"{where}: templates {r.get('ResponseTemplates')}")
            m = by_status.get(r["StatusCode"])
            if m is None or {k: m.get("ResponseParameters", {}).get(k) for k in declared} != declared:
                problems.append(f"{where}: method response {m}, not declaring {declared}")
    books_isbn = methods[("/books/{isbn}", "GET")]
    assert [r.get("SelectionPattern") for r in books_isbn["Integration"]["IntegrationResponses"]] == [None, "404"]
    assert books_isbn["MethodResponses"][0]["ResponseModels"] == {"application/json": "Empty"}
    for key in OWN_PROXY_METHODS:
        props = methods[key]
        assert props["Integration"]["Type"] in ("AWS_PROXY", "HTTP_PROXY"), (key, props)
        assert "IntegrationResponses" not in props["Integration"] and "MethodResponses" not in props, (key, props)
    assert not problems, "\n".join(problems)


@pytest.mark.tool("cdk held-out")
def test_cdk_heldout_own_methods_same_in_both_languages(work, typescript, heldout):
    """TypeScript and Python give the app's own methods the same headers: the
    two templates are the same, resource for resource."""
    need_node(typescript)
    ts, py = (cdk.load(heldout_template(lang, "own-methods", work, typescript, heldout)) for lang in LANGS)
    assert ts["Resources"] == py["Resources"]


def own_method_cases(policy):
    """The requests to the app's own non-proxy methods and what each must
    answer (expectations.py, as for a MOCK route of the policy): from every
    origin to try, allowed (its own origin back), refused (never itself back:
    the static first origin, which a browser refuses for another origin) and
    none; Allow-Credentials, Expose-Headers and Vary as the policy says."""
    origins, _, actual = cors_headers(policy["cors"], [])
    cases = []
    for path, method in OWN_METHODS:
        for origin in origins.to_try(()):
            case = {
                "name": f"{method} {path} (the app's own) from {origin or 'no Origin'}",
                "path": sample_path(path),
                "method": method,
                "expect_status": 200,
                "expect": {H_ORIGIN: origins.allow_origin(origin), **actual},
            }
            if origin is not None:
                case["origin"] = origin
            cases.append(case)
    # Never a vacuous check: allowed origins, a pattern's among them, and refused ones.
    tried = [c.get("origin") for c in cases]
    assert any(o and origins.matches(o) and "staff" in o for o in tried), tried
    assert any(o and not origins.matches(o) for o in tried), tried
    return cases


@pytest.mark.tool("localstack cdk held-out")
@pytest.mark.parametrize("lang", LANGS)
def test_cdk_heldout_own_methods_localstack(lang, localstack, corsform, work, typescript, heldout):
    """The own-methods app deployed to LocalStack, its HTTP method's backend
    LocalStack's own health endpoint (a 200 with a JSON body): the app's own
    MOCK and HTTP methods answer every allowed origin with that origin, a
    refused one never with itself, Allow-Credentials, Expose-Headers and Vary
    as the policy says; and the deployment passes the checks every deployment
    does (the policy's preflights and MOCK routes request by request, gateway
    responses and mapping expressions read back)."""
    key = f"heldout-{lang}-own-methods"
    if key not in _HELDOUT_DEPLOYED:
        try:
            template = heldout_template(lang, "own-methods", work, typescript, heldout,
                                        extra_env={"CDK_OWN_BACKEND_URL": f"{localstack.endpoint}/_localstack/health"},
                                        variant="localstack")
            body = work / "deploy" / f"{key}.yaml"
            body.parent.mkdir(parents=True, exist_ok=True)
            body.write_text(yaml.safe_dump(cdk.load(template), sort_keys=False))
            api_id, notes = aws.cfn_deploy(localstack.endpoint, stack_name(key), body)
            tally.add(deployments=1)
            _HELDOUT_DEPLOYED[key] = Deployment(heldout["library"], key, api_id,
                                                expect(load_policy(heldout["library"] / "policy.toml")),
                                                notes=notes, stack=stack_name(key))
        except (AssertionError, aws.DeployError) as e:
            _HELDOUT_DEPLOYED[key] = e
    d = _HELDOUT_DEPLOYED[key]
    if isinstance(d, Exception):
        pytest.fail(f"{key} failed: {d}", pytrace=False)
    cases = own_method_cases(load_policy(heldout["library"] / "policy.toml"))
    passed, problems = http_cases.run_cases(localstack.endpoint, d.api_id, d.stage, cases)
    tally.add(requests=len(cases), requests_passed=passed)
    problems += checks.headers(localstack, d) + checks.gateway_responses(localstack, d) \
        + checks.mapping_expressions(localstack, d)
    assert not problems, "\n".join(problems)
