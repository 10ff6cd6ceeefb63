"""The decisions register sorts by date in Chromium (the Date header), and shows every date without
JavaScript; the changes page fits a phone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import pytest

from test_browser import (
    HOSTILE_MKDOCS,
    _browser_available,  # noqa: F401 - skips the module without a browser (or fails, when it is required)
    _serve,
    browser_fixture,  # noqa: F401 - the "browser" fixture
    build_one_feature_site,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

PLAN = """\
# Implementation Plan: Dated

**Date**: 2026-02-01

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
        "[data-pp-group] table tbody tr", "rows => rows.map(r => r.cells[3].textContent.trim())")


@pytest.mark.parametrize("javascript", [True, False])
def test_decisions_sort_by_date(browser: Browser, base_url: str, javascript: bool) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=javascript)
    try:
        page = context.new_page()
        page.goto(urljoin(base_url, "plans/decisions/"))
        # In plan order; ADR-003 takes the plan's own date.
        assert dates(page) == ["2026-03-04", "2025-12-24", "2026-02-01", "2026-01-15"]
        header = page.locator("[data-pp-group] th", has_text="Date")
        if not javascript:
            assert header.get_attribute("role") is None  # no control that does nothing
            return
        header.click()
        assert header.get_attribute("aria-sort") == "ascending"
        assert dates(page) == ["2025-12-24", "2026-01-15", "2026-02-01", "2026-03-04"]
        header.press("Enter")
        assert header.get_attribute("aria-sort") == "descending"
        assert dates(page) == ["2026-03-04", "2026-02-01", "2026-01-15", "2025-12-24"]
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    finally:
        context.close()
