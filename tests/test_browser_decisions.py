"""The decisions register keeps to the page on real-sized text: a choice holding a long path and a
long context neither widen the table past the content column at 1,280 px nor scroll a 390 px phone's
page sideways (the table scrolls in its own box there), in Chromium."""

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

LONG_STATUS = "Accepted for the beta, to be revisited once the server's schema is frozen in the Q3 release train"
LONG_PATH = "lib/generated/openapi/lib/src/api/" + "very_long_generated_client_module_name_" * 3 + "api.dart"
PLAN = f"""\
# Implementation Plan: Client

## Design Decisions

### D1: Generated client

**Status**: {LONG_STATUS}

**Decision**: Commit the generated client to `{LONG_PATH}`.

**Context**: The generator reads http://127.0.0.1:8000/{"openapi_specification_document_" * 4}v1.json and keeps the
typed models in step with the server's schema.
"""


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = build_one_feature_site(tmp_path_factory.mktemp("decisions"), HOSTILE_MKDOCS, "001-client", PLAN,
                                  "# Spec\n")
    yield from _serve(site)


@pytest.mark.parametrize("width", [1280, 390])
def test_decisions_register_keeps_to_the_page(browser: Browser, base_url: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(urljoin(base_url, "plans/decisions/"))
        table = page.locator("[data-pp-group] table")
        assert table.count() == 1 and "very_long_generated_client" in table.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if width >= 1280:
            right = page.evaluate("document.querySelector('[data-pp-group] table').getBoundingClientRect().right")
            column = page.evaluate("document.querySelector('.md-content__inner').getBoundingClientRect().right")
            assert right <= column + 1, "the table stays inside the content column"
    finally:
        context.close()


def test_a_long_status_wraps_under_its_badge_and_never_widens_its_column(browser: Browser, base_url: str) -> None:
    """The status is a normalised badge with the author's words beneath; columns keep their shares."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(urljoin(base_url, "plans/decisions/"))
        assert page.locator("[data-pp-group] .pp-badge").inner_text() == "accepted"
        assert page.locator("[data-pp-group] .pp-raw-status").inner_text() == LONG_STATUS
        widths = page.evaluate("[...document.querySelectorAll('[data-pp-group] thead th')]"
                               ".map(th => th.getBoundingClientRect().width)")
        total = sum(widths)
        assert [round(w / total, 2) for w in widths] == [0.24, 0.12, 0.14, 0.29, 0.21]
        assert widths[3] >= 150, "the context column reads at 1,280 px"
    finally:
        context.close()
