"""A feature's own page: its facts, summary, gates, decisions, risks and the graph around it."""

from __future__ import annotations

from collections import Counter

from plan_portal.checked import Affected
from plan_portal.link import LINK_TYPES
from plan_portal.model.records import Feature
from plan_portal.model.text import anchor, is_generated_id
from plan_portal.render.context import Renderer
from plan_portal.render.impact import shown_beside
from plan_portal.render.trace import has_trace

#: A decision's links that its status (supersedes) and impact (rests on, rests on it) already show.
_SHOWN_BESIDE_DECISIONS = frozenset({"depends-on", "supersedes", "mitigated-by", "evidenced-by"})


def _links_of(r: Renderer, node: str) -> list[tuple[str, str]]:
    """(label, other node) for every link of a record, outgoing with forward labels, incoming with reverse;
    for a decision, only those its status and impact do not list."""
    views = r.graphs  # without traceability records: the feature page does not list them
    decision = views.kind(node) == "decision"

    def shown(t: str, other: str) -> bool:
        return decision and t in _SHOWN_BESIDE_DECISIONS and views.kind(other) != "feature"

    found = [(LINK_TYPES[t].forward, b) for b, t in views.out_links(node) if not shown(t, b)]
    found += [(LINK_TYPES[t].reverse, a) for a, t in views.in_links(node) if not shown(t, a)]
    return sorted(set(found))


def render(r: Renderer, feature: Feature, src: str) -> str:
    layout, options = r.layout, r.options
    # Every published file has its URL in file_urls, but a copied file that cannot be published.
    links = [(p.name, r.file_urls[p.path]) for p in feature.published if p.path in r.file_urls]
    artifact_links = [(name, url) for name, url in links if "/" not in name]
    contract_links = [(name, url) for name, url in links if "/" in name]
    href = r.node_href(layout.url(src))
    roots = [feature.id, *(d.id for d in feature.decisions)]
    local = r.graphs.local(f"pp-{anchor(feature.id)}", f"Links of {feature.id}", roots, options.graph_depth,
                           options.local_graph_nodes, href)
    record_ids = [x.id for x in feature.decisions] + [x.id for x in feature.risks] + [x.id for x in feature.gates]
    return r.render(
        "feature.html", src, f=feature, row=r.rows[feature.id], artifact_links=artifact_links,
        contract_links=contract_links, diagnostics=r.diagnostics_by_feature.get(feature.path, []),
        unmitigated=r.checked.unmitigated, known_features=r.by_id, local_graph=local,
        impacts={d.id: r.checked.impact(d.id) for d in feature.decisions},
        impact_rows={d.id: shown_beside(r.checked, d.id) for d in feature.decisions},
        links={record_id: _links_of(r, record_id) for record_id in record_ids},
        references=r.references.get(feature.id, []), file_urls=r.file_urls,
        graph_url=layout.url(layout.src("graph.md")), has_trace=has_trace(feature),
    )


def impact_pages(r: Renderer, feature: Feature) -> list[tuple[str, str, str]]:
    """(source path, title, Markdown) of the impact pages of the feature's decisions that have one:
    what rests on the decision directly, ``page_size`` rows a page, each with its own count (see
    render.impact); what it rests on directly, on the first page."""
    rendered = []
    for d in feature.decisions:
        if r.checked.twins.get(d.id) or not r.impact_url(d.id):
            continue
        impact = r.checked.impact(d.id)
        rows = [Affected(dependent, 1, d.id) for dependent in impact.dependents]
        kinds = Counter(a.dependent.kind for a in rows)
        name = d.title if is_generated_id(d.local_id) else f"{d.local_id} {d.title}"
        for page_src, pager in r.pages(r.layout.impact_src(d.id), len(rows)):
            short = name if len(name) <= 70 else name[:69].rstrip() + "…"
            title = f"Impact of {short}" + (f" (page {pager.number})" if pager.number > 1 else "")
            rendered.append((page_src, title, r.render(
                "impact.html", page_src, f=feature, d=d, name=name, summary=impact, kinds=kinds,
                rows=pager.rows(rows), pager=pager, also=r.twins.get(d.id, []))))
    return rendered
