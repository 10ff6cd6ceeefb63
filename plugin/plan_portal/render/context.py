"""What every template sees, and the renderer that gives it to them.

``TemplateContext`` is the public contract for custom templates (docs/templates.md lists it):
every template gets these names, beside the values its own page passes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from functools import cached_property
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from plan_portal.checked import READINESS_STATES, CheckedPortfolio, Impact, Owner, Readiness, Reason
from plan_portal.compare import Comparison
from plan_portal.diagnostics import Diagnostic
from plan_portal.link import LINK_TYPES, LinkType
from plan_portal.model.records import Constitution, Decision, Feature, Source, TableEntry
from plan_portal.model.status import DECISION_STATUSES, GATE_STATUSES
from plan_portal.model.text import anchor, slug
from plan_portal.render import views
from plan_portal.render.changes import Mark, change_marks
from plan_portal.render.graph_views import GraphView, GraphViews, NodeOrder
from plan_portal.render.impact import DIRECT_SHOWN, RESTS_ON_SHOWN, RecordRef, has_page, record_refs, supersession
from plan_portal.render.inline import artifact_mapper, render_block, render_inline
from plan_portal.render.page import Pictures
from plan_portal.render.urls import Layout, file_url, relative_url
from plan_portal.settings import RenderOptions

GATE_SYMBOLS = {"pass": "✔", "fail": "✘", "waived": "W", "not-applicable": "–", "pending": "…", "unknown": "?"}
LEVEL_SYMBOLS = {"critical": "C", "high": "H", "medium": "M", "low": "L", "unknown": "?"}
LEVEL_ORDER = ("critical", "high", "medium", "low", "unknown")


#: A feature's traceability page, beside its plan page.
TRACE_PAGE = "trace.md"


def principle_anchor(principle_id: str) -> str:
    """The HTML id of a principle on the constitution page: ``principle-iv``."""
    return f"principle-{anchor(principle_id).lower()}"


@dataclass(frozen=True, slots=True)
class TemplateContext:
    """The names every template gets. URLs are site-relative until ``link`` makes them relative
    to the page being rendered."""

    #: The portal's title (the ``title`` option).
    title: str
    #: Each dashboard's URL by name: ``index``, ``gates``, ``risks``, ``decisions``, ``research``,
    #: ``technology``, ``constitution``, ``graph``.
    urls: Mapping[str, str]
    #: ``link(url)``: a site URL as a link from this page.
    link: Callable[[str], str]
    #: ``feature_url(feature, local_id="")``: a feature page, or a record's anchor on it.
    feature_url: Callable[..., str]
    #: ``trace_url(feature)``: the feature's traceability page (when its spec names requirements).
    trace_url: Callable[[Feature], str]
    #: ``node_url(record_id)``: the page and anchor of a graph node (a feature or a record).
    node_url: Callable[[str], str]
    #: ``source_url(feature, source)``: the portal page of the file a record was read from.
    source_url: Callable[[Feature, Source], str]
    #: ``cell(text, feature)``: plan text as inline HTML, its links to the feature's files made portal links.
    cell: Callable[[str, Feature], Markup]
    #: ``block(text, feature)``: the same for paragraphs and lists.
    block: Callable[[str, Feature], Markup]
    #: ``table(rows, feature)``: table entries (Technical Context, Complexity Tracking …) as an HTML table.
    table: Callable[[list[TableEntry], Feature], Markup]
    #: ``anchor(local_id)``: the HTML id of a record on its feature page.
    anchor: Callable[[str], str]
    #: ``picture(view)``: where a graph picture goes (it is drawn when the page is finished).
    picture: Callable[[GraphView], Markup]
    #: ``change_mark(key, feature="", new_only=False)``: the badge of what changed since ``compare_to``.
    change_mark: Callable[..., Markup]
    #: Link type name → its forward and reverse labels.
    link_types: Mapping[str, LinkType]
    gate_order: tuple[str, ...]
    level_order: tuple[str, ...]
    decision_order: tuple[str, ...]
    gate_symbols: Mapping[str, str]
    level_symbols: Mapping[str, str]
    #: (phase, heading) of the gate phases, in order.
    phases: tuple[tuple[str, str], ...]
    #: The constitution's version, else the newest version any plan names ("" when none does).
    latest_constitution: str
    #: The project's constitution (principles, version, amendments), or None when there is none.
    constitution: Constitution | None
    #: ``principle_url(principle_id)``: the principle on the constitution page.
    principle_url: Callable[[str], str]
    #: ``principle_anchor(principle_id)``: its HTML id there (``principle-iv``).
    principle_anchor: Callable[[str], str]
    #: ``markdown(text)``: Markdown that belongs to no feature (the constitution's) as safe HTML.
    markdown: Callable[[str], Markup]
    #: Feature id → its ``Readiness`` (``state``, ``label``, ``reasons``, ``stated`` status).
    readiness: Mapping[str, Readiness]
    #: ``(state, label)`` of the readiness states, the most urgent first.
    readiness_states: tuple[tuple[str, str], ...]
    #: ``reason_url(feature, reason)``: where a readiness reason points (its record, or its file).
    reason_url: Callable[[Feature, Reason], str]
    #: Owner key → ``Owner`` (``name``, ``gates``, ``risks``, ``decisions``, ``follow_ups``, ``features``).
    owners: Mapping[str, Owner]
    #: ``owners_of(record_id)``: the owners a gate, risk or decision names, in the order written.
    owners_of: Callable[[str], list[Owner]]
    #: ``owner_url(key)``: an owner's page.
    owner_url: Callable[[str], str]
    #: Ids of the records flagged "no owner".
    unowned: frozenset[str]
    #: ``owner_options(record_ids)``: ``(key, name)`` of the owners of those records, by name, then
    #: ``("-", "no owner")`` when one of them names none: the choices of an owner filter.
    owner_options: Callable[[Iterable[str]], list[tuple[str, str]]]
    #: ``record(node_id)``: a record or feature as lists name it (``RecordRef``: ``id``, ``kind``,
    #: ``feature``, ``label``, ``title``, ``badge_kind``, ``status``, ``raw_status``), or None.
    record: Callable[[str], RecordRef | None]
    #: ``impact(decision_id)``: what it rests on and what rests on it (``Impact``).
    impact: Callable[[str], Impact]
    #: ``impact_url(decision_id)``: the page listing everything that rests on it, or "" when all of
    #: it is listed beside the decision.
    impact_url: Callable[[str], str]
    #: ``superseded_by(decision_id)``, ``supersedes(decision_id)``: the decisions linked so.
    superseded_by: Callable[[str], list[str]]
    supersedes: Callable[[str], list[str]]
    #: ``twin_of(decision_id)``: the plan decision a research.md decision records too ("" when none);
    #: ``twins(decision_id)``: the research.md decisions that record a plan decision too.
    twin_of: Callable[[str], str]
    twins: Callable[[str], list[Decision]]
    #: How many of a decision's direct dependents are listed beside it (the rest on its impact page).
    direct_shown: int
    #: How many of the decisions it rests on are listed beside it (the rest on its impact page).
    rests_on_shown: int

    def values(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _parents(path: str) -> Iterator[str]:
    """``a/b/c.md`` → ``a/b``, ``a``."""
    while "/" in path:
        path = path.rpartition("/")[0]
        yield path


#: Owner page names that would clash with a folder's index page.
_RESERVED = {"index", "readme", "no-owner"}


def owner_sources(keys: list[str], layout: Layout) -> dict[str, str]:
    """Owner key → the source path of their page, ``owners/<slug>.md``, each slug used once."""
    used: set[str] = set()
    found: dict[str, str] = {}
    for key in sorted(keys):
        base = slug(key)
        name, number = base, 2
        while name in used or name in _RESERVED:
            name, number = f"{base}-{number}", number + 1
        used.add(name)
        found[key] = layout.src(f"owners/{name}.md")
    return found


class Renderer:
    """Renders templates for the pages of one checked portfolio; what pages share is computed once."""

    def __init__(self, env: Environment, checked: CheckedPortfolio, layout: Layout, options: RenderOptions,
                 comparison: Comparison | None = None, dashboard_names: tuple[str, ...] = ()) -> None:
        self.env = env
        self.checked = checked
        self.layout = layout
        self.options = options
        self.comparison = comparison
        self.pictures = Pictures()
        self.by_id = {f.id: f for f in checked.portfolio.features}
        self.features = [self.by_id[i] for i in checked.feature_order if i in self.by_id]
        #: Feature id → its place in ``features``.
        self.rank = {f.id: i for i, f in enumerate(self.features)}
        self.graphs = GraphViews(checked.graph, NodeOrder(checked.graph, self.rank))
        rows = views.feature_rows(self.features, checked.unmitigated, checked.twins)
        self.rows = {row.feature.id: row for row in rows}
        #: Per feature: its links to and from other features, with where each is written.
        self.references = views.feature_references(checked.graph, checked.edges)
        self.constitution = checked.portfolio.constitution
        drift = views.constitution_drift(self.features, self.constitution)
        self.latest_constitution = next((g.version for g in drift if g.latest), "")
        self.marks: dict[str, Mark] = change_marks(comparison) if comparison else {}
        #: Owner key → the source path of their page (``owners/<slug>.md``), slugs unique.
        self.owner_srcs = owner_sources(list(checked.owners), layout)
        self.urls = {name: layout.url(layout.src(f"{name}.md")) for name in dashboard_names}
        #: Feature id → its features' and records' ``RecordRef`` by id, made when first asked for (``record``).
        self._refs: dict[str, dict[str, RecordRef]] = {}
        self.superseded_by, self.supersedes = supersession(checked)
        self.twins: dict[str, list[Decision]] = {}
        for twin, primary in checked.twins.items():
            decisions = {d.id: d for d in self.by_id[twin.partition("/")[0]].decisions}
            self.twins.setdefault(primary, []).append(decisions[twin])
        folders = {f.path for f in checked.portfolio.features}
        self.diagnostics_by_feature: dict[str, list[Diagnostic]] = {}
        for d in checked.diagnostics:  # a feature's files are under its folder
            folder = next((p for p in _parents(d.path) if p in folders), None)
            if folder is not None:
                self.diagnostics_by_feature.setdefault(folder, []).append(d)

    @cached_property
    def file_urls(self) -> dict[str, str]:
        """Repository path (as in diagnostics) → portal URL, for links written inside plans."""
        layout = self.layout
        found: dict[str, str] = {}
        for feature in self.checked.portfolio.features:
            found[f"{feature.path}/plan.md"] = layout.url(layout.feature_src(feature.id))
            for published in feature.published:
                src = layout.feature_src(feature.id, published.name)
                if published.markdown:
                    found[published.path] = layout.url(src)
                elif not published.problem:
                    found[published.path] = file_url(src)
        return found

    def record(self, node_id: str) -> RecordRef | None:
        """A feature or record of ``features`` by id (``record_refs``); a feature's are made when one is
        first asked for, since a serve rebuild renders few pages. A record's id starts with its feature's."""
        feature_id = node_id.partition("/")[0]
        refs = self._refs.get(feature_id)
        if refs is None:
            if feature_id not in self.rank:
                return None
            refs = self._refs[feature_id] = record_refs([self.features[self.rank[feature_id]]])
        return refs.get(node_id)

    def feature_url(self, feature: Feature, local_id: str = "") -> str:
        return self.layout.feature_url(feature.id, local_id)

    def trace_url(self, feature: Feature) -> str:
        return self.layout.url(self.layout.feature_src(feature.id, TRACE_PAGE))

    def principle_url(self, principle_id: str) -> str:
        return f"{self.urls.get('constitution', '')}#{principle_anchor(principle_id)}"

    def node_url(self, node: str) -> str:
        """The page and anchor of a graph node: a feature page, or a record on its feature page."""
        feature, _, local = node.partition("/")
        return self.layout.feature_url(feature, local)

    def owners_of(self, record_id: str) -> list[Owner]:
        owners = self.checked.owners
        return [owners[key] for key in self.checked.record_owners.get(record_id, ()) if key in owners]

    def owner_options(self, record_ids: Iterable[str]) -> list[tuple[str, str]]:
        named: dict[str, str] = {}
        nobody = False
        for record_id in record_ids:
            owners = self.owners_of(record_id)
            nobody = nobody or not owners
            named.update((o.key, o.name) for o in owners)
        options = sorted(named.items(), key=lambda item: (item[1].casefold(), item[0]))
        return [*options, ("-", "no owner")] if nobody else options

    def owner_url(self, key: str) -> str:
        src = self.owner_srcs.get(key)
        return self.layout.url(src) if src else self.urls.get("owners", "")
    def impact_url(self, decision_id: str) -> str:
        """The decision's impact page, or "" when it has none (see impact.has_page)."""
        primary = self.checked.twins.get(decision_id, decision_id)
        if not has_page(self.checked.impact(primary)):
            return ""
        return self.layout.url(self.layout.impact_src(primary))

    def node_href(self, page_url: str) -> Callable[[str], str]:
        return lambda node: relative_url(self.node_url(node), page_url)

    def context(self, page_url: str) -> TemplateContext:
        def link(target: str) -> str:
            return relative_url(target, page_url)

        mappers: dict[str, Callable[[str], str | None]] = {}

        def mapper(feature: Feature) -> Callable[[str], str | None]:
            if feature.path not in mappers:
                mappers[feature.path] = artifact_mapper(feature.path, self.file_urls, page_url, relative_url)
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
            return self.file_urls.get(source.path, self.feature_url(feature))

        def reason_url(feature: Feature, reason: Reason) -> str:
            return self.node_url(reason.record) if reason.record else source_url(feature, reason.source)

        return TemplateContext(
            title=self.options.title, urls=self.urls, link=link, feature_url=self.feature_url,
            node_url=self.node_url, trace_url=self.trace_url,
            source_url=source_url, cell=cell, block=block, table=table, anchor=anchor,
            picture=self.pictures.mark, change_mark=self.change_mark, link_types=LINK_TYPES,
            gate_order=GATE_STATUSES, level_order=LEVEL_ORDER, decision_order=DECISION_STATUSES,
            gate_symbols=GATE_SYMBOLS, level_symbols=LEVEL_SYMBOLS, phases=views.PHASES,
            latest_constitution=self.latest_constitution, constitution=self.constitution,
            principle_url=self.principle_url, principle_anchor=principle_anchor, markdown=render_block,
            readiness=self.checked.readiness, readiness_states=READINESS_STATES, reason_url=reason_url,
            owners=self.checked.owners, owners_of=self.owners_of, owner_url=self.owner_url,
            unowned=self.checked.unowned, owner_options=self.owner_options,
            record=self.record, impact=self.checked.impact, impact_url=self.impact_url,
            superseded_by=lambda d: self.superseded_by.get(d, []), supersedes=lambda d: self.supersedes.get(d, []),
            twin_of=lambda d: self.checked.twins.get(d, ""), twins=lambda d: self.twins.get(d, []),
            direct_shown=DIRECT_SHOWN, rests_on_shown=RESTS_ON_SHOWN)

    def render(self, template: str, src_uri: str, **values: object) -> str:
        """``template`` rendered for the page at ``src_uri`` with the shared context and ``values``."""
        page_url = self.layout.url(src_uri)
        return self.env.get_template(template).render(**self.context(page_url).values(), **values)

    def pages(self, src: str, total: int, weights: Sequence[int] = (),
              budget: int = 0) -> list[tuple[str, views.Pager]]:
        """A long list's pages: the dashboard's own page, then ``<name>-2.md`` and so on; ``page_size``
        rows a page, and with ``weights`` (one per row) at most ``budget`` of them (views.paginate)."""
        stem = src.removesuffix(".md")
        return views.paginate(lambda count: [src] + [f"{stem}-{n}.md" for n in range(2, count + 1)],
                              self.layout.url, total, self.options.page_size, weights, budget)

    def first_page_of(self, pages: list[tuple[str, views.Pager]], keys: list[str]) -> dict[str, str]:
        """Key → URL of the page holding its first row (``keys`` has one key per row)."""
        found: dict[str, str] = {}
        for page_src, pager in pages:
            for key in pager.rows(keys):
                found.setdefault(key, self.layout.url(page_src))
        return found

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


__all__ = ["Renderer", "TemplateContext"]
