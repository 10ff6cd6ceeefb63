"""Print, phone and download in Chromium: printed dashboards wrap their tables to the paper, leave the
controls out and name the portfolio, build date and commit; at 390 px no dashboard scrolls the page
sideways; the decision impact pages keep to the page too."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import pytest

from test_browser import (
    _browser_available,  # noqa: F401 - skips the module without a browser (or fails, when it is required)
    _serve,
    browser_fixture,  # noqa: F401 - the "browser" fixture
    demo_site,  # noqa: F401 - the demo documentation, built
)
from test_impact import build_site, hub_plans, write_specs

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

PAGES = ["plans/", "plans/gates/", "plans/risks/", "plans/decisions/", "plans/research/", "plans/technology/",
         "plans/constitution/", "plans/graph/", "plans/002-payments/plan/",
         # no demo decision has more than 12 direct links: an impact page of test_impact's hub
         "hub:plans/impact/003-hub/ADR-001/"]
#: An A4 page at 96 px an inch less Chromium's default margins: the width a printed page lays out in.
PRINT_WIDTH = 718

#: Elements reaching past the page's right edge outside a box that scrolls on screen, and boxes whose
#: content is wider than they are (cut when printed).
MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const past = [...document.querySelectorAll('.md-content *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > width + 1 && !e.closest('.pp-scroll-x, .pp-scroll, .pp-graph-box, pre');
  }).map(e => e.tagName + '.' + e.className);
  const cut = [...document.querySelectorAll('.pp-portal, .pp-portal *')].filter(e =>
    e.clientWidth > 4 && e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible'
    && !e.classList.contains('pp-sr')).map(e => e.tagName + '.' + e.className);
  return {scroll: document.documentElement.scrollWidth, width, past, cut};
}"""


@pytest.fixture(scope="module")
def demo_url(demo_site: Path) -> Iterator[str]:  # noqa: F811 - the fixture imported above
    yield from _serve(demo_site)


@pytest.fixture(scope="module")
def hub_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("hub")
    write_specs(root, hub_plans(16))
    yield from _serve(build_site(root))


@pytest.fixture(scope="module")
def base_url(demo_url: str, hub_url: str) -> Callable[[str], str]:
    """A path of PAGES → its URL: in the demo site, or ``hub:`` in the hub site."""
    return lambda path: urljoin(hub_url, path[4:]) if path.startswith("hub:") else urljoin(demo_url, path)


def _open(browser: Browser, url: str, width: int, media: str = "screen") -> Page:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.emulate_media(media=media)  # type: ignore[arg-type]
    page.goto(url)
    return page


@pytest.mark.parametrize("path", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(browser: Browser, base_url: Callable[[str], str], path: str):
    page = _open(browser, base_url(path), 390)
    try:
        measured = page.evaluate(MEASURE)
        assert measured["scroll"] <= 390, measured["past"][:5]
    finally:
        page.context.close()


@pytest.mark.parametrize("path", PAGES)
def test_printed_pages_wrap_their_tables_and_leave_out_the_controls(browser: Browser, base_url: Callable[[str], str],
                                                                    path: str):
    page = _open(browser, base_url(path), PRINT_WIDTH, "print")
    try:
        measured = page.evaluate(MEASURE)
        assert measured["scroll"] <= PRINT_WIDTH and measured["past"] == [], measured["past"][:5]
        assert measured["cut"] == [], measured["cut"][:5]
        hidden = page.evaluate("""() => [...document.querySelectorAll('.pp-tools, .pp-pager, .pp-downloads')]
            .filter(e => getComputedStyle(e).display !== 'none').length""")
        assert hidden == 0
        arrows = page.evaluate("""() => [...document.querySelectorAll('th[data-pp-sort]')]
            .map(th => getComputedStyle(th, '::after').content).filter(c => c !== 'none')""")
        assert arrows == []
        if "/plan/" not in path and "/impact/" not in path:
            head = page.locator(".pp-print-head")
            assert head.is_visible()
            assert head.inner_text().startswith("Plan portfolio · ") and " · built 20" in head.inner_text()
    finally:
        page.context.close()


def test_a_printed_dashboard_is_a_pdf_with_its_header(browser: Browser, base_url: Callable[[str], str], tmp_path: Path):
    page = _open(browser, base_url("plans/decisions/"), 1280, "print")
    try:
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
        assert not page.locator(".pp-print-head").is_hidden()
    finally:
        page.context.close()


def test_the_print_header_is_not_on_screen(browser: Browser, base_url: Callable[[str], str]):
    page = _open(browser, base_url("plans/decisions/"), 1280)
    try:
        assert page.locator(".pp-print-head").is_hidden()
        assert page.locator(".pp-downloads a").first.is_visible()
    finally:
        page.context.close()
