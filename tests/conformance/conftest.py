"""Fixtures and the closing summary of the conformance tier (tests/conformance).

scripts/conformance installs the tools and runs pytest here; see the book's
Tests page (docs/book/src/contributing/tests.md). Sessions share one LocalStack (started on a free port, stopped
at the end), one set of policy builds and one run of the terraform fallback.
`--self-test` runs only the planted defects (test_self_test.py); without it
they are left out.
"""

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from corsform_conformance import aws, fallback, tally, tools
from corsform_conformance.cases import cases_with
from corsform_conformance.deploy import Deployer
from corsform_conformance.localstack import LocalStack


def pytest_addoption(parser):
    parser.addoption("--self-test", action="store_true",
                     help="run only the planted defects of test_self_test.py (each must be caught)")


def pytest_collection_modifyitems(config, items):
    self_test = config.getoption("--self-test")
    keep, drop = [], []
    for item in items:
        (keep if (item.get_closest_marker("self_test") is not None) == self_test else drop).append(item)
        marker = item.get_closest_marker("tool")
        if marker:
            item.user_properties.append(("tool", marker.args[0]))
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_runtest_logreport(report):
    tool = dict(report.user_properties).get("tool")
    if not tool:
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        tally.TOOLS[tool][report.outcome] += 1
        if report.skipped:
            tally.SKIPS[tool].append(f"{report.nodeid}: {report.longrepr[2]}")


def pytest_terminal_summary(terminalreporter):
    lines = tally.summary_lines()
    if not lines:
        return
    terminalreporter.write_sep("=", "conformance summary")
    for line in lines:
        terminalreporter.write_line(line)
    skipped = [s for skips in tally.SKIPS.values() for s in skips]
    if skipped:
        terminalreporter.write_sep("!", f"{len(skipped)} SKIPPED: the checks below did not run", yellow=True)
        for line in skipped:
            terminalreporter.write_line(line, yellow=True)


@pytest.fixture(scope="session")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("conformance")


@pytest.fixture(scope="session")
def tf():
    return tools.terraform()


@pytest.fixture(scope="session")
def corsform():
    return tools.corsform()


@pytest.fixture(scope="session")
def policy_builds(corsform, work):
    """{policies/*.toml stem: (its Terraform modules, build output or None)}:
    every example policy built by corsform for the terraform target."""
    builds = {}
    for policy in sorted((tools.REPO / "policies").glob("*.toml")):
        out = Path(tempfile.mkdtemp(dir=work, prefix=f"policy-{policy.stem}-"))
        run = subprocess.run([corsform, "build", str(policy), "--target", "terraform", "--out", str(out)],
                             capture_output=True, text=True, check=False)
        modules = sorted(out.glob("*/terraform"))
        failed = run.returncode != 0 or not modules
        builds[policy.stem] = (modules, f"exit {run.returncode}: {run.stdout}{run.stderr}" if failed else None)
    return builds


@pytest.fixture(scope="session")
def fallback_results(policy_builds, work):
    """The terraform fallback's (validate, fmt) problems for every golden
    module and every module built from policies/, from one node run; a
    RuntimeError in place of the results when the checker cannot run."""
    node_modules = tools.fallback_dir()
    if node_modules is None:
        return None
    modules = [path for _, path in cases_with("terraform")]
    modules += [m for built, _ in policy_builds.values() for m in built]
    try:
        return fallback.check(node_modules, modules, work)
    except RuntimeError as e:
        return e


@pytest.fixture(scope="session")
def localstack():
    python = tools.localstack_python()
    if python is None:
        tools.unavailable("localstack", "the LocalStack venv is not installed "
                          "(scripts/localstack/env.sh ls_install; scripts/conformance runs it)")
    port = int(os.environ["LS_PORT"]) if os.environ.get("LS_PORT") else None
    ls = LocalStack(python, port=port)
    try:
        ls.start()
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
    try:
        aws.create_functions(ls.endpoint)
        yield ls
    finally:
        ls.stop()


@pytest.fixture(scope="session")
def deployer(localstack, tf, work):
    return Deployer(localstack, tf, work)
