"""A published file shown as plain text (Markdown MkDocs cannot convert) reads on a phone: its long
lines wrap inside the page instead of widening it, in Chromium at 390 px."""

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

#: 6,000 unclosed brackets on one line: an unsafe-markdown file, published as plain text.
SPEC = "# Spec\n\n" + "[" * 6000 + "\n"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = build_one_feature_site(tmp_path_factory.mktemp("plain"), HOSTILE_MKDOCS, "001-plain",
                                  "# Implementation Plan: Plain\n", SPEC)
    yield from _serve(site)


def test_a_long_line_shown_as_plain_text_wraps_on_a_phone(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(urljoin(base_url, "plans/001-plain/spec/"))
        text = page.locator("pre.pp-plain-text")
        assert text.count() == 1 and "[" * 100 in text.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
