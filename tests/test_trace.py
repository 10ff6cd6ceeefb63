"""Traceability: requirements, stories, tasks and checklist items read with their lines, linked in
the graph, checked, and exported. Every fixture is written here (tmp_path)."""

from __future__ import annotations

import csv
import io
import json
import pickle
import re

import pytest
from click.testing import CliRunner

from fixture_text import line_of
from plan_portal.cli import main
from plan_portal.diagnostics import Severity
from plan_portal.export import export_document, export_json
from plan_portal.export_csv import export_csv
from plan_portal.link import LINK_TYPES
from plan_portal.model.citations import citations, cited_ids, expand_range, resolve
from plan_portal.pipeline import run
from plan_portal.settings import Settings

SPEC = """
# Feature Specification: Sign-in

**Status**: Draft

## Clarifications

### Session 2026-03-01

- Q: Which second factor? → A: TOTP only
- Q: Lockout after how many tries?
  → A: Five

## User Scenarios & Testing

### User Story 1 - Sign in with password (Priority: P1)

A user signs in.

**Acceptance Scenarios**:

1. **Given** a registered user, **When** they enter the right password, **Then** they are signed in.
2. **Given** a locked account, **When** they sign in, **Then** they see the lockout notice.

### AUTH-US2: Reset password (Priority: P2)

1. **Given** a forgotten password, **When** the user asks for a reset, **Then** a link is mailed.

### User Story 3 - Remember device (Priority: P3)

### Edge Cases

- What happens when the mail bounces?
- What happens on a clock skew?

## Requirements

### Functional Requirements

- **FR-001**: System MUST accept email and password.
- **FR-001a**: System MUST trim the email.
- **FR-002** (P1): System MUST lock after five failures.
- **FR-AUTH-01**: System MUST issue a session token.
- FR-003: System MUST log sign-ins.
- **FR-004**: System MUST offer sign-out.

### Non-Functional Requirements

- **NFR-001**: Sign-in MUST answer within 2 s.

### Key Entities

- **Account**: a user's credentials.
- **Session**: a signed-in period.

## Success Criteria

- **SC-001**: 95% of sign-ins under 2 s.
- **SC-002**: No plaintext passwords stored.

## Assumptions

- Mail delivery is reliable.

## Implementation status

| Requirement | Status |
|---|---|
| FR-001 | done |

- **FR-001**: done (a restatement, not a second definition)
"""

TASKS = """
# Tasks: Sign-in

## Format: `[ID] [P?] [Story] Description`

- [ ] [TaskID] [P] [Story] Description (a template line, not a task)

## Phase 1: Setup

- [x] T001 Create project skeleton
- [X] T002 [P] Configure linting

## Phase 2: User Story 1 - Sign in (Priority: P1)

- [x] T003 [P] [US1] Write the sign-in test (FR-001, SC-001)
- [ ] T004 [US1] Implement sign-in per FR-002 in src/auth.py
- [ ] T005 [US1] Trim and lock (FR-001a/002)
- [ ] T1001 [US1] Issue tokens: FR-AUTH-01 and NFR-001
- [ ] T012a [US1] Split task covering FR-001–FR-002
- [ ] T013 [US1] Cites FR-099, which the spec does not define
- [ ] T014 [US1] As in 005 FR-007 of the payments feature
- [ ] T015 [US9] A story the spec does not have

## Phase 3: AUTH-US2 Reset password

- [ ] T020 [AUTH-US2] Mail the reset link (SC-001..SC-002)
- [ ] T021 Store reset tokens

## Phase 4: Polish

- [ ] T030 Convergence: log every sign-in per FR-003 (missing)
- [~] T031 Deferred: remember the device
"""

CHECKLIST = """
# UX checklist

- [x] CHK001 Is the lockout message specified? [Clarity, Spec §FR-002]
- [ ] CHK002 Are reset mails covered? [Coverage, Spec §AUTH-US2]
- [ ] CHK003 Is FR-100 measurable? [Gap]
- [x] No implementation details
"""

PLAN = """
# Implementation Plan: Sign-in

## Constitution Check

| Principle | Status | Evidence |
|---|---|---|
| I. Test-First | PASS | SC-002 is tested first |

## Decision Log

| ID | Decision | Context | Status |
|---|---|---|---|
| ADR-001 | Use argon2 | Addresses FR-001 and FR-002 | Accepted |
| ADR-002 | Keep sessions in Redis | Serves FR-050; depends on ADR-001 | Accepted |

## Risk Register

| Risk | Probability | Impact | Mitigation |
|---|---|---|---|
| Slow hashing breaks NFR-001 | Medium | High | Tune the cost |
"""

CLEAN_SPEC = """
# Feature Specification: Export

### User Story 1 - Export CSV (Priority: P1)

## Requirements

- **FR-001**: System MUST export CSV.
- **FR-002**: System MUST quote cells.
"""

CLEAN_TASKS = """
# Tasks: Export

## Phase 1: Setup

- [x] T001 Create the module

## Phase 2: User Story 1 - Export CSV

- [x] T002 [US1] Write the exporter (FR-001)
- [ ] T003 [US1] Quote cells (FR-002)
"""


@pytest.fixture
def portfolio(write_files, tmp_path):
    write_files("001-auth", {"spec.md": SPEC, "tasks.md": TASKS, "plan.md": PLAN, "checklists/ux.md": CHECKLIST})
    write_files("002-export", {"spec.md": CLEAN_SPEC, "tasks.md": CLEAN_TASKS,
                               "plan.md": "# Implementation Plan: Export\n"})
    write_files("003-draft", {"spec.md": SPEC, "plan.md": "# Implementation Plan: Draft\n",
                              "checklists/req.md": "- [x] CHK001 Is FR-001 clear?\n"})
    return run(Settings((tmp_path / "specs",), tmp_path))


def _feature(result, feature_id):
    return next(f for f in result.portfolio.features if f.id == feature_id)


def _codes(result, feature_id, code):
    return sorted((d.line, d.message) for d in result.diagnostics
                  if d.code == code and d.path.startswith(f"specs/{feature_id}/"))


# ---------------------------------------------------------------------------------------------
# Reading spec.md
# ---------------------------------------------------------------------------------------------

def test_requirements_every_form_with_kind_and_line(portfolio):
    feature = _feature(portfolio, "001-auth")
    found = [(r.local_id, r.kind, r.priority, r.source.line) for r in feature.requirements
             if r.kind not in ("acceptance-scenario", "key-entity", "edge-case", "assumption")]
    assert found == [
        ("US1", "user-story", "P1", line_of(SPEC, "User Story 1")),
        ("AUTH-US2", "user-story", "P2", line_of(SPEC, "AUTH-US2:")),
        ("US3", "user-story", "P3", line_of(SPEC, "User Story 3")),
        ("FR-001", "functional", "", line_of(SPEC, "**FR-001**: System")),
        ("FR-001a", "functional", "", line_of(SPEC, "FR-001a")),
        ("FR-002", "functional", "P1", line_of(SPEC, "**FR-002**")),
        ("FR-AUTH-01", "functional", "", line_of(SPEC, "FR-AUTH-01")),
        ("FR-003", "functional", "", line_of(SPEC, "FR-003:")),
        ("FR-004", "functional", "", line_of(SPEC, "FR-004")),
        ("NFR-001", "non-functional", "", line_of(SPEC, "NFR-001")),
        ("SC-001", "success-criterion", "", line_of(SPEC, "SC-001")),
        ("SC-002", "success-criterion", "", line_of(SPEC, "SC-002")),
    ]
    fr1 = next(r for r in feature.requirements if r.local_id == "FR-001")
    assert (fr1.id, fr1.feature, fr1.text) == ("001-auth/FR-001", "001-auth", "System MUST accept email and password.")
    story = next(r for r in feature.requirements if r.local_id == "US1")
    assert story.title == "Sign in with password"


def test_scenarios_entities_assumptions_edge_cases(portfolio):
    feature = _feature(portfolio, "001-auth")
    rest = [(r.local_id, r.kind, r.story, r.title, r.source.line) for r in feature.requirements
            if r.kind in ("acceptance-scenario", "key-entity", "edge-case", "assumption")]
    assert rest == [
        ("US1-AS1", "acceptance-scenario", "US1", "", line_of(SPEC, "a registered user")),
        ("US1-AS2", "acceptance-scenario", "US1", "", line_of(SPEC, "a locked account")),
        ("AUTH-US2-AS1", "acceptance-scenario", "AUTH-US2", "", line_of(SPEC, "a forgotten password")),
        ("edge-case-1", "edge-case", "", "", line_of(SPEC, "mail bounces")),
        ("edge-case-2", "edge-case", "", "", line_of(SPEC, "clock skew")),
        ("entity-account", "key-entity", "", "Account", line_of(SPEC, "**Account**")),
        ("entity-session", "key-entity", "", "Session", line_of(SPEC, "**Session**")),
        ("assumption-1", "assumption", "", "", line_of(SPEC, "Mail delivery")),
    ]
    scenario = next(r for r in feature.requirements if r.local_id == "US1-AS1")
    assert scenario.extra == {"given": "a registered user", "when": "they enter the right password",
                              "then": "they are signed in."}


def test_clarification_sessions_and_summary_counts(portfolio):
    spec = _feature(portfolio, "001-auth").spec
    assert spec is not None
    [session] = spec.sessions
    assert (session.title, session.date, session.source.line) == (
        "Session 2026-03-01", "2026-03-01", line_of(SPEC, "### Session"))
    assert [(q.question, q.answer, q.source.line) for q in session.questions] == [
        ("Which second factor?", "TOTP only", line_of(SPEC, "second factor")),
        ("Lockout after how many tries?", "Five", line_of(SPEC, "how many tries")),
    ]
    # FR-001, FR-001a, FR-002, FR-AUTH-01, FR-003, FR-004: the restatement and the table do not count.
    assert (spec.requirements, spec.success_criteria) == (6, 2)
    assert [(s.id, s.title, s.priority) for s in spec.stories] == [
        ("US1", "Sign in with password", "P1"), ("AUTH-US2", "Reset password", "P2"), ("US3", "Remember device", "P3")]


def test_requirement_headings_and_story_items(write_feature):
    spec = """
    # Spec

    ## User Stories

    - **US-1**: I want to see my last session
    - US13 (#152) was descoped to another spec

    ### US2: Answer input field (P1 - Critical)

    ## Functional Requirements

    #### FR-1: Session state persistence

    Saved on exit.

    ## Design Foundations (requirements)

    - **DF-001**: Colour tokens adopt the palette.
    - **DF-002**: Icons register at start-up.
    - **UTF-8**: not an id: a prefix is an id scheme when two items use it
    """
    feature = write_feature("001-x", {"spec.md": spec})
    assert [(r.local_id, r.kind, r.priority) for r in feature.requirements] == [
        ("US1", "user-story", ""), ("US2", "user-story", "P1"), ("FR-1", "functional", ""),
        ("DF-001", "functional", ""), ("DF-002", "functional", "")]


# ---------------------------------------------------------------------------------------------
# Reading tasks.md and checklists
# ---------------------------------------------------------------------------------------------

def test_tasks_every_form(portfolio):
    feature = _feature(portfolio, "001-auth")
    found = [(t.local_id, t.done, t.parallel, t.story, t.story_tagged, t.requirements) for t in feature.task_items]
    assert found == [
        ("T001", True, False, "", False, []),
        ("T002", True, True, "", False, []),
        ("T003", True, True, "US1", True, ["FR-001", "SC-001"]),
        ("T004", False, False, "US1", True, ["FR-002"]),
        ("T005", False, False, "US1", True, ["FR-001a", "FR-002"]),
        ("T1001", False, False, "US1", True, ["FR-AUTH-01", "NFR-001"]),
        ("T012a", False, False, "US1", True, ["FR-001", "FR-001a", "FR-002"]),
        ("T013", False, False, "US1", True, ["FR-099"]),
        ("T014", False, False, "US1", True, []),
        ("T015", False, False, "US9", True, []),
        ("T020", False, False, "AUTH-US2", True, ["SC-001", "SC-002"]),
        ("T021", False, False, "AUTH-US2", False, []),
        ("T030", False, False, "", False, ["FR-003"]),
        ("T031", False, False, "", False, []),
    ]
    t003 = feature.task_items[2]
    assert (t003.id, t003.text, t003.phase, t003.source.path, t003.source.line) == (
        "001-auth/T003", "Write the sign-in test (FR-001, SC-001)", "Phase 2: User Story 1 - Sign in (Priority: P1)",
        "specs/001-auth/tasks.md", line_of(TASKS, "T003"))
    assert [t.convergence for t in feature.task_items if t.convergence] == ["missing"]
    assert feature.tasks is not None and (feature.tasks.total, feature.tasks.done) == (14, 3)


def test_task_id_shapes(write_feature):
    tasks = """
    # Tasks

    - [x] **T004** [P] Bold id
    - [ ] ~~T051~~ Struck out
    - [X] T-HF01 Hotfix
    - [ ] T007.1 Sub-task
    - [ ] T068K Lettered
    - [ ] [SETUP-001] [P] Bracketed id
    - [ ] [US2-012] Bracketed id naming its story
    - [x] T0001 Four digits
    - [ ] A checklist line, not a task
    """
    feature = write_feature("001-x", {"tasks.md": tasks})
    assert [(t.local_id, t.parallel, t.story) for t in feature.task_items] == [
        ("T004", True, ""), ("T051", False, ""), ("T-HF01", False, ""), ("T007.1", False, ""),
        ("T068K", False, ""), ("SETUP-001", True, ""), ("US2-012", False, "US2"), ("T0001", False, "")]


def test_tasks_without_ids_are_every_checkbox(write_feature):
    feature = write_feature("001-x", {"tasks.md": "# Tasks\n\n- [x] Set up\n- [ ] Ship [US1]\n"})
    assert [(t.local_id, t.done, t.text) for t in feature.task_items] == [
        ("task-1", True, "Set up"), ("task-2", False, "Ship [US1]")]


def test_multi_story_tags_and_story_phases(write_feature):
    tasks = """
    # Tasks

    ## Phase 5: Clipboard seam (blocks US2/US3)

    - [ ] T040 Define the clipboard

    ## Phase 6: User Story 1 + User Story 4

    - [ ] T041 Shared work

    ### Implementation for User Story 2

    - [ ] T042 [US4/US5] Both stories
    """
    feature = write_feature("001-x", {"tasks.md": tasks})
    assert [(t.local_id, t.story, t.requirements, t.section) for t in feature.task_items] == [
        ("T040", "", [], ""), ("T041", "", [], ""), ("T042", "US4", ["US5"], "Implementation for User Story 2")]


def test_checklist_items_are_reviews_not_progress(portfolio):
    feature = _feature(portfolio, "001-auth")
    assert [(c.local_id, c.checklist, c.checked, c.requirements, c.source.line) for c in feature.checklist_items] == [
        ("ux/CHK001", "checklists/ux.md", True, ["FR-002"], line_of(CHECKLIST, "CHK001")),
        ("ux/CHK002", "checklists/ux.md", False, ["AUTH-US2"], line_of(CHECKLIST, "CHK002")),
        ("ux/CHK003", "checklists/ux.md", False, ["FR-100"], line_of(CHECKLIST, "CHK003")),
        ("ux/item-4", "checklists/ux.md", True, [], line_of(CHECKLIST, "No implementation")),
    ]
    assert feature.tasks is not None and feature.tasks.done == 3  # checked checklist items are not done tasks


def test_records_pickle(portfolio):
    feature = _feature(portfolio, "001-auth")
    assert pickle.loads(pickle.dumps(feature)) == feature


# ---------------------------------------------------------------------------------------------
# Citations
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "ids"), [
    ("(FR-001, SC-004)", ["FR-001", "SC-004"]),
    ("per FR-003", ["FR-003"]),
    ("FR-006/021", ["FR-006", "FR-021"]),
    ("FR-025a/c", ["FR-025a", "FR-025c"]),
    ("FR-9/SC-9", ["FR-9", "SC-9"]),
    ("FR-001–FR-003", ["FR-001", "FR-002", "FR-003"]),
    ("FR-001–003", ["FR-001", "FR-002", "FR-003"]),
    ("SC-001..SC-002", ["SC-001", "SC-002"]),
    ("FR-010 through FR-011", ["FR-010", "FR-011"]),
    ("US1-US3 and US-4", ["US1", "US2", "US3", "US4"]),
    ("FR-AUTH-01 and AUTH-US1", ["FR-AUTH-01", "AUTH-US1"]),
    ("[Spec §FR-008]", ["FR-008"]),
    ("(006 FR-034), per Spec 005 FR-020", []),
    ("UTF-8, SHA-256, ISO-8601, FR-XXX", []),
    ("A-001 is an assumption", []),
])
def test_cited_ids(text, ids):
    assert cited_ids(text) == ids


def test_ranges_expand_to_defined_ids_and_prefixes_the_spec_defines():
    defined = {"FR-010", "FR-011", "FR-011a", "FR-012", "FR-013"}
    assert expand_range("FR-010", "FR-012", defined) == ["FR-010", "FR-011", "FR-011a", "FR-012"]
    assert cited_ids("FR-010 through FR-012", defined) == ["FR-010", "FR-011", "FR-011a", "FR-012"]
    assert expand_range("FR-001", "FR-99999", None) == ["FR-001", "FR-99999"]  # too long: the ends only
    assert cited_ids("A-001 is an assumption", None, {"A"}) == ["A-001"]
    assert [c.feature for c in citations("005 FR-023")] == ["005"]
    assert resolve("FR-028a", {"FR-028"}) == "FR-028"
    assert resolve("FR-029", {"FR-028"}) is None


# ---------------------------------------------------------------------------------------------
# Links
# ---------------------------------------------------------------------------------------------

def test_exact_links(portfolio):
    links = sorted((a, b, t) for a, b, t in
                   ((e.source, e.target, e.type) for e in portfolio.edges)
                   if t in ("implements", "addresses", "cites", "reviews") and a.startswith("001-auth/"))
    f = "001-auth/"
    gate = next(g.id for g in _feature(portfolio, "001-auth").gates)
    risk = next(r.id for r in _feature(portfolio, "001-auth").risks)
    expected = [
        (f + "ADR-001", f + "FR-001", "addresses"),
        (f + "ADR-001", f + "FR-002", "addresses"),
        (f + "T003", f + "FR-001", "implements"), (f + "T003", f + "SC-001", "implements"),
        (f + "T003", f + "US1", "implements"),
        (f + "T004", f + "FR-002", "implements"), (f + "T004", f + "US1", "implements"),
        (f + "T005", f + "FR-001a", "implements"), (f + "T005", f + "FR-002", "implements"),
        (f + "T005", f + "US1", "implements"),
        (f + "T1001", f + "FR-AUTH-01", "implements"), (f + "T1001", f + "NFR-001", "implements"),
        (f + "T1001", f + "US1", "implements"),
        (f + "T012a", f + "FR-001", "implements"), (f + "T012a", f + "FR-001a", "implements"),
        (f + "T012a", f + "FR-002", "implements"), (f + "T012a", f + "US1", "implements"),
        (f + "T013", f + "US1", "implements"), (f + "T014", f + "US1", "implements"),
        (f + "T020", f + "AUTH-US2", "implements"), (f + "T020", f + "SC-001", "implements"),
        (f + "T020", f + "SC-002", "implements"),
        (f + "T021", f + "AUTH-US2", "implements"),
        (f + "T030", f + "FR-003", "implements"),
        (f + "ux/CHK001", f + "FR-002", "reviews"), (f + "ux/CHK002", f + "AUTH-US2", "reviews"),
        (gate, f + "SC-002", "cites"),
        (risk, f + "NFR-001", "cites"),
    ]
    assert links == sorted(expected)
    for kind in ("implements", "addresses", "cites", "reviews"):
        assert LINK_TYPES[kind].forward == kind and LINK_TYPES[kind].reverse.endswith(" by")
    graph = portfolio.graph
    assert graph.nodes[f + "FR-001"]["kind"] == "requirement"
    assert graph.nodes[f + "T003"]["kind"] == "task" and graph.nodes[f + "ux/CHK001"]["kind"] == "checklist-item"
    assert f + "US1-AS1" not in graph  # scenarios, entities, edge cases are not cited by id: not nodes


def test_pictures_and_record_links_leave_trace_records_out(portfolio, tmp_path):
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["generate", str(tmp_path / "specs"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = (out / "001-auth" / "plan.md").read_text(encoding="utf-8")
    text = re.sub(r'<li><span class="pp-badge pp-severity-.*?</li>', "", page)  # without the diagnostics
    assert "is cited by no task" in page and "is cited by no task" not in text
    assert "Use argon2" in text and "Rests on" in text  # ADR-002 depends on ADR-001: its impact lists it
    for label in ("addresses", "implemented by", "reviewed by", "cited by"):
        assert label not in text, label
    pictures = [svg.read_text(encoding="utf-8") for svg in out.rglob("*.svg")]
    assert pictures and any("ADR-002" in svg for svg in pictures)
    assert not any("T003" in svg or "FR-001" in svg or "CHK001" in svg for svg in pictures)


# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------

def test_uncovered_requirement_fires_on_requirements_no_task_cites(portfolio):
    assert _codes(portfolio, "001-auth", "uncovered-requirement") == [
        (line_of(SPEC, "FR-004"), "FR-004 is cited by no task in specs/001-auth/tasks.md")]


def test_dangling_requirement_ref_from_tasks_checklists_and_plans(portfolio):
    assert _codes(portfolio, "001-auth", "dangling-requirement-ref") == sorted([
        (line_of(PLAN, "ADR-002"), "ADR-002 cites FR-050, which specs/001-auth/spec.md does not define"),
        (line_of(TASKS, "T013"), "T013 cites FR-099, which specs/001-auth/spec.md does not define"),
        (line_of(TASKS, "T015"), "T015 cites US9, which specs/001-auth/spec.md does not define"),
        (line_of(CHECKLIST, "CHK003"), "ux/CHK003 cites FR-100, which specs/001-auth/spec.md does not define"),
    ])


def test_story_without_tasks_and_task_without_story(portfolio):
    assert _codes(portfolio, "001-auth", "story-without-tasks") == [
        (line_of(SPEC, "User Story 3"),
         "user story US3 (Remember device) has no task in specs/001-auth/tasks.md")]
    assert _codes(portfolio, "001-auth", "task-without-story") == [
        (line_of(TASKS, "T021"), "T021 has no story tag, but its phase is AUTH-US2's")]


def test_default_severities(portfolio):
    severities = {d.code: d.severity for d in portfolio.diagnostics}
    assert severities["uncovered-requirement"] is Severity.WARNING
    assert severities["dangling-requirement-ref"] is Severity.WARNING
    assert severities["story-without-tasks"] is Severity.WARNING
    assert severities["task-without-story"] is Severity.INFO


TRACE_CODES = ("uncovered-requirement", "untraced-tasks", "dangling-requirement-ref", "story-without-tasks",
               "task-without-story")


def test_silent_on_a_clean_feature_and_on_a_feature_without_tasks(portfolio):
    for feature_id in ("002-export", "003-draft"):
        for code in TRACE_CODES:
            assert _codes(portfolio, feature_id, code) == [], (feature_id, code)
    draft = _feature(portfolio, "003-draft")
    assert draft.requirements and not draft.task_items and draft.checklist_items


def test_severity_is_configurable(write_files, tmp_path):
    write_files("001-auth", {"spec.md": SPEC, "tasks.md": TASKS})
    overrides = {"uncovered-requirement": Severity.ERROR, "task-without-story": None}
    result = run(Settings((tmp_path / "specs",), tmp_path, overrides=overrides))
    assert {d.severity for d in result.diagnostics if d.code == "uncovered-requirement"} == {Severity.ERROR}
    assert not [d for d in result.diagnostics if d.code == "task-without-story"]


def test_a_feature_whose_tasks_cite_no_requirement_gets_one_note(write_files, tmp_path):
    write_files("001-x", {"spec.md": CLEAN_SPEC, "tasks.md": "# Tasks\n\n- [ ] T001 [US1] Build it\n"})
    result = run(Settings((tmp_path / "specs",), tmp_path))
    assert not [d for d in result.diagnostics if d.code == "uncovered-requirement"]
    assert [(d.severity, d.line, d.message) for d in result.diagnostics if d.code == "untraced-tasks"] == [
        (Severity.INFO, line_of(CLEAN_SPEC, "FR-001"),
         "no task in specs/001-x/tasks.md cites a requirement id: coverage of the 2 requirements "
         "(FR-001 … FR-002) cannot be checked")]


def test_no_spec_no_dangling(write_files, tmp_path):
    write_files("001-x", {"tasks.md": "# Tasks\n\n- [ ] T001 [US1] Build FR-001\n",
                          "plan.md": "# Implementation Plan: X\n"})
    result = run(Settings((tmp_path / "specs",), tmp_path))
    assert not [d for d in result.diagnostics if d.code in TRACE_CODES]


# ---------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------

def test_export_json_top_level_tables(portfolio):
    document = json.loads(export_json(portfolio))
    for key in ("requirements", "tasks", "checklist_items"):
        assert key in document
    for feature in document["features"]:
        assert not {"requirements", "task_items", "checklist_items"} & set(feature)
    requirement = next(r for r in document["requirements"] if r["id"] == "001-auth/FR-002")
    assert {k: requirement[k] for k in ("id", "feature", "kind", "text", "priority", "source")} == {
        "id": "001-auth/FR-002", "feature": "001-auth", "kind": "functional",
        "text": "System MUST lock after five failures.", "priority": "P1",
        "source": {"path": "specs/001-auth/spec.md", "line": line_of(SPEC, "**FR-002**")}}
    task = next(t for t in document["tasks"] if t["id"] == "001-auth/T003")
    assert {k: task[k] for k in ("id", "feature", "done", "parallel", "story", "phase", "requirements", "source")} == {
        "id": "001-auth/T003", "feature": "001-auth", "done": True, "parallel": True, "story": "US1",
        "phase": "Phase 2: User Story 1 - Sign in (Priority: P1)", "requirements": ["FR-001", "SC-001"],
        "source": {"path": "specs/001-auth/tasks.md", "line": line_of(TASKS, "T003")}}
    assert [c["id"] for c in document["checklist_items"] if c["feature"] == "001-auth"] == [
        "001-auth/ux/CHK001", "001-auth/ux/CHK002", "001-auth/ux/CHK003", "001-auth/ux/item-4"]
    assert {e["type"] for e in document["edges"]} >= {"implements", "addresses", "cites", "reviews"}


@pytest.mark.parametrize("table", ["requirements", "tasks", "checklist_items"])
def test_export_csv_tables(portfolio, table):
    document = export_document(portfolio)
    rows = list(csv.reader(io.StringIO(export_csv(table, document), newline="")))
    assert rows[0][:2] == ["feature", "id"] and "source_path" in rows[0] and "source_line" in rows[0]
    assert len(rows) - 1 == len(document[table])
    if table == "tasks":
        header = rows[0]
        t003 = next(r for r in rows if r[1] == "001-auth/T003")
        assert t003[header.index("requirements")] == "FR-001; SC-001"
        assert t003[header.index("done")] == "true"


def test_cli_exports_the_new_tables(portfolio, tmp_path):
    result = CliRunner().invoke(main, ["export", str(tmp_path / "specs"), "--format", "csv", "--table", "tasks"])
    assert result.exit_code == 0, result.output
    assert "001-auth/T1001" in result.output


def test_a_feature_without_tasks_yet_gets_no_dangling_reference(write_files, tmp_path):
    """A checklist citing an id the spec lacks is reported once the feature has tasks, not before."""
    checklist = "# Review\n\n- [ ] CHK001 Is FR-099 measurable?\n"
    write_files("001-draft", {"spec.md": CLEAN_SPEC, "checklists/review.md": checklist})
    write_files("002-ready", {"spec.md": CLEAN_SPEC, "checklists/review.md": checklist,
                              "tasks.md": "# Tasks\n\n- [ ] T001 [US1] Build FR-001 and FR-002\n"})
    result = run(Settings((tmp_path / "specs",), tmp_path))
    dangling = [d.path for d in result.diagnostics if d.code == "dangling-requirement-ref"]
    assert dangling == ["specs/002-ready/checklists/review.md"]
