"""A layered layout for dependency graphs, built on networkx, fast enough for a view per page.

Layers are the topological generations of the graph, citing records above the records they cite
(in a cycle, the links from an earlier record to a later one do not count); each layer is ordered
by barycentric sweeps to cut crossings, and a layer wider than the picture's width wraps into
several rows.

Boxes are as wide as their labels need (each node's width is given); a picture is drawn at its
natural size, so the layout keeps it within a width budget rather than scaling it down.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

#: The width of a box whose width is not given.
NODE_WIDTH = 164
#: Every box's height: a heading and up to two lines of label.
NODE_HEIGHT = 56
GAP_X = 20
GAP_Y = 48
MARGIN = 12
#: The widest picture the layout aims for when none is given, in px (a graph page's column).
MAX_WIDTH = 900


@dataclass(frozen=True, slots=True)
class Placed:
    """A box's top-left corner and its width."""

    x: float
    y: float
    width: float = NODE_WIDTH


@dataclass(frozen=True, slots=True)
class Layout:
    positions: dict[str, Placed]
    width: float
    height: float


def _generations(graph: nx.DiGraph[str], order_key: Mapping[str, int]) -> dict[str, int]:
    """Node → its topological generation; in a cycle, the links from a record earlier in
    ``order_key`` to a later one do not count, so that a group of features that all cite each other
    is spread over layers (later features above earlier ones) rather than wrapped into one tangled
    layer. A node's generation depends only on its ancestors, which lie in its own weakly connected
    component: computed once for the whole graph, it is the same as for each component on its own."""
    try:
        generations = list(nx.topological_generations(graph))
    except nx.NetworkXUnfeasible:
        component = {n: i for i, members in enumerate(nx.strongly_connected_components(graph)) for n in members}
        acyclic: nx.DiGraph[str] = nx.DiGraph()
        acyclic.add_nodes_from(graph)
        acyclic.add_edges_from((a, b) for a, b in graph.edges
                               if component[a] != component[b] or order_key[a] > order_key[b])
        generations = list(nx.topological_generations(acyclic))
    return {n: index for index, nodes in enumerate(generations) for n in nodes}


def _layers(component: set[str], generation: Mapping[str, int], order_key: Mapping[str, int]) -> list[list[str]]:
    """A component's layers: its nodes by generation, each layer in ``order_key`` order."""
    layers: dict[int, list[str]] = {}
    for n in component:
        layers.setdefault(generation[n], []).append(n)
    return [sorted(layers[index], key=order_key.__getitem__) for index in sorted(layers)]


def _sweep(layers: list[list[str]], graph: nx.DiGraph[str], rounds: int = 4) -> None:
    """Reorder each layer by the mean position of its neighbours in the layer above, then below."""
    position = {n: i for layer in layers for i, n in enumerate(layer)}
    # Plain lists: the sweeps visit every neighbour list many times, a subgraph view filters each time.
    above = {n: list(graph.predecessors(n)) for n in position}
    below = {n: list(graph.successors(n)) for n in position}
    for _ in range(rounds):
        for index in range(1, len(layers)):
            _order(layers[index], position, above)
        for index in range(len(layers) - 2, -1, -1):
            _order(layers[index], position, below)


def _order(layer: list[str], position: dict[str, int], neighbours: dict[str, list[str]]) -> None:
    keys = {}
    for i, node in enumerate(layer):
        around = [position[m] for m in neighbours[node]]
        keys[node] = (sum(around) / len(around)) if around else float(i)
    layer.sort(key=lambda n: (keys[n], position[n]))
    for i, node in enumerate(layer):
        position[node] = i


def _row_width(row: list[str], widths: Mapping[str, float]) -> float:
    return sum(widths[n] for n in row) + GAP_X * (len(row) - 1)


def _wrap(layer: list[str], widths: Mapping[str, float], room: float) -> list[list[str]]:
    """A layer as rows that each fit in ``room`` px (a box wider than that has a row of its own)."""
    rows: list[list[str]] = [[]]
    used = 0.0
    for node in layer:
        extra = widths[node] + (GAP_X if rows[-1] else 0)
        if rows[-1] and used + extra > room:
            rows.append([])
            used, extra = 0.0, widths[node]
        rows[-1].append(node)
        used += extra
    return rows


def _component_rows(component: set[str], graph: nx.DiGraph[str], generation: Mapping[str, int],
                    order_key: Mapping[str, int], widths: Mapping[str, float], room: float) -> list[list[str]]:
    """The rows of one weakly connected component: every neighbour of its nodes is one of them, so
    the sweeps read the whole graph (no subgraph view, which filters each neighbour list it reads)."""
    layers = _layers(component, generation, order_key)
    _sweep(layers, graph)
    return [row for layer in layers for row in _wrap(layer, widths, room)]


def layered_layout(graph: nx.DiGraph[str], order_key: Mapping[str, int],
                   widths: Mapping[str, float] | None = None, max_width: float = MAX_WIDTH) -> Layout:
    """Positions (top-left corners and widths) for every node; edges point down from citing to cited.

    Each weakly connected component is laid out on its own, the largest first, and components are
    packed side by side in shelves within ``max_width`` px, so unrelated groups do not tangle. A
    layer wider than that wraps into rows; only a single box wider than it makes the picture wider.
    """
    if graph.number_of_nodes() == 0:
        return Layout({}, 0, 0)
    width_of = {n: float(widths[n]) if widths and n in widths else float(NODE_WIDTH) for n in graph}
    room = max(max_width - 2 * MARGIN, max(width_of.values()))
    components = sorted(nx.weakly_connected_components(graph),
                        key=lambda c: (-len(c), min(order_key[n] for n in c)))
    generation = _generations(graph, order_key)
    positions: dict[str, Placed] = {}
    rows_above, shelf_rows, used, width = 0, 0, 0.0, 0.0
    for component in components:
        rows = _component_rows(component, graph, generation, order_key, width_of, room)
        block_width = max(_row_width(row, width_of) for row in rows)
        if used and used + GAP_X + block_width > room:  # start a new shelf
            rows_above += shelf_rows
            shelf_rows, used = 0, 0.0
        left = MARGIN + used + (GAP_X if used else 0)
        for row_index, row in enumerate(rows):
            x = left + (block_width - _row_width(row, width_of)) / 2
            y = MARGIN + (rows_above + row_index) * (NODE_HEIGHT + GAP_Y)
            for node in row:
                positions[node] = Placed(x, y, width_of[node])
                x += width_of[node] + GAP_X
        used += (GAP_X if used else 0) + block_width
        shelf_rows = max(shelf_rows, len(rows))
        width = max(width, used)
    total_rows = rows_above + shelf_rows
    pixel_height = 2 * MARGIN + total_rows * NODE_HEIGHT + (total_rows - 1) * GAP_Y
    return Layout(positions, width + 2 * MARGIN, pixel_height)
