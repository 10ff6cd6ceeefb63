"""A dashboard's view in its URL, in Chromium, on the demo built with Material (instant navigation on)
and with the built-in mkdocs theme (``use_directory_urls: false``): a filtered, sorted view opens again
from its link; a heat-map cell shows exactly its risks and says so; values the page does not offer
are ignored; the pager carries the view; and the overview's key columns fit a 390 px phone."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from test_browser import (
    REPO,
    _browser_available,  # noqa: F401 - skips the module without a browser (or fails, when it is required)
    _serve,
    browser_fixture,  # noqa: F401 - the "browser" fixture
    export_portfolio,
)
from test_plugin import build_site, write_site

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

THEMES = {
    "material": "theme:\n  name: material\n  font: false\n  features: [navigation.instant]\n",
    "mkdocs": "theme:\n  name: mkdocs\n  highlightjs: false\nuse_directory_urls: false\n",
}


def serve_demo(root: Path, theme: str, options: str = "") -> Iterator[str]:
    """The demo's specs built under ``root`` with ``theme`` (a key of THEMES) and extra plugin options,
    served; its base URL. The site is built once the server has its port: Material's instant navigation
    takes over only links its sitemap lists, and the sitemap's URLs come from ``site_url``."""
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "site").mkdir()
    for url in _serve(root / "site"):
        (root / "mkdocs.yml").write_text(
            f"site_name: url state\nsite_url: {url}\ndocs_dir: docs\n{THEMES[theme]}plugins:\n  - search\n"
            f"  - plan-portal:\n      roots: [{REPO / 'specs'}]\n{options}", encoding="utf-8")
        build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site")))
        yield url


@pytest.fixture(scope="module", params=sorted(THEMES))
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(theme, base URL) of the demo built with that theme and served on 127.0.0.1."""
    theme: str = request.param
    for url in serve_demo(tmp_path_factory.mktemp(f"url-{theme}"), theme):
        yield theme, url


def dashboard(theme: str, name: str) -> str:
    """A dashboard's path: ``plans/risks/`` (directory URLs, Material) or ``plans/risks.html`` (mkdocs)."""
    if theme == "mkdocs":
        return "plans/index.html" if name == "overview" else f"plans/{name}.html"
    return "plans/" if name == "overview" else f"plans/{name}/"


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(10_000)
    ctx.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/]).*"), lambda route: route.abort())
    try:
        yield ctx
    finally:
        ctx.close()


def open_page(context: BrowserContext, url: str, errors: list[str] | None = None) -> Page:
    page = context.new_page()
    if errors is not None:
        page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.wait_for_selector("th[data-pp-sort][role=button]", state="attached")  # plan-portal.js has run
    return page


def shown(page: Page, table: str) -> list[str]:
    """The text of the rows of ``table`` (a selector) on screen, in their order."""
    return page.eval_on_selector_all(
        f"{table} tbody tr", "rows => rows.filter(r => r.offsetParent !== null).map(r => r.innerText.trim())")


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


# ------------------------------------------------------------------------------------- views by link


def choose_second_option(facet: str) -> Callable[[Page], None]:
    def act(page: Page) -> None:
        box = page.locator(f'select[data-pp-facet="{facet}"]').first
        box.select_option(box.locator("option").nth(1).get_attribute("value"))
    return act


def sort_down(header: str, table: str) -> Callable[[Page], None]:
    def act(page: Page) -> None:
        th = page.locator(f"{table} thead th[data-pp-sort]", has_text=header).first
        th.click()
        th.click()
        assert th.get_attribute("aria-sort") == "descending"
    return act


def type_filter(words: str, target: str) -> Callable[[Page], None]:
    def act(page: Page) -> None:
        page.locator(f'input[data-pp-filter="{target}"]').press_sequentially(words, delay=10)
    return act


def press_status(status: str) -> Callable[[Page], None]:
    def act(page: Page) -> None:
        page.locator(f'button[data-pp-status="{status}"]').click()
    return act


#: A dashboard, the rows its view shows, the steps that make the view, and the names it must put in the URL.
VIEWS: dict[str, tuple[str, list[Callable[[Page], None]], set[str]]] = {
    "risks": ("#pp-risks", [choose_second_option("owner"), sort_down("Feature", "#pp-risks")], {"owner", "sort"}),
    "gates": ("#pp-gate-register", [choose_second_option("status"), type_filter("0", "pp-gate-register"),
                                    sort_down("Gate", "#pp-gate-register")], {"status", "filter", "sort"}),
    "decisions": ("table[data-pp-rows=pp-decisions]", [press_status("accepted"),
                                                       sort_down("Date", "#status-accepted table")],
                  {"status", "sort"}),
    "overview": ("#pp-overview", [type_filter("progress", "pp-overview"), sort_down("Tasks", "#pp-overview")],
                 {"filter", "sort"}),
    "owners": ("#pp-owners", [sort_down("Risks", "#pp-owners")], {"sort"}),
    "progress": ("#pp-progress-table", [type_filter("progress", "pp-progress-table"),
                                        sort_down("Tasks done", "#pp-progress-table")], {"filter", "sort"}),
    "technology": ("#pp-tech", [sort_down("Feature", "#pp-tech")], {"sort"}),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_a_filtered_sorted_view_opens_again_from_its_url(context: BrowserContext, site: tuple[str, str],
                                                         name: str) -> None:
    theme, base = site
    table, steps, names = VIEWS[name]
    errors: list[str] = []
    page = open_page(context, urljoin(base, dashboard(theme, name)), errors)
    everything = shown(page, table)
    for step in steps:
        step(page)
    view = shown(page, table)
    assert view and view != everything, "the steps change nothing the test could tell apart"
    assert set(query(page)) == names, page.url
    headers = page.eval_on_selector_all(f"{table} thead th[aria-sort]", "hs => hs.map(h => h.innerText.trim() + "
                                                                        "' ' + h.getAttribute('aria-sort'))")

    again = open_page(context, page.url, errors)
    assert shown(again, table) == view
    assert again.eval_on_selector_all(f"{table} thead th[aria-sort]", "hs => hs.map(h => h.innerText.trim() + "
                                                                      "' ' + h.getAttribute('aria-sort'))") == headers
    assert again.url == page.url
    assert errors == []


# ------------------------------------------------------------------------------------------ heat map


#: The register's rows on screen, as a JavaScript expression.
ROWS_ON_SCREEN = "Array.from(document.querySelectorAll('#pp-risks tbody tr')).filter(r => r.offsetParent !== null)"


def risk_rows(page: Page) -> list[str]:
    """The id ("feature/R1") of each risk on screen in the register, in order."""
    return page.evaluate(f"{ROWS_ON_SCREEN}.map(r => r.dataset.ppRecord)")


@pytest.fixture(scope="module")
def risks_by_cell() -> dict[str, list[str]]:
    """The export's risk ids by heat-map cell ("probability-impact")."""
    cells: dict[str, list[str]] = {}
    for risk in export_portfolio()["risks"]:
        cells.setdefault(f"{risk['probability']}-{risk['impact']}", []).append(risk["id"])
    return cells


def test_a_heat_map_cell_shows_exactly_its_risks(context: BrowserContext, site: tuple[str, str],
                                                 risks_by_cell: dict[str, list[str]]) -> None:
    theme, base = site
    errors: list[str] = []
    page = open_page(context, urljoin(base, dashboard(theme, "risks")), errors)
    everything = risk_rows(page)
    assert len(everything) == sum(len(r) for r in risks_by_cell.values())
    note = page.locator("[data-pp-cell-note]")
    assert not note.is_visible()
    cells = page.locator("a[data-pp-cell]")
    assert cells.count() >= 4
    for i in range(cells.count()):
        link = cells.nth(i)
        value = link.get_attribute("data-pp-cell") or ""
        link.click()
        assert query(page).get("cell") == [value]
        assert sorted(risk_rows(page)) == sorted(risks_by_cell[value]), value
        assert int(link.inner_text()) == len(risks_by_cell[value])
        probability, impact = value.split("-")
        assert note.is_visible() and f"probability {probability} × impact {impact}" in note.inner_text()
        assert link.get_attribute("aria-current") == "true"
        assert page.locator('[data-pp-count="pp-risks"]').inner_text() == (
            f"{len(risks_by_cell[value])} of {len(everything)} shown")
        # The same URL in a new page shows the same risks.
        again = open_page(context, page.url, errors)
        assert risk_rows(again) == risk_rows(page)
        again.close()
        link.click()  # a second click shows every risk again
        assert "cell" not in query(page) and risk_rows(page) == everything and not note.is_visible()
    cells.first.click()
    note.locator("button").click()  # so does the note's button
    assert "cell" not in query(page) and risk_rows(page) == everything
    assert page.locator("a[data-pp-cell][aria-current]").count() == 0
    # A chosen cell narrows the other filters' rows too, and both stay in the URL.
    busiest = max(risks_by_cell, key=lambda c: len(risks_by_cell[c]) if c != "unknown-unknown" else -1)
    page.locator(f'a[data-pp-cell="{busiest}"]').click()
    feature = risks_by_cell[busiest][0].split("/")[0]
    page.locator('input[data-pp-filter="pp-risks"]').press_sequentially(feature, delay=10)
    assert sorted(risk_rows(page)) == sorted(r for r in risks_by_cell[busiest] if r.startswith(feature + "/"))
    assert set(query(page)) == {"cell", "filter"}
    assert errors == []


def test_without_javascript_a_cell_links_to_the_register_and_a_view_shows_every_row(browser: Browser,
                                                                        site: tuple[str, str]) -> None:
    theme, base = site
    ctx = browser.new_context(java_script_enabled=False)
    try:
        page = ctx.new_page()
        page.goto(urljoin(base, dashboard(theme, "risks")))
        total = len(risk_rows(page))
        link = page.locator("a[data-pp-cell]").first
        value = link.get_attribute("data-pp-cell")
        link.click()
        page.wait_for_url(re.compile(r"\?cell="))
        assert query(page)["cell"] == [value]
        assert len(risk_rows(page)) == total
        assert page.locator(":target").get_attribute("data-pp-cell") == value
        assert not page.locator("[data-pp-cell-note]").is_visible()
        # A shared view opened without script: every risk, in the register's own order.
        plain = risk_rows(page)
        page.goto(urljoin(base, dashboard(theme, "risks")) + f"?cell={value}&level=low&sort=feature-desc&filter=zz")
        assert risk_rows(page) == plain
    finally:
        ctx.close()


# --------------------------------------------------------------------------------------- hostile values

HOSTILE = '<img src=x onerror="window.__pwned=1">'


@pytest.mark.parametrize(("name", "table", "names"), [
    ("risks", "#pp-risks", ("cell", "owner", "level", "sort")),
    ("gates", "#pp-gate-register", ("status", "owner", "sort", "gate-matrix-sort")),
    ("decisions", "table[data-pp-rows=pp-decisions]", ("status", "sort")),
    ("overview", "#pp-overview", ("sort",)),
])
def test_values_the_page_does_not_offer_are_ignored(context: BrowserContext, site: tuple[str, str], name: str,
                                                    table: str, names: tuple[str, ...]) -> None:
    theme, base = site
    url = urljoin(base, dashboard(theme, name))
    errors: list[str] = []
    plain = open_page(context, url, errors)
    rows, elements = shown(plain, table), plain.evaluate("document.querySelectorAll('body *').length")
    hostile = ["constructor", "__proto__", "level-sideways", HOSTILE, "all", "x" * 5000]
    for value in hostile:
        # Material opens its search for q=; h= highlights words: both are the theme's and stay as they are.
        own = "&".join(f"{n}={value}" for n in names)
        page = open_page(context, f"{url}?{own}&keep=me", errors)
        assert shown(page, table) == rows, value
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.evaluate("document.querySelectorAll('body *').length") == elements, value
        assert query(page) == {"keep": ["me"]}, value  # dropped from the URL, another's name kept
        assert page.locator("th[aria-sort]").count() == 0
        page.close()
    # Text to filter by is only ever a box's value: it filters, and no element comes of it.
    page = open_page(context, f"{url}?filter={HOSTILE}", errors) if name != "decisions" else None
    if page is not None:
        box = page.locator("input[data-pp-filter]").first
        assert box.input_value() == HOSTILE
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.evaluate("document.querySelectorAll('body *').length") == elements
        assert shown(page, table) == []
    assert errors == []


# ---------------------------------------------------------------------------------------------- phone


def assert_key_columns_fit_a_phone(browser: Browser, url: str) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = ctx.new_page()
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        boxes: dict[str, Any] = page.evaluate("""() => {
          const table = document.querySelector('#pp-overview');
          const titles = [...table.tHead.rows[0].cells].map(th => th.innerText.trim());
          const key = ['Feature', 'Readiness', 'Tasks'].map(t => titles.indexOf(t));
          const cells = [...table.querySelectorAll('tr')].flatMap(r => key.map(i => r.cells[i]));
          return {key, inner: table.scrollWidth <= table.clientWidth,
                  boxes: cells.map(c => { const b = c.getBoundingClientRect(); return [b.left, b.right, b.width]; })};
        }""")
        assert -1 not in boxes["key"]
        assert boxes["inner"], "the table scrolls sideways in its box"
        assert all(left >= 0 and right <= 390 and width > 0 for left, right, width in boxes["boxes"]), boxes
        readiness = page.locator("#pp-overview tbody tr td:nth-child(2)").all_inner_texts()
        assert all(text.strip() for text in readiness)
        assert page.locator(".pp-narrow-only").is_visible()  # says where the other columns are
    finally:
        ctx.close()


def test_the_overview_shows_its_key_columns_on_a_phone(browser: Browser, site: tuple[str, str]) -> None:
    theme, base = site
    assert_key_columns_fit_a_phone(browser, urljoin(base, dashboard(theme, "overview")))


def test_the_overview_fits_a_laptop_screen(browser: Browser, site: tuple[str, str]) -> None:
    """At 1,280 px every column of the overview is in view: its table does not scroll in its box.
    Ten columns with ids kept on one line were 978 px in Material's 938 px column (Tasks cut off)."""
    theme, base = site
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = ctx.new_page()
        page.goto(urljoin(base, dashboard(theme, "overview")))
        fit: dict[str, Any] = page.evaluate("""() => {
          const table = document.querySelector('#pp-overview');
          const tasks = [...table.tHead.rows[0].cells].find(th => th.innerText.trim().startsWith('Tasks'));
          return {table: table.scrollWidth, box: table.parentElement.clientWidth,
                  tasks: tasks.getBoundingClientRect().right, viewport: innerWidth};
        }""")
        assert fit["table"] <= fit["box"] + 1, fit
        assert fit["tasks"] <= fit["viewport"], fit
        # a date alone stays on one line (Chromium would break it after its hyphens)
        lines = page.evaluate("""() => {
          const table = document.querySelector('#pp-overview');
          const at = [...table.tHead.rows[0].cells].findIndex(th => th.innerText.trim().startsWith('Created'));
          const dates = [...table.tBodies[0].rows].map(r => r.cells[at])
            .filter(c => /^\\d{4}-\\d\\d-\\d\\d$/.test(c.innerText.trim()));
          return dates.map(c => {
            const range = document.createRange(); range.selectNodeContents(c); return range.getClientRects().length; });
        }""")
        assert lines and set(lines) == {1}, lines
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def long_created(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Plans whose date says more than a date, as real ones do ("2026-08-03, revised 2026-08-05")."""
    root = tmp_path_factory.mktemp("url-long-created")
    write_site(root, {f"0{n}-catalog-screen-{n}": {} for n in range(10, 16)})
    for plan in (root / "specs").glob("*/plan.md"):
        text = plan.read_text(encoding="utf-8")
        said = "created_at: '2026-08-03, revised 2026-08-05 after the review'"
        plan.write_text(text.replace("created_at: 2026-03-01", said), encoding="utf-8")
    yield from _serve(build_site(root))


def test_a_long_created_text_wraps_instead_of_widening_the_overview(browser: Browser, long_created: str) -> None:
    """A Created cell kept on one line was 228 px in mictlanix/mbe-ui and pushed Tasks out of view."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = ctx.new_page()
        page.goto(urljoin(long_created, "plans/"))
        assert "revised 2026-08-05" in page.locator("#pp-overview tbody").inner_text()
        fit = page.evaluate("() => { const t = document.querySelector('#pp-overview');"
                            " return [t.scrollWidth, t.parentElement.clientWidth]; }")
        assert fit[0] <= fit[1] + 1, fit
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def long_ids(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Features with ids as long as real projects' ("023-admin-observability-dashboard-and-alerts")."""
    root = tmp_path_factory.mktemp("url-long-ids")
    write_site(root, {f"0{n}-admin-observability-dashboard-and-alerts-{n}": {} for n in range(21, 25)})
    yield from _serve(build_site(root))


def test_long_feature_ids_leave_the_key_columns_on_a_phone(browser: Browser, long_ids: str) -> None:
    assert_key_columns_fit_a_phone(browser, urljoin(long_ids, "plans/"))


# ------------------------------------------------------------------------------------ pages and links


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo with ten rows a page (Material, instant navigation), served."""
    yield from serve_demo(tmp_path_factory.mktemp("url-paged"), "material", "      page_size: 10\n")


def test_the_pager_and_a_cell_on_another_page_carry_the_view(context: BrowserContext, paged: str,
                                                             risks_by_cell: dict[str, list[str]]) -> None:
    page = open_page(context, urljoin(paged, "plans/risks/"))
    sort_down("Feature", "#pp-risks")(page)
    page.locator(".pp-pager a", has_text="2").first.click()
    page.wait_for_url(re.compile(r"/plans/risks-2/\?sort=feature-desc$"))
    # Instant navigation swaps the content after the URL changes: wait for page 2's own pager.
    page.wait_for_selector(".pp-pager strong[aria-current=page]:text-is('2')")
    page.wait_for_selector("#pp-risks th[aria-sort=descending]")
    features = [risk.split("/")[0] for risk in risk_rows(page)]
    assert features == sorted(features, reverse=True) and len(set(features)) > 1
    # A cell whose first risk is on a later page leads there, with only the cell's risks of that page.
    page.goto(urljoin(paged, "plans/risks/"))
    later = [a for a in page.locator("a[data-pp-cell]").all() if "risks-" in (a.get_attribute("href") or "")]
    assert later, "every cell's first risk is on the first page"
    value = later[0].get_attribute("data-pp-cell") or ""
    later[0].click()
    page.wait_for_url(re.compile(r"/plans/risks-\d+/\?cell="))
    page.wait_for_selector("[data-pp-cell-note]:not([hidden])")
    rows = risk_rows(page)
    assert rows and set(rows) <= set(risks_by_cell[value])


@pytest.fixture(scope="module")
def instant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo with Material and its instant navigation, served."""
    yield from serve_demo(tmp_path_factory.mktemp("url-instant"), "material")


def test_instant_navigation_keeps_the_view_back_and_forward(context: BrowserContext, instant: str,
                                                            risks_by_cell: dict[str, list[str]]) -> None:
    requests: list[str] = []
    page = open_page(context, urljoin(instant, "plans/"))
    page.on("request", lambda request: requests.append(request.url))
    page.evaluate("window.__sameDocument = true")  # survives Material's swapping of pages, not a page load
    page.locator(".pp-card-stat a[href*='risks']").click()  # Material fetches the page and swaps it in
    page.wait_for_url(re.compile(r"/plans/risks/$"))
    page.wait_for_selector("#pp-risks th[role=button]")
    assert page.evaluate("window.__sameDocument") is True
    cell = next(c for c in risks_by_cell if c != "unknown-unknown")
    fetched = len(requests)
    page.locator(f'a[data-pp-cell="{cell}"]').click()
    assert sorted(risk_rows(page)) == sorted(risks_by_cell[cell])
    assert not [u for u in requests[fetched:] if "/plans/risks/" in u], "choosing a cell loaded the page again"
    page.go_back()
    page.wait_for_url(re.compile(r"/plans/$"))
    page.go_forward()
    page.wait_for_url(re.compile(re.escape(f"/plans/risks/?cell={cell}") + "$"))
    page.wait_for_selector("[data-pp-cell-note]:not([hidden])")
    # Material swaps the page in on Forward; under load the note can show a moment before the rows settle.
    page.wait_for_function(f"() => {ROWS_ON_SCREEN}.length === {len(risks_by_cell[cell])}", timeout=10_000)
    assert sorted(risk_rows(page)) == sorted(risks_by_cell[cell])
    assert page.evaluate("window.__sameDocument") is True
