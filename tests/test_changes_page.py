"""The changes page (``compare_to``): it names the baseline's commit and date, colours regressions
and improvements, and shows titles as their authors wrote them, escaped."""

from __future__ import annotations

import os
import re
import subprocess
import textwrap
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from plan_portal.compare import compare

PLAN = """\
# Implementation Plan: Alpha

## Constitution Check

| Gate | Status | Evidence | Owner |
|------|--------|----------|-------|
| Test First | {test} | tests written first | QA |
| Observability | {obs} | dashboards | Ops |
| Library First | {lib} | a library | Lead |

## Decision Log

| ID | Decision | Context | Status |
|----|----------|---------|--------|
| ADR-001 | Use `SQLite` | Local storage | {adr1} |
| ADR-002 | Keep one service | Small team | {adr2} |

## Risk Register

| ID | Description | Probability | Impact | Mitigation | Trigger |
|----|-------------|-------------|--------|------------|---------|
| R1 | Webhooks hold orders in `pending_payment` | {r1} | High | Retry | Lag |
| R2 | Leak of `<img src=x onerror=alert(1)>` and <script>alert(2)</script> in **logs** | Low | High | Redact | Scan |
"""
FIRST = {"test": "PASS", "obs": "WAIVED", "lib": "FAIL", "adr1": "Accepted", "adr2": "Proposed", "r1": "Low"}
SECOND = {"test": "FAIL", "obs": "FAIL", "lib": "PASS", "adr1": "Rejected", "adr2": "Accepted", "r1": "High"}
MKDOCS = "site_name: t\ntheme:\n  name: mkdocs\n  highlightjs: false\nplugins:\n  - plan-portal:\n{options}"


def git(repo: Path, *args: str, date: str = "") -> str:
    env = {**os.environ, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date} if date else None
    command = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false", *args]
    return subprocess.run(command, cwd=repo, check=True, capture_output=True, text=True, env=env).stdout.strip()


def commit(repo: Path, values: dict[str, str], message: str, date: str) -> str:
    plan = repo / "specs" / "001-alpha" / "plan.md"
    plan.parent.mkdir(parents=True, exist_ok=True)
    plan.write_text(PLAN.format(**values), encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = tmp_path / "repo"
    root.mkdir()
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    git(root, "init", "-q")
    first = commit(root, FIRST, "Plans as <script>alert(3)</script> agreed", "2026-01-02T09:15:00+01:00")
    commit(root, SECOND, "second", "2026-01-10T10:00:00+00:00")
    return root, first


def build_site(repo: Path, options: str) -> Path:
    (repo / "mkdocs.yml").write_text(MKDOCS.format(options=textwrap.indent(options, "      ")), encoding="utf-8")
    build(load_config(str(repo / "mkdocs.yml"), site_dir=str(repo / "site")))
    return repo / "site" / "plans"


def page(site: Path, name: str) -> str:
    return (site / name / "index.html").read_text(encoding="utf-8")


def rows(html: str) -> dict[str, str]:
    """Each changes table row by the record id it links to (or its feature), as HTML."""
    found = {}
    for row in re.findall(r"<tr[ >].*?</tr>", html):
        record = re.search(r'#([^"]+)">', row)
        if record:
            found[record.group(1)] = row
    return found


def test_a_date_baseline_is_named_by_commit_and_date(repo: tuple[Path, str]):
    root, first = repo
    site = build_site(root, "compare_to: 2026-01-05\n")  # YAML reads this as a date
    changes = page(site, "changes")
    assert "<h1 id=\"changes-since-2026-01-05\">Changes since 2026-01-05</h1>" in changes
    assert (f'Baseline: commit <code title="{first}">{first[:7]}</code> of '
            '<time datetime="2026-01-02T09:15:00+01:00">2026-01-02 09:15 +01:00</time>, '
            "“Plans as &lt;script&gt;alert(3)&lt;/script&gt; agreed”: the last commit on the current branch at or "
            'before <time datetime="2026-01-05T00:00:00') in changes
    assert "<script>alert(3)" not in changes
    # The nav names the page as its heading does.
    assert ">Changes since 2026-01-05</a>" in page(site, "gates")


def test_an_age_baseline_reads_as_ago(repo: tuple[Path, str]):
    root, _ = repo
    site = build_site(root, "compare_to: 1000 years\n")
    changes = page(site, "changes")
    assert ">Changes since 1000 years ago</h1>" in changes
    # Older than the first commit: a warning, and the page says why.
    assert "is before the first commit of the current branch (2026-01-02 09:15 +01:00)" in changes


def test_regressions_and_improvements_are_coloured_with_a_legend(repo: tuple[Path, str]):
    root, _ = repo
    changes = page(build_site(root, "compare_to: HEAD~1\n"), "changes")
    found = rows(changes)
    worse = '<tr class="pp-worse"><td><span class="pp-badge pp-change-{0} pp-change-plain">{0}</span> ' \
            '<span class="pp-badge pp-direction-worse">worse</span>'
    better = worse.replace("worse", "better")
    assert found["gate-pre-test-first"].startswith(worse.format("changed"))  # PASS → FAIL
    assert found["gate-pre-observability"].startswith(worse.format("changed"))  # WAIVED → FAIL
    assert found["gate-pre-library-first"].startswith(better.format("changed"))  # FAIL → PASS
    assert found["R1"].startswith(worse.format("re-rated"))  # low×high (medium) → high×high (high)
    assert found["ADR-001"].startswith(worse.format("changed"))  # accepted → rejected
    assert found["ADR-002"].startswith(better.format("changed"))  # proposed → accepted
    assert '<span class="pp-badge pp-direction-worse">worse</span> a gate further from passing' in changes
    assert "(6 worse, 3 better)" in changes  # and two errors appeared, one resolved


def test_titles_show_code_spans_as_code_and_hostile_text_as_text(repo: tuple[Path, str]):
    root, _ = repo
    plan = PLAN.format(**FIRST).replace("| Low | High | Redact", "| High | High | Redact")
    (root / "specs" / "001-alpha" / "plan.md").write_text(plan, encoding="utf-8")
    changes = page(build_site(root, "compare_to: HEAD\n"), "changes")
    found = rows(changes)
    assert "<td>Leak of <code>&lt;img src=x onerror=alert(1)&gt;</code> and &lt;script&gt;alert(2)&lt;/script&gt; " \
           "in <strong>logs</strong></td>" in found["R2"]
    assert "<script>alert" not in changes and "<img" not in changes
    assert "<td>Webhooks hold orders in <code>pending_payment</code></td>" in found["R1"]


def test_directions_of_each_kind_of_change():
    def document(gate: str, decision: str, level: str, severity: str = "") -> dict[str, object]:
        return {"features": [{"id": "f"}], "gates": [{"feature": "f", "id": "g", "name": "G", "status": gate}],
                "decisions": [{"feature": "f", "id": "d", "title": "D", "status": decision}],
                "risks": [{"feature": "f", "id": "r", "description": "R", "probability": level, "impact": level,
                           "level": level}],
                "diagnostics": [{"path": "p", "code": "c", "message": "m", "severity": severity}] if severity else []}

    def directions(before: dict[str, object], after: dict[str, object]) -> dict[str, str]:
        return {c.kind: c.direction for c in compare(before, after, "a", "b").changes}

    assert directions(document("pass", "accepted", "low"), document("waived", "superseded", "medium", "warning")) == \
        {"gate": "worse", "decision": "", "risk": "worse", "diagnostic": "worse"}
    assert directions(document("fail", "in-review", "critical", "error"), document("pending", "accepted", "high")) == \
        {"gate": "better", "decision": "better", "risk": "better", "diagnostic": "better"}
    # Unknown statuses and levels are not ranked; an accepted decision reopened is worse; info is neither.
    assert directions(document("unknown", "accepted", "unknown"), document("fail", "proposed", "high", "info")) == \
        {"gate": "", "decision": "worse", "risk": "", "diagnostic": ""}
