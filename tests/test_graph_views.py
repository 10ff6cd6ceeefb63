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

from picture import box_ids, links
from plan_portal.render.graph_views import GraphViews
from plan_portal.render.layout import NODE_HEIGHT, NODE_WIDTH, layered_layout
from plan_portal.render.svg import (
    FONT_SIZE,
    LABEL_WIDTH,
    MAX_WIDTH,
    MIN_WIDTH,
    PADDING,
    Node,
    box,
    fit,
    node_box,
    render_legend,
    render_svg,
    text_width,
    wrap,
)

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


# --------------------------------------------------------------------------------------------- readable boxes

LONG_TITLE = "Fiscal Catalogs (Payment Method Options, Taxpayer Issuers, Taxpayer Certificates)"


def test_a_long_label_wraps_onto_two_lines_at_words_instead_of_a_stub():
    drawn = box("decision · 015-fiscal-catalogs", LONG_TITLE)
    assert len(drawn.lines) == 2
    shown = " ".join(drawn.lines).removesuffix("…")
    assert LONG_TITLE.startswith(shown) and len(shown) >= 40, drawn.lines  # the old labels kept 25 characters
    assert LONG_TITLE[len(shown)] in " ,", "cut at a word"
    assert drawn.heading == "decision · 015-fiscal-catalogs"
    assert all(text_width(line) <= drawn.width - 2 * PADDING for line in drawn.lines)
    assert drawn.width <= MAX_WIDTH


def test_a_box_is_as_wide_as_its_text_needs_within_bounds():
    short, usual = box("001-mvp", "MVP"), box("014-multi-workspace-nodes", "Multi-Workspace Nodes")
    assert short.width == MIN_WIDTH and short.lines == ("MVP",)
    assert usual.heading == "014-multi-workspace-nodes" and usual.lines == ("Multi-Workspace Nodes",)
    assert MIN_WIDTH < usual.width < MAX_WIDTH
    long = box("013-catalog-logistics-payment-entities-and-more", "x")
    assert long.width == MAX_WIDTH and long.heading.endswith("…") and "-…" not in long.heading
    assert text_width(long.heading, bold=True) <= MAX_WIDTH - 2 * PADDING
    word = box("d", "a" * 90)  # one word longer than a line is cut, not drawn past the box
    assert word.lines[0].endswith("…") and text_width(word.lines[0]) <= word.width - 2 * PADDING


def test_fit_and_wrap_cut_at_words():
    assert fit("Merge Products — Explicit Review of Duplicates", 120) == "Merge Products…"
    assert wrap("one two three", 500) == (["one two three"], False)
    lines, cut = wrap("alpha beta gamma delta epsilon zeta eta theta iota kappa", 80)
    assert cut and len(lines) == 2 and lines[-1].endswith("…") and " ".join(lines).startswith("alpha beta")


def test_svg_keeps_its_natural_size_and_escapes_text():
    nodes = {"a": Node("a", "feature", "001-<a>", f"<script>alert(1)</script> {LONG_TITLE}", "", "#a"),
             "b": Node("b", "decision", "D1 · 001-<a>", "Short & sweet", "proposed", "#b")}
    graph: nx.DiGraph[str] = nx.DiGraph([("a", "b")])
    widths = {n: node_box(node).width for n, node in nodes.items()}
    layout = layered_layout(graph, {"a": 0, "b": 1}, widths)
    svg = str(render_svg("v", nodes, [("a", "b", "depends-on")], layout, "T"))
    root = ET.fromstring(svg)
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert root.get("font-size") == str(FONT_SIZE) and FONT_SIZE >= 12
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    titles = [t.text or "" for t in root.iter(f"{SVG_NS}title")]
    assert any(LONG_TITLE in t for t in titles), "the whole label is the box's tooltip"
    rects = [r for r in root.iter(f"{SVG_NS}rect") if r.get("fill") != "Canvas"]
    assert sorted(float(r.get("width", 0)) for r in rects) == sorted(widths.values())


def test_layout_keeps_a_wide_layer_within_the_width_and_boxes_apart():
    graph: nx.DiGraph[str] = nx.DiGraph([(f"n{i}", "hub") for i in range(12)] + [("x", "y")])
    widths = {n: 150 + 7 * i for i, n in enumerate(sorted(graph))}
    layout = layered_layout(graph, {n: i for i, n in enumerate(sorted(graph))}, widths, max_width=660)
    assert layout.width <= 660
    boxes = list(layout.positions.items())
    for i, (one, a) in enumerate(boxes):
        assert a.width == widths[one] and a.x >= 0 and a.x + a.width <= layout.width
        for _, b in boxes[i + 1:]:
            assert a.x + a.width <= b.x or b.x + b.width <= a.x or abs(a.y - b.y) >= NODE_HEIGHT
    hub, above = layout.positions["hub"], [p for n, p in layout.positions.items() if n.startswith("n")]
    assert all(p.y < hub.y for p in above) and len({p.y for p in above}) > 1, "the wide layer wraps into rows"


def test_links_into_one_box_fan_out_across_its_top():
    graph: nx.DiGraph[str] = nx.DiGraph([(f"n{i}", "hub") for i in range(5)])
    nodes = {n: Node(n, "decision", n, "label", "", "#") for n in graph}
    layout = layered_layout(graph, {n: i for i, n in enumerate(sorted(graph))}, max_width=2000)
    svg = ET.fromstring(str(render_svg("v", nodes, [(f"n{i}", "hub", "relates-to") for i in range(5)], layout, "T")))
    paths = [path for path in svg.iter(f"{SVG_NS}path") if path.get("data-pp-ends")]
    arrivals = sorted((layout.positions[source].x, float(path.get("d", "").rsplit(" ", 1)[1].split(",")[0]))
                      for path, (source, target) in zip(paths, links(svg), strict=True) if target == "hub")
    ends = [x for _, x in arrivals]
    hub = layout.positions["hub"]
    assert len(set(ends)) == 5 and all(hub.x < x < hub.x + hub.width for x in ends)
    assert ends == sorted(ends), "in the order of the boxes they come from"


def test_legend_names_are_page_text_beside_small_drawings():
    legend = str(render_legend(["feature", "decision"], ["depends-on", "relates-to"]))
    outside = re.sub(r"<svg\b.*?</svg>", "", legend)
    for name in ("feature", "decision", "depends on", "relates to", "proposed / in review"):
        assert f"> {name}</span>" in outside
    for drawing in SVG.findall(legend):
        assert ET.fromstring(drawing).get("class") == "pp-legend-svg"


def test_feature_page_picture_leaves_out_decisions_that_link_to_nothing(write_files, run_pipeline):
    write_files("001-base", {"plan.md": """
        # Implementation Plan: Base

        ## Design Decisions

        ### D1: Store events

        **Decision**: Append-only log.
        """})
    write_files("002-user", {"plan.md": """
        # Implementation Plan: User

        ## Design Decisions

        ### D1: Read the log

        **Decision**: Relies on 001-base/D1.

        ### D2: Nothing to do with anything

        **Decision**: Keep it.
        """})
    result = run_pipeline()
    views = GraphViews(result.graph, {n: i for i, n in enumerate(sorted(result.graph))})
    roots = ["002-user", "002-user/D1", "002-user/D2"]
    view = views.local("v", "T", roots, 2, 40, lambda n: "#")
    assert view is not None
    drawn = set(box_ids(ET.fromstring(str(view.svg))))
    assert {"002-user", "002-user/D1"} <= drawn and any(n.startswith("001-base") for n in drawn)
    assert "002-user/D2" not in drawn
    assert views.local("v", "T", ["002-user", "002-user/D2"], 2, 40, lambda n: "#") is None


def test_features_that_all_cite_each_other_are_spread_over_layers_later_above():
    graph: nx.DiGraph[str] = nx.complete_graph(["f1", "f2", "f3", "f4"], nx.DiGraph())
    graph.add_edge("r", "f4")
    layout = layered_layout(graph, {"f1": 0, "f2": 1, "f3": 2, "f4": 3, "r": 4})
    y = {n: p.y for n, p in layout.positions.items()}
    assert y["r"] < y["f4"] < y["f3"] < y["f2"] < y["f1"], "a cycle is not wrapped into one tangled layer"
    nodes = {n: Node(n, "feature", n, "", "", "#") for n in graph}
    svg = ET.fromstring(str(render_svg("v", nodes, [("f1", "f4", "relates-to")], layout, "T")))
    path = next(p for p in svg.iter(f"{SVG_NS}path") if p.get("data-pp-ends"))
    start, end = path.get("d", "")[1:].split("C")[0], path.get("d", "").rsplit(" ", 1)[1]
    f1, f4 = layout.positions["f1"], layout.positions["f4"]
    assert float(start.split(",")[1]) == f1.y, "an upward link leaves from the top of its box"
    assert float(end.split(",")[1]) == f4.y + NODE_HEIGHT, "and arrives at the bottom of the other"


def test_feature_page_draws_one_arrow_between_two_features_and_none_that_follows(write_files, run_pipeline):
    write_files("001-base", {"plan.md": "# Implementation Plan: Base\n\nSee 003-top for the screens.\n"})
    write_files("002-middle", {"plan.md": "# Implementation Plan: Middle\n\nBuilds on 001-base.\n"})
    write_files("003-top", {"plan.md": """
        # Implementation Plan: Top

        Builds on 002-middle, and reuses 001-base.

        ## Design Decisions

        ### D1: A decision with a long heading that names its feature

        **Decision**: Relies on 002-middle and on 002-middle again.
        """})
    result = run_pipeline()
    views = GraphViews(result.graph, {n: i for i, n in enumerate(sorted(result.graph))})
    view = views.local("v", "T", ["003-top", "003-top/D1"], 2, 40, lambda n: "#")
    assert view is not None
    svg = ET.fromstring(str(view.svg))
    arrows = links(svg)
    between = sorted(a for a in arrows if "/" not in a[0] + a[1])
    assert between == [("002-middle", "001-base"), ("003-top", "002-middle")], "003 → 001 follows from the others"
    assert arrows.count(("003-top/D1", "002-middle")) == 1
    widths = {node: float(a.find(f"{SVG_NS}rect").get("width"))
              for node, a in zip(box_ids(svg), svg.iter(f"{SVG_NS}a"), strict=True)}
    assert widths["003-top/D1"] <= LABEL_WIDTH
