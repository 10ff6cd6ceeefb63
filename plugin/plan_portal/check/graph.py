"""Checks over the decision graph: cycles, unaccepted foundations, superseded decisions still used."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import networkx as nx

from plan_portal.checked import Dependent, Impact
from plan_portal.diagnostics import Diagnostic, diagnostic
from plan_portal.link import PortfolioGraph, edges_of_type, nodes_of_kind, typed_edges
from plan_portal.model.records import Decision, Portfolio

#: The links by which a record or feature rests on a decision: (link type, kind of the citing node).
RESTS_ON = frozenset({("depends-on", "decision"), ("depends-on", "feature"), ("mitigated-by", "risk"),
                      ("evidenced-by", "gate")})


def _unions_over_reach(groups: nx.DiGraph[int], order: list[int],
                       values: list[Callable[[str], int]]) -> Iterator[tuple[str, list[int], bool]]:
    """(node, the union of each of ``values`` over every node it reaches, whether it is in a cycle)
    for every node of a graph's condensation ``groups``, taken in ``order`` (each group after the
    groups it reaches). Values are bit sets (ints), asked for as each group is taken: a set may be
    as wide as the portfolio, so only the ones in use are held.

    A group's unions are kept only until the groups that reach it are done: one pass over the edges,
    each an OR of bit sets, instead of one walk per node (which costs the square of a chain's length).
    """
    waiting = {c: groups.in_degree(c) for c in groups}
    whole: dict[int, list[int]] = {}  # a group's members' values and everything it reaches
    for group in order:
        below = [0] * len(values)
        for other in groups.successors(group):
            for n, union in enumerate(whole[other]):
                below[n] |= union
            waiting[other] -= 1
            if not waiting[other]:
                del whole[other]
        members: list[str] = groups.nodes[group]["members"]
        cyclic = len(members) > 1
        inner = [0] * len(values)
        for n, value in enumerate(values):
            for node in members:
                inner[n] |= value(node)
        reached = [b | i for b, i in zip(below, inner, strict=True)]
        for node in members:
            yield node, reached if cyclic else below, cyclic
        if waiting[group]:
            whole[group] = reached


def impacts(graph: PortfolioGraph, feature_order: list[str], twins: Mapping[str, str]) -> dict[str, Impact]:
    """Every decision's impact: direct links listed in feature order (then by id), transitive ones counted.

    A research.md decision that a plan decision records too (``twins``) counts as that decision: links
    to either are links to the pair, and both ids get the pair's impact. The counts come from bit sets
    propagated once over the decision graph (``_unions_over_reach``), so a chain of n decisions costs
    n unions rather than n walks of up to n steps.
    """
    rank = {feature: index for index, feature in enumerate(feature_order)}

    def key(node: str) -> tuple[int, str]:
        return (rank.get(str(graph.nodes[node]["feature"]), len(rank)), node)

    def pair(node: str) -> str:
        return twins.get(node, node)

    decisions = list(dict.fromkeys(pair(node) for node in nodes_of_kind(graph, "decision")))
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
    # One bit per decision (the lowest, so that decisions are counted by a mask), then per other
    # record or feature that rests on one; one bit per feature.
    bit = {d: index for index, d in enumerate(decisions)}
    for found in dependents.values():
        for other in found:
            bit.setdefault(other, len(bit))
    feature_bit: dict[str, int] = {}
    feature_of = {node: str(graph.nodes[node]["feature"]) for node in bit}
    for feature in feature_of.values():
        feature_bit.setdefault(feature, len(feature_bit))
    decision_mask = (1 << len(decisions)) - 1

    def leaves(decision: str, bits: Mapping[str, int]) -> int:
        found = 0
        for other in dependents[decision]:
            found |= 1 << bits[other]
        return found

    above: nx.DiGraph[str] = nx.DiGraph()  # decision → the decisions that depend on it
    above.add_nodes_from(decisions)
    above.add_edges_from((d, x) for d, found in dependents.items() for x, y in found.items() if y.kind == "decision")
    def own(decision: str) -> int:
        return (1 << bit[decision]) | leaves(decision, bit)

    leaf_features = {d: leaves(d, {x: feature_bit[feature_of[x]] for x in dependents[d]}) for d in decisions}
    own_features = {d: (1 << feature_bit[feature_of[d]]) | leaf_features[d] for d in decisions}
    groups = nx.condensation(above)
    # Depth-first post-order: each group right after the groups it reaches, so that their bit sets
    # are dropped soon. A topological sort goes generation by generation and kept about half of
    # them at once, each as wide as the portfolio: memory grew with the square of its size.
    counts: dict[str, tuple[int, int, int]] = {}  # (downstream, affected, features): no bit set is kept
    down = list(nx.dfs_postorder_nodes(groups))
    for decision, (union, union_features), cyclic in _unions_over_reach(groups, down, [own, own_features.__getitem__]):
        affected = (union | leaves(decision, bit)) & ~(1 << bit[decision])
        features = union_features | leaf_features[decision]
        if cyclic:  # it reaches itself: its own feature counts only through another record
            own_feature = feature_of[decision]
            if not any(feature_of[x] == own_feature for x in bit if x != decision and affected >> bit[x] & 1):
                features &= ~(1 << feature_bit[own_feature])
        counts[decision] = ((affected & decision_mask).bit_count(), affected.bit_count(), features.bit_count())
    below = groups.reverse(copy=False)
    upstream = {d: (union & ~(1 << bit[d])).bit_count() for d, (union,), _ in _unions_over_reach(
        below, list(nx.dfs_postorder_nodes(below)), [lambda d: 1 << bit[d]])}
    result: dict[str, Impact] = {}
    for decision, found in dependents.items():
        direct = tuple(sorted(found.values(), key=lambda x: key(x.id)))
        downstream, affected_count, features_count = counts[decision]
        result[decision] = Impact(
            rests_on=tuple(sorted(rests_on[decision], key=key)), dependents=direct,
            upstream_count=upstream[decision], downstream_count=downstream, affected_count=affected_count,
            affected_features=features_count, direct_dependents=sum(1 for x in direct if x.kind == "decision"))
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
