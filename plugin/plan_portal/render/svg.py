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
    "critical": ("", "0.40"),
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
        return f"M{x1:.0f},{start_y:.0f}C{x1:.0f},{start_y + bend:.0f} {x2:.0f},{end_y - bend:.0f} {x2:.0f},{end_y:.0f}"
    # same row or upwards (a cycle): arc around the side
    side = 1 if x2 >= x1 else -1
    start_x, end_x = x1 + side * NODE_WIDTH / 2, x2 - side * NODE_WIDTH / 2
    lift = NODE_HEIGHT * 1.2
    return (f"M{start_x:.0f},{y1 + NODE_HEIGHT / 2:.0f}C{start_x + side * lift:.0f},{y1 - lift:.0f} "
            f"{end_x - side * lift:.0f},{y2 - lift:.0f} {end_x:.0f},{y2 + NODE_HEIGHT / 2:.0f}")


def render_svg(view_id: str, nodes: dict[str, Node], edges: list[tuple[str, str, str]], layout: Layout,
               title: str, label_of: Callable[[str, int], str] = _label) -> Markup:
    """One graph as an ``<svg>`` element; ``view_id`` keeps marker ids unique on the page.

    Shared presentation attributes sit on group elements and are inherited, which keeps a view
    small: a page can hold several. Each box first paints the page's own background colour
    (the CSS system colour ``Canvas``, dark in a dark scheme) so that links passing behind it do
    not cross its text.
    """
    view = escape(view_id)
    used = sorted({kind for _, _, kind in edges})
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pp-graph" role="img" '
        f'viewBox="0 0 {layout.width:.0f} {layout.height:.0f}" width="{layout.width:.0f}" '
        f'height="{layout.height:.0f}" aria-label="{escape(title)}" data-pp-graph="{view}" font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    if used:
        out.append("<defs>")
        for kind in used:
            colour = EDGE_STYLES.get(kind, EDGE_STYLES["relates-to"])[0]
            out.append(f'<marker id="{view}-{kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
                       f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
                       f'fill="{colour}"/></marker>')
        out.append("</defs>")
    for kind in used:
        colour, dash = EDGE_STYLES.get(kind, EDGE_STYLES["relates-to"])
        label = escape(LINK_TYPES[kind].forward if kind in LINK_TYPES else kind)
        out.append(f'<g fill="none" stroke="{colour}" stroke-width="1.6" marker-end="url(#{view}-{kind})"'
                   + (f' stroke-dasharray="{dash}"' if dash else "") + ">")
        for source, target, edge_kind in edges:
            if edge_kind != kind:
                continue
            a, b = layout.positions[source], layout.positions[target]
            out.append(f'<path d="{_edge_path(a.x + NODE_WIDTH / 2, a.y, b.x + NODE_WIDTH / 2, b.y)}" '
                       f'data-pp-from="{escape(source)}" data-pp-to="{escape(target)}">'
                       f"<title>{escape(source)} {label} {escape(target)}</title></path>")
        out.append("</g>")
    for kind in sorted({node.kind for node in nodes.values()}):
        colour = KIND_COLOURS.get(kind, "#57606a")
        out.append(f'<g fill="{colour}" stroke="{colour}">')
        for node in nodes.values():
            if node.kind != kind:
                continue
            place = layout.positions[node.id]
            dash, opacity = STATUS_STYLES.get(node.status, ("", "0.14"))
            tooltip = f"{node.id}: {node.label}" + (f" ({node.status})" if node.status else "")
            out.append(
                f'<a href="{escape(node.href)}" data-pp-node="{escape(node.id)}" '
                f'transform="translate({place.x:.0f},{place.y:.0f})"><title>{escape(tooltip)}</title>'
                f'<rect width="{NODE_WIDTH}" height="{NODE_HEIGHT}" rx="6" fill="Canvas" stroke="none"/>'
                f'<rect width="{NODE_WIDTH}" height="{NODE_HEIGHT}" rx="6" fill-opacity="{opacity}" '
                f'stroke-width="{3 if node.root else 1.5}"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>"
                f'<text x="8" y="16" stroke="none" font-weight="700">{escape(label_of(node.heading, 28))}</text>'
                f'<text x="8" y="31" stroke="none" fill="currentColor">{escape(label_of(node.label, 26))}</text></a>'
            )
        out.append("</g>")
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
