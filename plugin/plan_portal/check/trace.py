"""Traceability checks: requirements no task cites, ids cited that the spec does not define, stories
without tasks and tasks without a story.

A feature with no tasks yet (no tasks.md, or none in it) gets none of them: its plan is still being
written. Ids are checked against spec.md only when the feature has one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from plan_portal.diagnostics import Diagnostic, diagnostic
from plan_portal.link import PortfolioGraph
from plan_portal.link.trace import PlanCitation
from plan_portal.model.citations import resolve, split_id
from plan_portal.model.records import Feature, Source, Task
from plan_portal.model.trace import citable, stories_mentioned

#: Requirement kinds a task is expected to cite.
COVERED_KINDS = frozenset({"functional", "non-functional"})
_KIND_OF_FAMILY = {"FR": "functional", "NFR": "non-functional"}
#: Phases whose tasks serve every story: no story tag is expected there.
_SHARED_PHASE = re.compile(r"\b(?:setup|foundation\w*|polish|cross[- ]cutting|infrastructure|final)\b", re.I)


def _family(local_id: str) -> str:
    """What an id is: ``FR``, ``SC``, ``FR-AUTH``, ``US`` for stories."""
    parts = split_id(local_id)
    return parts[0] if parts is not None else "US"


def _citers(feature: Feature, plan_cited: list[PlanCitation]) -> Iterator[tuple[str, Source, list[str]]]:
    """(what cites, where, the ids it cites) for tasks, checklist items, and plan records."""
    for task in feature.task_items:
        ids = [task.story, *task.requirements] if task.story_tagged else task.requirements
        yield task.local_id, task.source, ids
    for item in feature.checklist_items:
        yield item.local_id, item.source, item.requirements
    for record, _, ids in plan_cited:
        yield record.local_id, record.source, ids


def _dangling(feature: Feature, plan_cited: list[PlanCitation]) -> list[Diagnostic]:
    """Ids cited that the spec does not define, of the families it defines (none when it defines no ids)."""
    if feature.spec is None:
        return []
    defined, _ = citable(feature.requirements)
    families = {_family(i) for i in defined}
    found = []
    for citer, source, ids in _citers(feature, plan_cited):
        for local in dict.fromkeys(ids):
            if resolve(local, defined) is None and _family(local) in families:
                found.append(diagnostic("dangling-requirement-ref", source.path, source.line,
                                        f"{citer} cites {local}, which {feature.spec.path} does not define"))
    return found


def _implemented(graph: PortfolioGraph, node: str) -> bool:
    return any(graph.nodes[a]["kind"] == "task" for a, _, t in graph.in_edges(node, keys=True) if t == "implements")


def _cites_requirements(feature: Feature) -> bool:
    """Whether any task cites a functional or non-functional requirement id, defined or not."""
    kinds = {r.local_id: r.kind for r in feature.requirements}
    return any(kinds.get(i, _KIND_OF_FAMILY.get(_family(i).split("-")[0])) in COVERED_KINDS
               for task in feature.task_items for i in task.requirements)


def _uncovered(feature: Feature, graph: PortfolioGraph) -> list[Diagnostic]:
    """Each requirement no task cites. When no task cites any, the feature's tasks do not trace to
    requirement ids at all (spec-kit's task template does not ask them to): that is one note,
    ``untraced-tasks``, at the first requirement, not a warning per requirement."""
    if not feature.task_items or feature.tasks is None:
        return []
    uncovered = [r for r in feature.requirements
                 if r.kind in COVERED_KINDS and r.id in graph and not _implemented(graph, r.id)]
    if not uncovered:
        return []
    if not _cites_requirements(feature):
        first = uncovered[0]
        ids = f"{first.local_id} … {uncovered[-1].local_id}" if len(uncovered) > 1 else first.local_id
        return [diagnostic("untraced-tasks", first.source.path, first.source.line,
                           f"no task in {feature.tasks.path} cites a requirement id: coverage of the "
                           f"{len(uncovered)} requirements ({ids}) cannot be checked")]
    return [
        diagnostic("uncovered-requirement", r.source.path, r.source.line,
                   f"{r.local_id} is cited by no task in {feature.tasks.path}")
        for r in uncovered
    ]


def _uses_stories(tasks: list[Task]) -> bool:
    return any(t.story_tagged for t in tasks)


def _stories(feature: Feature, graph: PortfolioGraph) -> list[Diagnostic]:
    """Stories no task is tagged with or cites, and no heading over tasks mentions."""
    if not feature.task_items or feature.tasks is None or not _uses_stories(feature.task_items):
        return []
    headings = {title for t in feature.task_items for title in (t.phase, t.section)}
    phases = {story for title in headings for story in stories_mentioned(title)}
    return [
        diagnostic("story-without-tasks", r.source.path, r.source.line,
                   f"user story {r.local_id} ({r.title}) has no task in {feature.tasks.path}")
        for r in feature.requirements
        if r.kind == "user-story" and r.id in graph and r.local_id not in phases and not _implemented(graph, r.id)
    ]


def _storyless(feature: Feature) -> list[Diagnostic]:
    """Tasks without a story tag in a phase whose heading names a story or whose other tasks carry
    story tags (not in Setup, Foundational or Polish phases, whose tasks serve every story)."""
    if not _uses_stories(feature.task_items):
        return []
    tagged_phases = {t.phase for t in feature.task_items if t.story_tagged}
    found = []
    for task in feature.task_items:
        if task.story_tagged or _SHARED_PHASE.search(task.phase):
            continue
        if task.story:
            why = f"its phase is {task.story}'s"
        elif task.phase in tagged_phases:
            why = "other tasks of its phase carry one"
        else:
            continue
        found.append(diagnostic("task-without-story", task.source.path, task.source.line,
                                f"{task.local_id} has no story tag, but {why}"))
    return found


def check_trace(features: list[Feature], graph: PortfolioGraph,
                plan_citations: list[list[PlanCitation]]) -> list[Diagnostic]:
    """``plan_citations``: per feature, its plan records' citations of its spec's ids (``Linked``'s)."""
    found: list[Diagnostic] = []
    for feature, plan_cited in zip(features, plan_citations, strict=True):
        if not feature.task_items:
            continue
        found += (_dangling(feature, plan_cited) + _uncovered(feature, graph) + _stories(feature, graph)
                  + _storyless(feature))
    return found
