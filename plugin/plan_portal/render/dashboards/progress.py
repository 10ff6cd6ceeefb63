"""Progress: every feature's stage, tasks done, requirements covered and open clarifications."""

from __future__ import annotations

from plan_portal.render import views
from plan_portal.render.context import Renderer
from plan_portal.render.trace import has_trace


def render(r: Renderer, src: str) -> list[tuple[str, str]]:
    rows = views.progress_rows(r.features, r.checked.graph)
    return [(page_src, r.render("progress.html", page_src, rows=list(pager.rows(rows)),
                                pager=pager, stages=views.STAGES,
                                stage_counts={s: sum(1 for row in rows if row.stage == s) for s in views.STAGES},
                                traced={f.id for f in r.features if has_trace(f)}))
            for page_src, pager in r.pages(src, len(rows))]
