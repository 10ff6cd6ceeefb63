"""Owners: names read from owner cells (case, spacing, @, a role in parentheses, several per cell),
what each owner owns across features, and the records flagged "no owner"."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from plan_portal.checked import CheckedPortfolio as Result
from plan_portal.export import export_document
from plan_portal.model.owners import decision_owner, display_name, owner_key, owner_names, stated
from plan_portal.model.records import Decision, Source


@pytest.mark.parametrize(("text", "names"), [
    ("Platform Lead", ["Platform Lead"]),
    ("  platform   lead ", ["platform lead"]),
    ("@ana", ["ana"]),
    ("Alice (PM)", ["Alice"]),
    ("**SRE**", ["SRE"]),
    ("Payments Lead / CTO", ["Payments Lead", "CTO"]),
    ("ana, bo; cy & dee + eve", ["ana", "bo", "cy", "dee", "eve"]),
    ("Research and Development", ["Research and Development"]),
    ("SRE, sre, @SRE", ["SRE"]),
    ("TBD", []), ("—", []), ("N/A", []), ("", []), ("[owner]", []), ("Unassigned", []), ("none.", []),
    ("ana, TBD", ["ana"]),
    ("(on call)", ["(on call)"]),
])
def test_owner_names(text: str, names: list[str]):
    assert owner_names(text) == names


def test_names_compare_without_case_spacing_and_at():
    assert owner_key("Platform  Lead") == owner_key("platform lead") == owner_key("@Platform Lead")
    assert owner_key("Platform-Lead") != owner_key("Platform Lead")


def test_the_name_shown_is_the_spelling_most_records_use():
    assert display_name(["sre", "SRE", "SRE"]) == "SRE"
    assert display_name(["ana", "Ana"]) == "Ana"


def test_stated_text_is_not_a_placeholder():
    assert stated("Waiver WVR-7")
    assert not stated(" — ") and not stated("TBD") and not stated("")


def test_a_decision_owner_comes_from_its_owner_or_decider_columns():
    decision = Decision("f/D1", "f", "D1", "t", "accepted", "Accepted", "", "", "", "", "plan-table",
                        Source("p", 1), {"Deciders": "ana, bo", "Notes": "x"})
    assert decision_owner(decision).replace(" ", "") == "ana,bo"
    assert owner_names(decision_owner(decision)) == ["ana", "bo"]


PLAN = """\
# Implementation Plan: {title}

## Constitution Check

| Gate | Status | Evidence | Owner |
|------|--------|----------|-------|
| Contract first | PASS | drafted | {gate_owner} |
| Observability | PASS | dashboards | {other_gate_owner} |

## Decision Log

| ID | Decision | Context | Status | Follow-up | Owner |
|----|----------|---------|--------|-----------|-------|
| ADR-001 | Use Postgres | one store | Accepted | Size the cluster with SRE | {decision_owner} |
| ADR-002 | Use Mongo | documents | Rejected | none | |
| ADR-003 | Cache in Redis | speed | Proposed | Security sign-off | |

## Risk Register

| ID | Description | Probability | Impact | Owner | Mitigation |
|----|-------------|-------------|--------|-------|------------|
| R1 | Slow imports | High | High | {risk_owner} | Batch |
| R2 | Lost data | Low | High | | Backups |
"""


@pytest.fixture
def owned(write_files: Callable[..., Path], run_pipeline: Callable[..., Result]) -> Result:
    write_files("001-a", {"plan.md": PLAN.format(title="A", gate_owner="Platform Lead", other_gate_owner="",
                                                 decision_owner="@Platform Lead", risk_owner="SRE (on call)")})
    write_files("002-b", {"plan.md": PLAN.format(title="B", gate_owner="platform  lead", other_gate_owner="SRE",
                                                 decision_owner="Security", risk_owner="TBD")})
    return run_pipeline()


def test_owners_across_features_by_normalised_name(owned: Result):
    assert list(owned.owners) == ["platform lead", "security", "sre"]
    lead = owned.owners["platform lead"]
    assert lead.name == "Platform Lead"
    assert lead.spellings == ("Platform Lead", "platform lead")
    assert lead.gates == ("001-a/gate-pre-contract-first", "002-b/gate-pre-contract-first")
    assert lead.decisions == ("001-a/ADR-001",)
    assert lead.features == ("001-a", "002-b")
    assert owned.owners["sre"].risks == ("001-a/R1",)
    assert owned.owners["sre"].gates == ("002-b/gate-pre-observability",)


def test_open_follow_ups_go_to_the_decisions_owner_and_to_owners_they_name(owned: Result):
    assert owned.owners["platform lead"].follow_ups == ("001-a/ADR-001",)
    # "Size the cluster with SRE" names SRE; "Security sign-off" names Security; 002-b's ADR-001 is
    # Security's own; a rejected decision's follow-up is closed.
    assert set(owned.owners["sre"].follow_ups) == {"001-a/ADR-001", "002-b/ADR-001"}
    assert set(owned.owners["security"].follow_ups) == {"001-a/ADR-003", "002-b/ADR-001", "002-b/ADR-003"}


def test_no_owner_flags(owned: Result):
    unowned = owned.unowned
    # Every risk without an owner ("TBD" is none).
    assert {"001-a/R2", "002-b/R1", "002-b/R2"} <= unowned and "001-a/R1" not in unowned
    # A gate without one where its plan names owners for other gates.
    assert "001-a/gate-pre-observability" in unowned
    # Live decisions in a table with an owner column; the rejected one is not flagged.
    assert {"001-a/ADR-003", "002-b/ADR-003"} <= unowned
    assert "001-a/ADR-002" not in unowned


def test_gates_are_not_flagged_where_the_plan_names_no_gate_owner(write_files, run_pipeline):
    write_files("001-a", {"plan.md": PLAN.format(title="A", gate_owner="", other_gate_owner="", decision_owner="",
                                                 risk_owner="SRE")})
    result = run_pipeline()
    assert not any("gate" in record for record in result.unowned)


def test_export_lists_readiness_owners_and_unowned_sorted(owned: Result):
    document = export_document(owned)
    assert [o["key"] for o in document["owners"]] == ["platform lead", "security", "sre"]
    assert document["unowned"] == sorted(document["unowned"])
    feature = document["features"][0]
    assert feature["readiness"]["state"] == "ready"
    assert feature["readiness"]["label"] == "ready for tasks"
    assert {"kind", "level", "text", "record", "source", "other"} <= set(feature["readiness"]["reasons"][0])
    assert export_document(owned) == document
