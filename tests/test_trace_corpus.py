"""Traceability records on the real projects of ../shared/corpus (skipped without it).

The samples below were checked by hand against the files: line numbers, ids, priorities and
states as an editor shows them. Run with ``-s`` to see each project's counts.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from plan_portal.checked import CheckedPortfolio
from plan_portal.pipeline import run
from plan_portal.settings import Settings

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

if not CORPUS.is_dir():
    pytest.skip(f"no corpus at {CORPUS}", allow_module_level=True)

PROJECTS = sorted(p for p in CORPUS.iterdir() if (p / "specs").is_dir())
TRACE_CODES = ("uncovered-requirement", "untraced-tasks", "dangling-requirement-ref", "story-without-tasks",
               "task-without-story")
#: tasks.md files whose tasks are not checkboxes (``- **T001 [A]** …``): no task to read.
NO_CHECKBOX_TASKS = {("Bidthedog__throng", "008-terminal-session-integrity")}


@cache
def _result(project: Path) -> CheckedPortfolio:
    return run(Settings((project / "specs",), project))


def _project(name: str) -> Path:
    project = CORPUS / name
    if not (project / "specs").is_dir():
        pytest.skip(f"{name} is not in the corpus")
    return project


def _feature(name: str, feature_id: str):
    return next(f for f in _result(_project(name)).portfolio.features if f.id == feature_id)


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_every_project_yields_its_tasks_and_requirements_with_true_lines(project: Path) -> None:
    result = _result(project)
    features = result.portfolio.features
    tasks = [t for f in features for t in f.task_items]
    requirements = [r for f in features for r in f.requirements]
    codes = Counter(d.code for d in result.diagnostics if d.code in TRACE_CODES)
    print(f"\n{project.name}: {len(requirements)} requirements, {len(tasks)} tasks "
          f"({sum(t.done for t in tasks)} done); {dict(sorted(codes.items()))}")
    for feature in features:
        if "tasks" in feature.artifacts and (project.name, feature.id) not in NO_CHECKBOX_TASKS:
            assert feature.task_items, f"{feature.id}: tasks.md yields no task"
            assert feature.tasks is not None and feature.tasks.total == len(feature.task_items)
    lines: dict[str, int] = {}
    for feature in features:
        for record in (*feature.requirements, *feature.task_items, *feature.checklist_items):
            path = record.source.path
            assert path.startswith(f"specs/{feature.id}/"), record
            if path not in lines:
                with open(project / path, encoding="utf-8-sig") as handle:
                    lines[path] = sum(1 for _ in handle)
            assert 1 <= record.source.line <= lines[path], record
    ids = Counter(r.id for f in features for r in (*f.requirements, *f.task_items, *f.checklist_items))
    assert not [i for i, n in ids.items() if n > 1], "traceability ids are unique"


def test_a_spec_kit_feature_read_as_the_files_say() -> None:
    """unbound-force 020: checked line by line against spec.md and tasks.md."""
    feature = _feature("unbound-force__unbound-force", "020-dewey-knowledge-retrieval")
    by_kind = Counter(r.kind for r in feature.requirements)
    assert (by_kind["functional"], by_kind["success-criterion"], by_kind["user-story"]) == (10, 5, 5)
    by_id = {r.local_id: r for r in feature.requirements}
    assert [(i, by_id[i].source.line) for i in ("FR-001", "FR-010", "SC-001")] == [
        ("FR-001", 241), ("FR-010", 275), ("SC-001", 296)]
    assert [(s.local_id, s.priority, s.source.line) for s in feature.requirements if s.kind == "user-story"] == [
        ("US1", "P1", 26), ("US2", "P1", 75), ("US3", "P2", 113), ("US4", "P3", 148), ("US5", "P3", 185)]
    assert [(r.local_id, r.source.line) for r in feature.requirements if r.story == "US1"] == [
        ("US1-AS1", 51), ("US1-AS2", 60), ("US1-AS3", 68)]
    assert by_id["edge-case-1"].source.line == 215
    assert (len(feature.task_items), sum(t.done for t in feature.task_items)) == (22, 22)
    tasks = {t.local_id: t for t in feature.task_items}
    assert (tasks["T001"].source.line, tasks["T001"].story, tasks["T001"].story_tagged) == (26, "US1", True)
    assert tasks["T001"].phase.startswith("Phase 1: User Story 1 — AGENTS.md Knowledge Retrieval Convention")
    assert (tasks["T006"].source.line, tasks["T006"].parallel, tasks["T006"].story) == (57, True, "US3")
    assert (tasks["T020"].source.line, tasks["T020"].story, tasks["T020"].phase) == (
        106, "", "Phase 6: Final Validation & Documentation")
    assert (len(feature.checklist_items), sum(c.checked for c in feature.checklist_items)) == (16, 16)


def test_requirement_headings_and_story_items_of_another_project() -> None:
    """codeframe 014 defines requirements as ``#### FR-1: …`` headings and stories as ``- **US-1**:`` items."""
    feature = _feature("frankbria__codeframe", "014-session-lifecycle")
    assert [(r.local_id, r.source.line) for r in feature.requirements if r.kind == "functional"] == [
        ("FR-1", 84), ("FR-2", 97), ("FR-3", 108), ("FR-4", 117), ("FR-5", 129), ("FR-6", 139), ("FR-7", 152),
        ("FR-8", 157)]
    assert [(r.local_id, r.source.line) for r in feature.requirements if r.kind == "user-story"] == [
        ("US1", 70), ("US2", 71), ("US3", 72), ("US4", 73), ("US5", 74), ("US6", 77), ("US7", 78)]


def test_a_dangling_reference_checked_by_hand() -> None:
    """throng 005's T139 cites FR-009; spec.md says "there is no FR-009" (line 543)."""
    result = _result(_project("Bidthedog__throng"))
    found = [(d.path, d.line, d.message) for d in result.diagnostics if d.code == "dangling-requirement-ref"
             and d.path.startswith("specs/005-terminal-panel-type/")]
    assert found == [("specs/005-terminal-panel-type/tasks.md", 537,
                      "T139 cites FR-009, which specs/005-terminal-panel-type/spec.md does not define")]
