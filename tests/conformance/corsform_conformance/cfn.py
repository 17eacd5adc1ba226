"""cfn-lint on one template, in process (cfnlint.api): no finding at all is
accepted, informational and experimental rules included."""

from pathlib import Path

from cfnlint.api import ManualArgs, lint_file


def lint(template, ignore=()):
    """cfn-lint's findings on TEMPLATE as 'line:col rule message' strings;
    IGNORE lists rule ids to leave out."""
    config = ManualArgs(include_checks=["I"], include_experimental=True, ignore_checks=list(ignore))
    return [f"{m.linenumber}:{m.columnnumber} {m.rule.id} {m.message}" for m in lint_file(Path(template), config)]
