"""The cross-feature dashboards, one module each, in the order the portal lists them.

A dashboard renders its list over as many pages as the ``page_size`` option needs: it returns
(source path, Markdown) per page, its own page first. A dashboard with a ``plan`` plans its pages
first (see planned), so that ``mkdocs serve`` renders again only those whose content changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from plan_portal.render.context import Renderer
from plan_portal.render.dashboards import (
    constitution,
    decisions,
    gates,
    graph,
    overview,
    owners,
    progress,
    research,
    risks,
    technology,
)
from plan_portal.render.dashboards.planned import PlannedPage


@dataclass(frozen=True, slots=True)
class Dashboard:
    #: The page's file name without ``.md``, and its name in the templates' ``urls``.
    name: str
    #: The page title (the overview's is the ``title`` option).
    title: str
    render: Callable[[Renderer, str], list[tuple[str, str]]]
    #: Pages reached from the dashboard and kept out of the navigation (an owner's page), as
    #: (source path, title, Markdown); rendered in the dashboard's job, after it.
    pages: Callable[[Renderer], list[tuple[str, str, str]]] | None = None
    #: Its pages planned, each rendered on its own (``render`` renders them all).
    plan: Callable[[Renderer, str], list[PlannedPage]] | None = None


DASHBOARDS: tuple[Dashboard, ...] = (
    Dashboard("index", "Overview", overview.render, plan=overview.plan),
    Dashboard("gates", "Gates", gates.render),
    Dashboard("risks", "Risks", risks.render),
    Dashboard("decisions", "Decisions", decisions.render, plan=decisions.plan),
    Dashboard("owners", "Owners", owners.render, owners.owner_pages),
    Dashboard("progress", "Progress", progress.render),
    Dashboard("research", "Research", research.render),
    Dashboard("technology", "Technology", technology.render),
    Dashboard("constitution", "Constitution", constitution.render),
    Dashboard("graph", "Graph", graph.render),
)
DASHBOARD_NAMES = tuple(d.name for d in DASHBOARDS)
