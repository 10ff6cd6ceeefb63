"""Linking again after an edit (``mkdocs serve``): only the features that changed.

The read cache hands back the very Feature object of a feature whose files did not change, so each
feature's links (``FeatureLinks``) are kept by the object's identity and made again only for a new
object. They are still what a fresh link makes while the portfolio-wide things a feature's links
are resolved against (every feature's id and folder, every record's id, local id and kind: the
``Scope``) and the constitution are what they were; when any of them changed, every feature is
linked again.

The graph is then assembled from the features' parts, as ``link`` does. When each feature that
changed adds the same nodes (of the same kinds) and the same edges as before, only texts changed
(labels, statuses, citations): the last graph is patched in place instead, and ``Linked.shape``
stays the last one's so that the checks know its nodes and edges are what they were. A later stage
must not hold a graph from one rebuild to the next expecting it unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plan_portal.link.graph import FeatureLinks, Linked, Scope, assemble, feature_links, feature_nodes
from plan_portal.link.principles import map_gates
from plan_portal.model.records import Constitution, Feature, Portfolio

#: A feature as the others' references see it: id, folder, and each record's id, local id and kind.
Skeleton = tuple[str, str, tuple[tuple[str, str, str], ...]]


def _skeleton(feature: Feature) -> Skeleton:
    records = ([(d.id, d.local_id, "decision") for d in feature.decisions]
               + [(r.id, r.local_id, "risk") for r in feature.risks]
               + [(g.id, g.local_id, "gate") for g in feature.gates])
    return feature.id, feature.path, tuple(records)


def _principles(constitution: Constitution | None) -> tuple[tuple[str, int, str, str], ...] | None:
    """What ``map_gates`` reads of the constitution."""
    if constitution is None:
        return None
    return tuple((p.id, p.number, p.name, p.text) for p in constitution.principles)


def _shape(part: FeatureLinks) -> tuple[object, ...]:
    """The nodes (with their kinds) and edges a feature adds, without their texts."""
    return (tuple((node, attributes["kind"]) for node, attributes in part.nodes),
            tuple((e.source, e.target, e.type) for e in part.edges),
            tuple((node, attributes["kind"]) for node, attributes in part.trace.nodes),
            tuple((e.source, e.target, e.type) for e in part.trace.edges))


@dataclass(slots=True)
class LinkSession:
    """Each feature's links and the last graph, kept between the runs of one ``mkdocs serve``."""

    #: Per Feature object (its id; the object is held, so the id is not reused): its skeleton.
    skeletons: dict[int, tuple[Feature, Skeleton]] = field(default_factory=dict)
    #: The skeletons and the constitution's principles the kept links were resolved against.
    context: tuple[object, ...] | None = None
    scope: Scope | None = None
    #: Per Feature object: its links, as the last run assembled them.
    parts: dict[int, FeatureLinks] = field(default_factory=dict)
    #: The last run's parts in the portfolio's order, and its result.
    order: list[FeatureLinks] = field(default_factory=list)
    last: Linked | None = None
    #: Whether, in the last graph, no two features added the same node and no two share a folder:
    #: then a feature's links do not depend on the other features' links, only on the scope.
    separate: bool = False

    def link(self, portfolio: Portfolio) -> Linked:
        """What ``link(portfolio)`` returns, made again only for the features that changed."""
        try:
            return self._link(portfolio)
        except BaseException:
            self.context = None  # a graph left half patched: link everything next time
            raise

    def _link(self, portfolio: Portfolio) -> Linked:
        features = portfolio.features
        self.skeletons = {id(f): self.skeletons.get(id(f)) or (f, _skeleton(f)) for f in features}
        context = (tuple(self.skeletons[id(f)][1] for f in features), _principles(portfolio.constitution))
        kept = [self.parts.get(id(f)) for f in features]
        if context != self.context or not self.separate or self.scope is None:
            return self._link_all(portfolio, context)
        stale = [i for i, part in enumerate(kept) if part is None or part.feature is not features[i]]
        map_gates([g for i in stale for g in features[i].gates], portfolio.constitution)
        parts = list(kept)
        for i in stale:
            feature = features[i]
            parts[i] = feature_links(feature, feature_nodes(feature), self.scope, set(), set())
        made: list[FeatureLinks] = [part for part in parts if part is not None]
        if not self._patch(made, stale):
            self._store(made, assemble(made))
        assert self.last is not None
        return self.last

    def _link_all(self, portfolio: Portfolio, context: tuple[object, ...]) -> Linked:
        map_gates(portfolio.gates, portfolio.constitution)
        nodes = [feature_nodes(feature) for feature in portfolio.features]
        self.scope = Scope.of(portfolio, nodes)
        seen: set[tuple[str, str, str]] = set()
        cited: set[tuple[str, int, str]] = set()
        parts = [feature_links(feature, found, self.scope, seen, cited)
                 for feature, found in zip(portfolio.features, nodes, strict=True)]
        self.context = context
        return self._store(parts, assemble(parts))

    def _store(self, parts: list[FeatureLinks], linked: Linked) -> Linked:
        added = sum(len({node for node, _ in [*part.nodes, *part.trace.nodes]}) for part in parts)
        folders = {part.feature.path for part in parts}
        self.separate = added == linked.graph.number_of_nodes() and len(folders) == len(parts)
        self.parts = {id(part.feature): part for part in parts}
        self.order, self.last = parts, linked
        return linked

    def _patch(self, parts: list[FeatureLinks], stale: list[int]) -> bool:
        """Patch the last graph with the stale features' new texts, when their nodes and edges are the
        ones they replace (in the same places): the graph is then the one ``assemble`` would make."""
        last, order = self.last, self.order
        if last is None or len(parts) != len(order):
            return False
        stale_at = set(stale)
        if any(part is not old for i, (part, old) in enumerate(zip(parts, order, strict=True)) if i not in stale_at):
            return False
        if any(_shape(parts[i]) != _shape(order[i]) for i in stale):
            return False
        graph = last.graph
        for i in stale:
            part, old = parts[i], order[i]
            for node, attributes in [*part.nodes, *part.trace.nodes]:
                graph.nodes[node].update(attributes)
            for edge, place in zip(part.edges, old.places, strict=True):
                data = graph.edges[edge.source, edge.target, edge.type]
                data["citations"][place] = edge.citation
                if place == 0:
                    data["citation"] = edge.citation
            for edge, joined in zip(part.trace.edges, old.joined, strict=True):
                if joined:
                    data = graph.edges[edge.source, edge.target, edge.type]
                    data["citation"] = edge.citation
                    data["citations"][0] = edge.citation
            part.places, part.joined = old.places, old.joined
        edges = [edge for part in parts for edge in part.edges]
        edges += [edge for part in parts for edge, joined in zip(part.trace.edges, part.joined, strict=True) if joined]
        self.parts = {id(part.feature): part for part in parts}
        self.order = parts
        self.last = Linked(graph, edges, [d for part in parts for d in part.diagnostics],
                           [part.trace.plan_citations for part in parts], last.shape)
        return True
