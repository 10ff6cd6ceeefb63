"""The documentation names every check the code can report, and its snippets run commands that exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from mkdocs.__main__ import cli as mkdocs_cli

from plan_portal.cli import main as plan_portal_cli
from plan_portal.diagnostics import CODES

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_every_check_code_is_documented_with_its_default_severity():
    text = (DOCS / "checks.md").read_text(encoding="utf-8")
    for code, check in CODES.items():
        assert f"| `{code}` | {check.severity.value} |" in text, code


# --- docs/ci.md: the workflow, pre-commit and CSV snippets run commands that exist ---------------------------

REPO = DOCS.parent


def _blocks(page: str, language: str) -> list[str]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def _parse(group: click.Group, line: str) -> click.Command:
    """Parse a command line as the CLI would, options and values checked; raise on anything unknown."""
    _, name, *args = shlex.split(line)
    command = group.get_command(click.Context(group), name)
    assert command is not None, line
    command.make_context(name, args)
    return command


def _option_names(command: click.Command) -> set[str]:
    return {name for param in command.params for name in param.opts if name.startswith("-")}


@pytest.fixture
def workflow(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.chdir(REPO)  # the commands name specs/, which the demo portfolio has
    [document] = [yaml.safe_load(block) for block in _blocks("ci.md", "yaml") if "\njobs:" in block]
    assert isinstance(document, dict)
    return document


def test_ci_workflow_commands_exist(workflow: dict[str, Any]) -> None:
    runs = [line.strip() for job in workflow["jobs"].values() for step in job["steps"]
            for line in str(step.get("run", "")).splitlines() if line.strip()]
    assert "plan-portal check --format github specs" in runs
    assert "mkdocs build --strict" in runs
    for line in runs:
        if line.startswith("plan-portal "):
            _parse(plan_portal_cli, line)
        elif line.startswith("mkdocs "):
            _parse(mkdocs_cli, line)
        else:
            assert line.split()[:2] == ["pip", "install"], line
            assert "mkdocs-plan-portal" in line.split()  # the name this project is published under
    assert 'name = "mkdocs-plan-portal"' in (REPO / "pyproject.toml").read_text(encoding="utf-8")


def test_ci_workflow_publishes_the_built_site(workflow: dict[str, Any]) -> None:
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    uploads = [step for step in build["steps"] if step.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert [step["with"]["path"] for step in uploads] == ["site"]  # MkDocs' default site_dir
    assert "site_dir" not in (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [step["uses"].split("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]
    assert "refs/heads/main" in deploy["if"]  # pull requests are checked and built, never published
    assert workflow["permissions"] == {"contents": "read"}


def test_ci_precommit_snippets_use_the_hook_with_options_of_check() -> None:
    defined = {hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))}
    snippets = [yaml.safe_load(block) for block in _blocks("ci.md", "yaml") if "plan-portal-check" in block]
    hooks = [hook for snippet in snippets for hook in (
        [h for repo in snippet["repos"] for h in repo["hooks"]] if isinstance(snippet, dict) else snippet)]
    assert len(hooks) == 2
    check = plan_portal_cli.commands["check"]
    for hook in hooks:
        definition = defined[hook["id"]]
        args = hook.get("args", [])
        assert {arg for arg in args if arg.startswith("-")} <= _option_names(check), args
        # the files it is given lie under the roots it reads
        pattern = re.compile(hook.get("files", definition["files"]))
        for root in [arg for arg in args if not arg.startswith("-")] or ["specs"]:
            assert pattern.search(f"{root}/001-feature/plan.md"), (root, pattern.pattern)
            assert not pattern.search(f"other/{root}/001-feature/plan.md")


def test_ci_shell_commands_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    lines = [line for block in _blocks("ci.md", "bash") for line in block.splitlines() if line.strip()]
    assert any("--format csv --table" in line for line in lines)
    for line in lines:
        assert line.startswith("plan-portal "), line
        _parse(plan_portal_cli, line)
