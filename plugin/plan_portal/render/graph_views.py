"""Which part of the graph each page shows, drawn only when a page shows it.

Views are bounded: a view with more nodes than its cap keeps the nodes nearest its roots, says
so, and links to the full view.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx
from markupsafe import Markup

from plan_portal.link import PortfolioGraph, nodes_of_kind, typed_edges
from plan_portal.render.layout import layered_layout
from plan_portal.render.svg import Node, node_heading, render_legend, render_svg

FEATURE_EDGE = "feature-depends-on"


@dataclass(frozen=True, slots=True)
class GraphView:
    """A view chosen but not yet drawn: only a page that shows the picture pays for drawing it."""

    legend: Markup
    shown: int
    total: int
    draw: Callable[[], Markup]

    @property
    def truncated(self) -> bool:
        return self.shown < self.total

    @property
    def svg(self) -> Markup:
        return self.draw()


class GraphViews:
    def __init__(self, graph: PortfolioGraph, order: dict[str, int]) -> None:
        self.graph = graph
        self.order = order
        self._undirected: nx.Graph[str] = nx.Graph()
        self._undirected.add_nodes_from(graph.nodes)
        self._undirected.add_edges_from((a, b) for a, b, t in typed_edges(graph) if t != FEATURE_EDGE)

    def _key(self, node: str) -> tuple[int, str]:
        return (self.order.get(node, 0), node)

    def _nearest(self, roots: list[str], depth: int, cap: int) -> tuple[list[str], int]:
        """Nodes within ``depth`` links of the roots (any direction), breadth first, at most ``cap``."""
        seen = {r: 0 for r in roots if r in self._undirected}
        queue = deque(seen)
        while queue:
            node = queue.popleft()
            if seen[node] >= depth:
                continue
            for other in sorted(self._undirected.neighbors(node), key=self._key):
                if other not in seen:
                    seen[other] = seen[node] + 1
                    queue.append(other)
        ordered = sorted(seen, key=lambda n: (seen[n], self._key(n)))
        return ordered[:cap], len(ordered)

    def _node(self, node: str, href: Callable[[str], str], root: bool) -> Node:
        data = self.graph.nodes[node]
        kind = data["kind"]
        heading = node_heading(kind, str(data.get("local", "")), data["feature"])
        return Node(node, kind, heading, str(data.get("label", "")), str(data.get("status", "")), href(node), root)

    def draw(self, view_id: str, title: str, nodes: list[str], total: int, href: Callable[[str], str],
             roots: frozenset[str] = frozenset(), edge_types: frozenset[str] | None = None,
             reduce: bool = False) -> GraphView:
        """Draw the chosen nodes and the links among them.

        ``reduce`` drops links implied by others (A→B when A→C→B exists), which keeps a dependency
        picture of many features readable; it applies when those links form no cycle.
        """
        chosen = set(nodes)
        sub: nx.DiGraph[str] = nx.DiGraph()
        sub.add_nodes_from(nodes)
        edges = []
        for a in nodes:  # only the edges among the chosen nodes: a view costs its own size, not the graph's
            for _, b, kind in self.graph.out_edges(a, keys=True):
                if b in chosen and (edge_types is None or kind in edge_types):
                    edges.append((a, b, kind))
                    sub.add_edge(a, b)
        if reduce and nx.is_directed_acyclic_graph(sub):
            kept = nx.transitive_reduction(sub)
            edges = [(a, b, kind) for a, b, kind in edges if kept.has_edge(a, b)]
            sub = nx.DiGraph(kept)
        kinds = sorted({str(self.graph.nodes[n]["kind"]) for n in nodes},
                       key=["feature", "decision", "risk", "gate"].index)
        edge_kinds = sorted({kind for _, _, kind in edges})

        def picture() -> Markup:
            layout = layered_layout(sub, {n: i for i, n in enumerate(sorted(nodes, key=self._key))})
            drawn = {n: self._node(n, href, n in roots) for n in nodes}
            return render_svg(view_id, drawn, sorted(edges), layout, title)

        return GraphView(render_legend(kinds, edge_kinds), len(nodes), total, picture)

    def local(self, view_id: str, title: str, roots: list[str], depth: int, cap: int,
              href: Callable[[str], str]) -> GraphView | None:
        nodes, total = self._nearest(roots, depth, cap)
        if len(nodes) <= len([r for r in roots if r in self.graph]) and not any(
                self._undirected.degree(r) for r in roots if r in self._undirected):
            return None  # nothing links to or from these roots
        return self.draw(view_id, title, nodes, total, href, frozenset(roots))

    def features(self, href: Callable[[str], str], cap: int) -> GraphView | None:
        linked = {n for a, b, t in typed_edges(self.graph) if t == FEATURE_EDGE for n in (a, b)}
        nodes = sorted((n for n in nodes_of_kind(self.graph, "feature") if n in linked), key=self._key)
        if not nodes:
            return None
        view = self.draw("pp-features", "Feature dependencies", nodes[:cap], len(nodes), href,
                         edge_types=frozenset({FEATURE_EDGE}), reduce=True)
        return view

    def decisions(self, href: Callable[[str], str], cap: int) -> GraphView | None:
        decision_edges = {"depends-on", "supersedes"}
        nodes = sorted({n for a, b, t in typed_edges(self.graph) if t in decision_edges for n in (a, b)},
                       key=self._key)
        if not nodes:
            return None
        return self.draw("pp-decisions", "Decision dependencies", nodes[:cap], len(nodes), href,
                         edge_types=frozenset(decision_edges))

