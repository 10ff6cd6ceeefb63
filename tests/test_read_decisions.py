"""Decisions read as their authors wrote them: what was chosen, why, and what was rejected, whole.

Every fixture is a short invented plan showing one way people write decisions.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from fixture_text import line_of
from plan_portal.cli import main
from plan_portal.model.decisions import states_choice
from plan_portal.model.records import Decision, Feature

PLAN = "# Implementation Plan: Cache\n"
ReadFeature = Callable[..., Feature]


def research(write_feature: ReadFeature, text: str) -> list[Decision]:
    return write_feature("001-cache", {"plan.md": PLAN, "research.md": text}).decisions


def plan(write_feature: ReadFeature, text: str) -> list[Decision]:
    return write_feature("001-cache", {"plan.md": text}).decisions


# --- fields read whole --------------------------------------------------------------------------

WRAPPED = """
# Research: Cache

## R1: Cache store

**Decision**: Keep the cache in SQLite next to the
workspace database, one file per project.

**Rationale**: One engine to operate; the cache survives
restarts and needs no server.

**Alternatives considered**:
- Redis: a server to run
- In-memory LRU: lost on restart

## R2: Eviction

**Decision**: Evict by size. The rules are:
- entries above 1 MB first
- then the oldest

**Rationale**: Predictable.
"""


def test_hard_wrapped_fields_and_listed_alternatives_are_whole(write_feature: ReadFeature) -> None:
    store, eviction = research(write_feature, WRAPPED)
    assert store.choice == "Keep the cache in SQLite next to the workspace database, one file per project."
    assert store.rationale == "One engine to operate; the cache survives restarts and needs no server."
    assert store.alternatives == "- Redis: a server to run\n- In-memory LRU: lost on restart"
    # a sentence ending in a colon keeps the list it introduces
    assert eviction.choice == "Evict by size. The rules are:\n- entries above 1 MB first\n- then the oldest"
    assert eviction.rationale == "Predictable."


SUBHEADINGS = """
# Research: Cache

## 1. Token counting

### Decision: tiktoken with a local cache

### Rationale

1. **Speed:**
   - several times faster than the alternatives
2. **Accuracy:** within two percent

### Alternatives Considered

| Option | Verdict |
|--------|---------|
| Remote API | too slow |

### Implementation Details

- Alternative: a second cache tier, later
"""


def test_rationale_and_alternatives_headings_bring_their_whole_body(write_feature: ReadFeature) -> None:
    [decision] = research(write_feature, SUBHEADINGS)
    assert (decision.title, decision.choice) == ("Token counting", "tiktoken with a local cache")
    assert decision.rationale == ("- **Speed:**\n  - several times faster than the alternatives\n"
                                  "- **Accuracy:** within two percent")
    assert decision.alternatives == "| Option | Verdict |\n| --- | --- |\n| Remote API | too slow |"
    # a nested "Alternative:" bullet under another heading is not the decision's alternatives
    assert "second cache tier" not in decision.alternatives
    assert decision.source.line == line_of(SUBHEADINGS, "### Decision: tiktoken")


LABELS = """
# Research: Cache

## Store

What was chosen: SQLite
Why chosen: already shipped

## Format

**Choice**: JSON lines

**Why**: easy to diff

## Transport

**Chosen approach**: HTTP/2

**Alternatives rejected**
- gRPC: needs codegen
"""


def test_label_variants_fill_the_same_fields(write_feature: ReadFeature) -> None:
    got = [(d.title, d.choice, d.rationale, d.alternatives) for d in research(write_feature, LABELS)]
    assert got == [
        ("Store", "SQLite", "already shipped", ""),
        ("Format", "JSON lines", "easy to diff", ""),
        ("Transport", "HTTP/2", "", "- gRPC: needs codegen"),
    ]


PIVOT = """
# R1: Loading tools lazily

**Research Date**: 2025-01-01
**Decision**: ❌ **PIVOT to profiles** (Alternative C)

## Findings

The protocol registers tools once.

## Decision Rationale

**Why pivot**:
1. No dynamic registration
2. No timeline for it

## Alternatives Considered

### Alternative A: Wait
- **Verdict**: rejected

### Alternative C: Profiles
- **Verdict**: chosen
"""


def test_a_pivot_decision_takes_the_rationale_and_alternatives_sections_below(write_feature: ReadFeature) -> None:
    [decision] = research(write_feature, PIVOT)
    assert decision.title == "Loading tools lazily"
    assert decision.choice == "❌ **PIVOT to profiles** (Alternative C)"
    assert decision.status == "accepted"  # the ❌ is part of the choice, not a status
    assert decision.rationale == "**Why pivot**:\n- No dynamic registration\n- No timeline for it"
    assert "**Alternative A: Wait**" in decision.alternatives and "- **Verdict**: chosen" in decision.alternatives


# --- decision tables -------------------------------------------------------------------------------

TABLES = """
# Research: Cache

| Decision | Rationale | Alternatives Considered |
| -------- | --------- | ----------------------- |
| Use SQLite for the cache | Already a dependency | Redis |
| N/A | N/A | N/A |

## Summary

| Topic | Decision | Rationale |
|-------|----------|-----------|
| Eviction | Size-based | Predictable |

## Comparison

| Algorithm | Pros | Decision |
|-----------|------|----------|
| LRU | Simple | ❌ |
"""


def test_research_tables_are_decisions_and_say_what_was_chosen(write_feature: ReadFeature) -> None:
    got = [(d.title, d.choice, d.rationale, d.alternatives, d.status, d.origin, d.source.line)
           for d in research(write_feature, TABLES)]
    assert got == [
        ("Use SQLite for the cache", "Use SQLite for the cache", "Already a dependency", "Redis", "accepted",
         "research", line_of(TABLES, "| Use SQLite")),
        ("Eviction", "Size-based", "Predictable", "", "accepted", "research", line_of(TABLES, "| Eviction")),
    ]  # the "N/A" row says the table is empty; an options table with a verdict column holds no decisions


def test_a_status_column_left_empty_is_unknown_and_no_status_column_is_accepted(write_feature: ReadFeature) -> None:
    text = """
    # Implementation Plan: Cache

    ## Decision Log

    | ID | Decision | Status |
    |----|----------|--------|
    | ADR-1 | Use SQLite | |
    | ADR-2 | Drop Redis | Proposed |

    ## Key Decisions

    | Decision | Choice |
    |----------|--------|
    | Session store | Redis |
    """
    got = [(d.local_id, d.title, d.choice, d.status) for d in plan(write_feature, text)]
    assert got == [("ADR-1", "Use SQLite", "Use SQLite", "unknown"), ("ADR-2", "Drop Redis", "Drop Redis", "proposed"),
                   ("decision-session-store", "Session store", "Redis", "accepted")]


def test_technical_context_tables_are_not_decisions(write_feature: ReadFeature) -> None:
    text = """
    # Implementation Plan: Cache

    ## Technical Context

    | Item | Decision |
    |------|----------|
    | Language | Rust |
    """
    assert plan(write_feature, text) == []


# --- what is not a decision ------------------------------------------------------------------------

TEMPLATE = """
# Implementation Plan: Cache

## Phase 0: Outline & Research

### Research Tasks

1. For each unknown: research it
2. Consolidate findings in `research.md` using format:
   - Decision: [what was chosen]
   - Rationale: [why chosen]
   - Alternatives considered: [what else evaluated]

**Output**: research.md with all unknowns resolved

## Decision: [Topic]

**Rationale**: [why chosen]
"""


def test_template_lines_and_their_headings_are_not_decisions(write_feature: ReadFeature) -> None:
    assert plan(write_feature, TEMPLATE) == []
    prescribed = """
    # Research: Cache

    ## Research Outputs

    Each task documents:
    - **Decision**: What was chosen
    - **Rationale**: Why chosen (evidence-based)
    """
    assert research(write_feature, prescribed) == []


# --- plans: Design Decisions and Key Decisions -----------------------------------------------------

DESIGN = """
# Implementation Plan: Cache

## Design Decisions

### D1: Use SQLite for the cache

The workspace already ships SQLite.

### DD-002: Eviction policy

**Decision**: Size-based eviction.

### Cache key strategy

Hash the request body with SHA-256:
- method first
- then the path

### Inline refresh (not a background job)

Refreshing inline keeps one code path.

## Key Decisions

- **Bash-based**: maximum portability
- Single cache file per project

## Concerns with settled decisions

- The cache may grow large.
"""


def test_design_decision_headings_and_key_decision_bullets(write_feature: ReadFeature) -> None:
    got = [(d.local_id, d.title, d.choice, d.origin, d.source.line) for d in plan(write_feature, DESIGN)]
    assert got == [
        ("D1", "Use SQLite for the cache", "Use SQLite for the cache", "plan-heading", line_of(DESIGN, "### D1:")),
        ("DD-002", "Eviction policy", "Size-based eviction.", "plan-heading", line_of(DESIGN, "### DD-002")),
        # a topic title: what its text opens with is what was decided
        ("decision-cache-key-strategy", "Cache key strategy",
         "Hash the request body with SHA-256:\n- method first\n- then the path", "plan-heading",
         line_of(DESIGN, "### Cache key")),
        ("decision-inline-refresh-not-a-background-job", "Inline refresh (not a background job)",
         "Inline refresh (not a background job)", "plan-heading", line_of(DESIGN, "### Inline refresh")),
        # one bullet, one decision, its text the choice
        ("decision-bash-based", "Bash-based", "**Bash-based**: maximum portability", "plan-list",
         line_of(DESIGN, "- **Bash-based**")),
        ("decision-single-cache-file-per-project", "Single cache file per project",
         "Single cache file per project", "plan-list", line_of(DESIGN, "- Single cache")),
    ]  # the concerns list names decisions but lists none
    assert all(d.status == "accepted" for d in plan(write_feature, DESIGN))


def test_sections_below_a_decision_heading_are_its_body_not_decisions(write_feature: ReadFeature) -> None:
    text = """
    # Research: Tools

    ## 1. Code quality tools

    ### Decision: Radon + Bandit

    #### Radon (complexity)

    Measures cyclomatic complexity.

    #### Bandit (security)

    Finds insecure calls.
    """
    [decision] = research(write_feature, text)
    assert (decision.title, decision.choice) == ("Code quality tools", "Radon + Bandit")


def test_numbered_decision_headings_under_a_topic(write_feature: ReadFeature) -> None:
    text = """
    # Research: Editor

    ## 2. Numeric controls

    ### Decision 3 — slider and field, step derived

    The slider reads the step.

    ## Decision 1: Implementation pattern

    **Decision**: Follow the existing metrics code.
    """
    got = [(d.title, d.choice) for d in research(write_feature, text)]
    assert got == [("Numeric controls", "slider and field, step derived"),
                   ("Implementation pattern", "Follow the existing metrics code.")]


def test_decision_lines_under_bold_list_topics(write_feature: ReadFeature) -> None:
    text = """
    # Implementation Plan: Dashboard

    ## Phase 0: Research

    1. **Reconnection patterns**
       - Decision: Exponential backoff with full resync
       - Rationale: Simple and consistent
    2. **Conflict resolution**
       - Decision: Last write wins
    """
    got = [(d.title, d.choice, d.rationale, d.source.line) for d in plan(write_feature, text)]
    assert got == [
        ("Reconnection patterns", "Exponential backoff with full resync", "Simple and consistent",
         line_of(text, "**Reconnection")),
        ("Conflict resolution", "Last write wins", "", line_of(text, "**Conflict")),
    ]


@pytest.mark.parametrize(("title", "chosen"), [
    ("Use SQLite for the cache", True), ("DO-per-task (not shared DO)", True), ("Remove polling", True),
    ("Storage", False), ("Caching Strategy", False), ("Which queue?", False), ("Named volumes vs. bind mounts", False),
])
def test_a_title_states_a_choice_or_names_a_topic(title: str, chosen: bool) -> None:
    assert states_choice(title) is chosen


# --- the choice reaches exports and pages -------------------------------------------------------

def test_choice_is_exported_and_shown_escaped(write_files: Callable[..., Path], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    hostile = "<img src=x onerror=alert(1)> Keep SQLite"
    write_files("001-cache", {"plan.md": PLAN, "research.md": f"""
        # Research: Cache

        ## Store

        **Decision**: {hostile}
        """})
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["export", "-o", "portal.json"])
    assert result.exit_code == 0, result.output
    [decision] = json.loads((tmp_path / "portal.json").read_text(encoding="utf-8"))["decisions"]
    assert (decision["title"], decision["choice"]) == ("Store", hostile)
    result = runner.invoke(main, ["export", "--format", "csv", "--table", "decisions", "-o", "decisions.csv"])
    assert result.exit_code == 0, result.output
    [row] = csv.DictReader(io.StringIO((tmp_path / "decisions.csv").read_text(encoding="utf-8"), newline=""))
    assert row["choice"] == hostile
    assert runner.invoke(main, ["generate", "--out", "out"]).exit_code == 0
    page = (tmp_path / "out" / "001-cache" / "plan.md").read_text(encoding="utf-8")
    assert "<strong>Chosen:</strong>" in page and "&lt;img src=x onerror=alert(1)&gt; Keep SQLite" in page
    assert "<img src=x" not in page
    dashboard = next((tmp_path / "out").rglob("decisions.md")).read_text(encoding="utf-8")
    assert "<th>Chosen</th>" in dashboard and "&lt;img src=x onerror=alert(1)&gt; Keep SQLite" in dashboard


CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not here")
def test_corpus_decisions_say_what_was_chosen() -> None:
    """On real plans: research tables are read and nearly every decision states its choice."""
    from plan_portal.pipeline import run
    from plan_portal.settings import Settings

    project = CORPUS / "SamuelAsherRivello__bevy-zoo-game"
    decisions = run(Settings((project / "specs",), project)).portfolio.decisions
    from_tables = [d for d in decisions if d.source.path.endswith("research.md")]
    assert len(from_tables) >= 20
    assert all(d.choice and d.rationale for d in from_tables)
    assert not any(d.title in ("N/A", "Research Tasks", "Output", "Summary") for d in decisions)


def test_lead_in_lists_and_resolved_questions(write_feature: ReadFeature) -> None:
    text = """
    # Implementation Plan: Server

    ## Phase 0

    **Decisions Documented**:
    1. CLI framework: Typer (already in the project)
    2. Console output: Rich

    Architecture decisions that require research:
    1. **Review agent**: worker vs. subprocess

    ## Open Questions (Resolved)

    ### Q1: Should we support HTTPS?
    **Answer**: No, a reverse proxy does it.
    """
    got = [(d.title, d.choice, d.origin) for d in plan(write_feature, text)]
    assert got == [
        ("CLI framework: Typer (already in the project)", "CLI framework: Typer (already in the project)", "plan-list"),
        ("Console output: Rich", "Console output: Rich", "plan-list"),
        ("Q1: Should we support HTTPS?", "No, a reverse proxy does it.", "plan-heading"),
    ]  # questions still to research are not decisions


def test_an_answer_then_a_decision_under_one_topic_is_one_record(write_feature: ReadFeature) -> None:
    text = """
    # Research: Tables

    ## Research Question 1: Overlay mode

    **Question**: Can we overlay existing tables?

    **Answer**: Yes, fully supported

    **Decision**: Use the overlay with the existing table name

    **Rationale**: No migration.

    ## Decision 2: Port checking

    ### Options

    Socket bind or netstat.

    ### Decision
    **Bind a socket** and release it.
    """
    got = [(d.title, d.choice, d.rationale) for d in research(write_feature, text)]
    assert got == [("Research Question 1: Overlay mode", "Use the overlay with the existing table name",
                    "No migration."),
                   ("Port checking", "**Bind a socket** and release it.", "")]
