"""Technology: each feature's Technical Context, the uncommon choices standing out."""

from __future__ import annotations

from plan_portal.render import views
from plan_portal.render.context import Renderer


def render(r: Renderer, src: str) -> list[tuple[str, str]]:
    rows, majority = views.tech_inventory(r.features)
    return [(page_src, r.render(
        "technology.html", page_src, rows=pager.rows(rows), majority=majority, categories=views.TECH_CATEGORIES,
        titles=views.TECH_TITLES, pager=pager)) for page_src, pager in r.pages(src, len(rows))]
