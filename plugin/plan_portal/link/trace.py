"""Traceability links: tasks implement requirements and stories, decisions address them, gates and
risks cite them, checklist items review them. All in the portfolio graph, within each feature (a
requirement id means something only in its own feature's spec).

Requirements with an id (``FR-001``, ``US1``), tasks and checklist items are graph nodes of kinds
``requirement``, ``task`` and ``checklist-item``; the graph pictures and a record's list of links
leave them out (``TRACE_KINDS``).
"""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from plan_portal.model.citations import cited_ids, resolve
from plan_portal.model.records import Decision, Edge, Feature, Gate, Portfolio, Risk, Source
from plan_portal.model.trace import citable

#: Node kinds of traceability records.
TRACE_KINDS = frozenset({"requirement", "task", "checklist-item"})
_DECISION_FIELDS = ("title", "choice", "context", "rationale", "alternatives", "follow_up")


def _record_texts(record: Decision | Risk | Gate) -> Iterator[str]:
    if isinstance(record, Decision):
        yield from (getattr(record, name) for name in _DECISION_FIELDS)
    elif isinstance(record, Risk):
        yield from (record.description, record.mitigation, record.trigger)
    else:
        yield from (record.name, record.evidence)
    yield from record.extra.values()


PlanRecord = Decision | Risk | Gate
#: A plan record that cites requirement or story ids of its feature: (record, link type, ids cited).
PlanCitation = tuple[PlanRecord, str, list[str]]


def plan_citations(feature: Feature, defined: set[str] | None) -> Iterator[PlanCitation]:
    """(record, link type, ids cited) for each decision, gate and risk of plan.md and research.md
    that cites requirement or story ids (FR, NFR, SC and stories only: plans number their own
    records with other prefixes)."""
    records: list[Decision | Risk | Gate] = [*feature.decisions, *feature.gates, *feature.risks]
    for record in records:
        ids = cited_ids(" \n ".join(t for t in _record_texts(record) if t), defined)
        if ids:
            yield record, ("addresses" if isinstance(record, Decision) else "cites"), ids


def link_trace(portfolio: Portfolio, graph: nx.MultiDiGraph[str]) -> tuple[list[Edge], list[list[PlanCitation]]]:
    """Add the traceability nodes and links of every feature to ``graph``; the links, in order, and
    per feature (in the portfolio's order) its plan records' citations of its spec's ids: none where
    the spec defines no ids. The checks read them from here rather than scan the records again."""
    edges: list[Edge] = []
    cited: list[list[PlanCitation]] = []

    def add(source: str, target: str, kind: str, citation: Source) -> None:
        if graph.has_edge(source, target, key=kind):
            return
        graph.add_edge(source, target, key=kind, type=kind, citation=citation, citations=[citation])
        edges.append(Edge(source, target, kind, citation))

    for feature in portfolio.features:
        defined, _ = citable(feature.requirements)
        node_of: dict[str, str] = {}
        for requirement in feature.requirements:
            if requirement.local_id in defined:
                node_of[requirement.local_id] = requirement.id
                graph.add_node(requirement.id, kind="requirement", feature=feature.id, local=requirement.local_id,
                               label=requirement.title or requirement.text, status=requirement.kind)
        for task in feature.task_items:
            graph.add_node(task.id, kind="task", feature=feature.id, local=task.local_id, label=task.text,
                           status="done" if task.done else "open")
            targets = [task.story, *task.requirements] if task.story else task.requirements
            for local in targets:
                target = resolve(local, node_of)
                if target is not None:
                    add(task.id, node_of[target], "implements", task.source)
        for item in feature.checklist_items:
            graph.add_node(item.id, kind="checklist-item", feature=feature.id, local=item.local_id, label=item.text,
                           status="checked" if item.checked else "open")
            for local in item.requirements:
                target = resolve(local, node_of)
                if target is not None:
                    add(item.id, node_of[target], "reviews", item.source)
        citations = list(plan_citations(feature, defined)) if node_of else []
        cited.append(citations)
        for record, kind, ids in citations:
            for local in ids:
                target = resolve(local, node_of)
                if target is not None:
                    add(record.id, node_of[target], kind, record.source)
    return edges, cited
