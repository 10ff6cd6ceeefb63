"""Plan formats: the seed template, upstream spec-kit plans and the variants real plans use.

Every fixture is a small hand-written plan; line numbers are computed from the fixture text with
``line_of`` so each assertion pins the exact source line a record must point at.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from fixture_text import line_of, norm
from plan_portal.check.gates import fail_gate_mitigations
from plan_portal.model import status as st
from plan_portal.model.records import Feature, Source, TableEntry

PLAN = "specs/001-login/plan.md"




def diags(feature: Feature, code: str) -> list[tuple[str, int, str]]:
    return [(d.path, d.line, d.severity.value) for d in feature.diagnostics if d.code == code]


# ---------------------------------------------------------------------------------------------
# 1. The seed format, complete
# ---------------------------------------------------------------------------------------------

SEED = """
---
feature_id: 001-login
branch: 001-login
created_at: 2026-01-15
generator_version: 0.4.2
constitution_version: 1.2.0
depends_on:
  - 000-core
  - 002-auth
---

# Implementation Plan: Login Flow

**Spec Reference**: [spec.md](spec.md)
**Planning Status**: In Review

## Summary

Users sign in with email and password.

## Phase Exit Criteria

| Phase | Exit Criteria | Gate Owner |
|-------|---------------|------------|
| Phase 0 – Research | All unknowns answered | Tech Lead |
| Phase 1 – Architecture & Contracts | Contracts reviewed | Architect |

## Technical Context

| Dimension | Decision | Confidence | Notes |
|-----------|----------|------------|-------|
| Language / Runtime | Python 3.12 | High | Team knows it |
| Storage | PostgreSQL 16 | Med | Existing cluster |
| Testing Strategy | pytest + hypothesis | | |

## Constitution Check

### Pre-Phase 0 Gate

| Gate | Status (PASS/FAIL/WAIVED) | Evidence | Owner |
|------|--------------------------|----------|-------|
| Library-first | PASS | See structure | Architect |
| Test-first | WAIVED | Spike only | QA Lead |

### Post-Phase 1 Gate

| Gate | Status (PASS/FAIL/WAIVED) | Evidence | Owner |
|------|--------------------------|----------|-------|
| Simplicity | FAIL | Two services | Architect |

> Fail the command if any gate remains `FAIL` without mitigation.

## Decision Log (ADR Stubs)

| ID | Decision | Context | Status | Follow-up |
|----|----------|---------|--------|-----------|
| ADR-001 | Use sessions over JWT | Revocation needed | Accepted | Write ADR file |
| ADR-002 | Rate limit logins | Brute force | in review | Pick limits |

## Risk Register

| ID | Description | Probability | Impact | Owner | Mitigation | Trigger |
|----|-------------|-------------|--------|-------|------------|---------|
| R1 | Mail provider outage | Med | High | Ops | Second provider | Bounce rate up |
| R2 | Password reuse | Low | Low | Security | Breach check | Audit finding |

## Research Backlog (Phase 0)

- **Objective**: Resolve unknowns before design.
- **Outstanding Items**:
  - [x] Compare hashing libraries
  - [ ] Confirm session store size

## Architecture & Contracts (Phase 1)

- **Data Model**: User and Session entities.
- **Service / API Contracts**: login.yaml in contracts/.

## Implementation Readiness (Phase 2)

- **Environments**: Local Postgres via compose.

## Project Structure

```text
specs/001-login/
├── plan.md
└── tasks.md
```

```text
src/auth/
tests/auth/
```

**Structure Decision**: Single project under src/auth.

## Complexity Tracking

| Violation | Justification | Simpler Alternative Rejected Because |
|-----------|---------------|---------------------------------------|
| Simplicity: two services | Mail is sent async | One process blocks on SMTP |
"""


@pytest.fixture
def seed(write_feature) -> Feature:
    return write_feature("001-login", {"plan.md": SEED})


def test_seed_frontmatter_and_header(seed):
    assert seed.id == "001-login"
    assert seed.has_plan
    assert seed.metadata["feature_id"] == "001-login"
    assert seed.branch == "001-login"
    assert seed.created == "2026-01-15"  # a YAML date, kept as an ISO string
    assert seed.generator_version == "0.4.2"
    assert seed.constitution_version == "1.2.0"
    assert seed.depends_on == ["000-core", "002-auth"]
    assert seed.title == "Login Flow"
    assert seed.spec_reference == "[spec.md](spec.md)"
    assert seed.planning_status == "In Review"
    assert seed.summary == "Users sign in with email and password."
    assert seed.diagnostics == []


def test_seed_created_at_datetime_is_iso_string(write_feature):
    plan = """
    ---
    created_at: 2026-01-15T09:30:00
    ---
    # Implementation Plan: Timed
    """
    feature = write_feature("001-login", {"plan.md": plan})
    assert feature.created == "2026-01-15T09:30:00"
    assert feature.metadata["created_at"] == "2026-01-15T09:30:00"


def test_seed_exit_criteria_rows_by_header(seed):
    assert seed.exit_criteria == [
        TableEntry(
            {"Phase": "Phase 0 – Research", "Exit Criteria": "All unknowns answered", "Gate Owner": "Tech Lead"},
            Source(PLAN, line_of(SEED, "| Phase 0 – Research")),
        ),
        TableEntry(
            {"Phase": "Phase 1 – Architecture & Contracts", "Exit Criteria": "Contracts reviewed",
             "Gate Owner": "Architect"},
            Source(PLAN, line_of(SEED, "| Phase 1 – Architecture")),
        ),
    ]


def test_seed_technical_context_table(seed):
    got = [(t.key, t.category, t.value, t.extra, t.source.line) for t in seed.technical_context]
    assert got == [
        ("Language / Runtime", "language", "Python 3.12", {"Confidence": "High", "Notes": "Team knows it"},
         line_of(SEED, "| Language / Runtime")),
        ("Storage", "storage", "PostgreSQL 16", {"Confidence": "Med", "Notes": "Existing cluster"},
         line_of(SEED, "| Storage |")),
        ("Testing Strategy", "testing", "pytest + hypothesis", {"Confidence": "", "Notes": ""},
         line_of(SEED, "| Testing Strategy")),
    ]


def test_seed_gate_tables_pre_and_post(seed):
    got = [(g.id, g.phase, g.phase_label, g.name, g.status, g.raw_status, g.evidence, g.owner, g.source.path,
            g.source.line) for g in seed.gates]
    assert got == [
        ("001-login/gate-pre-library-first", "pre-research", "Pre-Phase 0 Gate", "Library-first", "pass", "PASS",
         "See structure", "Architect", PLAN, line_of(SEED, "| Library-first")),
        ("001-login/gate-pre-test-first", "pre-research", "Pre-Phase 0 Gate", "Test-first", "waived", "WAIVED",
         "Spike only", "QA Lead", PLAN, line_of(SEED, "| Test-first")),
        ("001-login/gate-post-simplicity", "post-design", "Post-Phase 1 Gate", "Simplicity", "fail", "FAIL",
         "Two services", "Architect", PLAN, line_of(SEED, "| Simplicity | FAIL")),
    ]


def test_seed_decision_log(seed):
    got = [(d.id, d.local_id, d.title, d.status, d.raw_status, d.context, d.follow_up, d.origin, d.source.line)
           for d in seed.decisions]
    assert got == [
        ("001-login/ADR-001", "ADR-001", "Use sessions over JWT", "accepted", "Accepted", "Revocation needed",
         "Write ADR file", "plan-table", line_of(SEED, "| ADR-001")),
        ("001-login/ADR-002", "ADR-002", "Rate limit logins", "in-review", "in review", "Brute force",
         "Pick limits", "plan-table", line_of(SEED, "| ADR-002")),
    ]


def test_seed_risk_register(seed):
    got = [(r.id, r.description, r.probability, r.raw_probability, r.impact, r.raw_impact, r.level, r.owner,
            r.mitigation, r.trigger, r.source.line) for r in seed.risks]
    assert got == [
        ("001-login/R1", "Mail provider outage", "medium", "Med", "high", "High", "high", "Ops", "Second provider",
         "Bounce rate up", line_of(SEED, "| R1 |")),
        ("001-login/R2", "Password reuse", "low", "Low", "low", "Low", "low", "Security", "Breach check",
         "Audit finding", line_of(SEED, "| R2 |")),
    ]


def test_seed_research_backlog_checkboxes(seed):
    got = [(r.text, r.done, r.source.line) for r in seed.research]
    assert got == [
        ("Compare hashing libraries", True, line_of(SEED, "Compare hashing")),
        ("Confirm session store size", False, line_of(SEED, "Confirm session store")),
    ]
    assert len({r.id for r in seed.research}) == 2
    assert all(r.id.startswith("001-login/research-") for r in seed.research)


def test_seed_architecture_and_readiness_notes(seed):
    got = [(n.section, n.key, n.text, n.checked, n.source.line) for n in seed.notes]
    assert got == [
        ("Architecture & Contracts (Phase 1)", "Data Model", "User and Session entities.", None,
         line_of(SEED, "**Data Model**")),
        ("Architecture & Contracts (Phase 1)", "Service / API Contracts", "login.yaml in contracts/.", None,
         line_of(SEED, "**Service / API Contracts**")),
        ("Implementation Readiness (Phase 2)", "Environments", "Local Postgres via compose.", None,
         line_of(SEED, "**Environments**")),
    ]


def test_seed_project_structure_and_decision(seed):
    assert seed.structure == ["specs/001-login/\n├── plan.md\n└── tasks.md\n", "src/auth/\ntests/auth/\n"]
    assert seed.structure_decision == "Single project under src/auth."
    # The Structure Decision line is not a design decision.
    assert all("Single project" not in d.title for d in seed.decisions)


def test_seed_complexity_tracking_rows(seed):
    assert [(c.cells, c.source.line) for c in seed.complexity] == [
        ({"Violation": "Simplicity: two services", "Justification": "Mail is sent async",
          "Simpler Alternative Rejected Because": "One process blocks on SMTP"},
         line_of(SEED, "| Simplicity: two services")),
    ]


def test_seed_fail_gate_mitigated_by_complexity_row(seed):
    mitigations = fail_gate_mitigations([seed])
    assert mitigations and all(mitigations.values())


# ---------------------------------------------------------------------------------------------
# 2. Upstream spec-kit header and Technical Context lines
# ---------------------------------------------------------------------------------------------

UPSTREAM = """
# Implementation Plan: Billing Export

**Branch**: `003-billing` | **Date**: 2026-01-02 | **Spec**: [spec.md](spec.md)
**Input**: Feature specification from `/specs/003-billing/spec.md`

## Summary

Export invoices as CSV.

## Technical Context

**Language/Version**: Go 1.22

**Primary Dependencies**:
- API: chi router
- Worker: river queue
**Storage**: PostgreSQL 16
**Testing**: go test with
`-race` and testcontainers
**Target Platform**: Linux server
**Project Type**: web-service
**Performance Goals**: 500 exports/min
**Constraints**: <200ms p95
**Scale/Scope**: 10k tenants
**Release Cadence**: weekly
"""


def test_upstream_header_line(write_feature):
    feature = write_feature("003-billing", {"plan.md": UPSTREAM})
    assert feature.title == "Billing Export"
    assert feature.branch == "003-billing"
    assert feature.created == "2026-01-02"
    assert feature.spec_reference == "[spec.md](spec.md)"
    assert feature.summary == "Export invoices as CSV."
    assert feature.diagnostics == []


def test_upstream_header_split_over_lines(write_feature):
    plan = """
    # Implementation Plan: Hero Contract

    **Branch**: `002-hero` | **Date**: 2026-02-25
    **Spec**: [spec.md](./spec.md)
    **Input**: Feature specification from
    `/specs/002-hero/spec.md`
    """
    feature = write_feature("002-hero", {"plan.md": plan})
    assert (feature.branch, feature.created, feature.spec_reference) == (
        "002-hero", "2026-02-25", "[spec.md](./spec.md)")


def test_upstream_technical_context_lines(write_feature):
    feature = write_feature("003-billing", {"plan.md": UPSTREAM})
    path = "specs/003-billing/plan.md"
    got = [(t.key, t.category, t.value, t.source.path, t.source.line) for t in feature.technical_context]
    assert got == [
        ("Language/Version", "language", "Go 1.22", path, line_of(UPSTREAM, "**Language/Version**")),
        # a value that continues as a bullet list
        ("Primary Dependencies", "frameworks", "- API: chi router\n- Worker: river queue", path,
         line_of(UPSTREAM, "**Primary Dependencies**")),
        # the lazy-continuation trap: directly after a bullet, still its own entry on its own line
        ("Storage", "storage", "PostgreSQL 16", path, line_of(UPSTREAM, "**Storage**")),
        # a hard-wrapped value
        ("Testing", "testing", "go test with `-race` and testcontainers", path, line_of(UPSTREAM, "**Testing**")),
        ("Target Platform", "target", "Linux server", path, line_of(UPSTREAM, "**Target Platform**")),
        ("Project Type", "project-type", "web-service", path, line_of(UPSTREAM, "**Project Type**")),
        ("Performance Goals", "performance", "500 exports/min", path, line_of(UPSTREAM, "**Performance Goals**")),
        ("Constraints", "constraints", "<200ms p95", path, line_of(UPSTREAM, "**Constraints**")),
        ("Scale/Scope", "scale", "10k tenants", path, line_of(UPSTREAM, "**Scale/Scope**")),
        ("Release Cadence", "other", "weekly", path, line_of(UPSTREAM, "**Release Cadence**")),
    ]


def test_lazy_continuation_absorbs_every_following_key(write_feature):
    plan = """
    # Implementation Plan: Nodes

    ## Technical Context

    **Primary Dependencies**:
    - Web: React 18, Vite
    **Storage**: journald on the VM
    **Testing**: Vitest
    """
    feature = write_feature("020-nodes", {"plan.md": plan})
    got = [(t.key, t.value, t.source.line) for t in feature.technical_context]
    assert got == [
        ("Primary Dependencies", "- Web: React 18, Vite", line_of(plan, "**Primary Dependencies**")),
        ("Storage", "journald on the VM", line_of(plan, "**Storage**")),
        ("Testing", "Vitest", line_of(plan, "**Testing**")),
    ]


def test_technical_context_prose_paragraph_is_not_part_of_a_value(write_feature):
    plan = """
    # Implementation Plan: Lora

    ## Technical Context

    **Storage**: PostgreSQL 16
    **Scale/Scope**: 10k tenants

    **No unresolved NEEDS CLARIFICATION.** Every unknown is answered in research.md.
    """
    feature = write_feature("007-lora", {"plan.md": plan})
    assert [(t.key, t.value) for t in feature.technical_context] == [
        ("Storage", "PostgreSQL 16"),
        ("Scale/Scope", "10k tenants"),
    ]


# ---------------------------------------------------------------------------------------------
# 3. Constitution Check in its many forms
# ---------------------------------------------------------------------------------------------

def _cc(body: str) -> str:
    return "# Implementation Plan: Gates\n\n## Constitution Check\n\n" + textwrap.dedent(body).lstrip("\n")


def test_gate_table_with_status_last_column(write_feature):
    plan = _cc("""
    | Principle | Assessment | Status |
    |---|---|---|
    | **I. Layering** | New state lives in sim/ only | ✅ PASS |
    | **II. Config** | Grouped config | ⚠ JUSTIFY (deferred) |
    """)
    feature = write_feature("001-login", {"plan.md": plan})
    got = [(g.name, g.status, g.raw_status, g.evidence, g.phase, g.source.line) for g in feature.gates]
    assert got == [
        ("I. Layering", "pass", "✅ PASS", "New state lives in sim/ only", "pre-research",
         line_of(plan, "I. Layering")),
        ("II. Config", "waived", "⚠ JUSTIFY (deferred)", "Grouped config", "pre-research",
         line_of(plan, "II. Config")),
    ]
    assert diags(feature, "unknown-status") == []


def test_gate_notes_saying_fail_do_not_make_it_fail(write_feature):
    plan = _cc("""
    | Principle | Status | Notes |
    |---|---|---|
    | Test-First | PASS | tests must FAIL first, then pass |
    """)
    feature = write_feature("001-login", {"plan.md": plan})
    [gate] = feature.gates
    assert (gate.name, gate.status, gate.raw_status, gate.evidence) == (
        "Test-First", "pass", "PASS", "tests must FAIL first, then pass")


def test_gate_headings_with_status(write_feature):
    plan = _cc("""
    *GATE: Must pass before Phase 0 research. Re-check after Phase 1 design.*

    ### I. Autonomous Collaboration — PASS

    Agents talk through files.

    ### II. Composability -- PASS (confirmed)

    Each tool stands alone.

    **Gate Result**: PASS. Proceed to Phase 0.
    """)
    feature = write_feature("001-login", {"plan.md": plan})
    got = [(g.name, g.status, g.raw_status, g.evidence, g.phase, g.source.line) for g in feature.gates]
    assert got == [
        ("I. Autonomous Collaboration", "pass", "PASS", "Agents talk through files.", "pre-research",
         line_of(plan, "### I. Autonomous")),
        ("II. Composability", "pass", "PASS (confirmed)", "Each tool stands alone.", "pre-research",
         line_of(plan, "### II. Composability")),
    ]


def test_gate_principle_heading_with_trailing_check_mark(write_feature):
    plan = _cc("""
    ### Principle I — Architecture & Layering ✅

    - Module boundaries respected ✅
    """)
    feature = write_feature("001-login", {"plan.md": plan})
    got = [(g.name, g.status, g.raw_status, g.source.line) for g in feature.gates]
    assert got == [("Principle I — Architecture & Layering", "pass", "✅", line_of(plan, "### Principle I"))]


def test_gate_status_line_below_heading(write_feature):
    plan = _cc("""
    ### I. Simplicity

    **Status**: PASS

    One service.
    """)
    feature = write_feature("001-login", {"plan.md": plan})
    got = [(g.name, g.status, g.raw_status, g.source.line) for g in feature.gates]
    assert got == [("I. Simplicity", "pass", "PASS", line_of(plan, "### I. Simplicity"))]


def test_gate_checkbox_list_prose_starting_with_no_is_pass(write_feature):
    plan = _cc("""
    - [x] **Data Integrity First**: No schema change without a migration
    - [x] **Self-Contained Deployment**: No external services needed
    - [ ] **Observability**: Logging plan still open

    **Violations** (if any): None.
    """)
    feature = write_feature("001-login", {"plan.md": plan})
    got = [(g.name, g.status, g.raw_status, g.evidence, g.source.line) for g in feature.gates]
    assert got == [
        ("Data Integrity First", "pass", "[x]", "No schema change without a migration",
         line_of(plan, "Data Integrity")),
        ("Self-Contained Deployment", "pass", "[x]", "No external services needed", line_of(plan, "Self-Contained")),
        ("Observability", "pending", "[ ]", "Logging plan still open", line_of(plan, "Observability")),
    ]


def test_gate_bold_bullets_with_status(write_feature):
    plan = _cc("""
    ### Required Principles (NON-NEGOTIABLE)

    - **II. Infrastructure Stability**: ✅ PASS - TDD planned
    - **IV. Simplicity**: PASS. One service.
    - **V. Security**: FAIL - secrets in env

    **Overall Result**: PASS - No violations
    """)
    feature = write_feature("001-login", {"plan.md": plan})
    got = [(g.name, g.status, g.raw_status, g.source.line) for g in feature.gates]
    assert got == [
        ("II. Infrastructure Stability", "pass", "✅ PASS", line_of(plan, "II. Infrastructure")),
        ("IV. Simplicity", "pass", "PASS", line_of(plan, "IV. Simplicity")),
        ("V. Security", "fail", "FAIL", line_of(plan, "V. Security")),
    ]


def test_gate_check_mark_paragraph_lines(write_feature):
    plan = _cc("""
    ✅ **I. Upstream-First**: PASS - No core modifications
    ✅ **II. Theme Separation**: PASS - CSS custom properties
    **Overall Result**: PASS - No constitutional violations detected
    """)
    feature = write_feature("001-login", {"plan.md": plan})
    got = [(g.name, g.status, g.evidence, g.source.line) for g in feature.gates]
    assert got == [
        ("I. Upstream-First", "pass", "PASS - No core modifications", line_of(plan, "I. Upstream-First")),
        ("II. Theme Separation", "pass", "PASS - CSS custom properties", line_of(plan, "II. Theme")),
    ]


def test_gate_pre_and_post_design_parts(write_feature):
    plan = _cc("""
    ### Pre-Design Check

    | Principle | Status | Evidence |
    |---|---|---|
    | I. Simplicity | PASS | one package |

    ### Post-Design Re-Check

    | Principle | Status | Evidence |
    |---|---|---|
    | I. Simplicity | PASS | still one package |

    **Gate Result**: PASS

    ## Constitution Re-Check (Post-Design)

    ### II. Testing — FAIL

    No fixtures yet.

    ## Summary

    Not a gate section.
    """)
    feature = write_feature("001-login", {"plan.md": plan})
    got = [(g.id, g.phase, g.phase_label, g.status, g.evidence, g.source.line) for g in feature.gates]
    assert got == [
        ("001-login/gate-pre-i-simplicity", "pre-research", "Pre-Design Check", "pass", "one package",
         line_of(plan, "| one package")),
        ("001-login/gate-post-i-simplicity", "post-design", "Post-Design Re-Check", "pass", "still one package",
         line_of(plan, "| still one package")),
        ("001-login/gate-post-ii-testing", "post-design", "Constitution Re-Check (Post-Design)", "fail",
         "No fixtures yet.", line_of(plan, "### II. Testing")),
    ]


def test_gate_post_design_bold_label(write_feature):
    plan = _cc("""
    - **I. Simplicity**: PASS

    **Post-Design Re-check**:
    - **I. Simplicity**: PASS - still simple
    """)
    feature = write_feature("001-login", {"plan.md": plan})
    assert [(g.phase, g.source.line) for g in feature.gates] == [
        ("pre-research", norm(plan).split("\n").index("- **I. Simplicity**: PASS") + 1),
        ("post-design", line_of(plan, "still simple")),
    ]


def test_gate_summary_lines_are_not_gates(write_feature):
    plan = _cc("""
    | Principle | Status | Notes |
    |---|---|---|
    | I. Simplicity | PASS | fine |

    **Gate Result**: PASS
    **Overall Result**: ALL PRINCIPLES PASS
    **Status**: All constitution checks PASS ✅
    **Re-check**: PASS
    **Violations**: None
    """)
    feature = write_feature("001-login", {"plan.md": plan})
    assert [g.name for g in feature.gates] == ["I. Simplicity"]


def test_gate_heading_phase_comes_from_section_not_principle_name(write_feature):
    plan = _cc("""
    ### I. Tests Before Code — PASS

    TDD.

    ### II. Post-Incident Reviews — PASS

    Blameless.

    ## Constitution Re-Check (Post-Design)

    ### I. Tests Before Code — PASS (confirmed)

    Still TDD.
    """)
    feature = write_feature("001-login", {"plan.md": plan})
    assert [(g.name, g.phase) for g in feature.gates] == [
        ("I. Tests Before Code", "pre-research"),
        ("II. Post-Incident Reviews", "pre-research"),
        ("I. Tests Before Code", "post-design"),
    ]


# ---------------------------------------------------------------------------------------------
# 4. Status normalisation
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("PASS", "pass"), ("✅", "pass"), ("COMPLIANT", "pass"), ("✅ Pass", "pass"), ("ALIGNED", "pass"),
        ("PASS (confirmed)", "pass"),
        ("FAIL", "fail"), ("❌", "fail"), ("VIOLATION", "fail"), ("Non-compliant", "fail"),
        ("WAIVED", "waived"), ("EXCEPTION", "waived"),
        ("N/A", "not-applicable"), ("Not applicable", "not-applicable"),
        ("DEFERRED", "waived"), ("PLANNED", "pending"), ("IN_PROGRESS", "pending"), ("⚠️", "pending"),
        ("⚠", "pending"), ("WATCH", "pending"),
        ("", "unknown"), ("Banana", "unknown"),
    ],
)
def test_gate_status(raw, expected):
    assert st.gate_status(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("Not compliant", "fail"),
        pytest.param("NOT PASS", "fail"),
        pytest.param("No violations", "pass"),
    ],
)
def test_gate_status_negations(raw, expected):
    assert st.gate_status(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Proposed", "proposed"), ("In Review", "in-review"), ("Accepted", "accepted"),
        ("Superseded by ADR-5", "superseded"), ("Deprecated", "deprecated"), ("Rejected", "rejected"),
        ("⚠️ Blocked", "proposed"), ("On hold", "proposed"), ("", "unknown"), ("Mulling it over", "unknown"),
    ],
)
def test_decision_status(raw, expected):
    assert st.decision_status(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Low", "low"), ("Med", "medium"), ("Medium", "medium"), ("High", "high"),
        ("L", "low"), ("M", "medium"), ("H", "high"), ("Critical", "critical"), ("Low-Medium", "medium"),
        ("", "unknown"), ("Sometimes", "unknown"),
    ],
)
def test_risk_level_words(raw, expected):
    assert st.level(raw) == expected


@pytest.mark.parametrize(
    ("probability", "impact", "expected"),
    [
        ("low", "low", "low"), ("low", "medium", "low"), ("low", "high", "medium"),
        ("medium", "medium", "medium"), ("medium", "high", "high"), ("high", "high", "high"),
        ("unknown", "high", "unknown"),
    ],
)
def test_risk_level_grid(probability, impact, expected):
    assert st.risk_level(probability, impact) == expected


def test_unknown_statuses_kept_raw_with_diagnostic_on_their_line(write_feature):
    plan = """
    # Implementation Plan: Unknowns

    ## Constitution Check

    | Gate | Status | Evidence |
    |---|---|---|
    | Simplicity | Banana | hmm |

    ## Decision Log

    | ID | Decision | Status |
    |---|---|---|
    | ADR-001 | Use Postgres | Mulling it over |

    ## Risk Register

    | ID | Description | Probability | Impact | Mitigation |
    |---|---|---|---|---|
    | R1 | Outage | Sometimes | High | Failover |
    """
    feature = write_feature("001-login", {"plan.md": plan})
    [gate] = feature.gates
    [decision] = feature.decisions
    [risk] = feature.risks
    assert (gate.status, gate.raw_status) == ("unknown", "Banana")
    assert (decision.status, decision.raw_status) == ("unknown", "Mulling it over")
    assert (risk.probability, risk.raw_probability, risk.impact, risk.level) == (
        "unknown", "Sometimes", "high", "unknown")
    assert sorted(diags(feature, "unknown-status")) == sorted([
        (PLAN, line_of(plan, "| Banana"), "warning"),
        (PLAN, line_of(plan, "| Mulling"), "warning"),
        (PLAN, line_of(plan, "| Sometimes"), "warning"),
    ])
    assert any("'Banana'" in d.message for d in feature.diagnostics)


# ---------------------------------------------------------------------------------------------
# 5. Risks
# ---------------------------------------------------------------------------------------------

RISKS = """
# Implementation Plan: Risky

## Risk Assessment

| Risk | Likelihood | Impact | Mitigation |
|---|---|---|---|
| Vendor API changes | Medium | High | Pin the API version |
| Slow imports | L | M | Batch writes |

## Delivery Concerns

| Mitigation | Impact | Risk | Probability | Watcher |
|---|---|---|---|---|
| Feature flag | Critical | Migration locks table | Low | DBA team |
"""


def test_risks_in_any_heading_and_column_order(write_feature):
    feature = write_feature("001-login", {"plan.md": RISKS})
    got = [(r.local_id, r.description, r.probability, r.raw_probability, r.impact, r.raw_impact, r.level,
            r.mitigation, r.extra, r.source.line) for r in feature.risks]
    assert got == [
        ("risk-vendor-api-changes", "Vendor API changes", "medium", "Medium", "high", "High", "high",
         "Pin the API version", {}, line_of(RISKS, "| Vendor")),
        ("risk-slow-imports", "Slow imports", "low", "L", "medium", "M", "low", "Batch writes", {},
         line_of(RISKS, "| Slow")),
        ("risk-migration-locks-table", "Migration locks table", "low", "Low", "critical", "Critical", "medium",
         "Feature flag", {"Watcher": "DBA team"}, line_of(RISKS, "| Feature flag")),
    ]
    assert feature.diagnostics == []


def test_generated_risk_ids_are_stable(write_feature):
    first = write_feature("001-login", {"plan.md": RISKS})
    second = write_feature("002-again", {"plan.md": RISKS})
    assert [r.local_id for r in first.risks] == [r.local_id for r in second.risks]
    assert first.risks[0].id == "001-login/risk-vendor-api-changes"
    assert second.risks[0].id == "002-again/risk-vendor-api-changes"


# ---------------------------------------------------------------------------------------------
# 6. Decisions
# ---------------------------------------------------------------------------------------------

DESIGN = """
# Implementation Plan: Exports

## Design Decisions

### D1: Store exports in S3

**Decision**: Write CSV files to a bucket.
**Rationale**: Cheap and durable.

### DD-002: Queue exports

**Decision**: Use a job queue.

**Rationale**: Exports take minutes.

**Alternatives rejected**: cron jobs

### D1 Remains Source of Truth

The D1 database stays authoritative.

## Project Structure

**Structure Decision**: Single project.
"""


def test_plan_decision_headings(write_feature):
    feature = write_feature("001-login", {"plan.md": DESIGN})
    got = [(d.id, d.title, d.rationale, d.alternatives, d.choice, d.status, d.origin, d.source.line)
           for d in feature.decisions]
    assert got == [
        ("001-login/D1", "Store exports in S3", "Cheap and durable.", "", "Write CSV files to a bucket.",
         "accepted", "plan-heading", line_of(DESIGN, "### D1: Store")),
        ("001-login/DD-002", "Queue exports", "Exports take minutes.", "cron jobs", "Use a job queue.", "accepted",
         "plan-heading", line_of(DESIGN, "### DD-002")),
        # "D1 Remains …" has no separator after D1: it is a title, not the id D1
        # the title states what was chosen: it is the choice
        ("001-login/decision-d1-remains-source-of-truth", "D1 Remains Source of Truth", "", "",
         "D1 Remains Source of Truth", "accepted",
         "plan-heading", line_of(DESIGN, "### D1 Remains")),
    ]
    assert feature.decisions[2].context == "The D1 database stays authoritative."
    assert diags(feature, "duplicate-id") == []


def test_plan_decision_alternatives_as_bullet_list(write_feature):
    plan = """
    # Implementation Plan: Exports

    ## Design Decisions

    ### D1: Store exports in S3

    **Decision**: Write CSV files to a bucket.
    **Rationale**: Cheap and durable.
    **Alternatives rejected**:
    - Database blobs: too large
    """
    feature = write_feature("001-login", {"plan.md": plan})
    [decision] = feature.decisions
    assert "Database blobs: too large" in decision.alternatives
    assert decision.context == ""


RESEARCH = """
# Research: Login

## R1: Hashing library

**Decision**: Use argon2-cffi.

**Rationale**: Memory-hard and maintained.

**Alternatives considered**: bcrypt (weaker), scrypt (fewer bindings).

## 2. Session storage

### Decision
Keep sessions in Redis.

### Rationale
Fast expiry.

### Alternatives Considered
Postgres table.

## Decision: Use HTMX for forms

**Rationale**: No SPA build.

## Providers

**D-4: Email provider**

- Decision: Postmark
- Rationale: Good deliverability
- Alternative rejected: SES

## Logging

Decision: structured JSON logs
Rationale: Easy to query
Alternatives considered: plain text
"""


def test_research_decision_forms(write_feature):
    feature = write_feature("001-login", {"plan.md": "# Implementation Plan: Login\n", "research.md": RESEARCH})
    path = "specs/001-login/research.md"
    got = [(d.id, d.title, d.choice, d.rationale, d.alternatives, d.origin, d.status,
            d.source.path, d.source.line) for d in feature.decisions]
    assert got == [
        ("001-login/R1", "Hashing library", "Use argon2-cffi.", "Memory-hard and maintained.",
         "bcrypt (weaker), scrypt (fewer bindings).", "research", "accepted", path,
         line_of(RESEARCH, "## R1: Hashing")),  # a record starts at its topic
        ("001-login/decision-session-storage", "Session storage", "Keep sessions in Redis.", "Fast expiry.",
         "Postgres table.", "research", "accepted", path, line_of(RESEARCH, "### Decision")),
        ("001-login/decision-use-htmx-for-forms", "Use HTMX for forms", "Use HTMX for forms", "No SPA build.", "",
         "research",
         "accepted", path, line_of(RESEARCH, "## Decision: Use HTMX")),
        ("001-login/D-4", "Email provider", "Postmark", "Good deliverability", "SES", "research", "accepted", path,
         line_of(RESEARCH, "**D-4: Email provider**")),
        ("001-login/decision-logging", "Logging", "structured JSON logs", "Easy to query", "plain text", "research",
         "accepted", path, line_of(RESEARCH, "## Logging")),
    ]


def test_research_alternatives_as_bullet_list(write_feature):
    research = """
    # Research: Metrics

    ## Decision 1: Implementation pattern

    **Decision**: Follow the metrics pattern.

    **Rationale**: Proven.

    **Alternatives considered**:
    - Embed in output JSON: import cycle
    - New package: overkill
    """
    feature = write_feature("001-login", {"plan.md": "# Implementation Plan: M\n", "research.md": research})
    [decision] = feature.decisions
    assert "Embed in output JSON: import cycle" in decision.alternatives
    assert "New package: overkill" in decision.alternatives


# ---------------------------------------------------------------------------------------------
# 7. The older template's Progress Tracking
# ---------------------------------------------------------------------------------------------

def test_progress_tracking_checkboxes_become_notes(write_feature):
    plan = """
    # Implementation Plan: Design System

    ## Progress Tracking
    *This checklist is updated during execution flow*

    **Phase Status**:
    - [x] Phase 0: Research complete (/plan command)
    - [ ] Phase 3: Tasks generated (/tasks command)

    **Gate Status**:
    - [x] Initial Constitution Check: PASS
    - [ ] Complexity deviations documented

    ---
    *Based on Constitution v2.1.1*
    """
    feature = write_feature("001-login", {"plan.md": plan})
    got = [(n.section, n.key, n.text, n.checked, n.source.line) for n in feature.notes]
    assert got == [
        ("Progress Tracking", "Phase Status", "Phase 0: Research complete (/plan command)", True,
         line_of(plan, "Phase 0: Research")),
        ("Progress Tracking", "Phase Status", "Phase 3: Tasks generated (/tasks command)", False,
         line_of(plan, "Phase 3: Tasks")),
        ("Progress Tracking", "Gate Status", "Initial Constitution Check: PASS", True,
         line_of(plan, "Initial Constitution")),
        ("Progress Tracking", "Gate Status", "Complexity deviations documented", False,
         line_of(plan, "Complexity deviations")),
    ]
    assert feature.gates == []
    assert feature.research == []


# ---------------------------------------------------------------------------------------------
# 8. spec.md and tasks.md
# ---------------------------------------------------------------------------------------------

SPEC = """
# Feature Specification: Login Flow

**Feature Branch**: `001-login`
**Created**: 2026-01-10
**Status**: Draft

## User Scenarios & Testing

### User Story 1 - Sign in with password (Priority: P1)

Users enter email and password.

### User Story 2 — Reset password (Priority: P2)

### User Story 3 - Remember device

## Requirements

- **FR-001**: System MUST accept email and password.
- **FR-002**: System MUST lock the account [NEEDS CLARIFICATION: lock duration?]
- **FR-002a**: System MUST notify on lock.
- **FR-001**: repeated mention of FR-001
- **NFR-001**: not a functional requirement

## Success Criteria

- **SC-001**: 95% of sign-ins under 2s.
- **SC-002**: No plaintext passwords stored.
"""


def test_spec_summary(write_feature):
    feature = write_feature("001-login", {"spec.md": SPEC, "plan.md": "# Implementation Plan: Login\n"})
    spec = feature.spec
    assert spec is not None
    assert (spec.path, spec.title, spec.status) == ("specs/001-login/spec.md", "Login Flow", "Draft")
    assert [(s.title, s.priority, s.source.line) for s in spec.stories] == [
        ("Sign in with password", "P1", line_of(SPEC, "User Story 1")),
        ("Reset password", "P2", line_of(SPEC, "User Story 2")),
        ("Remember device", "", line_of(SPEC, "User Story 3")),
    ]
    assert spec.requirements == 3  # FR-001, FR-002, FR-002a
    assert spec.success_criteria == 2
    assert spec.clarifications == 1
    assert [(c.text, c.source.path, c.source.line) for c in feature.clarifications] == [
        ("lock duration?", "specs/001-login/spec.md", line_of(SPEC, "lock duration")),
    ]


def test_spec_user_story_double_hyphen(write_feature):
    spec = """
    # Feature Specification: Export

    ### User Story 1 -- Export CSV (Priority: P1)
    """
    feature = write_feature("001-login", {"spec.md": spec})
    assert [(s.title, s.priority) for s in feature.spec.stories] == [("Export CSV", "P1")]


def test_spec_frontmatter_status(write_feature):
    spec = """
    ---
    spec_id: "004"
    title: Export
    status: complete
    ---

    # Feature Specification: Export
    """
    feature = write_feature("001-login", {"spec.md": spec})
    assert (feature.spec.title, feature.spec.status) == ("Export", "complete")


TASKS = """
# Tasks: Login

**Legend**:
- [P] tasks = different files, can run in parallel

## Phase 1: Setup

- [x] T001 Create project skeleton
- [X] T002 [P] Configure linting
- [ ] T003 [P] [US1] Write login test
- [x] **T004** [P] Bold id task

## Review checklist

- [x] Docs reviewed
- [ ] Demo recorded
"""


def test_tasks_count_only_checkboxes_with_ids(write_feature):
    feature = write_feature("001-login", {"tasks.md": TASKS, "plan.md": "# Implementation Plan: Login\n"})
    assert feature.tasks is not None
    assert (feature.tasks.path, feature.tasks.total, feature.tasks.done) == ("specs/001-login/tasks.md", 4, 3)


def test_tasks_without_ids_count_every_checkbox(write_feature):
    tasks = """
    # Tasks

    - [P] tasks = different files

    - [x] Set up repo
    - [ ] Write docs
    - [ ] Ship
    """
    feature = write_feature("001-login", {"tasks.md": tasks, "plan.md": "# Implementation Plan: Login\n"})
    assert (feature.tasks.total, feature.tasks.done) == (3, 1)


def test_tasks_with_suffixed_ids(write_feature):
    tasks = """
    # Tasks

    - [x] T001 Setup
    - [ ] T012a First half of a split task
    - [x] T012b Second half
    - [ ] A checklist line, not a task
    """
    feature = write_feature("001-login", {"tasks.md": tasks, "plan.md": "# Implementation Plan: Login\n"})
    assert (feature.tasks.total, feature.tasks.done) == (3, 2)


# ---------------------------------------------------------------------------------------------
# 9. NEEDS CLARIFICATION markers
# ---------------------------------------------------------------------------------------------

def test_needs_clarification_markers(write_feature):
    plan = """
    # Implementation Plan: Regions

    ## Technical Context

    **Target Platform**: AWS [NEEDS CLARIFICATION: which region?]
    **Storage**: [e.g., Python 3.11 or NEEDS CLARIFICATION]
    **Testing**: NEEDS CLARIFICATION - load test tool unknown

    ## Research

    No NEEDS CLARIFICATION markers remain.

    All NEEDS CLARIFICATION items were resolved.
    """
    feature = write_feature("001-login", {"plan.md": plan})
    got = [(c.id, c.text, c.source.path, c.source.line) for c in feature.clarifications]
    assert got == [
        ("001-login/clarification-which-region", "which region?", PLAN, line_of(plan, "which region")),
        ("001-login/clarification-load-test-tool-unknown", "load test tool unknown", PLAN,
         line_of(plan, "load test tool")),
    ]


def test_needs_clarification_in_research(write_feature):
    research = """
    # Research

    Open point: [NEEDS CLARIFICATION: retention period?]

    No NEEDS CLARIFICATION markers remain elsewhere.
    """
    feature = write_feature("001-login", {"plan.md": "# Implementation Plan: Login\n", "research.md": research})
    assert [(c.text, c.source.path, c.source.line) for c in feature.clarifications] == [
        ("retention period?", "specs/001-login/research.md", line_of(research, "retention")),
    ]


# ---------------------------------------------------------------------------------------------
# 10. Diagnostics
# ---------------------------------------------------------------------------------------------

GATES = """
## Constitution Check

| Gate | Status | Evidence |
|---|---|---|
| Simplicity | PASS | one service |
"""


def test_invalid_frontmatter_body_still_read(write_feature):
    plan = "---\nbranch: 001-login\ntitle: a: b\n---\n# Implementation Plan: Broken\n" + GATES
    feature = write_feature("001-login", {"plan.md": plan})
    # the exact line is pinned by test_invalid_frontmatter_points_at_bad_line
    [(path, _, severity)] = diags(feature, "invalid-frontmatter")
    assert (path, severity) == (PLAN, "error")
    assert feature.metadata == {}
    assert feature.title == "Broken"
    assert [(g.name, g.status, g.source.line) for g in feature.gates] == [
        ("Simplicity", "pass", line_of(plan, "| Simplicity"))]


def test_invalid_frontmatter_points_at_bad_line(write_feature):
    plan = "---\nbranch: 001-login\ntitle: a: b\n---\n# Implementation Plan: Broken\n"
    feature = write_feature("001-login", {"plan.md": plan})
    assert diags(feature, "invalid-frontmatter") == [(PLAN, 3, "error")]


def test_frontmatter_that_is_a_list(write_feature):
    plan = "---\n- a\n- b\n---\n# Implementation Plan: Listy\n" + GATES
    feature = write_feature("001-login", {"plan.md": plan})
    assert diags(feature, "invalid-frontmatter") == [(PLAN, 1, "error")]
    assert "list" in next(d.message for d in feature.diagnostics if d.code == "invalid-frontmatter")
    assert feature.metadata == {}
    assert [g.source.line for g in feature.gates] == [line_of(plan, "| Simplicity")]


def test_non_utf8_bytes_read_with_replacement(write_feature):
    data = b"# Implementation Plan: Caf\xc3\xa9 Menu\n\nIntro line.\n\nBroken \xff byte on line five.\n"
    data += GATES.encode()
    feature = write_feature("001-login", {"plan.md": data})
    assert diags(feature, "invalid-utf8") == [(PLAN, 5, "warning")]
    assert feature.has_plan
    assert feature.title == "Café Menu"
    assert [g.name for g in feature.gates] == ["Simplicity"]


def test_non_utf8_replacement_char_in_record(write_feature):
    data = b"# Implementation Plan: Bad \xff Byte\n"
    feature = write_feature("001-login", {"plan.md": data})
    assert feature.title == "Bad \ufffd Byte"
    assert diags(feature, "invalid-utf8") == [(PLAN, 1, "warning")]


def test_binary_plan_other_features_still_read(write_files, run_pipeline):
    write_files("001-login", {"plan.md": b"# Plan\n\x00\x01\x02binary"})
    write_files("002-billing", {"plan.md": "# Implementation Plan: Billing\n" + GATES})
    result = run_pipeline()
    features = {f.id: f for f in result.portfolio.features}
    assert set(features) == {"001-login", "002-billing"}
    assert not features["001-login"].has_plan
    assert features["001-login"].title == "001-login"
    assert [(d.code, d.path, d.line) for d in result.diagnostics] == [("unreadable-file", PLAN, 2)]
    assert features["002-billing"].title == "Billing"
    assert [g.name for g in features["002-billing"].gates] == ["Simplicity"]


def test_directory_named_plan_md(run_pipeline, tmp_path: Path):
    (tmp_path / "specs" / "001-login" / "plan.md").mkdir(parents=True)
    result = run_pipeline()
    assert result.portfolio.features == []  # discovery lists only files it can read: the folder holds none
    assert [(d.code, d.path, d.line, d.severity.value) for d in result.diagnostics] == [
        ("unreadable-file", PLAN, 1, "error")]


def test_file_over_size_limit(write_feature, run_pipeline):
    big = "# Implementation Plan: Big\n\n" + "x" * 500 + "\n"
    feature = write_feature("001-login", {"plan.md": big}, max_bytes=100)
    assert diags(feature, "unreadable-file") == [(PLAN, 1, "error")]
    assert not feature.has_plan
    assert feature.title == "001-login"
    assert feature.gates == []
    result = run_pipeline(max_bytes=100)
    assert [(d.code, d.path) for d in result.diagnostics] == [("unreadable-file", PLAN)]
    assert run_pipeline().diagnostics == ()


PLACEHOLDERS = """
---
feature_id: 001-login
created_at: [DATE]
---

# Implementation Plan: [FEATURE]

**Spec Reference**: [spec.md](spec.md)

## Summary

Branch [###-feature-name] is pending; see [the docs](https://example.com) and ![diagram](d.png).

## Research Backlog

- [x] Done item for [US1] [P]
- [ ] T001 [P] [US2] follow up
"""


def test_unfilled_placeholders(write_feature):
    feature = write_feature("001-login", {"plan.md": PLACEHOLDERS})
    warnings = [(d.path, d.line, d.severity.value, d.message) for d in feature.diagnostics
                if d.code == "unfilled-placeholder"]
    # [x], [P], [US1], [US2], T001, links and images are not placeholders: only these three are reported
    assert warnings == [
        (PLAN, line_of(PLACEHOLDERS, "[DATE]"), "warning", "template text [DATE] left in"),
        (PLAN, line_of(PLACEHOLDERS, "[FEATURE]"), "warning", "template text [FEATURE] left in"),
        (PLAN, line_of(PLACEHOLDERS, "[###-feature-name]"), "warning", "template text [###-feature-name] left in"),
    ]


def test_seed_template_frontmatter_placeholders(write_feature):
    plan = """
    ---
    feature_id: 001-login
    branch: [###-feature-name]
    ---

    # Implementation Plan: Login
    """
    feature = write_feature("001-login", {"plan.md": plan})
    assert [d.line for d in feature.diagnostics if d.code == "unfilled-placeholder"] == [
        line_of(plan, "[###-feature-name]")]


def test_id_references_are_not_placeholders(write_feature):
    plan = """
    # Implementation Plan: Login

    ## Summary

    Covers [US1, US2] and [FR-001, FR-002]; the choice is recorded in [ADR-001].
    """
    feature = write_feature("001-login", {"plan.md": plan})
    assert diags(feature, "unfilled-placeholder") == []


def test_upstream_unfilled_branch_placeholder_reported(write_feature):
    plan = """
    # Implementation Plan: Login

    **Branch**: `[###-feature-name]` | **Date**: 2026-01-02 | **Spec**: [spec.md](spec.md)
    """
    feature = write_feature("001-login", {"plan.md": plan})
    assert feature.branch == "[###-feature-name]"
    assert diags(feature, "unfilled-placeholder") == [(PLAN, 3, "warning")]


def test_duplicate_adr_id(write_feature):
    plan = """
    # Implementation Plan: Login

    ## Decision Log

    | ID | Decision | Status |
    |---|---|---|
    | ADR-001 | Use Postgres | Accepted |
    | ADR-001 | Use Redis | Proposed |
    """
    feature = write_feature("001-login", {"plan.md": plan})
    got = [(d.id, d.local_id, d.title, d.status, d.source.line) for d in feature.decisions]
    assert got == [
        ("001-login/ADR-001", "ADR-001", "Use Postgres", "accepted", line_of(plan, "Use Postgres")),
        ("001-login/ADR-001~2", "ADR-001~2", "Use Redis", "proposed", line_of(plan, "Use Redis")),
    ]
    assert diags(feature, "duplicate-id") == [(PLAN, line_of(plan, "Use Redis"), "error")]


def test_malformed_table_rows(write_feature):
    plan = """
    # Implementation Plan: Login

    ## Constitution Check

    | Gate | Status | Evidence |
    |---|---|---|
    | Test-First | PASS | yes | stray cell |
    | Library-first | PASS |
    """
    feature = write_feature("001-login", {"plan.md": plan})
    assert diags(feature, "malformed-table") == [
        (PLAN, line_of(plan, "stray cell"), "warning"),
        (PLAN, line_of(plan, "| Library-first"), "warning"),
    ]
    got = [(g.name, g.status, g.evidence, g.extra) for g in feature.gates]
    assert got == [
        ("Test-First", "pass", "yes", {"column 4": "stray cell"}),
        ("Library-first", "pass", "", {}),
    ]


FAILING = """
# Implementation Plan: Login

## Constitution Check

| Gate | Status | Evidence |
|---|---|---|
| Simplicity | FAIL | three services |
| Observability | WAIVED | spike only |
"""


def _gate_errors(result) -> list[tuple[str, int]]:
    return [(d.path, d.line) for d in result.diagnostics if d.code == "gate-fail-unmitigated"]


def test_fail_gate_unmitigated_is_error(write_files, run_pipeline):
    write_files("001-login", {"plan.md": FAILING})
    result = run_pipeline()
    assert [(d.code, d.severity.value, d.path, d.line) for d in result.diagnostics] == [
        ("gate-fail-unmitigated", "error", PLAN, line_of(FAILING, "| Simplicity"))]


@pytest.mark.parametrize(
    ("tail", "mitigated"),
    [
        pytest.param("""
## Complexity Tracking

| Violation | Why Needed | Simpler Alternative Rejected Because |
|---|---|---|
| Simplicity: third service | Isolates billing | Monolith leaks PCI scope |
""", True, id="complexity-row-with-justification"),
        pytest.param("""
## Complexity Tracking

| Violation | Why Needed | Simpler Alternative Rejected Because |
|---|---|---|
| Simplicity: third service | | |
""", False, id="complexity-row-without-justification"),
        pytest.param("""
## Complexity Tracking

| Violation | Why Needed | Simpler Alternative Rejected Because |
|---|---|---|
| Fourth project | Isolation | Too coupled |
""", False, id="complexity-row-naming-another-gate"),
        pytest.param("""
## Risks

| ID | Risk | Impact | Mitigation |
|---|---|---|---|
| R1 | Simplicity gate fails with three services | High | Merge services after launch |
""", True, id="risk-with-mitigation"),
        pytest.param("""
## Risks

| ID | Risk | Impact | Mitigation |
|---|---|---|---|
| R1 | Simplicity gate fails with three services | High | |
""", False, id="risk-without-mitigation"),
    ],
)
def test_fail_gate_mitigation(write_files, run_pipeline, tail, mitigated):
    write_files("001-login", {"plan.md": FAILING + tail})
    expected = [] if mitigated else [(PLAN, line_of(FAILING, "| Simplicity"))]
    assert _gate_errors(run_pipeline()) == expected


def test_waived_gate_is_not_an_error(write_files, run_pipeline):
    plan = FAILING.replace("| Simplicity | FAIL |", "| Simplicity | WAIVED |")
    write_files("001-login", {"plan.md": plan})
    result = run_pipeline()
    assert [g.status for g in result.portfolio.gates] == ["waived", "waived"]
    assert _gate_errors(result) == []


# ---------------------------------------------------------------------------------------------
# 11. Discovery
# ---------------------------------------------------------------------------------------------

def test_discovery(write_files, run_pipeline, tmp_path: Path):
    write_files("001-login", {
        "plan.md": "# Implementation Plan: Login\n",
        "contracts/auth.yaml": "openapi: 3.1.0\n",
        "contracts/v2/events.json": "{}\n",
    })
    write_files("001-billing", {"plan.md": "# Implementation Plan: Billing\n"})
    write_files("002-spec-only", {"spec.md": "# Feature Specification: Only A Spec\n"})
    write_files("003-no-artifacts", {"notes.txt": "scratch\n"})
    (tmp_path / "specs" / "README.md").write_text("not a feature\n")

    result = run_pipeline()
    features = {f.id: f for f in result.portfolio.features}
    # the feature id is the whole directory name: both 001-* features are found
    assert [f.id for f in result.portfolio.features] == ["001-billing", "001-login", "002-spec-only"]
    login = features["001-login"]
    assert login.artifacts == {"plan": PLAN, "contracts": "specs/001-login/contracts"}
    assert login.files == ["contracts/auth.yaml", "contracts/v2/events.json"]
    spec_only = features["002-spec-only"]
    assert (spec_only.has_plan, spec_only.title) == (False, "Only A Spec")
    assert spec_only.artifacts == {"spec": "specs/002-spec-only/spec.md"}
    assert [(d.code, d.severity.value, d.path, d.line) for d in result.diagnostics] == [
        ("spec-only-feature", "info", "specs/002-spec-only/spec.md", 1)]
    assert not any(d.code == "duplicate-id" for d in result.diagnostics)
