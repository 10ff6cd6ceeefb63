"""Checks over the decision graph: cycles, unaccepted foundations, superseded decisions still used."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import networkx as nx

from plan_portal.checked import Dependent, Impact
from plan_portal.diagnostics import Diagnostic, diagnostic
from plan_portal.link import PortfolioGraph, edges_of_type, nodes_of_kind, typed_edges
from plan_portal.model.records import Decision, Portfolio

#: The links by which a record or feature rests on a decision: (link type, kind of the citing node).
RESTS_ON = frozenset({("depends-on", "decision"), ("depends-on", "feature"), ("mitigated-by", "risk"),
                      ("evidenced-by", "gate")})


def _walk(start: str, following: Mapping[str, Iterable[str]]) -> set[str]:
    """Every node reachable from ``start`` (without it)."""
    seen = {start}
    stack = [start]
    while stack:
        for other in following.get(stack.pop(), ()):
            if other not in seen:
                seen.add(other)
                stack.append(other)
    seen.discard(start)
    return seen


def impacts(graph: PortfolioGraph, feature_order: list[str], twins: Mapping[str, str]) -> dict[str, Impact]:
    """Every decision's impact: direct links listed in feature order (then by id), transitive ones counted.

    A research.md decision that a plan decision records too (``twins``) counts as that decision: links
    to either are links to the pair, and both ids get the pair's impact.
    """
    rank = {feature: index for index, feature in enumerate(feature_order)}

    def key(node: str) -> tuple[int, str]:
        return (rank.get(str(graph.nodes[node]["feature"]), len(rank)), node)

    def pair(node: str) -> str:
        return twins.get(node, node)

    decisions = [pair(node) for node in nodes_of_kind(graph, "decision")]
    dependents: dict[str, dict[str, Dependent]] = {d: {} for d in decisions}
    rests_on: dict[str, set[str]] = {d: set() for d in decisions}
    for source, target, kind in typed_edges(graph):
        citing = str(graph.nodes[source]["kind"])
        if graph.nodes[target]["kind"] != "decision" or (kind, citing) not in RESTS_ON:
            continue
        source, target = pair(source), pair(target)
        if source == target:
            continue
        dependents[target].setdefault(source, Dependent(source, citing, kind))
        if citing == "decision":
            rests_on[source].add(target)
    above = {d: [x.id for x in found.values() if x.kind == "decision"] for d, found in dependents.items()}
    result: dict[str, Impact] = {}
    for decision, found in dependents.items():
        direct = tuple(sorted(found.values(), key=lambda x: key(x.id)))
        downstream = _walk(decision, above) if found else set()
        affected = set(downstream)
        for other in (decision, *downstream):
            affected.update(dependents[other])
        affected.discard(decision)  # in a cycle, it rests on itself
        result[decision] = Impact(
            rests_on=tuple(sorted(rests_on[decision], key=key)), dependents=direct,
            upstream_count=len(_walk(decision, rests_on)) if rests_on[decision] else 0,
            downstream_count=len(downstream), affected_count=len(affected),
            affected_features=len({graph.nodes[node]["feature"] for node in affected}),
            direct_dependents=sum(1 for x in direct if x.kind == "decision"))
    for twin, primary in twins.items():
        result[twin] = result[primary]
    return result


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
