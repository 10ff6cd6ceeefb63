"""Gates: a matrix per phase (features by gate name), then the FAIL and WAIVED gates to act on."""

from __future__ import annotations

from plan_portal.render import views
from plan_portal.render.context import Renderer


def render(r: Renderer, src: str) -> list[tuple[str, str]]:
    unmitigated, mitigated, waived = views.gate_issues(r.features, r.checked.mitigations)
    return [(page_src, r.render(
        "gates.html", page_src, matrices=views.gate_matrices(list(pager.rows(r.features)), r.checked.unmitigated),
        unmitigated=unmitigated, mitigated=mitigated, waived=waived, pager=pager))
        for page_src, pager in r.pages(src, len(r.features))]
