"""In Chromium: the decisions register sorts by date (the Date header; undated rows last) and shows
every date without JavaScript; the changes page colours regressions and keeps to a phone's width."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from test_browser import (
    HOSTILE_MKDOCS,
    _browser_available,  # noqa: F401 - skips the module without a browser (or fails, when it is required)
    _serve,
    browser_fixture,  # noqa: F401 - the "browser" fixture
    build_one_feature_site,
)
from test_changes_page import FIRST, SECOND
from test_changes_page import PLAN as CHANGING

if TYPE_CHECKING:
    from playwright.sync_api import Browser

PLAN = """\
# Implementation Plan: Dated

## Decision Log

| ID | Decision | Status | Date |
|----|----------|--------|------|
| ADR-001 | Use Postgres | Accepted | 2026-03-04 |
| ADR-002 | Keep one service | Accepted | 2025-12-24 |
| ADR-003 | Use a queue | Accepted | — |
| ADR-004 | Cache in memory | Accepted | 2026-01-15 |
"""


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = build_one_feature_site(tmp_path_factory.mktemp("dates"), HOSTILE_MKDOCS, "001-dated", PLAN, "# Spec\n")
    yield from _serve(site)


def dates(page: object) -> list[str]:
    return page.eval_on_selector_all(  # type: ignore[attr-defined]
        "[data-pp-group] table tbody tr:not(.pp-group-row)", "rows => rows.map(r => r.cells[2].textContent.trim())")


@pytest.mark.parametrize("javascript", [True, False])
def test_decisions_sort_by_date(browser: Browser, base_url: str, javascript: bool) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=javascript)
    try:
        page = context.new_page()
        page.goto(urljoin(base_url, "plans/decisions/"))
        # In plan order; ADR-003 has no date ("—").
        assert dates(page) == ["2026-03-04", "2025-12-24", "", "2026-01-15"]
        header = page.locator("[data-pp-group] thead th", has_text="Date")
        if not javascript:
            assert header.get_attribute("role") is None  # no control that does nothing
            return
        header.click()
        assert header.get_attribute("aria-sort") == "ascending"
        assert dates(page) == ["2025-12-24", "2026-01-15", "2026-03-04", ""]  # undated last either way
        header.press("Enter")
        assert header.get_attribute("aria-sort") == "descending"
        assert dates(page) == ["2026-03-04", "2026-01-15", "2025-12-24", ""]
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    finally:
        context.close()


@pytest.fixture(scope="module")
def changes_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A repository of two commits (a gate PASS → FAIL, a risk rated up), built with compare_to: 1 day."""
    root = tmp_path_factory.mktemp("changes")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(HOSTILE_MKDOCS.replace("  - plan-portal\n", "  - plan-portal:\n"
                                                            "      compare_to: 1 day\n"), encoding="utf-8")
    plan = root / "specs" / "001-alpha" / "plan.md"
    plan.parent.mkdir(parents=True)

    def git(*args: str, date: str = "") -> None:
        env = {"GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date} if date else {}
        subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false",
                        *args], cwd=root, check=True, capture_output=True, env={**os.environ, **env})

    git("init", "-q")
    plan.write_text(CHANGING.format(**FIRST), encoding="utf-8")
    git("add", "-A")
    git("commit", "-q", "-m", "first", date="2026-01-02T09:15:00+01:00")
    plan.write_text(CHANGING.format(**SECOND), encoding="utf-8")
    git("commit", "-q", "-am", "second")
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site")))
    yield from _serve(root / "site")


@pytest.mark.parametrize("width", [1280, 390])
def test_changes_page_colours_regressions_and_fits(browser: Browser, changes_url: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(urljoin(changes_url, "plans/changes/"))
        assert "Changes since 1 day ago" in page.locator("h1").inner_text()
        assert "Baseline: commit " in page.locator(".pp-baseline").inner_text()
        bar = page.evaluate("getComputedStyle(document.querySelector('tr.pp-worse td')).boxShadow")
        worse = page.evaluate("getComputedStyle(document.querySelector('.pp-direction-worse')).color")
        better = page.evaluate("getComputedStyle(document.querySelector('.pp-direction-better')).color")
        assert "inset" in bar and worse != better
        assert page.locator("td code", has_text="pending_payment").count() == 1
        # The page never scrolls sideways: on a phone each table scrolls in its own box.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()
