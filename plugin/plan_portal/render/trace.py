"""A feature's traceability page: requirement → tasks, decisions, gates, risks and checklist items."""

from __future__ import annotations

from plan_portal.model.records import Feature
from plan_portal.render import views
from plan_portal.render.context import Renderer


def has_trace(feature: Feature) -> bool:
    """Whether the feature's spec names requirements or stories the page can list."""
    return any(r.kind in views.TRACED_KINDS for r in feature.requirements)


def render(r: Renderer, feature: Feature, src: str) -> str:
    rows = views.trace_rows(feature, r.checked.graph)
    progress = views.progress_row(feature, rows)
    cited = {t.id for row in rows for t in row.tasks}
    untraced = [t for t in feature.task_items if t.id not in cited and not t.requirements]
    return r.render("trace.html", src, f=feature, rows=rows, progress=progress,
                    gaps=sum(1 for row in rows if row.gap), traced=any(t.requirements for t in feature.task_items),
                    untraced=untraced if len(untraced) < len(feature.task_items) else [])
