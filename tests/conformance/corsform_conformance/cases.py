"""The golden cases the tier checks, found by walking golden/ (as the cargo
golden tests do), and their test ids: the case name with "_" for "-", so
`pytest -k rest_public` selects one case."""

from pathlib import Path

from .expectations import is_rest, load_policy
from .tools import REPO


def case_id(name):
    return name.replace("-", "_")


def cases_with(relative, root=REPO):
    """[(case name, path)] of every golden case that has RELATIVE (a file or folder)."""
    return [(d.name, d / relative) for d in sorted((Path(root) / "golden").iterdir())
            if (d / relative).exists()]


def cdk_python_module(target_dir):
    """The CDK Python module in a cdk-python folder: <api_name>_cors.py (named
    after the API so it is importable; src/render/registry.rs python_module)."""
    found = sorted(Path(target_dir).glob("*_cors.py"))
    if len(found) != 1:
        raise FileNotFoundError(f"{target_dir}: expected one *_cors.py, found {found}")
    return found[0]


def cdk_python_cases(root=REPO):
    """[(case name, module path)] of every golden case with a CDK Python module."""
    return [(d.name, cdk_python_module(d / "cdk-python"))
            for d in sorted((Path(root) / "golden").iterdir()) if (d / "cdk-python").is_dir()]


def whole_api(policy):
    """scope = "api" (the default): the module creates the whole API. A scope =
    "cors" layer needs the caller's REST API (rest_api_id, resource_ids) around
    it, so it is never deployed alone; terraform validate/fmt and cfn-lint still
    check it like every golden."""
    return policy.get("api", {}).get("scope", "api") == "api"


def rest_cases(root=REPO):
    """The REST cases LocalStack can deploy: a whole REST API and a terraform/ module."""
    out = []
    for name, d in cases_with("terraform", root):
        policy_file = d.parent / "policy.toml"
        if policy_file.is_file():
            policy = load_policy(policy_file)
            if is_rest(policy) and whole_api(policy):
                out.append(name)
    return out


def params(pairs):
    """pytest.param-ready (values, ids) for [(name, value)]."""
    return [value for _, value in pairs], [case_id(name) for name, _ in pairs]


def openapi_cases(root=REPO):
    """The cases with an `openapi` target document (golden/<case>/openapi/openapi.yaml)."""
    return [name for name, _ in cases_with("openapi/openapi.yaml", root)]


def openapi_merged_cases(root=REPO):
    """The `[api] openapi` cases: the team's document with the CORS layer
    (golden/<case>/openapi/openapi.yaml, or openapi.json for a JSON input)."""
    return [name for name, _ in cases_with("openapi", root)
            if (Path(root) / "golden" / name / "policy.toml").read_text(encoding="utf-8").count("\nopenapi = ")]
