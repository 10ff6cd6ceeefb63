"""Draw a laid-out graph as inline SVG: no script, no stylesheet, every style an attribute.

Presentation attributes survive HTML sanitisers (Backstage TechDocs strips ``<style>``), and text
uses ``currentColor`` so it follows the page's light or dark scheme.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from plan_portal.link.types import LINK_TYPES
from plan_portal.render.layout import GAP_Y, NODE_HEIGHT, Layout, Placed

KIND_COLOURS = {"feature": "#8250df", "decision": "#0969da", "risk": "#cf222e", "gate": "#1a7f37"}
EDGE_STYLES = {  # colour, dash pattern
    "depends-on": ("#57606a", ""),
    "supersedes": ("#8250df", "6 3"),
    "mitigated-by": ("#1a7f37", "2 3"),
    "evidenced-by": ("#0969da", "2 3"),
    "relates-to": ("#6e7781", "1 4"),
    "feature-depends-on": ("#bf8700", ""),
}
#: Status → (stroke dash, fill opacity): proposed or in-review boxes are dashed, superseded ones faded.
STATUS_STYLES = {
    "proposed": ("4 3", ".1"), "in-review": ("4 3", ".1"), "superseded": ("", ".04"),
    "deprecated": ("", ".04"), "rejected": ("1 3", ".04"), "fail": ("", ".3"), "high": ("", ".25"),
    "critical": ("", ".4"),
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


# ------------------------------------------------------------------------------------------- text

#: The size of a box's text, in px: a picture is shown at its natural size, so this is its size on screen.
FONT_SIZE = 12
#: Baselines of a box's heading and its two label lines, and the text's inset from the box's left edge.
BASELINES = (17, 33, 48)
PADDING = 8
#: Box widths: a box is as wide as its heading and label need, within these bounds; a label wraps
#: within LABEL_WIDTH (or its heading's width), a longer heading (a feature's folder name) may take
#: up to MAX_WIDTH.
MIN_WIDTH = 120
LABEL_WIDTH = 200
MAX_WIDTH = 232
#: A label up to this wide (px) stays on one line; a longer one wraps onto two lines.
ONE_LINE = 176

#: Advance widths in em of printable ASCII, the wider of DejaVu Sans and Liberation Sans (the fonts a
#: Linux browser falls back to for sans-serif, Helvetica and Arial), rounded up: an estimate that is a
#: little wide for most fonts, so that text fits its box whatever font the page gives it.
_REGULAR_EM = {0.3: "'Iijl", 0.35: " ,./:;\\|·", 0.4: "()-[]ft", 0.45: "!r", 0.5: '"*J`', 0.55: "csz",
               0.6: "?L_kvxy", 0.65: "0123456789$FTabdeghnopqu{}", 0.7: "ABEKPSVXYZ", 0.75: "CNRU",
               0.8: "&DGHOQ", 0.85: "#+<=>^w~", 0.9: "M", 1.0: "%Wm…—", 1.05: "@"}
_BOLD_EM = {0.35: " 'ijl", 0.4: ",./:;I\\|·", 0.45: "-f", 0.5: "!()[]`rt", 0.55: '"*', 0.6: "J_csz",
            0.65: "?Lx", 0.7: "0123456789$EFTaekovy", 0.75: "CPSYZbdghnpqu{}", 0.8: "ABKRVX",
            0.85: "#+<=>DGHNU^~", 0.9: "&OQ", 0.95: "w", 1.0: "@M…—", 1.05: "%m", 1.15: "W"}


def _other_em(ch: str) -> float:
    if unicodedata.combining(ch):
        return 0.0
    return 1.05 if unicodedata.east_asian_width(ch) in "WF" else 0.8


class _Advances(dict[str, float]):
    """Character → advance width in em: the table's, else ``_other_em``'s, remembered once asked
    for, so that measuring a text is one dictionary look-up per character."""

    def __missing__(self, ch: str) -> float:
        em = self[ch] = _other_em(ch)
        return em


_REGULAR = _Advances({ch: em for em, chars in _REGULAR_EM.items() for ch in chars})
_BOLD = _Advances({ch: em for em, chars in _BOLD_EM.items() for ch in chars})


def text_width(text: str, bold: bool = False) -> float:
    """About how wide ``text`` is drawn at FONT_SIZE px, in px (rather too wide than too narrow)."""
    return FONT_SIZE * sum(map((_BOLD if bold else _REGULAR).__getitem__, text))


def fit(text: str, width: float, bold: bool = False) -> str:
    """``text`` on one line of ``width`` px: whole, or cut with "…", at a space or hyphen when one is near."""
    text = " ".join(text.split())
    if text_width(text, bold) <= width:
        return text
    room = width - text_width("…", bold)
    table = _BOLD if bold else _REGULAR
    used, end = 0.0, len(text)
    for index, ch in enumerate(text):
        used += FONT_SIZE * table[ch]
        if used > room:  # the first character that does not fit
            end = index
            break
    boundary = max(text.rfind(" ", 0, end + 1), text.rfind("-", 0, end + 1))
    if boundary > end * 0.6:  # cut at a word boundary unless that loses much of the line
        end = boundary
    return text[:end].rstrip(" ,;:·-–—") + "…"


def wrap(text: str, width: float, lines: int = 2) -> tuple[list[str], bool]:
    """``text`` on at most ``lines`` lines of ``width`` px, broken at spaces, and whether something
    was cut (what does not fit ends its line with "…": the last line, or a word too long for one)."""
    words = text.split()
    out: list[str] = []
    index = 0
    while index < len(words) and len(out) < lines:
        line = words[index]
        index += 1
        while index < len(words) and text_width(f"{line} {words[index]}") <= width:
            line = f"{line} {words[index]}"
            index += 1
        out.append(line)
    if index < len(words):
        out[-1] = " ".join([out[-1], *words[index:]])
    fitted = [fit(line, width) for line in out]
    return fitted, fitted != out


@dataclass(frozen=True, slots=True)
class Box:
    """How a node is drawn: its width, its heading and the lines of its label."""

    width: int
    heading: str
    lines: tuple[str, ...]


@functools.lru_cache(maxsize=8192)  # a node is drawn on its own page and on its neighbours' pages
def box(heading: str, label: str, widest: int = MAX_WIDTH) -> Box:
    """A box as wide as its heading and label need, within MIN_WIDTH and ``widest``: a short label
    on one line, a longer one on two balanced lines, the rest cut at a word with "…" (the node's
    tooltip holds the whole text)."""
    label = " ".join(label.split())
    heading_width = min(text_width(heading, bold=True), widest - 2 * PADDING)
    label_room = max(heading_width, LABEL_WIDTH - 2 * PADDING)
    label_width = text_width(label)
    lines = [label] if label else []
    if label_width > max(ONE_LINE, heading_width):
        room = max(heading_width, label_width / 2, MIN_WIDTH - 2 * PADDING)
        while True:  # the narrowest width (in 8 px steps) at which the label fits on two lines
            lines, cut = wrap(label, min(room, label_room))
            if not cut or room >= label_room:
                break
            room += 8
    inner = max([heading_width, *(text_width(line) for line in lines)])
    width = max(MIN_WIDTH, min(widest, math.ceil(inner + 2 * PADDING)))
    return Box(width, fit(heading, width - 2 * PADDING, bold=True), tuple(lines))


# ------------------------------------------------------------------------------------------- drawing


def _direction(a: Placed, b: Placed) -> int:
    """1 when ``b`` sits in a row below ``a``, -1 in a row above (a link against the layers, in a
    cycle), 0 in the same row."""
    return 1 if b.y > a.y + NODE_HEIGHT / 2 else -1 if b.y < a.y - NODE_HEIGHT / 2 else 0


def _ports(edges: list[tuple[str, str, str]], positions: dict[str, Placed]) -> dict[tuple[str, str, str], float]:
    """Where each link between rows leaves its box and arrives at the other (x, keyed by (edge, end)):
    spread over the middle of the box's edge in the order of the other ends, so that many links
    into one box fan out rather than meet in one point."""
    ends: dict[tuple[str, str], list[tuple[float, str, tuple[str, str]]]] = {}
    for source, target, _ in edges:
        a, b = positions[source], positions[target]
        direction = _direction(a, b)
        if direction:
            ends.setdefault((source, "bottom" if direction > 0 else "top"), []).append(
                (b.x + b.width / 2, "out", (source, target)))
            ends.setdefault((target, "top" if direction > 0 else "bottom"), []).append(
                (a.x + a.width / 2, "in", (source, target)))
    ports: dict[tuple[str, str, str], float] = {}
    for (node, _), links in ends.items():
        place = positions[node]
        links.sort()
        for index, (_, end, (source, target)) in enumerate(links):
            share = 0.5 if len(links) == 1 else 0.2 + 0.6 * index / (len(links) - 1)
            ports[(source, target, end)] = place.x + place.width * share
    return ports


def _edge_path(a: Placed, b: Placed, x1: float, x2: float) -> str:
    direction = _direction(a, b)
    if direction:  # downwards from the bottom to the top, or upwards from the top to the bottom
        start_y = a.y + NODE_HEIGHT if direction > 0 else a.y
        end_y = b.y if direction > 0 else b.y + NODE_HEIGHT
        bend = (end_y - start_y) / 2 if direction > 0 else -GAP_Y / 2
        return f"M{x1:.0f},{start_y:.0f}C{x1:.0f},{start_y + bend:.0f} {x2:.0f},{end_y - bend:.0f} {x2:.0f},{end_y:.0f}"
    # the same row: arc over the top, from side to side
    x1, x2 = a.x + a.width / 2, b.x + b.width / 2
    side = 1 if x2 >= x1 else -1
    start_x, end_x = x1 + side * a.width / 2, x2 - side * b.width / 2
    lift = NODE_HEIGHT * 1.2
    return (f"M{start_x:.0f},{a.y + NODE_HEIGHT / 2:.0f}C{start_x + side * lift:.0f},{a.y - lift:.0f} "
            f"{end_x - side * lift:.0f},{b.y - lift:.0f} {end_x:.0f},{b.y + NODE_HEIGHT / 2:.0f}")


def node_box(node: Node) -> Box:
    """A feature's box may be widened by its folder name up to MAX_WIDTH; a record's keeps to
    LABEL_WIDTH (its heading repeats its feature's name), so that three fit in a feature page's row."""
    return box(" ".join(node.heading.split()), node.label, MAX_WIDTH if node.kind == "feature" else LABEL_WIDTH)


def render_svg(view_id: str, nodes: dict[str, Node], edges: list[tuple[str, str, str]], layout: Layout,
               title: str) -> Markup:
    """One graph as an ``<svg>`` element; ``view_id`` keeps marker ids unique on the page.

    The picture is meant to be shown at its natural size (``width`` and ``height`` in px, text at
    FONT_SIZE px), scrolling in its box when wider than the page, never scaled down to fit.
    Shared presentation attributes sit on group elements and are inherited, which keeps a view
    small: a page can hold several; for the same reason a link names its two boxes by number (the
    order they are drawn in) rather than by id. Each box first paints the page's own background
    colour (the CSS system colour ``Canvas``, dark in a dark scheme) so that links passing behind
    it do not cross its text; text is ``currentColor``, the page's text colour.
    """
    view = escape(view_id)
    used = sorted({kind for _, _, kind in edges})
    ports = _ports(edges, layout.positions)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pp-graph" role="img" '
        f'viewBox="0 0 {layout.width:.0f} {layout.height:.0f}" width="{layout.width:.0f}" '
        f'height="{layout.height:.0f}" aria-label="{escape(title)}" data-pp-graph="{view}" '
        f'font-size="{FONT_SIZE}">',
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
    # Boxes are numbered in the order they are drawn (the picture's <a> elements); a link names
    # its two boxes by number (data-pp-ends="from to"), which the page's script highlights by.
    drawn_nodes = [node for kind in sorted({node.kind for node in nodes.values()})
                   for node in nodes.values() if node.kind == kind]
    number = {node.id: index for index, node in enumerate(drawn_nodes)}
    for kind in used:
        colour, dash = EDGE_STYLES.get(kind, EDGE_STYLES["relates-to"])
        label = escape(LINK_TYPES[kind].forward if kind in LINK_TYPES else kind)
        out.append(f'<g fill="none" stroke="{colour}" stroke-width="1.6" marker-end="url(#{view}-{kind})"'
                   + (f' stroke-dasharray="{dash}" stroke-linecap="round"' if dash else "") + ">")
        for source, target, edge_kind in edges:
            if edge_kind != kind:
                continue
            a, b = layout.positions[source], layout.positions[target]
            x1, x2 = ports.get((source, target, "out"), 0.0), ports.get((source, target, "in"), 0.0)
            out.append(f'<path d="{_edge_path(a, b, x1, x2)}" data-pp-ends="{number[source]} {number[target]}">'
                       f"<title>{escape(source)} {label} {escape(target)}</title></path>")
        out.append("</g>")
    # One group for every box: its text takes the page's colour; each box's tinted rectangle
    # names its kind's colour itself, which is shorter than a group per kind around text that
    # would have to undo the group's fill and stroke.
    out.append('<g fill="currentColor" stroke-width="1.5">')
    for node in drawn_nodes:
        colour = KIND_COLOURS.get(node.kind, "#57606a")
        place = layout.positions[node.id]
        drawn = node_box(node)
        dash, opacity = STATUS_STYLES.get(node.status, ("", ".14"))
        tooltip = f"{node.id}: {node.label}" + (f" ({node.status})" if node.status else "")
        shape = f'<rect width="{place.width:.0f}" height="{NODE_HEIGHT}" rx="6"'
        text = [f'<text x="{PADDING}" y="{BASELINES[0]}" font-weight="700">{escape(drawn.heading)}</text>']
        text += [f'<text x="{PADDING}" y="{BASELINES[1 + i]}">{escape(line)}</text>'
                 for i, line in enumerate(drawn.lines)]
        out.append(
            f'<a href="{escape(node.href)}" transform="translate({place.x:.0f},{place.y:.0f})">'
            f"<title>{escape(tooltip)}</title>"
            f'{shape} fill="Canvas"/>'
            f'{shape} fill="{colour}" stroke="{colour}" fill-opacity="{opacity}"'
            + (' stroke-width="3"' if node.root else "") + (f' stroke-dasharray="{dash}"' if dash else "") + "/>"
            f'{"".join(text)}</a>'
        )
    out.append("</g>")
    out.append("</svg>")
    return Markup("".join(out))


def render_legend(kinds: list[str], edge_kinds: list[str]) -> Markup:
    """A legend for node kinds, link types and statuses: each a small drawing, with the same
    attributes as the picture, and its name as text of the page, so that it wraps on a narrow
    screen instead of shrinking."""
    items: list[tuple[str, str]] = []
    for kind in kinds:
        colour = KIND_COLOURS[kind]
        items.append((f'<rect x="1" y="1" width="16" height="12" rx="3" fill="{colour}" fill-opacity=".14" '
                      f'stroke="{colour}" stroke-width="1.5"/>', kind))
    for kind in edge_kinds:
        colour, dash = EDGE_STYLES[kind]
        items.append((f'<line x1="0" y1="7" x2="22" y2="7" stroke="{colour}" stroke-width="2"'
                      + (f' stroke-dasharray="{dash}" stroke-linecap="round"' if dash else "") + "/>",
                      LINK_TYPES[kind].forward))
    items.append(('<rect x="1" y="1" width="16" height="12" rx="3" fill="#0969da" fill-opacity=".1" '
                  'stroke="#0969da" stroke-width="1.5" stroke-dasharray="4 3"/>', "proposed / in review"))
    items.append(('<rect x="1" y="1" width="16" height="12" rx="3" fill="#0969da" fill-opacity=".04" '
                  'stroke="#0969da" stroke-width="1.5"/>', "superseded / rejected (faded)"))
    return Markup("<span class=\"pp-graph-legend\">" + " ".join(
        f'<span class="pp-legend-item"><svg xmlns="http://www.w3.org/2000/svg" class="pp-legend-svg" '
        f'width="22" height="14" aria-hidden="true">{shape}</svg> {escape(text)}</span>'
        for shape, text in items) + "</span>")
