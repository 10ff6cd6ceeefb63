"""Graph: the pictures of feature dependencies and decision dependencies across the portfolio."""

from __future__ import annotations

from plan_portal.render.context import Renderer


def render(r: Renderer, src: str) -> list[tuple[str, str]]:
    href = r.node_href(r.layout.url(src))
    cap = r.options.full_graph_nodes
    return [(src, r.render("graph.html", src, features=r.graphs.features(href, cap),
                           decisions=r.graphs.decisions(href, cap), cap=cap))]
