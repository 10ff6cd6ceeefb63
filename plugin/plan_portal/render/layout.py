"""A layered layout for dependency graphs, built on networkx, fast enough for a view per page.

Layers are the topological generations of the graph's condensation (so cycles do not break it),
citing records above the records they cite; each layer is ordered by barycentric sweeps to cut
crossings, and wide layers wrap into several rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

NODE_WIDTH = 164
NODE_HEIGHT = 40
GAP_X = 20
GAP_Y = 56
MARGIN = 12


@dataclass(frozen=True, slots=True)
class Placed:
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Layout:
    positions: dict[str, Placed]
    width: float
    height: float


def _layers(graph: nx.DiGraph[str], order_key: dict[str, int]) -> list[list[str]]:
    try:
        generations = [list(g) for g in nx.topological_generations(graph)]
    except nx.NetworkXUnfeasible:  # a cycle: layer the condensation, a cycle's members side by side
        condensed = nx.condensation(graph)
        generations = [[n for component in generation for n in condensed.nodes[component]["members"]]
                       for generation in nx.topological_generations(condensed)]
    return [sorted(nodes, key=order_key.__getitem__) for nodes in generations]


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


def _component_rows(graph: nx.DiGraph[str], order_key: dict[str, int], row_limit: int) -> list[list[str]]:
    layers = _layers(graph, order_key)
    _sweep(layers, graph)
    return [layer[i:i + row_limit] for layer in layers for i in range(0, len(layer), row_limit)]


def layered_layout(graph: nx.DiGraph[str], order_key: dict[str, int], row_limit: int = 5) -> Layout:
    """Positions (top-left corners) for every node; edges point down from citing to cited.

    Each weakly connected component is laid out on its own, and components are packed side by
    side in shelves at most ``row_limit`` nodes wide, so unrelated groups do not tangle.
    """
    if graph.number_of_nodes() == 0:
        return Layout({}, 0, 0)
    components = sorted(nx.weakly_connected_components(graph), key=lambda c: min(order_key[n] for n in c))
    blocks = []
    for component in components:
        rows = _component_rows(graph.subgraph(component), order_key, row_limit)
        blocks.append((rows, max(len(r) for r in rows)))
    positions: dict[str, Placed] = {}
    shelf_top, shelf_height, used, width = 0.0, 0, 0, 0
    for rows, columns in blocks:
        if used and used + columns > row_limit:  # start a new shelf
            shelf_top += shelf_height * (NODE_HEIGHT + GAP_Y)
            shelf_height, used = 0, 0
        left = MARGIN + used * (NODE_WIDTH + GAP_X)
        block_width = columns * NODE_WIDTH + (columns - 1) * GAP_X
        for row_index, row in enumerate(rows):
            row_left = left + (block_width - (len(row) * NODE_WIDTH + (len(row) - 1) * GAP_X)) / 2
            for i, node in enumerate(row):
                positions[node] = Placed(row_left + i * (NODE_WIDTH + GAP_X),
                                         MARGIN + shelf_top + row_index * (NODE_HEIGHT + GAP_Y))
        used += columns
        shelf_height = max(shelf_height, len(rows))
        width = max(width, used)
    total_rows = shelf_top / (NODE_HEIGHT + GAP_Y) + shelf_height
    pixel_width = width * NODE_WIDTH + (width - 1) * GAP_X + 2 * MARGIN
    pixel_height = 2 * MARGIN + total_rows * NODE_HEIGHT + (total_rows - 1) * GAP_Y
    return Layout(positions, pixel_width, pixel_height)
