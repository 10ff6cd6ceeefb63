"""Which part of the graph each page shows, and what rests on what.

Views are bounded: a view with more nodes than its cap keeps the nodes nearest its roots, says
so, and links to the full view.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx
from markupsafe import Markup

from plan_portal.check.graph import depends_on_graph
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


@dataclass(frozen=True, slots=True)
class Impact:
    """What a decision rests on and what depends on it, directly and transitively."""

    upstream: list[str]
    downstream: list[str]
    direct_dependents: int


class GraphViews:
    def __init__(self, graph: PortfolioGraph, order: dict[str, int]) -> None:
        self.graph = graph
        self.order = order
        self.depends = depends_on_graph(graph)
        # The decisions page and every feature page ask for the same decisions' impact.
        self._impacts: dict[str, Impact] = {}
        self._undirected: nx.Graph[str] = nx.Graph()
        self._undirected.add_nodes_from(graph.nodes)
        self._undirected.add_edges_from((a, b) for a, b, t in typed_edges(graph) if t != FEATURE_EDGE)

    def impact(self, decision_id: str) -> Impact:
        if decision_id not in self.depends:
            return Impact([], [], 0)
        if decision_id not in self._impacts:
            upstream = sorted(nx.descendants(self.depends, decision_id), key=self._key)
            downstream = sorted(nx.ancestors(self.depends, decision_id), key=self._key)
            self._impacts[decision_id] = Impact(upstream, downstream, self.depends.in_degree(decision_id))
        return self._impacts[decision_id]

    def most_depended_on(self, limit: int) -> list[tuple[str, Impact]]:
        ranked = [(d, self.impact(d)) for d in self.depends if self.depends.in_degree(d)]
        ranked.sort(key=lambda item: (-len(item[1].downstream), -item[1].direct_dependents, self._key(item[0])))
        return ranked[:limit]

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


def dependency_order(graph: PortfolioGraph, feature_ids: list[str]) -> list[str]:
    """Features ordered so that each comes after the features it depends on, ties by id.

    Cycles among features are kept together (in id order) where the graph does not allow an order.
    """
    features: nx.DiGraph[str] = nx.DiGraph()
    features.add_nodes_from(feature_ids)
    features.add_edges_from((b, a) for a, b, t in typed_edges(graph) if t == FEATURE_EDGE)
    condensed = nx.condensation(features)
    ordered_components = nx.lexicographical_topological_sort(
        condensed, key=lambda c: min(condensed.nodes[c]["members"]))
    return [n for c in ordered_components for n in sorted(condensed.nodes[c]["members"])]
