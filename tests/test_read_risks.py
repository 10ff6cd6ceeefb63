"""Risks read as their authors wrote them: every register shape, risk headings, risk bullets and
bold lines, in plan.md and research.md, each with the level its author gave (critical included)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from fixture_text import line_of
from plan_portal.cli import main
from plan_portal.model import status as st
from plan_portal.model.records import Feature, Risk

PLAN = "specs/001-sync/plan.md"
RESEARCH = "specs/001-sync/research.md"


def by_name(feature: Feature) -> dict[str, Risk]:
    return {r.description.strip("*"): r for r in feature.risks}


def levels(feature: Feature) -> dict[str, str]:
    return {name: risk.level for name, risk in by_name(feature).items()}


def unknown_status(feature: Feature) -> list[tuple[str, int]]:
    return [(d.path, d.line) for d in feature.diagnostics if d.code == "unknown-status"]


# ---------------------------------------------------------------------------------------------
# Levels: critical above high, one rating, likelihood × impact
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("probability", "impact", "expected"), [
    ("critical", "critical", "critical"), ("critical", "high", "critical"), ("high", "critical", "critical"),
    ("critical", "medium", "high"), ("medium", "critical", "high"), ("critical", "low", "medium"),
    ("low", "critical", "medium"), ("high", "high", "high"), ("medium", "medium", "medium"), ("low", "high", "medium"),
    ("low", "medium", "low"), ("critical", "unknown", "unknown"),
])
def test_grid_counts_critical_as_high_and_is_critical_only_beside_high(probability, impact, expected):
    assert st.risk_level(probability, impact) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("Critical", "critical"), ("**CRITICAL**", "critical"), ("High-Critical", "critical"), ("Medium", "medium"),
    ("Medium (blocks server start)", "medium"), ("Low — cosmetic only", "low"), ("High: data loss", "high"),
    ("Users see stale data for up to 5 s", "unknown"), ("Expected", "unknown"), ("None", "unknown"),
    ("A likely but minor annoyance for a few users", "unknown"),
    ("Outage of the sync service, impact is high for every tenant", "high"),
])
def test_rating_reads_short_ratings_and_rating_words_in_prose_only(raw, expected):
    assert st.rating(raw) == expected


REGISTERS = """
# Implementation Plan: Sync

## Risks

| Risk | Severity | Mitigation |
|---|---|---|
| Ledger corruption | Critical | Checksums on every write |
| Slow first sync | Low | Progress bar |

## Delivery risks

| Risk | Likelihood | Mitigation |
|---|---|---|
| Vendor SDK slips | Medium | Pin the last release |

## Operational notes

| Risk | Probability | Impact | Mitigation | Trigger |
|---|---|---|---|---|
| Queue backlog | Critical | High | Autoscale consumers | Lag over 5 min |
| Token expiry | Medium | Critical | Refresh early | |

## Risk summary

| Risk | Risk level | Owner |
|---|---|---|
| Clock skew | Medium-High | Platform |
| None identified | — | — |
"""


def test_each_register_shape_gives_its_authors_level(write_feature):
    feature = write_feature("001-sync", {"plan.md": REGISTERS})
    assert levels(feature) == {
        "Ledger corruption": "critical", "Slow first sync": "low", "Vendor SDK slips": "medium",
        "Queue backlog": "critical", "Token expiry": "high", "Clock skew": "high",
    }
    risks = by_name(feature)
    assert (risks["Ledger corruption"].impact, risks["Ledger corruption"].raw_impact) == ("critical", "Critical")
    assert (risks["Vendor SDK slips"].probability, risks["Vendor SDK slips"].impact) == ("medium", "unknown")
    assert (risks["Clock skew"].raw_level, risks["Clock skew"].owner) == ("Medium-High", "Platform")
    assert risks["Queue backlog"].source.line == line_of(REGISTERS, "| Queue backlog")
    assert unknown_status(feature) == []


def test_no_trigger_is_flagged_only_where_the_table_has_a_trigger_column(write_feature):
    risks = by_name(write_feature("001-sync", {"plan.md": REGISTERS}))
    assert risks["Queue backlog"].trigger_column and risks["Token expiry"].trigger_column
    assert not risks["Ledger corruption"].trigger_column and not risks["Clock skew"].trigger_column


PROSE_IMPACT = """
# Implementation Plan: Sync

## Risks

| Risk | Impact | Mitigation |
|---|---|---|
| Cache served after a write | Users see stale data for up to 5 s | Invalidate on write |
| Webhook retries pile up | Expected | Back-off with jitter |
| Schema drift upstream | None | Contract tests |
| Bulk import overloads the API | High: imports stall for every tenant | Rate limit imports |
"""


def test_prose_impacts_are_read_and_reported_once_per_column(write_feature):
    feature = write_feature("001-sync", {"plan.md": PROSE_IMPACT})
    assert levels(feature) == {
        "Cache served after a write": "unknown", "Webhook retries pile up": "unknown",
        "Schema drift upstream": "unknown", "Bulk import overloads the API": "high",
    }
    assert by_name(feature)["Cache served after a write"].raw_impact == "Users see stale data for up to 5 s"
    assert unknown_status(feature) == [(PLAN, line_of(PROSE_IMPACT, "| Cache served"))]
    [message] = [d.message for d in feature.diagnostics if d.code == "unknown-status"]
    assert "3 rows" in message and "'Impact'" in message


def test_a_stated_but_unreadable_probability_leaves_the_level_unknown(write_feature):
    feature = write_feature("001-sync", {"plan.md": """
        # Plan

        ## Risks

        | Risk | Probability | Impact | Mitigation |
        |---|---|---|---|
        | Outage | Sometimes | High | Failover |
        """})
    [risk] = feature.risks
    assert (risk.probability, risk.impact, risk.level) == ("unknown", "high", "unknown")


# ---------------------------------------------------------------------------------------------
# Risk headings
# ---------------------------------------------------------------------------------------------

HEADINGS = """
# Implementation Plan: Sync

## Risks & Mitigations

Every risk below was reviewed with the on-call team.

### Risk 1: Reconnect storms (HIGH PROBABILITY)

**Impact**: Medium (clients retry together)

**Mitigation**:
- Jittered back-off
- Server-side connection cap

### Risk 2: Browser blocks pop-ups (LOW PROBABILITY)

**Mitigation**: Show the link instead

### High Risk: Parser complexity

**Risk**: Hand-written parser may mis-handle edge cases

**Mitigation**:
- Property-based tests

### Critical Risk: Key rotation

**Risk**: Rotating keys locks users out

### Lock contention

**Risk**: Two workers update one row
**Mitigation**:
- Row-level locks
"""


def test_risk_headings_are_one_risk_each_and_their_bullets_are_not_risks(write_feature):
    feature = write_feature("001-sync", {"plan.md": HEADINGS})
    assert levels(feature) == {
        "Reconnect storms": "high", "Browser blocks pop-ups": "low", "Parser complexity": "high",
        "Key rotation": "critical", "Lock contention": "unknown",
    }
    risks = by_name(feature)
    storms = risks["Reconnect storms"]
    assert (storms.raw_probability, storms.raw_impact) == ("HIGH PROBABILITY", "Medium (clients retry together)")
    assert storms.mitigation == "- Jittered back-off\n- Server-side connection cap"
    assert storms.source.line == line_of(HEADINGS, "### Risk 1")
    assert risks["Parser complexity"].raw_level == "High"
    assert risks["Parser complexity"].extra["Risk"] == "Hand-written parser may mis-handle edge cases"
    assert risks["Lock contention"].mitigation == "- Row-level locks"
    assert all(not r.trigger_column for r in feature.risks)


def test_numbered_risks_with_nested_fields_and_a_rating_in_parentheses(write_feature):
    plan = """
        # Plan

        ## Risk Mitigation

        ### Technical Risks

        1. **Reducer bugs (Medium)**
           - Risk: Nine action types may corrupt state
           - Mitigation: Unit tests for every transition
        2. **Re-render cost (Low)**
           - Risk: Frequent renders lag the UI
        """
    feature = write_feature("001-sync", {"plan.md": plan})
    assert levels(feature) == {"Reducer bugs": "medium", "Re-render cost": "low"}
    assert by_name(feature)["Reducer bugs"].mitigation == "Unit tests for every transition"


# ---------------------------------------------------------------------------------------------
# Risk bullets and bold lines
# ---------------------------------------------------------------------------------------------

BULLETS = """
# Implementation Plan: Sync

## Risks

The risks below were found in review.

- **Risk**: Offline edits conflict on reconnect. **Mitigation**: Last-writer-wins per field.
- **Risk**: Push quota is exceeded
  on large tenants; **Impact**: High
  - **Mitigation**: Batch notifications
- None identified for the admin UI.

## Risk Assessment

### Low Risk
- The UI change is additive
- No backend changes

### Medium Risk
- **Accessibility**: Keyboard navigation may regress
  - **Mitigation**: Keyboard-only test pass

### High Risk
- None identified - the feature is purely additive
"""


def test_risk_bullets_over_several_lines_and_level_headings(write_feature):
    feature = write_feature("001-sync", {"plan.md": BULLETS})
    assert levels(feature) == {
        "Offline edits conflict on reconnect.": "unknown",
        "Push quota is exceeded on large tenants;": "high",
        "Accessibility: Keyboard navigation may regress": "medium",
    }
    risks = by_name(feature)
    assert risks["Offline edits conflict on reconnect."].mitigation == "Last-writer-wins per field."
    assert risks["Push quota is exceeded on large tenants;"].mitigation == "Batch notifications"
    assert risks["Accessibility: Keyboard navigation may regress"].mitigation == "Keyboard-only test pass"
    assert risks["Accessibility: Keyboard navigation may regress"].raw_level == "Medium"


def test_bold_risk_lines_outside_risk_sections_and_ratings_that_are_not_risks(write_feature):
    research = """
        # Research: Sync

        ## R1: Golden tests

        **Decision**: Use the built-in golden harness.

        **Known risk — fonts.** Glyphs render as boxes when the font is
        not loaded. **Mitigation**: load the fonts in setUpAll.

        **Risk/mitigation**: A non-exhaustive switch breaks the build.

        **Risk mitigation**: pin the toolchain.

        Risk: Low — all changes are additive.
        """
    feature = write_feature("001-sync", {"research.md": research, "plan.md": "# Plan\n"})
    risks = by_name(feature)
    assert set(risks) == {"Known risk — fonts", "A non-exhaustive switch breaks the build."}
    fonts = risks["Known risk — fonts"]
    assert fonts.mitigation == "load the fonts in setUpAll."
    assert (fonts.source.path, fonts.source.line) == (RESEARCH, line_of(research, "**Known risk"))


def test_concerns_are_risks_but_a_heading_that_says_none_lists_none(write_feature):
    plan = """
        # Plan

        ## Constitution Concerns Identified

        **Developer friction**:
        - Slow pre-push hooks
        - **Mitigation**: Cache the lint step

        **Duplicate CI runs**:
        - Tests run twice
        - **Justification**: Defence in depth

        ### No Additional Security Concerns
        - Auth is handled by the framework
        """
    feature = write_feature("001-sync", {"plan.md": plan})
    assert set(by_name(feature)) == {"Developer friction", "Duplicate CI runs"}
    assert by_name(feature)["Developer friction"].mitigation == "Cache the lint step"


def test_research_registers_are_read_with_their_own_path(write_feature):
    research = """
        # Research: Sync

        ## 13. 技術風險與緩解

        | 風險 | 影響 | 緩解策略 |
        |------|------|----------|
        | SDK preview changes | API 可能變更 | Adapter layer |

        ## Risk Assessment

        | Risk | Probability | Impact | Mitigation |
        |---|---|---|---|
        | Rate limits | Medium | High | Retry with back-off |
        """
    feature = write_feature("001-sync", {"plan.md": "# Plan\n", "research.md": research})
    risks = by_name(feature)
    assert {name: (r.level, r.source.path) for name, r in risks.items()} == {
        "SDK preview changes": ("unknown", RESEARCH), "Rate limits": ("high", RESEARCH)}
    assert risks["SDK preview changes"].mitigation == "Adapter layer"


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------

def test_critical_has_its_own_heat_map_row_badge_and_trigger_flag_only_where_due(
        write_files, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    write_files("001-sync", {"plan.md": REGISTERS})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["generate", "--out", "out"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    risks_page = (tmp_path / "out" / "risks.md").read_text(encoding="utf-8")
    assert risks_page.count('<th scope="row">critical</th>') == 1
    assert "pp-heat pp-heat-critical" in risks_page and "pp-level-critical" in risks_page
    # One trigger cell is empty where the table has a trigger column (Token expiry); no other row is flagged.
    assert risks_page.count("no trigger") == 1
    overview = (tmp_path / "out" / "index.md").read_text(encoding="utf-8")
    assert "C critical" in overview
    css = next((tmp_path / "out").rglob("plan-portal.css")).read_text(encoding="utf-8")
    assert ".pp-level-critical" in css and "pp-heat-critical" in css


def test_the_heat_map_has_no_critical_row_when_no_risk_is_critical(
        write_files, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    write_files("001-sync", {"plan.md": PROSE_IMPACT})
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["generate", "--out", "out"], catch_exceptions=False).exit_code == 0
    risks_page = (tmp_path / "out" / "risks.md").read_text(encoding="utf-8")
    assert 'scope="row">critical<' not in risks_page and "no trigger" not in risks_page


def test_a_none_row_is_skipped_only_when_it_rates_nothing(write_feature):
    feature = write_feature("001-sync", {"plan.md": """
        # Plan

        ## Risks

        | Risk | Probability | Impact | Mitigation |
        |---|---|---|---|
        | None identified | — | — | — |
        | None | High | High | Review the register |
        """})
    assert [(r.description, r.level) for r in feature.risks] == [("None", "high")]
