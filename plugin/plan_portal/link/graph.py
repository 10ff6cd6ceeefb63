"""Stage 4: one networkx MultiDiGraph over features, decisions, risks and gates.

Edges run from the record that cites to the record cited (``A`` depends-on ``B`` when A's text
says "depends on B"); "X is superseded by Y" is stored as Y supersedes X, so that every
supersedes edge reads the same way. An edge's key is its type (one edge per source, target and
type, holding every citation of that link).

Each feature's links are made on their own (``feature_links``: its nodes, its citations in order,
its diagnostics, its traceability) against the portfolio-wide ``Scope``, and ``assemble`` adds them
to the graph feature by feature; ``link.session`` keeps them between ``mkdocs serve`` rebuilds.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeAlias

import networkx as nx

from plan_portal.diagnostics import Diagnostic, diagnostic
from plan_portal.link.principles import map_gates
from plan_portal.link.references import FeatureIndex, Reference, Resolver, words_before
from plan_portal.link.trace import FeatureTrace, PlanCitation, feature_trace
from plan_portal.model.records import Decision, Edge, Feature, Gate, Mention, Portfolio, Risk, Source
from plan_portal.model.text import anchor, strip_markup

#: Text fields scanned per record kind, each with the link type its column implies.
_DECISION_FIELDS = ("title", "choice", "context", "rationale", "alternatives", "follow_up")


PortfolioGraph: TypeAlias = "nx.MultiDiGraph[str]"


@dataclass(slots=True)
class Linked:
    graph: PortfolioGraph
    edges: list[Edge]
    diagnostics: list[Diagnostic]
    #: Per feature, in the portfolio's order: its plan records' citations of its spec's ids.
    plan_citations: list[list[PlanCitation]]
    #: Stands for the graph's nodes with their kinds and features, and its edges: a later run that
    #: changed only texts (labels, statuses, citations) hands on the same object (link.session).
    shape: object = field(default_factory=object)


def typed_edges(graph: PortfolioGraph) -> list[tuple[str, str, str]]:
    """Every edge as (source, target, type): an edge's key is its type."""
    return [(a, b, kind) for a, b, kind in graph.edges(keys=True)]  # list() would count them first


def nodes_of_kind(graph: PortfolioGraph, kind: str) -> list[str]:
    return [n for n, attributes in graph.nodes(data=True) if attributes["kind"] == kind]


def edges_of_type(graph: PortfolioGraph, kind: str) -> list[tuple[str, str]]:
    return [(a, b) for a, b, t in typed_edges(graph) if t == kind]


def depends_on_graph(graph: PortfolioGraph) -> nx.DiGraph[str]:
    """Decisions only, with an edge A → B when A depends on B."""
    decisions: nx.DiGraph[str] = nx.DiGraph()
    decisions.add_nodes_from(nodes_of_kind(graph, "decision"))
    decisions.add_edges_from((a, b) for a, b in edges_of_type(graph, "depends-on") if a in decisions and b in decisions)
    return decisions


def _anchor_key(local_id: str) -> str:
    return anchor(local_id).lower()


def resolver_for(portfolio: Portfolio) -> Resolver:
    records: set[str] = set()
    anchors: dict[str, dict[str, str]] = {}
    for feature in portfolio.features:
        table = anchors.setdefault(feature.id, {})
        records_of_feature: list[Decision | Risk | Gate] = [*feature.decisions, *feature.risks, *feature.gates]
        for record in records_of_feature:
            records.add(record.id)
            table.setdefault(_anchor_key(record.local_id), record.id)
    return Resolver(records, {f.id for f in portfolio.features}, {f.path: f.id for f in portfolio.features}, anchors)


def _texts(feature: Feature) -> Iterator[tuple[Decision | Risk | Gate, str, str]]:
    """(record, text, type implied by the column) for every scanned field."""
    for decision in feature.decisions:
        if decision.status == "superseded":  # "Superseded by ADR-005", "Replaced by ADR-005"
            yield decision, decision.raw_status, "superseded-by"
        for name in _DECISION_FIELDS:
            yield decision, getattr(decision, name), ""
        for value in decision.extra.values():
            yield decision, value, ""
    for risk in feature.risks:
        yield risk, risk.mitigation, "mitigated-by"
        for value in (risk.description, risk.trigger, *risk.extra.values()):
            yield risk, value, ""
    for gate in feature.gates:
        yield gate, gate.evidence, "evidenced-by"
        for value in gate.extra.values():
            yield gate, value, ""


def _edge_type(record: Decision | Risk | Gate, column: str, reference: Reference, target_kind: str) -> str:
    """The column decides for risks and gates; words decide for decisions and for features cited;
    relates-to otherwise."""
    if target_kind == "feature":
        return reference.words or "relates-to"
    if column == "mitigated-by" and target_kind == "decision":
        return column
    if column == "evidenced-by" and target_kind in ("decision", "risk"):
        return column
    if column == "superseded-by" or reference.words == "superseded-by":
        return "superseded-by"
    if reference.words == "required-by" and isinstance(record, Decision) and target_kind == "decision":
        return "required-by"
    if reference.words in ("depends-on", "supersedes") and isinstance(record, Decision) and target_kind == "decision":
        return reference.words
    return "relates-to"


Record: TypeAlias = Decision | Risk | Gate


def _folded(text: str, plain: bool = True) -> str:
    """Text compared without case or line breaks (and markup, when ``plain``): a record's fields
    against its source lines."""
    return " ".join((strip_markup(text) if plain else text).casefold().split())


def _last_words(text: str, count: int) -> str:
    return " ".join(text.split()[-count:])


#: Type words count for a mention of a feature when they stand this close before it ("builds on
#: feature 004", "superseded by spec 019"): further back they speak of something else.
_TYPE_WORDS_REACH = 6


class _Citers:
    """Which record of a feature a line of its files falls in, by the records' first lines.

    A record keeps only its first line, so a mention below it belongs to it when the record's own
    text holds the mention; the field that holds it gives the column (a risk's Mitigation …).
    """

    def __init__(self, feature: Feature) -> None:
        self.by_file: dict[str, list[tuple[int, int, Record]]] = {}
        records: list[Record] = [*feature.decisions, *feature.risks, *feature.gates]
        for index, record in enumerate(records):
            self.by_file.setdefault(record.source.path, []).append((record.source.line, index, record))
        for rows in self.by_file.values():
            rows.sort(key=lambda row: row[:2])
        #: Per record: each scanned field with its column; folded only when a mention asks.
        self.texts: dict[str, list[tuple[str, str]]] = {}
        for record, text, column in _texts(feature):
            if text:
                self.texts.setdefault(record.id, []).append((text, column))
        for gate in feature.gates:
            self.texts.setdefault(gate.id, []).append((gate.name, ""))
        self.fields: dict[str, list[tuple[str, str, str]]] = {}

    def _folded_fields(self, record: Record) -> list[tuple[str, str, str]]:
        """The record's fields folded as written and without markup, with their columns."""
        fields = self.fields.get(record.id)
        if fields is None:
            fields = [(_folded(text, False), _folded(text), column) for text, column in self.texts.get(record.id, [])]
            self.fields[record.id] = fields
        return fields

    def _column(self, record: Record, text: str) -> str | None:
        """The column of the record's field that holds ``text``, or None."""
        keys = {_folded(text, False), _folded(text)} - {""}
        return next((column for raw, plain, column in self._folded_fields(record)
                     if any(key in raw or key in plain for key in keys)), None)

    def find(self, mention: Mention) -> tuple[Record | None, str]:
        rows = self.by_file.get(mention.source.path)
        if not rows:
            return None, ""
        line = mention.source.line
        # Below its first line, a record holds the mention with the words before it: a short number
        # alone ("021") may be in any record (FR-021).
        in_context = f"{_last_words(mention.before, 2)} {mention.written}"
        last = bisect.bisect_right(rows, (line, len(rows)), key=lambda row: row[:2])
        for start, _, record in reversed(rows[max(0, last - 3):last]):
            if start == line:
                return record, self._column(record, mention.written) or ""
            column = self._column(record, in_context)
            if column is not None:
                return record, column
        return None, ""


def feature_nodes(feature: Feature) -> list[tuple[str, dict[str, str]]]:
    """The feature's node and its records', with their attributes, in the order they join the graph."""
    nodes: list[tuple[str, dict[str, str]]] = [
        (feature.id, {"kind": "feature", "feature": feature.id, "label": feature.title})]
    for decision in feature.decisions:
        nodes.append((decision.id, {"kind": "decision", "feature": feature.id, "local": decision.local_id,
                                    "label": decision.title, "status": decision.status}))
    for risk in feature.risks:
        nodes.append((risk.id, {"kind": "risk", "feature": feature.id, "local": risk.local_id,
                                "label": risk.description, "status": risk.level}))
    for gate in feature.gates:
        nodes.append((gate.id, {"kind": "gate", "feature": feature.id, "local": gate.local_id, "label": gate.name,
                                "status": gate.status}))
    return nodes


@dataclass(slots=True)
class Scope:
    """What a feature's references resolve against: every feature and record of the portfolio."""

    resolver: Resolver
    index: FeatureIndex
    #: Feature and record node → (kind, feature), as the graph holds them before traceability nodes.
    nodes: dict[str, tuple[str, str]]

    @classmethod
    def of(cls, portfolio: Portfolio, nodes: Iterable[list[tuple[str, dict[str, str]]]]) -> Scope:
        """``nodes``: each feature's ``feature_nodes``, in the portfolio's order."""
        kinds = {node: (attributes["kind"], attributes["feature"]) for found in nodes for node, attributes in found}
        resolver = resolver_for(portfolio)
        return cls(resolver, FeatureIndex.of(portfolio.features, resolver.anchors), kinds)


@dataclass(slots=True)
class FeatureLinks:
    """What linking one feature adds to the graph, in the order ``assemble`` adds it."""

    feature: Feature
    nodes: list[tuple[str, dict[str, str]]]
    #: Every citation the feature makes, in order: several of one link are that edge's citations.
    edges: list[Edge]
    diagnostics: list[Diagnostic]
    trace: FeatureTrace
    #: Set by ``assemble``: each of ``edges``' place in its graph edge's citations.
    places: list[int] = field(default_factory=list)
    #: Set by ``assemble``: whether each of ``trace.edges`` joined the graph (not there before).
    joined: list[bool] = field(default_factory=list)


def feature_links(feature: Feature, nodes: list[tuple[str, dict[str, str]]], scope: Scope,
                  seen: set[tuple[str, str, str]], cited: set[tuple[str, int, str]]) -> FeatureLinks:
    """The feature's links: its ``depends_on``, its records' references, its mentions of other
    features. ``seen`` and ``cited`` are shared by the features of one portfolio."""
    resolver, index, kinds = scope.resolver, scope.index, scope.nodes
    edges: list[Edge] = []
    diagnostics: list[Diagnostic] = []

    def add(source: str, target: str, kind: str, citation: Source, per_line: bool = False) -> None:
        """One edge per link, or with ``per_line`` one per (citing line, target): a feature cited
        on ten lines is ten citations of one link in the graph."""
        if kind == "superseded-by":  # stored as the other decision superseding this one
            source, target, kind = target, source, "supersedes"
        elif kind == "required-by":  # "required by B": B depends on this one
            source, target, kind = target, source, "depends-on"
        if source == target or (not per_line and (source, target, kind) in seen):
            return
        seen.add((source, target, kind))
        edges.append(Edge(source, target, kind, citation))

    for other in feature.depends_on:
        citation = feature.depends_on_source or Source(f"{feature.path}/plan.md", 1)
        if other in resolver.features:
            add(feature.id, other, "feature-depends-on", citation)
        else:
            diagnostics.append(diagnostic("dangling-reference", citation.path, citation.line,
                                          f"{feature.id} depends_on {other!r}, which is not a feature"))
    for record, text, column in _texts(feature):
        for reference in resolver.find(text, feature.id, feature.path):
            if reference.target is None:
                diagnostics.append(diagnostic(
                    "dangling-reference", record.source.path, record.source.line,
                    f"{record.id} cites {reference.written}, which does not exist"))
                continue
            if reference.target == record.id or kinds[reference.target][1] != feature.id:
                continue  # other features: from the mentions, each with its own line
            target_kind = kinds[reference.target][0]
            add(record.id, reference.target, _edge_type(record, column, reference, target_kind), record.source)
    citers = _Citers(feature)
    for mention in feature.mentions:
        target = index.resolve(mention)
        if target is None or kinds[target][1] == feature.id:
            continue  # unknown, ambiguous, or the feature itself
        place = (mention.source.path, mention.source.line, target)
        if place in cited:
            continue
        cited.add(place)
        near = _last_words(mention.before, _TYPE_WORDS_REACH)
        reference = Reference(target, mention.written, words_before(near, len(near)))
        target_kind = kinds[target][0]
        citing, column = citers.find(mention)
        if citing is None:  # prose outside the records: the feature cites
            add(feature.id, target, reference.words or "relates-to", mention.source, per_line=True)
        else:
            add(citing.id, target, _edge_type(citing, column, reference, target_kind), mention.source,
                per_line=True)
    return FeatureLinks(feature, nodes, edges, diagnostics, feature_trace(feature))


def assemble(parts: list[FeatureLinks]) -> Linked:
    """The graph of the features' links: every feature's nodes, then every feature's links, then
    every feature's traceability nodes and links. Sets each part's ``places`` and ``joined``."""
    graph: PortfolioGraph = nx.MultiDiGraph()
    for part in parts:
        for node, attributes in part.nodes:
            graph.add_node(node, **attributes)
    edges: list[Edge] = []
    for part in parts:
        part.places = []
        for edge in part.edges:
            if graph.has_edge(edge.source, edge.target, key=edge.type):
                citations = graph.edges[edge.source, edge.target, edge.type]["citations"]
                part.places.append(len(citations))
                citations.append(edge.citation)
            else:
                part.places.append(0)
                _add_link(graph, edge)
        edges += part.edges
    for part in parts:
        for node, attributes in part.trace.nodes:
            graph.add_node(node, **attributes)
        part.joined = []
        for edge in part.trace.edges:
            joined = not graph.has_edge(edge.source, edge.target, key=edge.type)
            part.joined.append(joined)
            if joined:
                _add_link(graph, edge)
                edges.append(edge)
    return Linked(graph, edges, [d for part in parts for d in part.diagnostics],
                  [part.trace.plan_citations for part in parts])


def _add_link(graph: PortfolioGraph, edge: Edge) -> None:
    """The graph edge of a link cited first by ``edge``: later citations join its ``citations``."""
    graph.add_edge(edge.source, edge.target, key=edge.type, type=edge.type, citation=edge.citation,
                   citations=[edge.citation])


def link(portfolio: Portfolio) -> Linked:
    map_gates(portfolio.gates, portfolio.constitution)
    nodes = [feature_nodes(feature) for feature in portfolio.features]
    scope = Scope.of(portfolio, nodes)
    seen: set[tuple[str, str, str]] = set()
    cited: set[tuple[str, int, str]] = set()
    return assemble([feature_links(feature, found, scope, seen, cited)
                     for feature, found in zip(portfolio.features, nodes, strict=True)])


def dependency_order(graph: PortfolioGraph, feature_ids: list[str]) -> list[str]:
    """Features ordered so that each comes after the features it depends on, ties by id.

    Cycles among features are kept together (in id order) where the graph does not allow an order.
    """
    features: nx.DiGraph[str] = nx.DiGraph()
    features.add_nodes_from(feature_ids)
    features.add_edges_from((b, a) for a, b, t in typed_edges(graph) if t == "feature-depends-on")
    condensed = nx.condensation(features)
    ordered_components = nx.lexicographical_topological_sort(
        condensed, key=lambda c: min(condensed.nodes[c]["members"]))
    return [n for c in ordered_components for n in sorted(condensed.nodes[c]["members"])]
