"""Stage 4: link records that cite each other into one graph."""

from plan_portal.link.graph import (
    Linked,
    PortfolioGraph,
    dependency_order,
    depends_on_graph,
    edges_of_type,
    link,
    nodes_of_kind,
    typed_edges,
)
from plan_portal.link.trace import TRACE_KINDS
from plan_portal.link.types import LINK_TYPES, LinkType

__all__ = [
    "LINK_TYPES",
    "TRACE_KINDS",
    "LinkType",
    "Linked",
    "PortfolioGraph",
    "dependency_order",
    "depends_on_graph",
    "edges_of_type",
    "link",
    "nodes_of_kind",
    "typed_edges",
]
