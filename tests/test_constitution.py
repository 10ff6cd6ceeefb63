"""The constitution: found, read (principles, version, amendments, git history), gates mapped to its
principles, the version each plan was checked against, and the pages that show them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from textwrap import dedent

import pytest

from plan_portal.discover import find_constitution
from plan_portal.export import export_json
from plan_portal.link.principles import PrincipleIndex, map_gates, name_key
from plan_portal.model.constitution import read_constitution
from plan_portal.model.records import Gate, Principle, Source
from plan_portal.pipeline import run
from plan_portal.settings import Settings
from test_plugin import build_site, write_site

CONSTITUTION = """\
<!--
Sync Impact Report
Version change: 1.1.0 → 1.2.0 (MINOR — new principle)
Bump rationale: MINOR. Adds Observability as IV (2026-02-10).
Modified principles: none
Added sections: IV. Observability. Removed sections: none.

---- prior report ----
Version change: 1.0.0 -> 1.1.0
Modified principles:
  - II. Async → II. Async-First Architecture
-->

# Acme Constitution

## Core Principles

### I. Test-First Development (NON-NEGOTIABLE)

Tests are written first.

#### Rules

- Red, green, refactor.

### II. Async-First Architecture

Every handler is async.

### III. Riverpod for State Management & Dependency Injection

State lives in providers.

### IV. Observability

Logs and metrics; one document, one state.

## Development Workflow

### Quality Gates

Lint and test.

**Version**: 1.2.0 | **Ratified**: 2025-01-19 | **Last Amended**: 2026-02-10
"""


def write_constitution(folder: Path, text: str = CONSTITUTION) -> Path:
    path = folder / ".specify" / "memory" / "constitution.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dedent(text), encoding="utf-8")
    return path


def read(folder: Path):  # type: ignore[no-untyped-def]
    found = find_constitution([folder / "specs"], folder)
    assert found is not None
    return read_constitution(found, 1 << 20)


def test_principles_version_dates_and_amendments_are_read(tmp_path: Path):
    (tmp_path / "specs").mkdir()
    write_constitution(tmp_path)
    constitution = read(tmp_path)
    assert (constitution.title, constitution.version, constitution.ratified, constitution.amended) == (
        "Acme Constitution", "1.2.0", "2025-01-19", "2026-02-10")
    assert [(p.id, p.number, p.name, p.non_negotiable) for p in constitution.principles] == [
        ("I", 1, "Test-First Development", True), ("II", 2, "Async-First Architecture", False),
        ("III", 3, "Riverpod for State Management & Dependency Injection", False), ("IV", 4, "Observability", False)]
    first = constitution.principles[0]
    assert first.source == Source(".specify/memory/constitution.md", 18)
    assert "Red, green, refactor." in first.text and "Async" not in first.text  # its #### rules, not the next principle
    assert [(a.from_version, a.to_version) for a in constitution.amendments] == [("1.1.0", "1.2.0"), ("1.0.0", "1.1.0")]
    latest = constitution.amendments[0]
    assert latest.summary.startswith("MINOR — new principle MINOR. Adds Observability")
    assert (latest.added, latest.removed, latest.modified, latest.date) == ("IV. Observability", "", "", "2026-02-10")
    assert constitution.amendments[1].modified == "- II. Async → II. Async-First Architecture"
    assert constitution.amendments[0].source == Source(".specify/memory/constitution.md", 3)


@pytest.mark.parametrize(("heading", "line", "expected"), [
    ("## 4. Guiding Principles\n\n### I. Protect User Data\n\n### II. Trust but Verify\n",
     "**Version**: | 1.1.0 | **Ratified**: 2025-11-24 | **Last Amended**: 2026-02-02",
     [("I", "Protect User Data"), ("II", "Trust but Verify")]),
    ("## Core Principles\n\n### Principle 1: Zero Information Loss\n\n### Principle 2: Portability\n", "",
     [("1", "Zero Information Loss"), ("2", "Portability")]),
    ("## Principles\n\n### I. 禁止過度設計 (No Over-Engineering)\n", "", [("I", "禁止過度設計 (No Over-Engineering)")]),
])
def test_principle_headings_in_the_shapes_real_constitutions_use(tmp_path: Path, heading: str, line: str,
                                                                 expected: list[tuple[str, str]]):
    (tmp_path / "specs").mkdir()
    write_constitution(tmp_path, f"# C\n\n## 1. Purpose\n\nWhy.\n\n{heading}\n{line}\n")
    constitution = read(tmp_path)
    assert [(p.id, p.name) for p in constitution.principles] == expected
    assert constitution.version == ("1.1.0" if line else "")
    assert constitution.amended == ("2026-02-02" if line else "")


def test_a_template_constitution_is_reported_unfilled(tmp_path: Path):
    (tmp_path / "specs" / "001-a").mkdir(parents=True)
    (tmp_path / "specs" / "001-a" / "plan.md").write_text("# Plan\n", encoding="utf-8")
    write_constitution(tmp_path, "# [PROJECT_NAME] Constitution\n\n## Core Principles\n\n### [PRINCIPLE_1_NAME]\n\n"
                                 "[PRINCIPLE_1_DESCRIPTION]\n\n**Version**: [CONSTITUTION_VERSION]\n")
    checked = run(Settings((tmp_path / "specs",), tmp_path))
    assert checked.portfolio.constitution is not None and checked.portfolio.constitution.unfilled
    found = [(d.code, d.path, d.line) for d in checked.diagnostics if d.path.endswith("constitution.md")]
    assert ("unfilled-placeholder", ".specify/memory/constitution.md", 5) in found


def test_found_in_the_root_or_above_it_but_not_past_the_repository_top(tmp_path: Path):
    project = tmp_path / "outer" / "project"
    (project / "docs" / "specs").mkdir(parents=True)
    (project / ".git").mkdir()
    write_constitution(tmp_path / "outer")  # above the repository: another project's
    assert find_constitution([project / "docs" / "specs"], project) is None
    write_constitution(project)
    found = find_constitution([project / "docs" / "specs"], project)
    assert found is not None and found.display == ".specify/memory/constitution.md"
    legacy = tmp_path / "legacy"
    (legacy / "specs").mkdir(parents=True)
    (legacy / "memory").mkdir()
    (legacy / "memory" / "constitution.md").write_text("# Old layout\n", encoding="utf-8")
    assert find_constitution([legacy / "specs"], legacy).display == "memory/constitution.md"  # type: ignore[union-attr]


def test_the_option_names_it_and_a_missing_one_is_a_warning(tmp_path: Path):
    (tmp_path / "specs").mkdir()
    elsewhere = write_constitution(tmp_path / "governance")
    checked = run(Settings((tmp_path / "specs",), tmp_path, constitution=elsewhere))
    assert checked.portfolio.constitution is not None and checked.portfolio.constitution.version == "1.2.0"
    checked = run(Settings((tmp_path / "specs",), tmp_path, constitution=tmp_path / "nope.md"))
    assert checked.portfolio.constitution is None
    assert [(d.code, d.severity.value, d.path) for d in checked.diagnostics] == [
        ("missing-constitution", "warning", "nope.md")]


def test_a_constitution_that_is_a_symlink_out_of_the_project_is_not_read(tmp_path: Path):
    secret = tmp_path / "secret.md"
    secret.write_text("# Secret\n\n**Version**: 9.9.9\n", encoding="utf-8")
    project = tmp_path / "project"
    (project / "specs").mkdir(parents=True)
    (project / ".git").mkdir()
    link = project / ".specify" / "memory" / "constitution.md"
    link.parent.mkdir(parents=True)
    link.symlink_to(secret)
    checked = run(Settings((project / "specs",), project))
    assert checked.portfolio.constitution is not None and checked.portfolio.constitution.version == ""
    assert [d.code for d in checked.diagnostics] == ["outside-root"]


PRINCIPLES = [Principle(i, n, name, False, text, Source("c.md", n)) for i, n, name, text in (
    ("I", 1, "Test-First Development", "Red, green, refactor."),
    ("II", 2, "Async-First Architecture", ""),
    ("III", 3, "Riverpod for State Management & Dependency Injection", ""),
    ("IV", 4, "Observability", "Logs and metrics; one document, one state."),
    ("V", 5, "Externalised Configuration", ""),
    ("VI", 6, "語意明確的命名 (Intention-Revealing Names)", ""),
)]


@pytest.mark.parametrize(("name", "expected"), [
    ("II. Async-First Architecture", "II"),                 # number and name agree
    ("Principle 2", "II"),                                   # number alone
    ("Principle II: Async-First", "II"),
    ("Test-First Development (NON-NEGOTIABLE)", "I"),         # name alone
    ("III. Riverpod state/DI", "III"),                       # abbreviated
    ("Riverpod for State & DI", "III"),
    ("IV. One document, one state", "IV"),                   # a rule the principle's text states
    ("I. Authorship & Attribution", None),                   # a principle an older constitution numbered I
    ("VII. Externalised Configuration", "V"),                # renumbered since: the name decides
    ("v3.7.0 — elevation gating (Principle V)", "V"),        # cited by number anywhere
    ("Configuration-editor completeness", None),             # one word in two is not the principle
    ("Library-First", None),
    ("VI. 語意命名", "VI"),                                    # wide characters compared one by one
    ("Observability", "IV"),
])
def test_gates_map_to_the_principle_they_check(name: str, expected: str | None):
    gate = Gate("f/g", "f", "g", name, "pre-research", "Constitution Check", "pass", "PASS", "", "",
                Source("plan.md", 1))
    map_gates([gate], _constitution())
    assert gate.principle == expected


def test_a_rule_row_checks_the_principle_of_the_heading_above_it():
    rows = [Gate("f/g", "f", "g", "Frontend uses the protocol layer", "pre-research", "Constitution Check", "pass",
                 "PASS", "", "", Source("plan.md", 1), group=group) for group in ("I. Test-First", "Summary")]
    map_gates(rows, _constitution())
    assert [g.principle for g in rows] == ["I", None]


def test_without_a_constitution_no_gate_has_a_principle_and_spellings_share_a_key():
    gate = Gate("f/g", "f", "g", "I. Test-First", "pre-research", "", "pass", "PASS", "", "", Source("plan.md", 1))
    gate.principle = "stale"
    map_gates([gate], None)
    assert gate.principle is None
    assert {name_key(n) for n in ("Principle I: Test-First Development", "I. Test-First Development",
                                  "Test-First Development (NON-NEGOTIABLE)", "test first")} == {"test first"}
    assert PrincipleIndex([]).match("I. Test-First") is None


def _constitution():  # type: ignore[no-untyped-def]
    from plan_portal.model.records import Constitution
    return Constitution("c.md", "C", "1.0.0", "", "", list(PRINCIPLES))


PLAN = """\
# Implementation Plan: {title}

**Branch**: `{fid}`

## Summary

Builds on the rule of constitution v0.9.0 for caching.

## Constitution Check

Evaluated against all principles of constitution **v1.1.0**.

| Principle | Status | Notes |
|-----------|--------|-------|
| I. Test-First | PASS | yes |
| Observability | FAIL | none yet |

### Post-Design Re-check

**Constitution re-check (v1.2.0):** ✅ PASS
{footer}
"""


def test_the_version_a_plan_was_checked_against_comes_from_its_words(tmp_path: Path):
    write_constitution(tmp_path)
    based_on = "\n---\n*Based on Constitution v2.1.1 - See `/memory/constitution.md`*"
    for fid, footer in (("001-a", ""), ("002-b", based_on)):
        folder = tmp_path / "specs" / fid
        folder.mkdir(parents=True)
        text = PLAN.format(title=fid, fid=fid, footer=footer)
        if fid == "002-b":  # no version in its check: only the footer names one
            text = text.replace("**v1.1.0**", "the constitution").replace("(v1.2.0)", "")
        (folder / "plan.md").write_text(text, encoding="utf-8")
    features = {f.id: f for f in run(Settings((tmp_path / "specs",), tmp_path)).portfolio.features}
    first, second = features["001-a"], features["002-b"]
    assert (first.constitution_version, first.constitution_version_source) == (
        "1.2.0", Source("specs/001-a/plan.md", 20))
    assert (second.constitution_version, second.constitution_version_source.line) == ("2.1.1", 23)  # type: ignore[union-attr]
    assert [(g.name, g.principle) for g in first.gates] == [("I. Test-First", "I"), ("Observability", "IV")]


def _git(folder: Path, *args: str) -> None:
    when = "2026-01-05T10:00:00"
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@e", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@e", GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, env=env)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_amendments_only_earlier_versions_recorded_come_from_git_history(tmp_path: Path):
    (tmp_path / "specs").mkdir()
    _git(tmp_path, "init", "-q")
    first = "<!--\nVersion change: (template) → 1.0.0\nAdded sections: Core Principles\n-->\n# C\n\n" \
            "## Core Principles\n\n### I. Tests\n\n**Version**: 1.0.0 | **Ratified**: 2025-01-01\n"
    write_constitution(tmp_path, first)
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "ratify")
    write_constitution(tmp_path, first.replace("**Version**: 1.0.0", "**Version**: 1.0.1"))  # no report written
    _git(tmp_path, "commit", "-qam", "wording")
    write_constitution(tmp_path, "<!--\nVersion change: 1.0.1 → 1.1.0\nAdded sections: II. Speed\n-->\n# C\n\n"
                                 "## Core Principles\n\n### I. Tests\n\n### II. Speed\n\n**Version**: 1.1.0\n")
    checked = run(Settings((tmp_path / "specs",), tmp_path))
    constitution = checked.portfolio.constitution
    assert constitution is not None
    assert [(a.from_version, a.to_version, bool(a.commit)) for a in constitution.amendments] == [
        ("1.0.1", "1.1.0", False), ("1.0.0", "1.0.1", True), ("template", "1.0.0", True)]
    assert constitution.amendments[2].added == "Core Principles" and constitution.amendments[2].date == "2026-01-05"


def test_export_holds_the_constitution_and_each_gates_principle(tmp_path: Path):
    write_constitution(tmp_path)
    folder = tmp_path / "specs" / "001-a"
    folder.mkdir(parents=True)
    (folder / "plan.md").write_text(PLAN.format(title="a", fid="001-a", footer=""), encoding="utf-8")
    document = json.loads(export_json(run(Settings((tmp_path / "specs",), tmp_path))))
    constitution = document["constitution"]
    assert (constitution["path"], constitution["version"], constitution["ratified"], constitution["amended"]) == (
        ".specify/memory/constitution.md", "1.2.0", "2025-01-19", "2026-02-10")
    assert constitution["principles"][0] == {
        "id": "I", "name": "Test-First Development", "non_negotiable": True,
        "source": {"path": ".specify/memory/constitution.md", "line": 18}}
    assert constitution["amendment"]["to_version"] == "1.2.0" and len(constitution["amendments"]) == 2
    assert [(g["name"], g["principle"]) for g in document["gates"]] == [("I. Test-First", "I"), ("Observability", "IV")]


def _site(tmp_path: Path, with_constitution: bool = True) -> Path:
    root = write_site(tmp_path, {"001-alpha": {"constitution": "1.2.0"}, "002-beta": {"constitution": "1.0.0"},
                                 "003-gamma": {"status": "FAIL", "constitution": "1.1.0"}})
    if with_constitution:
        write_constitution(root, CONSTITUTION.replace("### I. Test-First Development", "### I. Contract First")
                           .replace("### IV. Observability", "### IV. Single Datastore"))
    return build_site(root)


def test_the_gate_matrix_has_one_column_per_principle(tmp_path: Path):
    html = (_site(tmp_path) / "plans" / "gates" / "index.html").read_text(encoding="utf-8")
    matrix = html[html.index('class="pp-table pp-matrix"'):]
    matrix = matrix[:matrix.index("</table>")]
    header = matrix[:matrix.index("</thead>")]
    assert header.count('class="pp-matrix-principle"') == 4 and 'class="pp-matrix-named"' not in header
    assert 'href="../constitution/#principle-iv"' in header and 'title="IV. Single Datastore"' in header
    rows = matrix.split("<tr>")[2:]
    assert len(rows) == 3 and "003-gamma" in rows[0]  # the failing feature first
    cells = rows[0].split("<td")[1:]
    assert "pp-gate-pass" in cells[0] and "pp-gate-fail" in cells[3] and "</a>" not in cells[1]


def test_without_a_constitution_the_matrix_groups_gates_by_name(tmp_path: Path):
    html = (_site(tmp_path, with_constitution=False) / "plans" / "gates" / "index.html").read_text(encoding="utf-8")
    header = html[html.index('class="pp-table pp-matrix"'):]
    header = header[:header.index("</thead>")]
    assert header.count('class="pp-matrix-named"') == 2 and "<span>Contract first</span>" in header


def test_the_constitution_page_lists_principles_amendments_and_drift(tmp_path: Path):
    html = (_site(tmp_path) / "plans" / "constitution" / "index.html").read_text(encoding="utf-8")
    assert 'id="principle-i"' in html and 'id="principle-iv"' in html
    principle = html[html.index('id="principle-iv"'):]
    principle = principle[:principle.index('class="pp-portal pp-principle"') if 'pp-principle"' in principle else None]
    assert "2 pass" in principle and "1 fail" in principle and "003-gamma" in principle  # what to act on
    assert 'id="amendment-1-2-0"' in html and "Adds Observability as IV" in html
    current = html.index("Version 1.2.0")
    older = html.index("Version 1.0.0")
    assert current < html.index("Version 1.1.0") < older
    assert 'href="#amendment-1-1-0">1.1.0</a>, ' not in html[current:html.index("Version 1.1.0")]
    drift = html[older:]
    assert 'href="#amendment-1-2-0">1.2.0</a>, <a href="#amendment-1-1-0">1.1.0</a>' in drift and "002-beta" in drift
