"""Checks over the decision graph: cycles, unaccepted foundations, superseded decisions still used."""

from __future__ import annotations

import networkx as nx

from plan_portal.checked import Impact
from plan_portal.diagnostics import Diagnostic, diagnostic
from plan_portal.link import PortfolioGraph, edges_of_type
from plan_portal.model.records import Decision, Portfolio


def impacts(graph: PortfolioGraph, depends: nx.DiGraph[str], feature_order: list[str]) -> dict[str, Impact]:
    """Every decision's impact, the records of each list in feature order, then by id."""
    rank = {feature: index for index, feature in enumerate(feature_order)}

    def key(node: str) -> tuple[int, str]:
        return (rank.get(str(graph.nodes[node]["feature"]), 0), node)

    return {
        decision: Impact(tuple(sorted(nx.descendants(depends, decision), key=key)),
                         tuple(sorted(nx.ancestors(depends, decision), key=key)), depends.in_degree(decision))
        for decision in depends
    }


def check_graph(portfolio: Portfolio, graph: PortfolioGraph, depends: nx.DiGraph[str]) -> list[Diagnostic]:
    decisions: dict[str, Decision] = {d.id: d for d in portfolio.decisions}
    found: list[Diagnostic] = []
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
