"""Owner and status filters in Chromium: select boxes narrow the risk, gate and decision lists with the
text filter, rows without an owner sort last both ways, and without JavaScript the boxes stay hidden
and every row shows; the overview, the Owners page and an owner's page keep to 1,280 and 390 px."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import pytest

from test_browser import (
    _browser_available,  # noqa: F401 - skips the module without a browser (or fails, when it is required)
    _serve,
    browser_fixture,  # noqa: F401 - the "browser" fixture
)
from test_plugin import build_site, write_site

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

EXTRA = """\
# Implementation Plan: Extra

## Decision Log

| ID | Decision | Context | Status | Follow-up | Owner |
|----|----------|---------|--------|-----------|-------|
| ADR-001 | Use Kafka | events | Accepted | none | Platform Lead |
| ADR-002 | Use Redis | cache | Proposed | Blocked on budget | |

## Risk Register

| ID | Description | Probability | Impact | Owner | Mitigation |
|----|-------------|-------------|--------|-------|------------|
| R1 | Broker outage | High | High | Platform Lead | Two zones |
| R2 | Cache stampede | Medium | Low | | Jitter |
| R3 | Disk fills | Low | Low | @sre | Alerts |
"""


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("owners")
    write_site(root, {"001-alpha": {}, "002-beta": {"status": "FAIL"}})
    (root / "specs" / "003-extra").mkdir()
    (root / "specs" / "003-extra" / "plan.md").write_text(EXTRA, encoding="utf-8")
    yield from _serve(build_site(root))


def visible_rows(page: Page, selector: str) -> list[str]:
    return page.eval_on_selector_all(
        f"{selector} tbody tr", "rows => rows.filter(r => r.offsetParent !== null).map(r => r.innerText)")


def test_owner_and_level_filters_narrow_the_risk_register(browser: Browser, base_url: str) -> None:
    page = browser.new_page()
    try:
        page.goto(urljoin(base_url, "plans/risks/"))
        assert len(visible_rows(page, "#pp-risks")) == 5
        owner = page.locator('select[data-pp-facet="owner"]')
        assert owner.is_visible()
        assert owner.locator("option").all_inner_texts() == ["all", "Platform Lead", "SRE", "no owner"]
        owner.select_option("sre")
        shown = visible_rows(page, "#pp-risks")
        assert len(shown) == 3 and all("SRE" in row for row in shown)
        assert page.locator('[data-pp-count="pp-risks"]').inner_text() == "3 of 5 shown"
        page.locator('select[data-pp-facet="level"]').select_option("low")
        assert [row.split("\t")[2] for row in visible_rows(page, "#pp-risks")] == ["R3 Disk fills"]
        page.locator('select[data-pp-facet="level"]').select_option("")
        owner.select_option("-")
        assert visible_rows(page, "#pp-risks") == [r for r in visible_rows(page, "#pp-risks") if "no owner" in r]
        assert len(visible_rows(page, "#pp-risks")) == 1
        page.fill('input[data-pp-filter="pp-risks"]', "quokka")
        assert visible_rows(page, "#pp-risks") == []
    finally:
        page.close()


def test_rows_without_an_owner_sort_last_both_ways(browser: Browser, base_url: str) -> None:
    page = browser.new_page()
    try:
        page.goto(urljoin(base_url, "plans/risks/"))
        header = page.locator("#pp-risks thead th", has_text="Owner")
        for _ in range(2):  # ascending, then descending
            header.click()
            owners = [row.split("\t")[5].strip() for row in visible_rows(page, "#pp-risks")]
            assert owners[-1] == "no owner" and "no owner" not in owners[:-1]
        assert header.get_attribute("aria-sort") == "descending"
    finally:
        page.close()


def test_gate_status_and_decision_owner_filters(browser: Browser, base_url: str) -> None:
    page = browser.new_page()
    try:
        page.goto(urljoin(base_url, "plans/gates/"))
        page.locator('select[data-pp-facet="status"]').select_option("fail")
        shown = visible_rows(page, "#pp-gate-register")
        assert len(shown) == 1 and "002-beta" in shown[0]
        page.goto(urljoin(base_url, "plans/decisions/"))
        page.locator('select[data-pp-facet="owner"]').select_option("platform lead")
        shown = visible_rows(page, "table[data-pp-rows=pp-decisions]")
        # the owner's one decision, under its feature's heading row; other features' headings hide
        assert len(shown) == 2 and shown[0].startswith("003-extra")
        assert "ADR-001" in shown[1] and "Use Kafka" in shown[1]
    finally:
        page.close()


def test_without_javascript_the_boxes_are_hidden_and_every_row_shows(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(urljoin(base_url, "plans/risks/"))
        assert not page.locator('select[data-pp-facet="owner"]').is_visible()
        assert len(visible_rows(page, "#pp-risks")) == 5
        page.goto(urljoin(base_url, "plans/owners/"))
        assert page.locator("#pp-owners tbody tr").count() == 4  # Lead, Platform Lead, SRE, no owner
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", ["plans/", "plans/owners/", "plans/owners/platform-lead/", "plans/owners/no-owner/"])
def test_readiness_and_owner_pages_keep_to_the_screen(browser: Browser, base_url: str, path: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(urljoin(base_url, path))
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()
