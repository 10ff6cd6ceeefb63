"""The ``plan-portal`` command line: exit codes, output formats, severity overrides and export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from plan_portal.cli import github_annotation, main
from plan_portal.diagnostics import Diagnostic, Severity

CLEAN_PLAN = """\
---
feature_id: 001-clean
branch: 001-clean
created_at: 2025-01-15
generator_version: 0.4.0
constitution_version: 1.2.0
---

# Implementation Plan: Clean Feature

**Spec Reference**: [spec.md](spec.md)
**Planning Status**: Draft

## Summary

Build a small, clean feature.

## Constitution Check

### Pre-Phase 0 Gate

| Gate | Status (PASS/FAIL/WAIVED) | Evidence | Owner |
|------|--------------------------|----------|-------|
| Library First | PASS | See summary | Lead |
| Test First | WAIVED | Spike only, tests must FAIL first later | QA |

### Post-Phase 1 Gate

| Gate | Status (PASS/FAIL/WAIVED) | Evidence | Owner |
|------|--------------------------|----------|-------|
| Simplicity | PASS | One project | Lead |

> Fail the command if any gate remains `FAIL` without mitigation.

## Decision Log (ADR Stubs)

| ID | Decision | Context | Status | Follow-up |
|----|----------|---------|--------|-----------|
| ADR-001 | Use SQLite | Local storage | Accepted | Revisit at 1.0 |

## Risk Register

| ID | Description | Probability | Impact | Owner | Mitigation | Trigger |
|----|-------------|-------------|--------|-------|------------|---------|
| R1 | Slow disk | Low | High | Ops | Cache reads | Latency over 1s |
"""

FAIL_ROW = "| Observability | FAIL | No metrics yet | Ops |"
FAIL_PLAN = CLEAN_PLAN.replace(
    "| Test First | WAIVED | Spike only, tests must FAIL first later | QA |",
    "| Test First | WAIVED | Spike only, tests must FAIL first later | QA |\n" + FAIL_ROW,
)
UNKNOWN_STATUS_PLAN = CLEAN_PLAN.replace("| Simplicity | PASS |", "| Simplicity | Maybe later |")
FAIL_MESSAGE = "gate 'Observability' is FAIL with no Complexity Tracking justification or risk mitigation"


def _line_of(text: str, needle: str) -> int:
    """1-based line of the first line of text containing needle."""
    return next(number for number, line in enumerate(text.split("\n"), 1) if needle in line)


def _feature(root: Path, name: str, plan: str, specs: str = "specs") -> Path:
    directory = root / specs / name
    directory.mkdir(parents=True)
    (directory / "plan.md").write_text(plan, encoding="utf-8")
    return directory


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project directory that is the working directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# --- check: exit codes ---------------------------------------------------------------------------------------


def test_check_clean_plan_exits_0(project: Path) -> None:
    _feature(project, "001-clean", CLEAN_PLAN)
    result = invoke("check", "specs")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines() == [
        "1 features, 3 gates, 1 risks, 1 decisions: 0 errors, 0 warnings, 0 notes"
    ]
    assert invoke("check", "--strict", "specs").exit_code == 0


def test_check_unmitigated_fail_gate_exits_1_with_exact_line(project: Path) -> None:
    _feature(project, "002-fail", FAIL_PLAN)
    line = _line_of(FAIL_PLAN, FAIL_ROW)
    result = invoke("check", "specs")
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"specs/002-fail/plan.md:{line}: error gate-fail-unmitigated: {FAIL_MESSAGE}"
    assert lines[-1] == "1 features, 4 gates, 1 risks, 1 decisions: 1 errors, 0 warnings, 0 notes"
    assert len(lines) == 2


def test_check_fail_gate_mitigated_by_risk_exits_0(project: Path) -> None:
    plan = FAIL_PLAN.replace(
        "| R1 | Slow disk |",
        "| R2 | Observability gate fails until metrics land | Medium | Medium | Ops | Add metrics in phase 2 | "
        "Incident without metrics |\n| R1 | Slow disk |",
    )
    _feature(project, "002-fail", plan)
    result = invoke("check", "specs")
    assert result.exit_code == 0, result.output
    assert "gate-fail-unmitigated" not in result.output


def test_check_fail_gate_mitigated_by_complexity_tracking_exits_0(project: Path) -> None:
    plan = FAIL_PLAN + (
        "\n## Complexity Tracking\n\n"
        "| Violation | Justification | Simpler Alternative Rejected Because |\n"
        "|-----------|---------------|---------------------------------------|\n"
        "| Observability | Metrics come with the platform team in Q3 | Building our own is wasted work |\n"
    )
    _feature(project, "002-fail", plan)
    result = invoke("check", "specs")
    assert result.exit_code == 0, result.output


def test_strict_makes_a_warning_exit_1(project: Path) -> None:
    _feature(project, "003-unknown", UNKNOWN_STATUS_PLAN)
    line = _line_of(UNKNOWN_STATUS_PLAN, "| Simplicity | Maybe later |")
    relaxed = invoke("check", "specs")
    assert relaxed.exit_code == 0, relaxed.output
    assert relaxed.stdout.splitlines()[0] == (
        f"specs/003-unknown/plan.md:{line}: warning unknown-status: "
        "gate status 'Maybe later' is not recognised; kept as raw text"
    )
    strict = invoke("check", "--strict", "specs")
    assert strict.exit_code == 1, strict.output
    assert strict.stdout == relaxed.stdout


def test_severity_override_turns_error_into_warning(project: Path) -> None:
    _feature(project, "002-fail", FAIL_PLAN)
    line = _line_of(FAIL_PLAN, FAIL_ROW)
    result = invoke("check", "--severity", "gate-fail-unmitigated=warning", "specs")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        f"specs/002-fail/plan.md:{line}: warning gate-fail-unmitigated: {FAIL_MESSAGE}"
    )
    assert "0 errors, 1 warnings" in result.stdout
    strict = invoke("check", "--strict", "--severity", "gate-fail-unmitigated=warning", "specs")
    assert strict.exit_code == 1


def test_severity_override_off_and_info(project: Path) -> None:
    _feature(project, "002-fail", FAIL_PLAN)
    off = invoke("check", "--severity", "gate-fail-unmitigated=off", "specs")
    assert off.exit_code == 0, off.output
    assert "gate-fail-unmitigated" not in off.stdout
    info = invoke("check", "--strict", "--severity", "gate-fail-unmitigated=info", "specs")
    assert info.exit_code == 0, info.output
    assert ": info gate-fail-unmitigated: " in info.stdout
    # an override raises severity too: a warning rated error fails without --strict
    _feature(project, "003-unknown", UNKNOWN_STATUS_PLAN)
    raised = invoke("check", "--severity", "gate-fail-unmitigated=off", "--severity", "unknown-status=error", "specs")
    assert raised.exit_code == 1, raised.output
    assert ": error unknown-status: " in raised.stdout


# --- check: formats -----------------------------------------------------------------------------------------


def test_format_json_is_a_list_of_diagnostics(project: Path) -> None:
    _feature(project, "002-fail", FAIL_PLAN)
    _feature(project, "003-unknown", UNKNOWN_STATUS_PLAN)
    result = invoke("check", "--format", "json", "specs")
    assert result.exit_code == 1
    data = json.loads(result.stdout)  # the summary line does not pollute the JSON
    assert data == [
        {"path": "specs/002-fail/plan.md", "line": _line_of(FAIL_PLAN, FAIL_ROW), "code": "gate-fail-unmitigated",
         "severity": "error", "message": FAIL_MESSAGE},
        {"path": "specs/003-unknown/plan.md", "line": _line_of(UNKNOWN_STATUS_PLAN, "Maybe later"),
         "code": "unknown-status", "severity": "warning",
         "message": "gate status 'Maybe later' is not recognised; kept as raw text"},
    ]


def test_format_json_clean_is_empty_list(project: Path) -> None:
    _feature(project, "001-clean", CLEAN_PLAN)
    result = invoke("check", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_format_github_annotations(project: Path) -> None:
    _feature(project, "002-fail", FAIL_PLAN)
    (project / "specs" / "004-spec-only").mkdir()
    (project / "specs" / "004-spec-only" / "spec.md").write_text("# Spec\n", encoding="utf-8")
    result = invoke("check", "--format", "github", "specs")
    assert result.exit_code == 1
    line = _line_of(FAIL_PLAN, FAIL_ROW)
    assert result.stdout.splitlines() == [
        f"::error file=specs/002-fail/plan.md,line={line},title=gate-fail-unmitigated::{FAIL_MESSAGE}",
        "::notice file=specs/004-spec-only/spec.md,line=1,title=spec-only-feature::"
        "feature 004-spec-only has no plan.md",
    ]
    # the summary goes to stderr so stdout holds workflow commands only
    assert "2 features" in result.stderr


def test_format_github_escapes_properties_and_data(project: Path) -> None:
    plan = FAIL_PLAN.replace(FAIL_ROW, "| Obs 100% | FAIL | No metrics yet | Ops |")
    _feature(project, "005-a,b:c", plan)
    result = invoke("check", "--format", "github", "specs")
    assert result.exit_code == 1
    line = _line_of(plan, "Obs 100%")
    assert result.stdout.splitlines() == [
        f"::error file=specs/005-a%2Cb%3Ac/plan.md,line={line},title=gate-fail-unmitigated::"
        "gate 'Obs 100%25' is FAIL with no Complexity Tracking justification or risk mitigation"
    ]


def test_github_annotation_escapes_newlines_and_commas() -> None:
    d = Diagnostic(Severity.WARNING, "unknown-status", "specs/a,b/plan:x.md", 7, "50% done,\r\nnext: line\nend")
    assert github_annotation(d) == (
        "::warning file=specs/a%2Cb/plan%3Ax.md,line=7,title=unknown-status::50%25 done,%0D%0Anext: line%0Aend"
    )
    info = Diagnostic(Severity.INFO, "spec-only-feature", "p", 1, "m")
    assert github_annotation(info) == "::notice file=p,line=1,title=spec-only-feature::m"


# --- usage errors -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["check", "missing"],
        ["check", "specs", "missing"],
        ["check", "--bogus", "specs"],
        ["check", "--format", "xml", "specs"],
        ["check", "--severity", "no-such-code=error", "specs"],
        ["check", "--severity", "gate-fail-unmitigated=fatal", "specs"],
        ["check", "--severity", "gate-fail-unmitigated", "specs"],
        ["check", "specs/001-clean/plan.md"],
        ["export", "missing"],
        ["export", "--bogus"],
        ["nonsense"],
    ],
)
def test_usage_errors_exit_2(project: Path, args: list[str]) -> None:
    _feature(project, "001-clean", CLEAN_PLAN)
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert "Error" in result.output


def test_default_root_missing_exits_2(project: Path) -> None:
    for command in ("check", "export"):
        result = invoke(command)
        assert result.exit_code == 2, result.output
        assert "specs" in result.output


def test_default_root_is_specs(project: Path) -> None:
    _feature(project, "002-fail", FAIL_PLAN)
    _feature(project, "001-other", FAIL_PLAN, specs="other")  # not read unless named
    default = invoke("check")
    assert default.exit_code == 1
    assert default.stdout == invoke("check", "specs").stdout
    assert "other/" not in default.stdout
    both = invoke("check", "specs", "other")
    assert "specs/002-fail/plan.md" in both.stdout
    assert "other/001-other/plan.md" in both.stdout
    assert "2 features" in both.stdout


# --- export -------------------------------------------------------------------------------------------------


def test_export_writes_document(project: Path) -> None:
    _feature(project, "002-fail", FAIL_PLAN)
    result = invoke("export", "-o", "out.json", "specs")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    document = json.loads((project / "out.json").read_text(encoding="utf-8"))
    assert set(document) >= {"schema", "features", "gates", "risks", "decisions", "research", "clarifications",
                             "edges", "diagnostics"}
    assert document["schema"] == "plan-portal/1"
    assert document["edges"] == []
    assert [f["id"] for f in document["features"]] == ["002-fail"]
    assert [g["name"] for g in document["gates"]] == ["Library First", "Test First", "Observability", "Simplicity"]
    assert [r["id"] for r in document["risks"]] == ["002-fail/R1"]
    assert [d["id"] for d in document["decisions"]] == ["002-fail/ADR-001"]
    assert [d["code"] for d in document["diagnostics"]] == ["gate-fail-unmitigated"]
    # records are listed at the top level, not repeated inside each feature
    assert "gates" not in document["features"][0]


def test_export_is_byte_identical_and_defaults_to_specs(project: Path) -> None:
    _feature(project, "002-fail", FAIL_PLAN)
    _feature(project, "001-clean", CLEAN_PLAN)
    assert invoke("export", "-o", "a.json", "specs").exit_code == 0
    assert invoke("export", "--output", "b.json").exit_code == 0
    first = (project / "a.json").read_bytes()
    assert first == (project / "b.json").read_bytes()
    stdout = invoke("export")
    assert stdout.exit_code == 0
    assert stdout.stdout.encode("utf-8") == first
    assert first.endswith(b"}\n")


def test_export_exit_0_even_with_errors(project: Path) -> None:
    _feature(project, "002-fail", FAIL_PLAN)
    result = invoke("export")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["diagnostics"][0]["severity"] == "error"


def test_export_to_missing_directory_is_a_usage_error(project: Path) -> None:
    _feature(project, "001-clean", CLEAN_PLAN)
    result = CliRunner().invoke(main, ["export", "-o", "missing/out.json", "specs"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 2, result.output
    assert "missing/out.json" in result.output


def test_export_to_a_directory_is_a_usage_error(project: Path) -> None:
    _feature(project, "001-clean", CLEAN_PLAN)
    (project / "out").mkdir()
    result = invoke("export", "-o", "out", "specs")
    assert result.exit_code == 2
    assert "is a directory" in result.output


def test_strict_ignores_notes(project: Path) -> None:
    _feature(project, "001-clean", CLEAN_PLAN)
    (project / "specs" / "004-spec-only").mkdir()
    (project / "specs" / "004-spec-only" / "spec.md").write_text("# Spec\n", encoding="utf-8")
    result = invoke("check", "--strict", "specs")
    assert result.exit_code == 0, result.output
    assert ": info spec-only-feature: " in result.stdout
    assert "0 errors, 0 warnings, 1 notes" in result.stdout


def test_empty_plan_is_a_warning(project: Path) -> None:
    _feature(project, "006-empty", "")
    assert invoke("check", "specs").exit_code == 0
    strict = invoke("check", "--strict", "specs")
    assert strict.exit_code == 1
    assert "specs/006-empty/plan.md:1: warning empty-plan: " in strict.stdout
