"""Browser tests: the built demo portal works in a real Chromium, offline, without script injection.

Chromium is the Debian one at /usr/bin/chromium (``playwright install`` is not needed). Without it, or
without the playwright package, the module is skipped, unless PLAN_PORTAL_REQUIRE_BROWSER=1 makes that a
failure (for CI jobs that must run these tests).
"""

from __future__ import annotations

import collections
import functools
import http.server
import importlib
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

REPO = Path(__file__).resolve().parents[1]
SPECS = REPO / "specs"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOST = "127.0.0.1"
TIMEOUT_MS = 10_000


# --------------------------------------------------------------------------------------------- fixtures


def _unavailable() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing"
    try:
        importlib.import_module("playwright.sync_api")
    except ImportError as error:
        return f"playwright is not importable: {error}"
    return None


def require_browser() -> None:
    """Skip the calling module without a browser, or fail when PLAN_PORTAL_REQUIRE_BROWSER=1."""
    reason = _unavailable()
    if reason is None:
        return
    if os.environ.get("PLAN_PORTAL_REQUIRE_BROWSER") == "1":
        pytest.fail(f"PLAN_PORTAL_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module", autouse=True)
def _browser_available() -> None:
    require_browser()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # the browser closed a page mid-response
            super().handle_error(request, client_address)


def _serve(directory: Path) -> Iterator[str]:
    """Serve directory on 127.0.0.1 with a threaded http.server in a daemon thread; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = _QuietServer((LOCAL_HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, name=f"serve {directory}", daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo documentation (mkdocs.yml of the repository) built into a tmp dir."""
    site = tmp_path_factory.mktemp("demo-site")
    build(load_config(str(REPO / "mkdocs.yml"), site_dir=str(site)))
    assert (site / "plans" / "index.html").is_file()
    return site


@pytest.fixture(scope="module")
def base_url(demo_site: Path) -> Iterator[str]:
    yield from _serve(demo_site)


@pytest.fixture(scope="module", name="browser")
def browser_fixture() -> Iterator[Browser]:
    """Debian's Chromium, driven by Playwright; other browser test modules import this fixture."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:  # pragma: no cover - _browser_available skipped or failed already
        pytest.fail(f"playwright is not importable: {error}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


class Guard:
    """Opens pages that record every request, dialog and JavaScript error, for the test to assert on."""

    def __init__(self, browser: Browser) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.set_default_navigation_timeout(TIMEOUT_MS)
        # Nothing may leave the machine: record such a request (below) and abort it so that it cannot hang.
        self.context.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/]).*"), lambda route: route.abort())
        self.requests: list[str] = []
        self.foreign: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.checked = False

    def new_page(self) -> Page:
        page = self.context.new_page()
        page.on("request", self._on_request)
        page.on("dialog", self._on_dialog)
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        return page

    def open(self, url: str) -> Page:
        page = self.new_page()
        page.goto(url, wait_until="load")
        return page

    def _on_request(self, request: Any) -> None:
        self.requests.append(request.url)
        parts = urlsplit(request.url)
        # data: URLs (inline SVG icons) carry no host and load nothing; everything else must be local.
        if parts.scheme != "data" and parts.hostname != LOCAL_HOST:
            self.foreign.append(request.url)

    def _on_dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def assert_clean(self) -> None:
        self.checked = True
        assert self.foreign == [], f"requests left 127.0.0.1: {self.foreign}"
        assert self.dialogs == [], f"dialogs opened: {self.dialogs}"
        assert self.errors == [], f"JavaScript errors: {self.errors}"


@pytest.fixture
def guard(browser: Browser) -> Iterator[Guard]:
    g = Guard(browser)
    try:
        yield g
        if not g.checked:  # every test asserts at its end; this catches one that forgot
            g.assert_clean()
    finally:
        g.context.close()


# --------------------------------------------------------------------------------------------- helpers


def demo_feature_ids() -> list[str]:
    """Feature folders of the demo portfolio: those holding any Markdown file."""
    return sorted(d.name for d in SPECS.iterdir() if d.is_dir() and any(d.rglob("*.md")))


def overview(guard: Guard, base_url: str) -> Page:
    page = guard.open(urljoin(base_url, "plans/"))
    # The filter box is hidden until plan-portal.js has initialised the page.
    page.wait_for_selector('input[data-pp-filter="pp-overview"]', state="visible")
    return page


def column_index(page: Page, table: str, title: str) -> int:
    titles = [t.strip() for t in page.locator(f"{table} thead th").all_inner_texts()]
    assert title in titles, titles
    return titles.index(title)


def column(page: Page, table: str, index: int, attribute: str | None = None) -> list[str]:
    """The cells of one column in the order of the rows, as text or as an attribute's value."""
    return page.eval_on_selector_all(
        f"{table} tbody tr",
        "(rows, [i, attr]) => rows.map(r => attr ? r.cells[i].getAttribute(attr) : r.cells[i].textContent.trim())",
        [index, attribute],
    )


def export_portfolio() -> dict[str, Any]:
    script = Path(sys.executable).with_name("plan-portal")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "plan_portal.cli"]
    output = subprocess.run([*command, "export", str(SPECS)], check=True, capture_output=True, text=True, cwd=REPO)
    return json.loads(output.stdout)


WORD = re.compile(r"[A-Za-z][a-z]{4,}")


def rare_risk_phrase(demo_site: Path) -> tuple[str, dict[str, Any]]:
    """Two or three consecutive words of a demo risk description that few pages of the site contain."""
    index = json.loads((demo_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    frequency: collections.Counter[str] = collections.Counter()
    for doc in index["docs"]:
        frequency.update({w.lower() for w in WORD.findall(f"{doc['title']} {doc['text']}")})
    best: tuple[int, str, dict[str, Any]] | None = None
    for risk in export_portfolio()["risks"]:
        words = risk["description"].split()
        for size in (3, 2):
            for start in range(len(words) - size + 1):
                run = words[start:start + size]
                if not all(WORD.fullmatch(w) for w in run):
                    continue
                score = sum(frequency[w.lower()] for w in run)
                if all(frequency[w.lower()] > 0 for w in run) and (best is None or score < best[0]):
                    best = (score, " ".join(run), risk)
    assert best is not None, "no risk description has two plain words in a row"
    return best[1], best[2]


# --------------------------------------------------------------------------------------------- demo portal


def test_overview_lists_every_feature(guard: Guard, base_url: str) -> None:
    expected = demo_feature_ids()
    assert {"001-identity", "004-checkout", "010-loyalty-program"} <= set(expected), expected
    page = overview(guard, base_url)
    table = page.locator("#pp-overview")
    assert table.locator("tbody tr").count() == len(expected)
    for feature_id in expected:
        link = table.locator("tbody a", has_text=feature_id)
        assert link.count() == 1, feature_id
        href = link.get_attribute("href")
        assert href, feature_id
        assert f"/plans/{feature_id}/" in urljoin(page.url, href), href
    guard.assert_clean()


def test_overview_sorts_by_created_and_by_tasks(guard: Guard, base_url: str) -> None:
    page = overview(guard, base_url)
    table = "#pp-overview"

    created = column_index(page, table, "Created")
    header = page.locator(f"{table} th[data-pp-sort]", has_text="Created")
    header.click()
    assert header.get_attribute("aria-sort") == "ascending"
    dates = column(page, table, created)
    assert dates == sorted(dates)
    assert len(set(dates)) > 1, dates
    header.click()
    assert header.get_attribute("aria-sort") == "descending"
    assert column(page, table, created) == sorted(dates, reverse=True)

    tasks = column_index(page, table, "Tasks")
    header = page.locator(f"{table} th[data-pp-sort]", has_text="Tasks")
    assert header.get_attribute("data-pp-sort") == "number"
    header.click()
    values = [float(v) for v in column(page, table, tasks, "data-pp-value")]
    assert values == sorted(values)
    # The demo's percentages order differently as text ("100" < "25"), so this tells the two sorts apart.
    assert sorted(values) != sorted(values, key=lambda v: str(int(v))), values
    header.click()
    values_down = [float(v) for v in column(page, table, tasks, "data-pp-value")]
    assert values_down == sorted(values, reverse=True)
    guard.assert_clean()


def test_overview_filter_hides_other_features(guard: Guard, base_url: str) -> None:
    page = overview(guard, base_url)
    box = page.locator('input[data-pp-filter="pp-overview"]')
    rows = page.locator("#pp-overview tbody tr")
    total = rows.count()

    box.click()
    box.press_sequentially("checkout", delay=20)
    page.wait_for_function("document.querySelectorAll('#pp-overview tbody tr.pp-hidden').length > 0")
    for i in range(total):
        row = rows.nth(i)
        hidden = "pp-hidden" in (row.get_attribute("class") or "").split()
        has_checkout = "004-checkout" in (row.text_content() or "")
        assert hidden != has_checkout, (i, row.text_content())
        assert row.is_visible() == (not hidden)
    assert rows.filter(has_text="004-checkout").is_visible()
    assert page.locator('[data-pp-count="pp-overview"]').inner_text().strip() == f"1 of {total} shown"

    box.press("Control+a")
    box.press("Backspace")
    page.wait_for_function("document.querySelectorAll('#pp-overview tbody tr.pp-hidden').length === 0")
    for i in range(total):
        assert rows.nth(i).is_visible(), i
    assert page.locator('[data-pp-count="pp-overview"]').inner_text().strip() == ""
    guard.assert_clean()


def test_heat_map_cell_leads_to_its_risks(guard: Guard, base_url: str) -> None:
    page = guard.open(urljoin(base_url, "plans/risks/"))
    cells = page.locator("a[data-pp-cell]")
    assert cells.count() > 0
    # The fullest cell: more than one risk shows that every one of them is kept and only they are.
    counts = [int(text.strip()) for text in cells.all_inner_texts()]
    link = cells.nth(counts.index(max(counts)))
    value = link.get_attribute("data-pp-cell")
    href = link.get_attribute("href")
    assert value and href, (value, href)
    shown = int(link.inner_text().strip())
    assert shown >= 1
    # Without script the link opens the register at the cell's first row (the query is for plan-portal.js).
    target = urlsplit(urljoin(page.url, href))
    assert target.path == urlsplit(page.url).path and target.query == f"cell={value}", href
    anchor_row = page.locator(f'tr[id="{target.fragment}"]')
    assert anchor_row.count() == 1
    assert anchor_row.get_attribute("data-pp-cell") == value

    link.click()
    page.wait_for_url(re.compile(re.escape(f"?cell={value}") + "$"))
    visible = page.eval_on_selector_all(
        "#pp-risks tbody tr", "rows => rows.filter(r => r.offsetParent !== null).map(r => r.dataset.ppCell)")
    assert visible == [value] * shown, visible
    assert page.locator(f'#pp-risks tbody tr[data-pp-cell="{value}"]').count() == shown
    guard.assert_clean()


def test_feature_page_from_overview_and_gate_links(guard: Guard, base_url: str, demo_site: Path) -> None:
    page = overview(guard, base_url)
    page.locator("#pp-overview tbody a", has_text="004-checkout").click()
    page.wait_for_url(re.compile(r"/plans/004-checkout/plan/$"))
    assert urlsplit(page.url).path.endswith("/plans/004-checkout/plan/")
    heading = page.locator("article h1").first
    assert heading.evaluate(
        "h => Array.from(h.childNodes).filter(n => !(n.classList && n.classList.contains('headerlink')))"
        ".map(n => n.textContent).join('').trim()"
    ) == "Checkout"
    gate_ids = set(page.eval_on_selector_all("#gates ~ .pp-portal table tbody tr[id]", "rows => rows.map(r => r.id)"))
    assert gate_ids, "the feature page shows no gate rows with an id"

    gates = guard.open(urljoin(base_url, "plans/gates/"))
    links = gates.eval_on_selector_all(
        ".pp-portal a[href*='/plan/#']", "links => links.map(a => a.href)"
    )
    assert links, "the gates dashboard links to no gate"
    checkout = [u for u in links if "/plans/004-checkout/plan/#" in u]
    assert checkout, links
    # A link into 004-checkout names a gate row of the page opened from the overview.
    assert {urlsplit(u).fragment for u in checkout} <= gate_ids

    first = checkout[0]
    gates.locator(f".pp-portal a[href$='#{urlsplit(first).fragment}'][href*='004-checkout']").first.click()
    gates.wait_for_url(first)
    target = gates.locator(":target")
    assert target.count() == 1
    assert target.evaluate("t => t.tagName") == "TR"
    assert target.get_attribute("id") == urlsplit(first).fragment

    # Every other gate link of the dashboard names a row of its page too (read from the built files).
    by_page: dict[str, set[str]] = collections.defaultdict(set)
    for url in links:
        parts = urlsplit(url)
        by_page[parts.path].add(parts.fragment)
    for path, anchors in sorted(by_page.items()):
        html = (demo_site / path.strip("/") / "index.html").read_text(encoding="utf-8")
        ids = set(re.findall(r'<tr id="([^"]+)"', html))
        assert anchors <= ids, (path, sorted(anchors - ids))
    guard.assert_clean()


def test_material_search_finds_a_risk(guard: Guard, base_url: str, demo_site: Path) -> None:
    phrase, risk = rare_risk_phrase(demo_site)
    page = guard.open(urljoin(base_url, "plans/"))
    page.locator(".md-search__input").click()
    page.locator(".md-search__input").press_sequentially(phrase, delay=30)
    page.wait_for_selector(".md-search-result__item")
    hrefs = page.eval_on_selector_all(".md-search-result__item a", "links => links.map(a => a.href)")
    wanted = ("/plans/risks/", f"/plans/{risk['feature']}/plan/")
    assert any(urlsplit(h).path.endswith(wanted) for h in hrefs), (phrase, hrefs)
    guard.assert_clean()


# --------------------------------------------------------------------------------------------- hostile plan

# Each payload sets window.__pwned to its own number when it runs, so a failure names the way in.
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=2">'
JS_LINK = "[x](javascript:window.__pwned=3)"
SVG = '<svg onload="window.__pwned=4">'
BREAK_OUT = '"><script>window.__pwned=5</script>'
SPEC_SCRIPT = "<script>window.__pwned=6</script>"

HOSTILE_PLAN = f"""\
---
feature_id: 001-evil
created_at: 2026-01-01
---

# Implementation Plan: Evil {SCRIPT} {IMG} title

**Planning Status**: Draft

## Technical Context

| Dimension | Decision | Notes |
|-----------|----------|-------|
| Language / Runtime | {SVG} Python | {JS_LINK} |
| Storage | {BREAK_OUT} PostgreSQL | {IMG} |

## Constitution Check

### Pre-Phase 0 Gate

| Gate | Status (PASS/FAIL/WAIVED) | Evidence | Owner |
|------|--------------------------|----------|-------|
| Tests {IMG} first | FAIL | {JS_LINK} | {SCRIPT} |
| {BREAK_OUT} | PASS | {SVG} | QA |

## Decision Log (ADR Stubs)

| ID | Decision | Context | Status | Follow-up |
|----|----------|---------|--------|-----------|
| ADR-001 | Use {SCRIPT} | {JS_LINK} and {SVG} and {BREAK_OUT} | Accepted | {IMG} |

## Risk Register

| ID | Description | Probability | Impact | Owner | Mitigation | Trigger |
|----|-------------|-------------|--------|-------|------------|---------|
| R1 | {IMG} {JS_LINK} {BREAK_OUT} | High | High | SRE | Tests {IMG} first | {SVG} |

## Complexity Tracking

| Violation | Why Needed | Simpler Alternative Rejected Because |
|-----------|------------|-------------------------------------|
| Tests {IMG} first | {JS_LINK} | {SCRIPT} |
"""

HOSTILE_SPEC = f"""\
# Feature Specification: Evil {SVG}

**Feature Branch**: `001-evil`

**Created**: 2026-01-01

## Requirements

{SPEC_SCRIPT}

<details><summary>ok</summary>kept</details>

A {JS_LINK} and {IMG} and {BREAK_OUT}.
"""

HOSTILE_MKDOCS = """\
site_name: hostile
docs_dir: docs
theme:
  name: material
  font: false
plugins:
  - search
  - plan-portal
"""


def build_one_feature_site(root: Path, mkdocs: str, feature_id: str, plan: str, spec: str) -> Path:
    """Build a site of one feature (plan.md and spec.md) with the plugin under ``root``; its folder."""
    (root / "mkdocs.yml").write_text(mkdocs, encoding="utf-8")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n\nA portal built from hostile plans.\n", encoding="utf-8")
    feature = root / "specs" / feature_id
    feature.mkdir(parents=True)
    (feature / "plan.md").write_text(plan, encoding="utf-8")
    (feature / "spec.md").write_text(spec, encoding="utf-8")
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site")))
    return root / "site"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_one_feature_site(tmp_path_factory.mktemp("hostile"), HOSTILE_MKDOCS, "001-evil", HOSTILE_PLAN,
                                  HOSTILE_SPEC)


@pytest.fixture(scope="module")
def hostile_url(hostile_site: Path) -> Iterator[str]:
    yield from _serve(hostile_site)


def test_no_script_from_plan_text_runs(guard: Guard, hostile_site: Path, hostile_url: str) -> None:
    pages = sorted(p.parent.relative_to(hostile_site).as_posix() for p in (hostile_site / "plans").rglob("index.html"))
    assert "plans/001-evil/plan" in pages and "plans/001-evil/spec" in pages, pages
    javascript_links: dict[str, list[str]] = {}
    pwned: dict[str, Any] = {}
    page = guard.new_page()
    for path in pages:
        page.goto(urljoin(hostile_url, path + "/"), wait_until="load")
        page.wait_for_selector(".md-content")
        # Mark every javascript: link a reader could click, then click each (there should be none).
        found = page.eval_on_selector_all(
            ".pp-portal a[href]",
            """links => links
                .filter(a => a.protocol === 'javascript:' || /^\\s*javascript:/i.test(a.getAttribute('href')))
                .map((a, i) => { a.setAttribute('data-test-js-link', String(i)); return a.getAttribute('href'); })""",
        )
        for i in range(len(found)):
            page.locator(f'[data-test-js-link="{i}"]').click(force=True)
        if found:
            page.wait_for_timeout(200)  # a javascript: URL runs in a task of its own
            javascript_links[path] = found
        anywhere = page.eval_on_selector_all(
            "a[href]", "links => links.filter(a => a.protocol === 'javascript:').map(a => a.getAttribute('href'))"
        )
        if anywhere:
            javascript_links.setdefault(path, []).extend(h for h in anywhere if h not in found)
        value = page.evaluate("() => typeof window.__pwned === 'undefined' ? null : String(window.__pwned)")
        if value is not None:
            pwned[path] = value
        if path == "plans/001-evil/spec":
            details = page.locator(".md-content details")
            assert details.count() == 1
            assert details.locator("summary").inner_text().strip() == "ok"
            assert "kept" in details.text_content()
    assert pwned == {}, f"plan text ran as script: {pwned}"
    assert javascript_links == {}, f"javascript: links: {javascript_links}"
    guard.assert_clean()


def test_hostile_text_in_search_results_does_not_run(guard: Guard, hostile_url: str) -> None:
    """Material renders search results as HTML: the plan text quoted in them (here an `<img onerror>`) must stay
    text."""
    page = guard.open(hostile_url)
    page.locator(".md-search__input").click()
    page.locator(".md-search__input").press_sequentially("onerror", delay=30)
    page.wait_for_selector(".md-search-result__item")
    results = page.locator(".md-search-result__item")
    assert results.count() > 0
    assert "window.__pwned" in page.locator(".md-search-result").inner_text()
    page.locator(".md-search-result__more summary").evaluate_all("items => items.forEach(s => s.click())")
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert page.locator(".md-search-result script, .md-search-result img, .md-search-result svg[onload]").count() == 0
    guard.assert_clean()
