"""Risks: the heat map of probability by impact, then every risk, highest first."""

from __future__ import annotations

from plan_portal.model.status import LEVELS, risk_level
from plan_portal.render import views
from plan_portal.render.context import Renderer


def render(r: Renderer, src: str) -> list[tuple[str, str]]:
    risks = sorted(((f, risk) for f in r.features for risk in f.risks), key=lambda fr: views.risk_sort_key(fr[1]))
    rank = {level: index for index, level in enumerate(LEVELS)} | {"unknown": -1}
    pages = r.pages(src, len(risks))
    cell_pages = r.first_page_of(pages, [views.cell_anchor(risk.probability, risk.impact) for _, risk in risks])
    heat = views.heat_map([risk for _, risk in risks])
    unrated = sum(1 for _, risk in risks if risk.level == "unknown")
    off_map = sum(1 for _, risk in risks if risk.level != "unknown" and (risk.probability, risk.impact) not in heat)
    rated = views.rated_levels([risk for _, risk in risks])
    return [(page_src, r.render(
        "risks.html", page_src, risks=pager.rows(risks), heat=heat, rated=rated, unrated=unrated, off_map=off_map,
        level_rank=rank, seen_cells=set(), cell_anchor=views.cell_anchor, cell_pages=cell_pages,
        heat_level=risk_level, pager=pager)) for page_src, pager in pages]
