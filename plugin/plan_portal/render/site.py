"""Every page of the portal from a checked portfolio, as Markdown with HTML blocks, in nav order.

Render is pure: it reads no file and decides no verdict; what it shows comes from the
``CheckedPortfolio``. Pages render on every core (see plan_portal.parallel), each from a
``RenderJob`` that a worker process may receive pickled.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from plan_portal.checked import CheckedPortfolio
from plan_portal.compare import Comparison
from plan_portal.export import TABLES, feature_parts, table_json, tables_document
from plan_portal.export_csv import export_csv
from plan_portal.parallel import map_jobs
from plan_portal.render.changes import page_title
from plan_portal.render.context import TRACE_PAGE, Renderer
from plan_portal.render.dashboards import DASHBOARD_NAMES, DASHBOARDS, Dashboard
from plan_portal.render.dashboards import changes as changes_dashboard
from plan_portal.render.dashboards.planned import PlannedPage
from plan_portal.render.environment import environment
from plan_portal.render.feature import impact_pages
from plan_portal.render.feature import render as render_feature
from plan_portal.render.files import file_pages
from plan_portal.render.page import PortalPage, generated_page
from plan_portal.render.reuse import Reuse, fingerprints, page_fingerprints
from plan_portal.render.trace import has_trace
from plan_portal.render.trace import render as render_trace
from plan_portal.render.urls import Layout, file_url
from plan_portal.settings import RenderOptions

log = logging.getLogger(__name__)

#: The tables each dashboard offers as downloads.
DOWNLOADS: dict[str, tuple[str, ...]] = {
    "index": ("features",), "gates": ("gates",), "risks": ("risks",), "decisions": ("decisions",),
    "technology": ("technology",), "owners": ("owners",), "constitution": ("gates",),
}


def data_files(checked: CheckedPortfolio, layout: Layout, reuse: Reuse | None = None) -> Iterator[PortalPage]:
    """The downloads, one at a time: each of ``export.TABLES`` as CSV and compact JSON (which json
    writes in C, in a third of the memory that indented JSON takes). The whole export is not among
    them: ``plan-portal export`` writes it, and on a large portfolio it would double the downloads'
    size and the build's memory. With ``reuse`` (``mkdocs serve``) each feature's part of the
    document, and its rows of each table, are the last render's when the feature did not change:
    a table is joined again from the rows of every feature only when what it reads changed."""
    if reuse is None:
        document = tables_document(checked)
    else:
        feature_parts(checked, reuse.export_part)
    for name in TABLES:
        for kind in ("csv", "json"):
            download = f"{name}.{kind}"
            if reuse is not None:
                text = reuse.downloads.download(download)
            else:
                text = export_csv(name, document) if kind == "csv" else table_json(name, document)
            yield PortalPage(layout.data_src(download), name, "data", text)
    if reuse is not None:
        reuse.downloads.exported()


def _after_heading(markdown: str, head: str) -> str:
    """``head`` placed after the page's first-level heading (before everything else when it has none)."""
    start = 0
    for line in markdown.splitlines(keepends=True):
        start += len(line)
        if line.startswith("# "):
            return f"{markdown[:start]}\n{head}\n{markdown[start:]}"
    return f"{head}\n\n{markdown}"


@dataclass(slots=True)
class RenderJob:
    """Renders page group ``index``: the dashboards, the changes page, then one per feature.

    It holds only data, so that it pickles for spawned workers; the renderer (templates loaded,
    shared views computed) is made in whichever process first renders.
    """

    checked: CheckedPortfolio
    layout: Layout
    base: Path
    options: RenderOptions
    templates: Path | None = None
    comparison: Comparison | None = None
    _renderer: Renderer | None = field(default=None, repr=False)
    #: Dashboard job index → its planned pages, planned once per process.
    _plans: dict[int, list[PlannedPage]] = field(default_factory=dict, repr=False)

    def __getstate__(self) -> dict[str, object]:
        return {"checked": self.checked, "layout": self.layout, "base": self.base, "options": self.options,
                "templates": self.templates, "comparison": self.comparison}

    def __setstate__(self, state: dict[str, object]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        self._renderer = None
        self._plans = {}

    @property
    def renderer(self) -> Renderer:
        if self._renderer is None:
            self._renderer = Renderer(environment(self.templates), self.checked, self.layout, self.options,
                                      self.comparison, DASHBOARD_NAMES)
        return self._renderer

    @property
    def count(self) -> int:
        return len(DASHBOARDS) + (self.comparison is not None) + len(self.renderer.features)

    @property
    def names(self) -> list[str]:
        """Each job's name, in order: ``dashboard:<name>``, ``changes``, ``feature:<id>``."""
        return ([f"dashboard:{d.name}" for d in DASHBOARDS] + ["changes"] * (self.comparison is not None)
                + [f"feature:{f.id}" for f in self.renderer.features])

    def fingerprints(self, reuse: Reuse) -> list[bytes]:
        """Each job's fingerprint, in order (see reuse)."""
        prints = fingerprints(self.renderer, reuse, [d.name for d in DASHBOARDS], self.templates, self.options)
        dashboards = len(DASHBOARDS)
        return prints[:dashboards] + [b""] * (self.comparison is not None) + prints[dashboards:]

    def __call__(self, index: int) -> list[PortalPage]:
        if index < len(DASHBOARDS):
            return self._dashboard(DASHBOARDS[index])
        index -= len(DASHBOARDS)
        if self.comparison is not None:
            if index == 0:
                return self._changes(self.comparison)
            index -= 1
        return self._feature(index)

    def planned(self, index: int) -> list[PlannedPage] | None:
        """The planned pages of job ``index`` when it is a dashboard with a ``plan`` (else None)."""
        dashboard = DASHBOARDS[index] if index < len(DASHBOARDS) else None
        if dashboard is None or dashboard.plan is None:
            return None
        if index not in self._plans:
            self._plans[index] = dashboard.plan(self.renderer, self.layout.src(f"{dashboard.name}.md"))
        return self._plans[index]

    def dashboard_page(self, index: int, number: int) -> list[PortalPage]:
        """Page ``number`` (from 1) of job ``index``, a dashboard with a ``plan``, rendered alone."""
        planned = self.planned(index)
        assert planned is not None
        page = planned[number - 1]
        return [self._dashboard_page(DASHBOARDS[index], number, page.src, page.render())]

    def _dashboard(self, dashboard: Dashboard) -> list[PortalPage]:
        r = self.renderer
        rendered = dashboard.render(r, self.layout.src(f"{dashboard.name}.md"))
        pages = [self._dashboard_page(dashboard, number, page_src, markdown)
                 for number, (page_src, markdown) in enumerate(rendered, 1)]
        if dashboard.pages is not None:
            pages += [generated_page(page_src, page_title, "dashboard-page", markdown, r.pictures)
                      for page_src, page_title, markdown in dashboard.pages(r)]
        return pages

    def _dashboard_page(self, dashboard: Dashboard, number: int, page_src: str, markdown: str) -> PortalPage:
        title = self.options.title if dashboard.name == "index" else dashboard.title
        return generated_page(page_src, title if number == 1 else f"{title} (page {number})",
                              "dashboard" if number == 1 else "dashboard-page",
                              _after_heading(markdown, self._head(dashboard, page_src, title)), self.renderer.pictures)

    def _head(self, dashboard: Dashboard, page_src: str, title: str) -> str:
        """What every dashboard carries under its heading: its downloads, and for print the
        portfolio's name, the page, the build date and the commit."""
        def url(name: str) -> str:
            return file_url(self.layout.data_src(name))

        downloads = [(name, url(f"{name}.csv"), url(f"{name}.json")) for name in DOWNLOADS.get(dashboard.name, ())]
        return self.renderer.render("_dashboard_head.html", page_src, page_title=title, downloads=downloads,
                                    built=self.options.built, commit=self.options.commit)

    def _changes(self, comparison: Comparison) -> list[PortalPage]:
        src = self.layout.src("changes.md")
        content = changes_dashboard.render(self.renderer, src, comparison)
        return [generated_page(src, page_title(comparison), "dashboard", content, self.renderer.pictures)]

    def _feature(self, index: int) -> list[PortalPage]:
        r = self.renderer
        feature = r.features[index]
        src = self.layout.feature_src(feature.id)
        plan = self.base / feature.path / "plan.md" if feature.has_plan else None
        pages = [generated_page(src, f"{feature.id}: {feature.title}", "feature", render_feature(r, feature, src),
                                r.pictures, plan, feature.id)]
        if has_trace(feature):
            trace_src = self.layout.feature_src(feature.id, TRACE_PAGE)
            pages.append(generated_page(trace_src, f"{feature.id}: traceability", "feature-page",
                                        render_trace(r, feature, trace_src), r.pictures, None, feature.id))
        pages += [generated_page(page_src, title, "impact", markdown, r.pictures, feature=feature.id)
                  for page_src, title, markdown in impact_pages(r, feature)]
        return pages


@dataclass
class _Subset:
    """The ``tasks`` of a RenderJob, numbered from 0 (what map_jobs runs; spawned workers get it
    pickled): (job index, 0) renders the job's pages, (job index, n) page n of a planned dashboard."""

    job: RenderJob
    tasks: list[tuple[int, int]]
    #: Pack each page's blocks and pictures in the worker (``PortalPage.packed``).
    pack: bool = False

    def __call__(self, number: int) -> list[PortalPage]:
        index, page = self.tasks[number]
        pages = self.job.dashboard_page(index, page) if page else self.job(index)
        return [page.packed() for page in pages] if self.pack else pages


def portal_pages(
    checked: CheckedPortfolio,
    layout: Layout,
    base: Path,
    options: RenderOptions | None = None,
    templates: Path | None = None,
    comparison: Comparison | None = None,
    reuse: Reuse | None = None,
    packed: bool = False,
) -> Iterator[PortalPage]:
    """The dashboards, a page per feature, and the features' own files, in nav order.

    Pages come one at a time, each rendered when asked for, so that a caller can store or write
    one before the next exists. With a ``comparison`` (the plugin's ``compare_to``), a "Changes
    since" page follows the dashboards, and the dashboards mark what is new or changed. With
    ``reuse`` (``mkdocs serve``), a job whose fingerprint is the last render's is not rendered again:
    its pages are those ``reuse`` kept (see reuse); a dashboard with a ``plan`` is reused page by page,
    each page a job of its own, ``<dashboard job>:<page source>``. With ``packed``, rendered pages
    come with their blocks and pictures packed (``PortalPage.packed``) by the process that rendered them.
    """
    job = RenderJob(checked, layout, base, options or RenderOptions(), templates, comparison)
    job.renderer  # made here once, so that forked workers inherit it  # noqa: B018
    names = job.names
    prints = job.fingerprints(reuse) if reuse is not None else [b""] * job.count
    units: list[tuple[str, bytes, tuple[int, int]]] = []  # (job name, fingerprint, task: see _Subset)
    for index, (name, fingerprint) in enumerate(zip(names, prints, strict=True)):
        planned = job.planned(index) if reuse is not None else None
        if reuse is None or planned is None:
            units.append((name, fingerprint, (index, 0)))
        else:
            page_prints = page_fingerprints(reuse, name, planned)
            units += [(f"{name}:{page.src}", page_print, (index, number))
                      for number, (page, page_print) in enumerate(zip(planned, page_prints, strict=True), 1)]
    kept = [reuse.pages(name, fingerprint) if reuse is not None else None for name, fingerprint, _ in units]
    todo = [unit for unit, pages in zip(units, kept, strict=True) if pages is None]
    log.debug("rendering %d of %d jobs: %s", len(todo), len(units), ", ".join(name for name, _, _ in todo[:20]))
    rendered = map_jobs(_Subset(job, [task for _, _, task in todo], packed), len(todo))
    for (name, fingerprint, _), pages in zip(units, kept, strict=True):
        if pages is not None:
            yield from pages
        else:
            yield from (replace(page, job=name, fingerprint=fingerprint) for page in next(rendered))
    del job, rendered  # the renderer's shared views, before the downloads are made
    yield from data_files(checked, layout, reuse)
    for feature in checked.portfolio.features:
        yield from file_pages(feature, layout, base)
