"""Traceability links: tasks implement requirements and stories, decisions address them, gates and
risks cite them, checklist items review them. All in the portfolio graph, within each feature (a
requirement id means something only in its own feature's spec).

Requirements with an id (``FR-001``, ``US1``), tasks and checklist items are graph nodes of kinds
``requirement``, ``task`` and ``checklist-item``; the graph pictures and a record's list of links
leave them out (``TRACE_KINDS``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from plan_portal.model.citations import cited_ids, resolve
from plan_portal.model.records import Decision, Edge, Feature, Gate, Risk
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


@dataclass(slots=True)
class FeatureTrace:
    """One feature's traceability records and links, for ``link`` to add to the graph."""

    #: (node, attributes) in the order they join the graph: requirements, tasks, checklist items.
    nodes: list[tuple[str, dict[str, str]]]
    #: The links, in order; one already in the graph (same ends and type) is not added again.
    edges: list[Edge]
    #: Its plan records' citations of its spec's ids: none where the spec defines no ids. The
    #: checks read them from here rather than scan the records again.
    plan_citations: list[PlanCitation]


def feature_trace(feature: Feature) -> FeatureTrace:
    """The traceability nodes and links of one feature (they stay within it)."""
    nodes: list[tuple[str, dict[str, str]]] = []
    edges: list[Edge] = []
    defined, _ = citable(feature.requirements)
    node_of: dict[str, str] = {}
    for requirement in feature.requirements:
        if requirement.local_id in defined:
            node_of[requirement.local_id] = requirement.id
            nodes.append((requirement.id, {"kind": "requirement", "feature": feature.id, "local": requirement.local_id,
                                           "label": requirement.title or requirement.text,
                                           "status": requirement.kind}))
    for task in feature.task_items:
        nodes.append((task.id, {"kind": "task", "feature": feature.id, "local": task.local_id, "label": task.text,
                                "status": "done" if task.done else "open"}))
        targets = [task.story, *task.requirements] if task.story else task.requirements
        for local in targets:
            target = resolve(local, node_of)
            if target is not None:
                edges.append(Edge(task.id, node_of[target], "implements", task.source))
    for item in feature.checklist_items:
        nodes.append((item.id, {"kind": "checklist-item", "feature": feature.id, "local": item.local_id,
                                "label": item.text, "status": "checked" if item.checked else "open"}))
        for local in item.requirements:
            target = resolve(local, node_of)
            if target is not None:
                edges.append(Edge(item.id, node_of[target], "reviews", item.source))
    citations = list(plan_citations(feature, defined)) if node_of else []
    for record, kind, ids in citations:
        for local in ids:
            target = resolve(local, node_of)
            if target is not None:
                edges.append(Edge(record.id, node_of[target], kind, record.source))
    return FeatureTrace(nodes, edges, citations)
