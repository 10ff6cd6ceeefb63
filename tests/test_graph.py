"""The decision graph: references found in plan text, typed edges, the networkx graph, the edges
in the export, and the checks over the graph (dangling references, cycles, unaccepted
foundations, superseded decisions still depended on).

Every fixture is a small hand-written plan; line numbers are computed from the fixture text with
``line_of`` so each assertion pins the exact source line a diagnostic or citation must point at.
"""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx
import pytest

from fixture_text import line_of
from plan_portal.checked import CheckedPortfolio as Result
from plan_portal.diagnostics import Severity
from plan_portal.export import export_document
from plan_portal.pipeline import run
from plan_portal.settings import Settings

GRAPH_CODES = ("dangling-reference", "decision-cycle", "accepted-depends-on-unaccepted", "superseded-still-referenced")




def edge_set(result: Result) -> set[tuple[str, str, str]]:
    return {(e.source, e.target, e.type) for e in result.edges}


def graph_diags(result: Result, code: str | None = None) -> list[tuple[str, str, str, int, str]]:
    """(severity, code, path, line, message) of the graph diagnostics, optionally of one code."""
    return [
        (d.severity.value, d.code, d.path, d.line, d.message)
        for d in result.diagnostics
        if d.code in GRAPH_CODES and (code is None or d.code == code)
    ]


# ---------------------------------------------------------------------------------------------
# 1. A portfolio of three features that cite each other, and no graph problem
# ---------------------------------------------------------------------------------------------

IDENTITY = """
---
feature_id: 001-identity
---

# Implementation Plan: Identity

## Summary

Staff sign in once.

## Constitution Check

| Gate | Status | Evidence | Owner |
|------|--------|----------|-------|
| Security First | PASS | ADR-001 and R1 | Security |

## Decision Log (ADR Stubs)

| ID | Decision | Context | Status | Follow-up |
|----|----------|---------|--------|-----------|
| ADR-001 | Use OIDC | Staff need single sign-on | Accepted | Requires ADR-002 and D1 |
| ADR-002 | Token store in Redis | Sessions survive restarts; see ADR-003 | Accepted | |
| ADR-003 | Cookie sessions | Legacy login | Superseded by ADR-004 | |
| ADR-004 | Signed sessions | Replaces ADR-003; see ADR-001 | Accepted | Cites ADR-004 itself |

## Design Decisions

### D1: Hash passwords with Argon2

Memory hard; depends on RD-1.

## Risk Register

| ID | Description | Probability | Impact | Owner | Mitigation | Trigger |
|----|-------------|-------------|--------|-------|------------|---------|
| R1 | Token theft | High | High | Security | Rotate keys per ADR-002 | Alert fires |
| R2 | IdP outage | Low | High | SRE | Fallback login | Outage page |
"""

IDENTITY_RESEARCH = """
# Research: Identity

## RD-1: Session lifetime

**Decision**: Twelve hours
**Rationale**: Matches a shift; builds on ADR-004.

## Password hashing cost

**Decision**: Argon2id with 64 MiB
"""

PAYMENTS = """
---
feature_id: 002-payments
depends_on: [001-identity]
---

# Implementation Plan: Payments

## Decision Log

| ID | Decision | Context | Status | Follow-up |
|----|----------|---------|--------|-----------|
| ADR-001 | Use Stripe | Cards; builds on 001-identity/ADR-001 | Accepted | Depends on DD-001 |
| ADR-002 | Ledger | See [sessions](../001-identity/plan.md#ADR-004) | Accepted | |
| DD-001 | Idempotency keys | Retries; relates to 001-identity | Accepted | |

## Risk Register

| ID | Description | Probability | Impact | Owner | Mitigation | Trigger |
|----|-------------|-------------|--------|-------|------------|---------|
| R1 | Double charge | Medium | High | Payments | DD-001 and DD-001 again | Duplicate row |
"""

CHECKOUT = """
---
feature_id: 003-checkout
depends_on:
  - 001-identity
  - 002-payments
---

# Implementation Plan: Checkout

## Constitution Check

| Gate | Status | Evidence | Owner |
|------|--------|----------|-------|
| Simplicity | PASS | [payments risks](../002-payments/plan.md#R1) | Architect |

## Decision Log

| ID | Decision | Context | Status | Follow-up |
|----|----------|---------|--------|-----------|
| ADR-001 | One-page checkout | See [payments](../002-payments/plan.md) | Accepted | Superseded by ADR-002 |
| ADR-002 | Express pay | Depends on 002-payments/ADR-001 and 002-payments/DD-001 | Accepted | |
| ADR-003 | Hash reuse | Builds on [cost](../001-identity/plan.md#decision-password-hashing-cost) | Accepted | |
"""

IDN = "001-identity"
PAY = "002-payments"
CHK = "003-checkout"
IPLAN = f"specs/{IDN}/plan.md"
PPLAN = f"specs/{PAY}/plan.md"
CPLAN = f"specs/{CHK}/plan.md"
IRESEARCH = f"specs/{IDN}/research.md"


@pytest.fixture
def portfolio(write_files, run_pipeline) -> Result:
    write_files(IDN, {"plan.md": IDENTITY, "research.md": IDENTITY_RESEARCH})
    write_files(PAY, {"plan.md": PAYMENTS})
    write_files(CHK, {"plan.md": CHECKOUT})
    return run_pipeline()


EXPECTED_EDGES = {
    # 001-identity
    (f"{IDN}/gate-pre-security-first", f"{IDN}/ADR-001", "evidenced-by"),
    (f"{IDN}/gate-pre-security-first", f"{IDN}/R1", "evidenced-by"),
    (f"{IDN}/ADR-001", f"{IDN}/ADR-002", "depends-on"),
    (f"{IDN}/ADR-001", f"{IDN}/D1", "depends-on"),
    (f"{IDN}/ADR-002", f"{IDN}/ADR-003", "relates-to"),
    # "Superseded by ADR-004" in ADR-003's status and "Replaces ADR-003" in ADR-004: one edge.
    (f"{IDN}/ADR-004", f"{IDN}/ADR-003", "supersedes"),
    (f"{IDN}/ADR-004", f"{IDN}/ADR-001", "relates-to"),
    (f"{IDN}/D1", f"{IDN}/RD-1", "depends-on"),
    (f"{IDN}/R1", f"{IDN}/ADR-002", "mitigated-by"),
    (f"{IDN}/RD-1", f"{IDN}/ADR-004", "depends-on"),
    # 002-payments
    (PAY, IDN, "feature-depends-on"),
    (f"{PAY}/ADR-001", f"{IDN}/ADR-001", "depends-on"),
    (f"{PAY}/ADR-001", f"{PAY}/DD-001", "depends-on"),
    (f"{PAY}/ADR-002", f"{IDN}/ADR-004", "relates-to"),
    (f"{PAY}/DD-001", IDN, "relates-to"),
    (f"{PAY}/R1", f"{PAY}/DD-001", "mitigated-by"),
    # 003-checkout
    (CHK, IDN, "feature-depends-on"),
    (CHK, PAY, "feature-depends-on"),
    (f"{CHK}/gate-pre-simplicity", f"{PAY}/R1", "evidenced-by"),
    (f"{CHK}/ADR-001", PAY, "relates-to"),
    (f"{CHK}/ADR-002", f"{CHK}/ADR-001", "supersedes"),
    (f"{CHK}/ADR-002", f"{PAY}/ADR-001", "depends-on"),
    (f"{CHK}/ADR-002", f"{PAY}/DD-001", "depends-on"),
    (f"{CHK}/ADR-003", f"{IDN}/decision-password-hashing-cost", "depends-on"),
}


def test_portfolio_edges_are_exactly_the_expected_set(portfolio):
    assert edge_set(portfolio) == EXPECTED_EDGES
    # No edge is stored twice (duplicate citations, a supersedes link written on both sides).
    assert len(portfolio.edges) == len(EXPECTED_EDGES)


def test_export_edges_carry_type_and_the_citing_line(portfolio):
    exported = export_document(portfolio)["edges"]

    def edge(source: str, target: str, kind: str, path: str, text: str, needle: str) -> dict[str, object]:
        return {"source": source, "target": target, "type": kind,
                "citation": {"path": path, "line": line_of(text, needle)}}

    expected = [
        edge(f"{IDN}/ADR-001", f"{IDN}/ADR-002", "depends-on", IPLAN, IDENTITY, "| ADR-001 |"),
        edge(f"{IDN}/ADR-001", f"{IDN}/D1", "depends-on", IPLAN, IDENTITY, "| ADR-001 |"),
        edge(f"{IDN}/ADR-002", f"{IDN}/ADR-003", "relates-to", IPLAN, IDENTITY, "| ADR-002 |"),
        edge(f"{IDN}/ADR-004", f"{IDN}/ADR-001", "relates-to", IPLAN, IDENTITY, "| ADR-004 |"),
        # Stored reversed from ADR-003's Status column, which is the first citation read.
        edge(f"{IDN}/ADR-004", f"{IDN}/ADR-003", "supersedes", IPLAN, IDENTITY, "| ADR-003 |"),
        edge(f"{IDN}/D1", f"{IDN}/RD-1", "depends-on", IPLAN, IDENTITY, "### D1:"),
        edge(f"{IDN}/R1", f"{IDN}/ADR-002", "mitigated-by", IPLAN, IDENTITY, "| R1 |"),
        # a research record starts at its topic heading, which is where its edges are cited
        edge(f"{IDN}/RD-1", f"{IDN}/ADR-004", "depends-on", IRESEARCH, IDENTITY_RESEARCH, "## RD-1:"),
        edge(f"{IDN}/gate-pre-security-first", f"{IDN}/ADR-001", "evidenced-by", IPLAN, IDENTITY, "| Security First |"),
        edge(f"{IDN}/gate-pre-security-first", f"{IDN}/R1", "evidenced-by", IPLAN, IDENTITY, "| Security First |"),
        edge(PAY, IDN, "feature-depends-on", PPLAN, PAYMENTS, "depends_on:"),
        edge(f"{PAY}/ADR-001", f"{IDN}/ADR-001", "depends-on", PPLAN, PAYMENTS, "| ADR-001 |"),
        edge(f"{PAY}/ADR-001", f"{PAY}/DD-001", "depends-on", PPLAN, PAYMENTS, "| ADR-001 |"),
        edge(f"{PAY}/ADR-002", f"{IDN}/ADR-004", "relates-to", PPLAN, PAYMENTS, "| ADR-002 |"),
        edge(f"{PAY}/DD-001", IDN, "relates-to", PPLAN, PAYMENTS, "| DD-001 |"),
        edge(f"{PAY}/R1", f"{PAY}/DD-001", "mitigated-by", PPLAN, PAYMENTS, "| R1 |"),
        edge(CHK, IDN, "feature-depends-on", CPLAN, CHECKOUT, "depends_on:"),
        edge(CHK, PAY, "feature-depends-on", CPLAN, CHECKOUT, "depends_on:"),
        edge(f"{CHK}/ADR-001", PAY, "relates-to", CPLAN, CHECKOUT, "| ADR-001 |"),
        edge(f"{CHK}/ADR-002", f"{PAY}/ADR-001", "depends-on", CPLAN, CHECKOUT, "| ADR-002 |"),
        edge(f"{CHK}/ADR-002", f"{PAY}/DD-001", "depends-on", CPLAN, CHECKOUT, "| ADR-002 |"),
        edge(f"{CHK}/ADR-002", f"{CHK}/ADR-001", "supersedes", CPLAN, CHECKOUT, "| ADR-001 |"),
        edge(f"{CHK}/ADR-003", f"{IDN}/decision-password-hashing-cost", "depends-on", CPLAN, CHECKOUT, "| ADR-003 |"),
        edge(f"{CHK}/gate-pre-simplicity", f"{PAY}/R1", "evidenced-by", CPLAN, CHECKOUT, "| Simplicity |"),
    ]
    assert exported == expected


def test_graph_is_a_multidigraph_of_features_decisions_risks_and_gates(portfolio):
    graph = portfolio.graph
    assert isinstance(graph, nx.MultiDiGraph)
    assert dict(graph.nodes(data="kind")) == {
        IDN: "feature",
        f"{IDN}/gate-pre-security-first": "gate",
        f"{IDN}/ADR-001": "decision",
        f"{IDN}/ADR-002": "decision",
        f"{IDN}/ADR-003": "decision",
        f"{IDN}/ADR-004": "decision",
        f"{IDN}/D1": "decision",
        f"{IDN}/R1": "risk",
        f"{IDN}/R2": "risk",
        f"{IDN}/RD-1": "decision",
        f"{IDN}/decision-password-hashing-cost": "decision",
        PAY: "feature",
        f"{PAY}/ADR-001": "decision",
        f"{PAY}/ADR-002": "decision",
        f"{PAY}/DD-001": "decision",
        f"{PAY}/R1": "risk",
        CHK: "feature",
        f"{CHK}/gate-pre-simplicity": "gate",
        f"{CHK}/ADR-001": "decision",
        f"{CHK}/ADR-002": "decision",
        f"{CHK}/ADR-003": "decision",
    }
    assert {(a, b, data["type"]) for a, b, data in graph.edges(data=True)} == EXPECTED_EDGES
    assert graph.number_of_edges() == len(EXPECTED_EDGES)
    for edge in portfolio.edges:
        assert graph.edges[edge.source, edge.target, edge.type]["citation"] == edge.citation
    assert graph.nodes[f"{IDN}/ADR-003"]["status"] == "superseded"
    assert graph.nodes[f"{IDN}/ADR-003"]["feature"] == IDN


def test_clean_portfolio_has_no_graph_diagnostics(portfolio):
    assert graph_diags(portfolio) == []
    assert portfolio.diagnostics == ()


# ---------------------------------------------------------------------------------------------
# 2. References and link types, one citation at a time
# ---------------------------------------------------------------------------------------------

# ADR-001's Follow-up is the text under test; nothing else in the portfolio cites anything.
CITING = """
# Implementation Plan: Identity

## Decision Log (ADR Stubs)

| ID | Decision | Context | Status | Follow-up |
|----|----------|---------|--------|-----------|
| ADR-001 | Use OIDC | Staff sign-on | Accepted | {cite} |
| ADR-002 | Token store | Sessions | Accepted | |
| ADR-003 | Audit log | Compliance | Accepted | |
| DD-001 | Cache keys | Latency | Accepted | |

## Design Decisions

### D1: Hash passwords with Argon2

Memory hard.

## Risk Register

| ID | Description | Probability | Impact | Owner | Mitigation | Trigger |
|----|-------------|-------------|--------|-------|------------|---------|
| R1 | Token theft | High | High | Security | Rotate keys | Alert fires |
"""

CITING_RESEARCH = """
# Research: Identity

## RD-1: Session lifetime

**Decision**: Twelve hours

## Queue choice

**Decision**: Use SQS
"""

OTHER = """
# Implementation Plan: Payments

## Decision Log

| ID | Decision | Context | Status |
|----|----------|---------|--------|
| ADR-001 | Use Stripe | Cards | Accepted |
| ADR-002 | Ledger | Books | Accepted |
"""

A1, A2, A3 = f"{IDN}/ADR-001", f"{IDN}/ADR-002", f"{IDN}/ADR-003"


@pytest.fixture
def cite(write_files, run_pipeline) -> Callable[[str], Result]:
    """Run the pipeline with ``text`` as ADR-001's Follow-up in 001-identity, beside 002-payments."""

    def go(text: str) -> Result:
        write_files(IDN, {"plan.md": CITING.replace("{cite}", text), "research.md": CITING_RESEARCH})
        write_files(PAY, {"plan.md": OTHER})
        return run_pipeline()

    return go


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Local decision ids, the words before them deciding the type.
        ("requires ADR-002", {(A1, A2, "depends-on")}),
        ("Depends on ADR-002", {(A1, A2, "depends-on")}),
        ("builds on ADR-002", {(A1, A2, "depends-on")}),
        ("supersedes ADR-002", {(A1, A2, "supersedes")}),
        ("Replaces ADR-002", {(A1, A2, "supersedes")}),
        ("see ADR-002", {(A1, A2, "relates-to")}),
        ("ADR-002", {(A1, A2, "relates-to")}),
        # "superseded by X" is stored as X supersedes the citing decision.
        ("superseded by ADR-002", {(A2, A1, "supersedes")}),
        # Type words carry within a clause, up to "." or ";".
        ("depends on ADR-002 and ADR-003", {(A1, A2, "depends-on"), (A1, A3, "depends-on")}),
        ("depends on ADR-002. See ADR-003", {(A1, A2, "depends-on"), (A1, A3, "relates-to")}),
        ("depends on ADR-002; ADR-003 later", {(A1, A2, "depends-on"),
                                               (A1, A3, "relates-to")}),
        ("see ADR-002; supersedes ADR-003", {(A1, A2, "relates-to"), (A1, A3, "supersedes")}),
        # The nearest type words win.
        ("replaces ADR-002 and requires ADR-003", {(A1, A2, "supersedes"),
                                                  (A1, A3, "depends-on")}),
        # Short ids, when such a record exists in the feature.
        ("requires D1", {(A1, f"{IDN}/D1", "depends-on")}),
        ("builds on DD-001", {(A1, f"{IDN}/DD-001", "depends-on")}),
        # research.md decisions: explicit id in text, generated id as a link fragment.
        ("requires RD-1", {(A1, f"{IDN}/RD-1", "depends-on")}),
        ("builds on [queue](plan.md#decision-queue-choice)", {(A1, f"{IDN}/decision-queue-choice", "depends-on")}),
        # Cross-feature ids.
        ("builds on 002-payments/ADR-001", {(A1, f"{PAY}/ADR-001", "depends-on")}),
        ("see 002-payments/ADR-002", {(A1, f"{PAY}/ADR-002", "relates-to")}),
        ("supersedes 002-payments/ADR-002", {(A1, f"{PAY}/ADR-002", "supersedes")}),
        # Markdown links to another feature's plan: the fragment names the decision.
        ("[stripe](../002-payments/plan.md#ADR-001)", {(A1, f"{PAY}/ADR-001", "relates-to")}),
        ("requires [stripe](../002-payments/plan.md#ADR-001)", {(A1, f"{PAY}/ADR-001", "depends-on")}),
        ("see [ledger](../002-payments/plan.md#adr-002)", {(A1, f"{PAY}/ADR-002", "relates-to")}),
        # Without a fragment, the link is to the feature itself.
        ("[payments](../002-payments/plan.md)", {(A1, PAY, "relates-to")}),
        # A bare feature id is an edge to the feature node, typed by the words before it.
        ("002-payments", {(A1, PAY, "relates-to")}),
        ("builds on 002-payments", {(A1, PAY, "depends-on")}),
        # A decision may cite a risk of its feature.
        ("see R1", {(A1, f"{IDN}/R1", "relates-to")}),
        # A record citing itself makes no edge, nor does a feature naming itself.
        ("see ADR-001", set()),
        ("part of 001-identity", set()),
        ("see [me](plan.md#ADR-001)", set()),
        # Duplicate citations give one edge.
        ("requires ADR-002 and ADR-002", {(A1, A2, "depends-on")}),
        ("requires ADR-002, [again](plan.md#ADR-002)", {(A1, A2, "depends-on")}),
        # Links that are not to a feature's plan, and unknown short ids: nothing.
        ("[spec](spec.md) and [site](https://example.com/plan.md#ADR-002)", set()),
        ("D7 and R9 and DD-009", set()),
    ],
)
def test_reference_types_and_direction(cite, text, expected):
    result = cite(text)
    assert edge_set(result) == expected
    assert graph_diags(result, "dangling-reference") == []
    for edge in result.edges:
        assert (edge.citation.path, edge.citation.line) == (IPLAN, line_of(CITING, "| ADR-001 |"))


@pytest.fixture
def superseded_status(write_files, run_pipeline) -> Result:
    plan = CITING.replace("{cite}", "").replace(
        "| Compliance | Accepted |", "| Compliance | Superseded by ADR-002 |"
    )
    write_files(IDN, {"plan.md": plan})
    return run_pipeline()


def test_status_superseded_by_is_stored_as_supersedes(superseded_status):
    assert edge_set(superseded_status) == {(A2, A3, "supersedes")}
    (edge,) = superseded_status.edges
    assert (edge.citation.path, edge.citation.line) == (IPLAN, line_of(CITING, "| ADR-003 |"))
    assert {d.id: d.status for d in superseded_status.portfolio.decisions}[A3] == "superseded"


RISKS_AND_GATES = """
# Implementation Plan: Identity

## Constitution Check

### Pre-Phase 0 Gate

| Gate | Status | Evidence | Owner |
|------|--------|----------|-------|
| Security First | PASS | Requires ADR-001; see R1 and 002-payments | Security |
| Simplicity | PASS | [ledger](../002-payments/plan.md#ADR-001) and Security First | Architect |

## Decision Log

| ID | Decision | Context | Status |
|----|----------|---------|--------|
| ADR-001 | Use OIDC | Staff sign-on | Accepted |

## Risk Register

| ID | Description | Probability | Impact | Owner | Mitigation | Trigger |
|----|-------------|-------------|--------|-------|------------|---------|
| R1 | Token theft; depends on ADR-001 | High | High | Security | Depends on 002-payments/ADR-001 | Alert |
| R2 | Outage | Low | High | SRE | Fail over per ADR-001 | Page |
"""


def test_risk_mitigation_and_gate_evidence_types(write_files, run_pipeline):
    write_files(IDN, {"plan.md": RISKS_AND_GATES})
    write_files(PAY, {"plan.md": OTHER})
    result = run_pipeline()
    security, simplicity = f"{IDN}/gate-pre-security-first", f"{IDN}/gate-pre-simplicity"
    assert edge_set(result) == {
        # The Mitigation column decides for a cited decision, whatever the words say.
        (f"{IDN}/R1", f"{PAY}/ADR-001", "mitigated-by"),
        (f"{IDN}/R2", f"{IDN}/ADR-001", "mitigated-by"),
        # Other risk columns: relates-to, even after "depends on" (words decide for decisions only).
        (f"{IDN}/R1", f"{IDN}/ADR-001", "relates-to"),
        # The Evidence column decides for a decision or a risk; a feature is relates-to.
        (security, f"{IDN}/ADR-001", "evidenced-by"),
        (security, f"{IDN}/R1", "evidenced-by"),
        (security, PAY, "relates-to"),
        (simplicity, f"{PAY}/ADR-001", "evidenced-by"),
    }
    lines = {(e.source, e.target): e.citation.line for e in result.edges}
    assert lines[(f"{IDN}/R1", f"{PAY}/ADR-001")] == line_of(RISKS_AND_GATES, "| R1 |")
    assert lines[(security, PAY)] == line_of(RISKS_AND_GATES, "| Security First |")
    assert lines[(simplicity, f"{PAY}/ADR-001")] == line_of(RISKS_AND_GATES, "| Simplicity |")
    assert result.graph.nodes[security]["kind"] == "gate"
    assert result.graph.nodes[f"{IDN}/R2"]["kind"] == "risk"


DEPENDS_ON_STRING = """
---
depends_on: 002-payments
---

# Implementation Plan: Identity

Nothing else.
"""


def test_depends_on_as_a_single_string(write_files, run_pipeline):
    write_files(IDN, {"plan.md": DEPENDS_ON_STRING})
    write_files(PAY, {"plan.md": OTHER})
    result = run_pipeline()
    assert [(e.source, e.target, e.type, e.citation.path, e.citation.line) for e in result.edges] == [
        (IDN, PAY, "feature-depends-on", IPLAN, line_of(DEPENDS_ON_STRING, "depends_on:")),
    ]


# ---------------------------------------------------------------------------------------------
# 3. dangling-reference
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("requires ADR-009", "ADR-009"),
        ("builds on 002-payments/ADR-404", "002-payments/ADR-404"),
        ("see 099-nothing/ADR-001", "099-nothing/ADR-001"),
    ],
)
def test_dangling_reference_in_a_decision(cite, text, written):
    result = cite(text)
    assert graph_diags(result) == [
        ("error", "dangling-reference", IPLAN, line_of(CITING, "| ADR-001 |"),
         f"{A1} cites {written}, which does not exist"),
    ]
    assert edge_set(result) == set()


def test_dangling_reference_keeps_the_good_references_of_the_same_text(cite):
    result = cite("requires ADR-002 and ADR-404")
    assert edge_set(result) == {(A1, A2, "depends-on")}
    assert [(d.code, d.line) for d in result.diagnostics] == [("dangling-reference", line_of(CITING, "| ADR-001 |"))]


DANGLING_RISK = """
# Implementation Plan: Identity

## Risk Register

| ID | Description | Probability | Impact | Owner | Mitigation | Trigger |
|----|-------------|-------------|--------|-------|------------|---------|
| R1 | Token theft | High | High | Security | Rotate keys | Alert |
| R2 | Outage | Low | High | SRE | Follow ADR-007 | Page |
"""


def test_dangling_reference_in_a_risk_points_at_its_row(write_files, run_pipeline):
    write_files(IDN, {"plan.md": DANGLING_RISK})
    result = run_pipeline()
    assert graph_diags(result) == [
        ("error", "dangling-reference", IPLAN, line_of(DANGLING_RISK, "| R2 |"),
         f"{IDN}/R2 cites ADR-007, which does not exist"),
    ]


DANGLING_DEPENDS = """
---
feature_id: 001-identity
depends_on:
  - 002-payments
  - 099-ghost
---

# Implementation Plan: Identity

Nothing else.
"""


def test_dangling_reference_for_depends_on_a_missing_feature(write_files, run_pipeline):
    write_files(IDN, {"plan.md": DANGLING_DEPENDS})
    write_files(PAY, {"plan.md": OTHER})
    result = run_pipeline()
    line = line_of(DANGLING_DEPENDS, "depends_on:")
    assert graph_diags(result) == [
        ("error", "dangling-reference", IPLAN, line, f"{IDN} depends_on '099-ghost', which is not a feature"),
    ]
    assert edge_set(result) == {(IDN, PAY, "feature-depends-on")}


def test_no_dangling_reference_for_unknown_short_ids(cite):
    result = cite("depends on D7 and R9; see DD-004 and RD-3")
    assert graph_diags(result) == []
    assert edge_set(result) == set()


# ---------------------------------------------------------------------------------------------
# 4. decision-cycle
# ---------------------------------------------------------------------------------------------

CYCLE = """
# Implementation Plan: Identity

## Decision Log

| ID | Decision | Context | Status |
|----|----------|---------|--------|
| ADR-001 | Use OIDC | Requires ADR-002 | Accepted |
| ADR-002 | Token store | Depends on ADR-001 | Accepted |
| ADR-003 | Audit log | See ADR-004 | Accepted |
| ADR-004 | Retention | See ADR-003; supersedes ADR-005 | Accepted |
| ADR-005 | Old retention | Replaces ADR-004 | Accepted |
"""


def test_decision_cycle_lists_the_cycle(write_files, run_pipeline):
    write_files(IDN, {"plan.md": CYCLE})
    result = run_pipeline()
    # relates-to and supersedes loops (ADR-003 ↔ ADR-004, ADR-004 ↔ ADR-005) are no cycle.
    assert graph_diags(result) == [
        ("error", "decision-cycle", IPLAN, line_of(CYCLE, "| ADR-001 |"),
         f"decisions depend on each other in a cycle: {IDN}/ADR-001 → {IDN}/ADR-002 → {IDN}/ADR-001"),
    ]


CYCLE_A = """
# Implementation Plan: Identity

## Decision Log

| ID | Decision | Context | Status |
|----|----------|---------|--------|
| ADR-001 | Use OIDC | Builds on 002-payments/ADR-001 | Accepted |
"""

CYCLE_B = """
# Implementation Plan: Payments

## Decision Log

| ID | Decision | Context | Status |
|----|----------|---------|--------|
| ADR-001 | Use Stripe | Requires DD-001 | Accepted |
| DD-001 | Idempotency | Depends on [sign-on](../001-identity/plan.md#ADR-001) | Accepted |
"""


def test_decision_cycle_across_features_names_every_member(write_files, run_pipeline):
    write_files(IDN, {"plan.md": CYCLE_A})
    write_files(PAY, {"plan.md": CYCLE_B})
    result = run_pipeline()
    found = graph_diags(result)
    assert [(s, c, p, n) for s, c, p, n, _ in found] == [
        ("error", "decision-cycle", IPLAN, line_of(CYCLE_A, "| ADR-001 |")),
    ]
    message = found[0][4]
    assert message.startswith("decisions depend on each other in a cycle: ")
    for member in (f"{IDN}/ADR-001", f"{PAY}/ADR-001", f"{PAY}/DD-001"):
        assert member in message
    assert message.count(" → ") == 3


# ---------------------------------------------------------------------------------------------
# 5. accepted-depends-on-unaccepted
# ---------------------------------------------------------------------------------------------

FOUNDATION = """
# Implementation Plan: Identity

## Decision Log

| ID | Decision | Context | Status |
|----|----------|---------|--------|
| ADR-001 | Use OIDC | Requires ADR-002 | {first} |
| ADR-002 | Token store | Sessions | {second} |
"""


@pytest.mark.parametrize(("second", "word"), [("Proposed", "proposed"), ("In Review", "in review")])
def test_accepted_depends_on_unaccepted(write_files, run_pipeline, second, word):
    text = FOUNDATION.replace("{first}", "Accepted").replace("{second}", second)
    write_files(IDN, {"plan.md": text})
    result = run_pipeline()
    assert graph_diags(result) == [
        ("warning", "accepted-depends-on-unaccepted", IPLAN, line_of(text, "| ADR-001 |"),
         f"{IDN}/ADR-001 is accepted but depends on {IDN}/ADR-002, which is still {word}"),
    ]


@pytest.mark.parametrize(
    ("first", "second"),
    [("Accepted", "Accepted"), ("Proposed", "Proposed"), ("In Review", "Proposed"), ("Proposed", "Accepted")],
)
def test_accepted_depends_on_unaccepted_is_silent_otherwise(write_files, run_pipeline, first, second):
    text = FOUNDATION.replace("{first}", first).replace("{second}", second)
    write_files(IDN, {"plan.md": text})
    result = run_pipeline()
    assert edge_set(result) == {(f"{IDN}/ADR-001", A2, "depends-on")}
    assert graph_diags(result) == []


def test_accepted_depends_on_unaccepted_relates_to_does_not_count(write_files, run_pipeline):
    text = FOUNDATION.replace("Requires ADR-002", "See ADR-002").replace("{first}", "Accepted").replace(
        "{second}", "Proposed")
    write_files(IDN, {"plan.md": text})
    result = run_pipeline()
    assert edge_set(result) == {(f"{IDN}/ADR-001", A2, "relates-to")}
    assert graph_diags(result) == []


# ---------------------------------------------------------------------------------------------
# 6. superseded-still-referenced
# ---------------------------------------------------------------------------------------------

SUPERSEDED = """
# Implementation Plan: Identity

## Decision Log

| ID | Decision | Context | Status |
|----|----------|---------|--------|
| ADR-001 | Cookie sessions | Legacy | Superseded |
| ADR-002 | Token store | Requires ADR-001 | Accepted |
| ADR-003 | Audit log | Legacy audit | Accepted |
| ADR-004 | New audit | Replaces ADR-003 | Accepted |
| ADR-005 | Reports | Builds on ADR-003 | Accepted |
| ADR-006 | Old export | Batch | Superseded by ADR-004 |
| ADR-007 | Archive | Depends on ADR-006; see ADR-001 | Accepted |
| ADR-008 | Dashboards | See ADR-003 and ADR-006 | Accepted |
"""


def test_superseded_still_referenced(write_files, run_pipeline):
    write_files(IDN, {"plan.md": SUPERSEDED})
    result = run_pipeline()
    assert graph_diags(result) == [
        # Status "Superseded".
        ("warning", "superseded-still-referenced", IPLAN, line_of(SUPERSEDED, "| ADR-002 |"),
         f"{IDN}/ADR-002 depends on {IDN}/ADR-001, which is superseded"),
        # Superseded by another decision, its own status still Accepted.
        ("warning", "superseded-still-referenced", IPLAN, line_of(SUPERSEDED, "| ADR-005 |"),
         f"{IDN}/ADR-005 depends on {IDN}/ADR-003, which is superseded"),
        # Status "Superseded by ADR-004".
        ("warning", "superseded-still-referenced", IPLAN, line_of(SUPERSEDED, "| ADR-007 |"),
         f"{IDN}/ADR-007 depends on {IDN}/ADR-006, which is superseded"),
    ]
    # Neither the supersedes links (ADR-004) nor relates-to citations (ADR-007, ADR-008) count.
    assert (f"{IDN}/ADR-004", A3, "supersedes") in edge_set(result)
    assert (f"{IDN}/ADR-004", f"{IDN}/ADR-006", "supersedes") in edge_set(result)


def test_superseded_still_referenced_silent_when_only_superseded(write_files, run_pipeline):
    text = """
    # Implementation Plan: Identity

    ## Decision Log

    | ID | Decision | Context | Status |
    |----|----------|---------|--------|
    | ADR-001 | Cookie sessions | Legacy | Superseded by ADR-002 |
    | ADR-002 | Token sessions | Supersedes ADR-001 | Accepted |
    """
    write_files(IDN, {"plan.md": text})
    result = run_pipeline()
    assert edge_set(result) == {(A2, f"{IDN}/ADR-001", "supersedes")}
    assert graph_diags(result) == []


# ---------------------------------------------------------------------------------------------
# 7. Severity overrides
# ---------------------------------------------------------------------------------------------

TROUBLE = """
---
depends_on: [099-ghost]
---

# Implementation Plan: Identity

## Decision Log

| ID | Decision | Context | Status |
|----|----------|---------|--------|
| ADR-001 | Use OIDC | Requires ADR-002 | Accepted |
| ADR-002 | Token store | Depends on ADR-001 | Proposed |
| ADR-003 | Old audit | Legacy | Superseded |
| ADR-004 | Audit | Requires ADR-003 and ADR-404 | In Review |
"""

TROUBLE_FOUND = {
    ("dangling-reference", line_of(TROUBLE, "depends_on:")),
    ("dangling-reference", line_of(TROUBLE, "| ADR-004 |")),
    ("decision-cycle", line_of(TROUBLE, "| ADR-001 |")),
    ("accepted-depends-on-unaccepted", line_of(TROUBLE, "| ADR-001 |")),
    ("superseded-still-referenced", line_of(TROUBLE, "| ADR-004 |")),
}


DEFAULTS = {
    "dangling-reference": "error",
    "decision-cycle": "error",
    "accepted-depends-on-unaccepted": "warning",
    "superseded-still-referenced": "warning",
}


@pytest.fixture
def trouble(write_files, tmp_path) -> Callable[[dict[str, Severity | None]], Result]:
    write_files(IDN, {"plan.md": TROUBLE})

    def go(overrides: dict[str, Severity | None]) -> Result:
        return run(Settings((tmp_path / "specs",), tmp_path, overrides or {}))

    return go


def test_every_graph_check_fires_with_its_default_severity(trouble):
    result = trouble({})
    assert {(code, line) for _, code, _, line, _ in graph_diags(result)} == TROUBLE_FOUND
    assert len(graph_diags(result)) == len(TROUBLE_FOUND)
    assert {(code, severity) for severity, code, _, _, _ in graph_diags(result)} == set(DEFAULTS.items())
    assert result.count(Severity.ERROR) == 3
    assert result.count(Severity.WARNING) == 2


@pytest.mark.parametrize(
    ("code", "severity"),
    [
        ("decision-cycle", Severity.WARNING),
        ("dangling-reference", Severity.WARNING),
        ("accepted-depends-on-unaccepted", Severity.ERROR),
        ("superseded-still-referenced", Severity.INFO),
    ],
)
def test_graph_check_severity_can_be_overridden(trouble, code, severity):
    result = trouble({code: severity})
    rated = {(c, line): s for s, c, _, line, _ in graph_diags(result)}
    assert rated == {
        (found_code, line): (severity.value if found_code == code else DEFAULTS[found_code])
        for found_code, line in TROUBLE_FOUND
    }


@pytest.mark.parametrize("code", GRAPH_CODES)
def test_graph_check_can_be_silenced(trouble, code):
    result = trouble({code: None})
    assert {(c, line) for _, c, _, line, _ in graph_diags(result)} == {f for f in TROUBLE_FOUND if f[0] != code}


def test_decision_cycle_override_to_warning(trouble):
    result = trouble({"decision-cycle": Severity.WARNING})
    assert graph_diags(result, "decision-cycle") == [
        ("warning", "decision-cycle", IPLAN, line_of(TROUBLE, "| ADR-001 |"),
         f"decisions depend on each other in a cycle: {IDN}/ADR-001 → {IDN}/ADR-002 → {IDN}/ADR-001"),
    ]
    assert result.count(Severity.ERROR) == 2


# ---------------------------------------------------------------------------------------------
# 8. Found as bugs, now fixed
# ---------------------------------------------------------------------------------------------

def test_required_by_is_not_a_forward_dependency(cite):
    result = cite("required by ADR-002")
    assert (A1, A2, "depends-on") not in edge_set(result)
    assert len(edge_set(result)) == 1


def test_status_replaced_by_is_stored_as_supersedes(write_files, run_pipeline):
    plan = CITING.replace("{cite}", "").replace(
        "| Compliance | Accepted |", "| Compliance | Replaced by ADR-002 |"
    )
    write_files(IDN, {"plan.md": plan})
    result = run_pipeline()
    assert {d.id: d.status for d in result.portfolio.decisions}[A3] == "superseded"
    assert edge_set(result) == {(A2, A3, "supersedes")}


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("requires decision-queue-choice", f"{IDN}/decision-queue-choice"),
        ("requires 001-identity/decision-queue-choice", f"{IDN}/decision-queue-choice"),
    ],
)
def test_generated_research_id_in_text(cite, text, target):
    result = cite(text)
    assert edge_set(result) == {(A1, target, "depends-on")}


RISK_CITES_RISK = """
# Implementation Plan: Identity

## Risk Register

| ID | Description | Probability | Impact | Owner | Mitigation | Trigger |
|----|-------------|-------------|--------|-------|------------|---------|
| R1 | Token theft | High | High | Security | Rotate keys | Alert |
| R2 | Outage | Low | High | SRE | Same as R1 | Page |
"""


def test_risk_mitigation_citing_a_risk_is_relates_to(write_files, run_pipeline):
    write_files(IDN, {"plan.md": RISK_CITES_RISK})
    result = run_pipeline()
    assert edge_set(result) == {(f"{IDN}/R2", f"{IDN}/R1", "relates-to")}
