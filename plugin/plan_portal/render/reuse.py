"""Pages a render may take from the last render: a fingerprint of what each render job shows.

``mkdocs serve`` renders the portal again after every edit, and most pages come out as they were.
A job (a dashboard with its further pages, or a feature's pages: its plan page, traceability and
impact pages) whose fingerprint equals the last render's is not rendered again; its pages are the
last render's, as the caller kept them.

A fingerprint covers what the job's pages show:

* every page: the site-wide values (options, templates, layout, the features and their order, the
  owners, the constitution); with a ``compare_to`` comparison nothing is reused;
* a dashboard: the whole checked portfolio (each feature, every diagnostic and link); for the
  dashboards in ``UNSHOWN``, each feature without the content of the records the dashboard does
  not show (their ids stay), with the owners and the gates' mitigations;
* a page of a dashboard planned page by page (dashboards.planned; each such page is a job of its
  own): the links, diagnostics and owners, the content of the features whose rows it shows, and the
  values it ``shows`` drawn from the whole dashboard (counts, the pager, …), see ``page_fingerprints``;
* a feature's pages: the feature and every feature within ``graph_depth`` links of it (its local
  graph, its records' links, the decisions beside its own: each with its place in the feature
  order and its readiness), its readiness, diagnostics, references and owners, and for each of its
  decisions its impact and everything that rests on it transitively (its impact page lists it).

Features are compared by content, each digested once per object: the read cache hands back the
same object for a feature whose files did not change. What the links, checks and graph make is new
on every render: a job's part of it is compared with the last render's (``Reuse.hashed``), which
costs a third of writing it out again to digest it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields, replace
from pathlib import Path
from typing import Any, TypeVar, cast

import networkx as nx

from plan_portal.checked import Readiness
from plan_portal.link import TRACE_KINDS
from plan_portal.model.records import Feature
from plan_portal.render.context import Renderer
from plan_portal.render.dashboards.planned import PlannedPage
from plan_portal.render.downloads import KeptDownloads
from plan_portal.render.page import PortalPage
from plan_portal.render.views import FeatureRow
from plan_portal.settings import RenderOptions

#: The records a dashboard shows nothing of, neither itself nor through what is drawn from them
#: (its template's context reads them only to link them, by id). Its fingerprint covers of these
#: only their ids, so that an edit to one of them leaves the dashboard as it was. A dashboard not
#: listed is rendered again after any change to the portfolio. (A feature's mentions of others,
#: which quote the text around them, count only as the edges and diagnostics they make.)
UNSHOWN: dict[str, tuple[str, ...]] = {
    # the gates' mitigations and the owners are in every such fingerprint
    "gates": ("risks", "decisions", "research", "clarifications", "technical_context"),
    "risks": ("gates", "decisions", "research", "clarifications", "technical_context"),
    "progress": ("gates", "risks", "decisions", "research", "technical_context"),
    "research": ("gates", "risks", "decisions", "technical_context"),
    "technology": ("gates", "risks", "decisions", "research", "clarifications"),
    "constitution": ("risks", "decisions", "research", "clarifications", "technical_context"),
}


T = TypeVar("T")


def _hash(*parts: object) -> bytes:
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogateescape"), digest_size=20).digest()


class Reuse:
    """What one session (``mkdocs serve``) keeps between renders: each job's fingerprint and pages."""

    def __init__(self) -> None:
        #: id(feature) → (the feature, kept alive so that its id is not reused, its digests: see ``digest``).
        self._digests: dict[int, tuple[Feature, dict[tuple[str, ...], bytes]]] = {}
        #: job → (fingerprint, its pages as the caller kept them).
        self.kept: dict[str, tuple[bytes, list[PortalPage]]] = {}
        #: Each feature's rows of each download, and the downloads joined from them.
        self.downloads = KeptDownloads()
        #: key → (the parts last hashed under it, their digest), see ``hashed``.
        self._hashed: dict[str, tuple[tuple[object, ...], bytes]] = {}
        #: key → (what a value was made from, the value), see ``derived``.
        self._derived: dict[str, tuple[object, object]] = {}
        #: What every dashboard page shows of the portfolio (see ``fingerprints``, ``page_fingerprints``):
        #: the site-wide values, links and diagnostics, owners; empty (nothing reused) with a comparison.
        self.dashboard_page_base = b""
        #: What the graph dashboard's pictures are drawn from (see ``_graph``) → the nodes they draw.
        self.graph_drawn: tuple[bytes, tuple[str, ...]] = (b"", ())

    def hashed(self, key: str, *parts: object) -> bytes:
        """The digest of ``parts``: the last render's under ``key`` when its parts were equal. Checks
        and links make their values anew on every render; comparing them with the last render's
        walks them without writing them out (equal values have equal reprs: no part holds a set
        or a float)."""
        kept = self._hashed.get(key)
        if kept is None or kept[0] != parts:
            kept = self._hashed[key] = (parts, _hash(*parts))
        return kept[1]

    def derived(self, key: str, inputs: object, make: Callable[[], T]) -> T:
        """``make()``, or the last render's under ``key`` when ``inputs``, all that ``make`` reads, are equal."""
        kept = self._derived.get(key)
        if kept is None or kept[0] != inputs:
            kept = self._derived[key] = (inputs, make())
        return cast(T, kept[1])

    def forget_hashed(self, keys: Iterable[str]) -> None:
        """Parts kept under other keys (a feature no longer in the portfolio) are dropped."""
        wanted = set(keys)
        self._hashed = {key: value for key, value in self._hashed.items() if key in wanted}

    def digest(self, feature: Feature, unshown: tuple[str, ...] = (), listed: frozenset[str] = frozenset()) -> bytes:
        """The feature's content; without the records of the fields in ``unshown`` but their ids,
        except the records whose ids are ``listed`` (which a dashboard lists one by one)."""
        found = self._digests.get(id(feature))
        if found is None or found[0] is not feature:
            found = (feature, {})
            self._digests[id(feature)] = found
        kept = tuple(r.id for name in unshown for r in getattr(feature, name)
                     if getattr(r, "id", None) in listed) if listed else ()
        key = (*unshown, "listed:", *kept)
        digest = found[1].get(key)
        if digest is None and not unshown:
            digest = found[1][key] = _hash(feature)
        elif digest is None:
            # Mentions of other features reach a page only as the links and diagnostics they become.
            ids: dict[str, Any] = {name: [r if getattr(r, "id", None) in listed else getattr(r, "id", "")
                                          for r in getattr(feature, name)] for name in unshown}
            shown = replace(feature, **ids, mentions=[])
            digest = found[1][key] = _hash(shown)
        return digest

    def forget_others(self, features: Iterable[Feature]) -> None:
        """Digests of features no longer in the portfolio are dropped."""
        wanted = {id(f) for f in features}
        self._digests = {key: value for key, value in self._digests.items() if key in wanted}

    def export_part(self, feature: Feature, readiness: Readiness) -> dict[str, Any]:
        """The feature's part of the downloads' document: the last render's when the feature's
        content and readiness, all it depends on, are the same (see downloads.KeptDownloads)."""
        return self.downloads.part(feature, self.digest(feature), readiness)

    def pages(self, job: str, fingerprint: bytes) -> list[PortalPage] | None:
        kept = self.kept.get(job)
        return kept[1] if fingerprint and kept is not None and kept[0] == fingerprint else None


def fingerprints(r: Renderer, reuse: Reuse, dashboards: Sequence[str], templates: Path | None,
                 options: RenderOptions) -> list[bytes]:
    """One fingerprint per job: the dashboards in ``dashboards`` order, then a feature's pages for
    each of ``r.features``; empty (never reused) with a comparison."""
    features = r.features
    reuse.forget_others(features)  # the downloads' parts use the digests, with a comparison too
    reuse.dashboard_page_base = b""
    if r.comparison is not None:
        return [b""] * (len(dashboards) + len(features))
    checked = r.checked
    digests = {f.id: reuse.digest(f) for f in features}
    rank = {f.id: index for index, f in enumerate(features)}
    site = _hash(options, r.layout, _templates(templates), [f.id for f in features], sorted(checked.owners),
                 r.latest_constitution, checked.portfolio.constitution, sorted(r.owner_srcs.items()))
    # The links and diagnostics, hashed once for every dashboard (15,000 edges at N = 1,000).
    links = reuse.hashed("links", checked.diagnostics, checked.edges, sorted(checked.unmitigated),
                         sorted(checked.twins.items()))
    whole = _hash(site, [digests[f.id] for f in features], links)
    owners = _hash(sorted(checked.owners.items()), sorted(checked.unowned), sorted(checked.mitigations.items()))
    reuse.dashboard_page_base = _hash(site, links, owners)
    prints = []
    for name in dashboards:
        unshown = UNSHOWN.get(name)
        if name == "owners":
            prints.append(_owners(r, reuse, site, owners, links))
        elif name == "graph":
            prints.append(_graph(r, reuse, site, links))
        else:
            prints.append(_hash("dashboard", name, whole) if unshown is None else _hash(
                "dashboard", name, site, owners, [reuse.digest(f, unshown) for f in features], links))

    # Features linked to each other (their records too): every link between two is among their references.
    linked = {feature: tuple(sorted({reference.other for reference in references if reference.other in digests}))
              for feature, references in r.references.items() if feature in digests}
    depth = r.options.graph_depth
    ids = list(digests)
    near = reuse.derived("near", (ids, linked, depth), lambda: _near(ids, linked, depth))
    groups, group_of = reuse.derived("decisions", (checked.impacts, checked.twins), lambda: _decision_groups(r))
    downstream: list[bytes] = []  # per group, dependents first: a digest of everything that rests on it
    for structure, reached, below in groups:
        downstream.append(_hash(structure, [(f, digests.get(f), rank.get(f)) for f in reached],
                                sorted(downstream[g] for g in below)))
    #: What a feature's neighbours show of it: its content, place in the feature order, readiness.
    shown = {f.id: _hash(digests[f.id], rank[f.id], checked.readiness_of(f.id)) for f in features}

    def rests_on_it(decision: str) -> bytes | None:
        group = group_of.get(checked.twins.get(decision, decision))
        return None if group is None else downstream[group]

    for feature in features:
        prints.append(reuse.hashed(
            f"feature:{feature.id}", "feature", site, [(f, shown[f]) for f in near[feature.id]],
            r.diagnostics_by_feature.get(feature.path, []), _row(r.rows.get(feature.id)), r.references.get(feature.id),
            [(d.id, checked.impact(d.id), rests_on_it(d.id), r.impact_url(d.id),
              r.superseded_by.get(d.id), r.supersedes.get(d.id), [t.id for t in r.twins.get(d.id, [])])
             for d in feature.decisions],
            [(record, checked.record_owners.get(record))
             for record in [*(d.id for d in feature.decisions), *(x.id for x in feature.risks),
                            *(g.id for g in feature.gates)]],
            sorted(checked.unmitigated & {g.id for g in feature.gates})))
    reuse.forget_hashed(["links", *(f"feature:{f.id}" for f in features)])
    return prints


def page_fingerprints(reuse: Reuse, job: str, pages: Sequence[PlannedPage]) -> list[bytes]:
    """One fingerprint per page of a planned dashboard, from what each ``shows``: the features whose
    content it shows, by digest (without the records it does not show), and the other values it
    shows; with what every dashboard page shows (``fingerprints`` made it). Empty (never reused) with
    a comparison."""
    base = reuse.dashboard_page_base
    if not base:
        return [b""] * len(pages)
    prints = []
    for page in pages:
        features, values = page.shows()
        prints.append(_hash("dashboard page", job, base, [reuse.digest(f, page.unshown) for f in features], values))
    return prints


#: What the owners' dashboard and pages show nothing of: of decisions, only those an owner's page
#: lists (owned, an open follow-up of someone's, or on the page of records nobody owns).
OWNERS_UNSHOWN = ("decisions", "research", "clarifications", "technical_context")


def _owners(r: Renderer, reuse: Reuse, site: bytes, owners: bytes, links: bytes) -> bytes:
    """The owners' job: its index counts each owner's records, and each owner's page lists their gates,
    risks, decisions and follow-ups, and their features by readiness state."""
    checked = r.checked
    listed = frozenset(record for owner in checked.owners.values() for record in (*owner.decisions, *owner.follow_ups))
    listed |= checked.unowned
    return _hash("dashboard", "owners", site, owners, links,
                 [(reuse.digest(f, OWNERS_UNSHOWN, listed), checked.readiness_of(f.id).state) for f in r.features])


def _graph(r: Renderer, reuse: Reuse, site: bytes, links: bytes) -> bytes:
    """The graph dashboard's job: its pictures draw at most ``full_graph_nodes`` nodes of each view,
    chosen by the graph's links (every edge is in ``links``), its nodes' kinds and features, and the
    feature order (in ``site``); of the nodes, they show only those drawn. Which are drawn is kept
    while what chooses them is the same: choosing them costs as much as drawing them."""
    graph = r.graphs.graph
    nodes = "\n".join(f"{node}\t{data['kind']}\t{data['feature']}" for node, data in graph.nodes(data=True)
                      if data["kind"] not in TRACE_KINDS)  # the pictures draw no traceability records
    chosen_by = hashlib.blake2b(links + nodes.encode("utf-8", "surrogateescape"), digest_size=20).digest()
    if reuse.graph_drawn[0] != chosen_by:
        href = r.node_href(r.urls.get("graph", ""))
        cap = r.options.full_graph_nodes
        views = (r.graphs.features(href, cap), r.graphs.decisions(href, cap))
        reuse.graph_drawn = (chosen_by, tuple(node for view in views if view is not None for node in view.nodes))
    return _hash("dashboard", "graph", site, chosen_by, [(node, graph.nodes[node]) for node in reuse.graph_drawn[1]])


def _row(row: FeatureRow | None) -> object:
    """A feature's row of counts without the feature, whose digest the fingerprint holds already
    (its repr would be the whole feature again: 24 MB for 1,000 features)."""
    if row is None:
        return None
    return (row.feature.id, *(getattr(row, field.name) for field in fields(row) if field.name != "feature"))


def _templates(folder: Path | None) -> list[tuple[str, int, int]]:
    if folder is None or not folder.is_dir():
        return []
    return sorted((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file())


def _near(features: list[str], linked: dict[str, tuple[str, ...]], depth: int) -> dict[str, list[str]]:
    """Feature → the features within ``depth`` links of it (itself too), sorted."""
    between: nx.Graph[str] = nx.Graph()
    between.add_nodes_from(features)
    between.add_edges_from((feature, other) for feature, others in linked.items() for other in others)
    return {feature: sorted(nx.single_source_shortest_path_length(between, feature, cutoff=depth))
            for feature in features}


#: A strongly connected group of decisions: a digest of each member's direct dependents (ids and
#: links), the features of the members and of those dependents, the groups that rest on it.
DecisionGroup = tuple[bytes, tuple[str, ...], tuple[int, ...]]


def _decision_groups(r: Renderer) -> tuple[list[DecisionGroup], dict[str, int]]:
    """The groups of decisions that rest on each other, each after those that rest on it, and each
    decision's group: what its impact page lists, transitively, but for the content and place of
    the features, which ``fingerprints`` adds. It reads only the impacts and twins, so a session
    makes it again only after an edit that changes links."""
    checked = r.checked
    decisions: nx.DiGraph[str] = nx.DiGraph()
    for decision in checked.impacts:
        decisions.add_node(decision)
        for dependent in checked.impact(decision).dependents:
            if dependent.kind == "decision":
                decisions.add_edge(decision, dependent.id)
    condensed = nx.condensation(decisions)
    order = list(reversed(list(nx.topological_sort(condensed))))
    index = {group: number for number, group in enumerate(order)}
    groups: list[DecisionGroup] = []
    for group in order:
        members = sorted(condensed.nodes[group]["members"])
        dependents = [(m, [(d.id, d.kind, d.link) for d in checked.impact(m).dependents]) for m in members]
        reached = {node.split("/", 1)[0] for m, listed in dependents for node in (m, *(d for d, _, _ in listed))}
        groups.append((_hash(dependents), tuple(sorted(reached)),
                       tuple(sorted(index[g] for g in condensed.successors(group)))))
    mapping = condensed.graph["mapping"]
    return groups, {decision: index[mapping[decision]] for decision in decisions}
