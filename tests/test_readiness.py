"""Readiness: each feature's state (blocked, needs attention, ready for tasks, in progress, done, no plan
yet, closed) and every reason for it, pointing at its record. The rule is in docs/formats.md."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from fixture_text import line_of
from plan_portal.check.readiness import marked_blocking
from plan_portal.checked import CheckedPortfolio as Result
from plan_portal.checked import Readiness

FID = "020-sync"
PLAN_PATH = f"specs/{FID}/plan.md"


def plan(status: str = "Approved", gates: str = "| Contract first | PASS | drafted | Lead |",
         decisions: str = "| ADR-001 | Use Postgres | one store | Accepted | none |", research: str = "",
         extra: str = "") -> str:
    return f"""\
# Implementation Plan: Sync

**Planning Status**: {status}

## Constitution Check

| Gate | Status | Evidence | Owner |
|------|--------|----------|-------|
{gates}

## Decision Log

| ID | Decision | Context | Status | Follow-up |
|----|----------|---------|--------|-----------|
{decisions}

## Research Backlog

{research or "- [x] Pick a store"}
{extra}
"""


@pytest.fixture
def readiness_of(write_files: Callable[..., Path], run_pipeline: Callable[..., Result]
                 ) -> Callable[..., tuple[Readiness, Result]]:
    """Write 020-sync's files (plan.md, and tasks.md when given) and return its readiness."""

    def go(plan_text: str | None = None, tasks: str | None = None, **files: str) -> tuple[Readiness, Result]:
        written = dict(files)
        if plan_text is not None:
            written["plan.md"] = plan_text
        if tasks is not None:
            written["tasks.md"] = tasks
        write_files(FID, written)
        result = run_pipeline()
        return result.readiness[FID], result

    return go


def kinds(readiness: Readiness) -> list[tuple[str, str]]:
    return [(r.level, r.kind) for r in readiness.reasons]


# ------------------------------------------------------------------------------------------ the states


def test_a_plain_approved_plan_without_tasks_is_ready_for_tasks(readiness_of):
    readiness, _ = readiness_of(plan())
    assert readiness.state == "ready"
    assert readiness.label == "ready for tasks"
    assert kinds(readiness) == [("state", "ready")]
    assert readiness.reasons[0].source.path == PLAN_PATH


@pytest.mark.parametrize(("tasks", "state", "text"), [
    ("- [ ] T001 one\n- [ ] T002 two\n", "ready", "none of its 2 tasks done yet"),
    ("- [x] T001 one\n- [ ] T002 two\n", "in-progress", "1 of 2 tasks done"),
    ("- [x] T001 one\n- [x] T002 two\n", "done", "All 2 tasks done"),
])
def test_tasks_decide_ready_in_progress_and_done(readiness_of, tasks: str, state: str, text: str):
    readiness, _ = readiness_of(plan(status="Draft"), tasks)
    assert readiness.state == state
    assert kinds(readiness) == [("state", "tasks")]
    assert text in readiness.reasons[0].text
    assert readiness.reasons[0].source.path == f"specs/{FID}/tasks.md"


@pytest.mark.parametrize(("status", "state"), [("Complete", "done"), ("In Progress", "in-progress"),
                                               ("Cancelled", "closed")])
def test_without_tasks_the_plans_own_status_says_done_in_progress_or_closed(readiness_of, status: str, state: str):
    readiness, _ = readiness_of(plan(status=status))
    assert readiness.state == state
    assert kinds(readiness) == [("state", "plan-status")]
    assert readiness.stated_raw == status


def test_a_closed_plan_is_not_flagged_for_what_it_left_open(readiness_of):
    readiness, _ = readiness_of(plan(status="Abandoned", gates="| Contract first | PENDING | later | Lead |"))
    assert readiness.state == "closed"


def test_a_spec_without_a_plan_has_no_plan_yet(readiness_of):
    readiness, _ = readiness_of(None, **{"spec.md": "# Feature Specification: Sync\n\n**Status**: Draft\n"})
    assert readiness.state == "no-plan"
    assert (readiness.stated, readiness.stated_raw) == ("draft", "Draft")
    assert readiness.stated_source is not None and readiness.stated_source.path.endswith("spec.md")


def test_the_status_shown_is_the_plans_else_the_specs_else_none(readiness_of):
    spec = "# Feature Specification: Sync\n\n**Status**: Implemented\n"
    readiness, _ = readiness_of(plan(status=""), **{"spec.md": spec})
    assert (readiness.stated, readiness.stated_raw) == ("complete", "Implemented")
    readiness, _ = readiness_of(plan(status="Completed"))
    assert (readiness.stated, readiness.stated_raw) == ("complete", "Completed")


def test_no_stated_status_at_all(readiness_of):
    readiness, _ = readiness_of(plan(status=""))
    assert (readiness.stated, readiness.stated_raw, readiness.stated_source) == ("", "", None)


# ------------------------------------------------------------------------------------ blocked reasons


def test_an_unmitigated_fail_gate_blocks_and_points_at_the_gate(readiness_of):
    text = plan(gates="| Single datastore | FAIL | two stores | Lead |")
    readiness, result = readiness_of(text, "- [x] T001 one\n")
    assert readiness.state == "blocked"
    (reason,) = readiness.reasons
    assert (reason.kind, reason.level) == ("unmitigated-fail", "blocks")
    assert "Single datastore" in reason.text
    assert reason.record in result.unmitigated
    assert reason.source.line == line_of(text, "| Single datastore |")


def test_a_mitigated_fail_gate_does_not_block(readiness_of):
    text = plan(gates="| Single datastore | FAIL | two stores | Lead |", extra="""
## Complexity Tracking

| Violation | Why Needed | Simpler Alternative Rejected Because |
|-----------|------------|--------------------------------------|
| Single datastore | Offline scans | Replicas too slow |
""")
    readiness, _ = readiness_of(text)
    assert readiness.state == "ready"


def test_a_research_item_marked_blocking_blocks(readiness_of):
    text = plan(research="- [ ] **Blocking**: legal opinion on automated blocks\n- [ ] Load test at 400 rps")
    readiness, _ = readiness_of(text, "- [ ] T001 one\n")
    assert readiness.state == "blocked"
    assert kinds(readiness) == [("blocks", "blocking-question")]
    assert readiness.reasons[0].source.line == line_of(text, "legal opinion")


def test_a_clarification_marked_blocking_blocks_and_others_need_attention(readiness_of):
    spec = ("# Feature Specification: Sync\n\n- Region [NEEDS CLARIFICATION: blocking — which region?]\n"
            "- Limit [NEEDS CLARIFICATION: 7 or 30 days?]\n")
    readiness, _ = readiness_of(plan(), **{"spec.md": spec})
    assert readiness.state == "blocked"
    assert kinds(readiness) == [("blocks", "blocking-question"), ("attention", "clarification")]
    assert readiness.reasons[1].text == "NEEDS CLARIFICATION in spec.md: 7 or 30 days?"
    assert readiness.reasons[1].source == type(readiness.reasons[1].source)(f"specs/{FID}/spec.md", 4)


def test_an_open_decision_marked_blocked_blocks(readiness_of):
    text = plan(decisions="| ADR-005 | Adyen failover | KYC | Proposed | Blocked on Adyen KYC (see R3) |\n"
                          "| ADR-006 | Retry budget | load | Blocked | none |\n"
                          "| ADR-007 | Old idea | none | Accepted | Blocked earlier, now done |")
    readiness, _ = readiness_of(text, "- [x] T001 one\n")
    assert readiness.state == "blocked"
    assert [r.record for r in readiness.reasons] == [f"{FID}/ADR-005", f"{FID}/ADR-006"]
    assert all(r.kind == "blocked-decision" for r in readiness.reasons)
    assert "Blocked on Adyen KYC" in readiness.reasons[0].text


def test_a_plan_on_hold_is_blocked(readiness_of):
    readiness, _ = readiness_of(plan(status="Paused"), "- [x] T001 one\n- [ ] T002 two\n")
    assert readiness.state == "blocked"
    assert kinds(readiness) == [("blocks", "on-hold")]


@pytest.mark.parametrize("status", ["Rejected", "Superseded by ADR-009"])
def test_depending_on_a_rejected_or_superseded_decision_blocks(write_files, readiness_of, status: str):
    write_files("010-store", {"plan.md": f"""\
        # Implementation Plan: Store

        ## Decision Log

        | ID | Decision | Context | Status |
        |----|----------|---------|--------|
        | ADR-001 | Use Mongo | documents | {status} |
        """})
    text = plan(decisions="| ADR-001 | Sync through the store | Depends on 010-store/ADR-001 | Accepted | none |")
    readiness, _ = readiness_of(text)
    assert readiness.state == "blocked"
    (reason,) = readiness.reasons
    assert (reason.kind, reason.record, reason.other) == ("dead-dependency", f"{FID}/ADR-001", "010-store/ADR-001")
    assert reason.text.endswith("which is " + ("rejected" if status == "Rejected" else "superseded"))
    assert reason.source.path == PLAN_PATH


def test_a_rejected_decision_depending_on_a_rejected_one_blocks_nothing(write_files, readiness_of):
    write_files("010-store", {"plan.md": "# Implementation Plan: Store\n\n## Decision Log\n\n"
                                         "| ID | Decision | Context | Status |\n|---|---|---|---|\n"
                                         "| ADR-001 | Use Mongo | documents | Rejected |\n"})
    text = plan(decisions="| ADR-001 | Sync via Mongo | Depends on 010-store/ADR-001 | Rejected | none |")
    readiness, _ = readiness_of(text)
    assert readiness.state == "ready"


@pytest.mark.parametrize(("text", "marked"), [
    ("Blocked on Adyen KYC", True), ("[blocking] which region?", True), ("Legal opinion (BLOCKER)", True),
    ("**Blocking** legal review", True), ("blocker: vendor contract", True),
    ("non-blocking: nice to have", False), ("NON-BLOCKING", False), ("How to handle blocked users", False),
    ("Unblocked since March", False), ("Markdown code blocks in exports", False), ("not blocking", False),
])
def test_what_marks_a_question_blocking(text: str, marked: bool):
    assert marked_blocking(text) is marked


# ---------------------------------------------------------------------------------- attention reasons


def test_pending_and_unknown_gates_need_attention(readiness_of):
    text = plan(gates="| Contract first | PLANNED | later | Lead |\n| Observability | CHECK | dashboards | SRE |\n"
                      "| Security | | | SRE |")
    readiness, _ = readiness_of(text, "- [x] T001 one\n- [ ] T002\n")
    assert readiness.state == "attention"
    assert kinds(readiness) == [("attention", "pending-gate"), ("attention", "unknown-gate"),
                                ("attention", "unknown-gate")]
    assert readiness.reasons[0].text == "Gate “Contract first” is pending (PLANNED)"
    assert "(“CHECK”)" in readiness.reasons[1].text
    assert readiness.reasons[2].text == "Gate “Security” has no status"


def test_a_waiver_without_evidence_needs_attention_one_with_evidence_does_not(readiness_of):
    text = plan(gates="| Integration tests | WAIVED | — | Lead |\n"
                      "| Load tests | WAIVED | Waiver WVR-7 by the CTO | Lead |")
    readiness, _ = readiness_of(text)
    assert readiness.state == "attention"
    assert kinds(readiness) == [("attention", "unevidenced-waiver")]
    assert "Integration tests" in readiness.reasons[0].text


def test_clarifications_in_any_file_need_attention_with_their_line(readiness_of):
    text = plan(extra="\n## Technical Context\n\n**Storage**: NEEDS CLARIFICATION\n")
    readiness, _ = readiness_of(text, "- [x] T001\n")
    assert readiness.state == "attention"
    (reason,) = readiness.reasons
    assert reason.kind == "clarification"
    assert reason.text == f"NEEDS CLARIFICATION in plan.md, line {line_of(text, '**Storage**')}"
    assert reason.record.startswith(f"{FID}/clarification-")


def test_before_tasks_a_draft_plan_and_open_research_need_attention(readiness_of):
    readiness, _ = readiness_of(plan(status="Draft", research="- [ ] Pick a sync vendor"))
    assert readiness.state == "attention"
    assert kinds(readiness) == [("attention", "plan-not-approved"), ("attention", "open-research")]


def test_once_tasks_exist_a_draft_status_and_open_research_do_not_hold_it_back(readiness_of):
    readiness, _ = readiness_of(plan(status="Draft", research="- [ ] Pick a sync vendor"), "- [x] T001\n- [ ] T002\n")
    assert readiness.state == "in-progress"


def test_blockers_come_before_attention_and_both_are_listed(readiness_of):
    text = plan(gates="| Single datastore | FAIL | two stores | Lead |\n| Contract first | PENDING | soon | Lead |")
    readiness, _ = readiness_of(text)
    assert readiness.state == "blocked"
    assert kinds(readiness) == [("blocks", "unmitigated-fail"), ("attention", "pending-gate")]


def test_every_feature_has_a_readiness_and_the_demo_reads_as_documented():
    from plan_portal.pipeline import run
    from plan_portal.settings import Settings

    repo = Path(__file__).resolve().parents[1]
    result = run(Settings((repo / "specs",), repo))
    states = {f.id: result.readiness[f.id].state for f in result.portfolio.features}
    assert states == {
        "001-identity": "done", "002-payments": "blocked", "003-catalog-search": "done",
        "004-checkout": "in-progress", "005-notifications": "in-progress", "006-fraud-detection": "in-progress",
        "007-seller-onboarding": "in-progress", "008-analytics-export": "in-progress",
        "009-mobile-offline": "attention", "010-loyalty-program": "no-plan", "011-returns": "ready",
    }
    # The demo shows a reader every state a planned feature can be in.
    assert {"blocked", "attention", "ready", "in-progress", "done"} <= set(states.values())
    # ... and an owner whose risks alone reach into three features (their page lists work across them).
    feature_of = {r.id: r.feature for r in result.portfolio.risks}
    risk_features = {key: {feature_of[r] for r in o.risks} for key, o in result.owners.items()}
    assert max(len(features) for features in risk_features.values()) >= 3, risk_features
    (blocker,) = result.readiness["002-payments"].reasons
    assert blocker.record == "002-payments/ADR-005"
