"""Which part of the graph each page shows, drawn only when a page shows it.

Views are bounded: a view with more nodes than its cap keeps the nodes nearest its roots, says
so, and links to the full view.

Traceability records (requirements, tasks, checklist items) are not drawn (yet): the views read the
portfolio graph and pass over them, rather than copy the graph without them (a copy of the 15,000
records of 1,000 features took 0.2-0.4 s on every ``mkdocs serve`` rebuild, for the few pages drawn).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

import networkx as nx
from markupsafe import Markup

from plan_portal.link import TRACE_KINDS, PortfolioGraph, nodes_of_kind, typed_edges
from plan_portal.render.layout import layered_layout
from plan_portal.render.svg import Node, node_box, node_heading, render_legend, render_svg

FEATURE_EDGE = "feature-depends-on"
#: Link types between two features' records, strongest first: the feature picture draws one arrow
#: per pair of features, of the strongest type found between them (others count as relates-to).
FEATURE_LINKS = (FEATURE_EDGE, "depends-on", "supersedes", "relates-to")
#: The widest a picture is laid out, in px: about the text column of a feature page (which has a
#: table of contents beside it) and of the graph page (which has none) in Material at 1,280 px.
#: A picture is shown at its natural size: a wider one scrolls in its box, it is never shrunk.
FEATURE_PAGE_WIDTH = 668
GRAPH_PAGE_WIDTH = 900
#: Every link type, strongest first: between two records one arrow is drawn, of the strongest type.
RANKED = (FEATURE_EDGE, "depends-on", "supersedes", "mitigated-by", "evidenced-by", "relates-to")


def _rank(kind: str) -> int:
    return RANKED.index(kind) if kind in RANKED else len(RANKED)


@dataclass(frozen=True, slots=True)
class GraphView:
    """A view chosen but not yet drawn: only a page that shows the picture pays for drawing it."""

    legend: Markup
    shown: int
    total: int
    draw: Callable[[], Markup]
    #: The nodes drawn.
    nodes: tuple[str, ...] = ()

    @property
    def truncated(self) -> bool:
        return self.shown < self.total

    @property
    def svg(self) -> Markup:
        return self.draw()


class NodeOrder(Mapping[str, int]):
    """A node's place in the pictures: its feature's place in the feature order (0 for a feature not
    in it), looked up when asked for (a dict of every node took 10-20 ms of every serve rebuild)."""

    def __init__(self, graph: PortfolioGraph, feature_order: Mapping[str, int]) -> None:
        self._data = graph.nodes
        self._feature_order = feature_order

    def __getitem__(self, node: str) -> int:
        return self._feature_order.get(str(self._data[node]["feature"]), 0)

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class GraphViews:
    def __init__(self, graph: PortfolioGraph, order: Mapping[str, int]) -> None:
        self.graph = graph
        self.order = order
        self._data = graph.nodes

    def _drawn(self, node: str) -> bool:
        """Whether the node is drawn: a feature, decision, risk or gate of the graph."""
        return node in self._data and self._data[node]["kind"] not in TRACE_KINDS

    def kind(self, node: str) -> str:
        return str(self._data[node]["kind"])

    def out_links(self, node: str) -> Iterator[tuple[str, str]]:
        """(other end, link type) of the node's outgoing links to drawn nodes, in ``out_edges`` order,
        read from the adjacency directly: an edge view made per node cost more than the links it listed."""
        for other, types in self.graph.succ[node].items():
            if self._data[other]["kind"] not in TRACE_KINDS:
                for kind in types:
                    yield other, kind

    def in_links(self, node: str) -> Iterator[tuple[str, str]]:
        """(other end, link type) of the node's incoming links from drawn nodes, in ``in_edges`` order."""
        for other, types in self.graph.pred[node].items():
            if self._data[other]["kind"] not in TRACE_KINDS:
                for kind in types:
                    yield other, kind

    def _neighbors(self, node: str) -> set[str]:
        """The drawn nodes a drawn node links to or from, by a link other than a feature's own
        dependency (those count only between features: see ``local``)."""
        return {other for adjacency in (self.graph.succ[node], self.graph.pred[node])
                for other, types in adjacency.items()
                if self._data[other]["kind"] not in TRACE_KINDS and any(kind != FEATURE_EDGE for kind in types)}

    def _key(self, node: str) -> tuple[int, str]:
        return (self.order.get(node, 0), node)

    def _nearest(self, roots: list[str], depth: int, cap: int) -> tuple[list[str], int]:
        """Nodes within ``depth`` links of the roots (any direction), breadth first, at most ``cap``."""
        seen = {r: 0 for r in roots if self._drawn(r)}
        queue = deque(seen)
        while queue:
            node = queue.popleft()
            if seen[node] >= depth:
                continue
            for other in sorted(self._neighbors(node), key=self._key):
                if other not in seen:
                    seen[other] = seen[node] + 1
                    queue.append(other)
        ordered = sorted(seen, key=lambda n: (seen[n], self._key(n)))
        return ordered[:cap], len(ordered)

    def _node(self, node: str, href: Callable[[str], str], root: bool) -> Node:
        data = self._data[node]
        kind = data["kind"]
        heading = node_heading(kind, str(data.get("local", "")), data["feature"])
        return Node(node, kind, heading, str(data.get("label", "")), str(data.get("status", "")), href(node), root)

    def draw(self, view_id: str, title: str, nodes: list[str], total: int, href: Callable[[str], str],
             roots: frozenset[str] = frozenset(), edge_types: frozenset[str] | None = None,
             links: list[tuple[str, str, str]] | None = None, width: float = GRAPH_PAGE_WIDTH) -> GraphView:
        """Draw the chosen nodes and the links among them (or ``links``, when given)."""
        chosen = set(nodes)
        sub: nx.DiGraph[str] = nx.DiGraph()
        sub.add_nodes_from(nodes)
        edges = []
        if links is not None:
            edges = [(a, b, kind) for a, b, kind in links if a in chosen and b in chosen]
        else:
            for a in nodes:  # only the edges among the chosen nodes: a view costs its own size, not the graph's
                for b, kind in self.out_links(a):
                    if b in chosen and (edge_types is None or kind in edge_types):
                        edges.append((a, b, kind))
        sub.add_edges_from((a, b) for a, b, _ in edges)
        kinds = sorted({self.kind(n) for n in nodes},
                       key=["feature", "decision", "risk", "gate"].index)
        edge_kinds = sorted({kind for _, _, kind in edges})

        def picture() -> Markup:
            drawn = {n: self._node(n, href, n in roots) for n in nodes}
            layout = layered_layout(sub, {n: i for i, n in enumerate(sorted(nodes, key=self._key))},
                                    {n: node_box(node).width for n, node in drawn.items()}, width)
            return render_svg(view_id, drawn, sorted(edges), layout, title)

        return GraphView(render_legend(kinds, edge_kinds), len(nodes), total, picture, tuple(nodes))

    def local(self, view_id: str, title: str, roots: list[str], depth: int, cap: int,
              href: Callable[[str], str]) -> GraphView | None:
        """The records within ``depth`` links of the roots (a feature first, then its decisions).

        A root that links to nothing is left out, but the first (the page's own feature): a box
        with no line adds nothing to the picture and would take the place of a linked record.
        Between two features one arrow is drawn, as in the feature picture, and none that follows
        from others: features that mention each other drew 127 of the 150 arrows on a throng page.
        """
        linked = [r for r in roots if self._drawn(r) and self._neighbors(r)]
        if not linked:
            return None  # nothing links to or from these roots
        shown = list(dict.fromkeys([*roots[:1], *linked]))
        nodes, total = self._nearest([r for r in shown if self._drawn(r)], depth, cap)
        chosen = set(nodes)
        kinds = {node: self.kind(node) for node in nodes}
        between_features: list[tuple[str, str, str]] = []
        records: dict[tuple[str, str], str] = {}
        for a in nodes:
            for b, kind in self.out_links(a):
                if b not in chosen:
                    continue
                if kinds[a] == kinds[b] == "feature":
                    between_features.append((a, b, kind))
                elif (a, b) not in records or _rank(kind) < _rank(records[(a, b)]):
                    records[(a, b)] = kind  # one arrow per pair of records: the strongest link
        links = self._reduced(self._strongest(between_features), chosen)
        links += [(a, b, kind) for (a, b), kind in records.items()]
        return self.draw(view_id, title, nodes, total, href, frozenset(roots), links=links,
                         width=FEATURE_PAGE_WIDTH)

    def _strongest(self, links: Iterable[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
        """One link per pair of ends: (citing, cited, type), the strongest type found between them in
        either direction, drawn the way that type was written (relates-to from the later end)."""
        strongest: dict[frozenset[str], tuple[int, str, str]] = {}
        for source, target, kind in links:
            if source == target:
                continue
            rank = FEATURE_LINKS.index(kind) if kind in FEATURE_LINKS else len(FEATURE_LINKS) - 1
            if FEATURE_LINKS[rank] == "relates-to":  # no direction to keep: drawn from the later feature
                source, target = sorted((source, target), key=self._key, reverse=True)
            pair = frozenset((source, target))
            if pair not in strongest or (rank, source, target) < strongest[pair]:
                strongest[pair] = (rank, source, target)
        return sorted((source, target, FEATURE_LINKS[rank]) for rank, source, target in strongest.values())

    def _reduced(self, links: list[tuple[str, str, str]], nodes: set[str]) -> list[tuple[str, str, str]]:
        """The links among ``nodes`` without those that follow from others (if A cites B and B cites
        C, A's link to C), reduced as if every link ran from the later end to the earlier, which has
        no cycle."""
        links = [(a, b, kind) for a, b, kind in links if a in nodes and b in nodes]
        oriented: nx.DiGraph[str] = nx.DiGraph()
        forward = {(a, b): (a, b) if self._key(a) > self._key(b) else (b, a) for a, b, _ in links}
        oriented.add_edges_from(forward.values())
        kept = nx.transitive_reduction(oriented)
        return [(a, b, kind) for a, b, kind in links if kept.has_edge(*forward[(a, b)])]

    def feature_links(self) -> list[tuple[str, str, str]]:
        """One link per pair of features whose records cite each other: (citing, cited, type), the
        strongest type found between them in either direction, drawn the way that type was written."""
        nodes = self._data
        return self._strongest((str(nodes[a]["feature"]), str(nodes[b]["feature"]), kind)
                               for a, b, kind in typed_edges(self.graph) if self._drawn(a) and self._drawn(b))

    def features(self, href: Callable[[str], str], cap: int) -> GraphView | None:
        """Features and the links between them, without the links that follow from others.

        If A cites B and B cites C, A's link to C is not drawn: a project whose plans cite each other
        hundreds of times still gives a readable picture (each feature page lists all its links).
        """
        links = self.feature_links()
        linked = {n for a, b, _ in links for n in (a, b)}
        nodes = sorted((n for n in nodes_of_kind(self.graph, "feature") if n in linked), key=self._key)
        if not nodes:
            return None
        links = self._reduced(links, set(nodes[:cap]))
        return self.draw("pp-features", "Feature links", nodes[:cap], len(nodes), href, links=links)

    def decisions(self, href: Callable[[str], str], cap: int) -> GraphView | None:
        decision_edges = {"depends-on", "supersedes"}
        kinds = self.graph.nodes(data="kind")
        nodes = sorted({n for a, b, t in typed_edges(self.graph)  # features and risks may depend on too
                        if t in decision_edges and kinds[a] == kinds[b] == "decision" for n in (a, b)},
                       key=self._key)
        if not nodes:
            return None
        return self.draw("pp-decisions", "Decision dependencies", nodes[:cap], len(nodes), href,
                         edge_types=frozenset(decision_edges))

