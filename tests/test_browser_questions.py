"""A stakeholder's questions, each answered from the overview of the demo portal in at most two clicks,
in Chromium, with Material and with MkDocs' built-in theme; every answer is checked against the
portal's own model or export, never against numbers written here.

The demo is copied into a git repository of two commits (the second is the demo as it is; the first,
dated before the ``compare_to`` date, the demo without 011-returns and with two records rated
differently), so that the changes page has a baseline to show.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from plan_portal.checked import CheckedPortfolio
from plan_portal.compare.changes import Change
from plan_portal.export import export_document, table
from plan_portal.export_csv import export_csv
from plan_portal.model.text import strip_markup
from plan_portal.pipeline import run
from plan_portal.render import views
from plan_portal.render.changes import describe
from plan_portal.render.dashboards.overview import INLINE_REASONS
from plan_portal.render.impact import DIRECT_SHOWN, has_page, shown_beside
from plan_portal.render.views import TECH_CATEGORIES
from plan_portal.settings import Settings
from test_browser import (
    REPO,
    Guard,
    _browser_available,  # noqa: F401 - skips the module without a browser (or fails, when it is required)
    _serve,
    browser_fixture,  # noqa: F401 - the "browser" fixture
    guard,  # noqa: F401 - the "guard" fixture: pages that record foreign requests, dialogs and errors
    rare_risk_phrase,
)

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

THEMES = ["material", "mkdocs"]
#: The changes page compares with the last commit before this day.
SINCE = "2026-11-01"
#: The baseline commit, before SINCE, and the demo as it is, after it.
BASELINE_DATE = "2026-10-05T10:00:00+00:00"
NOW_DATE = "2026-11-20T10:00:00+00:00"
#: How the baseline differed from the demo: (file, text now, text then).
EARLIER = [
    ("specs/004-checkout/plan.md", "| R3 | Flash sale oversells limited stock | High | High |",
     "| R3 | Flash sale oversells limited stock | Med | High |"),
    ("specs/009-mobile-offline/plan.md",
     "| Contract-first APIs | PASS | Sync endpoints will extend the existing cart contract of checkout |",
     "| Contract-first APIs | PENDING | Sync endpoints will extend the existing cart contract of checkout |"),
]
#: The most a question may take from the overview.
CLICKS = 2


# --------------------------------------------------------------------------------------------- fixtures


@dataclass(frozen=True)
class Demo:
    theme: str
    root: Path
    site: Path
    url: str
    checked: CheckedPortfolio
    export: dict[str, Any]


def _git(root: Path, *args: str, date: str = "") -> str:
    env = {**os.environ, **({"GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date} if date else {})}
    done = subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false",
                           *args], cwd=root, check=True, capture_output=True, text=True, env=env)
    return done.stdout.strip()


def _demo_repository(root: Path) -> None:
    """The demo (mkdocs.yml, docs, specs, constitution) as a repository of a baseline commit and today's."""
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    for folder in ("docs", "specs", ".specify"):
        shutil.copytree(REPO / folder, root / folder)
    now = {name: (root / name).read_text(encoding="utf-8") for name, _, _ in EARLIER}
    for name, current, earlier in EARLIER:
        assert current in now[name], (name, current)
        (root / name).write_text(now[name].replace(current, earlier), encoding="utf-8")
    added = root / "specs" / "011-returns"
    shutil.move(added, root / "011-returns")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "Plans as of early October", date=BASELINE_DATE)
    for name, text in now.items():
        (root / name).write_text(text, encoding="utf-8")
    shutil.move(root / "011-returns", added)
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "Returns planned, flash-sale risk re-rated", date=NOW_DATE)


@pytest.fixture(scope="module", params=THEMES)
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo, built with one theme and ``compare_to`` a date, served; with its model and its export."""
    theme = str(request.param)
    root = tmp_path_factory.mktemp(f"questions-{theme}")
    _demo_repository(root)
    settings = root / "mkdocs.yml"
    text = settings.read_text(encoding="utf-8")
    assert "      prefix: plans/\n" in text
    settings.write_text(text.replace("      prefix: plans/\n", f"      prefix: plans/\n      compare_to: '{SINCE}'\n"),
                        encoding="utf-8")
    overrides = {} if theme == "material" else {"theme": {"name": theme, "highlightjs": False}}  # nothing from a CDN
    build(load_config(str(settings), site_dir=str(root / "site"), **overrides))
    checked = run(Settings((root / "specs",), root))
    export = export_document(checked)
    yield from (Demo(theme, root, root / "site", url, checked, export) for url in _serve(root / "site"))


class Reader:
    """A reader at the overview who counts every click."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.clicks = 0

    def click(self, target: Locator) -> None:
        self.clicks += 1
        target.click()
        self.page.wait_for_load_state("load")

    def follow(self, link: Locator) -> None:
        """Click a link to another page and wait until it has loaded."""
        href = link.get_attribute("href")
        assert href, "a link without a target"
        wanted = urljoin(self.page.url, href)
        self.clicks += 1
        link.click()
        self.page.wait_for_url(lambda url: url.split("#")[0] == wanted.split("#")[0])
        self.page.wait_for_load_state("load")

    def done(self) -> None:
        assert self.clicks <= CLICKS, f"{self.clicks} clicks"


def at_overview(guard: Guard, demo: Demo) -> Reader:  # noqa: F811 - the fixture imported above
    page = guard.open(urljoin(demo.url, "plans/"))
    page.wait_for_selector('input[data-pp-filter="pp-overview"]', state="visible")  # plan-portal.js ran
    return Reader(page)


def dashboard_link(reader: Reader, label: str) -> Locator:
    """The overview's own link to a dashboard, which every theme shows in its content."""
    return reader.page.locator(".pp-dashboard-links a", has_text=re.compile(f"^{re.escape(label)}"))


def text(locator: Locator) -> str:
    return " ".join(locator.inner_text().split())


# --------------------------------------------------------------------------------------------- questions


def test_a_which_features_are_blocked_and_why(guard: Guard, demo: Demo) -> None:  # noqa: F811
    reader = at_overview(guard, demo)
    blocked = [f for f in demo.export["features"] if f["readiness"]["state"] == "blocked"]
    assert blocked, "the demo has no blocked feature"
    # No click: the overview opens with them, each reason written out.
    items = reader.page.locator("#pp-attention li.pp-attention-blocked")
    assert items.count() == len(blocked)
    for item, feature in zip(items.all(), blocked, strict=True):
        assert text(item.locator("p strong")) == feature["id"]
        reasons = feature["readiness"]["reasons"]
        shown = [text(li) for li in item.locator("ul.pp-reasons > li.pp-reason-blocks, "
                                                 "ul.pp-reasons > li.pp-reason-attention").all()]
        assert shown == [" ".join(r["text"].split()) for r in reasons[:INLINE_REASONS]]
        if len(reasons) > INLINE_REASONS:
            assert text(item.locator("ul.pp-reasons > li.pp-muted")) == f"{len(reasons) - INLINE_REASONS} more"
    # One click: a reason leads to its record on the feature's page.
    first = blocked[0]["readiness"]["reasons"][0]
    reader.follow(items.first.locator("ul.pp-reasons a").first)
    target = reader.page.locator(":target")
    assert target.get_attribute("id") == first["record"].split("/", 1)[1]
    assert urlsplit(reader.page.url).path.endswith(f"/plans/{blocked[0]['id']}/plan/")
    reader.done()
    guard.assert_clean()


def test_b_top_five_risks_with_their_owners(guard: Guard, demo: Demo) -> None:  # noqa: F811
    reader = at_overview(guard, demo)
    reader.follow(reader.page.locator(".pp-card-stat a", has_text="high or critical risks"))
    ranked = sorted(demo.checked.portfolio.risks, key=views.risk_sort_key)[:5]
    rows = reader.page.locator("#pp-risks tbody tr")
    for index, risk in enumerate(ranked):
        row = rows.nth(index)
        assert text(row.locator("td").nth(1)) == risk.feature
        assert text(row.locator("td").nth(2)).endswith(" ".join(strip_markup(risk.description).split()))
        keys = demo.checked.record_owners.get(risk.id, ())
        owners = [demo.checked.owners[key].name for key in keys] or ["no owner"]
        assert text(row.locator("td.pp-owner-cell")) == ", ".join(owners), risk.id
    levels = [int(v) for v in rows.evaluate_all("rows => rows.slice(0, 5).map(r => r.cells[0].dataset.ppValue)")]
    assert levels == sorted(levels, reverse=True) and levels[0] == max(
        int(v) for v in rows.evaluate_all("rows => rows.map(r => r.cells[0].dataset.ppValue)"))
    reader.done()
    guard.assert_clean()


def test_c_what_rests_on_the_most_depended_on_decision(guard: Guard, demo: Demo) -> None:  # noqa: F811
    reader = at_overview(guard, demo)
    reader.follow(reader.page.locator(".pp-card-stat a", has_text="decisions"))
    impacts = demo.checked.impacts
    most = max(impacts, key=lambda d: impacts[d].affected_count)
    first = reader.page.locator("#most-depended-on + .pp-portal tbody tr").first
    assert text(first.locator("td").nth(1)) == most.split("/", 1)[0]
    reader.follow(first.locator("td").nth(3).locator("a"))
    titles = {d.id: d.title for d in demo.checked.portfolio.decisions}
    titles |= {r.id: r.description for r in demo.checked.portfolio.risks}
    titles |= {g.id: g.name for g in demo.checked.portfolio.gates}
    titles |= {f.id: f.title for f in demo.checked.portfolio.features}
    url = urlsplit(reader.page.url)
    if has_page(impacts[most]):  # more rests on it directly than its feature page lists: its impact page
        assert url.path.endswith(f"/plans/impact/{most}/")
        listed = [one.dependent.id for one in demo.checked.affected(most) if one.distance == 1]
        rows = reader.page.locator("table.pp-impact-table tbody tr:not(.pp-group-row)")
        items = [text(row.locator("td").first) for row in rows.all()]
    else:  # the decision on its feature page, with what rests on it listed beneath it
        feature = most.split("/", 1)[0]
        assert re.search(rf"/plans/{re.escape(feature)}/plan(/|\.html)$", url.path), url.path
        beneath = reader.page.locator(f'tr[id="{url.fragment}"] + tr.pp-impact-row li:not(.pp-muted)')
        listed = [one.dependent.id for one in shown_beside(demo.checked, most)]
        items = [text(item) for item in beneath.all()]
        summary = impacts[most]
        if summary.affected_count > DIRECT_SHOWN:  # what rests on it directly, and how much in all
            assert len(listed) == min(len(summary.dependents), DIRECT_SHOWN)
            line = text(reader.page.locator(f'tr[id="{url.fragment}"] + tr.pp-impact-row').first)
            assert f"{summary.affected_count} in all" in line
        else:
            assert len(listed) == summary.affected_count
    assert listed and len(items) == len(listed)
    for what, dependent in zip(items, listed, strict=True):
        title = " ".join(strip_markup(titles[dependent]).split())
        assert title[:40] in what, (dependent, what)  # a title, never a bare id
    reader.done()
    guard.assert_clean()


def test_d_what_changed_since_a_date(guard: Guard, demo: Demo) -> None:  # noqa: F811
    reader = at_overview(guard, demo)
    reader.follow(dashboard_link(reader, f"Changes since {SINCE}"))
    page = reader.page
    assert text(page.locator("article h1, .md-content h1, [role=main] h1").first).startswith(f"Changes since {SINCE}")
    script = Path(sys.executable).with_name("plan-portal")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "plan_portal.cli"]
    report = json.loads(subprocess.run([*command, "diff", SINCE, "--format", "json"], cwd=demo.root, check=True,
                                       capture_output=True, text=True).stdout)
    baseline = report["base_revision"]
    assert baseline["commit"] == _git(demo.root, "rev-parse", "HEAD~1")
    shown = text(page.locator(".pp-baseline"))
    assert baseline["commit"][:7] in shown and baseline["committed"][:10] in shown
    changes = [Change(**c) for c in report["changes"] if c["kind"] != "diagnostic"]
    assert {c.kind for c in changes} >= {"feature", "gate", "risk"}
    assert {c.direction for c in changes} >= {"worse", "better"}
    # Each change as the page shows it: feature, id (not for features and gates, whose title links),
    # title as the author wrote it, before → after, and its row coloured worse or better.
    expected = [([c.feature] + ([c.record] if c.kind not in ("feature", "gate") else [])
                 + [" ".join(strip_markup(c.title).split()), describe(c)], c.direction) for c in changes]
    seen = []
    for row in page.locator("table.pp-changes tbody tr").all():
        cells = [text(c) for c in row.locator("td").all()]
        direction = next((d for d in ("worse", "better") if f"pp-{d}" in (row.get_attribute("class") or "")), "")
        seen.append((cells[1:], direction))
    assert seen[:len(expected)] == expected
    assert len(seen) == len(report["changes"])
    reader.done()
    guard.assert_clean()


def test_e_which_features_use_a_technology(guard: Guard, demo: Demo) -> None:  # noqa: F811
    technology = "Redis"
    reader = at_overview(guard, demo)
    reader.follow(dashboard_link(reader, "Technology"))
    box = reader.page.locator('input[data-pp-filter="pp-tech"]')
    reader.click(box)
    box.press_sequentially(technology, delay=20)
    reader.page.wait_for_function("document.querySelectorAll('#pp-tech tbody tr.pp-hidden').length > 0")
    shown = reader.page.eval_on_selector_all(
        "#pp-tech tbody tr:not(.pp-hidden)", "rows => rows.map(r => r.cells[0].textContent.trim())")
    expected = sorted({row["feature"] for row in table("technology", demo.export) if row["category"] in TECH_CATEGORIES
                       and technology.lower() in row["value"].lower()})
    assert len(expected) >= 2
    assert sorted(shown) == expected
    counted = text(reader.page.locator('[data-pp-count="pp-tech"]'))
    rows, _ = views.tech_inventory(demo.checked.portfolio.features)
    assert counted == f"{len(expected)} of {len(rows)} shown"
    reader.done()
    guard.assert_clean()


def test_f_a_risk_found_by_search(guard: Guard, demo: Demo) -> None:  # noqa: F811
    phrase, risk = rare_risk_phrase(demo.site)
    reader = at_overview(guard, demo)
    page = reader.page
    if demo.theme == "material":
        reader.click(page.locator(".md-search__input"))
        page.locator(".md-search__input").press_sequentially(phrase, delay=30)
        page.wait_for_selector(".md-search-result__item")
        results = page.locator(".md-search-result__item a")
    else:
        reader.click(page.locator('a[data-bs-target="#mkdocs_search_modal"], a[href="#mkdocs_search_modal"]').first)
        page.locator("#mkdocs-search-query").press_sequentially(phrase, delay=30)
        page.wait_for_selector("#mkdocs-search-results a")
        results = page.locator("#mkdocs-search-results a")
    wanted = f"/plans/{risk['feature']}/plan/"
    hits = [link for link in results.all() if urlsplit(urljoin(page.url, link.get_attribute("href") or "")).path
            .endswith((wanted, "/plans/risks/"))]
    assert hits, (phrase, [link.get_attribute("href") for link in results.all()])
    reader.follow(hits[0])
    row = page.locator(f'tr[id="{risk["local_id"]}"]') if page.url.split("#")[0].endswith(wanted) else \
        page.locator("#pp-risks tbody tr", has_text=risk["description"][:60])
    assert row.count() == 1
    assert " ".join(risk["description"].split()) in text(row)
    reader.done()
    guard.assert_clean()


#: Every table cell's right edge and overflow, and the page's width, in the current media.
CELLS = """() => {
  const width = document.documentElement.clientWidth;
  const cells = [...document.querySelectorAll('.pp-portal table th, .pp-portal table td')]
    .filter(c => c.getBoundingClientRect().width > 0);
  return {width, cells: cells.length,
    past: cells.filter(c => c.getBoundingClientRect().right > width + 1).map(c => c.textContent.trim().slice(0, 40)),
    clipped: cells.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent.trim().slice(0, 40)),
    columns: [...document.querySelectorAll('.pp-portal table thead tr:first-child')].map(r => r.cells.length)};
}"""
#: An A4 sheet's width in points (8.27 in); page.pdf lays a page out at this width × 96/72 CSS pixels (no margins).
A4_POINTS = 595.92


def test_g_a_printed_dashboard_cuts_no_column(guard: Guard, demo: Demo) -> None:  # noqa: F811
    """The overview, the widest dashboard (ten columns): on a screen as wide as the sheet its table
    reaches past the edge (it scrolls in its box); printed, every column is on the paper."""
    reader = at_overview(guard, demo)
    page = reader.page
    pdf = page.pdf(format="A4", margin={"top": "0", "right": "0", "bottom": "0", "left": "0"})
    sheets = [round(float(w), 1) for w in re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)", pdf)]
    assert len(sheets) > 1 and set(sheets) == {round(A4_POINTS, 1)}, sheets  # sheets of A4, the overview on several
    page.set_viewport_size({"width": round(A4_POINTS * 96 / 72), "height": 1123})
    on_screen = page.evaluate(CELLS)
    assert on_screen["past"], "the overview is not wider than a sheet: the test would prove nothing"
    # The layout page.pdf printed: print media at the sheet's width.
    page.emulate_media(media="print")
    printed = page.evaluate(CELLS)
    assert printed["cells"] == on_screen["cells"] >= 10 * len(demo.checked.portfolio.features)
    assert printed["past"] == [], printed["past"][:5]
    assert printed["clipped"] == [], printed["clipped"][:5]
    assert 10 in printed["columns"]  # the overview prints all its columns
    assert page.locator(".pp-print-head").is_visible()
    reader.done()
    guard.assert_clean()


def test_h_a_downloaded_csv_equals_the_export(guard: Guard, demo: Demo) -> None:  # noqa: F811
    reader = at_overview(guard, demo)
    link = reader.page.locator(".pp-downloads a", has_text="CSV")
    with reader.page.expect_download() as download_info:
        reader.clicks += 1
        link.first.click()
    downloaded = Path(download_info.value.path()).read_text(encoding="utf-8")
    expected = export_csv("features", demo.export)
    assert list(csv.reader(io.StringIO(downloaded))) == list(csv.reader(io.StringIO(expected)))
    assert len(list(csv.reader(io.StringIO(downloaded)))) == len(demo.checked.portfolio.features) + 1
    reader.done()
    guard.assert_clean()
