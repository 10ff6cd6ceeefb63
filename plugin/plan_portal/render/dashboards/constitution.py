"""Constitution: features grouped by the constitution version they were planned against."""

from __future__ import annotations

from plan_portal.render import views
from plan_portal.render.context import Renderer


def render(r: Renderer, src: str) -> list[tuple[str, str]]:
    return [(src, r.render("constitution.html", src, groups=views.constitution_drift(r.features)))]
