"""Draw a laid-out graph as inline SVG: no script, no stylesheet, every style an attribute.

Presentation attributes survive HTML sanitisers (Backstage TechDocs strips ``<style>``), and text
uses ``currentColor`` so it follows the page's light or dark scheme.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from plan_portal.link.types import LINK_TYPES
from plan_portal.render.layout import NODE_HEIGHT, NODE_WIDTH, Layout

KIND_COLOURS = {"feature": "#8250df", "decision": "#0969da", "risk": "#cf222e", "gate": "#1a7f37"}
EDGE_STYLES = {  # colour, dash pattern
    "depends-on": ("#57606a", ""),
    "supersedes": ("#8250df", "6 3"),
    "mitigated-by": ("#1a7f37", "2 3"),
    "evidenced-by": ("#0969da", "2 3"),
    "relates-to": ("#8c959f", "1 4"),
    "feature-depends-on": ("#bf8700", ""),
}
#: Status → (stroke dash, fill opacity): proposed or in-review boxes are dashed, superseded ones faded.
STATUS_STYLES = {
    "proposed": ("4 3", "0.10"), "in-review": ("4 3", "0.10"), "superseded": ("", "0.04"),
    "deprecated": ("", "0.04"), "rejected": ("1 3", "0.04"), "fail": ("", "0.30"), "high": ("", "0.25"),
}


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    kind: str
    #: First line: the record's short id and its feature ("ADR-003 · 002-payments"), or the feature id.
    heading: str
    label: str
    status: str
    href: str
    root: bool = False


def node_heading(kind: str, local_id: str, feature: str) -> str:
    if kind == "feature":
        return feature
    short = local_id if len(local_id) <= 12 else kind
    return f"{short} · {feature}"


def _label(text: str, limit: int = 26) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _edge_path(x1: float, y1: float, x2: float, y2: float) -> str:
    if y2 > y1 + NODE_HEIGHT / 2:  # downwards: leave from the bottom, arrive at the top
        start_y, end_y = y1 + NODE_HEIGHT, y2
        bend = (end_y - start_y) / 2
        return (f"M{x1:.1f},{start_y:.1f} C{x1:.1f},{start_y + bend:.1f} {x2:.1f},{end_y - bend:.1f} "
                f"{x2:.1f},{end_y:.1f}")
    # same row or upwards (a cycle): arc around the side
    side = 1 if x2 >= x1 else -1
    start_x, end_x = x1 + side * NODE_WIDTH / 2, x2 - side * NODE_WIDTH / 2
    lift = NODE_HEIGHT * 1.2
    return (f"M{start_x:.1f},{y1 + NODE_HEIGHT / 2:.1f} C{start_x + side * lift:.1f},{y1 - lift:.1f} "
            f"{end_x - side * lift:.1f},{y2 - lift:.1f} {end_x:.1f},{y2 + NODE_HEIGHT / 2:.1f}")


def render_svg(view_id: str, nodes: dict[str, Node], edges: list[tuple[str, str, str]], layout: Layout,
               title: str, label_of: Callable[[str, int], str] = _label) -> Markup:
    """One graph as an ``<svg>`` element; ``view_id`` keeps marker ids unique on the page."""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pp-graph" role="img" '
        f'viewBox="0 0 {layout.width:.0f} {layout.height:.0f}" width="{layout.width:.0f}" '
        f'height="{layout.height:.0f}" aria-label="{escape(title)}" data-pp-graph="{escape(view_id)}">',
        f"<title>{escape(title)}</title>",
        "<defs>",
    ]
    for kind, (colour, _) in EDGE_STYLES.items():
        out.append(
            f'<marker id="{escape(view_id)}-{kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        )
    out.append("</defs>")
    for source, target, kind in edges:
        a, b = layout.positions[source], layout.positions[target]
        colour, dash = EDGE_STYLES.get(kind, EDGE_STYLES["relates-to"])
        label = LINK_TYPES[kind].forward if kind in LINK_TYPES else kind
        out.append(
            f'<path d="{_edge_path(a.x + NODE_WIDTH / 2, a.y, b.x + NODE_WIDTH / 2, b.y)}" fill="none" '
            f'stroke="{colour}" stroke-width="1.6"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + f' marker-end="url(#{escape(view_id)}-{kind})"'
            + f' data-pp-from="{escape(source)}" data-pp-to="{escape(target)}">'
            f"<title>{escape(source)} {escape(label)} {escape(target)}</title></path>"
        )
    for node in nodes.values():
        place = layout.positions[node.id]
        colour = KIND_COLOURS.get(node.kind, "#57606a")
        dash, opacity = STATUS_STYLES.get(node.status, ("", "0.14"))
        stroke_width = "3" if node.root else "1.5"
        tooltip = f"{node.id}: {node.label}" + (f" ({node.status})" if node.status else "")
        out.append(
            f'<a href="{escape(node.href)}" data-pp-node="{escape(node.id)}"><title>{escape(tooltip)}</title>'
            f'<rect x="{place.x:.1f}" y="{place.y:.1f}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}" rx="6" '
            f'fill="{colour}" fill-opacity="{opacity}" stroke="{colour}" stroke-width="{stroke_width}"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + "/>"
            f'<text x="{place.x + 8:.1f}" y="{place.y + 16:.1f}" font-size="11" font-weight="700" '
            f'fill="{colour}">{escape(label_of(node.heading, 28))}</text>'
            f'<text x="{place.x + 8:.1f}" y="{place.y + 31:.1f}" font-size="11" fill="currentColor">'
            f"{escape(label_of(node.label, 26))}</text></a>"
        )
    out.append("</svg>")
    return Markup("".join(out))


def render_legend(kinds: list[str], edge_kinds: list[str]) -> Markup:
    """A legend for node kinds, link types and statuses, drawn with the same attributes."""
    items: list[tuple[str, str]] = []
    for kind in kinds:
        colour = KIND_COLOURS[kind]
        items.append((f'<rect x="0" y="2" width="16" height="12" rx="3" fill="{colour}" fill-opacity="0.14" '
                      f'stroke="{colour}" stroke-width="1.5"/>', kind))
    for kind in edge_kinds:
        colour, dash = EDGE_STYLES[kind]
        items.append((f'<line x1="0" y1="8" x2="22" y2="8" stroke="{colour}" stroke-width="2"'
                      + (f' stroke-dasharray="{dash}"' if dash else "") + "/>", LINK_TYPES[kind].forward))
    items.append(('<rect x="0" y="2" width="16" height="12" rx="3" fill="#0969da" fill-opacity="0.10" '
                  'stroke="#0969da" stroke-width="1.5" stroke-dasharray="4 3"/>', "proposed / in review"))
    items.append(('<rect x="0" y="2" width="16" height="12" rx="3" fill="#0969da" fill-opacity="0.04" '
                  'stroke="#0969da" stroke-width="1.5"/>', "superseded / rejected (faded)"))
    x = 0
    parts = []
    for shape, text in items:
        parts.append(f'<g transform="translate({x},0)">{shape}<text x="28" y="13" font-size="11" '
                     f'fill="currentColor">{escape(text)}</text></g>')
        x += 40 + 7 * len(text)
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" class="pp-legend-svg" width="{x}" height="18" '
                  f'viewBox="0 0 {x} 18" role="img" aria-label="Legend">{"".join(parts)}</svg>')
