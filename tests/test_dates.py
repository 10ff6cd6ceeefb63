"""Dates as plans write them: a decision's own (a Date column or field), its heading's, or its
file's; a feature's created date; ISO where unambiguous, the author's words otherwise."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from plan_portal.model.dates import date_in, iso_date, written_date
from plan_portal.model.records import Feature


@pytest.mark.parametrize(("text", "iso"), [
    ("2026-03-01", "2026-03-01"), ("2026-3-1", "2026-03-01"), ("2026/03/01", "2026-03-01"),
    ("**2026-03-01**", "2026-03-01"), ("2026-07-12, revised 2026-07-13 (document authority)", "2026-07-12"),
    ("2026-03-10 (v5 — spec v7)", "2026-03-10"), ("2026-01-15T09:30:00", "2026-01-15"),
    ("February 10, 2026", "2026-02-10"), ("Feb 10 2026", "2026-02-10"), ("10 February 2026", "2026-02-10"),
    ("1st Sept. 2025", "2025-09-01"),
    # Not a date, or not an unambiguous one.
    ("01/02/2026", ""), ("2026-03", ""), ("October 2025", ""), ("2026-02-30", ""), ("Q3 2025", ""), ("", ""),
    ("20260301", ""),
])
def test_iso_date(text: str, iso: str):
    assert iso_date(text) == iso


def test_written_date_keeps_the_authors_words_when_not_unambiguous():
    assert written_date("February 10, 2026") == "2026-02-10"
    assert written_date("01/02/2026") == "01/02/2026"
    assert written_date("October 2025") == "October 2025"
    for empty in ("[DATE]", "`[DATE]`", "—", "TBD", "n/a", "", "  "):
        assert written_date(empty) == "", empty


def test_date_in_finds_a_date_anywhere():
    assert date_in("Batch 2 — Post-Phase-C Refinements (2026-07-01)") == "2026-07-01"
    assert date_in("Delta Plan — 2026-07-08 Refinements") == "2026-07-08"
    assert date_in("D3 — Theme picker (REVISED 2026-07-12)") == "2026-07-12"
    assert date_in("Migration v3 (clarification 2026-06-26c)") == "2026-06-26"  # the day's third session
    assert date_in("Phase 2026-13-45") == "" and date_in("No date here") == ""


PLAN = """\
# Implementation Plan: Dated

**Branch**: `001-dated` | **Date**: 2026-02-01 | **Spec**: [spec.md](spec.md)

## Decision Log

| ID | Decision | Status | Date |
|----|----------|--------|------|
| ADR-001 | Use Postgres | Accepted | 2026-02-03 |
| ADR-002 | Keep one service | Accepted | 03/02/2026 |
| ADR-003 | Use a queue | Proposed | — |
| ADR-004 | Hostile | Accepted | <script>alert(1)</script> |

## Design Decisions

### D1: Cache reads

**Decision**: Cache in memory.
**Date**: March 5, 2026

### 2026-03-07 — Drop the sidecar

It costs more than it saves.

## Batch 2 — Refinements (2026-03-09)

### Key Decisions

- Retry twice, then fail.
"""
RESEARCH = """\
# Research: Dated

**Date**: 2026-01-20 | **Feature**: 001-dated

## Storage

**Decision**: SQLite for the local cache.
**Rationale**: One file.

## Transport

**Decision**: HTTP/2.
**Date**: 2026-01-25
"""


def dates(feature: Feature) -> dict[str, tuple[str, str, str]]:
    return {d.local_id: (d.title, d.date, d.date_from) for d in feature.decisions}


def test_decision_dates_from_record_heading_and_file(write_feature: Callable[..., Feature]):
    feature = write_feature("001-dated", {"plan.md": PLAN, "research.md": RESEARCH, "spec.md": "# Spec\n"})
    found = dates(feature)
    assert found["ADR-001"] == ("Use Postgres", "2026-02-03", "record")
    assert found["ADR-002"] == ("Keep one service", "03/02/2026", "record")  # day and month could swap: as written
    assert found["ADR-003"] == ("Use a queue", "2026-02-01", "file")  # "—" is no date: the plan's own
    assert found["ADR-004"] == ("Hostile", "<script>alert(1)</script>", "record")
    assert found["D1"] == ("Cache reads", "2026-03-05", "record")
    by_title = {title: (date, source) for title, date, source in found.values()}
    # A heading that opens with a date: the date is the decision's, and leaves the title.
    assert by_title["Drop the sidecar"] == ("2026-03-07", "heading")
    # A heading above it dates it.
    assert by_title["Retry twice, then fail."] == ("2026-03-09", "heading")
    # research.md: the Date line of a topic, else the file's own Date line.
    assert by_title["Storage"] == ("2026-01-20", "file")
    assert by_title["Transport"] == ("2026-01-25", "record")
    assert (feature.created, feature.created_date) == ("2026-02-01", "2026-02-01")


def test_feature_created_is_iso_when_unambiguous_and_template_text_is_no_date(write_feature: Callable[..., Feature]):
    feature = write_feature("001-a", {"plan.md": "# Implementation Plan: A\n\n**Date**: February 10, 2026\n"})
    assert (feature.created, feature.created_date) == ("February 10, 2026", "2026-02-10")
    feature = write_feature("002-b", {"plan.md": "# Implementation Plan: B\n\n**Date**: [DATE]\n"})
    assert (feature.created, feature.created_date) == ("", "")
    assert any("[DATE]" in d.message for d in feature.diagnostics)  # still reported as template text
    feature = write_feature("003-c", {"plan.md": "---\ndate: 2026-04-01\n---\n# Implementation Plan: C\n"})
    assert (feature.created, feature.created_date) == ("2026-04-01", "2026-04-01")


def test_decisions_without_any_date_have_none(write_feature: Callable[..., Feature]):
    plan = "# Implementation Plan: U\n\n## Decision Log\n\n| ID | Decision | Status |\n|---|---|---|\n" \
           "| ADR-001 | Use X | Accepted |\n"
    feature = write_feature("001-u", {"plan.md": plan})
    assert [(d.date, d.date_from) for d in feature.decisions] == [("", "")]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    feature = tmp_path / "specs" / "001-dated"
    feature.mkdir(parents=True)
    (feature / "plan.md").write_text(PLAN, encoding="utf-8")
    (feature / "research.md").write_text(RESEARCH, encoding="utf-8")
    (feature / "spec.md").write_text("# Spec\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\ntheme:\n  name: mkdocs\nplugins:\n  - plan-portal\n",
                                         encoding="utf-8")
    build(load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site")))
    return tmp_path / "site" / "plans"


def test_the_decisions_dashboard_shows_dates_and_sorts_by_them(site: Path):
    html = (site / "decisions" / "index.html").read_text(encoding="utf-8")
    assert '<table class="pp-table pp-decisions-table" data-pp-sortable' in html
    assert '<th data-pp-sort="text">Date</th>' in html
    assert ('<td data-pp-value="2026-02-03" class="pp-nowrap"><time datetime="2026-02-03">2026-02-03</time></td>'
            in html)
    # The date of the file it is in: muted, with a note on where it comes from.
    assert ('<td data-pp-value="2026-01-20" class="pp-nowrap"><time datetime="2026-01-20" class="pp-muted" '
            'title="The date research.md gives itself: the decision has none of its own">2026-01-20</time></td>'
            in html)
    # Words that are no ISO date are shown as written, without a datetime, and escaped.
    assert '<td data-pp-value="03/02/2026"><time>03/02/2026</time></td>' in html
    assert ('<td data-pp-value="&lt;script&gt;alert(1)&lt;/script&gt;"><time>&lt;script&gt;alert(1)&lt;/script&gt;'
            '</time></td>') in html
    assert "<script>alert(1)" not in html
    undated = re.findall(r'<td data-pp-value="">', html)
    assert undated == []  # every decision here has a date of some kind


def test_the_feature_page_dates_decisions_and_the_plan(site: Path):
    html = (site / "001-dated" / "plan" / "index.html").read_text(encoding="utf-8")
    assert '<dt>Created</dt><dd><time datetime="2026-02-01">2026-02-01</time></dd>' in html
    assert 'Use Postgres<br><span class="pp-muted">dated <time datetime="2026-02-03">2026-02-03</time></span>' in html
    assert ('Storage<br><span class="pp-muted">from research.md of <time datetime="2026-01-20" class="pp-muted" '
            'title="The date research.md gives itself') in html
    assert ('Transport<br><span class="pp-muted">from research.md, dated <time datetime="2026-01-25">2026-01-25'
            '</time></span>') in html
    # A plan decision dated only by the plan itself: the page's Created already says so.
    assert re.search(r"Use a queue</td>", html)
