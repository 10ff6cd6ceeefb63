"""Research: open clarifications and unresolved research items across features."""

from __future__ import annotations

from plan_portal.render.context import Renderer


def render(r: Renderer, src: str) -> list[tuple[str, str]]:
    clarifications = [(f, c) for f in r.features for c in f.clarifications]
    research = [(f, item) for f in r.features for item in f.research if not item.done]
    return [(page_src, r.render(
        "research.html", page_src, clarifications=pager.rows(clarifications), research=pager.rows(research),
        clarification_count=len(clarifications), research_count=len(research), pager=pager))
        for page_src, pager in r.pages(src, max(len(clarifications), len(research)))]
