"""Checks over the decision graph: cycles, unaccepted foundations, superseded decisions still used."""

from __future__ import annotations

import networkx as nx

from plan_portal.diagnostics import Diagnostic, diagnostic
from plan_portal.link import PortfolioGraph, nodes_of_kind, typed_edges
from plan_portal.model.records import Decision, Portfolio


def edges_of_type(graph: PortfolioGraph, kind: str) -> list[tuple[str, str]]:
    return [(a, b) for a, b, t in typed_edges(graph) if t == kind]


def depends_on_graph(graph: PortfolioGraph) -> nx.DiGraph[str]:
    """Decisions only, with an edge A → B when A depends on B."""
    decisions: nx.DiGraph[str] = nx.DiGraph()
    decisions.add_nodes_from(nodes_of_kind(graph, "decision"))
    decisions.add_edges_from((a, b) for a, b in edges_of_type(graph, "depends-on") if a in decisions and b in decisions)
    return decisions


def check_graph(portfolio: Portfolio, graph: PortfolioGraph) -> list[Diagnostic]:
    decisions: dict[str, Decision] = {d.id: d for d in portfolio.decisions}
    found: list[Diagnostic] = []
    depends = depends_on_graph(graph)
    for component in nx.strongly_connected_components(depends):
        members = sorted(component)
        if len(members) == 1 and not depends.has_edge(members[0], members[0]):
            continue
        cycle = [a for a, _ in nx.find_cycle(depends.subgraph(members), source=members[0])]
        first = decisions[cycle[0]]
        path = " → ".join([*cycle, cycle[0]])
        found.append(diagnostic("decision-cycle", first.source.path, first.source.line,
                                f"decisions depend on each other in a cycle: {path}"))
    for a, b in depends.edges:
        source, target = decisions[a], decisions[b]
        if source.status == "accepted" and target.status in ("proposed", "in-review"):
            found.append(diagnostic(
                "accepted-depends-on-unaccepted", source.source.path, source.source.line,
                f"{a} is accepted but depends on {b}, which is still {target.status.replace('-', ' ')}"))
    superseded = {d.id for d in decisions.values() if d.status == "superseded"}
    superseded.update(b for _, b in edges_of_type(graph, "supersedes") if b in decisions)
    for a, b in depends.edges:
        if b in superseded:
            source = decisions[a]
            found.append(diagnostic(
                "superseded-still-referenced", source.source.path, source.source.line,
                f"{a} depends on {b}, which is superseded"))
    return found
