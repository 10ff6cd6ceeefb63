"""Constitution Check gates in the shapes real plans write them: every gate found, with its
status and phase, and nothing else (summaries, evidence bullets, file lists) taken for one.

Fixtures are short invented plans; each test pins names, statuses, raw text and source lines.
"""

from __future__ import annotations

import textwrap

import pytest

from fixture_text import line_of
from plan_portal.model import status as st
from plan_portal.model.records import Feature


def _cc(body: str, heading: str = "## Constitution Check") -> str:
    return f"# Implementation Plan: Gates\n\n{heading}\n\n" + textwrap.dedent(body).lstrip("\n")


def _got(feature: Feature) -> list[tuple[str, str, str, int]]:
    return [(g.name, g.status, g.phase, g.source.line) for g in feature.gates]


def _unknown(feature: Feature) -> list[str]:
    return [d.message for d in feature.diagnostics if d.code == "unknown-status"]


def test_numbered_lines_ending_in_a_status(write_feature):
    plan = _cc("""
    1. **Parser First**: The reader is a standalone module. (Pass)
    2. **Command Line**: Invoked through one command. (PASS)
    3. **Test Alignment**: Unit tests added for the parser. Pass.
    4. **Config Files**: Settings live in YAML ✅
    5. **Notes**: We talked about tests that must FAIL first.
    """)
    feature = write_feature("001-a", {"plan.md": plan})
    assert _got(feature) == [
        ("Parser First", "pass", "pre-research", line_of(plan, "Parser First")),
        ("Command Line", "pass", "pre-research", line_of(plan, "Command Line")),
        ("Test Alignment", "pass", "pre-research", line_of(plan, "Test Alignment")),
        ("Config Files", "pass", "pre-research", line_of(plan, "Config Files")),
    ]
    assert [g.raw_status for g in feature.gates] == ["Pass", "PASS", "Pass", "✅"]


def test_bullets_with_a_status_after_a_dash_lead_or_close(write_feature):
    plan = _cc("""
    - **I. Local First** — N/A (no network surface). Pass.
    - **II. Pure Core** — all logic is pure and tested without the OS;
      every file call sits behind a port. Pass.
    - **III. Observability** — PASS. Structured logs for each step.
    - **IV. Small Modules**: one module per concern. (PASS)
    - **V. Red Before Green** — Red-Green-Refactor with unit and contract layers. Pass.
    """)
    feature = write_feature("001-a", {"plan.md": plan})
    assert _got(feature) == [
        ("I. Local First", "not-applicable", "pre-research", line_of(plan, "I. Local First")),
        ("II. Pure Core", "pass", "pre-research", line_of(plan, "II. Pure Core")),
        ("III. Observability", "pass", "pre-research", line_of(plan, "III. Observability")),
        ("IV. Small Modules", "pass", "pre-research", line_of(plan, "IV. Small Modules")),
        ("V. Red Before Green", "pass", "pre-research", line_of(plan, "V. Red Before")),
    ]


def test_heading_with_status_and_evidence_bullets(write_feature):
    plan = _cc("""
    ### I. Test-First ✅ PASS

    - **Status**: PASS (N/A for provisioning)
    - **Evidence**: tests written first ✅
    - Red, green, refactor

    ### II. Small Surface ✅ **WAIVED**

    - One extra service, see Complexity Tracking.

    ### III. Docs Current — DEFERRED

    - README updated at release.

    ### Principle IV: Raw Data Immutable ⚠️ N/A

    Nothing is stored.
    """)
    feature = write_feature("001-a", {"plan.md": plan})
    assert _got(feature) == [
        ("I. Test-First", "pass", "pre-research", line_of(plan, "### I. Test-First")),
        ("II. Small Surface", "waived", "pre-research", line_of(plan, "### II. Small")),
        ("III. Docs Current", "waived", "pre-research", line_of(plan, "### III. Docs")),
        ("Principle IV: Raw Data Immutable", "not-applicable", "pre-research", line_of(plan, "### Principle IV")),
    ]
    assert feature.gates[0].raw_status == "✅ PASS"


def test_check_mark_heading_takes_the_status_its_body_states(write_feature):
    plan = _cc("""
    ### ✅ I. Test-First Development (NON-NEGOTIABLE)
    **Status**: COMPLIANT

    ### ✅ II. Async Everywhere
    **Status**: NOT APPLICABLE

    **Rationale**: a synchronous command.

    ### ✅ III. Typed Code

    Type hints throughout.
    """)
    feature = write_feature("001-a", {"plan.md": plan})
    assert [(g.name, g.status, g.raw_status) for g in feature.gates] == [
        ("I. Test-First Development (NON-NEGOTIABLE)", "pass", "COMPLIANT"),
        ("II. Async Everywhere", "not-applicable", "NOT APPLICABLE"),
        ("III. Typed Code", "pass", "✅"),
    ]


def test_bold_principle_lines_with_and_without_a_body(write_feature):
    plan = _cc("""
    **Principle I: Test-First** ✅
    - Hooks enforce tests first
    - N/A - no violations

    **Principle II: Observability** ✅

    **Principle III: Simplicity** - ✅ PASS (Not Applicable - nothing new)

    ✅ **Single Project**: one package, no services

    **GATE STATUS**: ✅ **PASSED** - all principles satisfied
    """)
    feature = write_feature("001-a", {"plan.md": plan})
    assert _got(feature) == [
        ("Principle I: Test-First", "pass", "pre-research", line_of(plan, "Principle I:")),
        ("Principle II: Observability", "pass", "pre-research", line_of(plan, "Principle II:")),
        ("Principle III: Simplicity", "pass", "pre-research", line_of(plan, "Principle III:")),
        ("Single Project", "pass", "pre-research", line_of(plan, "Single Project")),
    ]


def test_assessment_and_verdict_tables_with_prose_and_emoji(write_feature):
    plan = _cc("""
    | Principle | Assessment |
    |---|---|
    | V. Simplicity | ✅ one module, no new service |
    | **VI. Layering** | PASS. The parser stays in its own package. |
    | **VII. Isolation** | **Reinforced.** Each project keeps its own state. |
    | **VIII. Native Calls** | **PASS**: Will use the platform API directly. |
    | **IX. Offline** | **N/A**: nothing is cached. |

    | Gate | Status | Notes |
    |---|---|---|
    | Single binary | ✅ | |
    | Config | ✅ PASS (deferred) | flags later |
    | Docs | ⚠️ | pending review |
    """)
    feature = write_feature("001-a", {"plan.md": plan})
    assert [(g.name, g.status, g.raw_status) for g in feature.gates] == [
        ("V. Simplicity", "pass", "✅"),
        ("VI. Layering", "pass", "PASS"),
        ("VII. Isolation", "pass", "Reinforced"),
        ("VIII. Native Calls", "pass", "PASS"),
        ("IX. Offline", "not-applicable", "N/A"),
        ("Single binary", "pass", "✅"),
        ("Config", "pass", "✅ PASS (deferred)"),
        ("Docs", "pending", "⚠️"),
    ]
    assert _unknown(feature) == []


def test_verdict_column_beats_an_assessment_column_and_is_kept_whole(write_feature):
    plan = _cc("""
    | Principle | Assessment | Verdict |
    |---|---|---|
    | I. Tests | Failing tests come first, then code | **PASS** — all new code |
    """)
    feature = write_feature("001-a", {"plan.md": plan})
    [gate] = feature.gates
    assert (gate.name, gate.status, gate.raw_status, gate.evidence) == (
        "I. Tests", "pass", "PASS — all new code", "Failing tests come first, then code")


def test_one_table_with_pre_and_post_status_columns_is_two_records(write_feature):
    plan = _cc("""
    | Principle | Pre-Design | Post-Design | Notes |
    |---|---|---|---|
    | I. Simplicity | PASS | PASS | one package |
    | II. Testing | ⚠️ PENDING | ✅ PASS | fixtures written in design |
    """)
    feature = write_feature("001-a", {"plan.md": plan})
    row_one, row_two = line_of(plan, "I. Simplicity"), line_of(plan, "II. Testing")
    assert [(g.name, g.status, g.phase, g.source.line) for g in feature.gates] == [
        ("I. Simplicity", "pass", "pre-research", row_one),
        ("I. Simplicity", "pass", "post-design", row_one),
        ("II. Testing", "pending", "pre-research", row_two),
        ("II. Testing", "pass", "post-design", row_two),
    ]
    assert len({g.id for g in feature.gates}) == 4


def test_one_heading_with_pre_and_post_status_is_two_records(write_feature):
    plan = _cc("""
    ### I. Library First — PASS | POST-DESIGN PASS

    The reader is a library.
    """)
    feature = write_feature("001-a", {"plan.md": plan})
    assert [(g.name, g.status, g.phase) for g in feature.gates] == [
        ("I. Library First", "pass", "pre-research"),
        ("I. Library First", "pass", "post-design"),
    ]


def test_summaries_evidence_file_lists_and_placeholders_are_not_gates(write_feature):
    plan = _cc("""
    *GATE: Must pass before Phase 0 research. Re-check after Phase 1 design.*

    [Gates determined based on constitution file]

    **Status**: ✅ PASS (No constitution violations)

    This change:
    - Adds no library
    - Keeps the API

    **Artifacts**:
    - ✅ research.md
    - ✅ contracts/

    **Gate Result**: PASS — no violations.
    All gates pass.

    ### ✅ All Gates Still Pass

    Nothing changed in design.

    ### Summary: ✅ ALL GATES PASS

    ### Final Gate Status

    **Result: PASS. No violations.**

    ### 🟢 GATE PASSED
    """)
    feature = write_feature("001-a", {"plan.md": plan})
    assert feature.gates == []


def test_group_heading_with_a_mark_holds_gate_lines(write_feature):
    plan = _cc("""
    ### ✅ Aligned with Core Principles

    **API First**: N/A - no API in this feature
    **Type Safety**: ✅ strict mode everywhere

    ### ⚠️ Constitution Concerns Identified

    **Slow hooks** (see Complexity Tracking):
    - **Mitigation**: accepted in the spec
    """)
    feature = write_feature("001-a", {"plan.md": plan})
    assert [(g.name, g.status, g.raw_status) for g in feature.gates] == [
        ("API First", "not-applicable", "N/A"),
        ("Type Safety", "pass", "✅"),
    ]


def test_plain_items_closed_by_a_check_mark_are_gates_unless_evidence_of_one(write_feature):
    plan = _cc("""
    **Note**: no constitution yet; applying common principles:
    - Backward compatibility kept ✅
    - Clear documentation ✅

    **Principle I — Layering** ✅
    - `Store` lives in the core package ✅
    - No cycles introduced ✅
    """)
    feature = write_feature("001-a", {"plan.md": plan})
    assert _got(feature) == [
        ("Backward compatibility kept", "pass", "pre-research", line_of(plan, "Backward")),
        ("Clear documentation", "pass", "pre-research", line_of(plan, "Clear documentation")),
        ("Principle I — Layering", "pass", "pre-research", line_of(plan, "Principle I")),
    ]


def test_principle_lines_and_rule_rows_with_prose_only(write_feature):
    plan = _cc("""
    **Gate result: PASS.** Deltas from the first check:

    - **II (Pure Core):** two new ports, both contract-tested.
    - **Release notes (NON-NEGOTIABLE)** — README updated in the same change.
    - **Principle (Bring Your Own Cloud)**: no credential changes.
    - **Mitigation**: accepted in the spec.

    | Rule | How this feature satisfies it |
    |---|---|
    | Shared widgets in core | Reuses the filter bar. |
    | Create is toolbar-only | A section-level create — see the divergence below. |
    | Docs current | Reconciled by a task, not a waiver; no deviation. |
    """)
    feature = write_feature("001-a", {"plan.md": plan})
    assert [(g.name, g.status, g.raw_status) for g in feature.gates] == [
        ("II (Pure Core)", "pass", ""),
        ("Release notes (NON-NEGOTIABLE)", "pass", ""),
        ("Principle (Bring Your Own Cloud)", "pass", ""),
        ("Shared widgets in core", "pass", ""),
        ("Create is toolbar-only", "waived", ""),
        ("Docs current", "pass", ""),
    ]
    assert _unknown(feature) == []


def test_wrapped_check_marks_in_a_paragraph_are_not_gates(write_feature):
    plan = _cc("""
    **Architecture constraints**: single writer ✅; local storage ✅; sandbox kept
    ✅; Electron baseline ✅; **now realised** ✅; reuse-not-fork ✅.
    """)
    feature = write_feature("001-a", {"plan.md": plan})
    assert feature.gates == []


@pytest.mark.parametrize("heading", [
    "## Constitution Check: Post-Design Re-evaluation",
    "## Post-Design Constitution Re-Check",
    "## Constitution Check Re-evaluation",
    "### Post-Phase-1 re-evaluation",
    "### Constitution Check — Batch 2 (re-evaluated vs v3.6.0)",
    "### Post-Design Check (Gate 2)",
])
def test_recheck_sections_are_post_design(write_feature, heading):
    plan = _cc("""
    | # | Principle | Verdict |
    |---|---|---|
    | I | Simplicity | ✅ PASS |
    | II | Testing | ✅ PASS |

    """) + f"{heading}\n\n" + textwrap.dedent("""
    | # | Principle | Verdict |
    |---|---|---|
    | I | Simplicity | ✅ PASS (confirmed) |
    | II | Testing | ✅ PASS (confirmed) |
    """)
    feature = write_feature("001-a", {"plan.md": plan})
    assert [(g.local_id, g.phase) for g in feature.gates] == [
        ("gate-pre-I", "pre-research"), ("gate-pre-II", "pre-research"),
        ("gate-post-I", "post-design"), ("gate-post-II", "post-design"),
    ]
    assert [d for d in feature.diagnostics if d.code == "duplicate-id"] == []


def test_a_numeral_repeated_inside_one_table_is_still_reported(write_feature):
    plan = _cc("""
    | # | Principle | Verdict |
    |---|---|---|
    | I | Simplicity | PASS |
    | I | Testing | PASS |
    """)
    feature = write_feature("001-a", {"plan.md": plan})
    assert [(d.code, d.line) for d in feature.diagnostics if d.code == "duplicate-id"] == [
        ("duplicate-id", line_of(plan, "| Testing"))]


def test_clean_plan_with_numbered_pre_and_post_tables_passes_check(write_files, run_pipeline):
    plan = _cc("""
    | # | Principle | Verdict |
    |---|---|---|
    | I | Simplicity | PASS |

    ## Post-Design Constitution Re-Check

    | # | Principle | Verdict |
    |---|---|---|
    | I | Simplicity | PASS |
    """)
    write_files("001-a", {"plan.md": plan})
    result = run_pipeline()
    assert [d for d in result.diagnostics if d.severity.value == "error"] == []


@pytest.mark.parametrize(("raw", "expected"), [
    ("⚠️ N/A", "not-applicable"), ("✅ N/A", "not-applicable"), ("✅ PASS (deferred)", "pass"),
    ("PASS (N/A for provisioning)", "pass"), ("DEFERRED", "waived"), ("⚠️ Justified", "waived"),
    ("⚠️", "pending"), ("⚠️ PARTIAL", "pending"), ("Reinforced", "pass"), ("❌ FAIL", "fail"),
])
def test_the_status_the_author_leads_with_decides(raw, expected):
    assert st.gate_status(raw) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Pass. One module.", "pass"), ("Reinforced — tests first", "pass"), ("No new service", "unknown"),
    ("Red-Green-Refactor with unit tests", "unknown"), ("Yes, one package", "pass"),
])
def test_capitalised_status_words_count_only_as_a_verdict(text, expected):
    assert st.leading_gate_status(text, capitalised=True) == expected


def test_a_check_introduced_as_redone_after_design_is_post_design(write_feature):
    plan = _cc("""
    *GATE: re-checked after design.*

    | Principle | Assessment |
    |---|---|
    | **I. Tests** | PASS. Red first. |
    | **II. Docs** | Minor — README reconciled by a task, not a waiver. |
    """)
    feature = write_feature("001-a", {"plan.md": plan})
    assert [(g.name, g.status, g.phase, g.evidence) for g in feature.gates] == [
        ("I. Tests", "pass", "post-design", "PASS. Red first."),
        ("II. Docs", "pass", "post-design", "Minor — README reconciled by a task, not a waiver."),
    ]


def test_the_template_gate_line_leaves_the_check_pre_research(write_feature):
    plan = _cc("""
    *GATE: Must pass before Phase 0 research. Re-check after Phase 1 design.*

    | Principle | Status |
    |---|---|
    | I. Tests | PASS |
    """)
    feature = write_feature("001-a", {"plan.md": plan})
    assert [g.phase for g in feature.gates] == ["pre-research"]


def test_a_summary_row_of_a_gate_table_is_kept_as_a_note(write_feature):
    """Not a gate, and not lost either: the feature page shows it under Notes."""
    feature = write_feature("001-x", {"plan.md": (
        "# Plan\n\n## Constitution Check\n\n| Gate | Status | Evidence |\n|---|---|---|\n"
        "| I. Tests first | PASS | suite |\n| Overall | PASS | all principles met |\n")})
    assert [g.name for g in feature.gates] == ["I. Tests first"]
    assert [(n.section, n.key, n.text, n.source.line) for n in feature.notes] == [
        ("Constitution Check", "Overall", "PASS · all principles met", 8)]
