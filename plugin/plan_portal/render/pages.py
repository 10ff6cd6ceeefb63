"""Every page of the portal as Markdown (with HTML blocks), ready for any site generator to render."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from plan_portal.check.gates import unmitigated_gates
from plan_portal.compare import Change, Comparison
from plan_portal.compare.changes import KINDS
from plan_portal.compare.report import summary
from plan_portal.cores import map_forked
from plan_portal.diagnostics import Diagnostic
from plan_portal.link import LINK_TYPES, PortfolioGraph
from plan_portal.model.records import Feature, Portfolio, Source, TableEntry
from plan_portal.model.status import DECISION_STATUSES, GATE_STATUSES, LEVELS, risk_level
from plan_portal.model.text import anchor
from plan_portal.read import conversion_hazard, read_source
from plan_portal.render import views
from plan_portal.render.changes import change_marks, describe
from plan_portal.render.graph_views import GraphView, GraphViews, dependency_order
from plan_portal.render.html_blocks import extract_html_blocks
from plan_portal.render.inline import artifact_mapper, literal, preformatted, render_block, render_inline
from plan_portal.render.urls import ARTIFACT_PAGES, Layout, relative_url

GATE_SYMBOLS = {"pass": "✔", "fail": "✘", "waived": "W", "not-applicable": "–", "pending": "…", "unknown": "?"}
DASHBOARDS = (
    ("index.md", "Overview"),
    ("gates.md", "Gates"),
    ("risks.md", "Risks"),
    ("decisions.md", "Decisions"),
    ("research.md", "Research"),
    ("technology.md", "Technology"),
    ("constitution.md", "Constitution"),
    ("graph.md", "Graph"),
)


@dataclass(frozen=True, slots=True)
class RenderOptions:
    title: str = "Plan portfolio"
    #: Links followed from the roots of a local graph.
    graph_depth: int = 2
    #: Most nodes in a local graph (feature or decision); more are left out with a note.
    local_graph_nodes: int = 40
    #: Most nodes in a portfolio-wide graph.
    full_graph_nodes: int = 100
    #: Most rows on one page of a dashboard list; longer lists continue on further pages.
    page_size: int = 500


@dataclass(frozen=True, slots=True)
class PortalPage:
    """A page or file to publish at ``src_uri`` (a path under the docs root).

    ``content`` is generated Markdown; when it is None the page shows ``source`` as it is
    (a spec.md, a contract). ``source`` is also where the page's edit link points.
    """

    src_uri: str
    title: str
    kind: str  # dashboard | dashboard-page (a long list's further page) | feature | artifact | file
    content: str | None = None
    source: Path | None = None
    feature: str = ""
    #: HTML blocks taken out of ``content`` (see html_blocks): placeholder → HTML.
    blocks: dict[str, str] = field(default_factory=dict)
    #: Graph pictures the blocks mark with a comment (see html_blocks.restore_graphs): token → SVG.
    graphs: dict[str, str] = field(default_factory=dict)


class Pictures:
    """Graph pictures the templates ask for, kept out of the page text.

    A template places a comment where a picture goes; the picture travels beside the page so that
    search plugins, which read the page before it is finished, never parse the drawing's labels.
    """

    def __init__(self) -> None:
        self.pending: dict[str, str] = {}
        self.count = 0

    def mark(self, view: GraphView) -> Markup:
        self.count += 1
        token = f"PPGRAPH{self.count}"
        self.pending[token] = str(view.svg)
        return Markup(f"<!--{token}-->")

    def take(self, markdown: str) -> dict[str, str]:
        """The pictures whose marks are in ``markdown``, no longer pending. Marks count from 1
        on every page, so a page comes out the same whichever process renders it."""
        taken = {token: self.pending.pop(token) for token in list(self.pending) if f"<!--{token}-->" in markdown}
        if not self.pending:
            self.count = 0
        return taken


def _generated(src: str, title: str, kind: str, markdown: str, pictures: Pictures,
               source: Path | None = None, feature: str = "") -> PortalPage:
    skeleton, blocks = extract_html_blocks(markdown, src)
    return PortalPage(src, title, kind, skeleton, source, feature, blocks, pictures.take(markdown))


@dataclass(slots=True)
class _Context:
    layout: Layout
    portfolio: Portfolio
    diagnostics: list[Diagnostic]
    graph: PortfolioGraph
    base: Path
    options: RenderOptions
    #: Repository path (as in diagnostics) → portal URL, for links written inside plans.
    file_urls: dict[str, str] = field(default_factory=dict)
    unmitigated: set[str] = field(default_factory=set)
    comparison: Comparison | None = None


def _artifact_page(src: str, title: str, path: Path, display: str, feature: str, readable: bool) -> PortalPage:
    """A feature's Markdown file as a page: MkDocs reads a readable file itself; a file it could
    not read (not UTF-8, a directory, a dangling link, too large) becomes a generated page with
    what could be decoded, so that one bad file never stops the build. A file whose Markdown
    MkDocs cannot convert safely (see read.hazards) is shown as plain text instead."""
    if readable:
        return PortalPage(src, title, "artifact", source=path, feature=feature)
    source = read_source(path, display, frontmatter=False)
    problems = [d.message for d in source.diagnostics]
    hazard = conversion_hazard(source.text or "")
    if hazard is not None:
        problems.append(f"line {hazard.line}: {hazard.reason}")
        note = f"> **{literal(display)} is shown as plain text, not converted:** {literal('; '.join(problems))}\n\n"
        return PortalPage(src, title, "artifact", note + preformatted(source.text or ""), path, feature)
    note = f"> **{display} could not be read as it is:** {'; '.join(problems) or 'could not be read'}\n\n"
    return PortalPage(src, title, "artifact", note + (source.text or ""), path, feature)


def _feature_file_pages(feature: Feature, layout: Layout, base: Path, unreadable: set[str]) -> list[PortalPage]:
    pages = []
    for key, name in ARTIFACT_PAGES.items():
        if key in feature.artifacts:
            display = feature.artifacts[key]
            pages.append(_artifact_page(layout.feature_src(feature.id, name), f"{feature.id} {name}", base / display,
                                        display, feature.id, display not in unreadable))
    for relative in feature.files:
        src, title, path = layout.feature_src(feature.id, relative), f"{feature.id} {relative}", base / feature.path
        if relative.endswith(".md"):  # the model checks contracts and checklists only for unsafe Markdown
            display = f"{feature.path}/{relative}"
            readable = display not in unreadable and not read_source(
                path / relative, display, frontmatter=False).diagnostics
            pages.append(_artifact_page(src, title, path / relative, display, feature.id, readable))
        else:
            pages.append(PortalPage(src, title, "file", source=path / relative, feature=feature.id))
    return pages


def _parents(path: str) -> Iterator[str]:
    """``a/b/c.md`` → ``a/b``, ``a``."""
    while "/" in path:
        path = path.rpartition("/")[0]
        yield path


class _Renderer:
    def __init__(self, env: Environment, context: _Context) -> None:
        self.pictures = Pictures()
        self.env = env
        self.c = context
        by_id = {f.id: f for f in context.portfolio.features}
        self.features = [by_id[i] for i in dependency_order(context.graph, sorted(by_id))]
        self.by_id = by_id
        order = {f.id: i for i, f in enumerate(self.features)}
        self.graphs = GraphViews(context.graph, {
            node: order.get(str(feature), 0) for node, feature in context.graph.nodes(data="feature")})
        self.rows = {row.feature.id: row for row in views.feature_rows(self.features, context.unmitigated)}
        drift = views.constitution_drift(self.features)
        self.latest_constitution = next((g.version for g in drift if g.latest), "")
        self.marks = change_marks(context.comparison) if context.comparison else {}
        folders = {f.path for f in context.portfolio.features}
        self.diagnostics_by_feature: dict[str, list[Diagnostic]] = {}
        for d in context.diagnostics:  # a feature's files are under its folder
            folder = next((p for p in _parents(d.path) if p in folders), None)
            if folder is not None:
                self.diagnostics_by_feature.setdefault(folder, []).append(d)

    def feature_url(self, feature: Feature, local_id: str = "") -> str:
        return self.c.layout.feature_url(feature.id, local_id)

    def node_url(self, node: str) -> str:
        """The page and anchor of a graph node: a feature page, or a record on its feature page."""
        feature, _, local = node.partition("/")
        return self.c.layout.feature_url(feature, local)

    def node_href(self, page_url: str) -> Callable[[str], str]:
        return lambda node: relative_url(self.node_url(node), page_url)

    def graph(self, src: str) -> list[tuple[str, str]]:
        href = self.node_href(self.c.layout.url(src))
        cap = self.c.options.full_graph_nodes
        return [(src, self.render("graph.html", src, features=self.graphs.features(href, cap),
                                  decisions=self.graphs.decisions(href, cap), cap=cap))]
    def globals(self, page_url: str) -> dict[str, Any]:
        def link(target: str) -> str:
            return relative_url(target, page_url)

        mappers: dict[str, Callable[[str], str | None]] = {}

        def mapper(feature: Feature) -> Callable[[str], str | None]:
            if feature.path not in mappers:
                mappers[feature.path] = artifact_mapper(feature.path, self.c.file_urls, page_url, relative_url)
            return mappers[feature.path]

        def cell(text: str, feature: Feature) -> Markup:
            return render_inline(text, mapper(feature))

        def block(text: str, feature: Feature) -> Markup:
            return render_block(text, mapper(feature))

        def table(rows: list[TableEntry], feature: Feature) -> Markup:
            headers: list[str] = []
            for row in rows:
                headers.extend(k for k in row.cells if k not in headers)
            return Markup(self.env.get_template("_table.html").render(
                headers=headers, rows=rows, feature=feature, cell=cell))

        def source_url(feature: Feature, source: Source) -> str:
            return self.c.file_urls.get(source.path, self.feature_url(feature))

        return {
            "title": self.c.options.title,
            "node_url": self.node_url,
            "link_types": LINK_TYPES,
            "link": link,
            "cell": cell,
            "block": block,
            "table": table,
            "source_url": source_url,
            "feature_url": self.feature_url,
            "anchor": anchor,
            "urls": {name.removesuffix(".md"): self.c.layout.url(self.c.layout.src(name)) for name, _ in DASHBOARDS},
            "gate_order": GATE_STATUSES,
            "level_order": ("high", "medium", "low", "unknown"),
            "decision_order": DECISION_STATUSES,
            "gate_symbols": GATE_SYMBOLS,
            "level_symbols": {"high": "H", "medium": "M", "low": "L", "unknown": "?"},
            "latest_constitution": self.latest_constitution,
            "phases": views.PHASES,
            "change_mark": self.change_mark,
            "picture": self.pictures.mark,
        }

    def render(self, template: str, src_uri: str, **values: object) -> str:
        page_url = self.c.layout.url(src_uri)
        return self.env.get_template(template).render(**self.globals(page_url), **values)

    def pages(self, src: str, total: int) -> list[tuple[str, views.Pager]]:
        """A long list's pages: the dashboard's own page, then ``<name>-2.md`` and so on."""
        stem = src.removesuffix(".md")
        return views.paginate(lambda count: [src] + [f"{stem}-{n}.md" for n in range(2, count + 1)],
                              self.c.layout.url, total, self.c.options.page_size)

    def first_page_of(self, pages: list[tuple[str, views.Pager]], keys: list[str]) -> dict[str, str]:
        """Key → URL of the page holding its first row (``keys`` has one key per row)."""
        found: dict[str, str] = {}
        for page_src, pager in pages:
            for key in pager.rows(keys):
                found.setdefault(key, self.c.layout.url(page_src))
        return found

    def overview(self, src: str) -> list[tuple[str, str]]:
        rows = [self.rows[f.id] for f in self.features]
        totals = {
            "features": len(rows),
            "gates": sum(len(f.gates) for f in self.features),
            "unmitigated": len(self.c.unmitigated),
            "high_risks": sum(1 for f in self.features for r in f.risks if r.level == "high"),
            "decisions": sum(len(f.decisions) for f in self.features),
            "open_decisions": sum(1 for f in self.features for d in f.decisions
                                  if d.status in ("proposed", "in-review")),
            "open_questions": sum(r.open_research + r.clarifications for r in rows),
        }
        return [(page_src, self.render("overview.html", page_src, rows=pager.rows(rows), totals=totals, pager=pager))
                for page_src, pager in self.pages(src, len(rows))]

    def gates(self, src: str) -> list[tuple[str, str]]:
        unmitigated, mitigated, waived = views.gate_issues(self.features)
        return [(page_src, self.render(
            "gates.html", page_src, matrices=views.gate_matrices(list(pager.rows(self.features)), self.c.unmitigated),
            unmitigated=unmitigated, mitigated=mitigated, waived=waived, pager=pager))
            for page_src, pager in self.pages(src, len(self.features))]

    def risks(self, src: str) -> list[tuple[str, str]]:
        risks = sorted(((f, r) for f in self.features for r in f.risks), key=lambda fr: views.risk_sort_key(fr[1]))
        rank = {level: index for index, level in enumerate(LEVELS)} | {"unknown": -1}
        pages = self.pages(src, len(risks))
        cell_pages = self.first_page_of(pages, [views.cell_anchor(r.probability, r.impact) for _, r in risks])
        heat = views.heat_map([r for _, r in risks])
        unrated = sum(1 for _, r in risks if r.level == "unknown")
        return [(page_src, self.render(
            "risks.html", page_src, risks=pager.rows(risks), heat=heat, rated=views.RATED, unrated=unrated,
            level_rank=rank, seen_cells=set(), cell_anchor=views.cell_anchor, cell_pages=cell_pages,
            heat_level=risk_level, pager=pager)) for page_src, pager in pages]

    def decisions(self, src: str) -> list[tuple[str, str]]:
        listed = [(status, f, d) for status, items in views.decisions_by_status(self.features) for f, d in items]
        pages = self.pages(src, len(listed))
        status_pages = self.first_page_of(pages, [status for status, _, _ in listed])
        totals = [(status, sum(1 for _ in items)) for status, items in groupby(listed, key=itemgetter(0))]
        ranking = self.graphs.most_depended_on(15)
        decision_of = {d.id: (f, d) for f in self.features for d in f.decisions}
        rendered = []
        for page_src, pager in pages:
            shown = pager.rows(listed)
            groups = [(status, [(f, d) for _, f, d in items]) for status, items in groupby(shown, key=itemgetter(0))]
            impacts = {d.id: self.graphs.impact(d.id) for _, _, d in shown}
            rendered.append((page_src, self.render(
                "decisions.html", page_src, groups=groups, totals=totals, status_pages=status_pages, impacts=impacts,
                ranking=ranking if pager.number == 1 else [], decision_of=decision_of, pager=pager)))
        return rendered

    def research(self, src: str) -> list[tuple[str, str]]:
        clarifications = [(f, c) for f in self.features for c in f.clarifications]
        research = [(f, r) for f in self.features for r in f.research if not r.done]
        return [(page_src, self.render(
            "research.html", page_src, clarifications=pager.rows(clarifications), research=pager.rows(research),
            clarification_count=len(clarifications), research_count=len(research), pager=pager))
            for page_src, pager in self.pages(src, max(len(clarifications), len(research)))]

    def technology(self, src: str) -> list[tuple[str, str]]:
        rows, majority = views.tech_inventory(self.features)
        return [(page_src, self.render(
            "technology.html", page_src, rows=pager.rows(rows), majority=majority, categories=views.TECH_CATEGORIES,
            titles=views.TECH_TITLES, pager=pager)) for page_src, pager in self.pages(src, len(rows))]

    def change_mark(self, key: str, feature: str = "", new_only: bool = False) -> Markup:
        """The badge of a feature or record changed since ``compare_to`` (only a "new" one with
        ``new_only``); a record of a new ``feature`` is new. Empty without ``compare_to``."""
        mark = self.marks.get(key)
        feature_mark = self.marks.get(feature)
        if mark is None and feature_mark is not None and feature_mark.label == "new":
            mark = feature_mark
        if mark is None or (new_only and mark.label != "new"):
            return Markup("")
        return Markup(self.env.get_template("_change_mark.html").render(mark=mark))

    def changes(self, src: str, comparison: Comparison) -> str:
        def change_url(change: Change) -> str:
            if change.kind == "diagnostic":
                return self.c.file_urls.get(change.where.rpartition(":")[0], "") if change.present else ""
            if not change.present or change.feature not in self.by_id:
                return ""
            return self.c.layout.feature_url(change.feature, change.record)

        return self.render("changes.html", src, comparison=comparison, kinds=KINDS, summary=summary(comparison),
                           describe=describe, change_url=change_url)

    def constitution(self, src: str) -> list[tuple[str, str]]:
        return [(src, self.render("constitution.html", src, groups=views.constitution_drift(self.features)))]

    def feature(self, feature: Feature, src: str) -> str:
        artifact_links = [
            (name, self.c.layout.url(self.c.layout.feature_src(feature.id, name)))
            for key, name in ARTIFACT_PAGES.items() if key in feature.artifacts
        ]
        contract_links = [
            (relative, self.c.file_urls[posixpath.join(feature.path, relative)]) for relative in feature.files
        ]
        diagnostics = self.diagnostics_by_feature.get(feature.path, [])
        options = self.c.options
        href = self.node_href(self.c.layout.url(src))
        roots = [feature.id, *(d.id for d in feature.decisions)]
        local = self.graphs.local(f"pp-{anchor(feature.id)}", f"Links of {feature.id}", roots, options.graph_depth,
                                  options.local_graph_nodes, href)
        impacts = {d.id: self.graphs.impact(d.id) for d in feature.decisions}
        record_ids = [r.id for r in feature.decisions] + [r.id for r in feature.risks] + [r.id for r in feature.gates]
        links = {record_id: self._links_of(record_id) for record_id in record_ids}
        return self.render(
            "feature.html", src, f=feature, row=self.rows[feature.id], artifact_links=artifact_links,
            contract_links=contract_links, diagnostics=diagnostics, unmitigated=self.c.unmitigated,
            known_features=self.by_id, local_graph=local, impacts=impacts,
            links=links, graph_url=self.c.layout.url(self.c.layout.src("graph.md")),
        )

    def _links_of(self, node: str) -> list[tuple[str, str]]:
        """(label, other node) for every link of a record, outgoing with forward labels, incoming with reverse."""
        graph = self.c.graph
        found = [(LINK_TYPES[t].forward, b) for _, b, t in graph.out_edges(node, keys=True)]
        found += [(LINK_TYPES[t].reverse, a) for a, _, t in graph.in_edges(node, keys=True)]
        return sorted(set(found))


def portal_pages(
    portfolio: Portfolio,
    diagnostics: list[Diagnostic],
    graph: PortfolioGraph,
    layout: Layout,
    base: Path,
    env: Environment,
    options: RenderOptions | None = None,
    comparison: Comparison | None = None,
) -> Iterator[PortalPage]:
    """The dashboards, a page per feature, and the features' own files, in nav order.

    Pages come one at a time, each rendered when asked for, so that a caller can store or write
    one before the next exists. With a ``comparison`` (the plugin's ``compare_to``), a "Changes
    since" page follows the dashboards, and the dashboards mark what is new or changed.
    """
    options = options or RenderOptions()
    # Files MkDocs must not read itself, from the read stage's findings before severity overrides:
    # silencing a code must not let MkDocs fail on the file.
    unreadable = {d.path for d in portfolio.all_diagnostics if d.code in ("unreadable-file", "unsafe-markdown")}
    context = _Context(layout, portfolio, diagnostics, graph, base, options, comparison=comparison)
    file_pages: list[PortalPage] = []
    for feature in portfolio.features:
        plan_src = layout.feature_src(feature.id)
        context.file_urls[f"{feature.path}/plan.md"] = layout.url(plan_src)
        for page in _feature_file_pages(feature, layout, base, unreadable):
            relative = page.src_uri[len(layout.feature_src(feature.id, "")):]
            url = layout.url(page.src_uri) if page.kind == "artifact" else page.src_uri
            context.file_urls[f"{feature.path}/{relative}"] = url
            file_pages.append(page)
        context.unmitigated.update(g.id for g in unmitigated_gates(feature))
    renderer = _Renderer(env, context)

    def dashboard(name: str, title_text: str) -> list[PortalPage]:
        src = layout.src(name)
        method = getattr(renderer, "overview" if name == "index.md" else name.removesuffix(".md"))
        title = options.title if name == "index.md" else title_text
        return [_generated(page_src, title if number == 1 else f"{title} (page {number})",
                           "dashboard" if number == 1 else "dashboard-page", markdown, renderer.pictures)
                for number, (page_src, markdown) in enumerate(method(src), 1)]

    def changes(comparison: Comparison) -> list[PortalPage]:
        src = layout.src("changes.md")
        content = renderer.changes(src, comparison)
        return [_generated(src, f"Changes since {comparison.base}", "dashboard", content, renderer.pictures)]

    def feature_page(feature: Feature) -> list[PortalPage]:
        src = layout.feature_src(feature.id)
        plan = base / feature.path / "plan.md" if feature.has_plan else None
        return [_generated(src, f"{feature.id}: {feature.title}", "feature", renderer.feature(feature, src),
                           renderer.pictures, plan, feature.id)]

    tasks: list[Callable[[], list[PortalPage]]] = [partial(dashboard, *d) for d in DASHBOARDS]
    if comparison is not None:
        tasks.append(partial(changes, comparison))
    tasks += [partial(feature_page, feature) for feature in renderer.features]
    for rendered in map_forked(lambda index: tasks[index](), len(tasks)):
        yield from rendered
    yield from file_pages
