"""The traceability page of a feature and the portfolio's progress page, built as a real site."""

from __future__ import annotations

from pathlib import Path

import pytest

from plan_portal.model.records import ClarificationSession, Feature, Source, SpecSummary, Task
from plan_portal.render.views import lifecycle_stage
from test_plugin import build_site, write_site

SPEC = """\
# Feature Specification: Alpha

### User Story 1 - Sign in (Priority: P1)

A buyer signs in.

### User Story 2 - Export (Priority: P2)

A seller exports orders.

## Requirements

- **FR-001**: System MUST sign buyers in.
- **FR-002**: System MUST store sessions for 30 days.
- **FR-003**: System MUST log every sign-in to the audit stream.

## Success Criteria

- **SC-001**: 95% of sign-ins finish in 3 seconds.
"""

TASKS = """\
# Tasks: Alpha

## Phase 1: Setup

- [x] T000 Set up CI

## Phase 3: User Story 1 - Sign in (Priority: P1)

- [x] T001 [US1] Sign-in endpoint (FR-001)
- [ ] T002 [US1] Session store per FR-002 and SC-001
- [x] T003 [US1] Sign-in page
"""

CHECKLIST = """\
# Requirements checklist

- [x] CHK001 Is the session lifetime stated? [Clarity, Spec §FR-002]
- [ ] CHK002 Is the audit stream named? [Gap, Spec §FR-003]
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_site(tmp_path_factory.mktemp("trace"), {"001-alpha": {}, "002-beta": {}})
    alpha = root / "specs" / "001-alpha"
    (alpha / "spec.md").write_text(SPEC, encoding="utf-8")
    (alpha / "tasks.md").write_text(TASKS, encoding="utf-8")
    (alpha / "checklists").mkdir()
    (alpha / "checklists" / "requirements.md").write_text(CHECKLIST, encoding="utf-8")
    plan = (alpha / "plan.md").read_text(encoding="utf-8")
    (alpha / "plan.md").write_text(plan.replace("| ADR-001 | Use Postgres |", "| ADR-001 | Use Postgres for FR-002 |"),
                                   encoding="utf-8")
    return build_site(root)


def _row(html: str, anchor: str) -> str:
    start = html.index(f'<tr id="{anchor}"')
    return html[start:html.index("</tr>", start)]


def test_the_trace_page_lists_each_requirement_with_what_rests_on_it(site: Path):
    html = (site / "plans" / "001-alpha" / "trace" / "index.html").read_text(encoding="utf-8")
    first, second, third = (_row(html, f"FR-00{n}") for n in (1, 2, 3))
    assert "<strong>1/1</strong>" in first and "T001" in first and "pp-row-alert" not in first
    assert "<strong>0/1</strong>" in second and "T002" in second
    assert 'href="../plan/#ADR-001">ADR-001</a>' in second  # the decision that addresses it
    assert "CHK001" in second and "1/1" in second  # reviewed, which is not built
    assert 'class="pp-row-alert"' in third and "no task" in third and "CHK002" in third
    assert "<strong>2/3</strong>" in _row(html, "US1") and "no task" not in _row(html, "US2")  # stories are no gaps
    assert "T000" in html[html.index("Tasks that cite no requirement"):]  # T003 has its story's tag
    assert "<strong>2/3</strong> requirements to build cited by a task" in html.replace("\n", " ")


def test_the_feature_page_links_its_trace_page_and_a_feature_without_requirements_has_none(site: Path):
    alpha = (site / "plans" / "001-alpha" / "plan" / "index.html").read_text(encoding="utf-8")
    assert 'href="../trace/">traceability</a>' in alpha
    assert not (site / "plans" / "002-beta" / "trace").exists()


def test_the_progress_page_shows_stage_tasks_coverage_and_stories(site: Path):
    html = (site / "plans" / "progress" / "index.html").read_text(encoding="utf-8")
    alpha = html[html.index('class="pp-wrap" href="../001-alpha/plan/"'):]
    alpha = alpha[:alpha.index("</tr>")]
    assert "pp-stage-in-progress" in alpha and "3/4" in alpha  # three of four tasks ticked
    assert "2/3" in alpha and "1 uncited" in alpha
    assert "US1 <span class=\"pp-muted\">P1</span> 2/3" in alpha and "US2 <span class=\"pp-muted\">P2</span> " \
        "<span class=\"pp-muted\">no tasks</span>" in alpha
    beta = html[html.index('class="pp-wrap" href="../002-beta/plan/"'):]
    beta = beta[:beta.index("</tr>")]
    assert "traceability" not in beta and "none in spec" in beta


def _feature(**values: object) -> Feature:
    feature = Feature("001-x", "specs/001-x", "X", {})
    for key, value in values.items():
        setattr(feature, key, value)
    return feature


def _task(done: bool) -> Task:
    return Task("001-x/T001", "001-x", "T001", "Build", done, False, "", "", [], Source("tasks.md", 1))


@pytest.mark.parametrize(("values", "stage"), [
    ({}, ""),
    ({"spec": SpecSummary("spec.md", "X", "")}, "specified"),
    ({"spec": SpecSummary("spec.md", "X", "", sessions=[ClarificationSession("Session", "2026-03-01",
                                                                             Source("spec.md", 9))])}, "clarified"),
    ({"spec": SpecSummary("spec.md", "X", ""), "has_plan": True}, "planned"),
    ({"has_plan": True, "task_items": [_task(False), _task(False)]}, "tasks"),
    ({"has_plan": True, "task_items": [_task(True), _task(False)]}, "in-progress"),
    ({"has_plan": True, "task_items": [_task(True), _task(True)]}, "done"),
])
def test_the_lifecycle_stage(values: dict[str, object], stage: str):
    assert lifecycle_stage(_feature(**values)) == stage
