"""A feature's own page: its facts, summary, gates, decisions, risks and the graph around it."""

from __future__ import annotations

from plan_portal.link import LINK_TYPES
from plan_portal.model.records import Feature
from plan_portal.model.text import anchor
from plan_portal.render.context import Renderer


def _links_of(r: Renderer, node: str) -> list[tuple[str, str]]:
    """(label, other node) for every link of a record, outgoing with forward labels, incoming with reverse."""
    graph = r.graphs.graph  # without traceability records: the feature page does not show them yet
    found = [(LINK_TYPES[t].forward, b) for _, b, t in graph.out_edges(node, keys=True)]
    found += [(LINK_TYPES[t].reverse, a) for a, _, t in graph.in_edges(node, keys=True)]
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
        links={record_id: _links_of(r, record_id) for record_id in record_ids},
        references=r.references.get(feature.id, []), file_urls=r.file_urls,
        graph_url=layout.url(layout.src("graph.md")),
    )
