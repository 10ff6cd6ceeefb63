"""The graph pictures stay readable on a real-sized portfolio, in Chromium: each is shown at its
natural size (its text at 12 px on screen, never scaled down to fit the column), a picture wider
than the column scrolls in its own box instead of widening the page, every box's text fits inside
the box and is not cut to a stub, the text is readable in Material's dark scheme, and all of it
works with JavaScript off.

Before, Material's ``.md-typeset svg { max-width: 100% }`` outweighed the portal's rule: a feature
page's 924 px picture was shrunk to 670 px at 1,280 (8 px text) and to 340 px on a phone (4 px).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from test_browser import (
    _browser_available,  # noqa: F401 - skips the module without a browser (or fails, when it is required)
    _serve,
    browser_fixture,  # noqa: F401 - the "browser" fixture
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

MKDOCS = """\
site_name: graphs
docs_dir: docs
theme:
  name: material
  font: false
  palette:
    scheme: {scheme}
plugins:
  - search
  - plan-portal
"""
HUB = "001-shared-foundations"
#: Feature folders as long as real ones, and titles longer than a box: a hub cited by most features
#: (a wide layer), and a chain.
FEATURES = [HUB] + [f"{n:03d}-{name}" for n, name in enumerate([
    "catalog-logistics-payment-entities", "fiscal-catalogs", "adaptive-navigation-layout",
    "terminal-session-integrity", "preferences-editor", "theme-token-grouping", "point-of-sale-capture",
    "delivery-notes", "cash-sessions", "merge-products", "label-filter-facets", "design-system-tokens",
], start=2)]
LONG_TITLE = "Catalog Logistics Entities (Expenses, Vehicles, Vehicle Operators and Payment Terms)"


def _plan(index: int, feature: str) -> str:
    title = LONG_TITLE if index == 1 else f"{feature[4:].replace('-', ' ').title()} for the Point of Sale Screens"
    cites = HUB if index < 9 else FEATURES[index - 1]
    return f"""\
# Implementation Plan: {title}

## Summary

This feature builds on {cites}.

## Design Decisions

### D1: Server-side search replaces the in-memory filtering of every list screen

**Decision**: Search on the server. Relies on {HUB}/D1.

### D2: Generated API clients are committed next to the repositories that use them

**Decision**: Commit the generated client.
"""


@pytest.fixture(scope="module", params=["default", "slate"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The portfolio built with Material in its light (default) or dark (slate) scheme, served."""
    root = tmp_path_factory.mktemp(f"graphs-{request.param}")
    (root / "mkdocs.yml").write_text(MKDOCS.format(scheme=request.param), encoding="utf-8")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    for index, feature in enumerate(FEATURES):
        folder = root / "specs" / feature
        folder.mkdir(parents=True)
        (folder / "plan.md").write_text(_plan(index, feature), encoding="utf-8")
        (folder / "spec.md").write_text("# Spec\n", encoding="utf-8")
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site")))
    for url in _serve(root / "site"):
        yield url, request.param


MEASURE = """() => {
  const luminance = (rgb) => {
    const [r, g, b] = rgb.match(/[\\d.]+/g).slice(0, 3).map(Number).map((c) => {
      c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = luminance(getComputedStyle(document.body).backgroundColor);
  return [...document.querySelectorAll('svg.pp-graph')].map((svg) => {
    const shown = svg.getBoundingClientRect();
    const box = svg.closest('.pp-graph-box');
    const scale = shown.width / svg.viewBox.baseVal.width;
    const boxes = [...svg.querySelectorAll('a')];
    const nodes = boxes.map((node) => {
      const rect = node.querySelector('rect');
      const texts = [...node.querySelectorAll('text')];
      return {
        tooltip: node.querySelector('title').textContent,
        lines: texts.map((t) => t.textContent),
        width: rect.width.baseVal.value,
        right: Math.max(...texts.map((t) => t.getBBox().x + t.getBBox().width)),
        fonts: texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale),
        contrast: texts.map((t) => {
          const [a, b] = [luminance(getComputedStyle(t).fill), background].sort((x, y) => y - x);
          return (a + 0.05) / (b + 0.05);
        }),
      };
    });
    const idOf = (box) => box.querySelector('title').textContent.split(': ')[0];
    const edges = [...svg.querySelectorAll('path[data-pp-ends]')].map(
      (e) => e.dataset.ppEnds.split(' ').map((end) => idOf(boxes[Number(end)])));
    return {id: svg.dataset.ppGraph, width: Number(svg.getAttribute('width')), shown: shown.width, nodes, edges,
            boxRight: box.getBoundingClientRect().right, boxScrolls: box.scrollWidth > box.clientWidth};
  });
}"""


def _measure(browser: Browser, url: str, width: int, javascript: bool = True) -> tuple[list[dict[str, Any]], int]:
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript)
    try:
        page: Page = context.new_page()
        page.goto(url)
        return page.evaluate(MEASURE), page.evaluate("document.documentElement.scrollWidth")
    finally:
        context.close()


PAGES = ["plans/graph/", f"plans/{FEATURES[1]}/plan/", f"plans/{HUB}/plan/"]


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", PAGES)
def test_pictures_keep_their_size_and_readable_text(browser: Browser, site: tuple[str, str], path: str,
                                                    width: int) -> None:
    base, scheme = site
    graphs, page_width = _measure(browser, urljoin(base, path), width)
    assert graphs, f"{path} draws a picture"
    if path == "plans/graph/":  # (a feature page's Related features table is not the pictures' business)
        assert page_width <= width, f"{path} scrolls sideways at {width} px: {page_width} px wide"
    for graph in graphs:
        where = f"{graph['id']} on {path} at {width} px ({scheme})"
        assert abs(graph["shown"] - graph["width"]) <= 1, f"{where} is scaled: {graph['shown']} of {graph['width']} px"
        assert graph["boxRight"] <= width, f"{where} widens the page"
        if graph["width"] > width:
            assert graph["boxScrolls"], f"{where} is wider than the page and scrolls in its box"
        for node in graph["nodes"]:
            assert min(node["fonts"]) >= 11, f"{where}: {node['lines']} drawn at {min(node['fonts']):.1f} px"
            assert node["right"] <= node["width"] - 4, f"{where}: {node['lines']} overflow their box"
            assert min(node["contrast"]) >= 4.5, f"{where}: {node['lines']} contrast {min(node['contrast']):.1f}"


def test_a_wide_picture_scrolls_in_its_box_on_a_phone(browser: Browser, site: tuple[str, str]) -> None:
    graphs, page_width = _measure(browser, urljoin(site[0], "plans/graph/"), 390)
    features = next(g for g in graphs if g["id"] == "pp-features")
    assert features["width"] > 600 and features["boxScrolls"] and page_width <= 390


def test_labels_are_wrapped_not_cut_to_stubs(browser: Browser, site: tuple[str, str]) -> None:
    graphs, _ = _measure(browser, urljoin(site[0], "plans/graph/"), 1280)
    nodes = {n["tooltip"].split(":", 1)[0]: n for g in graphs for n in g["nodes"]}
    long = nodes[FEATURES[1]]
    heading = long["lines"][0].removesuffix("…")
    assert FEATURES[1].startswith(heading) and len(heading) >= 20, long["lines"]
    label = " ".join(line.removesuffix("…") for line in long["lines"][1:])
    assert len(long["lines"]) == 3 and LONG_TITLE.startswith(label) and len(label) >= 40, long["lines"]
    assert LONG_TITLE in long["tooltip"]
    hub = nodes[HUB]
    assert hub["lines"][0] == HUB, "a feature's folder name of usual length is drawn whole"


def test_pictures_work_without_javascript(browser: Browser, site: tuple[str, str]) -> None:
    graphs, page_width = _measure(browser, urljoin(site[0], f"plans/{FEATURES[1]}/plan/"), 1280, javascript=False)
    assert graphs and page_width <= 1280, "the picture keeps to the column at 1,280 px"
    assert all(abs(g["shown"] - g["width"]) <= 1 and len(g["nodes"]) > 3 for g in graphs)


def test_feature_picture_is_one_connected_group(browser: Browser, site: tuple[str, str]) -> None:
    graphs, _ = _measure(browser, urljoin(site[0], "plans/graph/"), 1280)
    features = next(g for g in graphs if g["id"] == "pp-features")
    drawn = {n["tooltip"].split(":", 1)[0] for n in features["nodes"]}
    assert drawn == set(FEATURES)
    group, edges = {HUB}, features["edges"]
    while True:
        grown = group | {b for a, b in edges if a in group} | {a for a, b in edges if b in group}
        if grown == group:
            break
        group = grown
    assert group == drawn, f"unconnected: {sorted(drawn - group)}"


def test_legend_wraps_on_a_phone_at_the_page_text_size(browser: Browser, site: tuple[str, str]) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 900})
    try:
        page = context.new_page()
        page.goto(urljoin(site[0], "plans/graph/"))
        items = page.evaluate("""() => [...document.querySelectorAll('.pp-legend-item')].map((item) => ({
            text: item.textContent.trim(), right: item.getBoundingClientRect().right,
            top: item.getBoundingClientRect().top, font: parseFloat(getComputedStyle(item).fontSize)}))""")
    finally:
        context.close()
    assert {"feature", "depends on", "proposed / in review"} <= {item["text"] for item in items}
    assert all(item["right"] <= 390 and item["font"] >= 11 for item in items), items
    assert len({round(item["top"]) for item in items}) > 1, "the legend wraps instead of shrinking"


def test_hovering_a_box_highlights_its_links_and_the_boxes_at_their_ends(browser: Browser,
                                                                          site: tuple[str, str]) -> None:
    """The script finds a link's ends by the boxes' numbers (data-pp-ends): hovering the hub on the
    feature picture highlights exactly the features linked to it, read back from the links' tooltips."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(urljoin(site[0], "plans/graph/"))
        svg = page.locator('svg[data-pp-graph="pp-features"]')
        hub = svg.locator("a", has=page.locator(f'title:text-matches("^{HUB}:")'))
        hub.hover()
        near = page.evaluate("""() => {
          const svg = document.querySelector('svg[data-pp-graph="pp-features"]');
          const id = (el) => el.querySelector('title').textContent;
          return {dim: svg.classList.contains('pp-dim'),
                  boxes: [...svg.querySelectorAll('a.pp-near')].map((a) => id(a).split(': ')[0]),
                  links: [...svg.querySelectorAll('path.pp-near')].map(id),
                  all: [...svg.querySelectorAll('path[data-pp-ends]')].map(id)};
        }""")
        page.mouse.move(0, 0)
        cleared = page.evaluate("document.querySelectorAll('svg .pp-near, svg.pp-dim').length")
    finally:
        context.close()
    expected = [title for title in near["all"] if title.startswith(f"{HUB} ") or title.endswith(f" {HUB}")]
    assert near["dim"] and expected and sorted(near["links"]) == sorted(expected)
    ends = {HUB} | {end for title in expected for end in (title.split(" ")[0], title.split(" ")[-1])}
    assert sorted(near["boxes"]) == sorted(ends)
    assert cleared == 0, "leaving the box clears the highlight"
