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


def rest_cases(root=REPO):
    """The REST cases LocalStack can deploy: a REST policy and a terraform/ module."""
    return [name for name, d in cases_with("terraform", root)
            if (d.parent / "policy.toml").is_file() and is_rest(load_policy(d.parent / "policy.toml"))]


def params(pairs):
    """pytest.param-ready (values, ids) for [(name, value)]."""
    return [value for _, value in pairs], [case_id(name) for name, _ in pairs]
