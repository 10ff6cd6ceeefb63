"""Constitution: its principles with what the portfolio's gates say of each, its amendments, and
which plans were checked against an older version of it."""

from __future__ import annotations

from plan_portal.render import views
from plan_portal.render.context import Renderer


def render(r: Renderer, src: str) -> list[tuple[str, str]]:
    reports = views.principle_reports(r.features, r.constitution) if r.constitution is not None else []
    unmapped = sum(1 for f in r.features for g in f.gates if g.principle is None)
    return [(src, r.render("constitution.html", src, groups=views.constitution_drift(r.features, r.constitution),
                           reports=reports, unmapped=unmapped,
                           page_size=r.options.page_size))]
