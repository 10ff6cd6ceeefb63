"""The whole plan reaches the site: sections the model reads no records from, the title of an
unfilled template, plan statuses in one vocabulary, and files with bytes that are not UTF-8."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from fixture_text import line_of, write_feature_files
from plan_portal.model.status import plan_state
from plan_portal.pipeline import run
from plan_portal.render.environment import excerpt
from plan_portal.render.inline import render_inline
from plan_portal.settings import Settings

PLAN = """\
# Implementation Plan: Checkout

**Branch**: `001-checkout` | **Date**: 2026-01-05 | **Status**: Completed

## Summary

Let shoppers pay by card.

**Goals**:
- Card payments in one step

## Constitution Check

| Principle | Status | Notes |
|-----------|--------|-------|
| I. Simplicity | PASS | one module |

**Principle II: Observability** ✅
- Every payment is logged
- Traced end to end

### Notes on the check

All gates pass; the payment adapter is the only new module.

## Implementation Order

1. Card form <b>first</b>
2. Then the webhook

| Step | Owner |
|------|-------|
| Form | Ana |

<!-- ACTION REQUIRED: remove this comment -->

### Rollout

Behind a flag for a week.

## Empty Heading

## Risks

| Risk | Impact | Mitigation |
|------|--------|------------|
| Card declines | High | Retry |
"""


def _portfolio(tmp_path: Path, files: dict[str, str | bytes], feature_id: str = "001-checkout") -> Path:
    write_feature_files(tmp_path, feature_id, files)
    return tmp_path


def _feature(tmp_path: Path) -> object:
    [feature] = run(Settings((tmp_path / "specs",), tmp_path)).portfolio.features
    return feature


def test_sections_without_records_are_kept_in_plan_order(tmp_path: Path) -> None:
    feature = _feature(_portfolio(tmp_path, {"plan.md": PLAN}))
    shown = [(s.context, s.title, s.depth, s.line) for s in feature.free_sections]  # type: ignore[attr-defined]
    assert shown == [
        ("Constitution Check", "Notes on the check", 0, line_of(PLAN, "### Notes on the check")),
        ("", "Implementation Order", 0, line_of(PLAN, "## Implementation Order")),
        ("", "Rollout", 1, line_of(PLAN, "### Rollout")),
    ]
    order = feature.free_sections[1].markdown  # type: ignore[attr-defined]
    assert order.startswith("1. Card form <b>first</b>\n2. Then the webhook") and "| Form | Ana |" in order
    assert "ACTION REQUIRED" not in order, "HTML comments are hidden, as a Markdown page hides them"


def test_summary_risks_and_gates_are_not_repeated_as_free_text(tmp_path: Path) -> None:
    feature = _feature(_portfolio(tmp_path, {"plan.md": PLAN}))
    titles = {s.title for s in feature.free_sections}  # type: ignore[attr-defined]
    assert not titles & {"Summary", "Constitution Check", "Risks", "Empty Heading"}


@pytest.mark.parametrize(("raw", "state"), [
    ("Complete", "complete"), ("Completed", "complete"), ("✅ Done", "complete"), ("DRAFT", "draft"),
    ("In Progress", "in-progress"), ("in_progress", "in-progress"), ("Ready for Phase 0", "approved"),
    ("On hold until Q3", "on-hold"), ("Cancelled", "abandoned"), ("Phase 2 of 3", "other"), ("", ""),
])
def test_plan_status_words_are_one_vocabulary(raw: str, state: str) -> None:
    assert plan_state(raw) == state


def test_unfilled_template_takes_its_title_from_the_spec(tmp_path: Path) -> None:
    _portfolio(tmp_path, {
        "plan.md": "# Implementation Plan: [FEATURE]\n\n**Branch**: `[###-feature-name]`\n",
        "spec.md": "# Feature Specification: Camera Setup\n",
    })
    feature = _feature(tmp_path)
    assert feature.title == "Camera Setup"  # type: ignore[attr-defined]


def test_a_byte_that_is_not_utf8_is_a_warning_and_the_file_is_published_as_read(tmp_path: Path) -> None:
    spec = "# Feature Specification: Checkout\n\nPrices in \xff euros.\n".encode("latin-1")
    _portfolio(tmp_path, {"plan.md": PLAN, "spec.md": spec})
    checked = run(Settings((tmp_path / "specs",), tmp_path))
    found = [(d.code, d.severity.value, d.line) for d in checked.diagnostics]
    assert found == [("invalid-utf8", "warning", 3)]
    [published] = [p for p in checked.portfolio.features[0].published if p.name == "spec.md"]
    assert published.problem == "" and published.text is not None and "Prices in \ufffd euros." in published.text


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    hostile = PLAN.replace("### Rollout", "### Rollout <script>alert(1)</script>")
    spec = "# Feature Specification: Checkout\n\nPrices in \xff euros.\n".encode("latin-1")
    _portfolio(root, {"plan.md": hostile, "spec.md": spec})
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: test\ntheme:\n  name: material\n  font: false\nplugins:\n  - plan-portal\n", encoding="utf-8")
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site")))
    return root / "site"


def test_feature_page_shows_free_sections_escaped(site: Path) -> None:
    page = (site / "plans" / "001-checkout" / "plan" / "index.html").read_text(encoding="utf-8")
    assert "Constitution Check: Notes on the check" in page
    assert "the payment adapter is the only new module" in page
    assert "<li>Card form &lt;b&gt;first&lt;/b&gt;</li>" in page, "tags a plan writes are shown as text"
    assert "<td>Ana</td>" in page, "tables in free sections are tables"
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert page.index("Implementation Order") < page.index("Rollout")
    assert "Completed" in page and "pp-plan-complete" in page


def test_spec_with_a_bad_byte_is_published_as_a_page(site: Path) -> None:
    page = (site / "plans" / "001-checkout" / "spec" / "index.html").read_text(encoding="utf-8")
    assert "Prices in \ufffd euros." in page
    assert "could not be published" not in page


def test_hard_wrapped_prose_in_a_cell_reads_as_one_paragraph() -> None:
    cell = render_inline("The sandbox is a\nstandalone command.\n- first point\n- second\n\nA new\nparagraph")
    assert cell == "The sandbox is a standalone command.<br>- first point<br>- second<br><br>A new paragraph"


def test_summary_keeps_its_lists_and_a_gate_line_takes_the_bullets_below_it(tmp_path: Path) -> None:
    feature = _feature(_portfolio(tmp_path, {"plan.md": PLAN}))
    assert feature.summary.endswith("**Goals**:\n- Card payments in one step")  # type: ignore[attr-defined]
    [_, observability] = feature.gates  # type: ignore[attr-defined]
    assert (observability.name, observability.status) == ("Principle II: Observability", "pass")
    assert observability.evidence == "- Every payment is logged\n- Traced end to end"


def test_pages_show_authors_ids_and_words_not_generated_ids_or_bare_marks(site: Path) -> None:
    page = (site / "plans" / "001-checkout" / "plan" / "index.html").read_text(encoding="utf-8")
    assert "risk-card-declines" not in page.replace('id="risk-card-declines"', "")
    assert ">✅ pass</span>" in page, "a status written as a mark alone is named"
    risks = (site / "plans" / "risks" / "index.html").read_text(encoding="utf-8")
    assert ">risk-card-declines<" not in risks and "Card declines" in risks


def test_dashboard_excerpt_is_plain_opening_words() -> None:
    assert excerpt("- Creating **new** agents is costly\n- Unbounded `creation`\n```py\nx = 1\n```") == (
        "Creating new agents is costly · Unbounded creation")
    long = excerpt("word " * 100)
    assert long.endswith("…") and len(long) <= 221


def test_a_hard_wrapped_structure_decision_is_read_whole(tmp_path: Path) -> None:
    plan = ("# Implementation Plan: Tree\n\n## Project Structure\n\n"
            "**Structure Decision**: Existing layout under\n`lib/features/catalog/`, unchanged.\n"
            "**Owner**: platform team\n")
    feature = _feature(_portfolio(tmp_path, {"plan.md": plan}))
    assert feature.structure_decision == "Existing layout under\n`lib/features/catalog/`, unchanged."  # type: ignore[attr-defined]
