"""The graph views in the built demo: well-formed SVG, and every node a working link."""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import networkx as nx
import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from plan_portal.render.layout import NODE_HEIGHT, NODE_WIDTH, layered_layout

REPO = Path(__file__).resolve().parents[1]
SVG = re.compile(r"<svg\b.*?</svg>", re.S)
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("demo-site")
    build(load_config(str(REPO / "mkdocs.yml"), site_dir=str(site)))
    return site


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.update(value for name, value in attrs if name == "id" and value)


def _ids(page: Path) -> set[str]:
    parser = _Ids()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.ids


def _graph_pages(site: Path) -> list[Path]:
    return [p for p in sorted((site / "plans").rglob("index.html")) if 'data-pp-graph="' in p.read_text("utf-8")]


def test_demo_has_graph_views(demo_site: Path):
    pages = {p.relative_to(demo_site).as_posix() for p in _graph_pages(demo_site)}
    assert "plans/graph/index.html" in pages
    assert "plans/004-checkout/plan/index.html" in pages


def test_every_svg_parses_as_xml_and_styles_only_by_attribute(demo_site: Path):
    count = 0
    for page in _graph_pages(demo_site):
        for svg in SVG.findall(page.read_text(encoding="utf-8")):
            root = ET.fromstring(svg)
            assert root.tag == f"{SVG_NS}svg"
            assert not list(root.iter(f"{SVG_NS}style"))
            assert not any("style" in element.attrib for element in root.iter())
            assert not list(root.iter(f"{SVG_NS}script"))
            count += 1
    assert count > 10


def test_every_node_link_resolves_to_a_page_and_anchor(demo_site: Path):
    checked = 0
    id_cache: dict[Path, set[str]] = {}
    for page in _graph_pages(demo_site):
        page_dir = page.parent.relative_to(demo_site).as_posix()
        for svg in SVG.findall(page.read_text(encoding="utf-8")):
            for link in ET.fromstring(svg).iter(f"{SVG_NS}a"):
                href = link.attrib["href"]
                path, _, fragment = href.partition("#")
                target = demo_site / unquote(posixpath.normpath(posixpath.join(page_dir, path))) / "index.html"
                assert target.is_file(), (page, href)
                if fragment:
                    ids = id_cache.setdefault(target, _ids(target))
                    assert unquote(fragment) in ids, (page, href)
                checked += 1
    assert checked > 50


def test_layout_puts_citing_records_above_cited_ones_without_overlap():
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_edges_from([("a", "b"), ("b", "c"), ("a", "c"), ("d", "c"), ("x", "y"), ("y", "x")])
    layout = layered_layout(graph, {n: i for i, n in enumerate(sorted(graph))})
    positions = layout.positions
    assert positions["a"].y < positions["b"].y < positions["c"].y
    assert positions["d"].y < positions["c"].y
    boxes = list(positions.values())
    for i, one in enumerate(boxes):
        for other in boxes[i + 1:]:
            assert abs(one.x - other.x) >= NODE_WIDTH or abs(one.y - other.y) >= NODE_HEIGHT
    assert all(0 <= p.x <= layout.width - NODE_WIDTH and 0 <= p.y <= layout.height - NODE_HEIGHT for p in boxes)
