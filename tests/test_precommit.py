"""The pre-commit hook: ``.pre-commit-hooks.yaml`` runs ``plan-portal check --files`` on the changed plans."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from plan_portal.cli import main

REPO = Path(__file__).resolve().parents[1]

PLAN = """\
# Implementation Plan: {title}

## Constitution Check

| Gate | Status | Evidence | Owner |
|------|--------|----------|-------|
| Simplicity | PASS | One project | Lead |
{gate}
## Decision Log

| ID | Decision | Context | Status | Follow-up |
|----|----------|---------|--------|-----------|
| ADR-001 | {decision} | {context} | Accepted | none |
"""
FAIL_GATE = "| Observability | FAIL | No metrics yet | Ops |\n"
#: Feature directories and their plan.md. 002 cites 001, so it checks cleanly only when 001 is read too.
FEATURES = {
    "001-base": PLAN.format(title="Base", gate="", decision="Use SQLite", context="Local storage"),
    "002-uses": PLAN.format(title="Uses", gate="", decision="Share the base store",
                            context="Depends on 001-base/ADR-001"),
    "003-broken": PLAN.format(title="Broken", gate=FAIL_GATE, decision="Ship", context="Deadline"),
    "004-dangling": PLAN.format(title="Dangling", gate="", decision="Reuse", context="Depends on 001-base/ADR-009"),
}
BROKEN_LINE = FEATURES["003-broken"].split("\n").index(FAIL_GATE.rstrip("\n")) + 1


def _hook() -> dict[str, Any]:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    found = [hook for hook in hooks if hook["id"] == "plan-portal-check"]
    assert len(found) == 1
    hook: dict[str, Any] = found[0]
    return hook


def _write_project(root: Path) -> None:
    for name, plan in FEATURES.items():
        (root / "specs" / name).mkdir(parents=True)
        (root / "specs" / name / "plan.md").write_text(plan, encoding="utf-8")
    (root / "specs" / "001-base" / "contracts").mkdir()
    (root / "specs" / "001-base" / "contracts" / "api.md").write_text("# API\n", encoding="utf-8")
    (root / "README.md").write_text("# A project\n", encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    _write_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_hook(project: Path, *changed: str) -> subprocess.CompletedProcess[str]:
    """Run the hook's entry as pre-commit does: entry, then args, then the changed files its pattern matches."""
    hook = _hook()
    executable, *entry_args = shlex.split(hook["entry"])
    program = shutil.which(executable, path=str(Path(sys.executable).parent)) or shutil.which(executable)
    assert program is not None, f"{executable} is not installed beside {sys.executable}"
    files = [name for name in changed if re.search(hook["files"], name)]
    return subprocess.run([program, *entry_args, *hook.get("args", []), *files], cwd=project,
                          capture_output=True, text=True, check=False, timeout=120)


def test_hook_definition() -> None:
    hook = _hook()
    assert hook["language"] == "python"
    assert hook["require_serial"] is True
    assert shlex.split(hook["entry"])[:3] == ["plan-portal", "check", "--files"]
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'plan-portal = "plan_portal.cli:main"' in pyproject  # the entry is this package's command
    pattern = re.compile(hook["files"])
    assert pattern.search("specs/001-a/plan.md") and pattern.search("specs/001-a/contracts/api.md")
    assert not pattern.search("README.md") and not pattern.search("docs/specs/001-a/plan.md")


def test_hook_fails_on_a_changed_broken_plan(project: Path) -> None:
    result = run_hook(project, "specs/003-broken/plan.md")
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines()[0].startswith(
        f"specs/003-broken/plan.md:{BROKEN_LINE}: error gate-fail-unmitigated: "
    )


def test_hook_passes_a_clean_change_and_resolves_references_to_other_features(project: Path) -> None:
    # 003-broken is broken, but it did not change; 002 cites 001, which did not change either.
    result = run_hook(project, "specs/002-uses/plan.md", "specs/001-base/contracts/api.md", "README.md")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "4 features, 5 gates, 0 risks, 4 decisions: 0 errors, 0 warnings, 0 notes "
        "(reported for the 2 features whose files changed)"
    ]
    # the whole root is still checked when the command runs without --files
    assert CliRunner().invoke(main, ["check"]).exit_code == 1


def test_hook_reports_a_dangling_reference_of_a_changed_feature(project: Path) -> None:
    result = run_hook(project, "specs/004-dangling/plan.md")
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("specs/004-dangling/plan.md:")
    assert " error dangling-reference: " in lines[0] and "001-base/ADR-009" in lines[0]


def test_check_files_with_other_roots_and_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "docs").mkdir()
    _write_project(tmp_path / "docs")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    # the roots are the directory arguments; with none, specs/ (missing here) is a usage error
    missing = runner.invoke(main, ["check", "--files", "docs/specs/003-broken/plan.md"])
    assert missing.exit_code == 2, missing.output
    broken = runner.invoke(main, ["check", "--files", "--format", "json", "docs/specs",
                                  "docs/specs/003-broken/plan.md"])
    assert broken.exit_code == 1, broken.output
    assert '"path": "docs/specs/003-broken/plan.md"' in broken.stdout
    off = runner.invoke(main, ["check", "--files", "--severity", "gate-fail-unmitigated=off", "docs/specs",
                               "docs/specs/003-broken/plan.md"])
    assert off.exit_code == 0, off.output
    # a file that does not exist is a usage error, as pre-commit never passes one
    gone = runner.invoke(main, ["check", "--files", "docs/specs", "docs/specs/005-gone/plan.md"])
    assert gone.exit_code == 2 and "does not exist" in gone.output


def test_check_files_reports_problems_of_the_feature_directory_itself(project: Path) -> None:
    # a feature id that exists twice is reported at the directory of the second one
    (project / "other" / "003-broken").mkdir(parents=True)
    (project / "other" / "003-broken" / "plan.md").write_text(FEATURES["001-base"], encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--files", "specs", "other", "other/003-broken/plan.md"])
    assert result.stdout.splitlines()[0].startswith("other/003-broken:1: error duplicate-id: ")
    assert "gate-fail-unmitigated" not in result.stdout  # specs/003-broken did not change
    assert result.exit_code == 1


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def test_pre_commit_try_repo(tmp_path: Path) -> None:
    """The real pre-commit installs this repository's hook and runs it on a fresh repository's plans."""
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    if pre_commit is None or shutil.which("git") is None:
        pytest.skip("pre-commit or git is not installed")
    if not (REPO / ".git").exists():
        pytest.skip("the project is not a git checkout")
    user = tmp_path / "user"
    user.mkdir()
    _write_project(user)
    _git("init", "-q", cwd=user)
    _git("add", "-A", cwd=user)
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env["PRE_COMMIT_HOME"] = str(tmp_path / "cache")

    def try_repo(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([pre_commit, "try-repo", str(REPO), "plan-portal-check", "--verbose", "--files", *files],
                              cwd=user, env=env, capture_output=True, text=True, check=False, timeout=540)

    broken = try_repo("specs/003-broken/plan.md", "specs/002-uses/plan.md")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert f"specs/003-broken/plan.md:{BROKEN_LINE}: error gate-fail-unmitigated: " in broken.stdout
    assert "(reported for the 2 features whose files changed)" in broken.stdout
    clean = try_repo("specs/002-uses/plan.md", "README.md")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "(reported for the 1 features whose files changed)" in clean.stdout
